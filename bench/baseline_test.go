package bench

import (
	"slices"

	"cpsfgraph/graph"
)

// adjacency is the company graph held in plain Go slices (CSR), with no
// store behind it: the baseline the store's traversal is measured against.
type adjacency struct {
	ids  []string
	pos  map[string]int32
	up   csr // against the compromise flow: from a node to those that can compromise it
	down csr // along the flow
	// cell lists the nodes of each (layer, component) cell.
	cell map[graph.Cell][]int32
}

type csr struct {
	off []int32
	to  []int32
}

func (c *csr) of(i int32) []int32 { return c.to[c.off[i]:c.off[i+1]] }

func buildCSR(n int, pairs [][2]int32) csr {
	c := csr{off: make([]int32, n+1), to: make([]int32, len(pairs))}
	for _, p := range pairs {
		c.off[p[0]+1]++
	}
	for i := range n {
		c.off[i+1] += c.off[i]
	}
	fill := slices.Clone(c.off[:n])
	for _, p := range pairs {
		c.to[fill[p[0]]] = p[1]
		fill[p[0]]++
	}
	return c
}

// newAdjacency indexes a batch: nodes are its organizations and assets.
func newAdjacency(b *graph.Batch) *adjacency {
	a := &adjacency{pos: map[string]int32{}, cell: map[graph.Cell][]int32{}}
	add := func(id string, comp graph.Component, layers []graph.LayerID) {
		p := int32(len(a.ids))
		a.ids = append(a.ids, id)
		a.pos[id] = p
		for _, l := range layers {
			c := graph.Cell{Layer: l, Component: comp}
			a.cell[c] = append(a.cell[c], p)
		}
	}
	for _, o := range b.Orgs {
		add(o.ID, graph.Organization, []graph.LayerID{graph.L1})
	}
	for _, x := range b.Assets {
		add(x.ID, x.Component, x.Layers)
	}
	var down [][2]int32 // (from, to) along the flow
	for _, e := range b.Edges {
		f, t := a.pos[e.From], a.pos[e.To]
		switch graph.FlowOf(e.Type) {
		case graph.FlowForward:
			down = append(down, [2]int32{f, t})
		case graph.FlowBackward:
			down = append(down, [2]int32{t, f})
		case graph.FlowBoth:
			down = append(down, [2]int32{f, t}, [2]int32{t, f})
		}
	}
	up := make([][2]int32, len(down))
	for i, p := range down {
		up[i] = [2]int32{p[1], p[0]}
	}
	a.down = buildCSR(len(a.ids), down)
	a.up = buildCSR(len(a.ids), up)
	return a
}

// bfs walks c breadth-first from starts to maxHops steps and returns the
// nodes reached with their depth (starts at depth 0), in visiting order.
// depth is scratch space of len(ids), all -1 on entry and on return.
func (a *adjacency) bfs(c *csr, starts []int32, maxHops int, depth []int8) []int32 {
	var order []int32
	for _, s := range starts {
		if depth[s] < 0 {
			depth[s] = 0
			order = append(order, s)
		}
	}
	lo := 0
	for d := 1; d <= maxHops; d++ {
		hi := len(order)
		if lo == hi {
			break
		}
		for _, p := range order[lo:hi] {
			for _, q := range c.of(p) {
				if depth[q] < 0 {
					depth[q] = int8(d)
					order = append(order, q)
				}
			}
		}
		lo = hi
	}
	for _, p := range order {
		depth[p] = -1
	}
	return order
}

func (a *adjacency) scratch() []int8 {
	d := make([]int8, len(a.ids))
	for i := range d {
		d[i] = -1
	}
	return d
}

// entries returns the nodes in any of the cells, sorted and unique.
func (a *adjacency) entries(cells []graph.Cell) []int32 {
	var out []int32
	for _, c := range cells {
		out = append(out, a.cell[c]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
