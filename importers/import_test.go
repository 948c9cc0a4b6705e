package importers

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/graph"
)

// clientSheets is a consultant's workbook for a small company: its
// organizations, assets, relationships and control status, in Japanese,
// with a title row and an extra column.
func clientSheets() []sheetSpec {
	return []sheetSpec{
		orgSheet(),
		{Name: "資産一覧", Rows: [][]any{
			{"資産一覧 (2024年度)"},
			{"資産ID", "資産名", "構成要素", "層", "機密性", "完全性", "可用性", "重要度", "所有組織", "提供元", "色"},
			{"srv", "ファイルサーバー", "システム", "第3層", 3, 3, 2, "", "acme", "it-vendor", "青"},
			{"pc", "事務所PC", "システム", "L3", "２", "２", "２", "", "acme", "", ""},
			{"staff", "従業員", "ヒト", "L1,L3", "", "", "", "", "acme", "", ""},
			{"nc", "NC旋盤", "モノ", "layer2", "低", "高", "高", "", "acme", "", ""},
		}},
		{Name: "関係", Rows: [][]any{
			{"元ID", "関係", "先ID"},
			{"pc", "CONNECTS_TO", "srv"},
			{"srv", "運用者", "staff"},
			{"nc", "接続", "pc"},
		}},
		{Name: "対策状況", Rows: [][]any{
			{"対象ID", "フレームワーク", "管理策ID", "実施状況", "備考"},
			{"acme", "IPA-SME-5", "1", "実施済", ""},
			{"acme", "IPA-SME-5", "2", "一部実施", ""},
			{"srv", "CPSF", "CPS.MA-1", "予定", "来期"},
			{"it-vendor", "", "IPA-SME-5:3", "未実施", ""},
		}},
	}
}

func TestImportClientWorkbook(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	path := writeBook(t, t.TempDir(), "client.xlsx", clientSheets()...)
	var calls int
	rep, err := Import(ctx, store, Options{Workspace: "acme", BatchSize: 3, Progress: func(done, total int) { calls++ }}, path)
	if err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	}
	g := dump(t, store, "acme")
	for _, want := range []string{
		`org acme "株式会社アクメ製作所" self "50名"`,
		`org it-vendor "株式会社ITサポート" supplier "10名"`,
		`asset srv "ファイルサーバー" systems [L3] C3 I3 A2 imp0 cat="" media="" owner=acme`,
		`asset pc "事務所PC" systems [L3] C2 I2 A2`,
		`asset staff "従業員" people [L1 L3]`,
		`asset nc "NC旋盤" things [L2] C1 I3 A3`,
		"edge CONNECTS_TO nc -> pc", "edge CONNECTS_TO pc -> srv", "edge OPERATED_BY srv -> staff",
		"edge SUPPLIED_BY srv -> it-vendor", "edge SUPPLIES it-vendor -> acme",
		"status acme IPA-SME-5:1 implemented", "status acme IPA-SME-5:2 partial",
		"status it-vendor IPA-SME-5:3 none", "status srv CPSF:CPS.MA-1 planned",
	} {
		if !strings.Contains(g, want) {
			t.Errorf("graph lacks %q:\n%s", want, g)
		}
	}
	kinds := map[string]Kind{}
	for _, s := range rep.Files[0].Sheets {
		kinds[s.Name] = s.Kind
	}
	want := map[string]Kind{"組織": KindOrganizations, "資産一覧": KindAssets, "関係": KindRelationships, "対策状況": KindStatuses}
	for n, k := range want {
		if kinds[n] != k {
			t.Errorf("sheet %s read as %q; want %q", n, kinds[n], k)
		}
	}
	if s := rep.Files[0].Sheets[1]; s.HeaderRow != 2 || s.Rows != 4 || len(s.Ignored) != 1 || s.Ignored[0] != "色" {
		t.Errorf("asset sheet report %+v", s)
	}
	if calls == 0 {
		t.Error("progress was never called")
	}
	var sum bytes.Buffer
	if err := rep.WriteSummary(&sum, "ja"); err != nil || !strings.Contains(sum.String(), "作成") {
		t.Errorf("summary: %v\n%s", err, sum.String())
	}
}

func TestImportCatalogSheets(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	path := writeBook(t, t.TempDir(), "extra-catalog.xlsx",
		sheetSpec{Name: "FW", Rows: [][]any{{"フレームワークID", "名称", "版", "出典"}, {"ACME-STD", "アクメ社内基準", "1", "acme"}}},
		sheetSpec{Name: "Controls", Rows: [][]any{{"framework", "control id", "title (ja)"}, {"ACME-STD", "A-1", "パスワードを使い回さない"}}},
		sheetSpec{Name: "RS", Rows: [][]any{{"リスク源ID", "層", "構成要素", "脅威", "脆弱性", "出典"}, {"X-RS-1", "第3層", "システム", "不正ログイン", "使い回し", "acme"}}},
		sheetSpec{Name: "Threats", Rows: [][]any{{"脅威ID", "名称", "脅威の起こりやすさ"}, {"X-T-1", "パスワードリスト攻撃", "高"}}},
		sheetSpec{Name: "Map", Rows: [][]any{{"対応種別", "対応元", "対応先", "根拠", "出典"},
			{"EXPLOITS", "X-T-1", "X-RS-1", "reused passwords", "acme"},
			{"MITIGATES", "ACME-STD:A-1", "X-RS-1", "no reuse", "acme"},
			{"MAPS_TO", "ACME-STD:A-1", "CPS.AC-1", "credential management", "acme"}}},
	)
	rep, err := Import(ctx, store, Options{}, path)
	if err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	}
	c, err := store.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ix := graph.NewIndex(c)
	if th := ix.Threats["X-T-1"]; th == nil || th.Level != 3 {
		t.Errorf("threat X-T-1 = %+v", th)
	}
	if rs := ix.Exploits["X-T-1"]; len(rs) != 1 || rs[0].ID != "X-RS-1" || rs[0].Component != graph.Systems {
		t.Errorf("X-T-1 exploits %+v", rs)
	}
	if got := ix.Mitigating["X-RS-1"]; len(got) != 1 || got[0] != (graph.ControlRef{Framework: "ACME-STD", ID: "A-1"}) {
		t.Errorf("X-RS-1 mitigated by %v", got)
	}
	if got := ix.ControlsFor["CPS.AC-1"]; len(got) < 1 {
		t.Errorf("CPS.AC-1 controls %v", got)
	}
	if rep.Catalog[KindMappings] != 3 || rep.Catalog[KindThreats] != 1 {
		t.Errorf("catalog counts %v", rep.Catalog)
	}
}

// patchZip rewrites one entry of a zip file.
func patchZip(t *testing.T, path, entry string, edit func([]byte) []byte) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == entry {
			b, found = edit(b), true
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zr.Close()
	zw.Close()
	if !found {
		t.Fatalf("%s has no entry %s", path, entry)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func assetSheet(rows ...[]any) sheetSpec {
	return sheetSpec{Name: "資産", Rows: append([][]any{{"資産ID", "資産名", "構成要素", "層", "機密性", "完全性", "可用性"}}, rows...)}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	dir := t.TempDir()
	base := writeBook(t, dir, "client.xlsx", clientSheets()...)
	if rep, err := Import(ctx, store, Options{Workspace: "acme"}, base); err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	}
	before := dump(t, store, "acme")
	okAsset := []any{"new", "新しい資産", "システム", "L3", 1, 1, 1}
	tests := []struct {
		name  string
		make  func(dir string) string
		sheet string
		row   int
		col   string
		value string
		why   string
	}{
		{"unknown component", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", assetSheet(okAsset, []any{"x", "X", "ネットワーク", "L3", 1, 1, 1}))
		}, "資産", 3, "C", "ネットワーク", "is not a CPSF component"},
		{"CIA out of range", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", assetSheet(okAsset, []any{"x", "X", "システム", "L3", 4, 1, 1}))
		}, "資産", 3, "E", "4", "out of range 1..3"},
		{"word not a rating", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", assetSheet(okAsset, []any{"x", "X", "システム", "L3", 1, "極高", 1}))
		}, "資産", 3, "F", "極高", "is not 1..3"},
		{"missing required column", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", sheetSpec{Name: "資産", Rows: [][]any{{"資産ID", "資産名", "層", "機密性"}, {"x", "X", "L3", 1}}})
		}, "資産", 1, "", "", "lacks required columns: component"},
		{"dangling relationship", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", sheetSpec{Name: "関係", Rows: [][]any{{"元ID", "関係", "先ID"}, {"pc", "CONNECTS_TO", "srv"}, {"pc", "CONNECTS_TO", "nosuch"}}})
		}, "関係", 3, "C", "nosuch", "unknown asset or organization"},
		{"bad relationship type", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", sheetSpec{Name: "関係", Rows: [][]any{{"元ID", "関係", "先ID"}, {"pc", "LIKES", "srv"}}})
		}, "関係", 2, "B", "LIKES", "is not a relationship type"},
		{"SUPPLIED_BY an asset", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", sheetSpec{Name: "関係", Rows: [][]any{{"元ID", "関係", "先ID"}, {"pc", "SUPPLIED_BY", "srv"}}})
		}, "関係", 2, "C", "pc -> srv", "must point to an organization"},
		{"duplicate IDs", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", assetSheet(okAsset, []any{"new", "また新しい", "システム", "L3", 1, 1, 1}))
		}, "資産", 3, "A", "new", "duplicate ID"},
		{"asset ID of an organization", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", assetSheet([]any{"it-vendor", "X", "システム", "L3", 1, 1, 1}))
		}, "資産", 2, "A", "it-vendor", "also an organization's ID"},
		{"unknown control", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", sheetSpec{Name: "対策", Rows: [][]any{{"対象ID", "管理策", "状況"}, {"acme", "IPA-SME-5:99", "実施済"}}})
		}, "対策", 2, "B", "IPA-SME-5:99", "unknown control"},
		{"unknown status word", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", sheetSpec{Name: "対策", Rows: [][]any{{"対象ID", "管理策", "状況"}, {"acme", "IPA-SME-5:1", "たぶん"}}})
		}, "対策", 2, "C", "たぶん", "is not a control status"},
		{"unknown medium", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", sheetSpec{Name: "台帳", Rows: [][]any{{"情報資産名称", "媒体・保存先", "機密性", "完全性", "可用性"}, {"金庫の書付", "金庫", 1, 1, 1}}})
		}, "台帳", 2, "B", "金庫", "matches no rule"},
		{"not a workbook", func(dir string) string {
			p := filepath.Join(dir, "b.xlsx")
			os.WriteFile(p, []byte("id,name\n1,x\n"), 0o644)
			return p
		}, "", 0, "", "", "not an Excel workbook"},
		{"truncated zip", func(dir string) string {
			p := writeBook(t, dir, "b.xlsx", assetSheet(okAsset))
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o644)
			return p
		}, "", 0, "", "", "cannot read the workbook"},
		{"password-protected", func(dir string) string {
			f := excelize.NewFile()
			f.SetSheetRow("Sheet1", "A1", &okAsset)
			p := filepath.Join(dir, "b.xlsx")
			if err := f.SaveAs(p, excelize.Options{Password: "secret"}); err != nil {
				t.Fatal(err)
			}
			return p
		}, "", 0, "", "", "password-protected"},
		{"empty sheet", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", sheetSpec{Name: "空"})
		}, "", 0, "", "", "no sheet has a known header"},
		{"header matches no kind", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", sheetSpec{Name: "売上", Rows: [][]any{{"月", "売上"}, {4, 100}}})
		}, "", 0, "", "", "no sheet has a known header"},
		{"error cell", func(dir string) string {
			p := writeBook(t, dir, "b.xlsx", assetSheet(okAsset, []any{"x", "X", "システム", "L3", 1, 1, 1}))
			patchZip(t, p, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
				// E3 becomes a formula whose cached result is #DIV/0!.
				i := bytes.Index(b, []byte(`<c r="E3"`))
				j := i + bytes.Index(b[i:], []byte(`</c>`)) + len(`</c>`)
				return append(append(append([]byte{}, b[:i]...), []byte(`<c r="E3" t="e"><f>1/0</f><v>#DIV/0!</v></c>`)...), b[j:]...)
			})
			return p
		}, "資産", 3, "E", "#DIV/0!", "error cell"},
		{"32k-character cell", func(dir string) string {
			return writeBook(t, dir, "b.xlsx", assetSheet(okAsset, []any{"x", strings.Repeat("長", excelize.TotalCellChars), "システム", "L3", 1, 1, 1}))
		}, "資産", 3, "B", "", "longer than 4000 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.make(t.TempDir())
			rep, err := Import(ctx, store, Options{Workspace: "acme"}, path)
			if !errors.Is(err, ErrRejected) {
				t.Fatalf("err = %v; want ErrRejected", err)
			}
			if rep.Written {
				t.Error("report says something was written")
			}
			r := findRejection(rep, "b.xlsx", tt.sheet, tt.row, tt.col, tt.value, tt.why)
			if r == nil {
				t.Fatalf("no rejection %s!%s%d %q %q in:\n%s", tt.sheet, tt.col, tt.row, tt.value, tt.why, rejectionList(rep))
			}
			if r.JA == "" || (tt.col != "" && r.Header == "") {
				t.Errorf("rejection lacks Japanese reason or header: %+v", r)
			}
			if after := dump(t, store, "acme"); after != before {
				t.Errorf("the store changed:\n%s", after)
			}
		})
	}
}

func TestFormulaCachedValueIsRead(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	p := writeBook(t, t.TempDir(), "f.xlsx", orgSheet(), assetSheet([]any{"x", "X", "システム", "L3", 1, 1, 1}))
	patchZip(t, p, "xl/worksheets/sheet2.xml", func(b []byte) []byte {
		i := bytes.Index(b, []byte(`<c r="E2"`))
		j := i + bytes.Index(b[i:], []byte(`</c>`)) + len(`</c>`)
		return append(append(append([]byte{}, b[:i]...), []byte(`<c r="E2"><f>1+2</f><v>3</v></c>`)...), b[j:]...)
	})
	if rep, err := Import(ctx, store, Options{Workspace: "w"}, p); err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	}
	a, err := store.Asset(ctx, "w", "x")
	if err != nil || a.C != 3 {
		t.Errorf("asset x = %+v, %v; want C 3 from the formula's cached value", a, err)
	}
}

func TestZipBombLimit(t *testing.T) {
	dir := t.TempDir()
	rows := [][]any{{"資産ID", "資産名", "構成要素", "層"}}
	for i := range 20000 {
		rows = append(rows, []any{"a" + strings.Repeat("0", 6) + string(rune('0'+i%10)), strings.Repeat("x", 100), "システム", "L3"})
	}
	p := writeBook(t, dir, "big.xlsx", sheetSpec{Name: "資産", Rows: rows})
	st, _ := os.Stat(p)
	rep, err := Import(context.Background(), newStore(t), Options{Workspace: "w", Limits: Limits{MaxUnzipSize: 1 << 20}}, p)
	if !errors.Is(err, ErrRejected) || findRejection(rep, "big.xlsx", "", 0, "", "", "zip bomb") == nil {
		t.Fatalf("file of %d bytes unpacking beyond 1 MiB: err %v\n%s", st.Size(), err, rejectionList(rep))
	}
}

func TestMillionBlankRows(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a sheet of a million rows")
	}
	// A million <row> elements with one empty, styled cell each, between a
	// header, a first and a last data row.
	p := writeBook(t, t.TempDir(), "blank.xlsx", sheetSpec{Name: "Sheet1", Rows: [][]any{{"資産ID", "資産名", "構成要素", "層"}, {"a", "A", "システム", "L3"}}})
	patchZip(t, p, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		i := bytes.Index(b, []byte("</sheetData>"))
		var mid bytes.Buffer
		for r := 3; r < 1_000_003; r++ {
			fmt.Fprintf(&mid, `<row r="%d"><c r="A%d" s="0"/></row>`, r, r)
		}
		mid.WriteString(`<row r="1000003"><c r="A1000003" t="inlineStr"><is><t>b</t></is></c><c r="B1000003" t="inlineStr"><is><t>B</t></is></c><c r="C1000003" t="inlineStr"><is><t>モノ</t></is></c><c r="D1000003" t="inlineStr"><is><t>L2</t></is></c></row>`)
		return append(append(append([]byte{}, b[:i]...), mid.Bytes()...), b[i:]...)
	})
	store := newStore(t)
	rep, err := Import(context.Background(), store, Options{Workspace: "w"}, p)
	if err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	}
	if rep.Files[0].Rows != 2 {
		t.Errorf("%d rows read; want 2", rep.Files[0].Rows)
	}
	if _, err := store.Asset(context.Background(), "w", "b"); err != nil {
		t.Error(err)
	}
}

func TestPartialImport(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	dir := t.TempDir()
	path := writeBook(t, dir, "p.xlsx", orgSheet(), assetSheet(
		[]any{"ok1", "良い", "システム", "L3", 1, 1, 1},
		[]any{"bad", "悪い", "ネットワーク", "L3", 1, 1, 1},
		[]any{"ok2", "良い2", "モノ", "L2", 2, 2, 2},
	), sheetSpec{Name: "関係", Rows: [][]any{{"元ID", "関係", "先ID"}, {"ok1", "CONNECTS_TO", "ok2"}, {"ok1", "CONNECTS_TO", "bad"}}})
	rep, err := Import(ctx, store, Options{Workspace: "w", Partial: true}, path)
	if err != nil {
		t.Fatal(err)
	}
	// The bad asset's row and the relationship to it are rejected.
	if rep.Files[0].Rejected != 2 || findRejection(rep, "", "関係", 3, "C", "bad", "unknown") == nil {
		t.Errorf("rejected %d rows:\n%s", rep.Files[0].Rejected, rejectionList(rep))
	}
	if rep.Files[0].Swept {
		t.Error("a partial import with rejections swept the source")
	}
	g := dump(t, store, "w")
	if !strings.Contains(g, "asset ok1") || !strings.Contains(g, "asset ok2") || strings.Contains(g, "asset bad") || !strings.Contains(g, "edge CONNECTS_TO ok1 -> ok2") {
		t.Errorf("graph after a partial import:\n%s", g)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	path := writeBook(t, t.TempDir(), "client.xlsx", clientSheets()...)
	rep, err := Import(ctx, store, Options{Workspace: "acme", DryRun: true}, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, c := rep.Totals(); c.Created == 0 || rep.Written {
		t.Errorf("dry run counts %+v written %v", c, rep.Written)
	}
	if ws, _ := store.Workspaces(ctx); len(ws) != 0 {
		t.Errorf("dry run created workspaces %v", ws)
	}
	if _, err := Import(ctx, store, Options{Workspace: "acme"}, path); err != nil {
		t.Fatal(err)
	}
	rep, err = Import(ctx, store, Options{Workspace: "acme", DryRun: true}, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, c := rep.Totals(); c.Created != 0 || c.Unchanged == 0 {
		t.Errorf("dry run on an imported file: %+v", c)
	}
}

func TestMappingFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	mp := filepath.Join(dir, "map.yaml")
	os.WriteFile(mp, []byte(`headers:
  保管場所: media
  秘匿度: confidentiality
  改ざん影響: integrity
  停止影響: availability
  データ名: name
media:
  - match: [金庫]
    component: モノ
    layers: [第2層]
  - match: [kintone]
    component: systems
    layers: [L1, L3]
    supplier: cybozu
    supplier_name: サイボウズ株式会社
skip_sheets: [集計]
owner: acme
`), 0o644)
	m, err := LoadMapping(mp)
	if err != nil {
		t.Fatal(err)
	}
	path := writeBook(t, dir, "odd.xlsx", orgSheet(),
		sheetSpec{Name: "一覧", Rows: [][]any{{"データ名", "保管場所", "秘匿度", "改ざん影響", "停止影響"}, {"契約書原本", "金庫", 3, 3, 1}, {"顧客案件", "kintone", 2, 2, 2}}},
		sheetSpec{Name: "集計", Rows: [][]any{{"データ名", "保管場所", "秘匿度", "改ざん影響", "停止影響"}, {"合計", "", 0, 0, 0}}})
	store := newStore(t)
	rep, err := Import(ctx, store, Options{Workspace: "w", Mapping: m}, path)
	if err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	}
	g := dump(t, store, "w")
	for _, want := range []string{`asset media:金庫 "金庫" things [L2]`, `asset media:kintone "kintone" systems [L1 L3]`, `org cybozu "サイボウズ株式会社" supplier`,
		"edge SUPPLIED_BY media:kintone -> cybozu", `asset info:契約書原本 "契約書原本" data [L3] C3 I3 A1`} {
		if !strings.Contains(g, want) {
			t.Errorf("graph lacks %q:\n%s", want, g)
		}
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"headers": {"x": "no_such_field"}}`), 0o644)
	if _, err := LoadMapping(bad); err == nil || !strings.Contains(err.Error(), "no_such_field") {
		t.Errorf("LoadMapping(bad) = %v", err)
	}
}

func TestRejectionReportRoundTrip(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	dir := t.TempDir()
	sheets := []sheetSpec{orgSheet(), assetSheet(
		[]any{"a1", "サーバー", "システム", "L3", 3, 3, 3},
		[]any{"a2", "NAS", "=HYPERLINK(\"http://x\")", "L3", 2, 2, 2},
		[]any{"a3", "書類", "モノ", "L2", 5, 1, 1},
	)}
	path := writeBook(t, dir, "client.xlsx", sheets...)
	rep, err := Import(ctx, store, Options{Workspace: "w"}, path)
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	out := filepath.Join(dir, "rejections.xlsx")
	if err := WriteRejections(out, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(RejectionsSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != RejectionHeader[0] {
		t.Fatalf("report rows %q", rows)
	}
	fixes := map[string]string{"'=HYPERLINK(\"http://x\")": "システム", "5": "3"}
	src, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		sheet, row, col, value := r[1], r[2], r[3], r[5]
		if formula, _ := f.GetCellFormula(RejectionsSheet, "F"+row); formula != "" {
			t.Errorf("report cell holds a formula %q", formula)
		}
		fix, ok := fixes[value]
		if !ok {
			t.Fatalf("unexpected rejected value %q (%q)", value, r)
		}
		if err := src.SetCellStr(sheet, col+row, fix); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	if err := src.Save(); err != nil {
		t.Fatal(err)
	}
	src.Close()
	if rep, err := Import(ctx, store, Options{Workspace: "w"}, path); err != nil {
		t.Fatalf("re-import after fixing: %v\n%s", err, rejectionList(rep))
	}
	if a, err := store.Asset(ctx, "w", "a2"); err != nil || a.Component != graph.Systems {
		t.Errorf("a2 = %+v, %v", a, err)
	}
}

func TestDryRunAcrossFiles(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	dir := t.TempDir()
	client := writeBook(t, dir, "client.xlsx", clientSheets()...)
	if _, err := Import(ctx, store, Options{Workspace: "acme"}, client); err != nil {
		t.Fatal(err)
	}
	before := dump(t, store, "acme")
	orgs := writeBook(t, dir, "new-orgs.xlsx", sheetSpec{Name: "o", Rows: [][]any{{"組織ID", "組織名", "役割"}, {"newco", "新会社", "委託先"}}})
	assets := writeBook(t, dir, "new-assets.xlsx", sheetSpec{Name: "a", Rows: [][]any{{"資産ID", "資産名", "構成要素", "層", "所有組織"}, {"n1", "新資産", "システム", "L3", "newco"}}})
	rep, err := Import(ctx, store, Options{Workspace: "acme", DryRun: true}, assets, orgs)
	if err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	}
	if rep.Files[0].Write.Assets.Created != 1 || rep.Files[1].Write.Orgs.Created != 1 {
		t.Errorf("dry run counts %+v / %+v", rep.Files[0].Write, rep.Files[1].Write)
	}
	if dump(t, store, "acme") != before {
		t.Error("dry run changed the store")
	}
	// The real import writes the organizations first although the file
	// comes second.
	if rep, err := Import(ctx, store, Options{Workspace: "acme"}, assets, orgs); err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	}
	// A dry run of a newer client file without the relationships sheet
	// reports the removals.
	sheets := clientSheets()
	newer := writeBook(t, dir, "client.xlsx", sheets[0], sheets[1], sheets[3])
	rep, err = Import(ctx, store, Options{Workspace: "acme", DryRun: true}, newer)
	if err != nil {
		t.Fatal(err)
	}
	if w := rep.Files[0].Write; w.Edges.Removed != 3 || w.Assets.Unchanged != 4 {
		t.Errorf("dry run of a newer version: %+v", w)
	}
}

// TestZipBomb imports a workbook whose worksheet unpacks to 40 MiB from a
// few dozen kilobytes, with a 16 MiB limit.
func TestZipBomb(t *testing.T) {
	p := writeBook(t, t.TempDir(), "bomb.xlsx", assetSheet([]any{"x", "X", "システム", "L3", 1, 1, 1}))
	patchZip(t, p, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		i := bytes.Index(b, []byte("<sheetData>")) + len("<sheetData>")
		pad := bytes.Repeat([]byte(" "), 40<<20)
		return append(append(append([]byte{}, b[:i]...), pad...), b[i:]...)
	})
	st, _ := os.Stat(p)
	rep, err := Import(context.Background(), newStore(t), Options{Workspace: "w", Limits: Limits{MaxUnzipSize: 16 << 20}}, p)
	if !errors.Is(err, ErrRejected) || findRejection(rep, "bomb.xlsx", "", 0, "", "", "zip bomb") == nil {
		t.Fatalf("%d-byte file unpacking to 40 MiB: err %v\n%s", st.Size(), err, rejectionList(rep))
	}
}

func TestSameFileNameTwice(t *testing.T) {
	a := writeBook(t, t.TempDir(), "x.xlsx", orgSheet())
	b := writeBook(t, t.TempDir(), "x.xlsx", orgSheet())
	if _, err := Import(context.Background(), newStore(t), Options{Workspace: "w"}, a, b); err == nil || !strings.Contains(err.Error(), "same file name") {
		t.Errorf("err = %v", err)
	}
}

func TestMappingExampleLoads(t *testing.T) {
	m, err := LoadMapping("testdata/mapping-example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m.Headers["保管場所"] != "media" || len(m.Media) != 2 || m.Media[0].Component != graph.Things || m.Media[1].Layers[0] != graph.L1 || m.Owner != "acme" {
		t.Errorf("mapping %+v", m)
	}
}

func TestSameIDInTwoFiles(t *testing.T) {
	dir := t.TempDir()
	a := writeBook(t, dir, "a.xlsx", assetSheet([]any{"x", "X", "システム", "L3", 1, 1, 1}))
	b := writeBook(t, dir, "b.xlsx", assetSheet([]any{"y", "Y", "システム", "L3", 1, 1, 1}, []any{"x", "X2", "モノ", "L2", 1, 1, 1}))
	rep, err := Import(context.Background(), newStore(t), Options{Workspace: "w"}, a, b)
	if !errors.Is(err, ErrRejected) || findRejection(rep, "b.xlsx", "資産", 3, "A", "x", "also declared in a.xlsx") == nil {
		t.Fatalf("err %v\n%s", err, rejectionList(rep))
	}
}

func TestEstimateRows(t *testing.T) {
	p := writeBook(t, t.TempDir(), "e.xlsx", assetSheet([]any{"x", "X", "システム", "L3", 1, 1, 1}, []any{"y", "Y", "システム", "L3", 1, 1, 1}), orgSheet())
	if got := estimateRows(p); got != 0 {
		t.Errorf("estimateRows = %d without dimensions; want 0", got)
	}
	// As Excel saves it: each sheet declares its range.
	for i, dim := range []string{"A1:G3", "A1:E3"} {
		patchZip(t, p, fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), func(b []byte) []byte {
			return bytes.Replace(b, []byte(`<dimension ref="A1"`), []byte(`<dimension ref="`+dim+`"`), 1)
		})
	}
	if got := estimateRows(p); got != 3+3 {
		t.Errorf("estimateRows = %d; want 6", got)
	}
	if got := estimateRows("testdata/mapping-example.yaml"); got != 0 {
		t.Errorf("estimateRows(not a workbook) = %d", got)
	}
}

func TestMappingOwnerUnknown(t *testing.T) {
	p := writeBook(t, t.TempDir(), "r.xlsx", registerEd31()...)
	rep, err := Import(context.Background(), newStore(t), Options{Workspace: "w", Mapping: &Mapping{Owner: "nobody"}}, p)
	if !errors.Is(err, ErrRejected) || findRejection(rep, "r.xlsx", "", 0, "", "nobody", "owner") == nil || len(rep.Rejections) != 1 {
		t.Fatalf("err %v\n%s", err, rejectionList(rep))
	}
}

func TestPutBatches(t *testing.T) {
	var b graph.Batch
	for i := range 5 {
		b.Orgs = append(b.Orgs, graph.Org{ID: fmt.Sprint("o", i)})
	}
	for i := range 7 {
		b.Assets = append(b.Assets, graph.Asset{ID: fmt.Sprint("a", i)})
	}
	for i := range 3 {
		b.Edges = append(b.Edges, graph.Edge{From: fmt.Sprint("a", i)})
	}
	b.Statuses = []graph.ControlStatus{{Subject: "o1"}}
	for _, size := range []int{1, 4, 5, 16, 100} {
		var got []string
		var sizes []int
		done := 0
		err := putBatches(b, size, func(x graph.Batch) error {
			sizes = append(sizes, x.Len())
			for _, o := range x.Orgs {
				got = append(got, o.ID)
			}
			for _, a := range x.Assets {
				got = append(got, a.ID)
			}
			for _, e := range x.Edges {
				got = append(got, "e"+e.From)
			}
			for _, s := range x.Statuses {
				got = append(got, "s"+s.Subject)
			}
			return nil
		}, func(n int) { done += n })
		if err != nil {
			t.Fatal(err)
		}
		want := "o0 o1 o2 o3 o4 a0 a1 a2 a3 a4 a5 a6 ea0 ea1 ea2 so1"
		if strings.Join(got, " ") != want || done != 16 {
			t.Errorf("size %d: %v (%d done); want %s", size, got, done, want)
		}
		for i, n := range sizes {
			if n > size || (i < len(sizes)-1 && n != size) {
				t.Errorf("size %d: batch sizes %v", size, sizes)
				break
			}
		}
	}
	if len(b.Orgs) != 5 || len(b.Assets) != 7 {
		t.Error("putBatches changed the caller's batch")
	}
}

func TestWriteRejectionsEscapesAndWarnings(t *testing.T) {
	rep := &Report{
		Rejections: []Rejection{{File: "a.xlsx", Sheet: "s", Row: 3, Column: "B", Header: "名称", Value: "@SUM(1)", JA: "理由", EN: "reason"},
			{File: "b.xlsx", JA: "ブックではありません", EN: "not a workbook"}},
		Warnings: []Rejection{{File: "a.xlsx", Sheet: "s", Row: 4, Column: "C", Value: "\tx", JA: "注意", EN: "note"}},
	}
	out := filepath.Join(t.TempDir(), "r.xlsx")
	if err := WriteRejections(out, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(RejectionsSheet)
	if len(rows) != 3 || rows[1][5] != "'@SUM(1)" || rows[1][2] != "3" || rows[2][0] != "b.xlsx" || rows[2][7] != "not a workbook" {
		t.Errorf("rejections sheet %q", rows)
	}
	warn, _ := f.GetRows(WarningsSheet)
	if len(warn) != 2 || warn[1][5] != "' x" {
		t.Errorf("warnings sheet %q", warn)
	}
}
