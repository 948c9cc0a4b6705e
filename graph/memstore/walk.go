package memstore

import (
	"context"
	"slices"
	"sync"

	"cpsfgraph/graph"
)

// marks holds, per node number, the depth at which a walk reached the node
// plus one (0 = not reached). Walks borrow one from the pool and clear it.
var marks = sync.Pool{New: func() any { return new([]int32) }}

// Walk walks compromise flows breadth-first from spec.Starts; see
// graph.Store.
func (s *Store) Walk(ctx context.Context, ws string, spec graph.WalkSpec, fn func(graph.Level) bool) error {
	w, err := s.ws(ws)
	if err != nil {
		return err
	}
	if spec.MaxHops < 0 {
		return invalidf("walk: maxHops %d is negative", spec.MaxHops)
	}
	if spec.Prune != nil && (spec.Parents || spec.FirstParent) {
		return invalidf("walk: Prune cannot be combined with Parents or FirstParent")
	}
	fwd, back := &w.down, &w.up
	switch spec.Dir {
	case graph.Downstream:
	case graph.Upstream:
		fwd, back = back, fwd
	default:
		return invalidf("walk: unknown direction %d", spec.Dir)
	}
	level := make([]int32, 0, len(spec.Starts))
	for _, id := range spec.Starts {
		p, ok := w.pos[id]
		if !ok {
			return &graph.NotFoundError{Kind: "node", ID: id, In: ws}
		}
		level = append(level, p)
	}
	slices.Sort(level)
	level = slices.Compact(level)
	if len(level) == 0 {
		return nil
	}

	mp := marks.Get().(*[]int32)
	if cap(*mp) < len(w.ids) {
		*mp = make([]int32, len(w.ids))
	}
	mark := (*mp)[:len(w.ids)]
	defer func() {
		clear(mark)
		marks.Put(mp)
	}()
	for _, p := range level {
		mark[p] = 1
	}

	for depth := 0; ; depth++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		l := graph.Level{Depth: depth, Nodes: make([]graph.NodeFacts, len(level))}
		for i, p := range level {
			l.Nodes[i] = w.facts[p]
		}
		if spec.Parents && depth > 0 {
			// One backing array for the level; each list's capacity is cut
			// so that an append by the caller cannot spill into the next.
			l.Parents = make(map[string][]string, len(level))
			var buf []string
			for _, p := range level {
				start := len(buf)
				for _, q := range back.of(p) { // sorted by node number = by ID
					if mark[q] == int32(depth) { // reached at depth-1
						buf = append(buf, w.ids[q])
					}
				}
				l.Parents[w.ids[p]] = buf[start:len(buf):len(buf)]
			}
		}
		if spec.FirstParent && depth > 0 {
			l.FirstParent = make([]string, len(level))
			for i, p := range level {
				for _, q := range back.of(p) { // sorted by node number = by ID
					if mark[q] == int32(depth) {
						l.FirstParent[i] = w.ids[q]
						break
					}
				}
			}
		}
		if !fn(l) || depth == spec.MaxHops {
			return nil
		}
		var next []int32
		for _, p := range level {
			if spec.Prune != nil && spec.Prune(w.ids[p], depth) {
				continue
			}
			for _, q := range fwd.of(p) {
				if mark[q] == 0 {
					mark[q] = int32(depth + 2)
					next = append(next, q)
				}
			}
		}
		if len(next) == 0 {
			return nil
		}
		if len(next) > len(mark)/16 {
			// A big level: collecting it in node order from the marks is
			// cheaper than sorting it.
			next = next[:0]
			for q, m := range mark {
				if m == int32(depth+2) {
					next = append(next, int32(q))
				}
			}
		} else {
			slices.Sort(next)
		}
		level = next
	}
}
