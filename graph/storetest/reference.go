package storetest

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"cpsfgraph/graph"
)

// reference is a brute-force implementation of the risk model of DESIGN.md
// section 3, written from the design and independent of package graph's
// analysis (it uses only the domain types and the schema's names): it
// enumerates simple paths and runs one breadth-first search per entry. It is
// slow on purpose and meant for graphs of a few thousand nodes.
type reference struct {
	ws       graph.Workspace
	nodes    map[string]*refNode
	succ     map[string][]string // compromise flows x -> succ[x], sorted
	pred     map[string][]string // compromise flows pred[x] -> x, sorted
	threats  []string            // threats that exploit something, sorted
	level    map[string]int
	exploits map[string][]graph.RiskSource           // threat -> risk sources
	mitig    map[string]map[graph.ControlRef]bool    // risk source -> controls
	own      map[string]map[graph.ControlRef]float64 // subject -> control -> weight
	cat      *graph.Catalog
	b        graph.Batch
}

type refNode struct {
	id     string
	org    bool
	comp   graph.Component
	layers []graph.LayerID
	owner  string
	imp    int
}

// refFlow gives, per relationship type, whether compromise flows from the
// edge's start to its end and from its end to its start (DESIGN.md section 2).
var refFlow = map[graph.RelType][2]bool{
	graph.RelStoredOn:   {false, true},
	graph.RelRunsOn:     {false, true},
	graph.RelOperatedBy: {false, true},
	graph.RelSuppliedBy: {false, true},
	graph.RelSupplies:   {true, false},
	graph.RelConnectsTo: {true, true},
	graph.RelOwnedBy:    {false, false},
}

// refDamage is IPA's lookup table 被害発生可能性[t][v].
var refDamage = [4][4]int{
	1: {1: 1, 2: 1, 3: 1},
	2: {1: 1, 2: 1, 3: 2},
	3: {1: 1, 2: 2, 3: 3},
}

// newReference builds the reference model of one workspace's graph.
func newReference(cat *graph.Catalog, w graph.Workspace, b graph.Batch) *reference {
	r := &reference{ws: w, nodes: map[string]*refNode{}, succ: map[string][]string{}, pred: map[string][]string{},
		level: map[string]int{}, exploits: map[string][]graph.RiskSource{}, mitig: map[string]map[graph.ControlRef]bool{},
		own: map[string]map[graph.ControlRef]float64{}, cat: cat, b: b}
	for _, o := range b.Orgs {
		r.nodes[o.ID] = &refNode{id: o.ID, org: true, comp: graph.Organization, layers: []graph.LayerID{graph.L1}, owner: o.ID}
	}
	for _, a := range b.Assets {
		imp := a.Importance
		if imp < 1 || imp > 3 {
			imp = min(3, max(1, a.C, a.I, a.A))
		}
		r.nodes[a.ID] = &refNode{id: a.ID, comp: a.Component, layers: a.Layers, owner: a.Owner, imp: imp}
	}
	for _, e := range b.Edges {
		f := refFlow[e.Type]
		if f[0] {
			r.succ[e.From] = append(r.succ[e.From], e.To)
			r.pred[e.To] = append(r.pred[e.To], e.From)
		}
		if f[1] {
			r.succ[e.To] = append(r.succ[e.To], e.From)
			r.pred[e.From] = append(r.pred[e.From], e.To)
		}
	}
	for _, m := range []map[string][]string{r.succ, r.pred} {
		for k, v := range m {
			slices.Sort(v)
			m[k] = slices.Compact(v)
		}
	}
	weight := map[graph.Status]float64{graph.StatusImplemented: 1, graph.StatusPartial: 0.5}
	for _, s := range b.Statuses {
		if r.own[s.Subject] == nil {
			r.own[s.Subject] = map[graph.ControlRef]float64{}
		}
		r.own[s.Subject][s.Control] = weight[s.Status]
	}
	rs := map[string]graph.RiskSource{}
	for _, x := range cat.RiskSources {
		rs[x.ID] = x
	}
	reqMit := map[string][]string{}
	for _, m := range cat.Mappings {
		if m.Type == graph.RelMitigates && !m.FromControl {
			reqMit[m.From] = append(reqMit[m.From], m.To)
		}
	}
	addMit := func(rsID string, c graph.ControlRef) {
		if r.mitig[rsID] == nil {
			r.mitig[rsID] = map[graph.ControlRef]bool{}
		}
		r.mitig[rsID][c] = true
	}
	for _, m := range cat.Mappings {
		switch {
		case m.Type == graph.RelExploits:
			if x, ok := rs[m.To]; ok {
				r.exploits[m.From] = append(r.exploits[m.From], x)
			}
		case m.Type == graph.RelMitigates && m.FromControl:
			c, err := graph.ParseControlRef(m.From)
			if err == nil {
				addMit(m.To, c)
			}
		case m.Type == graph.RelMapsTo:
			c, err := graph.ParseControlRef(m.From)
			if err == nil {
				for _, x := range reqMit[m.To] {
					addMit(x, c)
				}
			}
		}
	}
	for _, t := range cat.Threats {
		r.level[t.ID] = t.Level
		if len(r.exploits[t.ID]) > 0 {
			r.threats = append(r.threats, t.ID)
		}
	}
	sort.Strings(r.threats)
	return r
}

// likelihood is t: the workspace override, else the threat's level, else 2.
func (r *reference) likelihood(threat string) int {
	if v, ok := r.ws.ThreatLevels[threat]; ok && v >= 1 && v <= 3 {
		return v
	}
	if l := r.level[threat]; l >= 1 && l <= 3 {
		return l
	}
	return 2
}

// status is the coverage status of threat at node id ("n/a" when the
// threat enters nowhere there) and the exploitability it gives (0 for n/a).
func (r *reference) status(threat, id string) (graph.CoverageStatus, int) {
	n := r.nodes[id]
	sum, count := 0.0, 0
	for _, x := range r.exploits[threat] {
		if x.Component != n.comp || !slices.Contains(n.layers, x.Layer) {
			continue
		}
		count++
		best := 0.0
		for c := range r.mitig[x.ID] {
			best = max(best, r.own[id][c])
			if !n.org && n.owner != "" {
				best = max(best, r.own[n.owner][c])
			}
		}
		sum += best
	}
	switch {
	case count == 0:
		return graph.NotApplicable, 0
	case sum == float64(count):
		return graph.Covered, 1
	case sum == 0:
		return graph.Uncovered, 3
	default:
		return graph.PartlyCovered, 2
	}
}

func (r *reference) score(asset, threat string, v int) score {
	return r.scoreOf(r.nodes[asset].imp, r.likelihood(threat), v)
}

func (r *reference) scoreOf(imp, t, v int) score {
	d := refDamage[t][v]
	risk := imp * d
	band := low
	if risk >= 6 {
		band = high
	} else if risk == 4 {
		band = medium
	}
	return score{imp, t, v, d, risk, band}
}

// refReach is the reference answer for one threat reaching an asset.
type refReach struct {
	Threat    string
	Score     score
	Paths     [][]string
	Statuses  [][]graph.CoverageStatus // per path, per hop
	Truncated bool
}

// errTooManyPaths stops an enumeration that would not finish in time.
var errTooManyPaths = fmt.Errorf("storetest: reference: too many simple paths")

// reaching answers ThreatsReaching(asset) by enumerating every simple path of
// at most maxHops steps that ends at the asset.
func (r *reference) reaching(asset string, maxHops, limit int) ([]refReach, error) {
	best := map[string][]string{} // start -> smallest shortest path (start first)
	onPath := map[string]bool{asset: true}
	stack := []string{asset} // asset first, start last
	visited := 0
	var dfs func() error
	dfs = func() error {
		visited++
		if visited > 2_000_000 {
			return errTooManyPaths
		}
		p := slices.Clone(stack)
		slices.Reverse(p)
		if b, ok := best[p[0]]; !ok || len(p) < len(b) || (len(p) == len(b) && slices.Compare(p, b) < 0) {
			best[p[0]] = p
		}
		if len(stack)-1 == maxHops {
			return nil
		}
		for _, x := range r.pred[stack[len(stack)-1]] {
			if onPath[x] {
				continue
			}
			onPath[x] = true
			stack = append(stack, x)
			if err := dfs(); err != nil {
				return err
			}
			stack = stack[:len(stack)-1]
			onPath[x] = false
		}
		return nil
	}
	if err := dfs(); err != nil {
		return nil, err
	}
	var out []refReach
	for _, t := range r.threats {
		var entries [][]string
		v := 0
		for start, p := range best {
			if _, x := r.status(t, start); x > 0 {
				entries = append(entries, p)
				v = max(v, x)
			}
		}
		if len(entries) == 0 {
			continue
		}
		sort.Slice(entries, func(i, j int) bool {
			if len(entries[i]) != len(entries[j]) {
				return len(entries[i]) < len(entries[j])
			}
			return entries[i][0] < entries[j][0]
		})
		rr := refReach{Threat: t, Score: r.score(asset, t, v), Truncated: len(entries) > limit}
		for _, p := range entries[:min(limit, len(entries))] {
			rr.Paths = append(rr.Paths, p)
			var sts []graph.CoverageStatus
			for _, id := range p {
				s, _ := r.status(t, id)
				sts = append(sts, s)
			}
			rr.Statuses = append(rr.Statuses, sts)
		}
		out = append(out, rr)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score.risk != out[j].Score.risk {
			return out[i].Score.risk > out[j].Score.risk
		}
		return out[i].Threat < out[j].Threat
	})
	return out, nil
}

// refReached is the reference answer for one asset of a blast radius.
type refReached struct {
	Asset string
	Hops  int
	Score score
}

// refBlast is a threat's blast radius with what a path check needs.
type refBlast struct {
	entries int
	assets  []refReached
	// dist[v][node]: steps from the nearest entry of exploitability v.
	dist [4]map[string]int
	v    map[string]int // asset -> v
}

// bfs returns the distances from start along compromise flows, up to maxHops.
func (r *reference) bfs(start string, maxHops int) map[string]int {
	d := map[string]int{start: 0}
	frontier := []string{start}
	for step := 1; step <= maxHops && len(frontier) > 0; step++ {
		var next []string
		for _, x := range frontier {
			for _, y := range r.succ[x] {
				if _, ok := d[y]; !ok {
					d[y] = step
					next = append(next, y)
				}
			}
		}
		frontier = next
	}
	return d
}

// blast answers AssetsReachedBy(threat): one breadth-first search per entry;
// an asset takes the highest v among the entries within maxHops, and the
// fewest steps from an entry of that v.
func (r *reference) blast(threat string, maxHops int) *refBlast {
	rb := &refBlast{v: map[string]int{}}
	for v := range rb.dist {
		rb.dist[v] = map[string]int{}
	}
	ids := make([]string, 0, len(r.nodes))
	for id := range r.nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		_, v := r.status(threat, id)
		if v == 0 {
			continue
		}
		rb.entries++
		for y, d := range r.bfs(id, maxHops) {
			if old, ok := rb.dist[v][y]; !ok || d < old {
				rb.dist[v][y] = d
			}
		}
	}
	for _, id := range ids {
		if r.nodes[id].org {
			continue
		}
		for v := 3; v >= 1; v-- {
			if d, ok := rb.dist[v][id]; ok {
				rb.v[id] = v
				rb.assets = append(rb.assets, refReached{Asset: id, Hops: d, Score: r.score(id, threat, v)})
				break
			}
		}
	}
	sort.SliceStable(rb.assets, func(i, j int) bool {
		a, b := rb.assets[i], rb.assets[j]
		if a.Score.risk != b.Score.risk {
			return a.Score.risk > b.Score.risk
		}
		if a.Hops != b.Hops {
			return a.Hops < b.Hops
		}
		return a.Asset < b.Asset
	})
	return rb
}

// checkPath tells what is wrong with p as the documented path of a reached
// asset: it must start at an entry of the asset's v, take Hops steps along
// compromise flows, and walking back from the asset take at each step the
// smallest node one step nearer to that v's entries; "" when it is right.
func (rb *refBlast) checkPath(r *reference, asset string, p []string) string {
	v := rb.v[asset]
	dist := rb.dist[v]
	if len(p) == 0 || p[len(p)-1] != asset {
		return "does not end at the asset"
	}
	if len(p)-1 != dist[asset] {
		return fmt.Sprintf("has %d steps, want %d", len(p)-1, dist[asset])
	}
	if dist[p[0]] != 0 {
		return fmt.Sprintf("starts at %s, not an entry of v %d", p[0], v)
	}
	for i := len(p) - 1; i > 0; i-- {
		want := ""
		for _, x := range r.pred[p[i]] {
			if d, ok := dist[x]; ok && d == dist[p[i]]-1 && (want == "" || x < want) {
				want = x
			}
		}
		if p[i-1] != want {
			return fmt.Sprintf("steps back from %s to %s, want %s", p[i], p[i-1], want)
		}
	}
	return ""
}

// pairs returns every (threat, asset) pair within maxHops as
// "threat/asset" with its score, by threat then asset.
func (r *reference) pairs(maxHops int) map[string]score {
	out := map[string]score{}
	for _, t := range r.threats {
		for _, a := range r.blast(t, maxHops).assets {
			out[t+"/"+a.Asset] = a.Score
		}
	}
	return out
}

// refCPSFCell is the reference answer for one cell of the CPSF map.
type refCPSFCell struct {
	Assets, Orgs, Pairs, MaxRisk, HighPairs, RiskSources, Assessed int
	Coverage                                                       float64
	Requirements                                                   []string
}

// cpsf answers HeatmapCPSF: per (layer, component) cell, the nodes in it,
// the catalog's risk sources there and their mean coverage over the nodes,
// the requirements that mitigate them, and the (threat, asset) pairs of the
// cell's assets.
func (r *reference) cpsf(maxHops int) map[graph.Cell]*refCPSFCell {
	out := map[graph.Cell]*refCPSFCell{}
	for _, l := range graph.Layers {
		for _, c := range graph.Components {
			out[graph.Cell{Layer: l, Component: c}] = &refCPSFCell{}
		}
	}
	reqs := map[graph.Cell]map[string]bool{}
	rsIn := map[graph.Cell][]string{}
	for _, x := range r.cat.RiskSources {
		cell := graph.Cell{Layer: x.Layer, Component: x.Component}
		out[cell].RiskSources++
		rsIn[cell] = append(rsIn[cell], x.ID)
		for _, m := range r.cat.Mappings {
			if m.Type == graph.RelMitigates && !m.FromControl && m.To == x.ID {
				if reqs[cell] == nil {
					reqs[cell] = map[string]bool{}
				}
				reqs[cell][m.From] = true
			}
		}
	}
	for cell, set := range reqs {
		for q := range set {
			out[cell].Requirements = append(out[cell].Requirements, q)
		}
		slices.Sort(out[cell].Requirements)
	}
	sums := map[graph.Cell]float64{}
	for _, n := range r.nodes {
		for _, l := range n.layers {
			cell := graph.Cell{Layer: l, Component: n.comp}
			if n.org {
				out[cell].Orgs++
			} else {
				out[cell].Assets++
			}
			for _, rs := range rsIn[cell] {
				best := 0.0
				for c := range r.mitig[rs] {
					best = max(best, r.own[n.id][c])
					if !n.org && n.owner != "" {
						best = max(best, r.own[n.owner][c])
					}
				}
				out[cell].Assessed++
				sums[cell] += best
			}
		}
	}
	for cell, c := range out {
		if c.Assessed > 0 {
			c.Coverage = sums[cell] / float64(c.Assessed)
		}
	}
	for key, sc := range r.pairs(maxHops) {
		asset := key[strings.IndexByte(key, '/')+1:]
		n := r.nodes[asset]
		for _, l := range n.layers {
			c := out[graph.Cell{Layer: l, Component: n.comp}]
			c.Pairs++
			c.MaxRisk = max(c.MaxRisk, sc.risk)
			if sc.risk >= 6 {
				c.HighPairs++
			}
		}
	}
	return out
}

// supply answers HeatmapSupply as rows "ORG tier T supplied N: FUNCTION
// COVERED/REQUIREMENTS ...", ordered by tier (unlinked last), then ID.
func (r *reference) supply() []string {
	tier := map[string]int{}
	var frontier []string
	for _, o := range r.b.Orgs {
		if o.Role == graph.RoleSelf {
			tier[o.ID] = 0
			frontier = append(frontier, o.ID)
		}
	}
	for d := 1; len(frontier) > 0; d++ {
		var next []string
		for _, x := range frontier {
			for _, e := range r.b.Edges {
				if e.Type == graph.RelSupplies && e.To == x {
					if _, ok := tier[e.From]; !ok {
						tier[e.From] = d
						next = append(next, e.From)
					}
				}
			}
		}
		frontier = next
	}
	supplied := map[string]int{}
	for _, e := range r.b.Edges {
		if e.Type == graph.RelSuppliedBy {
			supplied[e.To]++
		}
	}
	fns := []string{"Identify", "Protect", "Detect", "Respond/Recover"}
	byFn := map[string][]string{}
	for _, q := range r.cat.Requirements {
		for _, f := range fns {
			if strings.HasPrefix(q.Function, f) {
				byFn[f] = append(byFn[f], q.ID)
			}
		}
	}
	type row struct {
		id, line string
		tier     int
	}
	var rows []row
	for _, o := range r.b.Orgs {
		t, ok := tier[o.ID]
		if !ok {
			t = -1
		}
		line := fmt.Sprintf("%s tier %d supplied %d:", o.ID, t, supplied[o.ID])
		for _, f := range fns {
			covered := 0.0
			for _, q := range byFn[f] {
				best := 0.0
				for _, m := range r.cat.Mappings {
					if m.Type == graph.RelMapsTo && m.To == q {
						if c, err := graph.ParseControlRef(m.From); err == nil {
							best = max(best, r.own[o.ID][c])
						}
					}
				}
				covered += best
			}
			line += fmt.Sprintf(" %s %.9f/%d", f, covered, len(byFn[f]))
		}
		if t < 0 {
			t = 1 << 30
		}
		rows = append(rows, row{o.ID, line, t})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].tier != rows[j].tier {
			return rows[i].tier < rows[j].tier
		}
		return rows[i].id < rows[j].id
	})
	out := make([]string, len(rows))
	for i, x := range rows {
		out[i] = x.line
	}
	return out
}
