package memstore

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"sync"

	"cpsfgraph/graph"
)

// wsData is the primary content of one workspace. The maps hold pointers
// to values that are never modified once published, and the edge list is
// never modified once published: a write clones them and replaces the
// entries it changes.
type wsData struct {
	orgs     map[string]*graph.Org
	assets   map[string]*graph.Asset
	edges    []edgeRec     // in no order; the index finds one by key
	stamps   []graph.Stamp // the edges' stamps
	statuses map[graph.StatusKey]*graph.ControlStatus
}

// edgeRec is an edge as a workspace keeps it: 40 bytes where a graph.Edge
// takes 128, since the edges of one import share a few stamps.
type edgeRec struct {
	From, To string
	stamp    int32 // index into wsData.stamps
	typ      uint8 // index into graph.EdgeTypes
	dead     bool  // removed by the write that is building the list
}

// edgeTypeIndex returns t's index in graph.EdgeTypes, or -1.
func edgeTypeIndex(t graph.RelType) int { return slices.Index(graph.EdgeTypes, t) }

func (r *edgeRec) typeName() graph.RelType { return graph.EdgeTypes[r.typ] }

// edgeAt returns edge i as a graph.Edge.
func (d *wsData) edgeAt(i int32) graph.Edge {
	r := &d.edges[i]
	return graph.Edge{Type: r.typeName(), From: r.From, To: r.To, Stamp: d.stamps[r.stamp]}
}

func newWSData() *wsData {
	return &wsData{
		orgs:     map[string]*graph.Org{},
		assets:   map[string]*graph.Asset{},
		statuses: map[graph.StatusKey]*graph.ControlStatus{},
	}
}

// clone copies the maps and the edge list (not the values, which are
// immutable).
func (d *wsData) clone() *wsData {
	return &wsData{
		orgs:     cloneMap(d.orgs),
		assets:   cloneMap(d.assets),
		edges:    slices.Clone(d.edges),
		stamps:   d.stamps,
		statuses: cloneMap(d.statuses),
	}
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if out := maps.Clone(m); out != nil {
		return out
	}
	return map[K]V{}
}

// layerSets holds one shared, sorted slice per set of layers, indexed by
// bit mask (bit i = graph.Layers[i]); assets share them.
var layerSets = func() (sets [8][]graph.LayerID) {
	for m := 1; m < 8; m++ {
		for i, l := range graph.Layers {
			if m&(1<<i) != 0 {
				sets[m] = append(sets[m], l)
			}
		}
		sets[m] = slices.Clip(sets[m])
	}
	return sets
}()

// layerSet returns the shared slice of the layers in ls (valid layers
// only), sorted and without duplicates; nil for none.
func layerSet(ls []graph.LayerID) []graph.LayerID {
	m := 0
	for _, l := range ls {
		if i := layerIndex(l); i >= 0 {
			m |= 1 << i
		}
	}
	return layerSets[m]
}

// csr is a compressed adjacency list: the neighbours of node i are
// to[off[i]:off[i+1]], sorted and without duplicates.
type csr struct {
	off []int32
	to  []int32
}

func (c *csr) of(i int32) []int32 { return c.to[c.off[i]:c.off[i+1]] }

// buildCSR builds adjacency lists over n nodes from the arcs from[i] ->
// to[i]: a counting sort by source, then each list sorted and
// deduplicated.
func buildCSR(n int, from, to []int32) csr {
	off := make([]int32, n+1)
	for _, a := range from {
		off[a+1]++
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	raw := make([]int32, len(to))
	fill := slices.Clone(off[:n])
	for i, a := range from {
		raw[fill[a]] = to[i]
		fill[a]++
	}
	c := csr{off: make([]int32, n+1), to: raw[:0]}
	for i := range n {
		l := raw[off[i]:off[i+1]]
		slices.Sort(l)
		l = slices.Compact(l)
		c.to = append(c.to, l...) // never overtakes the list it copies
		c.off[i+1] = int32(len(c.to))
	}
	return c
}

// transpose returns the reverse adjacency of c; its lists come out sorted
// because c is walked in node order.
func (c *csr) transpose() csr {
	n := len(c.off) - 1
	t := csr{off: make([]int32, n+1), to: make([]int32, len(c.to))}
	for _, b := range c.to {
		t.off[b+1]++
	}
	for i := 1; i <= n; i++ {
		t.off[i] += t.off[i-1]
	}
	fill := slices.Clone(t.off[:n])
	for a := range n {
		for _, b := range c.of(int32(a)) {
			t.to[fill[b]] = int32(a)
			fill[b]++
		}
	}
	return t
}

// wsState is a published, immutable workspace.
type wsState struct {
	info graph.Workspace
	*index
}

// index is a workspace's content and the indexes the queries use. Nodes
// (assets and organizations) are numbered by the rank of their ID, so
// sorting node numbers sorts by ID.
type index struct {
	*wsData

	ids        []string // node IDs, sorted
	pos        map[string]int32
	facts      []graph.NodeFacts // by node number
	assetNodes []int32           // node numbers of the assets, ascending
	orgNodes   []int32           // node numbers of the organizations, ascending
	down       csr               // where compromise flows next
	up         csr               // where compromise comes from
	// ends holds the node numbers of edge i's ends at 2i and 2i+1;
	// edgeOf[edgeOff[p]:edgeOff[p+1]] lists the edges touching node p
	// (indexes into edges).
	ends    []int32
	edgeOff []int32
	edgeOf  []int32
	cells   [3][6][]int32 // node numbers by (layer, component)

	sortedOnce  sync.Once
	sortedEdges []int32 // edge indexes by (type, from, to)
	textOnce    sync.Once
	text        []string // per asset (parallel to assetNodes): lower-cased searchable text
}

func layerIndex(l graph.LayerID) int {
	switch l {
	case graph.L1:
		return 0
	case graph.L2:
		return 1
	case graph.L3:
		return 2
	}
	return -1
}

func componentIndex(c graph.Component) int { return slices.Index(graph.Components, c) }

func compareStatus(a, b *graph.ControlStatus) int {
	if c := strings.Compare(a.Subject, b.Subject); c != 0 {
		return c
	}
	return a.Control.Compare(b.Control)
}

// buildState indexes d. d must be valid: edges and statuses name existing
// nodes. ends, when not nil, holds the node numbers of the edges' ends (see
// index.ends), which spares the look-ups.
func buildState(info graph.Workspace, d *wsData, ends []int32) *wsState {
	return &wsState{info: info, index: buildIndex(d, ends)}
}

func buildIndex(d *wsData, ends []int32) *index {
	s := &index{wsData: d}
	n := len(d.orgs) + len(d.assets)
	s.ids = make([]string, 0, n)
	for id := range d.orgs {
		s.ids = append(s.ids, id)
	}
	for id := range d.assets {
		s.ids = append(s.ids, id)
	}
	slices.Sort(s.ids)
	s.pos = make(map[string]int32, n)
	for i, id := range s.ids {
		s.pos[id] = int32(i)
	}

	// Statuses grouped by subject, sorted, sharing one array; each group's
	// capacity is cut so that an append by a caller cannot spill over.
	all := make([]graph.ControlStatus, 0, len(d.statuses))
	for _, st := range d.statuses {
		all = append(all, *st)
	}
	slices.SortFunc(all, func(a, b graph.ControlStatus) int { return compareStatus(&a, &b) })
	bySubject := make(map[string][]graph.ControlStatus)
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].Subject == all[i].Subject {
			j++
		}
		bySubject[all[i].Subject] = all[i:j:j]
		i = j
	}

	s.facts = make([]graph.NodeFacts, n)
	for i, id := range s.ids {
		if o, ok := d.orgs[id]; ok {
			s.facts[i] = graph.OrgFacts(*o, bySubject[id])
			s.orgNodes = append(s.orgNodes, int32(i))
			s.cells[0][0] = append(s.cells[0][0], int32(i))
			continue
		}
		a := d.assets[id]
		s.facts[i] = graph.AssetFacts(*a, bySubject[id])
		s.assetNodes = append(s.assetNodes, int32(i))
		ci := componentIndex(a.Component)
		for _, l := range a.Layers {
			if li := layerIndex(l); li >= 0 && ci >= 0 {
				s.cells[li][ci] = append(s.cells[li][ci], int32(i))
			}
		}
	}

	if ends == nil {
		ends = make([]int32, 2*len(d.edges))
		for i, e := range d.edges {
			ends[2*i], ends[2*i+1] = s.pos[e.From], s.pos[e.To]
		}
	}
	s.ends = ends
	// Compromise flows as arcs a -> b.
	arcs := 0
	for _, e := range d.edges {
		switch graph.FlowOf(e.typeName()) {
		case graph.FlowForward, graph.FlowBackward:
			arcs++
		case graph.FlowBoth:
			arcs += 2
		}
	}
	from, to := make([]int32, 0, arcs), make([]int32, 0, arcs)
	arc := func(a, b int32) { from, to = append(from, a), append(to, b) }
	for i, e := range d.edges {
		a, b := ends[2*i], ends[2*i+1]
		switch graph.FlowOf(e.typeName()) {
		case graph.FlowForward:
			arc(a, b)
		case graph.FlowBackward:
			arc(b, a)
		case graph.FlowBoth:
			arc(a, b)
			arc(b, a)
		}
	}
	s.down = buildCSR(n, from, to)
	s.up = s.down.transpose()

	// Edges by node: counting sort on the end points.
	s.edgeOff = make([]int32, n+1)
	for i := range d.edges {
		a, b := ends[2*i], ends[2*i+1]
		s.edgeOff[a+1]++
		if b != a {
			s.edgeOff[b+1]++
		}
	}
	for i := 1; i <= n; i++ {
		s.edgeOff[i] += s.edgeOff[i-1]
	}
	s.edgeOf = make([]int32, s.edgeOff[n])
	fill := slices.Clone(s.edgeOff[:n])
	for i := range d.edges {
		a, b := ends[2*i], ends[2*i+1]
		s.edgeOf[fill[a]] = int32(i)
		fill[a]++
		if b != a {
			s.edgeOf[fill[b]] = int32(i)
			fill[b]++
		}
	}
	return s
}

// edge returns the index of the edge with key k.
func (s *index) edge(k graph.EdgeKey) (int, bool) {
	p, ok := s.pos[k.From]
	if !ok {
		return 0, false
	}
	t := edgeTypeIndex(k.Type)
	for _, i := range s.edgeOf[s.edgeOff[p]:s.edgeOff[p+1]] {
		if e := &s.edges[i]; int(e.typ) == t && e.From == k.From && e.To == k.To {
			return int(i), true
		}
	}
	return 0, false
}

// allEdges returns the indexes of every edge sorted by (type, from, to),
// computed once.
func (s *index) allEdges() []int32 {
	s.sortedOnce.Do(func() {
		s.sortedEdges = make([]int32, len(s.edges))
		for i := range s.sortedEdges {
			s.sortedEdges[i] = int32(i)
		}
		slices.SortFunc(s.sortedEdges, func(a, b int32) int { return s.compareEdges(a, b) })
	})
	return s.sortedEdges
}

func (s *index) compareEdges(a, b int32) int {
	x, y := &s.edges[a], &s.edges[b]
	if c := strings.Compare(string(x.typeName()), string(y.typeName())); c != 0 {
		return c
	}
	if c := strings.Compare(x.From, y.From); c != 0 {
		return c
	}
	return strings.Compare(x.To, y.To)
}

// assetText returns the lower-cased searchable text of the i-th asset (in
// s.assetNodes order), computed once for all.
func (s *index) assetText(i int) string {
	s.textOnce.Do(func() {
		s.text = make([]string, len(s.assetNodes))
		for j, p := range s.assetNodes {
			a := s.assets[s.ids[p]]
			s.text[j] = strings.ToLower(a.ID + "\x00" + a.Name + "\x00" + a.Category + "\x00" + a.Media)
		}
	})
	return s.text[i]
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
