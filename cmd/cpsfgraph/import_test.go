package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
)

var demoBooks = []string{"suppliers.xlsx", "asset-register.xlsx", "control-status.xlsx"}

func demoBook(name string) string { return filepath.Join("..", "..", "catalog", "demo", name) }

// breakRegister copies the demo register and puts "極高" into the first data
// row's confidentiality cell.
func breakRegister(t *testing.T, dir string) string {
	t.Helper()
	f, err := excelize.OpenFile(demoBook("asset-register.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := "情報資産管理台帳"
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c, v := range row {
			if strings.Contains(v, "機密性") {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
				if err := f.SetCellValue(sheet, cell, "極高"); err != nil {
					t.Fatal(err)
				}
				out := filepath.Join(dir, "broken-register.xlsx")
				if err := f.SaveAs(out); err != nil {
					t.Fatal(err)
				}
				return out
			}
		}
	}
	t.Fatal("no 機密性 column in the demo register")
	return ""
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	uri := "file:" + db
	ctx := context.Background()
	var books []string
	for _, b := range demoBooks {
		books = append(books, demoBook(b))
	}

	// A dry run writes nothing, not even the store file.
	rej := filepath.Join(dir, "rej.xlsx")
	code, out, errs := cpsf(t, ctx, append([]string{"import", "--store", uri, "--workspace", "w", "--dry-run", "--rejections", rej}, books...)...)
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("dry run created the store file")
	}

	code, out, errs = cpsf(t, ctx, append([]string{"import", "--store", uri, "--workspace", "w", "--rejections", rej}, books...)...)
	if code != 0 || !strings.Contains(out, "created 167") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}
	// Importing the same files again changes nothing.
	code, out, _ = cpsf(t, ctx, append([]string{"import", "--store", uri, "--workspace", "w", "--rejections", rej}, books...)...)
	if code != 0 || !strings.Contains(out, "created 0, updated 0, unchanged 167, removed 0") {
		t.Fatalf("re-import: exit %d\n%s", code, out)
	}

	// A broken row: nothing written, a rejection report naming the cell.
	broken := breakRegister(t, dir)
	code, out, errs = cpsf(t, ctx, "import", "--store", uri, "--workspace", "w2", "--rejections", rej, demoBook("suppliers.xlsx"), broken)
	if code != 1 || !strings.Contains(out, "rejection report: "+rej) || !strings.Contains(errs, "極高") {
		t.Fatalf("broken import: exit %d\n%s\n%s", code, out, errs)
	}
	s, err := memstore.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if page, err := s.Assets(ctx, "w2", graph.AssetQuery{}); err == nil && page.Total > 0 {
		t.Errorf("an import with a rejected row wrote %d assets", page.Total)
	}
	f, err := excelize.OpenFile(rej)
	if err != nil {
		t.Fatalf("rejection report: %v", err)
	}
	defer f.Close()
	found := false
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh)
		for _, r := range rows {
			if strings.Contains(strings.Join(r, "|"), "極高") {
				found = true
			}
		}
	}
	if !found {
		t.Error("the rejection report does not show the rejected value")
	}

	// With --partial the valid rows land.
	code, out, _ = cpsf(t, ctx, "import", "--store", uri, "--workspace", "w3", "--partial", "--rejections", rej, demoBook("suppliers.xlsx"), broken)
	if code != 0 {
		t.Fatalf("partial import: exit %d\n%s", code, out)
	}
	s2, err := memstore.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	page, err := s2.Assets(ctx, "w3", graph.AssetQuery{})
	if err != nil || page.Total == 0 {
		t.Errorf("partial import wrote no assets: %v", err)
	}

	code, _, errs = cpsf(t, ctx, "import", "--store", uri, "--workspace", "w")
	if code != 2 || !strings.Contains(errs, "no files") {
		t.Errorf("no files: exit %d %q", code, errs)
	}
	code, _, errs = cpsf(t, ctx, "import", "--store", uri, "--workspace", "w", "--rejections", rej, filepath.Join(dir, "missing.xlsx"))
	if code != 1 || !strings.Contains(errs, "missing.xlsx") {
		t.Errorf("missing file: exit %d %q", code, errs)
	}
}

func TestExportCommand(t *testing.T) {
	uri := demoStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	for _, format := range []string{"xlsx", "svg", "png", "pdf"} {
		out := filepath.Join(dir, "demo."+format)
		code, stdout, errs := cpsf(t, ctx, "export", "heatmap", "--store", uri, "--workspace", "demo", "--kind", "all", "--format", format, "-o", out)
		if code != 0 {
			if strings.Contains(errs, "font") && os.Getenv("CI") == "" {
				t.Skipf("no Japanese font here: %s", errs)
			}
			t.Fatalf("%s: exit %d\n%s\n%s", format, code, stdout, errs)
		}
		fi, err := os.Stat(out)
		if err != nil || fi.Size() < 500 {
			t.Errorf("%s: %v, size %d", format, err, fi.Size())
		}
	}
	code, _, errs := cpsf(t, ctx, "export", "heatmap", "--store", uri, "--workspace", "nope", "--format", "xlsx", "-o", filepath.Join(dir, "x.xlsx"))
	if code == 0 || !strings.Contains(errs, "nope") {
		t.Errorf("unknown workspace: exit %d %q", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.xlsx")); err == nil {
		t.Error("a failed export left a file")
	}
}
