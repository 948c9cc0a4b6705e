package export

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/graph"
)

// DefaultMaxPairRows bounds the pairs sheet: the highest-risk pairs first,
// and the sheet says so. The heat-maps always count every pair. 50,000 rows
// keep a 100k-asset export within seconds; Options.MaxPairRows raises it up
// to MaxPairRows.
const DefaultMaxPairRows = 50_000

// MaxPairRows is Excel's row limit less the header row.
const MaxPairRows = 1_048_575

// sheetName makes a valid sheet name: at most 31 characters, none of
// : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']':
			return '_'
		}
		return r
	}, oneLine(s))
	s = strings.Trim(s, "'")
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	return s
}

type xlsxStyles struct {
	title, bold, head, text, wrap, pct, num int
	band                                    map[graph.Band]int // wrapped, centred, filled
	bandPct                                 map[graph.Band]int
}

func newStyles(f *excelize.File) (*xlsxStyles, error) {
	border := []excelize.Border{{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1}, {Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	st := &xlsxStyles{band: map[graph.Band]int{}, bandPct: map[graph.Band]int{}}
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	st.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	st.bold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	st.head = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colHead.hex()[1:]}}, Border: border, Alignment: center})
	st.text = mk(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}})
	st.wrap = mk(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	st.pct = mk(&excelize.Style{NumFmt: 9})
	st.num = mk(&excelize.Style{NumFmt: 1})
	for _, b := range []graph.Band{graph.BandHigh, graph.BandMedium, graph.BandLow, ""} {
		fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{bandColour(b).hex()[1:]}}
		st.band[b] = mk(&excelize.Style{Fill: fill, Border: border, Alignment: center})
		st.bandPct[b] = mk(&excelize.Style{Fill: fill, Border: border, Alignment: center, NumFmt: 9})
	}
	return st, err
}

// xlsxWriter writes one workbook; the first error sticks.
type xlsxWriter struct {
	f   *excelize.File
	r   *Report
	st  *xlsxStyles
	err error
	// widths per sheet and column (display width of the widest value)
	widths map[string]map[int]int
}

func (x *xlsxWriter) set(sheet string, col, row int, v any, style int) {
	if x.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		x.err = err
		return
	}
	if s, ok := v.(string); ok {
		s = cellText(s)
		x.err = x.f.SetCellStr(sheet, cell, s)
		x.width(sheet, col, s)
	} else {
		x.err = x.f.SetCellValue(sheet, cell, v)
		x.width(sheet, col, fmt.Sprint(v))
	}
	if x.err == nil && style != 0 {
		x.err = x.f.SetCellStyle(sheet, cell, cell, style)
	}
}

func (x *xlsxWriter) width(sheet string, col int, s string) {
	m := x.widths[sheet]
	if m == nil {
		m = map[int]int{}
		x.widths[sheet] = m
	}
	w := 0
	for _, line := range strings.Split(s, "\n") {
		w = max(w, displayWidth(line))
	}
	m[col] = max(m[col], w)
}

// fitColumns sets each column's width to its widest value (2 per East
// Asian wide character), between 6 and 60.
func (x *xlsxWriter) fitColumns(sheet string, skipRows bool) {
	for col, w := range x.widths[sheet] {
		if x.err != nil {
			return
		}
		name, err := excelize.ColumnNumberToName(col)
		if err != nil {
			x.err = err
			return
		}
		x.err = x.f.SetColWidth(sheet, name, name, float64(min(max(w+2, 6), 60)))
	}
}

func (x *xlsxWriter) freeze(sheet string, rows int) {
	if x.err != nil {
		return
	}
	cell, _ := excelize.CoordinatesToCellName(1, rows+1)
	x.err = x.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: rows, TopLeftCell: cell, ActivePane: "bottomLeft"})
}

func (x *xlsxWriter) filter(sheet string, fromCol, fromRow, toCol, toRow int) {
	if x.err != nil || toRow <= fromRow {
		return
	}
	a, _ := excelize.CoordinatesToCellName(fromCol, fromRow)
	b, _ := excelize.CoordinatesToCellName(toCol, toRow)
	x.err = x.f.AutoFilter(sheet, a+":"+b, nil)
}

// banner writes the title, workspace and date rows; it returns the next row.
func (x *xlsxWriter) banner(sheet, title string) int {
	wd := x.r.words()
	x.set(sheet, 1, 1, title, x.st.title)
	x.set(sheet, 1, 2, wd.workspace, x.st.bold)
	x.set(sheet, 2, 2, x.r.workspaceLabel(), 0)
	x.set(sheet, 1, 3, wd.date, x.st.bold)
	x.set(sheet, 2, 3, x.r.dateString(), 0)
	return 5
}

// legendRows writes the colour key from row; it returns the next row.
func (x *xlsxWriter) legendRows(sheet string, row int, coverage bool) int {
	wd := x.r.words()
	x.set(sheet, 1, row, wd.legend, x.st.bold)
	row++
	items := []struct {
		b graph.Band
		t string
	}{{graph.BandHigh, wd.bandHigh}, {graph.BandMedium, wd.bandMedium}, {graph.BandLow, wd.bandLow}, {"", wd.bandNone}}
	if coverage {
		items = []struct {
			b graph.Band
			t string
		}{{graph.BandHigh, wd.covLow}, {graph.BandMedium, wd.covMid}, {graph.BandLow, wd.covGood}}
	}
	for _, it := range items {
		label := x.r.bandLabel(it.b)
		if coverage {
			label = ""
		}
		x.set(sheet, 1, row, label, x.st.band[it.b])
		x.set(sheet, 2, row, it.t, 0)
		row++
	}
	return row + 1
}

// WriteXLSX writes the report as a workbook: a sheet per heat-map, the
// pairs, the top gaps and an about sheet. maxPairRows <= 0 takes the
// report's MaxPairRows, else DefaultMaxPairRows.
func WriteXLSX(w io.Writer, r *Report, maxPairRows int) error {
	if maxPairRows <= 0 {
		maxPairRows = r.MaxPairRows
	}
	if maxPairRows <= 0 {
		maxPairRows = DefaultMaxPairRows
	}
	maxPairRows = min(maxPairRows, MaxPairRows)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("export: XLSX styles: %w", err)
	}
	x := &xlsxWriter{f: f, r: r, st: st, widths: map[string]map[int]int{}}
	wd := r.words()
	var sheets []string
	newSheet := func(name string) string {
		name = sheetName(name)
		if len(sheets) == 0 {
			if x.err == nil {
				x.err = f.SetSheetName("Sheet1", name)
			}
		} else if x.err == nil {
			_, x.err = f.NewSheet(name)
		}
		sheets = append(sheets, name)
		return name
	}
	if r.IPA != nil {
		x.ipaSheet(newSheet(pick(r.Lang, "IPA risk matrix", "IPAリスクマトリクス")))
	}
	if r.CPSF != nil {
		x.cpsfSheet(newSheet(pick(r.Lang, "CPSF layer x component", "CPSF層×構成要素")))
	}
	if r.Supply != nil {
		x.supplySheet(newSheet(pick(r.Lang, "Supply chain", "サプライチェーン")))
	}
	x.pairsSheet(newSheet(wd.dataSheet), maxPairRows)
	x.gapsSheet(newSheet(wd.gapsSheet))
	x.aboutSheet(newSheet(wd.aboutSheet), maxPairRows)
	if x.err != nil {
		return fmt.Errorf("export: XLSX: %w", x.err)
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("export: XLSX: %w", err)
	}
	return nil
}

func (x *xlsxWriter) ipaSheet(sh string) {
	r, wd, h := x.r, x.r.words(), x.r.IPA
	row := x.banner(sh, wd.ipaTitle)
	x.set(sh, 1, row, wd.importance+" / "+wd.damage, x.st.head)
	for d := 1; d <= 3; d++ {
		x.set(sh, 1+d, row, fmt.Sprintf("%s %d", wd.damage, d), x.st.head)
	}
	x.freeze(sh, row)
	row++
	for imp := 3; imp >= 1; imp-- {
		x.set(sh, 1, row, fmt.Sprintf("%s %d", wd.importance, imp), x.st.head)
		for d := 1; d <= 3; d++ {
			c := h.Cell(imp, d)
			x.set(sh, 1+d, row, fmt.Sprintf("%s %d (%s)\n%s", wd.risk, c.Risk, r.bandLabel(c.Band), countLabel(r, c.Count)), x.st.band[c.Band])
		}
		if x.err == nil {
			x.err = x.f.SetRowHeight(sh, row, 36)
		}
		row++
	}
	row++
	row = x.legendRows(sh, row, false)
	// the same cells as a table
	top := row
	for i, t := range []string{wd.importance, wd.damage, wd.risk, wd.band, wd.pairs} {
		x.set(sh, 1+i, row, t, x.st.head)
	}
	row++
	for _, c := range h.Cells {
		x.set(sh, 1, row, c.Importance, 0)
		x.set(sh, 2, row, c.Damage, 0)
		x.set(sh, 3, row, c.Risk, 0)
		x.set(sh, 4, row, r.bandLabel(c.Band), x.st.band[c.Band])
		x.set(sh, 5, row, c.Count, 0)
		row++
	}
	x.filter(sh, 1, top, 5, row-1)
	x.set(sh, 1, row+1, wd.totalRisk, x.st.bold)
	x.set(sh, 2, row+1, r.TotalRisk, 0)
	if len(r.Pairs) == 0 {
		x.set(sh, 1, row+2, wd.empty, 0)
	}
	x.fitColumns(sh, false)
}

func (x *xlsxWriter) cpsfSheet(sh string) {
	r, wd, h := x.r, x.r.words(), x.r.CPSF
	row := x.banner(sh, wd.cpsfTitle)
	x.set(sh, 1, row, wd.layer+" / "+wd.component, x.st.head)
	for i, c := range graph.Components {
		x.set(sh, 2+i, row, r.componentName(c), x.st.head)
	}
	x.freeze(sh, row)
	row++
	for _, l := range graph.Layers {
		x.set(sh, 1, row, string(l)+" "+r.layerName(l), x.st.head)
		for i, comp := range graph.Components {
			c := h.Cell(l, comp)
			var b strings.Builder
			if c.Band != "" {
				fmt.Fprintf(&b, "%s %d (%s)\n", wd.maxRisk, c.MaxRisk, r.bandLabel(c.Band))
			} else {
				fmt.Fprintf(&b, "%s\n", r.bandLabel(""))
			}
			fmt.Fprintf(&b, "%s %d", wd.assets, c.Assets)
			if c.Orgs > 0 {
				fmt.Fprintf(&b, " / %s %d", wd.org, c.Orgs)
			}
			fmt.Fprintf(&b, "\n%s %d / %d", wd.high, c.HighPairs, c.Pairs)
			if c.Assessed > 0 {
				fmt.Fprintf(&b, "\n%s %.0f%%", wd.coverage, c.Coverage*100)
			} else {
				fmt.Fprintf(&b, "\n%s", wd.notAssessed)
			}
			x.set(sh, 2+i, row, b.String(), x.st.band[c.Band])
		}
		if x.err == nil {
			x.err = x.f.SetRowHeight(sh, row, 64)
		}
		row++
	}
	row++
	row = x.legendRows(sh, row, false)
	top := row
	heads := []string{wd.layer, wd.component, wd.assets, wd.org, wd.pairs, wd.maxRisk, wd.band, wd.high, pick(r.Lang, "Risk sources", "リスク源"), pick(r.Lang, "Assessed", "評価数"), wd.coverage, wd.reqs}
	for i, t := range heads {
		x.set(sh, 1+i, row, t, x.st.head)
	}
	row++
	for _, c := range h.Cells {
		vals := []any{string(c.Layer), r.componentName(c.Component), c.Assets, c.Orgs, c.Pairs, c.MaxRisk, r.bandLabel(c.Band), c.HighPairs, c.RiskSources, c.Assessed}
		for i, v := range vals {
			style := 0
			if i == 6 {
				style = x.st.band[c.Band]
			}
			x.set(sh, 1+i, row, v, style)
		}
		x.set(sh, 11, row, c.Coverage, x.st.pct)
		x.set(sh, 12, row, strings.Join(c.Requirements, ", "), 0)
		row++
	}
	x.filter(sh, 1, top, len(heads), row-1)
	x.fitColumns(sh, false)
	// the matrix columns hold several lines: keep them readable
	if x.err == nil {
		x.err = x.f.SetColWidth(sh, "B", "G", 20)
	}
}

func (x *xlsxWriter) supplySheet(sh string) {
	r, wd, h := x.r, x.r.words(), x.r.Supply
	row := x.banner(sh, wd.supplyTitle)
	heads := []string{pick(r.Lang, "ID", "ID"), wd.org, wd.role, wd.tier, wd.suppliedAssets}
	for _, f := range graph.Functions {
		heads = append(heads, r.functionName(f))
	}
	for i, t := range heads {
		x.set(sh, 1+i, row, t, x.st.head)
	}
	x.freeze(sh, row)
	top := row
	row++
	for _, o := range h.Rows {
		x.set(sh, 1, row, o.Org.ID, 0)
		x.set(sh, 2, row, o.Org.Name, 0)
		x.set(sh, 3, row, r.roleLabel(o.Org.Role), 0)
		x.set(sh, 4, row, r.tierLabel(o.Tier), 0)
		x.set(sh, 5, row, o.AssetsSupplied, 0)
		for j, c := range o.Cells {
			x.set(sh, 6+j, row, c.Coverage, x.st.bandPct[coverageBand(c.Coverage)])
		}
		row++
	}
	x.filter(sh, 1, top, len(heads), row-1)
	if len(h.Rows) == 0 {
		x.set(sh, 1, row, r.bandLabel(""), 0)
	}
	row += 2
	x.legendRows(sh, row, true)
	x.fitColumns(sh, false)
}

func (x *xlsxWriter) pairsSheet(sh string, maxRows int) {
	if x.err != nil {
		return
	}
	r, wd := x.r, x.r.words()
	heads := []string{wd.risk, wd.band, wd.importance, wd.damage, wd.likelihood, wd.exploit, wd.threat, wd.threatName, wd.asset, wd.assetName, wd.hops, wd.entry, wd.entryStatus, wd.path, wd.gaps, wd.reqs, wd.ctrls}
	n := min(len(r.Pairs), maxRows)
	rows := r.Pairs[:n]
	// column widths from the data
	widths := make([]int, len(heads))
	for i, h := range heads {
		widths[i] = displayWidth(h)
	}
	strs := make([][]string, n)
	for i, p := range rows {
		s := []string{cellText(p.Threat), cellText(p.ThreatName), cellText(p.Asset), cellText(p.AssetName), cellText(p.EntryName), cellText(pathString(p.Path)),
			cellText(gapRiskSources(p.Gaps)), cellText(gapRequirements(p.Gaps)), cellText(gapControls(p.Gaps))}
		strs[i] = s
		for j, c := range []int{6, 7, 8, 9, 11, 13, 14, 15, 16} {
			widths[c] = max(widths[c], displayWidth(s[j]))
		}
	}
	sw, err := x.f.NewStreamWriter(sh)
	if err != nil {
		x.err = err
		return
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(w+2, 6), 60))); err != nil {
			x.err = err
			return
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		x.err = err
		return
	}
	head := make([]any, len(heads))
	for i, h := range heads {
		head[i] = excelize.Cell{StyleID: x.st.head, Value: cellText(h)}
	}
	if err := sw.SetRow("A1", head); err != nil {
		x.err = err
		return
	}
	vals := make([]any, len(heads))
	for i, p := range rows {
		s := strs[i]
		vals[0] = p.Score.Risk
		vals[1] = excelize.Cell{StyleID: x.st.band[p.Score.Band], Value: r.bandLabel(p.Score.Band)}
		vals[2], vals[3], vals[4], vals[5] = p.Score.Importance, p.Score.Damage, p.Score.Likelihood, p.Score.Exploitability
		vals[6], vals[7], vals[8], vals[9] = s[0], s[1], s[2], s[3]
		vals[10] = p.Hops
		vals[11] = cellText(p.Path0())
		vals[12] = r.statusLabel(p.EntryStatus)
		vals[13], vals[14], vals[15], vals[16] = s[5], s[6], s[7], s[8]
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			x.err = err
			return
		}
	}
	if n == 0 {
		if err := sw.SetRow("A2", []any{cellText(wd.empty)}); err != nil {
			x.err = err
			return
		}
	} else {
		end, _ := excelize.CoordinatesToCellName(len(heads), n+1)
		off := false
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + end, Name: "Pairs", StyleName: "", ShowRowStripes: &off}); err != nil {
			x.err = err
			return
		}
	}
	x.err = sw.Flush()
}

// Path0 is the pair's entry node ID.
func (p PairRow) Path0() string {
	if len(p.Path) == 0 {
		return ""
	}
	return p.Path[0]
}

func (x *xlsxWriter) gapsSheet(sh string) {
	r, wd := x.r, x.r.words()
	heads := []string{"#", wd.control, wd.controlTitle, wd.subject, pick(r.Lang, "Name", "名称"), wd.reduction, wd.riskAfter, wd.pairsLowered, wd.riskSources}
	for i, t := range heads {
		x.set(sh, 1+i, 1, t, x.st.head)
	}
	x.freeze(sh, 1)
	row := 2
	for i, g := range r.TopGaps {
		vals := []any{i + 1, g.Control.String(), r.controlTitle(g.Control), g.Subject, g.SubjectName, g.Reduction, g.RiskAfter, g.Pairs, strings.Join(g.RiskSources, ", ")}
		for j, v := range vals {
			x.set(sh, 1+j, row, v, 0)
		}
		row++
	}
	x.filter(sh, 1, 1, len(heads), row-1)
	row++
	x.set(sh, 1, row, wd.totalRisk, x.st.bold)
	x.set(sh, 2, row, r.TotalRisk, 0)
	x.set(sh, 1, row+1, wd.greedyNote, 0)
	x.fitColumns(sh, false)
	if x.err == nil {
		x.err = x.f.SetColWidth(sh, "A", "A", 6)
	}
}

func (x *xlsxWriter) aboutSheet(sh string, maxRows int) {
	r, wd := x.r, x.r.words()
	row := x.banner(sh, wd.title)
	kv := func(k string, v any) {
		x.set(sh, 1, row, k, x.st.bold)
		x.set(sh, 2, row, v, 0)
		row++
	}
	kv(pick(r.Lang, "Workspace ID", "ワークスペースID"), r.Workspace.ID)
	kv(wd.maxHops, r.MaxHops)
	formula := r.Workspace.FormulaVariant
	if formula == "" {
		formula = graph.FormulaIPA
	}
	if formula != graph.FormulaIPA {
		formula += pick(r.Lang, " (imported as is, not rescored)", " (取込時の方式のまま。再計算していません)")
	}
	kv(pick(r.Lang, "Risk formula", "リスク算定方式"), formula)
	kv(pick(r.Lang, "Pairs", "脅威と資産の組"), len(r.Pairs))
	kv(wd.totalRisk, r.TotalRisk)
	if len(r.Pairs) > maxRows {
		kv(wd.dataSheet, fmt.Sprintf(wd.truncated, maxRows, len(r.Pairs)))
	}
	if len(r.Pairs) == 0 {
		kv(wd.dataSheet, wd.empty)
	}
	kv(wd.completeness, r.completenessLine())
	row++
	row = x.legendRows(sh, row, false)
	top := row
	for i, t := range []string{wd.source, pick(r.Lang, "Kind", "種別"), wd.items} {
		x.set(sh, 1+i, row, t, x.st.head)
	}
	row++
	for _, s := range r.Sources {
		kind := wd.official
		if !s.Official {
			kind = wd.ours
		}
		x.set(sh, 1, row, s.Name, 0)
		x.set(sh, 2, row, kind, 0)
		x.set(sh, 3, row, s.Items, 0)
		row++
	}
	x.filter(sh, 1, top, 3, row-1)
	x.fitColumns(sh, false)
}
