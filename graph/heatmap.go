package graph

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// Pair is one (threat, asset) pair the analysis found: the threat reaches
// the asset within maxHops.
type Pair struct {
	Threat string
	Asset  string
	Hops   int
	Score  Score
}

// IPACell is one cell of IPA's 3 x 3 risk matrix: importance x damage
// likelihood, with the pairs that fall in it.
type IPACell struct {
	Importance int // 1..3 (row)
	Damage     int // 1..3 (column)
	Risk       int // importance x damage
	Band       Band
	Count      int
	Pairs      []Pair // sorted by threat, then asset
}

// IPAHeatmap is IPA's risk matrix of a workspace: every (threat, asset) pair
// counted in the cell of its importance and damage likelihood.
type IPAHeatmap struct {
	Workspace string
	MaxHops   int
	// Cells lists all nine cells, importance 3 first, damage 3 first.
	Cells []IPACell
	Pairs int
}

// Cell returns the cell for (importance, damage).
func (h *IPAHeatmap) Cell(importance, damage int) *IPACell {
	return &h.Cells[(3-importance)*3+(3-damage)]
}

// Pairs computes every (threat, asset) pair of the workspace within maxHops,
// sorted by threat, then asset.
//
// On a store that implements Versioned the result is cached per workspace
// and maxHops until the store changes; the slice is shared, so callers must
// not modify it.
func (a *Analyzer) Pairs(ctx context.Context, env *Env, maxHops int) ([]Pair, error) {
	v, ok := a.Store.(Versioned)
	if !ok {
		return a.pairs(ctx, env, maxHops)
	}
	ver, err := v.Version(ctx, env.Workspace.ID)
	if err != nil {
		return nil, err
	}
	key := pairsKey{env.Workspace.ID, maxHops}
	a.mu.Lock()
	c, hit := a.cache[key]
	a.mu.Unlock()
	if hit && c.version == ver && c.index == env.Index {
		return c.pairs, nil
	}
	pairs, err := a.pairs(ctx, env, maxHops)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if a.cache == nil || len(a.cache) >= maxCachedPairs {
		a.cache = map[pairsKey]cachedPairs{}
	}
	a.cache[key] = cachedPairs{ver, env.Index, slices.Clip(pairs)}
	a.mu.Unlock()
	return slices.Clip(pairs), nil
}

// maxCachedPairs bounds the whole-workspace results the analyzer keeps.
const maxCachedPairs = 8

type pairsKey struct {
	ws      string
	maxHops int
}

type cachedPairs struct {
	version string
	index   *Index // the catalog the pairs were computed with
	pairs   []Pair
}

func (a *Analyzer) pairs(ctx context.Context, env *Env, maxHops int) ([]Pair, error) {
	// Each threat's pairs gather in run, are sorted by asset (with buf),
	// and kept in a chunk of their exact size; one slice of the total size
	// takes them all at the end (appending to it would copy it as it grows).
	// The threats are independent: a store that gains from concurrent
	// reads (Concurrent) has several walked at once, each worker with its
	// own run and buf; the chunks keep the threats' order.
	threats := env.Threats()
	chunks := make([][]Pair, len(threats))
	var next atomic.Int64
	work := func(ctx context.Context) error {
		var run, buf []Pair
		for {
			i := int(next.Add(1)) - 1
			if i >= len(threats) {
				return nil
			}
			t := threats[i]
			run = run[:0]
			_, err := a.reach(ctx, env, t, maxHops, false, nil, func(r Reached) {
				run = append(run, Pair{Threat: t.ID, Asset: r.Asset, Hops: r.Hops, Score: r.Score})
			})
			if err != nil {
				return err
			}
			sorted, spare := sortByAsset(run, buf)
			chunks[i] = slices.Clone(sorted)
			run, buf = sorted[:0], spare[:0]
		}
	}
	if n := concurrency(a.Store); n > 1 {
		g, gctx := errgroup.WithContext(ctx)
		for range min(n, len(threats)) {
			g.Go(func() error { return work(gctx) })
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
	} else if err := work(ctx); err != nil {
		return nil, err
	}
	total := 0
	for _, c := range chunks {
		total += len(c)
	}
	pairs := make([]Pair, 0, total)
	for _, c := range chunks {
		pairs = append(pairs, c...)
	}
	return pairs, nil
}

// sortByAsset sorts one threat's pairs (each asset once) by asset ID and
// returns them, in the storage of ps or of buf, and the other storage.
//
// reach emits the assets of each walk level in ID order (Level.Nodes is
// sorted), so the pairs are a few ascending runs, one per level and
// exploitability group: merging the natural runs pairwise costs about
// log2(runs) comparisons a pair, against log2(pairs) for a sort. It sorts
// any order correctly; only its speed counts on the runs.
func sortByAsset(ps, buf []Pair) (sorted, rest []Pair) {
	var bounds []int // ends of the ascending runs of ps
	for i := 1; i < len(ps); i++ {
		if ps[i].Asset < ps[i-1].Asset {
			bounds = append(bounds, i)
		}
	}
	bounds = append(bounds, len(ps))
	src, dst := ps, slices.Grow(buf[:0], len(ps))[:len(ps)]
	for len(bounds) > 1 {
		var merged []int
		lo := 0
		for k := 0; k < len(bounds); k += 2 {
			if k+1 == len(bounds) {
				copy(dst[lo:], src[lo:bounds[k]])
				merged = append(merged, bounds[k])
				break
			}
			mergeByAsset(dst[lo:bounds[k+1]], src[lo:bounds[k]], src[bounds[k]:bounds[k+1]])
			lo = bounds[k+1]
			merged = append(merged, lo)
		}
		bounds = merged
		src, dst = dst, src
	}
	return src, dst[:0]
}

// mergeByAsset merges the ascending runs x and y into dst (len(x)+len(y)).
func mergeByAsset(dst, x, y []Pair) {
	i, j, k := 0, 0, 0
	for i < len(x) && j < len(y) {
		if y[j].Asset < x[i].Asset {
			dst[k] = y[j]
			j++
		} else {
			dst[k] = x[i]
			i++
		}
		k++
	}
	k += copy(dst[k:], x[i:])
	copy(dst[k:], y[j:])
}

// checkHops validates a whole-workspace maxHops: < 0 takes the default.
func checkHops(h int) (int, error) {
	if h < 0 {
		return DefaultMaxHops, nil
	}
	if h > MaxMaxHops {
		return 0, fmt.Errorf("%w: maxHops %d out of range 0..%d", ErrInvalid, h, MaxMaxHops)
	}
	return h, nil
}

// HeatmapIPA computes IPA's risk matrix for workspace ws. maxHops < 0 takes
// the default.
func (a *Analyzer) HeatmapIPA(ctx context.Context, ws string, maxHops int) (*IPAHeatmap, error) {
	maxHops, err := checkHops(maxHops)
	if err != nil {
		return nil, err
	}
	env, err := a.Load(ctx, ws)
	if err != nil {
		return nil, err
	}
	pairs, err := a.Pairs(ctx, env, maxHops)
	if err != nil {
		return nil, err
	}
	return NewIPAHeatmap(ws, maxHops, pairs), nil
}

// NewIPAHeatmap arranges pairs into IPA's matrix.
func NewIPAHeatmap(ws string, maxHops int, pairs []Pair) *IPAHeatmap {
	h := &IPAHeatmap{Workspace: ws, MaxHops: maxHops, Pairs: len(pairs)}
	for imp := 3; imp >= 1; imp-- {
		for d := 3; d >= 1; d-- {
			r := RiskValue(imp, d)
			h.Cells = append(h.Cells, IPACell{Importance: imp, Damage: d, Risk: r, Band: BandOf(r)})
		}
	}
	// Count, then place every pair in one array cut into the cells, keeping
	// the pairs' order within each cell.
	for _, p := range pairs {
		h.Cell(p.Score.Importance, p.Score.Damage).Count++
	}
	all := make([]Pair, len(pairs))
	off := 0
	for i := range h.Cells {
		c := &h.Cells[i]
		if c.Count > 0 {
			c.Pairs = all[off : off : off+c.Count]
			off += c.Count
		}
	}
	for _, p := range pairs {
		c := h.Cell(p.Score.Importance, p.Score.Damage)
		c.Pairs = append(c.Pairs, p)
	}
	return h
}

// CPSFCell is one (layer, component) cell of the CPSF map.
type CPSFCell struct {
	Layer     LayerID
	Component Component
	Assets    int // assets in the cell (an asset on two layers counts in both)
	Orgs      int // organizations (only layer L1, component organization)
	// Pairs counts the (threat, asset) pairs of the cell's assets; MaxRisk
	// and Band are the highest risk value among them (the residual risk),
	// HighPairs those in band 大.
	Pairs     int
	MaxRisk   int
	Band      Band // "" when no pair
	HighPairs int
	// RiskSources counts the catalog's risk sources of the cell; Assessed
	// the (node, risk source) pairs assessed; Coverage their mean coverage
	// (implemented 1, partial 1/2), 0 when nothing was assessed.
	RiskSources  int
	Assessed     int
	Coverage     float64
	Requirements []string // requirements that mitigate the cell's risk sources
}

// CPSFHeatmap is the layer x component map of a workspace.
type CPSFHeatmap struct {
	Workspace string
	MaxHops   int
	Cells     []CPSFCell // layers L1..L3, components in CPSF order
}

// Cell returns the cell of (layer, component).
func (h *CPSFHeatmap) Cell(l LayerID, c Component) *CPSFCell {
	return &h.Cells[cellIndex(l, c)]
}

// cellIndex is the position of (l, c) in AllCells.
func cellIndex(l LayerID, c Component) int {
	return slices.Index(Layers, l)*len(Components) + componentIndex(c)
}

// HeatmapCPSF computes the CPSF layer x component map of workspace ws.
func (a *Analyzer) HeatmapCPSF(ctx context.Context, ws string, maxHops int) (*CPSFHeatmap, error) {
	maxHops, err := checkHops(maxHops)
	if err != nil {
		return nil, err
	}
	env, err := a.Load(ctx, ws)
	if err != nil {
		return nil, err
	}
	pairs, err := a.Pairs(ctx, env, maxHops)
	if err != nil {
		return nil, err
	}
	return a.CPSFFromPairs(ctx, env, maxHops, func(yield func(string, Score) bool) {
		for _, p := range pairs {
			if !yield(p.Asset, p.Score) {
				return
			}
		}
	})
}

// CPSFFromPairs computes the CPSF map from (asset, score) pairs already
// computed for env's workspace (as Pairs returns them), so a caller that
// holds the pairs does not walk the workspace again.
func (a *Analyzer) CPSFFromPairs(ctx context.Context, env *Env, maxHops int, pairs iter.Seq2[string, Score]) (*CPSFHeatmap, error) {
	ws := env.Workspace.ID
	all := AllCells()
	nodes, err := a.Store.Entries(ctx, ws, all)
	if err != nil {
		return nil, err
	}
	h := &CPSFHeatmap{Workspace: ws, MaxHops: maxHops}
	bycell := map[Cell][]RiskSourceRef{}
	for i := range env.Index.Catalog.RiskSources {
		rs := &env.Index.Catalog.RiskSources[i]
		bycell[rs.Cell()] = append(bycell[rs.Cell()], RiskSourceRef{RS: rs, Ord: i})
	}
	for _, c := range all {
		cell := CPSFCell{Layer: c.Layer, Component: c.Component, RiskSources: len(bycell[c])}
		var reqs []string
		for _, r := range bycell[c] {
			reqs = append(reqs, env.Index.RequirementsFor[r.RS.ID]...)
		}
		slices.Sort(reqs)
		cell.Requirements = slices.Compact(reqs)
		h.Cells = append(h.Cells, cell)
	}
	cellsOf := map[string][]*CPSFCell{}
	sums := make([]float64, len(h.Cells))
	for i := range nodes {
		n := &nodes[i]
		for _, l := range n.Layers {
			c := h.Cell(l, n.Component)
			if n.Kind == KindAsset {
				c.Assets++
				cellsOf[n.ID] = append(cellsOf[n.ID], c)
			} else {
				c.Orgs++
			}
			rss := bycell[Cell{l, n.Component}]
			if len(rss) == 0 {
				continue
			}
			// The mean coverage of the node's risk sources, as coverageOf
			// gives it, without its lists.
			cov := env.Index.coveredSum(rss, n, env.Statuses.ownerVector(env.Index, n)) / float64(len(rss))
			c.Assessed += len(rss)
			sums[cellIndex(l, n.Component)] += cov * float64(len(rss))
		}
	}
	for i := range h.Cells {
		if h.Cells[i].Assessed > 0 {
			h.Cells[i].Coverage = sums[i] / float64(h.Cells[i].Assessed)
		}
	}
	for asset, sc := range pairs {
		for _, c := range cellsOf[asset] {
			c.Pairs++
			if sc.Risk > c.MaxRisk {
				c.MaxRisk = sc.Risk
				c.Band = sc.Band
			}
			if sc.Band == BandHigh {
				c.HighPairs++
			}
		}
	}
	return h, nil
}

// Functions are CPSF's function groups, the columns of the supply-chain map.
var Functions = []string{"Identify", "Protect", "Detect", "Respond/Recover"}

// FunctionOf normalizes a requirement's function to one of Functions
// ("Identify (inferred ...)" -> "Identify"); "" when none fits.
func FunctionOf(f string) string {
	for _, x := range Functions {
		if len(f) >= len(x) && f[:len(x)] == x {
			return x
		}
	}
	return ""
}

// SupplyCell is one (organization, function) cell of the supply-chain map.
type SupplyCell struct {
	Function     string
	Requirements int     // catalog requirements of the function
	Covered      float64 // requirements met by the organization's controls (partial = 1/2)
	Coverage     float64 // Covered / Requirements, 0 when there are none
}

// SupplyRow is one organization of the supply-chain map.
type SupplyRow struct {
	Org            Org
	Tier           int // SUPPLIES steps to an organization of role self; 0 = self; -1 = not linked
	AssetsSupplied int // assets SUPPLIED_BY the organization
	Cells          []SupplyCell
}

// SupplyHeatmap is the supply-chain map: organization x CPSF function.
type SupplyHeatmap struct {
	Workspace string
	Rows      []SupplyRow // by tier (self first, unlinked last), then ID
}

// HeatmapSupply computes the supply-chain map of workspace ws: for each
// organization and CPSF function, how many of the function's requirements
// the organization meets through controls it implements that MAPS_TO them.
func (a *Analyzer) HeatmapSupply(ctx context.Context, ws string) (*SupplyHeatmap, error) {
	env, err := a.Load(ctx, ws)
	if err != nil {
		return nil, err
	}
	edges, err := a.Store.Edges(ctx, ws, "")
	if err != nil {
		return nil, err
	}
	supplies := map[string][]string{} // o2 <- o1
	supplied := map[string]int{}
	for _, e := range edges {
		switch e.Type {
		case RelSupplies:
			supplies[e.To] = append(supplies[e.To], e.From)
		case RelSuppliedBy:
			supplied[e.To]++
		}
	}
	tier := map[string]int{}
	var frontier []string
	for _, o := range env.Orgs {
		if o.Role == RoleSelf {
			tier[o.ID] = 0
			frontier = append(frontier, o.ID)
		}
	}
	for d := 1; len(frontier) > 0; d++ {
		var nextF []string
		for _, o := range frontier {
			for _, s := range supplies[o] {
				if _, ok := tier[s]; !ok {
					tier[s] = d
					nextF = append(nextF, s)
				}
			}
		}
		frontier = nextF
	}
	reqsByFn := map[string][]string{}
	for _, r := range env.Index.Catalog.Requirements {
		if f := FunctionOf(r.Function); f != "" {
			reqsByFn[f] = append(reqsByFn[f], r.ID)
		}
	}
	h := &SupplyHeatmap{Workspace: ws}
	for _, o := range env.Orgs {
		t, ok := tier[o.ID]
		if !ok {
			t = -1
		}
		row := SupplyRow{Org: o, Tier: t, AssetsSupplied: supplied[o.ID]}
		best := map[ControlRef]float64{}
		for _, s := range env.Statuses.ByOrg[o.ID] {
			best[s.Control] = max(best[s.Control], s.Status.Weight())
		}
		for _, f := range Functions {
			c := SupplyCell{Function: f, Requirements: len(reqsByFn[f])}
			for _, r := range reqsByFn[f] {
				w := 0.0
				for _, ctl := range env.Index.ControlsFor[r] {
					w = max(w, best[ctl])
				}
				c.Covered += w
			}
			if c.Requirements > 0 {
				c.Coverage = c.Covered / float64(c.Requirements)
			}
			row.Cells = append(row.Cells, c)
		}
		h.Rows = append(h.Rows, row)
	}
	sort.SliceStable(h.Rows, func(i, j int) bool {
		a, b := h.Rows[i], h.Rows[j]
		ta, tb := a.Tier, b.Tier
		if ta < 0 {
			ta = 1 << 30
		}
		if tb < 0 {
			tb = 1 << 30
		}
		if ta != tb {
			return ta < tb
		}
		return a.Org.ID < b.Org.ID
	})
	return h, nil
}
