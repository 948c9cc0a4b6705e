package neo4jstore

import (
	"context"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

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

// expandQuery is one level of a walk: from the frontier (element IDs) to
// every neighbour the compromise flows to (downstream) or comes from
// (upstream), one hop, with the frontier node it was reached from. The
// frontier is matched in the workspace; its neighbours are not filtered
// again (a property read per neighbour), since a company relationship only
// ever joins two nodes of one workspace (Write matches both ends in it) and
// factsOf reads each new node within the workspace.
func expandQuery(dir graph.Direction, parents bool) string {
	out, in := flowTypes(dir)
	// Few records, big lists: the driver's cost is per record. Element IDs
	// only (no property read per pair; the walk knows the frontier's IDs and
	// reads the new nodes' facts anyway), each new node's made once (after
	// DISTINCT or the grouping) and the parents' taken from the frontier.
	ret := "WITH f, m WITH m, collect(f) AS ps RETURN collect(elementId(m)) AS es, collect(ps) AS pss"
	if !parents {
		ret = "WITH DISTINCT m RETURN collect(elementId(m)) AS es"
	}
	return `UNWIND $frontier AS f
		MATCH (n) WHERE elementId(n) = f AND n.workspace = $ws
		CALL (n) {
			MATCH (n)-[:` + strings.Join(out, "|") + `]->(m) RETURN m
			UNION
			MATCH (n)<-[:` + strings.Join(in, "|") + `]-(m) RETURN m
		}
		` + ret
}

// expandQueries by direction and by whether parents are asked for.
var expandQueries = map[graph.Direction][2]string{
	graph.Downstream: {expandQuery(graph.Downstream, false), expandQuery(graph.Downstream, true)},
	graph.Upstream:   {expandQuery(graph.Upstream, false), expandQuery(graph.Upstream, true)},
}

const factsByElementID = "UNWIND $ids AS e MATCH (n) WHERE elementId(n) = e AND n.workspace = $ws"

// Walk walks compromise flows breadth-first from spec.Starts, one query per
// level bounded by spec.MaxHops (never a variable-length path), and calls
// fn once per level. The visited set lives here; each level is read in its
// own transaction, so fn never runs twice for a level.
func (s *Store) Walk(ctx context.Context, ws string, spec graph.WalkSpec, fn func(graph.Level) bool) error {
	qs, ok := expandQueries[spec.Dir]
	q := qs[0]
	if spec.Parents || spec.FirstParent {
		q = qs[1]
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
			v, _ := recs[0].Get("rows")
			rows, _ := v.([]any)
			for _, x := range rows {
				pair, _ := x.([]any)
				if len(pair) != 2 {
					continue
				}
				id, _ := pair[0].(string)
				if e, _ := pair[1].(string); e != "" {
					elem[id] = e
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
	visited := make(map[string]bool, len(lv.eids)) // by element ID
	for _, e := range lv.eids {
		visited[e] = true
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
			l.FirstParent = make([]string, len(lv.facts))
			for i, f := range lv.facts {
				if ps := lv.parents[f.ID]; len(ps) > 0 {
					l.FirstParent[i] = ps[0]
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
		var ids map[string]string // frontier element ID -> ID, for the parents
		if spec.FirstParent || spec.Parents {
			ids = make(map[string]string, len(lv.eids))
			for i, e := range lv.eids {
				ids[e] = lv.facts[i].ID
			}
		}
		if lv, err = s.expand(ctx, ws, version, q, frontier, ids, visited); err != nil {
			return err
		}
		if len(lv.facts) == 0 {
			return nil
		}
	}
}

// walkLevel is one level: facts and element IDs in parallel, sorted by ID.
type walkLevel struct {
	facts   []graph.NodeFacts
	eids    []string
	parents map[string][]string
}

func (lv *walkLevel) sort() {
	idx := make([]int, len(lv.facts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(lv.facts[a].ID, lv.facts[b].ID) })
	facts := make([]graph.NodeFacts, len(idx))
	eids := make([]string, len(idx))
	for i, j := range idx {
		facts[i], eids[i] = lv.facts[j], lv.eids[j]
	}
	lv.facts, lv.eids = facts, eids
}

// expand reads the next level: the unvisited neighbours of the frontier,
// their parents on the frontier (sorted; when ids, the frontier's IDs by
// element ID, is given) and their facts, and marks them visited.
func (s *Store) expand(ctx context.Context, ws, version, q string, frontier []string, ids map[string]string, visited map[string]bool) (*walkLevel, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		lv := &walkLevel{parents: map[string][]string{}}
		elem := map[string]bool{}
		byElem := map[string][]string{} // new node's element ID -> its parents' IDs
		err := chunks(frontier, s.batch, func(b []string) error {
			recs, err := run(ctx, tx, q, map[string]any{"ws": ws, "frontier": b})
			for _, r := range recs {
				v, _ := r.Get("pss")
				pss, _ := v.([]any)
				for i, e := range recStrs(r, "es") {
					if visited[e] {
						continue
					}
					if !elem[e] {
						elem[e] = true
						lv.eids = append(lv.eids, e)
					}
					if ids == nil || i >= len(pss) {
						continue
					}
					ps, _ := pss[i].([]any)
					for _, x := range ps {
						p, _ := x.(string)
						byElem[e] = append(byElem[e], ids[p])
					}
				}
			}
			return err
		})
		if err != nil || len(elem) == 0 {
			return lv, err
		}
		lv.facts, err = s.factsOf(ctx, tx, ws, version, lv.eids)
		if err != nil {
			return nil, err
		}
		for i, e := range lv.eids {
			if ps := byElem[e]; len(ps) > 0 {
				lv.parents[lv.facts[i].ID] = ps
			}
		}
		return lv, nil
	})
	if err != nil {
		return nil, err
	}
	lv := out.(*walkLevel)
	lv.sort()
	for _, e := range lv.eids {
		visited[e] = true
	}
	for id, ps := range lv.parents {
		slices.Sort(ps)
		lv.parents[id] = slices.Compact(ps)
	}
	return lv, nil
}
