package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/internal/demo"
)

// book writes a one-sheet workbook and returns its bytes.
func book(t *testing.T, sheet string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", sheet)
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type importReport struct {
	Written                     bool
	DryRun                      bool
	Created, Updated, Unchanged int
	Files                       []string
	Rejected                    []struct {
		Sheet, Column, Value, Reason string
		Row                          int
	}
	Summary string
}

func (e *env) upload(token, name string, content []byte, dryRun, partial bool) response {
	e.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	ops, _ := json.Marshal(map[string]any{
		"query":     `mutation($f: Upload!, $d: Boolean, $p: Boolean) { importWorkbook(workspace: "demo", file: $f, dryRun: $d, partial: $p) { written dryRun created updated unchanged files rejected { sheet row column value reason } summary } }`,
		"variables": map[string]any{"f": nil, "d": dryRun, "p": partial},
	})
	w.WriteField("operations", string(ops))
	w.WriteField("map", `{"0": ["variables.f"]}`)
	fw, _ := w.CreateFormFile("0", name)
	fw.Write(content)
	w.Close()
	return e.send("POST", "/graphql", token, w.FormDataContentType(), b.String(), map[string]string{"GraphQL-Require-Preflight": "1"})
}

func decodeImport(t *testing.T, r response) importReport {
	t.Helper()
	if r.Status != 200 || len(r.Errors) > 0 {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	var d struct{ ImportWorkbook importReport }
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	return d.ImportWorkbook
}

func TestImportWorkbook(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	header := []any{"資産ID", "資産名", "構成要素", "層", "機密性", "完全性", "可用性"}
	good := book(t, "資産", [][]any{header, {"UP-1", "アップロード資産1", "システム", "L3", 2, 2, 2}, {"UP-2", "アップロード資産2", "データ", "L3", 3, 1, 1}})
	bad := book(t, "資産", [][]any{header, {"UP-3", "良い行", "システム", "L3", 1, 1, 1}, {"UP-4", "悪い行", "システム", "L3", "極高", 1, 1}})
	has := func(id string) bool {
		_, err := e.store.Store.Asset(ctx, demo.WorkspaceID, id)
		return err == nil
	}

	// A viewer may not import.
	if r := e.upload("viewer", "assets.xlsx", good, false, false); !slices.Equal(r.codes(), []string{"FORBIDDEN"}) || has("UP-1") {
		t.Fatalf("viewer import: %s", r.Raw)
	}
	// Dry run: counts, writes nothing.
	rep := decodeImport(t, e.upload("analyst", "assets.xlsx", good, true, false))
	if rep.Written || !rep.DryRun || rep.Created != 2 || has("UP-1") {
		t.Fatalf("dry run: %+v", rep)
	}
	// The import proper.
	rep = decodeImport(t, e.upload("analyst", "assets.xlsx", good, false, false))
	if !rep.Written || rep.Created != 2 || !has("UP-1") || !has("UP-2") || strings.Contains(rep.Summary, "cpsfgraph-upload") {
		t.Fatalf("import: %+v", rep)
	}
	a, _ := e.store.Store.Asset(ctx, demo.WorkspaceID, "UP-1")
	if a.Source != "assets.xlsx" {
		t.Errorf("imported asset's source %q, want the uploaded file's name", a.Source)
	}
	// Re-importing the same file changes nothing.
	rep = decodeImport(t, e.upload("analyst", "assets.xlsx", good, false, false))
	if rep.Created != 0 || rep.Updated != 0 || rep.Unchanged == 0 {
		t.Errorf("re-import: %+v", rep)
	}
	// A rejected row: all or nothing ...
	rep = decodeImport(t, e.upload("analyst", "more.xlsx", bad, false, false))
	if rep.Written || len(rep.Rejected) != 1 || rep.Rejected[0].Row != 3 || rep.Rejected[0].Column != "E" || has("UP-3") {
		t.Fatalf("rejected import: %+v", rep)
	}
	// ... unless partial.
	rep = decodeImport(t, e.upload("analyst", "more.xlsx", bad, false, true))
	if !rep.Written || len(rep.Rejected) != 1 || !has("UP-3") || has("UP-4") {
		t.Fatalf("partial import: %+v", rep)
	}
	var log struct {
		AuditLog struct {
			Nodes []struct{ Action, Detail string }
		}
	}
	e.ok("admin", `{ auditLog(workspace: "demo") { nodes { action detail } } }`, nil, &log)
	n := 0
	for _, x := range log.AuditLog.Nodes {
		if x.Action == "importWorkbook" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("audit: %d imports recorded, want 3 (dry runs and refused imports write nothing): %+v", n, log.AuditLog.Nodes)
	}

	// Not a workbook.
	e.store.reset()
	for _, c := range []struct{ name, content string }{{"fake.xlsx", "just text"}, {"zip.xlsx", "PK\x03\x04 not really"}, {"notes.csv", "a,b"}} {
		r := e.upload("analyst", c.name, []byte(c.content), false, false)
		if len(r.Errors) == 0 || r.Errors[0].code() != "BAD_USER_INPUT" || r.hasData() {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Raw)
		}
	}
	if e.store.writes() != 0 {
		t.Error("non-workbooks wrote")
	}
}
