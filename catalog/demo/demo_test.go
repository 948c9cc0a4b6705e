package demo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/catalog/demo"
	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/graph/storetest"
	"cpsfgraph/importers"
	idemo "cpsfgraph/internal/demo"
)

// dump renders a workspace without stamps, sorted.
func dump(t *testing.T, s graph.Store, ws string) []string {
	t.Helper()
	lines, err := storetest.Dump(context.Background(), s, ws)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestWorkbooksGiveTheDemoGraph loads the demo through the importers and
// compares the workspace, item by item, with internal/demo's Go data.
func TestWorkbooksGiveTheDemoGraph(t *testing.T) {
	ctx := context.Background()
	direct := memstore.New()
	defer direct.Close()
	if _, err := idemo.Load(ctx, direct); err != nil {
		t.Fatal(err)
	}
	viaImport := memstore.New()
	defer viaImport.Close()
	rep, err := demo.Load(ctx, viaImport, importers.Options{})
	if err != nil {
		t.Fatalf("%v: %+v", err, rep.Rejections)
	}
	want, got := dump(t, direct, demo.WorkspaceID), dump(t, viaImport, demo.WorkspaceID)
	if len(want) < 100 {
		t.Fatalf("the demo graph has only %d items", len(want))
	}
	for _, l := range want {
		if !slices.Contains(got, l) {
			t.Errorf("imported demo lacks %s", l)
		}
	}
	for _, l := range got {
		if !slices.Contains(want, l) {
			t.Errorf("imported demo has extra %s", l)
		}
	}
	kinds := map[importers.Kind]bool{}
	for _, f := range rep.Files {
		for _, s := range f.Sheets {
			kinds[s.Kind] = true
		}
	}
	for _, k := range []importers.Kind{importers.KindRegister, importers.KindAssets, importers.KindRelationships, importers.KindOrganizations, importers.KindStatuses} {
		if !kinds[k] {
			t.Errorf("no %s sheet in the demo workbooks", k)
		}
	}
	// Loading again changes nothing.
	again, err := demo.Load(ctx, viaImport, importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, c := again.Totals(); c.Created+c.Updated+c.Removed != 0 {
		t.Errorf("second load: %+v", c)
	}
}

// TestWorkbooksUpToDate regenerates the workbooks and compares their cells
// with the committed ones (run go generate ./catalog/demo after changing
// internal/demo).
func TestWorkbooksUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := demo.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range demo.Files {
		if a, b := contents(t, name), contents(t, filepath.Join(dir, name)); a != b {
			t.Errorf("%s is out of date: run go generate ./catalog/demo", name)
		}
	}
}

// TestRegisterIsIPALayout checks that the register sheet has the IPA
// two-row merged header the importer flattens.
func TestRegisterIsIPALayout(t *testing.T) {
	f, err := excelize.OpenFile(demo.AssetRegisterFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var groups []string
	for _, m := range merged {
		if m.GetCellValue() == "個人情報の種類" || m.GetCellValue() == "評価値" {
			groups = append(groups, m.GetCellValue()+" "+m.GetStartAxis()+":"+m.GetEndAxis())
		}
	}
	slices.Sort(groups)
	if want := []string{"個人情報の種類 G2:I2", "評価値 J2:L2"}; !slices.Equal(groups, want) {
		t.Errorf("merged header groups %v; want %v", groups, want)
	}
}

func contents(t *testing.T, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		fmt.Fprintf(&b, "## %s\n%q\n", s, rows)
	}
	return b.String()
}
