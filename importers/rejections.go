package importers

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// Rejection report sheet names (at most 31 characters).
const (
	RejectionsSheet = "却下 Rejections"
	WarningsSheet   = "注意 Warnings"
)

// RejectionHeader is the header row of the rejection report.
var RejectionHeader = []string{"ファイル file", "シート sheet", "行 row", "列 column", "見出し header", "値 value", "理由 reason (日本語)", "reason (English)"}

// Escape makes a value safe to show in a spreadsheet: a value that begins
// with = + - @ or a control character (which a spreadsheet, or a CSV export
// of it, would take for a formula) gets a leading apostrophe; other control
// characters become spaces.
func Escape(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)[0]
	if strings.ContainsRune("=+-@", r) || unicode.IsControl(r) {
		s = "'" + s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' {
			return ' '
		}
		return r
	}, s)
}

// WriteRejections writes the report's rejections (and warnings) as an
// .xlsx workbook a consultant can work through: one row per rejected cell
// with file, sheet, row, column, header, value and the reason in Japanese
// and English. Every text is written as a string cell, escaped with Escape.
func WriteRejections(path string, rep *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", RejectionsSheet); err != nil {
		return fmt.Errorf("importers: rejection report: %w", err)
	}
	if err := writeRejectionSheet(f, RejectionsSheet, rep.Rejections); err != nil {
		return err
	}
	if len(rep.Warnings) > 0 {
		if _, err := f.NewSheet(WarningsSheet); err != nil {
			return fmt.Errorf("importers: rejection report: %w", err)
		}
		if err := writeRejectionSheet(f, WarningsSheet, rep.Warnings); err != nil {
			return err
		}
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("importers: rejection report %s: %w", path, err)
	}
	return nil
}

func writeRejectionSheet(f *excelize.File, sheet string, rs []Rejection) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("importers: rejection report: %w", err)
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	widths := []float64{24, 18, 7, 7, 20, 30, 60, 60}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	head := make([]any, len(RejectionHeader))
	for i, h := range RejectionHeader {
		head[i] = excelize.Cell{Value: h, StyleID: bold}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{}); err != nil {
		return err
	}
	for i, r := range rs {
		var row any = ""
		if r.Row > 0 {
			row = r.Row
		}
		cells := []any{Escape(r.File), Escape(r.Sheet), row, r.Column, Escape(r.Header), Escape(r.Value), Escape(r.JA), Escape(r.EN)}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return fmt.Errorf("importers: rejection report row %d: %w", i+2, err)
		}
	}
	return sw.Flush()
}
