// Package export renders a workspace's heat-maps (DESIGN.md section 3: IPA's
// risk matrix, the CPSF layer x component map and the supply-chain map) as
// XLSX, SVG, PNG and PDF for executives. The CLI and the HTTP server share
// it: Build gathers the analysis data once into a Report, and every format
// renders that same Report.
//
// Use (CLI and server alike):
//
//	font, err := export.FindFont(os.Getenv(export.FontEnv), export.FontPaths) // PNG, PDF
//	rep, err := export.Build(ctx, graph.NewAnalyzer(store), ws, export.Options{Kind: export.KindAll, Lang: export.JA})
//	err = export.Render(w, rep, export.PDF, font) // Content-Type: export.PDF.ContentType()
//
// Render into a buffer or a temporary file (WriteFile) before answering, so
// a failure never sends half a file. Ask for no top gaps (Options.TopGaps
// -1) for SVG and PNG, which do not show them.
package export

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"cpsfgraph/catalog"
	"cpsfgraph/graph"
)

// Kind selects the heat-maps to render.
type Kind string

// Heat-map kinds.
const (
	KindIPA    Kind = "ipa"    // IPA risk matrix: importance x damage likelihood
	KindCPSF   Kind = "cpsf"   // CPSF layer x component
	KindSupply Kind = "supply" // organization x CPSF function
	KindAll    Kind = "all"
)

// ParseKind checks a kind name.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case KindIPA, KindCPSF, KindSupply, KindAll:
		return k, nil
	}
	return "", fmt.Errorf("export: unknown heat-map kind %q (want ipa, cpsf, supply or all)", s)
}

// Has reports whether kind k includes heat-map x.
func (k Kind) Has(x Kind) bool { return k == KindAll || k == x }

// Lang is the language of labels: ja or en.
type Lang string

// Languages.
const (
	JA Lang = "ja"
	EN Lang = "en"
)

// ParseLang checks a language name.
func ParseLang(s string) (Lang, error) {
	switch l := Lang(s); l {
	case JA, EN:
		return l, nil
	}
	return "", fmt.Errorf("export: unknown language %q (want ja or en)", s)
}

// Options control Build.
type Options struct {
	Kind    Kind      // heat-maps to compute; "" = all
	Lang    Lang      // "" = ja
	Date    time.Time // date printed on the exports; zero = now
	MaxHops int       // < 0 or 0 = graph.DefaultMaxHops
	// TopGaps is the number of controls TopGaps picks (0 = DefaultTopGaps;
	// negative = none).
	TopGaps int
	// MaxPairRows bounds the XLSX pairs sheet (0 = DefaultMaxPairRows).
	MaxPairRows int
	// Details is how many of the report's pairs, in report order, carry
	// their path, entry and gaps: 0 = all; n = the first n (the rest have
	// threat, asset, hops and score). A format asks only for what it prints
	// (DetailsFor), which spares computing a path for every pair.
	Details int
}

// DetailsFor returns the Options.Details a format needs: the XLSX pairs
// sheet's rows, or the ten top risks the one-page layout (SVG, PNG, PDF)
// prints.
func DetailsFor(f Format, maxPairRows int) int {
	if f == XLSX {
		if maxPairRows <= 0 {
			return DefaultMaxPairRows
		}
		return maxPairRows
	}
	return topRisks
}

// topRisks is the number of risks the one-page layout lists.
const topRisks = 10

// DefaultTopGaps is the number of top gaps a report lists by default.
const DefaultTopGaps = 5

// PairRow is one (threat, asset) pair with what the exports print about it:
// its score, one shortest path from the entry that sets its score, and the
// gaps at that entry.
type PairRow struct {
	Threat     string
	ThreatName string
	Asset      string
	AssetName  string
	Hops       int
	Score      graph.Score
	// Path lists node IDs from the entry (Path[0]) to the asset.
	Path []string
	// EntryName and EntryStatus describe Path[0] for this threat.
	EntryName   string
	EntryStatus graph.CoverageStatus
	// Gaps are the risk sources not fully covered at the entry, with the
	// requirements and controls that would cover them.
	Gaps []graph.Gap
}

// Completeness tells how much of CPSF the bundled catalog holds.
type Completeness struct {
	Requirements      int // CPSF requirements in the catalog
	RequirementsTotal int // CPSF's total as a secondary source gives it (unverified)
	RiskSources       int
	Threats           int
	Controls          int
}

// Source is one source of catalog content with the items taken from it.
type Source struct {
	Name     string
	Official bool // false: cpsfgraph's own judgement
	Items    int  // catalog items and mappings citing it
}

// Report is everything an export renders, computed once from the analysis.
type Report struct {
	Workspace graph.Workspace
	Date      time.Time
	Lang      Lang
	Kind      Kind
	MaxHops   int

	IPA    *graph.IPAHeatmap    // nil unless Kind has ipa
	CPSF   *graph.CPSFHeatmap   // nil unless Kind has cpsf
	Supply *graph.SupplyHeatmap // nil unless Kind has supply

	// Pairs lists every (threat, asset) pair: highest risk first, then
	// importance, damage, threat and asset.
	Pairs []PairRow
	// TopGaps are the controls whose implementation lowers the most risk,
	// chosen greedily (see TopGaps).
	TopGaps []GapChoice
	// TotalRisk is the sum of the pairs' risk values.
	TotalRisk int
	// MaxPairRows bounds the XLSX pairs sheet (0 = DefaultMaxPairRows).
	MaxPairRows int

	Completeness Completeness
	Sources      []Source
	// Components and layers names from the catalog, by code.
	ComponentNames map[graph.Component][2]string // [en, ja]
	LayerNames     map[graph.LayerID][2]string
	// Controls gives each control's titles, for gap lists.
	Controls map[graph.ControlRef]graph.Control
}

// Build computes a Report of workspace ws. An unknown workspace is an error
// wrapping graph.ErrNotFound; an empty workspace gives an empty report.
func Build(ctx context.Context, an *graph.Analyzer, ws string, opt Options) (*Report, error) {
	if opt.Kind == "" {
		opt.Kind = KindAll
	}
	if _, err := ParseKind(string(opt.Kind)); err != nil {
		return nil, err
	}
	if opt.Lang == "" {
		opt.Lang = JA
	}
	if _, err := ParseLang(string(opt.Lang)); err != nil {
		return nil, err
	}
	if opt.Date.IsZero() {
		opt.Date = time.Now()
	}
	if opt.MaxHops <= 0 {
		opt.MaxHops = graph.DefaultMaxHops
	}
	if opt.MaxHops > graph.MaxMaxHops {
		return nil, fmt.Errorf("export: maxHops %d out of range 1..%d", opt.MaxHops, graph.MaxMaxHops)
	}
	env, err := an.Load(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	r := &Report{Workspace: env.Workspace, Date: opt.Date, Lang: opt.Lang, Kind: opt.Kind, MaxHops: opt.MaxHops, MaxPairRows: opt.MaxPairRows}
	r.fillCatalog(env.Index.Catalog)

	// The supply-chain map and the top gaps need their own passes: they run
	// beside the pairs.
	var wg sync.WaitGroup
	var supplyErr, gapsErr error
	if opt.Kind.Has(KindSupply) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Supply, supplyErr = an.HeatmapSupply(ctx, ws)
		}()
	}
	n := opt.TopGaps
	if n == 0 {
		n = DefaultTopGaps
	}
	if n > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var g *GapResult
			if g, gapsErr = TopGaps(ctx, an, ws, n, opt.MaxHops); gapsErr == nil {
				r.TopGaps = g.Choices
			}
		}()
	}
	var pairs []PairRow
	var byThreat []graph.Pair // the analyzer's pairs, by threat then asset
	if opt.Details > 0 {
		pairs, byThreat, err = detailedTop(ctx, an, env, opt.MaxHops, opt.Lang, opt.Details)
	} else {
		pairs, err = pairRows(ctx, an, env, opt.MaxHops, opt.Lang)
	}
	if err == nil && opt.Kind.Has(KindCPSF) {
		r.CPSF, err = cpsfHeatmap(ctx, an, env, opt.MaxHops, pairs)
	}
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if supplyErr != nil {
		return nil, fmt.Errorf("export: supply-chain heat-map of %q: %w", ws, supplyErr)
	}
	if gapsErr != nil {
		return nil, gapsErr
	}
	r.Pairs = pairs
	for _, p := range pairs {
		r.TotalRisk += p.Score.Risk
	}
	if opt.Kind.Has(KindIPA) {
		if byThreat == nil {
			byThreat = make([]graph.Pair, len(pairs))
			for i, p := range pairs {
				byThreat[i] = graph.Pair{Threat: p.Threat, Asset: p.Asset, Hops: p.Hops, Score: p.Score}
			}
			slices.SortFunc(byThreat, func(a, b graph.Pair) int {
				return cmp.Or(strings.Compare(a.Threat, b.Threat), strings.Compare(a.Asset, b.Asset))
			})
		}
		r.IPA = graph.NewIPAHeatmap(ws, opt.MaxHops, byThreat)
	}
	return r, nil
}

// pairRows computes every pair with one path and its entry's gaps, one
// blast-radius query per threat, two threats at a time.
func pairRows(ctx context.Context, an *graph.Analyzer, env *graph.Env, maxHops int, lang Lang) ([]PairRow, error) {
	threats := env.Threats()
	out := make([][]PairRow, len(threats))
	errs := make([]error, len(threats))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, t := range threats {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], errs[i] = threatRows(ctx, an, env, t, nil, maxHops, lang)
		}()
	}
	wg.Wait()
	// Sort small keys, not the rows: threats are in ID order already.
	type key struct {
		risk, imp, dmg int8
		threat         int32
		asset          string
		row            *PairRow
	}
	n := 0
	for i := range threats {
		if errs[i] != nil {
			return nil, errs[i]
		}
		n += len(out[i])
	}
	keys := make([]key, 0, n)
	for ti := range out {
		for j := range out[ti] {
			p := &out[ti][j]
			keys = append(keys, key{int8(p.Score.Risk), int8(p.Score.Importance), int8(p.Score.Damage), int32(ti), p.Asset, p})
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		switch {
		case a.risk != b.risk:
			return int(b.risk) - int(a.risk)
		case a.imp != b.imp:
			return int(b.imp) - int(a.imp)
		case a.dmg != b.dmg:
			return int(b.dmg) - int(a.dmg)
		case a.threat != b.threat:
			return int(a.threat - b.threat)
		}
		return strings.Compare(a.asset, b.asset)
	})
	rows := make([]PairRow, n)
	for i, k := range keys {
		rows[i] = *k.row
	}
	return rows, nil
}

// bucketOf ranks (importance-1)*3 + (damage-1) in report order.
var bucketOf = func() [9]int {
	type c struct{ imp, dmg int }
	var cs []c
	for imp := 1; imp <= 3; imp++ {
		for d := 1; d <= 3; d++ {
			cs = append(cs, c{imp, d})
		}
	}
	slices.SortFunc(cs, func(a, b c) int {
		return cmp.Or(cmp.Compare(b.imp*b.dmg, a.imp*a.dmg), cmp.Compare(b.imp, a.imp), cmp.Compare(b.dmg, a.dmg))
	})
	var out [9]int
	for rank, x := range cs {
		out[(x.imp-1)*3+(x.dmg-1)] = rank
	}
	return out
}()

// detailedTop returns every pair in report order, the first n with their
// path, entry and gaps, and the analyzer's pairs it took them from (by
// threat, then asset; shared, not to be modified). The pairs come from the
// analyzer (cached on a versioned store); paths are computed only for the
// threats of the first n.
func detailedTop(ctx context.Context, an *graph.Analyzer, env *graph.Env, maxHops int, lang Lang, n int) ([]PairRow, []graph.Pair, error) {
	pairs, err := an.Pairs(ctx, env, maxHops)
	if err != nil {
		return nil, nil, fmt.Errorf("export: pairs of %q: %w", env.Workspace.ID, err)
	}
	threats := env.Threats()
	// The order of pairRows: risk, importance, damage (highest first), then
	// threat and asset. The analyzer's pairs are sorted by threat (in ID
	// order, as env.Threats) and asset already, so a stable bucketing by
	// (importance, damage), which also fixes the risk, gives that order.
	bucket := func(p *graph.Pair) int {
		// Buckets by risk, then importance, then damage, highest first:
		// (3,3) 9, (3,2) 6, (2,3) 6, (2,2) 4, (3,1) 3, (1,3) 3, (2,1) 2, (1,2) 2, (1,1) 1.
		return bucketOf[(p.Score.Importance-1)*3+(p.Score.Damage-1)]
	}
	var counts [10]int
	for i := range pairs {
		counts[bucket(&pairs[i])+1]++
	}
	for b := 1; b < len(counts); b++ {
		counts[b] += counts[b-1]
	}
	// One pass in the analyzer's order places each row; the threat (and
	// its name) changes only between runs.
	rows := make([]PairRow, len(pairs))
	ti, name := -1, ""
	for i := range pairs {
		p := &pairs[i]
		if ti < 0 || threats[ti].ID != p.Threat {
			ti = slices.IndexFunc(threats, func(t *graph.Threat) bool { return t.ID == p.Threat })
			name = pick(lang, threats[ti].NameEN, threats[ti].NameJA)
		}
		b := bucket(p)
		rows[counts[b]] = PairRow{Threat: p.Threat, ThreatName: name, Asset: p.Asset, Hops: p.Hops, Score: p.Score}
		counts[b]++
	}
	// The assets of the first n rows, per threat: only their paths are
	// traced.
	top := rows[:min(n, len(rows))]
	need := map[string][]string{}
	for i := range top {
		need[top[i].Threat] = append(need[top[i].Threat], top[i].Asset)
	}
	for _, t := range threats {
		if need[t.ID] == nil {
			continue
		}
		detailed, err := threatRows(ctx, an, env, t, need[t.ID], maxHops, lang)
		if err != nil {
			return nil, nil, err
		}
		byAsset := make(map[string]*PairRow, len(detailed))
		for i := range detailed {
			byAsset[detailed[i].Asset] = &detailed[i]
		}
		for i := range top {
			if top[i].Threat == t.ID {
				if f := byAsset[top[i].Asset]; f != nil {
					top[i] = *f
				}
			}
		}
	}
	return rows, pairs, nil
}

// comparePairs is the order of Report.Pairs.
func comparePairs(a, b PairRow) int {
	return cmp.Or(
		cmp.Compare(b.Score.Risk, a.Score.Risk),
		cmp.Compare(b.Score.Importance, a.Score.Importance),
		cmp.Compare(b.Score.Damage, a.Score.Damage),
		strings.Compare(a.Threat, b.Threat),
		strings.Compare(a.Asset, b.Asset),
	)
}

// threatRows returns the detailed rows of threat t's pairs: of the assets
// given, or of all it reaches when assets is nil.
func threatRows(ctx context.Context, an *graph.Analyzer, env *graph.Env, t *graph.Threat, assets []string, maxHops int, lang Lang) ([]PairRow, error) {
	ws := env.Workspace.ID
	opt := graph.ReachOptions{MaxHops: maxHops}
	var br *graph.BlastRadius
	var err error
	if assets == nil {
		br, err = an.AssetsReachedBy(ctx, ws, t.ID, opt)
	} else {
		br, err = an.AssetsReachedAmong(ctx, ws, t.ID, assets, opt)
	}
	if err != nil {
		return nil, fmt.Errorf("export: threat %s in %q: %w", t.ID, ws, err)
	}
	if len(br.Assets) == 0 {
		return nil, nil
	}
	entries, err := an.Store.Entries(ctx, ws, env.Index.Cells(t.ID))
	if err != nil {
		return nil, fmt.Errorf("export: entries of threat %s in %q: %w", t.ID, ws, err)
	}
	facts := make(map[string]*graph.NodeFacts, len(entries))
	for i := range entries {
		facts[entries[i].ID] = &entries[i]
	}
	type entryInfo struct {
		name string
		cov  graph.HopCoverage
	}
	cache := map[string]*entryInfo{}
	// Entries without statuses of their own share their coverage with
	// every entry of the same kind, organization and place in the grid.
	type shareKey struct {
		kind      graph.NodeKind
		org, cell string
	}
	shared := map[shareKey]graph.HopCoverage{}
	coverage := func(nf *graph.NodeFacts) graph.HopCoverage {
		if len(nf.Statuses) > 0 || nf.Kind != graph.KindAsset {
			return env.Index.Coverage(t.ID, nf, env.Statuses)
		}
		k := shareKey{nf.Kind, nf.Org, string(nf.Component) + fmt.Sprint(nf.Layers)}
		cov, ok := shared[k]
		if !ok {
			cov = env.Index.Coverage(t.ID, nf, env.Statuses)
			shared[k] = cov
		}
		return cov
	}
	name := pick(lang, t.NameEN, t.NameJA)
	rows := make([]PairRow, 0, len(br.Assets))
	for _, a := range br.Assets {
		row := PairRow{Threat: t.ID, ThreatName: name, Asset: a.Asset, AssetName: a.Name, Hops: a.Hops, Score: a.Score, Path: a.Path}
		if len(a.Path) > 0 {
			e := a.Path[0]
			info := cache[e]
			if info == nil {
				info = &entryInfo{}
				if nf := facts[e]; nf != nil {
					info.name = nf.Name
					info.cov = coverage(nf)
				}
				cache[e] = info
			}
			row.EntryName, row.EntryStatus, row.Gaps = info.name, info.cov.Status, info.cov.Gaps
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (r *Report) fillCatalog(c *graph.Catalog) {
	r.Completeness = Completeness{
		Requirements:      len(c.Requirements),
		RequirementsTotal: catalog.CPSFRequirementsTotal,
		RiskSources:       len(c.RiskSources),
		Threats:           len(c.Threats),
		Controls:          len(c.Controls),
	}
	r.ComponentNames = map[graph.Component][2]string{}
	for _, x := range c.Components {
		r.ComponentNames[x.Code] = [2]string{x.NameEN, x.NameJA}
	}
	r.LayerNames = map[graph.LayerID][2]string{}
	for _, x := range c.Layers {
		r.LayerNames[x.ID] = [2]string{x.NameEN, x.NameJA}
	}
	r.Controls = map[graph.ControlRef]graph.Control{}
	for _, x := range c.Controls {
		r.Controls[x.Ref()] = x
	}
	count := map[string]int{}
	add := func(p graph.Provenance) {
		s := p.Source
		if s == "" {
			s = "(no source recorded)"
		}
		count[s]++
	}
	for _, x := range c.Layers {
		add(x.Provenance)
	}
	for _, x := range c.Components {
		add(x.Provenance)
	}
	for _, x := range c.Incidents {
		add(x.Provenance)
	}
	for _, x := range c.RiskSources {
		add(x.Provenance)
	}
	for _, x := range c.Requirements {
		add(x.Provenance)
	}
	for _, x := range c.Frameworks {
		add(x.Provenance)
	}
	for _, x := range c.Controls {
		add(x.Provenance)
	}
	for _, x := range c.Threats {
		add(x.Provenance)
	}
	for _, x := range c.Mappings {
		add(x.Provenance)
	}
	for s, n := range count {
		official := graph.Provenance{Source: s}.Official() && s != "(no source recorded)"
		r.Sources = append(r.Sources, Source{Name: s, Official: official, Items: n})
	}
	slices.SortFunc(r.Sources, func(a, b Source) int {
		if a.Official != b.Official {
			if a.Official {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.Items, a.Items), strings.Compare(a.Name, b.Name))
	})
}
