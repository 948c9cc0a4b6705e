package export

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/bench"
	"cpsfgraph/bench/synth"
	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/internal/demo"
)

var testDate = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func demoStore(t testing.TB) *memstore.Store {
	t.Helper()
	st := memstore.New()
	if _, err := demo.Load(context.Background(), st); err != nil {
		t.Fatalf("demo.Load: %v", err)
	}
	return st
}

func demoReport(t testing.TB, lang Lang, kind Kind) *Report {
	t.Helper()
	r, err := Build(context.Background(), graph.NewAnalyzer(demoStore(t)), demo.WorkspaceID, Options{Lang: lang, Kind: kind, Date: testDate})
	if err != nil {
		t.Fatalf("Build(demo, %s, %s): %v", lang, kind, err)
	}
	return r
}

func testFont(t testing.TB) *Font {
	t.Helper()
	f, err := FindFont(os.Getenv(FontEnv), FontPaths)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the export tests need a Japanese font (.ci/run installs %s): %v", FontPackage, err)
		}
		t.Skipf("no Japanese font here (install %s): %v", FontPackage, err)
	}
	return f
}

func render(t testing.TB, r *Report, f Format, font *Font) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, r, f, font); err != nil {
		t.Fatalf("Render %s: %v", f, err)
	}
	return b.Bytes()
}

// ---- the report matches the analysis ----

func TestBuildMatchesAnalysis(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	an := graph.NewAnalyzer(st)
	r, err := Build(ctx, an, demo.WorkspaceID, Options{Date: testDate})
	if err != nil {
		t.Fatal(err)
	}
	want, err := an.HeatmapIPA(ctx, demo.WorkspaceID, -1)
	if err != nil {
		t.Fatal(err)
	}
	if r.IPA.Pairs != want.Pairs || len(r.Pairs) != want.Pairs || want.Pairs == 0 {
		t.Fatalf("pairs: report %d/%d, analysis %d", r.IPA.Pairs, len(r.Pairs), want.Pairs)
	}
	for i := range want.Cells {
		g, w := r.IPA.Cells[i], want.Cells[i]
		if g.Count != w.Count || g.Risk != w.Risk || g.Band != w.Band || !slices.Equal(g.Pairs, w.Pairs) {
			t.Errorf("IPA cell (%d,%d): got count %d risk %d band %s, want %d %d %s", w.Importance, w.Damage, g.Count, g.Risk, g.Band, w.Count, w.Risk, w.Band)
		}
	}
	wantC, err := an.HeatmapCPSF(ctx, demo.WorkspaceID, -1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range wantC.Cells {
		if g, w := r.CPSF.Cells[i], wantC.Cells[i]; g.Pairs != w.Pairs || g.MaxRisk != w.MaxRisk || g.Coverage != w.Coverage {
			t.Errorf("CPSF cell %s/%s differs: %+v vs %+v", w.Layer, w.Component, g, w)
		}
	}
	total := 0
	for i, p := range r.Pairs {
		total += p.Score.Risk
		if i > 0 && comparePairs(r.Pairs[i-1], p) > 0 {
			t.Errorf("pairs not sorted at %d: %+v before %+v", i, r.Pairs[i-1], p)
		}
		if len(p.Path) != p.Hops+1 || p.Path[len(p.Path)-1] != p.Asset {
			t.Errorf("pair %s/%s: path %v does not end at the asset in %d hops", p.Threat, p.Asset, p.Path, p.Hops)
		}
		if p.EntryStatus == "" || p.EntryStatus == graph.NotApplicable {
			t.Errorf("pair %s/%s: entry %s has status %q", p.Threat, p.Asset, p.Path0(), p.EntryStatus)
		}
		if p.Score.Exploitability != p.EntryStatus.Exploitability() {
			t.Errorf("pair %s/%s: v %d but entry %s is %s", p.Threat, p.Asset, p.Score.Exploitability, p.Path0(), p.EntryStatus)
		}
		if (p.EntryStatus == graph.Covered) != (len(p.Gaps) == 0) {
			t.Errorf("pair %s/%s: entry %s is %s with %d gaps", p.Threat, p.Asset, p.Path0(), p.EntryStatus, len(p.Gaps))
		}
	}
	if total != r.TotalRisk {
		t.Errorf("TotalRisk %d, sum of pairs %d", r.TotalRisk, total)
	}
	if r.Completeness.Requirements == 0 || r.Completeness.RequirementsTotal != catalog.CPSFRequirementsTotal {
		t.Errorf("completeness %+v", r.Completeness)
	}
	var off, ours bool
	for _, s := range r.Sources {
		if s.Name == graph.SourceCpsfgraph {
			ours = !s.Official
		} else if s.Official {
			off = true
		}
	}
	if !off || !ours {
		t.Errorf("sources do not tell official (%v) from cpsfgraph's own (%v): %+v", off, ours, r.Sources)
	}
}

// ---- top gaps ----

func smallSynth(t testing.TB, assets int) (*memstore.Store, string) {
	t.Helper()
	st := memstore.New()
	cat := catalog.Default()
	res := synth.GenerateResult(synth.Config{Assets: assets, Suppliers: 8, Catalog: cat, Seed: 7})
	if _, err := bench.Load(context.Background(), st, cat, res.Workspace, &res.Batch, 0); err != nil {
		t.Fatal(err)
	}
	return st, res.Workspace.ID
}

// TestTopGapsAgainstStore implements each chosen control in the store for
// real and recomputes the analysis: the total must fall to RiskAfter.
func TestTopGapsAgainstStore(t *testing.T) {
	ss, sws := smallSynth(t, 1500)
	for _, tc := range []struct {
		name string
		st   *memstore.Store
		ws   string
	}{{"demo", demoStore(t), demo.WorkspaceID}, {"synthetic 1500", ss, sws}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st, ws := tc.st, tc.ws
			an := graph.NewAnalyzer(st)
			res, err := TopGaps(ctx, an, ws, 4, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Choices) == 0 {
				t.Fatal("no top gap in a workspace with gaps")
			}
			total := func() int {
				h, err := an.HeatmapIPA(ctx, ws, -1)
				if err != nil {
					t.Fatal(err)
				}
				s := 0
				for _, c := range h.Cells {
					s += c.Risk * c.Count
				}
				return s
			}
			if got := total(); got != res.TotalRisk {
				t.Fatalf("TopGaps starts from total risk %d, the analysis gives %d", res.TotalRisk, got)
			}
			prev := res.TotalRisk
			for i, c := range res.Choices {
				if c.Reduction <= 0 || c.RiskAfter != prev-c.Reduction || c.Pairs == 0 || len(c.RiskSources) == 0 {
					t.Errorf("step %d: %+v (previous total %d)", i+1, c, prev)
				}
				_, err := st.Write(ctx, graph.WriteSpec{Workspace: ws, Source: "test", Run: "step" + strconv.Itoa(i)}, func(put func(graph.Batch) error) error {
					return put(graph.Batch{Statuses: []graph.ControlStatus{{Subject: c.Subject, Control: c.Control, Status: graph.StatusImplemented}}})
				})
				if err != nil {
					t.Fatalf("step %d: implement %s at %s: %v", i+1, c.Control, c.Subject, err)
				}
				if got := total(); got != c.RiskAfter {
					t.Errorf("step %d: %s at %s: analysis total %d, TopGaps says %d", i+1, c.Control, c.Subject, got, c.RiskAfter)
				}
				prev = c.RiskAfter
			}
		})
	}
}

// TestTopGapsGreedyIsExact checks the pruning: every candidate's bound is
// at least its exact reduction, and each step takes a largest reduction.
func TestTopGapsGreedyIsExact(t *testing.T) {
	ss, sws := smallSynth(t, 1500)
	for _, tc := range []struct {
		name string
		st   *memstore.Store
		ws   string
	}{{"demo", demoStore(t), demo.WorkspaceID}, {"synthetic 1500", ss, sws}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			an := graph.NewAnalyzer(tc.st)
			e, err := newGapEngine(ctx, an, tc.ws, graph.DefaultMaxHops)
			if err != nil {
				t.Fatal(err)
			}
			res, err := TopGaps(ctx, an, tc.ws, 3, 0)
			if err != nil {
				t.Fatal(err)
			}
			chosen := map[action]bool{}
			for step, c := range res.Choices {
				cands := e.candidates(chosen)
				best := 0
				for _, k := range cands {
					g := e.evaluate(k.action).gain
					if g > k.bound {
						t.Errorf("step %d: %v gains %d above its bound %d", step+1, k.action, g, k.bound)
					}
					best = max(best, g)
				}
				if c.Reduction != best {
					t.Errorf("step %d: chose %s@%s lowering %d, the best of %d candidates lowers %d", step+1, c.Control, c.Subject, c.Reduction, len(cands), best)
				}
				a := action{c.Control, c.Subject}
				chosen[a] = true
				e.apply(e.evaluate(a))
			}
			t.Logf("%d steps, %d candidates, %d exact evaluations", len(res.Choices), res.Candidates, res.Evaluated)
		})
	}
}

// ---- XLSX ----

func cellFill(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Fill.Color) == 0 {
		return ""
	}
	return strings.ToUpper(strings.TrimPrefix(s.Fill.Color[0], "#"))
}

func openXLSX(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestXLSXDemo(t *testing.T) {
	for _, lang := range []Lang{JA, EN} {
		t.Run(string(lang), func(t *testing.T) {
			r := demoReport(t, lang, KindAll)
			f := openXLSX(t, render(t, r, XLSX, nil))
			sheets := f.GetSheetList()
			if len(sheets) != 6 {
				t.Fatalf("sheets %v, want 3 heat-maps, pairs, top gaps, about", sheets)
			}
			for _, s := range sheets {
				if n := len([]rune(s)); n > 31 {
					t.Errorf("sheet name %q has %d characters", s, n)
				}
			}
			ipa := sheets[0]
			if v, _ := f.GetCellValue(ipa, "B2"); !strings.Contains(v, r.Workspace.Name) {
				t.Errorf("IPA sheet B2 = %q, want the workspace name", v)
			}
			if v, _ := f.GetCellValue(ipa, "B3"); v != "2026-11-29" {
				t.Errorf("IPA sheet date %q", v)
			}
			// matrix rows 6..8 = importance 3..1, columns B..D = damage 1..3
			for i, imp := range []int{3, 2, 1} {
				for d := 1; d <= 3; d++ {
					cell, _ := excelize.CoordinatesToCellName(1+d, 6+i)
					c := r.IPA.Cell(imp, d)
					v, _ := f.GetCellValue(ipa, cell)
					if !strings.Contains(v, countLabel(r, c.Count)) || !strings.Contains(v, strconv.Itoa(c.Risk)) || !strings.Contains(v, r.bandLabel(c.Band)) {
						t.Errorf("IPA %s (importance %d, damage %d) = %q, want risk %d %s and %d pairs", cell, imp, d, v, c.Risk, c.Band, c.Count)
					}
					if got, want := cellFill(t, f, ipa, cell), bandColour(c.Band).hex()[1:]; got != want {
						t.Errorf("IPA %s fill %s, want %s for band %s", cell, got, want, c.Band)
					}
				}
			}
			if p, err := f.GetPanes(ipa); err != nil || !p.Freeze || p.YSplit != 5 {
				t.Errorf("IPA panes %+v %v: want frozen header rows", p, err)
			}
			// pairs sheet: every pair, highest risk first
			pairs := sheets[3]
			rows, err := f.GetRows(pairs)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(r.Pairs)+1 {
				t.Fatalf("pairs sheet has %d rows, want %d pairs + header", len(rows), len(r.Pairs))
			}
			for i, p := range r.Pairs {
				row := rows[i+1]
				if row[0] != strconv.Itoa(p.Score.Risk) || row[6] != p.Threat || row[8] != p.Asset || row[13] != pathString(p.Path) {
					t.Fatalf("pairs row %d = %q, want %s %s risk %d path %v", i+2, row, p.Threat, p.Asset, p.Score.Risk, p.Path)
				}
			}
			cell := "B2"
			if got, want := cellFill(t, f, pairs, cell), bandColour(r.Pairs[0].Score.Band).hex()[1:]; got != want {
				t.Errorf("pairs %s fill %s, want %s", cell, got, want)
			}
			if tables, err := f.GetTables(pairs); err != nil || len(tables) != 1 {
				t.Errorf("pairs sheet tables %v %v: want one table (autofilter)", tables, err)
			}
			if p, err := f.GetPanes(pairs); err != nil || !p.Freeze || p.YSplit != 1 {
				t.Errorf("pairs panes %+v %v", p, err)
			}
			if w, err := f.GetColWidth(pairs, "J"); err != nil || w < 20 {
				t.Errorf("asset-name column width %v %v: too narrow for Japanese names", w, err)
			}
			// supply sheet: coverage cells coloured by coverage band
			sup := sheets[2]
			for i, row := range r.Supply.Rows {
				for j, c := range row.Cells {
					cell, _ := excelize.CoordinatesToCellName(6+j, 6+i)
					if got, want := cellFill(t, f, sup, cell), bandColour(coverageBand(c.Coverage)).hex()[1:]; got != want {
						t.Errorf("supply %s fill %s, want %s (coverage %v)", cell, got, want, c.Coverage)
					}
				}
			}
			// top gaps and about
			gaps, _ := f.GetRows(sheets[4])
			if len(gaps) < len(r.TopGaps)+1 || gaps[1][1] != r.TopGaps[0].Control.String() {
				t.Errorf("top gaps sheet %q, want %v", gaps, r.TopGaps)
			}
			about, _ := f.GetRows(sheets[5])
			var text strings.Builder
			for _, row := range about {
				text.WriteString(strings.Join(row, "|") + "\n")
			}
			for _, want := range []string{r.completenessLine(), graph.SourceCpsfgraph, r.words().official} {
				if !strings.Contains(text.String(), want) {
					t.Errorf("about sheet lacks %q", want)
				}
			}
		})
	}
}

func TestXLSXKindAndTruncation(t *testing.T) {
	r := demoReport(t, EN, KindSupply)
	var b bytes.Buffer
	if err := WriteXLSX(&b, r, 10); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, b.Bytes())
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Supply chain", "Pairs", "Top gaps", "About"}) {
		t.Errorf("sheets %v", got)
	}
	rows, _ := f.GetRows("Pairs")
	if len(rows) != 11 {
		t.Errorf("pairs rows %d, want 10 + header", len(rows))
	}
	about, _ := f.GetRows("About")
	found := false
	for _, row := range about {
		found = found || slices.ContainsFunc(row, func(s string) bool {
			return strings.Contains(s, "lists the 10 highest-risk pairs of "+strconv.Itoa(len(r.Pairs)))
		})
	}
	if !found {
		t.Errorf("about sheet does not say the pairs were cut: %q", about)
	}
	// the report's bound applies when the call gives none
	r.MaxPairRows = 5
	b.Reset()
	if err := WriteXLSX(&b, r, 0); err != nil {
		t.Fatal(err)
	}
	if rows, _ := openXLSX(t, b.Bytes()).GetRows("Pairs"); len(rows) != 6 {
		t.Errorf("pairs rows %d with MaxPairRows 5", len(rows))
	}
}

// ---- hostile names ----

var hostile = []string{
	`=HYPERLINK("http://example.invalid","x")`,
	"+SUM(A1:A9)",
	"-2+3",
	"@cmd",
	"\tTAB",
	"\rCR",
	"\nLF",
	"＝全角イコール",
}

func hostileStore(t *testing.T) (*memstore.Store, string, string) {
	t.Helper()
	ctx := context.Background()
	st := memstore.New()
	if err := st.PutCatalog(ctx, catalog.Default()); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("長い日本語の資産名称", 30) // 300 characters
	ws := graph.Workspace{ID: "evil", Name: `=cmd|' /C calc'!A0 <script>&"'`, FormulaVariant: graph.FormulaIPA}
	if err := st.PutWorkspace(ctx, ws); err != nil {
		t.Fatal(err)
	}
	b := graph.Batch{Orgs: []graph.Org{{ID: "SELF", Name: "-自社", Role: graph.RoleSelf}, {ID: "SUP", Name: "@供給者" + long, Role: graph.RoleSupplier}}}
	for i, n := range hostile {
		b.Assets = append(b.Assets, graph.Asset{ID: "A" + strconv.Itoa(i), Name: n, Component: graph.Systems, Layers: []graph.LayerID{graph.L3}, C: 3, I: 3, A: 3, Owner: "SELF"})
	}
	b.Assets = append(b.Assets, graph.Asset{ID: "LONG", Name: long, Component: graph.Data, Layers: []graph.LayerID{graph.L3}, C: 3, Owner: "SELF"})
	for i := range hostile {
		b.Edges = append(b.Edges, graph.Edge{Type: graph.RelStoredOn, From: "LONG", To: "A" + strconv.Itoa(i)})
	}
	b.Edges = append(b.Edges, graph.Edge{Type: graph.RelSupplies, From: "SUP", To: "SELF"})
	if _, err := st.Write(ctx, graph.WriteSpec{Workspace: "evil", Source: "test", Run: "1"}, func(put func(graph.Batch) error) error { return put(b) }); err != nil {
		t.Fatal(err)
	}
	return st, "evil", long
}

func TestHostileNames(t *testing.T) {
	st, ws, long := hostileStore(t)
	r, err := Build(context.Background(), graph.NewAnalyzer(st), ws, Options{Date: testDate})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pairs) == 0 {
		t.Fatal("no pair: the hostile workspace should be reached by threats")
	}
	font := testFont(t)
	f := openXLSX(t, render(t, r, XLSX, font))
	sheets := f.GetSheetList()
	checkEscaped := func(sheet, cell, want string) {
		t.Helper()
		v, err := f.GetCellValue(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		if v != "'"+clean(want) {
			t.Errorf("%s!%s = %q, want %q escaped with a quote", sheet, cell, v, want)
		}
		if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
			t.Errorf("%s!%s has formula %q", sheet, cell, formula)
		}
		typ, err := f.GetCellType(sheet, cell)
		if err != nil || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
			t.Errorf("%s!%s has type %v (%v), want a string cell", sheet, cell, typ, err)
		}
	}
	checkEscaped(sheets[0], "B2", r.workspaceLabel())
	// every hostile asset name in the pairs sheet (column J) is escaped
	rows, _ := f.GetRows(sheets[3])
	seen := map[string]bool{}
	for i, row := range rows[1:] {
		name := r.Pairs[i].AssetName
		if needsEscape(name) {
			cell, _ := excelize.CoordinatesToCellName(10, i+2)
			checkEscaped(sheets[3], cell, name)
			seen[name] = true
		} else if row[9] != name {
			t.Errorf("pairs row %d asset name %q, want %q", i+2, row[9], name)
		}
	}
	for _, n := range hostile {
		if !seen[n] {
			t.Errorf("hostile asset name %q not found escaped in the pairs sheet", n)
		}
	}
	sup := sheets[2]
	checkEscaped(sup, "B6", "-自社")
	if v, _ := f.GetCellValue(sup, "B7"); !strings.HasPrefix(v, "'@供給者") || !strings.HasSuffix(v, long) {
		t.Errorf("supplier name %q", v)
	}
	// SVG stays well-formed XML with the hostile text in it
	svg := render(t, r, SVG, font)
	texts := parseSVG(t, svg)
	if !slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, "<script>&") }) {
		t.Errorf("the workspace name is not in the SVG text")
	}
	// PNG and PDF render
	if _, err := png.Decode(bytes.NewReader(render(t, r, PNG, font))); err != nil {
		t.Errorf("PNG: %v", err)
	}
	checkPDF(t, render(t, r, PDF, font))
}

// ---- SVG ----

type svgRect struct {
	attrs map[string]string
}

// parseSVG decodes the whole document as XML and returns its texts.
func parseSVG(t *testing.T, data []byte) []string {
	texts, _ := parseSVGRects(t, data)
	return texts
}

func parseSVGRects(t *testing.T, data []byte) ([]string, []svgRect) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	var texts []string
	var rects []svgRect
	inText := false
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = x.Name.Local
			}
			switch x.Name.Local {
			case "text":
				inText = true
				texts = append(texts, "")
			case "rect":
				r := svgRect{attrs: map[string]string{}}
				for _, a := range x.Attr {
					r.attrs[a.Name.Local] = a.Value
				}
				rects = append(rects, r)
			}
		case xml.EndElement:
			inText = false
		case xml.CharData:
			if inText {
				texts[len(texts)-1] += string(x)
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	return texts, rects
}

func TestSVGDemo(t *testing.T) {
	for _, lang := range []Lang{JA, EN} {
		t.Run(string(lang), func(t *testing.T) {
			r := demoReport(t, lang, KindAll)
			texts, rects := parseSVGRects(t, render(t, r, SVG, testFont(t)))
			byMap := map[string][]svgRect{}
			for _, x := range rects {
				if m := x.attrs["data-map"]; m != "" {
					byMap[m] = append(byMap[m], x)
				}
			}
			if len(byMap["ipa"]) != 9 || len(byMap["cpsf"]) != 18 || len(byMap["supply"]) != 4*len(r.Supply.Rows) {
				t.Fatalf("cells: ipa %d, cpsf %d, supply %d", len(byMap["ipa"]), len(byMap["cpsf"]), len(byMap["supply"]))
			}
			for _, x := range byMap["ipa"] {
				imp, _ := strconv.Atoi(x.attrs["data-importance"])
				d, _ := strconv.Atoi(x.attrs["data-damage"])
				c := r.IPA.Cell(imp, d)
				if x.attrs["data-count"] != strconv.Itoa(c.Count) || x.attrs["fill"] != bandColour(c.Band).hex() {
					t.Errorf("IPA cell (%d,%d): %v, want count %d fill %s", imp, d, x.attrs, c.Count, bandColour(c.Band).hex())
				}
			}
			for _, x := range byMap["cpsf"] {
				c := r.CPSF.Cell(graph.LayerID(x.attrs["data-layer"]), graph.Component(x.attrs["data-component"]))
				if x.attrs["data-assets"] != strconv.Itoa(c.Assets) || x.attrs["fill"] != bandColour(c.Band).hex() {
					t.Errorf("CPSF cell %v, want assets %d band %s", x.attrs, c.Assets, c.Band)
				}
			}
			all := strings.Join(texts, "\n")
			wantLabels := map[Lang][]string{
				JA: {"IPA リスクマトリクス", "重要度 3", "被害発生可能性 1", "リスク値 9 (大)", "ソシキ", "サプライチェーン", "凡例", "株式会社港精機"},
				EN: {"IPA risk matrix", "Importance 3", "Damage likelihood 1", "Risk 9 (high)", "Organization", "Supply chain", "Legend"},
			}
			for _, w := range wantLabels[lang] {
				if !strings.Contains(all, w) {
					t.Errorf("SVG lacks label %q", w)
				}
			}
			for _, c := range r.IPA.Cells {
				if !strings.Contains(all, countLabel(r, c.Count)) {
					t.Errorf("SVG lacks the count %q", countLabel(r, c.Count))
				}
			}
		})
	}
}

func TestSVGWithoutFont(t *testing.T) {
	r := demoReport(t, JA, KindIPA)
	texts, rects := parseSVGRects(t, render(t, r, SVG, nil))
	if len(texts) == 0 || len(rects) < 9 {
		t.Errorf("SVG without a font: %d texts, %d rects", len(texts), len(rects))
	}
}

// ---- PNG ----

func TestPNGDemo(t *testing.T) {
	font := testFont(t)
	r := demoReport(t, JA, KindAll)
	data := render(t, r, PNG, font)
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	sc := heatmapScene(r, font)
	b := img.Bounds()
	if b.Dx() != int(sc.w*pngScale+0.999) || b.Dy() < 600 {
		t.Fatalf("PNG size %v, scene %vx%v", b, sc.w, sc.h)
	}
	// many pixels that are not background
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			if r, g, bl, _ := img.At(x, y).RGBA(); r>>8 < 200 || g>>8 < 200 || bl>>8 < 200 {
				ink++
			}
		}
	}
	if ink < b.Dx()*b.Dy()/4/20 {
		t.Errorf("PNG has %d ink samples of %d: looks blank", ink, b.Dx()*b.Dy()/4)
	}
	// each IPA cell has its band's colour near its top-left corner
	for _, x := range sc.rects {
		if len(x.attrs) == 0 || x.attrs[0][1] != "ipa" {
			continue
		}
		px := img.At(int((x.x+3)*pngScale), int((x.y+3)*pngScale))
		r8, g8, b8, _ := px.RGBA()
		if uint8(r8>>8) != x.fill.r || uint8(g8>>8) != x.fill.g || uint8(b8>>8) != x.fill.b {
			t.Errorf("IPA cell %v: pixel %v, want %s", x.attrs, px, x.fill.hex())
		}
	}
	// Japanese glyphs were drawn: a label area is not empty
	if !strings.Contains(sc.labelsText(), "重要度") {
		t.Error("the scene has no Japanese label")
	}
}

// ---- PDF ----

var pageRe = regexp.MustCompile(`/Type\s*/Page[^s]`)

func checkPDF(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-1.")) {
		t.Fatalf("PDF header %q", data[:min(8, len(data))])
	}
	if !bytes.Contains(data[max(0, len(data)-64):], []byte("%%EOF")) {
		t.Fatal("PDF has no EOF trailer")
	}
	if n := len(pageRe.FindAll(data, -1)); n != 1 {
		t.Errorf("PDF has %d pages, want 1", n)
	}
	if !bytes.Contains(data, []byte("/FontFile2")) {
		t.Error("PDF embeds no TrueType font")
	}
	// the page content stream draws rectangles and text
	found := false
	for rest := data; ; {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			break
		}
		rest = rest[i+7:]
		j := bytes.Index(rest, []byte("endstream"))
		if j < 0 {
			break
		}
		zr, err := zlib.NewReader(bytes.NewReader(rest[:j]))
		if err != nil {
			continue
		}
		content, _ := io.ReadAll(zr)
		if bytes.Contains(content, []byte(" re ")) && bytes.Contains(content, []byte(" TJ")) && len(content) > 2000 {
			found = true
		}
		rest = rest[j:]
	}
	if !found {
		t.Error("PDF has no content stream with rectangles and text")
	}
}

func TestPDFDemo(t *testing.T) {
	font := testFont(t)
	for _, lang := range []Lang{JA, EN} {
		r := demoReport(t, lang, KindAll)
		data := render(t, r, PDF, font)
		checkPDF(t, data)
		if len(data) < 10_000 || len(data) > 2_000_000 {
			t.Errorf("%s PDF size %d bytes", lang, len(data))
		}
		sc := onePagerScene(r, font)
		text := sc.labelsText()
		for _, w := range []string{r.words().topRisks, r.words().topGaps, r.TopGaps[0].Control.String(), r.Pairs[0].ThreatName} {
			if !strings.Contains(text, w) {
				t.Errorf("%s one-pager lacks %q", lang, w)
			}
		}
		for _, l := range sc.labels {
			if l.y > sc.h || l.x < 0 || l.x > sc.w {
				t.Errorf("label %q at (%v,%v) is off the page", l.s, l.x, l.y)
			}
		}
	}
}

// ---- bad input ----

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	an := graph.NewAnalyzer(st)
	if _, err := Build(ctx, an, "nope", Options{}); !errors.Is(err, graph.ErrNotFound) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown workspace: %v", err)
	}
	if _, err := Build(ctx, an, demo.WorkspaceID, Options{Kind: "heat"}); err == nil || !strings.Contains(err.Error(), `"heat"`) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := Build(ctx, an, demo.WorkspaceID, Options{Lang: "fr"}); err == nil {
		t.Error("unknown language accepted")
	}
	for _, s := range []string{"", "XLSX", "docx"} {
		if _, err := ParseFormat(s); err == nil {
			t.Errorf("format %q accepted", s)
		}
	}
	if err := Render(io.Discard, demoReport(t, JA, KindIPA), PNG, nil); !errors.Is(err, ErrNoFont) {
		t.Errorf("PNG without a font: %v", err)
	}
}

func TestEmptyWorkspace(t *testing.T) {
	ctx := context.Background()
	st := demoStore(t)
	if err := st.PutWorkspace(ctx, graph.Workspace{ID: "empty", Name: "空"}); err != nil {
		t.Fatal(err)
	}
	r, err := Build(ctx, graph.NewAnalyzer(st), "empty", Options{Date: testDate})
	if err != nil {
		t.Fatalf("empty workspace: %v", err)
	}
	if len(r.Pairs) != 0 || r.IPA.Pairs != 0 || len(r.TopGaps) != 0 || len(r.Supply.Rows) != 0 {
		t.Fatalf("empty workspace has content: %d pairs, %d gaps", len(r.Pairs), len(r.TopGaps))
	}
	font := testFont(t)
	f := openXLSX(t, render(t, r, XLSX, font))
	rows, _ := f.GetRows(f.GetSheetList()[3])
	if len(rows) != 2 || rows[1][0] != r.words().empty {
		t.Errorf("empty pairs sheet %q", rows)
	}
	_, rects := parseSVGRects(t, render(t, r, SVG, font))
	n := 0
	for _, x := range rects {
		if x.attrs["data-map"] == "ipa" && x.attrs["data-count"] == "0" {
			n++
		}
	}
	if n != 9 {
		t.Errorf("empty IPA matrix: %d cells with count 0, want 9", n)
	}
	if _, err := png.Decode(bytes.NewReader(render(t, r, PNG, font))); err != nil {
		t.Error(err)
	}
	checkPDF(t, render(t, r, PDF, font))
}

func TestFindFont(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "none.ttf")
	_, err := FindFont("", []string{missing})
	if !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), FontPackage) || !strings.Contains(err.Error(), FontEnv) {
		t.Errorf("no font: %v", err)
	}
	if _, err := FindFont(missing, FontPaths); !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), FontEnv+"="+missing) {
		t.Errorf("missing override: %v", err)
	}
	junk := filepath.Join(dir, "junk.ttf")
	os.WriteFile(junk, []byte("not a font"), 0o644)
	if _, err := FindFont(junk, nil); err == nil {
		t.Error("junk font accepted")
	}
	latin := "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	if _, err := os.Stat(latin); err == nil {
		if _, err := FindFont(latin, nil); err == nil || !strings.Contains(err.Error(), "no glyph") {
			t.Errorf("Latin-only font: %v", err)
		}
	}
	f := testFont(t)
	if f.Name == "" || len(f.Data) == 0 {
		t.Errorf("font %+v", f.Path)
	}
	if strings.Contains(f.Path, "ipa") && f.Licence == "" {
		t.Errorf("IPA font %s without its licence", f.Path)
	}
}

func TestWriteFileLeavesNoPartialFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.pdf")
	os.WriteFile(path, []byte("old"), 0o644)
	err := WriteFile(path, func(w io.Writer) error {
		w.Write([]byte("half a file"))
		return errors.New("boom")
	})
	if err == nil {
		t.Fatal("error lost")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("file changed to %q", b)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("temporary files left: %v", es)
	}
	if err := WriteFile(path, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("file %q", b)
	}
	// a render failure (no font) leaves no file
	bad := filepath.Join(dir, "bad.png")
	r := demoReport(t, JA, KindIPA)
	if err := WriteFile(bad, func(w io.Writer) error { return Render(w, r, PNG, nil) }); err == nil {
		t.Error("PNG without font written")
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("bad.png exists: %v", err)
	}
}

func TestTextHelpers(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@x", "'@x"}, {"\tx", "'\tx"}, {"\rx", "'\rx"}, {"\nx", "'\nx"},
		{"a=1", "a=1"}, {"資産", "資産"}, {"", ""}, {"x\x01y", "x\uFFFDy"}, {"\x02", "\uFFFD"},
	} {
		if got := cellText(tc.in); got != tc.want {
			t.Errorf("cellText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   string
		want int
	}{{"abc", 3}, {"資産", 4}, {"ＡＢ", 4}, {"ｱｲ", 2}, {"a資", 3}} {
		if got := displayWidth(tc.in); got != tc.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"IPA risk matrix", "IPA risk matrix"},
		{"a:b/c?d*e[f]g\\h", "a_b_c_d_e_f_g_h"},
		{strings.Repeat("長", 40), strings.Repeat("長", 31)},
	} {
		if got := sheetName(tc.in); got != tc.want {
			t.Errorf("sheetName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCPSFMatchesAnalysis checks that the export's CPSF map, computed from
// the pairs it already has, equals graph's HeatmapCPSF field by field.
func TestCPSFMatchesAnalysis(t *testing.T) {
	ctx := context.Background()
	hostile, hws, _ := hostileStore(t)
	small, sws := smallSynth(t, 1500)
	for _, tc := range []struct {
		name string
		st   graph.Store
		ws   string
		hops int
	}{
		{"demo", demoStore(t), demo.WorkspaceID, 5},
		{"demo 2 hops", demoStore(t), demo.WorkspaceID, 2},
		{"hostile", hostile, hws, 5},
		{"synthetic 1500", small, sws, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			an := graph.NewAnalyzer(tc.st)
			r, err := Build(ctx, an, tc.ws, Options{MaxHops: tc.hops, TopGaps: -1, Date: testDate})
			if err != nil {
				t.Fatal(err)
			}
			want, err := an.HeatmapCPSF(ctx, tc.ws, tc.hops)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.CPSF, want) {
				for i := range want.Cells {
					if !reflect.DeepEqual(r.CPSF.Cells[i], want.Cells[i]) {
						t.Errorf("cell %d: export %+v\nanalysis %+v", i, r.CPSF.Cells[i], want.Cells[i])
					}
				}
				t.Fatalf("CPSF maps differ")
			}
			ipa, err := an.HeatmapIPA(ctx, tc.ws, tc.hops)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.IPA, ipa) {
				t.Errorf("IPA maps differ")
			}
			sup, err := an.HeatmapSupply(ctx, tc.ws)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.Supply, sup) {
				t.Errorf("supply maps differ")
			}
		})
	}
}

func TestWrap(t *testing.T) {
	s := &scene{font: testFont(t)}
	text := strings.Repeat("重点対策を選びます。", 12)
	lines := s.wrap(text, 10, 200, 3)
	if len(lines) != 3 {
		t.Fatalf("%d lines: %q", len(lines), lines)
	}
	for _, l := range lines {
		if w := s.measure(l, 10); w > 200 {
			t.Errorf("line %q is %v wide", l, w)
		}
	}
	if !strings.HasSuffix(lines[2], "…") {
		t.Errorf("cut text does not end with …: %q", lines[2])
	}
	if got := s.wrap("short", 10, 200, 3); !slices.Equal(got, []string{"short"}) {
		t.Errorf("short text: %q", got)
	}
	if got := strings.Join(s.wrap(text[:30], 10, 60, 9), ""); got != text[:30] {
		t.Errorf("wrapped text lost characters: %q", got)
	}
}
