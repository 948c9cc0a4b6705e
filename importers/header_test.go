package importers

import (
	"testing"
	"time"
)

func TestDetectHeader(t *testing.T) {
	tests := []struct {
		name    string
		rows    [][]string
		kind    Kind
		row     int
		nrows   int
		cols    map[string]int
		missing int
	}{
		{
			name: "IPA register, title rows, merged two-row header",
			rows: [][]string{
				{"情報資産管理台帳"},
				nil,
				{"", "", "", "", "", "", "", "", "", "", "", "", "", "", "作成日: 2024/4/1"},
				{"業務分類", "情報資産\n名称", "備考", "利用者範囲", "管理部署", "媒体・\n保存先", "個人情報の種類", "", "", "評価値", "", "", "重要度", "保存期限", "登録日"},
				{"", "", "", "", "", "", "個人情報", "要配慮個人情報", "特定個人情報", "機密性", "完全性", "可用性"},
				{"人事", "従業員名簿", "", "総務部", "総務部", "事務所PC", "○", "", "", "3", "2", "2", "3", "退職後5年", "2024/4/1"},
			},
			kind: KindRegister, row: 4, nrows: 2,
			cols: map[string]int{"category": 0, "name": 1, "media": 5, "personal": 6, "sensitive": 7, "mynumber": 8, "confidentiality": 9, "integrity": 10, "availability": 11, "importance": 12, "registered": 14},
		},
		{
			name: "IPA register, one header row, full-width and notes",
			rows: [][]string{
				{"業務分類", "情報資産名称", "媒体・保存先", "機密性（１〜３）", "完全性", "可用性", "重要度", "リスク値"},
				{"経理", "会計データ", "社内サーバー", "３", "３", "２", "３", "6"},
			},
			kind: KindRegister, row: 1, nrows: 1,
			cols: map[string]int{"category": 0, "name": 1, "media": 2, "confidentiality": 3, "integrity": 4, "availability": 5, "importance": 6, "risk": 7},
		},
		{
			name: "English asset sheet with extra columns",
			rows: [][]string{
				{"Asset ID", "Asset Name", "Component", "Layers", "Confidentiality", "Integrity", "Availability", "Comment", "Colour"},
				{"A1", "Server", "systems", "L3", "3", "3", "3", "", "red"},
			},
			kind: KindAssets, row: 1, nrows: 1,
			cols: map[string]int{"id": 0, "name": 1, "component": 2, "layers": 3, "confidentiality": 4, "integrity": 5, "availability": 6},
		},
		{
			name: "organizations in Japanese",
			rows: [][]string{{"取引先一覧"}, {"組織ID", "会社名", "区分", "供給先"}, {"s1", "株式会社A", "委託先", "self"}},
			kind: KindOrganizations, row: 2, nrows: 1,
			cols: map[string]int{"id": 0, "name": 1, "role": 2, "supplies": 3},
		},
		{
			name: "control status",
			rows: [][]string{{"対象ID", "フレームワーク", "管理策ID", "実施状況"}},
			kind: KindStatuses, row: 1, nrows: 1,
			cols: map[string]int{"subject": 0, "framework": 1, "control": 2, "status": 3},
		},
		{
			name: "relationships",
			rows: [][]string{{"From", "Relationship", "To"}},
			kind: KindRelationships, row: 1, nrows: 1,
			cols: map[string]int{"from": 0, "type": 1, "to": 2},
		},
		{
			name: "catalog mappings",
			rows: [][]string{{"対応種別", "対応元", "対応先", "根拠", "出典"}},
			kind: KindMappings, row: 1, nrows: 1,
			cols: map[string]int{"mapping_type": 0, "map_from": 1, "map_to": 2, "rationale": 3, "source": 4},
		},
		{
			name: "register without the medium column is incomplete",
			rows: [][]string{{"業務分類", "情報資産名称", "機密性", "完全性", "可用性"}},
			kind: KindRegister, row: 1, nrows: 1, missing: 1,
			cols: map[string]int{"category": 0, "name": 1, "confidentiality": 2, "integrity": 3, "availability": 4},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := DetectHeader(tt.rows)
			if !ok {
				t.Fatal("no header found")
			}
			if h.Kind != tt.kind || h.Row != tt.row || h.Rows != tt.nrows || len(h.Missing) != tt.missing {
				t.Fatalf("got kind %s row %d rows %d missing %v; want %s %d %d missing %d (names %q)", h.Kind, h.Row, h.Rows, h.Missing, tt.kind, tt.row, tt.nrows, tt.missing, h.Names)
			}
			for fk, c := range tt.cols {
				if got, ok := h.Cols[fk]; !ok || got != c {
					t.Errorf("field %s at column %d (found %v); want %d (names %q)", fk, got, ok, c, h.Names)
				}
			}
		})
	}
}

func TestDetectHeaderNone(t *testing.T) {
	for name, rows := range map[string][][]string{
		"empty":     nil,
		"blank":     {nil, {"", ""}},
		"unrelated": {{"売上", "月"}, {"100", "4"}},
		"one alias": {{"備考"}},
	} {
		if h, ok := DetectHeader(rows); ok {
			t.Errorf("%s: found header %+v; want none", name, h)
		}
	}
}

func TestDetectHeaderBeyondScan(t *testing.T) {
	rows := make([][]string, HeaderScanRows+5)
	rows[HeaderScanRows+2] = []string{"資産ID", "資産名", "構成要素", "層"}
	if h, ok := DetectHeader(rows); ok {
		t.Errorf("found a header at row %d, below the %d scanned rows", h.Row, HeaderScanRows)
	}
}

func TestFlatten(t *testing.T) {
	got := flatten([]string{"業務分類", "評価値", "", "", "重要度"}, []string{"", "機密性", "完全性", "可用性", ""})
	want := []string{"業務分類", "評価値/機密性", "評価値/完全性", "評価値/可用性", "重要度"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("column %d = %q; want %q", i, got[i], want[i])
		}
	}
}

func TestDetectHeaderWideRows(t *testing.T) {
	rows := make([][]string, HeaderScanRows)
	for r := range rows {
		rows[r] = make([]string, 16384)
		for c := range rows[r] {
			rows[r][c] = "列" + string(rune('A'+c%26))
		}
	}
	rows[5][0], rows[5][1], rows[5][2], rows[5][3] = "資産ID", "資産名", "構成要素", "層"
	start := time.Now()
	h, ok := DetectHeader(rows)
	if !ok || h.Kind != KindAssets || h.Row != 6 {
		t.Fatalf("got %v %+v", ok, h.Kind)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("detection over 30 rows of 16384 columns took %v", d)
	}
}
