package synth

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/graph"
)

func TestWriteRegister(t *testing.T) {
	res := GenerateResult(Config{Assets: 600, Suppliers: 5, Seed: 9})
	path := filepath.Join(t.TempDir(), "register.xlsx")
	n, err := WriteRegister(path, res)
	if err != nil {
		t.Fatal(err)
	}
	var data []graph.Asset
	for _, a := range res.Batch.Assets {
		if a.Component == graph.Data {
			data = append(data, a)
		}
	}
	if n != len(data) || n == 0 {
		t.Fatalf("rows = %d, data assets = %d", n, len(data))
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(RegisterSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+2 {
		t.Fatalf("sheet rows = %d, want %d", len(rows), n+2)
	}
	wantH1 := []string{"業務分類", "情報資産名称", "備考", "利用者範囲", "管理部署", "媒体・保存先", "個人情報の種類", "", "", "評価値", "", "", "重要度", "保存期限", "登録日"}
	if !slices.Equal(rows[0], wantH1) {
		t.Errorf("header row 1 = %q", rows[0])
	}
	if got := rows[1][6:12]; !slices.Equal(got, []string{"個人情報", "要配慮個人情報", "特定個人情報", "機密性", "完全性", "可用性"}) {
		t.Errorf("header row 2 = %q", rows[1])
	}
	merged, err := f.GetMergeCells(RegisterSheet)
	if err != nil {
		t.Fatal(err)
	}
	var ranges []string
	for _, m := range merged {
		ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	for _, want := range []string{"A1:A2", "F1:F2", "G1:I1", "J1:L1", "M1:M2", "O1:O2"} {
		if !slices.Contains(ranges, want) {
			t.Errorf("merged ranges %v lack %s", ranges, want)
		}
	}
	// Each row carries its asset: name, medium, ratings, importance.
	for i, a := range data {
		r := rows[i+2]
		if r[1] != a.Name || r[5] != a.Media || !strings.Contains(r[2], a.ID) {
			t.Fatalf("row %d = %q, asset %+v", i+3, r, a)
		}
		for j, v := range []int{a.C, a.I, a.A, a.EffectiveImportance()} {
			if r[9+j] != strconv.Itoa(v) {
				t.Fatalf("row %d col %d = %q, want %d", i+3, 10+j, r[9+j], v)
			}
		}
		hasPI := slices.Contains(a.PersonalInfo, PIPersonal)
		if (r[6] == "○") != hasPI {
			t.Fatalf("row %d personal-info flag %q, asset has %v", i+3, r[6], a.PersonalInfo)
		}
	}
}
