package graph

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Limits of the reach analysis.
const (
	DefaultMaxHops   = 5
	MaxMaxHops       = 10
	DefaultPathLimit = 5
	MaxPathLimit     = 100
)

// ReachOptions bound a reach query. Zero values take the defaults.
type ReachOptions struct {
	MaxHops   int // 1..MaxMaxHops; 0 means DefaultMaxHops (see ZeroHops)
	PathLimit int // paths listed per threat, 1..MaxPathLimit; 0 means DefaultPathLimit
	// ZeroHops asks for maxHops = 0: only entries at the node itself.
	ZeroHops bool
}

func (o ReachOptions) resolve() (maxHops, limit int, err error) {
	maxHops, limit = o.MaxHops, o.PathLimit
	if maxHops == 0 && !o.ZeroHops {
		maxHops = DefaultMaxHops
	}
	if limit == 0 {
		limit = DefaultPathLimit
	}
	if maxHops < 0 || maxHops > MaxMaxHops {
		return 0, 0, fmt.Errorf("%w: maxHops %d out of range 0..%d", ErrInvalid, o.MaxHops, MaxMaxHops)
	}
	if limit < 1 || limit > MaxPathLimit {
		return 0, 0, fmt.Errorf("%w: path limit %d out of range 1..%d", ErrInvalid, o.PathLimit, MaxPathLimit)
	}
	return maxHops, limit, nil
}

// Hop is one node of a path with its coverage for the path's threat.
type Hop struct {
	Node      string
	Kind      NodeKind
	Name      string
	Component Component
	Layers    []LayerID
	HopCoverage
}

// Path is a chain of compromise from an entry (Hops[0]) to the target (last
// hop). Its length is len(Hops)-1.
type Path struct {
	Hops []Hop
}

// Len is the number of steps of the path.
func (p Path) Len() int { return len(p.Hops) - 1 }

// Nodes returns the node IDs along the path.
func (p Path) Nodes() []string {
	ids := make([]string, len(p.Hops))
	for i, h := range p.Hops {
		ids[i] = h.Node
	}
	return ids
}

// ThreatReach is one threat that reaches an asset: its score and its paths.
type ThreatReach struct {
	Threat Threat
	Score  Score
	// Paths lists, for the entries nearest to the asset, one path each:
	// ordered by length, then entry ID; at most the path limit.
	Paths []Path
	// Truncated says more entries reach the asset than Paths lists.
	Truncated bool
}

// AssetReach answers which threats reach an asset.
type AssetReach struct {
	Workspace string
	Asset     Asset
	MaxHops   int
	Threats   []ThreatReach // by risk value (highest first), then threat ID
}

// Analyzer runs the risk analysis of DESIGN.md section 3 on a Store.
type Analyzer struct {
	Store Store

	mu    sync.Mutex
	cat   *Catalog // the catalog last indexed; a store returns the same
	ix    *Index   // pointer until the catalog changes
	cache map[pairsKey]cachedPairs
}

// NewAnalyzer returns an analyzer over s.
func NewAnalyzer(s Store) *Analyzer { return &Analyzer{Store: s} }

// Env is what every analysis of one workspace loads first: the workspace,
// the catalog index and the organizations' control statuses.
type Env struct {
	Workspace Workspace
	Index     *Index
	Statuses  *Statuses
	Orgs      []Org
}

// Likelihood returns threat t's likelihood in this workspace (override, else
// the threat's level, else 2).
func (e *Env) Likelihood(t *Threat) int {
	if v, ok := e.Workspace.ThreatLevels[t.ID]; ok && v >= 1 && v <= 3 {
		return v
	}
	if t.Level >= 1 && t.Level <= 3 {
		return t.Level
	}
	return 2
}

// Threats returns the catalog's threats that exploit at least one risk
// source, sorted by ID.
func (e *Env) Threats() []*Threat {
	var out []*Threat
	for i := range e.Index.Catalog.Threats {
		t := &e.Index.Catalog.Threats[i]
		if len(e.Index.Exploits[t.ID]) > 0 {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Load loads the analysis environment of workspace ws.
func (a *Analyzer) Load(ctx context.Context, ws string) (*Env, error) {
	w, cat, orgs, sts, err := readEnv(ctx, a.Store, ws)
	if err != nil {
		return nil, err
	}
	st := &Statuses{ByOrg: map[string][]ControlStatus{}}
	for _, s := range sts {
		st.ByOrg[s.Subject] = append(st.ByOrg[s.Subject], s)
	}
	return &Env{Workspace: w, Index: a.index(cat), Statuses: st, Orgs: orgs}, nil
}

// readEnv reads workspace ws, the catalog, the organizations and their
// statuses: in one call where the store is an EnvReader.
func readEnv(ctx context.Context, s Store, ws string) (Workspace, *Catalog, []Org, []ControlStatus, error) {
	if r, ok := s.(EnvReader); ok {
		return r.ReadEnv(ctx, ws)
	}
	w, err := s.Workspace(ctx, ws)
	if err != nil {
		return Workspace{}, nil, nil, nil, err
	}
	cat, err := s.Catalog(ctx)
	if err != nil {
		return Workspace{}, nil, nil, nil, err
	}
	orgs, err := s.Orgs(ctx, ws)
	if err != nil {
		return Workspace{}, nil, nil, nil, err
	}
	sts, err := s.Statuses(ctx, ws, OrgIDs(orgs))
	if err != nil {
		return Workspace{}, nil, nil, nil, err
	}
	return w, cat, orgs, sts, nil
}

// OrgIDs returns the organizations' IDs, in their order (never nil: an
// empty list asks Statuses for no subject).
func OrgIDs(orgs []Org) []string {
	ids := make([]string, len(orgs))
	for i, o := range orgs {
		ids[i] = o.ID
	}
	return ids
}

// index returns the index of cat, reusing the last one while the store hands
// out the same catalog.
func (a *Analyzer) index(cat *Catalog) *Index {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cat != cat {
		a.cat, a.ix = cat, NewIndex(cat)
	}
	return a.ix
}

// loadWithAsset loads workspace ws's environment and its asset id, at once
// on a Concurrent store (two round trips in the time of one), with Load's
// error first.
func (a *Analyzer) loadWithAsset(ctx context.Context, ws, id string) (*Env, Asset, error) {
	if concurrency(a.Store) == 1 {
		env, err := a.Load(ctx, ws)
		if err != nil {
			return nil, Asset{}, err
		}
		asset, err := a.Store.Asset(ctx, ws, id)
		return env, asset, err
	}
	var asset Asset
	var aerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		asset, aerr = a.Store.Asset(ctx, ws, id)
	}()
	env, err := a.Load(ctx, ws)
	<-done
	if err != nil {
		return nil, Asset{}, err
	}
	return env, asset, aerr
}

// ThreatsReaching answers which threats reach asset id of workspace ws
// within maxHops, with their IPA scores and paths, every hop annotated with
// its coverage.
func (a *Analyzer) ThreatsReaching(ctx context.Context, ws, id string, opt ReachOptions) (*AssetReach, error) {
	maxHops, limit, err := opt.resolve()
	if err != nil {
		return nil, err
	}
	env, asset, err := a.loadWithAsset(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	threats := env.Threats()

	// Walk against the flow from the asset. Each node found at depth d
	// reaches the asset in d steps; its smallest parent is its next step on
	// the lexicographically smallest shortest path.
	type found struct {
		depth, idx int // position in levels
	}
	type tstate struct {
		entries []found // in walk order: by depth, then ID
		maxV    int
	}
	state := make([]tstate, len(threats))
	byComp := make([]*ByComponent, len(threats))
	for i, t := range threats {
		byComp[i] = env.Index.ByComponent(t.ID)
	}
	var levels []Level
	var buf []RiskSourceRef
	var lastOrg string
	var orgVec []float64
	err = a.Store.Walk(ctx, ws, WalkSpec{Starts: []string{id}, Dir: Upstream, MaxHops: maxHops, FirstParent: true}, func(l Level) bool {
		levels = append(levels, l)
		for i := range l.Nodes {
			n := &l.Nodes[i]
			ci := componentIndex(n.Component)
			if ci < 0 {
				continue
			}
			for ti := range threats {
				if len(byComp[ti][ci]) == 0 {
					continue
				}
				buf = byComp[ti].appendAt(buf[:0], n, ci)
				if len(buf) == 0 {
					continue
				}
				s := &state[ti]
				if len(s.entries) <= limit { // one more than listed tells Truncated
					s.entries = append(s.entries, found{l.Depth, i})
				}
				if s.maxV < 3 {
					// An asset counts its owner's controls (statusOf's rule);
					// the owner's vector is kept while owners repeat.
					var vec []float64
					if n.Kind == KindAsset && n.Org != "" {
						if n.Org != lastOrg {
							lastOrg, orgVec = n.Org, env.Statuses.orgVector(env.Index, n.Org)
						}
						vec = orgVec
					}
					s.maxV = max(s.maxV, env.Index.statusWith(buf, n, vec).Exploitability())
				}
			}
		}
		// Stop early once no later level can change any answer: every
		// threat has met an uncovered entry (v is at its maximum) and has
		// more entries than paths to list.
		for _, s := range state {
			if s.maxV < 3 || len(s.entries) <= limit {
				return true
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}

	out := &AssetReach{Workspace: ws, Asset: asset, MaxHops: maxHops}
	importance := asset.EffectiveImportance()
	for ti, t := range threats {
		s := state[ti]
		if len(s.entries) == 0 {
			continue
		}
		tr := ThreatReach{Threat: *t, Score: NewScore(importance, env.Likelihood(t), s.maxV)}
		for _, e := range s.entries[:min(limit, len(s.entries))] {
			var p Path
			for d, i := e.depth, e.idx; ; d, i = d-1, parentIndex(levels, d, i) {
				p.Hops = append(p.Hops, env.hop(t.ID, &levels[d].Nodes[i]))
				if d == 0 {
					break
				}
			}
			tr.Paths = append(tr.Paths, p)
		}
		tr.Truncated = len(s.entries) > limit
		out.Threats = append(out.Threats, tr)
	}
	sort.SliceStable(out.Threats, func(i, j int) bool {
		a, b := out.Threats[i], out.Threats[j]
		if a.Score.Risk != b.Score.Risk {
			return a.Score.Risk > b.Score.Risk
		}
		return a.Threat.ID < b.Threat.ID
	})
	return out, nil
}

// parentIndex returns the position on level d-1 of the smallest parent of
// node i of level d. It reads Level.FirstParent, or the Parents map of a
// store that fills only that.
func parentIndex(levels []Level, d, i int) int {
	l := levels[d]
	var p string
	if len(l.FirstParent) == len(l.Nodes) {
		p = l.FirstParent[i]
	} else {
		p = l.Parents[l.Nodes[i].ID][0]
	}
	k, _ := slices.BinarySearchFunc(levels[d-1].Nodes, p, func(x NodeFacts, id string) int { return strings.Compare(x.ID, id) })
	return k
}

func (e *Env) hop(threat string, n *NodeFacts) Hop {
	return Hop{Node: n.ID, Kind: n.Kind, Name: n.Name, Component: n.Component, Layers: n.Layers,
		HopCoverage: e.Index.Coverage(threat, n, e.Statuses)}
}

// Reached is one asset in a threat's blast radius.
type Reached struct {
	Asset string
	Name  string
	Hops  int // steps from the nearest entry of the group that sets v
	Score Score
	// Path runs from an entry to the asset: a shortest path from the entries
	// whose exploitability sets the score, ties broken by the smallest node
	// ID walking back from the asset. Filled only when paths are asked for.
	// It may differ from the paths ThreatsReaching lists for the same pair,
	// which are chosen per entry (smallest walking forward from the entry):
	// a blast radius is computed from all entries of a group at once.
	Path []string
}

// BlastRadius answers which assets a threat reaches.
type BlastRadius struct {
	Workspace string
	Threat    Threat
	MaxHops   int
	Entries   int       // entry nodes of the threat in the workspace
	Assets    []Reached // by risk value (highest first), then hops, then asset ID
}

// AssetsReachedBy answers which assets threat id reaches in workspace ws
// within maxHops, ranked by risk value.
func (a *Analyzer) AssetsReachedBy(ctx context.Context, ws, id string, opt ReachOptions) (*BlastRadius, error) {
	return a.blastRadius(ctx, ws, id, nil, opt)
}

// AssetsReachedAmong answers AssetsReachedBy for the given assets only: its
// Assets whose ID is among assets, in its order, each with the same hops,
// score and path, and the same Entries. Paths are traced for these assets
// alone, which spares a caller that prints a few rows of a large blast
// radius tracing every path. IDs the threat does not reach, or that name no
// asset, are left out.
func (a *Analyzer) AssetsReachedAmong(ctx context.Context, ws, id string, assets []string, opt ReachOptions) (*BlastRadius, error) {
	among := make(map[string]struct{}, len(assets))
	for _, x := range assets {
		among[x] = struct{}{}
	}
	return a.blastRadius(ctx, ws, id, among, opt)
}

// blastRadius is AssetsReachedBy for the assets of among (nil: all).
func (a *Analyzer) blastRadius(ctx context.Context, ws, id string, among map[string]struct{}, opt ReachOptions) (*BlastRadius, error) {
	maxHops, _, err := opt.resolve()
	if err != nil {
		return nil, err
	}
	env, err := a.Load(ctx, ws)
	if err != nil {
		return nil, err
	}
	t := env.Index.Threats[id]
	if t == nil {
		return nil, &NotFoundError{Kind: "threat", ID: id}
	}
	br := &BlastRadius{Workspace: ws, Threat: *t, MaxHops: maxHops}
	entries, err := a.reach(ctx, env, t, maxHops, true, among, func(r Reached) { br.Assets = append(br.Assets, r) })
	if err != nil {
		return nil, err
	}
	br.Entries = entries
	sortReached(br.Assets)
	return br, nil
}

func sortReached(rs []Reached) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Score.Risk != b.Score.Risk {
			return a.Score.Risk > b.Score.Risk
		}
		if a.Hops != b.Hops {
			return a.Hops < b.Hops
		}
		return a.Asset < b.Asset
	})
}

// reach computes the assets threat t reaches within maxHops, each with its
// score, and hands each to emit. Entries are grouped by exploitability; the
// groups are walked downstream from the easiest (v = 3) to the hardest
// (v = 1), and an asset takes the v of the first group that reaches it: the
// attacker takes the easiest way in. Only the assets of among are handed to
// emit (and have their paths traced), all when among is nil; every asset
// still counts for which group reaches it first. It returns the number of
// entries.
func (a *Analyzer) reach(ctx context.Context, env *Env, t *Threat, maxHops int, withPaths bool, among map[string]struct{}, emit func(Reached)) (int, error) {
	cells := env.Index.Cells(t.ID)
	if len(cells) == 0 {
		return 0, nil
	}
	entries, err := a.Store.Entries(ctx, env.Workspace.ID, cells)
	if err != nil {
		return 0, err
	}
	var groups [4][]string
	bc := env.Index.ByComponent(t.ID)
	var buf []RiskSourceRef
	for i := range entries {
		n := &entries[i]
		buf = bc.AppendApplicable(buf[:0], n)
		v := env.Index.statusOf(buf, n, env.Statuses).Exploitability()
		groups[v] = append(groups[v], n.ID)
	}
	tl := env.Likelihood(t)
	// seen holds the assets the groups walked so far reached; the last
	// group only reads it.
	seen := map[string]struct{}{}
	// Without paths, a later (harder) group need not go on from a node that
	// an earlier group reached at the same depth or less: whatever it would
	// reach from there, the earlier group reaches as soon and claims first.
	// So the assets a group claims, and their hops, stay exactly as
	// without pruning. shallowest holds every node of the earlier groups'
	// walks at its least depth, with the group that reached it so.
	type reachedAt struct{ depth, v int }
	var shallowest map[string]reachedAt
	var spec WalkSpec
	v := 0 // the group being walked
	if withPaths {
		spec.FirstParent = true
	} else if len(groups[1])+len(groups[2]) > 0 {
		shallowest = map[string]reachedAt{}
		spec.Prune = func(id string, depth int) bool {
			r, ok := shallowest[id]
			return ok && r.v > v && r.depth <= depth
		}
	}
	last := 1
	for last < 3 && len(groups[last]) == 0 {
		last++
	}
	for v = 3; v >= 1; v-- {
		if len(groups[v]) == 0 {
			continue
		}
		var levels []Level
		type hit struct{ depth, idx int }
		var hits []hit
		spec.Starts, spec.Dir, spec.MaxHops = groups[v], Downstream, maxHops
		err := a.Store.Walk(ctx, env.Workspace.ID, spec, func(l Level) bool {
			if withPaths {
				levels = append(levels, l)
			}
			for i := range l.Nodes {
				n := &l.Nodes[i]
				if shallowest != nil && v != last {
					// An earlier group's entry stays while it is as shallow.
					if r, ok := shallowest[n.ID]; !ok || l.Depth < r.depth {
						shallowest[n.ID] = reachedAt{l.Depth, v}
					}
				}
				if n.Kind != KindAsset {
					continue
				}
				if _, ok := seen[n.ID]; ok {
					continue
				}
				if v != last {
					seen[n.ID] = struct{}{}
				}
				if among != nil {
					if _, ok := among[n.ID]; !ok {
						continue
					}
				}
				r := Reached{Asset: n.ID, Name: n.Name, Hops: l.Depth, Score: NewScore(n.Importance, tl, v)}
				if withPaths {
					hits = append(hits, hit{l.Depth, i})
					continue
				}
				emit(r)
			}
			return true
		})
		if err != nil {
			return 0, err
		}
		for _, h := range hits {
			n := &levels[h.depth].Nodes[h.idx]
			r := Reached{Asset: n.ID, Name: n.Name, Hops: h.depth, Score: NewScore(n.Importance, tl, v)}
			r.Path = make([]string, h.depth+1)
			for d, i := h.depth, h.idx; ; d, i = d-1, parentIndex(levels, d, i) {
				r.Path[d] = levels[d].Nodes[i].ID
				if d == 0 {
					break
				}
			}
			emit(r)
		}
	}
	return len(entries), nil
}
