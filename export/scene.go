package export

import (
	"fmt"
	"strings"

	"cpsfgraph/graph"
)

// A scene is a drawing laid out once and rendered by the SVG, PNG and PDF
// back ends, so the three show the same thing. Units are SVG user units
// (pixels), which the PDF takes as points.

type rgb struct{ r, g, b uint8 }

func (c rgb) hex() string { return fmt.Sprintf("#%02X%02X%02X", c.r, c.g, c.b) }

// Colours: Okabe and Ito's colour-blind-safe palette; every coloured cell
// also prints its value and band, so colour is never the only cue.
var (
	colHigh   = rgb{0xD5, 0x5E, 0x00} // vermillion: 大 / coverage under 34%
	colMedium = rgb{0xF0, 0xE4, 0x42} // yellow: 中 / coverage 34-66%
	colLow    = rgb{0x56, 0xB4, 0xE9} // sky blue: 小 / coverage 67% or more
	colNone   = rgb{0xE6, 0xE6, 0xE6} // grey: no pair
	colHead   = rgb{0xF2, 0xF2, 0xF2}
	colWhite  = rgb{0xFF, 0xFF, 0xFF}
	colBlack  = rgb{0x00, 0x00, 0x00}
	colGrey   = rgb{0x55, 0x55, 0x55}
	colBorder = rgb{0x80, 0x80, 0x80}
)

func bandColour(b graph.Band) rgb {
	switch b {
	case graph.BandHigh:
		return colHigh
	case graph.BandMedium:
		return colMedium
	case graph.BandLow:
		return colLow
	}
	return colNone
}

// coverageBand puts a coverage (0..1) in one of three bands, worst first.
func coverageBand(c float64) graph.Band {
	switch {
	case c < 0.335:
		return graph.BandHigh
	case c < 0.665:
		return graph.BandMedium
	}
	return graph.BandLow
}

type anchor int

const (
	anchorStart anchor = iota
	anchorMiddle
	anchorEnd
)

type rect struct {
	x, y, w, h float64
	fill       rgb
	stroke     bool
	attrs      [][2]string // SVG data-* attributes naming what the rect shows
}

type label struct {
	x, y   float64 // baseline
	size   float64
	s      string
	anchor anchor
	bold   bool
	colour rgb
}

type scene struct {
	w, h   float64
	font   *Font // for measuring; nil = approximate
	rects  []rect
	labels []label
	title  string
}

func (s *scene) measure(t string, size float64) float64 { return s.font.measure(t, size) }

// fit cuts t to width w at size, ending it with "…" when cut.
func (s *scene) fit(t string, size, w float64) string {
	t = oneLine(t)
	if s.measure(t, size) <= w {
		return t
	}
	rs := []rune(t)
	lo, hi := 0, len(rs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.measure(string(rs[:mid])+"…", size) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(rs[:lo]) + "…"
}

// wrap breaks t into lines of at most width w at size, at most maxLines
// (the last one cut with "…").
func (s *scene) wrap(t string, size, w float64, maxLines int) []string {
	t = oneLine(t)
	var lines []string
	rs := []rune(t)
	for len(rs) > 0 && len(lines) < maxLines {
		n := len(rs)
		for n > 1 && s.measure(string(rs[:n]), size) > w {
			n--
		}
		if n < len(rs) && len(lines) == maxLines-1 {
			lines = append(lines, s.fit(string(rs), size, w))
			break
		}
		lines = append(lines, string(rs[:n]))
		rs = rs[n:]
	}
	return lines
}

func (s *scene) text(x, y, size float64, t string, a anchor, bold bool, w float64) {
	if w > 0 {
		t = s.fit(t, size, w)
	} else {
		t = oneLine(t)
	}
	s.labels = append(s.labels, label{x: x, y: y, size: size, s: t, anchor: a, bold: bold, colour: colBlack})
}

func (s *scene) box(x, y, w, h float64, fill rgb, attrs ...[2]string) {
	s.rects = append(s.rects, rect{x: x, y: y, w: w, h: h, fill: fill, stroke: true, attrs: attrs})
}

// cellLines draws lines centred in a cell.
func (s *scene) cellLines(x, y, w, h, size float64, lines ...string) {
	lh := size * 1.3
	top := y + (h-lh*float64(len(lines)))/2 + size
	for i, l := range lines {
		s.text(x+w/2, top+float64(i)*lh, size, l, anchorMiddle, i == 0, w-4)
	}
}

func attr(k string, v any) [2]string { return [2]string{k, fmt.Sprint(v)} }

// header draws the title, workspace and date; it returns the next y.
func (s *scene) header(r *Report, x, y, w, size float64) float64 {
	wd := r.words()
	s.text(x, y+size*1.4, size*1.4, wd.title, anchorStart, true, w)
	y += size * 2.2
	s.text(x, y+size, size, fmt.Sprintf("%s: %s    %s: %s    %s: %d    %s: %d", wd.workspace, r.workspaceLabel(), wd.date, r.dateString(), wd.maxHops, r.MaxHops, wd.totalRisk, r.TotalRisk), anchorStart, false, w)
	return y + size*1.8
}

// ipa draws IPA's matrix; it returns the next y.
func (s *scene) ipa(r *Report, x, y, w, size float64) float64 {
	wd := r.words()
	h := r.IPA
	s.text(x, y+size*1.2, size*1.2, wd.ipaTitle, anchorStart, true, w)
	y += size * 2
	labW := min(w*0.22, size*9)
	cw := (w - labW) / 3
	ch := size * 3.4
	// column headers: damage 1..3
	s.box(x, y, labW, ch*0.6, colHead)
	s.cellLines(x, y, labW, ch*0.6, size*0.9, wd.importance+" / "+wd.damage)
	for d := 1; d <= 3; d++ {
		cx := x + labW + float64(d-1)*cw
		s.box(cx, y, cw, ch*0.6, colHead)
		s.cellLines(cx, y, cw, ch*0.6, size, fmt.Sprintf("%s %d", wd.damage, d))
	}
	y += ch * 0.6
	for imp := 3; imp >= 1; imp-- {
		s.box(x, y, labW, ch, colHead)
		s.cellLines(x, y, labW, ch, size, fmt.Sprintf("%s %d", wd.importance, imp))
		for d := 1; d <= 3; d++ {
			c := h.Cell(imp, d)
			cx := x + labW + float64(d-1)*cw
			s.box(cx, y, cw, ch, bandColour(c.Band), attr("data-map", "ipa"), attr("data-importance", imp), attr("data-damage", d),
				attr("data-risk", c.Risk), attr("data-band", c.Band), attr("data-count", c.Count))
			s.cellLines(cx, y, cw, ch, size,
				fmt.Sprintf("%s %d (%s)", wd.risk, c.Risk, r.bandLabel(c.Band)),
				countLabel(r, c.Count))
		}
		y += ch
	}
	return y + size
}

func countLabel(r *Report, n int) string {
	if r.Lang == JA {
		return fmt.Sprintf("%d 件", n)
	}
	return fmt.Sprintf("%d pairs", n)
}

// cpsf draws the layer x component map; it returns the next y.
func (s *scene) cpsf(r *Report, x, y, w, size float64) float64 {
	wd := r.words()
	h := r.CPSF
	s.text(x, y+size*1.2, size*1.2, wd.cpsfTitle, anchorStart, true, w)
	y += size * 2
	labW := min(w*0.2, size*10)
	n := float64(len(graph.Components))
	cw := (w - labW) / n
	ch := size * 5.6
	s.box(x, y, labW, size*2.2, colHead)
	s.cellLines(x, y, labW, size*2.2, size*0.9, wd.layer+" / "+wd.component)
	for i, c := range graph.Components {
		cx := x + labW + float64(i)*cw
		s.box(cx, y, cw, size*2.2, colHead)
		s.cellLines(cx, y, cw, size*2.2, size, r.componentName(c))
	}
	y += size * 2.2
	for _, l := range graph.Layers {
		s.box(x, y, labW, ch, colHead)
		s.cellLines(x, y, labW, ch, size*0.9, string(l), r.layerName(l))
		for i, comp := range graph.Components {
			c := h.Cell(l, comp)
			cx := x + labW + float64(i)*cw
			s.box(cx, y, cw, ch, bandColour(c.Band), attr("data-map", "cpsf"), attr("data-layer", l), attr("data-component", comp),
				attr("data-assets", c.Assets), attr("data-max-risk", c.MaxRisk), attr("data-band", c.Band), attr("data-high-pairs", c.HighPairs))
			lines := []string{}
			if c.Band != "" {
				lines = append(lines, fmt.Sprintf("%s %d (%s)", pick(r.Lang, "max", "最大"), c.MaxRisk, r.bandLabel(c.Band)))
			} else {
				lines = append(lines, r.bandLabel(""))
			}
			nodes := fmt.Sprintf("%s %d", wd.assets, c.Assets)
			if c.Orgs > 0 {
				nodes += fmt.Sprintf(" / %s %d", wd.org, c.Orgs)
			}
			lines = append(lines, nodes, fmt.Sprintf("%s %d / %d", wd.high, c.HighPairs, c.Pairs))
			if c.Assessed > 0 {
				lines = append(lines, fmt.Sprintf("%s %.0f%%", wd.coverage, c.Coverage*100))
			} else {
				lines = append(lines, wd.notAssessed)
			}
			s.cellLines(cx, y, cw, ch, size*0.9, lines...)
		}
		y += ch
	}
	return y + size
}

// supply draws the supply-chain map with at most maxRows organizations;
// it returns the next y.
func (s *scene) supply(r *Report, x, y, w, size float64, maxRows int) float64 {
	wd := r.words()
	h := r.Supply
	s.text(x, y+size*1.2, size*1.2, wd.supplyTitle, anchorStart, true, w)
	y += size * 2
	nameW := w * 0.34
	tierW := w * 0.08
	supW := w * 0.1
	cw := (w - nameW - tierW - supW) / float64(len(graph.Functions))
	rh := size * 1.9
	head := func(cx, cwid float64, t string) {
		s.box(cx, y, cwid, rh, colHead)
		s.cellLines(cx, y, cwid, rh, size*0.9, t)
	}
	head(x, nameW, wd.org)
	head(x+nameW, tierW, wd.tier)
	head(x+nameW+tierW, supW, wd.suppliedAssets)
	for i, f := range graph.Functions {
		head(x+nameW+tierW+supW+float64(i)*cw, cw, r.functionName(f))
	}
	y += rh
	if len(h.Rows) == 0 {
		s.text(x+2, y+size*1.3, size, r.bandLabel(""), anchorStart, false, w)
		return y + rh + size
	}
	for i, row := range h.Rows {
		if maxRows > 0 && i >= maxRows {
			s.text(x+2, y+size*1.3, size, fmt.Sprintf(wd.more, len(h.Rows)-i), anchorStart, false, w)
			y += rh
			break
		}
		s.box(x, y, nameW, rh, colWhite)
		s.text(x+3, y+rh/2+size*0.35, size, row.Org.Name+" ("+row.Org.ID+", "+r.roleLabel(row.Org.Role)+")", anchorStart, false, nameW-6)
		s.box(x+nameW, y, tierW, rh, colWhite)
		s.cellLines(x+nameW, y, tierW, rh, size, r.tierLabel(row.Tier))
		s.box(x+nameW+tierW, y, supW, rh, colWhite)
		s.cellLines(x+nameW+tierW, y, supW, rh, size, fmt.Sprint(row.AssetsSupplied))
		for j, c := range row.Cells {
			cx := x + nameW + tierW + supW + float64(j)*cw
			b := coverageBand(c.Coverage)
			s.box(cx, y, cw, rh, bandColour(b), attr("data-map", "supply"), attr("data-org", row.Org.ID), attr("data-function", c.Function),
				attr("data-coverage", fmt.Sprintf("%.3f", c.Coverage)), attr("data-band", b))
			s.cellLines(cx, y, cw, rh, size, fmt.Sprintf("%.0f%% (%.1f/%d)", c.Coverage*100, c.Covered, c.Requirements))
		}
		y += rh
	}
	return y + size
}

// legend draws the colour key; it returns the next y.
func (s *scene) legend(r *Report, x, y, w, size float64, withCoverage bool) float64 {
	wd := r.words()
	s.text(x, y+size, size, wd.legend, anchorStart, true, 0)
	cx := x + s.measure(wd.legend, size) + size
	items := []struct {
		c rgb
		t string
	}{{colHigh, wd.bandHigh}, {colMedium, wd.bandMedium}, {colLow, wd.bandLow}, {colNone, wd.bandNone}}
	if withCoverage {
		items = append(items, struct {
			c rgb
			t string
		}{colHigh, wd.covLow}, struct {
			c rgb
			t string
		}{colMedium, wd.covMid}, struct {
			c rgb
			t string
		}{colLow, wd.covGood})
	}
	for _, it := range items {
		tw := s.measure(it.t, size)
		if cx+size*1.6+tw > x+w {
			cx = x
			y += size * 1.6
		}
		s.box(cx, y, size*1.2, size*1.2, it.c, attr("data-legend", it.t))
		s.text(cx+size*1.5, y+size, size, it.t, anchorStart, false, 0)
		cx += size*2.5 + tw
	}
	return y + size*2
}

// footer draws catalog completeness, sources and the font; it returns the
// next y.
func (s *scene) footer(r *Report, x, y, w, size float64) float64 {
	wd := r.words()
	s.text(x, y+size, size, r.completenessLine(), anchorStart, false, w)
	y += size * 1.5
	var off, ours int
	for _, src := range r.Sources {
		if src.Official {
			off += src.Items
		} else {
			ours += src.Items
		}
	}
	line := fmt.Sprintf("%s: %s %d, %s %d", wd.sources, wd.official, off, wd.ours, ours)
	if s.font != nil {
		name := s.font.Name
		if s.font.Licence != "" {
			name += " (" + s.font.Licence + ")"
		}
		line += "    " + fmt.Sprintf(wd.fontNote, name)
	}
	s.text(x, y+size, size, line, anchorStart, false, w)
	return y + size*1.6
}

// heatmapScene lays out the heat-maps of r's kind for SVG and PNG.
func heatmapScene(r *Report, f *Font) *scene {
	const W, pad, fs = 1000.0, 24.0, 13.0
	s := &scene{w: W, font: f, title: r.words().title}
	w := W - 2*pad
	y := s.header(r, pad, pad, w, fs)
	if r.IPA != nil {
		y = s.ipa(r, pad, y, w*0.7, fs)
	}
	if r.CPSF != nil {
		y = s.cpsf(r, pad, y, w, fs)
	}
	if r.Supply != nil {
		y = s.supply(r, pad, y, w, fs, 200)
	}
	y = s.legend(r, pad, y, w, fs, r.Supply != nil)
	y = s.footer(r, pad, y, w, fs*0.85)
	s.h = y + pad
	return s
}

// onePagerScene lays out the executive one-pager: A4 landscape in points.
func onePagerScene(r *Report, f *Font) *scene {
	const W, H, pad = 842.0, 595.0, 22.0
	s := &scene{w: W, h: H, font: f, title: r.words().title}
	wd := r.words()
	w := W - 2*pad
	y := s.header(r, pad, pad, w, 8)
	top := y
	leftW := w*0.5 - 6
	rx := pad + leftW + 12
	rw := w - leftW - 12
	ly := top
	if r.IPA != nil {
		ly = s.ipa(r, pad, ly, leftW*0.9, 9)
	}
	if r.CPSF != nil {
		ly = s.cpsf(r, pad, ly+4, leftW, 7.5)
	}
	ry := top
	if r.Supply != nil {
		ry = s.supply(r, rx, ry, rw, 6.5, 10)
	}
	// top 10 risks
	s.text(rx, ry+9, 9, wd.topRisks, anchorStart, true, rw)
	ry += 14
	if len(r.Pairs) == 0 {
		s.text(rx, ry+7, 6.5, wd.empty, anchorStart, false, rw)
		ry += 9
	}
	for i, p := range r.Pairs {
		if i == 10 {
			break
		}
		s.box(rx, ry, 7.5, 7.5, bandColour(p.Score.Band), attr("data-top-risk", i+1))
		line := fmt.Sprintf("%d (%s) %s: %s %s", p.Score.Risk, r.bandLabel(p.Score.Band), p.ThreatName, pathString(p.Path), p.AssetName)
		s.text(rx+10, ry+6.5, 7, line, anchorStart, false, rw-10)
		ry += 10.5
	}
	ry += 6
	s.text(rx, ry+9, 9, wd.topGaps, anchorStart, true, rw)
	ry += 14
	if len(r.TopGaps) == 0 {
		s.text(rx, ry+7, 6.5, "-", anchorStart, false, rw)
		ry += 9
	}
	for i, g := range r.TopGaps {
		line := fmt.Sprintf("%d. −%d (→ %d)  %s @ %s: %s", i+1, g.Reduction, g.RiskAfter, g.Control, g.SubjectName, r.controlTitle(g.Control))
		s.text(rx, ry+6.5, 7, line, anchorStart, false, rw)
		ry += 10.5
	}
	for _, l := range s.wrap(wd.greedyNote+" "+fmt.Sprintf(pick(r.Lang, "Total risk now %d.", "現在の総リスク値 %d。"), r.TotalRisk), 6, rw, 3) {
		s.text(rx, ry+6.5, 6, l, anchorStart, false, rw)
		ry += 8
	}
	y = max(ly, ry) + 4
	y = s.legend(r, pad, y, w, 6.5, r.Supply != nil)
	s.footer(r, pad, max(y, H-pad-20), w, 6)
	return s
}

// labelsText returns every label, for tests and debugging.
func (s *scene) labelsText() string {
	var b strings.Builder
	for _, l := range s.labels {
		b.WriteString(l.s)
		b.WriteByte('\n')
	}
	return b.String()
}
