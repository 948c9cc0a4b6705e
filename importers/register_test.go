package importers

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cpsfgraph/graph"
)

// regRow is one information asset of the test register.
type regRow struct {
	cat, name, users, media   string
	personal, sensitive, myno bool
	c, i, a, imp              int
	retention, registered     string
}

var regRows = []regRow{
	{"人事", "従業員名簿", "総務部", "事務所PC、書類", true, false, false, 3, 2, 2, 3, "退職後5年", "2024/4/1"},
	{"経理", "会計データ", "経理部", "社内サーバー", false, false, false, 3, 3, 2, 3, "7年", "2024/4/1"},
	{"営業", "顧客リスト", "営業部", "社外サーバー(クラウド等)", true, false, false, 3, 2, 2, 3, "", "2023/10/1"},
	{"人事", "健康診断結果", "総務部", "書類", false, true, false, 3, 2, 1, 3, "", ""},
	{"経理", "給与・源泉徴収", "経理部", "可搬電子媒体", false, false, true, 3, 3, 2, 3, "", "2024/1/15"},
	{"製造", "生産計画", "製造部", "社内サーバー", false, false, false, 2, 2, 3, 3, "", ""},
}

func mark(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// fullWidth turns ASCII digits into full-width ones.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, s)
}

var hml = map[int]string{1: "低", 2: "中", 3: "高"}

// registerEd3 is the layout described for edition 3/3.1: title rows, a
// merged two-row header, a usage sheet and a filled-in example sheet.
func registerEd3() []sheetSpec {
	head1 := []any{"業務分類", "情報資産\n名称", "備考", "利用者範囲", "管理部署", "媒体・保存先", "個人情報の種類", nil, nil, "評価値", nil, nil, "重要度", "保存期限", "登録日"}
	head2 := []any{nil, nil, nil, nil, nil, nil, "個人情報", "要配慮個人情報", "特定個人情報", "機密性", "完全性", "可用性"}
	merges := [][2]string{{"A3", "A4"}, {"B3", "B4"}, {"G3", "I3"}, {"J3", "L3"}, {"M3", "M4"}}
	rows := [][]any{{"情報資産管理台帳"}, {nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "作成日", "2024/4/1"}, head1, head2}
	for k, r := range regRows {
		c := any(r.c)
		if k%2 == 1 {
			c = fullWidth(string(rune('0' + r.c)))
		}
		rows = append(rows, []any{r.cat, r.name, "", r.users, r.users, r.media, mark(r.personal, "○", ""), mark(r.sensitive, "○", ""), mark(r.myno, "○", "×"), c, r.i, r.a, r.imp, r.retention, r.registered})
		if k == 2 {
			rows = append(rows, nil, nil) // blank rows inside the table
		}
	}
	example := [][]any{head1, head2, {"営業", "例: 取引先名簿", "", "", "", "事務所PC", "○", "", "", 3, 3, 3, 3}}
	return []sheetSpec{
		{Name: "利用方法", Rows: [][]any{{"このシートの使い方"}, {"台帳に情報資産を記入してください"}}},
		{Name: "台帳記入例", Rows: example, Merge: [][2]string{{"G1", "I1"}, {"J1", "L1"}}},
		{Name: "情報資産管理台帳", Rows: rows, Merge: merges},
		{Name: "脅威の状況", Rows: [][]any{{"媒体・保存先", "脅威", "脅威の起こりやすさ"}, {"事務所PC", "マルウェア", 3}}},
		{Name: "対策状況チェック", Rows: [][]any{{"No.", "項目番号", "対策状況"}, {1, "1-1", "実施している"}}},
		{Name: "診断結果", Rows: [][]any{{"診断結果"}, {"人的対策", "不十分"}}},
		{Name: "集計メモ", Rows: [][]any{{"管理策", "状況", "担当"}, {"A", "済", "山田"}}},
	}
}

// registerEd31 has one header row under a title, ratings as 高/中/低,
// flags as 有/無, full-width media text and the sheet's automatic risk
// columns.
func registerEd31() []sheetSpec {
	rows := [][]any{{"情報資産管理台帳 (第3.1版)"}, {"※評価値は 高/中/低"},
		{"No.", "業務分類", "情報資産名称", "備考", "利用者範囲", "管理部署", "媒体・保存先", "個人情報", "要配慮個人情報", "特定個人情報", "機密性", "完全性", "可用性", "重要度", "保存期限", "登録日", "脅威", "脆弱性", "被害発生可能性", "リスク値"}}
	for k, r := range regRows {
		media := strings.ReplaceAll(strings.ReplaceAll(r.media, "PC", "ＰＣ"), "(クラウド等)", "（クラウド等）")
		name := r.name
		if k == 0 {
			name = " " + r.name + "\n" // stray spaces and a line break around the name
		}
		rows = append(rows, []any{k + 1, r.cat, name, "", r.users, r.users, media, mark(r.personal, "有", "無"), mark(r.sensitive, "有", "無"), mark(r.myno, "有", "無"),
			hml[r.c], hml[r.i], hml[r.a], hml[r.imp], r.retention, r.registered, 2, 3, 2, r.imp * 2})
	}
	return []sheetSpec{{Name: "台帳", Rows: rows}}
}

// registerEd4 uses English headers in another order, one personal-info
// column naming the kind, and lists an asset kept on two media as two rows.
func registerEd4() []sheetSpec {
	rows := [][]any{{"Information asset", "Business category", "Storage / media", "Confidentiality", "Integrity", "Availability", "Importance", "Personal information", "Owner dept", "Remarks"}}
	for _, r := range regRows {
		pi := ""
		switch {
		case r.personal:
			pi = "個人情報"
		case r.sensitive:
			pi = "要配慮個人情報"
		case r.myno:
			pi = "特定個人情報"
		}
		for _, m := range strings.Split(r.media, "、") {
			rows = append(rows, []any{r.name, r.cat, m, r.c, r.i, r.a, r.imp, pi, r.users, ""}, nil)
		}
	}
	return []sheetSpec{{Name: "Assets", Rows: rows}}
}

func orgSheet() sheetSpec {
	return sheetSpec{Name: "組織", Rows: [][]any{
		{"組織ID", "組織名", "役割", "規模", "供給先"},
		{"acme", "株式会社アクメ製作所", "自社", "50名", ""},
		{"it-vendor", "株式会社ITサポート", "委託先", "10名", "acme"},
	}}
}

func TestRegisterVariantsImportToSameGraph(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := newStore(t)
	orgs := writeBook(t, dir, "orgs.xlsx", orgSheet())
	var dumps []string
	for i, sheets := range [][]sheetSpec{registerEd3(), registerEd31(), registerEd4()} {
		ws := []string{"ed3", "ed31", "ed4"}[i]
		path := writeBook(t, dir, ws+".xlsx", sheets...)
		rep, err := Import(ctx, store, Options{Workspace: ws}, orgs, path)
		if err != nil {
			t.Fatalf("%s: %v\n%s", ws, err, rejectionList(rep))
		}
		fr := rep.Files[1]
		if fr.Rejected != 0 || !fr.Written {
			t.Fatalf("%s: %+v", ws, fr)
		}
		dumps = append(dumps, dump(t, store, ws))
	}
	for i := 1; i < len(dumps); i++ {
		if dumps[i] != dumps[0] {
			t.Errorf("variant %d imports to another graph:\n%s\n--- want ---\n%s", i, dumps[i], dumps[0])
		}
	}
	g := dumps[0]
	for _, want := range []string{
		`asset info:人事/従業員名簿 "従業員名簿" data [L3] C3 I2 A2 imp3 cat="人事" media="事務所PC, 書類" owner=acme pi=[個人情報]`,
		`asset info:人事/健康診断結果 "健康診断結果" data [L3] C3 I2 A1 imp3 cat="人事" media="書類" owner=acme pi=[要配慮個人情報]`,
		`asset info:経理/給与・源泉徴収 "給与・源泉徴収" data [L3] C3 I3 A2 imp3 cat="経理" media="可搬電子媒体" owner=acme pi=[特定個人情報]`,
		`asset media:事務所PC "事務所PC" systems [L3]`,
		`asset media:書類 "書類" things [L2]`,
		`asset media:社外サーバー(クラウド等) "社外サーバー(クラウド等)" systems [L1 L3]`,
		`org provider:社外サーバー(クラウド等) "「社外サーバー(クラウド等)」の提供事業者 (provider of 社外サーバー(クラウド等))" supplier`,
		"edge STORED_ON info:人事/従業員名簿 -> media:事務所PC",
		"edge STORED_ON info:人事/従業員名簿 -> media:書類",
		"edge SUPPLIED_BY media:社外サーバー(クラウド等) -> provider:社外サーバー(クラウド等)",
		"edge SUPPLIES it-vendor -> acme",
	} {
		if !strings.Contains(g, want) {
			t.Errorf("graph lacks %q:\n%s", want, g)
		}
	}
	if strings.Contains(g, "取引先名簿") {
		t.Error("the filled-in example sheet (台帳記入例) was imported")
	}
	if rep, err := Import(ctx, store, Options{Workspace: "ed3", DryRun: true}, orgs, writeBook(t, dir, "ed3-again.xlsx", registerEd3()...)); err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	} else if len(rep.Warnings) == 0 || !strings.Contains(rep.Warnings[len(rep.Warnings)-1].EN+rep.Warnings[0].EN, "lacks required columns") {
		t.Errorf("no warning about the sheet 集計メモ that looks a little like control status: %+v", rep.Warnings)
	}
	if n := strings.Count(g, "asset info:"); n != len(regRows) {
		t.Errorf("%d information assets; want %d", n, len(regRows))
	}
}

func TestRegisterRiskFormulaFlagged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := newStore(t)
	sheets := registerEd31()
	// Another method: risk = C x I x A.
	for _, row := range sheets[0].Rows[3:] {
		row[19] = 12
	}
	path := writeBook(t, dir, "other.xlsx", append(sheets, orgSheet())...)
	rep, err := Import(ctx, store, Options{Workspace: "w"}, path)
	if err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	}
	found := false
	for _, w := range rep.Warnings {
		if strings.Contains(w.EN, "another formula") && w.Column == "T" && w.Value == "12" {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning about the risk formula: %+v", rep.Warnings)
	}
	ws, err := store.Workspace(ctx, "w")
	if err != nil || ws.FormulaVariant != FormulaOther+"other.xlsx" {
		t.Errorf("workspace formula variant %q, %v", ws.FormulaVariant, err)
	}
	// An IPA-consistent register leaves a fresh workspace on IPA's method.
	ok := writeBook(t, t.TempDir(), "ipa.xlsx", append(registerEd31(), orgSheet())...)
	if _, err := Import(ctx, store, Options{Workspace: "w2"}, ok); err != nil {
		t.Fatal(err)
	}
	if ws, _ := store.Workspace(ctx, "w2"); ws.FormulaVariant != graph.FormulaIPA {
		t.Errorf("w2 formula variant %q", ws.FormulaVariant)
	}
}

func TestReimportChangesNothingAndSweeps(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := newStore(t)
	sheets := append(registerEd31(), orgSheet())
	path := writeBook(t, dir, "register.xlsx", sheets...)
	first, err := Import(ctx, store, Options{Workspace: "w"}, path)
	if err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(first))
	}
	_, _, c := first.Totals()
	if c.Created == 0 || c.Updated+c.Removed != 0 {
		t.Fatalf("first import: %+v", c)
	}
	before := dump(t, store, "w")
	second, err := Import(ctx, store, Options{Workspace: "w"}, path)
	if err != nil {
		t.Fatal(err)
	}
	_, _, c2 := second.Totals()
	if c2.Created+c2.Updated+c2.Removed != 0 || c2.Unchanged != c.Created {
		t.Errorf("re-import: %+v; want %d unchanged and nothing else", c2, c.Created)
	}
	if after := dump(t, store, "w"); after != before {
		t.Errorf("re-import changed the graph:\n%s\n--- before ---\n%s", after, before)
	}
	// A newer version without 生産計画 removes it (and its STORED_ON).
	sheets[0].Rows = sheets[0].Rows[:len(sheets[0].Rows)-1]
	writeBook(t, dir, "register.xlsx", sheets...)
	third, err := Import(ctx, store, Options{Workspace: "w"}, path)
	if err != nil {
		t.Fatal(err)
	}
	if !third.Files[0].Swept || third.Files[0].Write.Assets.Removed != 1 || third.Files[0].Write.Edges.Removed != 1 {
		t.Errorf("newer version: %+v; want 1 asset and 1 edge removed", third.Files[0].Write)
	}
	if _, err := store.Asset(ctx, "w", "info:製造/生産計画"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("removed asset still there: %v", err)
	}
}

func TestRegisterIDIsNormalized(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	dir := t.TempDir()
	sheet := func(name string) sheetSpec {
		return sheetSpec{Name: "台帳", Rows: [][]any{{"業務分類", "情報資産名称", "媒体・保存先", "機密性", "完全性", "可用性"}, {"設計", name, "社内サーバー", 3, 3, 2}}}
	}
	p := writeBook(t, dir, "r.xlsx", sheet("ＣＡＤ図面"), orgSheet())
	if rep, err := Import(ctx, store, Options{Workspace: "w"}, p); err != nil {
		t.Fatalf("%v\n%s", err, rejectionList(rep))
	}
	writeBook(t, dir, "r.xlsx", sheet("CAD図面"), orgSheet())
	rep, err := Import(ctx, store, Options{Workspace: "w"}, p)
	if err != nil {
		t.Fatal(err)
	}
	if w := rep.Files[0].Write.Assets; w.Created != 0 || w.Updated != 1 || w.Removed != 0 {
		t.Errorf("renamed with half-width letters: %+v; want the same asset updated", w)
	}
	if a, err := store.Asset(ctx, "w", "info:設計/CAD図面"); err != nil || a.Name != "CAD図面" {
		t.Errorf("asset = %+v, %v", a, err)
	}
}
