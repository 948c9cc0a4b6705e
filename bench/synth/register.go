package synth

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/graph"
)

// RegisterSheet is the sheet name of IPA's asset register.
const RegisterSheet = "情報資産管理台帳"

// Register columns A..O, two header rows: a group header over 個人情報の種類
// (G..I) and 評価値 (J..L), the other headers merged over both rows.
var (
	header1 = []any{"業務分類", "情報資産名称", "備考", "利用者範囲", "管理部署", "媒体・保存先", "個人情報の種類", nil, nil, "評価値", nil, nil, "重要度", "保存期限", "登録日"}
	header2 = []any{nil, nil, nil, nil, nil, nil, PIPersonal, PISensitive, PIMyNumber, "機密性", "完全性", "可用性", nil, nil, nil}
)

// WriteRegister writes one register row per data asset of res to path with
// excelize's StreamWriter and returns the number of rows.
func WriteRegister(path string, res *Result) (rows int, err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close workbook %s: %w", path, cerr)
		}
	}()
	if err := f.SetSheetName("Sheet1", RegisterSheet); err != nil {
		return 0, fmt.Errorf("register %s: %w", path, err)
	}
	sw, err := f.NewStreamWriter(RegisterSheet)
	if err != nil {
		return 0, fmt.Errorf("register %s: %w", path, err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return 0, fmt.Errorf("register %s: %w", path, err)
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return 0, fmt.Errorf("register %s: %w", path, err)
	}
	if err := sw.SetColWidth(1, 15, 14); err != nil {
		return 0, fmt.Errorf("register %s: %w", path, err)
	}
	styled := func(vals []any) []any {
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = excelize.Cell{StyleID: headStyle, Value: v}
		}
		return out
	}
	if err := sw.SetRow("A1", styled(header1)); err != nil {
		return 0, fmt.Errorf("register %s: header: %w", path, err)
	}
	if err := sw.SetRow("A2", styled(header2)); err != nil {
		return 0, fmt.Errorf("register %s: header: %w", path, err)
	}
	for col := 1; col <= 15; col++ {
		if header2[col-1] != nil {
			continue
		}
		c, _ := excelize.ColumnNumberToName(col)
		if err := sw.MergeCell(c+"1", c+"2"); err != nil {
			return 0, fmt.Errorf("register %s: merge %s: %w", path, c, err)
		}
	}
	for _, m := range [][2]string{{"G1", "I1"}, {"J1", "L1"}} {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return 0, fmt.Errorf("register %s: merge %s:%s: %w", path, m[0], m[1], err)
		}
	}
	retention := []string{"1年", "3年", "5年", "7年", "10年", "永年"}
	base := time.Date(2018, 4, 1, 0, 0, 0, 0, time.UTC)
	row := 3
	for i, a := range res.Batch.Assets {
		if a.Component != graph.Data {
			continue
		}
		m := res.Meta[i]
		users := DeptName(m.Dept)
		if i%7 == 0 {
			users = "全社"
		}
		flag := func(kind string) any {
			for _, p := range a.PersonalInfo {
				if p == kind {
					return "○"
				}
			}
			return nil
		}
		imp := any(a.Importance)
		if a.Importance == 0 {
			imp = a.EffectiveImportance()
		}
		vals := []any{
			a.Category, a.Name, "ID " + a.ID + " / " + SiteName(m.Site), users, DeptName(m.Dept), a.Media,
			flag(PIPersonal), flag(PISensitive), flag(PIMyNumber),
			a.C, a.I, a.A, imp,
			retention[i%len(retention)],
			excelize.Cell{StyleID: dateStyle, Value: base.AddDate(0, 0, (i*37)%2900)},
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, vals); err != nil {
			return 0, fmt.Errorf("register %s: row %d (asset %s): %w", path, row, a.ID, err)
		}
		row++
		rows++
	}
	if err := sw.Flush(); err != nil {
		return 0, fmt.Errorf("register %s: flush: %w", path, err)
	}
	if err := f.SaveAs(path); err != nil {
		return 0, fmt.Errorf("register %s: save: %w", path, err)
	}
	return rows, nil
}
