package memstore

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"cpsfgraph/graph"
)

// wsData is the primary content of one workspace. Maps hold pointers to
// values that are never modified once published: a write clones the maps
// and replaces the entries it changes.
type wsData struct {
	orgs     map[string]*graph.Org
	assets   map[string]*graph.Asset
	edges    map[graph.EdgeKey]*graph.Edge
	statuses map[graph.StatusKey]*graph.ControlStatus
}

func newWSData() *wsData {
	return &wsData{
		orgs:     map[string]*graph.Org{},
		assets:   map[string]*graph.Asset{},
		edges:    map[graph.EdgeKey]*graph.Edge{},
		statuses: map[graph.StatusKey]*graph.ControlStatus{},
	}
}

// clone copies the maps (not the values, which are immutable).
func (d *wsData) clone() *wsData {
	return &wsData{
		orgs:     cloneMap(d.orgs),
		assets:   cloneMap(d.assets),
		edges:    cloneMap(d.edges),
		statuses: cloneMap(d.statuses),
	}
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// csr is a compressed adjacency list: the neighbours of node i are
// to[off[i]:off[i+1]], sorted and without duplicates.
type csr struct {
	off []int32
	to  []int32
}

func (c *csr) of(i int32) []int32 { return c.to[c.off[i]:c.off[i+1]] }

// buildCSR builds adjacency lists over n nodes from packed (from<<32 | to)
// pairs; it sorts and deduplicates pairs in place.
func buildCSR(n int, pairs []uint64) csr {
	slices.Sort(pairs)
	pairs = slices.Compact(pairs)
	c := csr{off: make([]int32, n+1), to: make([]int32, len(pairs))}
	for i, p := range pairs {
		c.off[int32(p>>32)+1]++
		c.to[i] = int32(uint32(p))
	}
	for i := 1; i <= n; i++ {
		c.off[i] += c.off[i-1]
	}
	return c
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
	// nodeEdges lists each node's edges (either end).
	edgeOff []int32
	edgeOf  []*graph.Edge
	cells   [3][6][]int32 // node numbers by (layer, component)

	sortedOnce  sync.Once
	sortedEdges []*graph.Edge // by (type, from, to)
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

func compareEdgeKey(a, b graph.EdgeKey) int {
	if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
		return c
	}
	if c := strings.Compare(a.From, b.From); c != 0 {
		return c
	}
	return strings.Compare(a.To, b.To)
}

// buildState indexes d. d must be valid: edges and statuses name existing
// nodes.
func buildState(info graph.Workspace, d *wsData) *wsState {
	return &wsState{info: info, index: buildIndex(d)}
}

func buildIndex(d *wsData) *index {
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

	var down []uint64
	ends := make([]int32, 0, 2*len(d.edges))
	edges := make([]*graph.Edge, 0, len(d.edges))
	for _, e := range d.edges {
		a, b := s.pos[e.From], s.pos[e.To]
		edges = append(edges, e)
		ends = append(ends, a, b)
		switch graph.FlowOf(e.Type) {
		case graph.FlowForward:
			down = append(down, pack(a, b))
		case graph.FlowBackward:
			down = append(down, pack(b, a))
		case graph.FlowBoth:
			down = append(down, pack(a, b), pack(b, a))
		}
	}
	up := make([]uint64, len(down))
	for i, p := range down {
		up[i] = p<<32 | p>>32
	}
	s.down = buildCSR(n, down)
	s.up = buildCSR(n, up)

	// Edges by node: counting sort on the end points.
	s.edgeOff = make([]int32, n+1)
	for i := range edges {
		a, b := ends[2*i], ends[2*i+1]
		s.edgeOff[a+1]++
		if b != a {
			s.edgeOff[b+1]++
		}
	}
	for i := 1; i <= n; i++ {
		s.edgeOff[i] += s.edgeOff[i-1]
	}
	s.edgeOf = make([]*graph.Edge, s.edgeOff[n])
	fill := slices.Clone(s.edgeOff[:n])
	for i, e := range edges {
		a, b := ends[2*i], ends[2*i+1]
		s.edgeOf[fill[a]] = e
		fill[a]++
		if b != a {
			s.edgeOf[fill[b]] = e
			fill[b]++
		}
	}
	return s
}

func pack(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// allEdges returns every edge sorted by (type, from, to), computed once.
func (s *index) allEdges() []*graph.Edge {
	s.sortedOnce.Do(func() {
		s.sortedEdges = make([]*graph.Edge, 0, len(s.edges))
		for _, e := range s.edges {
			s.sortedEdges = append(s.sortedEdges, e)
		}
		slices.SortFunc(s.sortedEdges, func(a, b *graph.Edge) int { return compareEdgeKey(a.Key(), b.Key()) })
	})
	return s.sortedEdges
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
