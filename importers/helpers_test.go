package importers

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/graph/storetest"
)

// sheetSpec is one sheet of a test workbook: rows from A1 down (nil = a
// blank row) and merged ranges.
type sheetSpec struct {
	Name  string
	Rows  [][]any
	Merge [][2]string
}

// writeBook writes a workbook with excelize and returns its path.
func writeBook(t testing.TB, dir, name string, sheets ...sheetSpec) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.Rows {
			if row == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(s.Name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		for _, m := range s.Merge {
			if err := f.MergeCell(s.Name, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(dir, name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// newStore returns a memstore holding the bundled catalog.
func newStore(t testing.TB) graph.Store {
	t.Helper()
	s := memstore.New()
	if err := s.PutCatalog(context.Background(), catalog.Default()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// dump renders a workspace's graph without stamps, sorted, for comparing
// two imports.
func dump(t testing.TB, s graph.Store, ws string) string {
	t.Helper()
	lines, err := storetest.Dump(context.Background(), s, ws)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// hasRejection reports whether the report holds a rejection matching all
// given parts ("" matches anything).
func findRejection(rep *Report, file, sheet string, row int, col, value, reasonPart string) *Rejection {
	for i, r := range rep.Rejections {
		if (file == "" || r.File == file) && (sheet == "" || r.Sheet == sheet) && (row == 0 || r.Row == row) &&
			(col == "" || r.Column == col) && (value == "" || r.Value == value) && (reasonPart == "" || strings.Contains(r.EN, reasonPart)) {
			return &rep.Rejections[i]
		}
	}
	return nil
}

func rejectionList(rep *Report) string {
	var b strings.Builder
	for _, r := range rep.Rejections {
		fmt.Fprintf(&b, "  %s\n", r.Error())
	}
	return b.String()
}
