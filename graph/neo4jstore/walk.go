package neo4jstore

import (
	"cmp"
	"context"
	"encoding/binary"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"golang.org/x/sync/errgroup"

	"cpsfgraph/graph"
)

// flowTypes returns the relationship types a walk follows outgoing and
// incoming, from graph.FlowOf: downstream, a forward type is followed
// along its direction and a backward type against it; upstream the other
// way round.
func flowTypes(dir graph.Direction) (out, in []string) {
	for _, t := range graph.EdgeTypes {
		f := graph.FlowOf(t)
		fwd := f == graph.FlowForward || f == graph.FlowBoth
		back := f == graph.FlowBackward || f == graph.FlowBoth
		if dir == graph.Upstream {
			fwd, back = back, fwd
		}
		if fwd {
			out = append(out, string(t))
		}
		if back {
			in = append(in, string(t))
		}
	}
	return out, in
}

// Which parents a level query returns.
const (
	noParents    = iota // the new nodes only
	firstParents        // and each one's first parent on the frontier
	allParents          // and all its parents on the frontier
)

// expandQuery is one level of a walk: from the frontier (element IDs) to
// every neighbour the compromise flows to (downstream) or comes from
// (upstream), one hop, with the frontier nodes it was reached from. The
// frontier is matched in the workspace; its neighbours are not filtered
// again (a property read per neighbour), since a company relationship only
// ever joins two nodes of one workspace (Write matches both ends in it) and
// factsOf reads each new node within the workspace.
//
// Few records, big lists: the driver's cost is per record and per string.
// A level comes back as one record: the new nodes' element IDs (each made
// once, after DISTINCT or the grouping) and, for the parents, positions in
// the frontier list (integers, not element IDs). The walk sends the
// frontier sorted by node ID, so the smallest position is the smallest
// parent ID and Neo4j picks it. The grouping (or DISTINCT) drops the
// duplicates a CONNECTS_TO met both ways makes, so the subquery is a UNION
// ALL (a fifth cheaper than UNION, which deduplicates every frontier
// node's neighbours first); the walk compacts the parent lists.
func expandQuery(dir graph.Direction, parents int) string {
	out, in := flowTypes(dir)
	var ret string
	switch parents {
	case noParents:
		ret = "WITH DISTINCT m RETURN collect(elementId(m)) AS es"
	case firstParents:
		ret = "WITH m, min(i) AS p RETURN collect(elementId(m)) AS es, collect(p) AS ps"
	default:
		ret = "WITH m, collect(i) AS p RETURN collect(elementId(m)) AS es, collect(p) AS ps"
	}
	return `UNWIND range(0, size($frontier) - 1) AS i
		WITH i, $frontier[i] AS f
		MATCH (n) WHERE elementId(n) = f AND n.workspace = $ws
		CALL (n) {
			MATCH (n)-[:` + strings.Join(out, "|") + `]->(m) RETURN m
			UNION ALL
			MATCH (n)<-[:` + strings.Join(in, "|") + `]-(m) RETURN m
		}
		` + ret
}

// expandQueries by direction and parents mode.
var expandQueries = map[graph.Direction][3]string{
	graph.Downstream: {expandQuery(graph.Downstream, noParents), expandQuery(graph.Downstream, firstParents), expandQuery(graph.Downstream, allParents)},
	graph.Upstream:   {expandQuery(graph.Upstream, noParents), expandQuery(graph.Upstream, firstParents), expandQuery(graph.Upstream, allParents)},
}

const factsByElementID = "UNWIND $ids AS e MATCH (n) WHERE elementId(n) = e AND n.workspace = $ws"

// Walk walks compromise flows breadth-first from spec.Starts, one query per
// level bounded by spec.MaxHops (never a variable-length path), and calls
// fn once per level. The visited set lives here; each level is read in its
// own transaction, so fn never runs twice for a level.
func (s *Store) Walk(ctx context.Context, ws string, spec graph.WalkSpec, fn func(graph.Level) bool) error {
	qs, ok := expandQueries[spec.Dir]
	mode := noParents
	switch {
	case spec.Parents:
		mode = allParents
	case spec.FirstParent:
		mode = firstParents
	}
	prunedParents := spec.Prune != nil && (spec.Parents || spec.FirstParent)
	if spec.MaxHops < 0 || !ok || prunedParents {
		// memstore checks the workspace first.
		if _, err := s.Workspace(ctx, ws); err != nil {
			return err
		}
		switch {
		case spec.MaxHops < 0:
			return invalidf("walk: maxHops %d is negative", spec.MaxHops)
		case prunedParents:
			return invalidf("walk: Prune cannot be combined with Parents or FirstParent")
		}
		return invalidf("walk: unknown direction %d", spec.Dir)
	}
	// Level 0: the starts, with the workspace's data version (one query
	// and one record for up to a batch of starts).
	var version string
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		ids := slices.Compact(slices.Sorted(slices.Values(spec.Starts)))
		lv := &walkLevel{}
		elem := map[string]string{}
		if len(ids) == 0 {
			var err error
			version, err = wsVersion(ctx, tx, ws)
			return lv, err
		}
		err := chunks(ids, s.batch, func(b []string) error {
			recs, err := run(ctx, tx, "MATCH (w:"+workspaceLabel+" {id: $ws}) WITH w UNWIND $ids AS id "+
				"OPTIONAL MATCH (o:"+orgLabel+" {workspace: $ws, id: id}) OPTIONAL MATCH (a:"+assetLabel+" {workspace: $ws, id: id}) "+
				"RETURN coalesce(w.version, '') AS v, collect([id, elementId(coalesce(o, a))]) AS rows", map[string]any{"ws": ws, "ids": b})
			if err != nil {
				return err
			}
			if len(recs) == 0 {
				return &graph.NotFoundError{Kind: "workspace", ID: ws}
			}
			version = recStr(recs[0], "v")
			for _, p := range idPairs(recs) {
				if p[1] != "" {
					elem[p[0]] = p[1]
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, id := range spec.Starts { // first unknown start, in the caller's order
			if _, ok := elem[id]; !ok {
				return nil, &graph.NotFoundError{Kind: "node", ID: id, In: ws}
			}
		}
		for _, id := range ids {
			lv.eids = append(lv.eids, elem[id])
		}
		lv.facts, err = s.factsOf(ctx, tx, ws, version, lv.eids)
		return lv, err
	})
	if err != nil {
		return err
	}
	lv := out.(*walkLevel)
	if len(lv.facts) == 0 {
		return nil
	}
	lv.sort()
	w := &walker{s: s, ws: ws, version: version, q: qs[mode], mode: mode, visited: make(map[string]bool, len(lv.eids))}
	for _, e := range lv.eids {
		w.visited[e] = true
	}
	for depth := 0; ; depth++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		l := graph.Level{Depth: depth, Nodes: lv.facts}
		if spec.Parents && depth > 0 {
			l.Parents = lv.parents
		}
		if spec.FirstParent && depth > 0 {
			l.FirstParent = lv.first
			if l.FirstParent == nil {
				l.FirstParent = make([]string, len(lv.facts))
				for i, f := range lv.facts {
					if ps := lv.parents[f.ID]; len(ps) > 0 {
						l.FirstParent[i] = ps[0]
					}
				}
			}
		}
		if !fn(l) || depth == spec.MaxHops {
			return nil
		}
		frontier := lv.eids
		if spec.Prune != nil {
			frontier = nil
			for i, f := range lv.facts {
				if !spec.Prune(f.ID, depth) {
					frontier = append(frontier, lv.eids[i])
				}
			}
			if len(frontier) == 0 {
				return nil
			}
		}
		var ids []string // the frontier's node IDs, for the parents
		if mode != noParents {
			ids = make([]string, len(lv.facts))
			for i, f := range lv.facts {
				ids[i] = f.ID
			}
		}
		if lv, err = w.expand(ctx, frontier, ids); err != nil {
			return err
		}
		if len(lv.facts) == 0 {
			return nil
		}
	}
}

// walkLevel is one level: facts and element IDs in parallel, sorted by ID,
// and the parents: all of them by node ID, or (first) the smallest one
// aligned with facts.
type walkLevel struct {
	facts   []graph.NodeFacts
	eids    []string
	parents map[string][]string
	first   []string
}

func (lv *walkLevel) sort() {
	// Sort keys contiguous in memory, then permute: a level holds up to
	// tens of thousands of nodes. A key leads with the ID's first 8 bytes
	// as a big-endian integer, so most comparisons are one integer
	// comparison; equal prefixes compare the IDs (Go's byte order, as
	// strings.Compare).
	type key struct {
		pre uint64
		id  string
		i   int
	}
	keys := make([]key, len(lv.facts))
	for i := range lv.facts {
		id := lv.facts[i].ID
		var b [8]byte
		copy(b[:], id)
		keys[i] = key{binary.BigEndian.Uint64(b[:]), id, i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.pre, b.pre); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	// Permute in place, cycle by cycle (keys[i].i is where position i's
	// node is now; a placed position is marked -1).
	for i := range keys {
		if keys[i].i < 0 || keys[i].i == i {
			continue
		}
		f, e := lv.facts[i], lv.eids[i]
		var p string
		if lv.first != nil {
			p = lv.first[i]
		}
		j := i
		for {
			k := keys[j].i
			keys[j].i = -1
			if k == i {
				lv.facts[j], lv.eids[j] = f, e
				if lv.first != nil {
					lv.first[j] = p
				}
				break
			}
			lv.facts[j], lv.eids[j] = lv.facts[k], lv.eids[k]
			if lv.first != nil {
				lv.first[j] = lv.first[k]
			}
			j = k
		}
	}
}

// walker is one Walk's state between levels.
type walker struct {
	s           *Store
	ws, version string
	q           string          // the level query
	mode        int             // noParents, firstParents or allParents
	visited     map[string]bool // element IDs of the nodes found so far
}

// levelPart is what one level query returns for a part of the frontier.
type levelPart struct {
	es []string // new nodes' element IDs
	ps []any    // aligned with es: the first parent's position, or all of them
}

// expand reads the next level: the unvisited neighbours of the frontier
// (element IDs), their parents on the frontier (when ids, the frontier's
// node IDs in the same order, is given) and their facts, and marks them
// visited.
//
// A large frontier is read in parts, up to Config.Parallel of them at once
// in their own read transactions, so the server expands them on several
// cores while the driver decodes. Each level was already its own
// transaction; the parts are merged in frontier order (the same answer as
// one query), after every part is read, so a retried part never counts
// twice.
func (w *walker) expand(ctx context.Context, frontier, ids []string) (*walkLevel, error) {
	n := w.s.parts(len(frontier))
	step := (len(frontier) + n - 1) / n
	parts := make([]levelPart, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(w.s.parallel)
	for k := range n {
		b := frontier[min(k*step, len(frontier)):min((k+1)*step, len(frontier))]
		g.Go(func() error {
			out, err := w.s.read(gctx, func(tx neo4j.ManagedTransaction) (any, error) {
				recs, err := run(gctx, tx, w.q, map[string]any{"ws": w.ws, "frontier": b})
				if err != nil || len(recs) == 0 {
					return levelPart{}, err
				}
				v, _ := recs[0].Get("ps")
				ps, _ := v.([]any)
				return levelPart{es: recStrs(recs[0], "es"), ps: ps}, nil
			})
			if err != nil {
				return err
			}
			parts[k] = out.(levelPart)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	lv := &walkLevel{}
	var pos []int // with firstParents: the first parent's position, aligned with lv.eids
	var all [][]int
	var slot map[string]int // with allParents: index in lv.eids
	if w.mode == allParents {
		slot = map[string]int{}
	}
	for k, part := range parts {
		off := k * step
		for i, e := range part.es {
			if w.visited[e] {
				if slot == nil {
					// An earlier level's node, or one an earlier part
					// found (whose positions are smaller).
					continue
				}
				j, ok := slot[e]
				if !ok {
					continue // an earlier level's
				}
				all[j] = appendPositions(all[j], part.ps, i, off)
				continue
			}
			w.visited[e] = true
			lv.eids = append(lv.eids, e)
			switch w.mode {
			case firstParents:
				p := -1
				if i < len(part.ps) {
					if x, ok := part.ps[i].(int64); ok {
						p = off + int(x)
					}
				}
				pos = append(pos, p)
			case allParents:
				slot[e] = len(all)
				all = append(all, appendPositions(nil, part.ps, i, off))
			}
		}
	}
	if len(lv.eids) == 0 {
		return lv, nil
	}
	var err error
	if lv.facts, err = w.s.facts(ctx, w.ws, w.version, lv.eids); err != nil {
		return nil, err
	}
	// A node removed by a write since its level was read has no facts;
	// the walk goes on without it.
	if i := slices.IndexFunc(lv.facts, func(f graph.NodeFacts) bool { return f.ID == "" }); i >= 0 {
		keep := 0
		for j := range lv.facts {
			if lv.facts[j].ID == "" {
				continue
			}
			lv.facts[keep], lv.eids[keep] = lv.facts[j], lv.eids[j]
			if pos != nil {
				pos[keep] = pos[j]
			}
			if all != nil {
				all[keep] = all[j]
			}
			keep++
		}
		lv.facts, lv.eids = lv.facts[:keep], lv.eids[:keep]
		if pos != nil {
			pos = pos[:keep]
		}
		if all != nil {
			all = all[:keep]
		}
	}
	switch w.mode {
	case firstParents:
		lv.first = make([]string, len(pos))
		for i, p := range pos {
			if p >= 0 && p < len(ids) {
				lv.first[i] = ids[p]
			}
		}
	case allParents:
		lv.parents = make(map[string][]string, len(all))
		for j, l := range all {
			slices.Sort(l)
			l = slices.Compact(l)
			ps := make([]string, 0, len(l))
			for _, p := range l {
				if p < len(ids) {
					ps = append(ps, ids[p])
				}
			}
			lv.parents[lv.facts[j].ID] = ps
		}
	}
	lv.sort()
	return lv, nil
}

// appendPositions appends to l the parent positions ps[i] (a list) of a
// part starting at off.
func appendPositions(l []int, ps []any, i, off int) []int {
	if i >= len(ps) {
		return l
	}
	xs, _ := ps[i].([]any)
	for _, x := range xs {
		if p, ok := x.(int64); ok {
			l = append(l, off+int(p))
		}
	}
	return l
}

// parts returns how many parts a frontier of n nodes is read in: one per
// batch, and, with Config.Parallel above 1, at least two per transaction
// that may run at once, while every part still holds minPart nodes. A few
// nodes of a frontier can have most of its neighbours (a network segment
// CONNECTS_TO thousands of hosts), so parts of equal size take unequal
// time; twice as many parts as transactions keeps both busy.
func (s *Store) parts(n int) int {
	k := (n + s.batch - 1) / s.batch
	if s.parallel > 1 {
		k = max(k, min(2*s.parallel, n/minPart))
	}
	return max(k, 1)
}

// minPart is the smallest frontier part worth its own transaction.
const minPart = 128
