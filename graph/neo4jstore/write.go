package neo4jstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph"
)

// errDryRun rolls back the transaction of a dry run once it has counted.
var errDryRun = errors.New("neo4jstore: dry run (rolled back)")

// Write applies one import run atomically. fill runs first and its batches
// are staged and validated in memory; then the whole run (upserts,
// removals, the sweep) goes to Neo4j in ONE managed write transaction of
// UNWIND batches, retried as a whole on transient errors. If the
// connection is lost before the commit, Neo4j rolls the transaction back:
// the store holds the old data of the source, never a mix.
func (s *Store) Write(ctx context.Context, spec graph.WriteSpec, fill func(put func(graph.Batch) error) error) (graph.WriteReport, error) {
	var rep graph.WriteReport
	what := fmt.Sprintf("neo4jstore: write to workspace %q (source %q, run %q)", spec.Workspace, spec.Source, spec.Run)
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	switch {
	case spec.Source == "":
		return rep, fmt.Errorf("%s: %w", what, invalidf("source is required"))
	case spec.Run == "":
		return rep, fmt.Errorf("%s: %w", what, invalidf("run is required"))
	case fill == nil:
		return rep, fmt.Errorf("%s: %w", what, invalidf("fill is nil"))
	}
	controls, err := s.controlsOf(ctx, spec.Workspace)
	if err != nil {
		return rep, err
	}
	now := spec.Now
	if now.IsZero() {
		now = time.Now()
	}
	t := newTxn(spec, now.UTC(), controls)
	ferr := fill(t.put)
	if t.err != nil {
		return rep, fmt.Errorf("%s: %w", what, t.err)
	}
	if ferr != nil {
		return rep, fmt.Errorf("%s: %w", what, ferr)
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	txID := newTxID()
	_, err = s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		w := &writer{s: s, t: t, tx: tx, txID: txID, ws: spec.Workspace}
		r, err := w.apply(ctx)
		if err != nil {
			return nil, err
		}
		rep = r
		if spec.DryRun {
			return nil, errDryRun
		}
		return nil, nil
	})
	if errors.Is(err, errDryRun) {
		return rep, nil
	}
	if err != nil {
		return graph.WriteReport{}, fmt.Errorf("%s: %w", what, err)
	}
	return rep, nil
}

func newTxID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// controlsOf checks that workspace ws exists and returns the catalog's
// control references (status validation during fill).
func (s *Store) controlsOf(ctx context.Context, ws string) (map[graph.ControlRef]bool, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := wsExists(ctx, tx, ws); err != nil {
			return nil, err
		}
		recs, err := run(ctx, tx, "MATCH (c:"+string(graph.LabelControl)+") RETURN c.framework AS fw, c.id AS id", nil)
		if err != nil {
			return nil, err
		}
		m := make(map[graph.ControlRef]bool, len(recs))
		for _, r := range recs {
			m[graph.ControlRef{Framework: recStr(r, "fw"), ID: recStr(r, "id")}] = true
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	return out.(map[graph.ControlRef]bool), nil
}

// writer runs one staged Write inside one transaction.
type writer struct {
	s    *Store
	t    *txn
	tx   neo4j.ManagedTransaction
	txID string
	ws   string

	eid      map[string]string // node ID -> element ID (existing, then created)
	oldOrg   map[string]string // node ID -> content hash, organizations before the run
	oldAsset map[string]string
	oldEdge  map[graph.EdgeKey]bool
	oldStat  map[graph.StatusKey]string // -> content hash
}

func (w *writer) params(m map[string]any) map[string]any {
	m["ws"] = w.ws
	return m
}

// batched runs q once per batch of rows (as $rows) and returns the records.
func (w *writer) batched(ctx context.Context, q string, rows []map[string]any, extra map[string]any) ([]*neo4j.Record, error) {
	return batchedIn(ctx, w, q, rows, extra)
}

// batchedRows is batched for positional rows (lists).
func (w *writer) batchedRows(ctx context.Context, q string, rows []any, extra map[string]any) ([]*neo4j.Record, error) {
	return batchedIn(ctx, w, q, rows, extra)
}

func batchedIn[T any](ctx context.Context, w *writer, q string, rows []T, extra map[string]any) ([]*neo4j.Record, error) {
	var out []*neo4j.Record
	err := chunks(rows, w.s.batch, func(b []T) error {
		p := w.params(map[string]any{"rows": b})
		for k, v := range extra {
			p[k] = v
		}
		recs, err := run(ctx, w.tx, q, p)
		out = append(out, recs...)
		return err
	})
	return out, err
}

func (w *writer) apply(ctx context.Context) (graph.WriteReport, error) {
	var rep graph.WriteReport
	t := w.t
	// A new data version for the facts cache (see cache.go); it commits or
	// rolls back with the run.
	recs, err := run(ctx, w.tx, "MATCH (w:"+workspaceLabel+" {id: $ws}) SET w.version = $tx RETURN w.id AS id", w.params(map[string]any{"tx": w.txID}))
	if err != nil {
		return rep, err
	}
	if len(recs) == 0 {
		return rep, &graph.NotFoundError{Kind: "workspace", ID: w.ws}
	}
	if err := w.lookupNodes(ctx); err != nil {
		return rep, err
	}
	kinds := &nodeKinds{orgs: map[string]bool{}, assets: map[string]bool{}}
	for id := range w.oldOrg {
		kinds.orgs[id] = true
	}
	for id := range w.oldAsset {
		kinds.assets[id] = true
	}
	for _, id := range t.orgOrder {
		kinds.orgs[id] = true
	}
	for _, id := range t.assetOrder {
		kinds.assets[id] = true
	}
	if err := t.check(kinds); err != nil {
		return rep, err
	}
	if err := w.lookupEdges(ctx); err != nil {
		return rep, err
	}
	if err := w.lookupStatuses(ctx); err != nil {
		return rep, err
	}

	// Upserts.
	if err := w.putNodes(ctx); err != nil {
		return rep, err
	}
	if err := w.putEdges(ctx); err != nil {
		return rep, err
	}
	if err := w.putStatuses(ctx, kinds); err != nil {
		return rep, err
	}
	// Removals named by the run.
	n, err := w.removeEdges(ctx)
	if err != nil {
		return rep, err
	}
	rep.Edges.Removed += n
	if n, err = w.removeStatuses(ctx); err != nil {
		return rep, err
	}
	rep.Statuses.Removed += n

	// Sweep.
	sweptNode := map[string]bool{}
	if t.spec.Sweep {
		if err := w.sweep(ctx, &rep, sweptNode, kinds); err != nil {
			return rep, err
		}
	}

	// Counts of what the run put, compared with what was there.
	for _, id := range t.orgOrder {
		countNode(&rep.Orgs, w.oldOrg, id, orgHash(t.orgs[id]))
	}
	for _, id := range t.assetOrder {
		countNode(&rep.Assets, w.oldAsset, id, assetHash(t.assets[id]))
	}
	for _, k := range t.edgeOrder {
		if t.edges[k] == nil || sweptNode[k.From] || sweptNode[k.To] {
			continue
		}
		if w.oldEdge[k] {
			rep.Edges.Unchanged++
		} else {
			rep.Edges.Created++
		}
	}
	for _, k := range t.statusOrder {
		c := t.statuses[k]
		if c == nil || sweptNode[k.Subject] {
			continue
		}
		switch h, ok := w.oldStat[k]; {
		case !ok:
			rep.Statuses.Created++
		case h == statusHash(c):
			rep.Statuses.Unchanged++
		default:
			rep.Statuses.Updated++
		}
	}
	return rep, nil
}

// flat returns the maps of the "rows" lists of the records (queries that
// return few records of big lists: the driver's cost is per record).
func flat(recs []*neo4j.Record) []props {
	var out []props
	for _, r := range recs {
		v, _ := r.Get("rows")
		l, _ := v.([]any)
		for _, x := range l {
			m, _ := x.(map[string]any)
			out = append(out, m)
		}
	}
	return out
}

// idPairs returns the [ID, element ID] pairs of the "rows" lists of the
// records (the element ID "" where the query found no node).
func idPairs(recs []*neo4j.Record) [][2]string {
	var out [][2]string
	for _, r := range recs {
		v, _ := r.Get("rows")
		l, _ := v.([]any)
		for _, x := range l {
			if pair, ok := x.([]any); ok && len(pair) == 2 {
				id, _ := pair[0].(string)
				e, _ := pair[1].(string)
				out = append(out, [2]string{id, e})
			}
		}
	}
	return out
}

func countNode(c *graph.Counts, old map[string]string, id, hash string) {
	switch h, ok := old[id]; {
	case !ok:
		c.Created++
	case h == hash:
		c.Unchanged++
	default:
		c.Updated++
	}
}

// lookupNodes finds, for every node ID the run names, whether it exists
// already as an organization or an asset, with its element ID and hash.
func (w *writer) lookupNodes(ctx context.Context) error {
	t := w.t
	w.eid, w.oldOrg, w.oldAsset = map[string]string{}, map[string]string{}, map[string]string{}
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, id := range t.orgOrder {
		add(id)
	}
	for _, id := range t.assetOrder {
		add(id)
		add(t.assets[id].Owner)
	}
	for _, k := range t.edgeOrder {
		add(k.From)
		add(k.To)
	}
	for _, k := range t.statusOrder {
		add(k.Subject)
	}
	for _, kind := range []struct {
		label graph.Label
		old   map[string]string
	}{{graph.LabelOrganization, w.oldOrg}, {graph.LabelAsset, w.oldAsset}} {
		match := `MATCH (n:` + string(kind.label) + `) WHERE n.workspace = $ws AND n.id IS NOT NULL`
		ret := ` RETURN collect({id: n.id, e: elementId(n), h: n.` + propHash + `}) AS rows`
		found := func(recs []*neo4j.Record) {
			for _, r := range flat(recs) {
				if id := r.str("id"); seen[id] {
					w.eid[id] = r.str("e")
					kind.old[id] = r.str("h")
				}
			}
		}
		// The cheaper way: no look-up in an empty workspace, one pass over
		// a workspace smaller than the run, else one index seek per ID.
		recs, err := run(ctx, w.tx, match+` RETURN count(n) AS n`, w.params(map[string]any{}))
		if err != nil {
			return err
		}
		switch n := recInt(recs[0], "n"); {
		case n == 0:
		case n <= len(ids):
			recs, err := run(ctx, w.tx, match+ret, w.params(map[string]any{}))
			if err != nil {
				return err
			}
			found(recs)
		default:
			err := chunks(ids, w.s.batch, func(b []string) error {
				recs, err := run(ctx, w.tx, match+` AND n.id IN $ids`+ret, w.params(map[string]any{"ids": b}))
				found(recs)
				return err
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// edgeEnds returns edge k's (constant) type and the element IDs of its
// ends; ok is false when the type is unknown or an end does not exist (yet).
func (w *writer) edgeEnds(k graph.EdgeKey) (typ graph.RelType, a, b string, ok bool) {
	typ, okT := edgeType(k.Type)
	a, okA := w.eid[k.From]
	b, okB := w.eid[k.To]
	return typ, a, b, okT && okA && okB
}

// edgeRows groups staged edge keys by (constant) type, as rows naming the
// element IDs of both ends; keys whose ends do not exist (yet) are left out.
func (w *writer) edgeRows(keys []graph.EdgeKey, props func(graph.EdgeKey) map[string]any) map[graph.RelType][]map[string]any {
	out := map[graph.RelType][]map[string]any{}
	for i, k := range keys {
		typ, a, b, ok := w.edgeEnds(k)
		if !ok {
			continue
		}
		r := map[string]any{"i": i, "a": a, "b": b}
		if props != nil {
			r["props"] = props(k)
		}
		out[typ] = append(out[typ], r)
	}
	return out
}

// lookupEdges finds which staged edges exist already.
func (w *writer) lookupEdges(ctx context.Context) error {
	w.oldEdge = map[graph.EdgeKey]bool{}
	keys := w.t.edgeOrder
	for typ, rows := range w.edgeRows(keys, nil) {
		recs, err := w.batched(ctx, `UNWIND $rows AS r
			MATCH (a) WHERE elementId(a) = r.a AND a.workspace = $ws
			MATCH (b) WHERE elementId(b) = r.b AND b.workspace = $ws
			MATCH (a)-[:`+string(typ)+`]->(b)
			RETURN collect(DISTINCT {i: r.i}) AS rows`, rows, nil)
		if err != nil {
			return err
		}
		for _, r := range flat(recs) {
			w.oldEdge[keys[r.int("i")]] = true
		}
	}
	return nil
}

// statusRows lists staged status keys whose subject exists (yet), as rows
// naming the subject's element ID and the control.
func (w *writer) statusRows(keys []graph.StatusKey, keep func(graph.StatusKey) bool) []map[string]any {
	var rows []map[string]any
	for i, k := range keys {
		n, ok := w.eid[k.Subject]
		if !ok || !keep(k) {
			continue
		}
		rows = append(rows, map[string]any{"i": i, "n": n, "fw": k.Control.Framework, "cid": k.Control.ID})
	}
	return rows
}

func statusTypes() string {
	return string(graph.RelImplements) + "|" + string(graph.RelProtectedBy)
}

// lookupStatuses finds which staged statuses exist already, with their
// hashes.
func (w *writer) lookupStatuses(ctx context.Context) error {
	w.oldStat = map[graph.StatusKey]string{}
	keys := w.t.statusOrder
	rows := w.statusRows(keys, func(graph.StatusKey) bool { return true })
	recs, err := w.batched(ctx, `UNWIND $rows AS r
		MATCH (n) WHERE elementId(n) = r.n AND n.workspace = $ws
		MATCH (n)-[s:`+statusTypes()+`]->(c:`+string(graph.LabelControl)+` {framework: r.fw, id: r.cid})
		RETURN collect({i: r.i, h: s.`+propHash+`}) AS rows`, rows, nil)
	if err != nil {
		return err
	}
	for _, r := range flat(recs) {
		w.oldStat[keys[r.int("i")]] = r.str("h")
	}
	return nil
}

// The upserts split the run's items into new ones (CREATE, firstSeen =
// now) and existing ones (found by element ID, properties replaced,
// firstSeen kept), as the look-ups found them. A concurrent writer that
// creates the same node first makes the run fail on the uniqueness
// constraint (nothing written); re-running it succeeds.

const setKeepFirstSeen = `WITH x, r, x.` + graph.PropFirstSeen + ` AS fs
	SET x = r.props
	SET x.` + graph.PropFirstSeen + ` = coalesce(fs, $now)`

// createProps is the property map of a CREATE from positional rows: key
// keys[j] from r[first+j], and firstSeen = now. Rows are lists, not maps: a
// map literal in CREATE costs Neo4j half what SET x = r.props does, and a
// list row spares both sides a key string per property (about a third of
// the CREATE time of an asset's 21 properties). Null values set no
// property either way.
func createProps(keys []string, first int) string {
	var b strings.Builder
	b.WriteString("{")
	for j, k := range keys {
		fmt.Fprintf(&b, "%s: r[%d], ", k, first+j)
	}
	b.WriteString(graph.PropFirstSeen + ": $now}")
	return b.String()
}

// row appends to r the values of m's keys, in the order of keys.
func row(r []any, keys []string, m map[string]any) []any {
	for _, k := range keys {
		r = append(r, m[k])
	}
	return r
}

func (w *writer) putNodes(ctx context.Context) error {
	t := w.t
	now := map[string]any{"now": timeParam(t.now)}
	for _, kind := range []struct {
		label graph.Label
		keys  []string
		ids   []string
		old   map[string]string
		enc   func(id string) map[string]any
	}{
		{graph.LabelOrganization, orgKeys, t.orgOrder, w.oldOrg, func(id string) map[string]any { return encOrg(t.orgs[id], w.ws, w.txID) }},
		{graph.LabelAsset, assetKeys, t.assetOrder, w.oldAsset, func(id string) map[string]any { return encAsset(t.assets[id], w.ws, w.txID) }},
	} {
		var existing []map[string]any
		var fresh []any // [id, the values of kind.keys...]
		for _, id := range kind.ids {
			if _, ok := kind.old[id]; ok {
				existing = append(existing, map[string]any{"id": id, "props": kind.enc(id), "e": w.eid[id]})
			} else {
				fresh = append(fresh, row(append(make([]any, 0, 1+len(kind.keys)), id), kind.keys, kind.enc(id)))
			}
		}
		if _, err := w.batched(ctx, `UNWIND $rows AS r
			MATCH (x) WHERE elementId(x) = r.e AND x.workspace = $ws
			`+setKeepFirstSeen, existing, now); err != nil {
			return err
		}
		recs, err := w.batchedRows(ctx, `UNWIND $rows AS r
			CREATE (x:`+string(kind.label)+` `+createProps(kind.keys, 1)+`)
			RETURN collect([r[0], elementId(x)]) AS rows`, fresh, now)
		if err != nil {
			return err
		}
		for _, p := range idPairs(recs) {
			w.eid[p[0]] = p[1]
		}
	}
	return nil
}

func (w *writer) putEdges(ctx context.Context) error {
	t := w.t
	now := map[string]any{"now": timeParam(t.now)}
	var fresh, existing []graph.EdgeKey
	for _, k := range t.edgeOrder {
		switch {
		case t.edges[k] == nil:
		case w.oldEdge[k]:
			existing = append(existing, k)
		default:
			fresh = append(fresh, k)
		}
	}
	enc := func(k graph.EdgeKey) map[string]any { return encEdge(t.edges[k], w.ws, w.txID) }
	for typ, rows := range w.edgeRows(existing, enc) {
		if _, err := w.batched(ctx, `UNWIND $rows AS r
			MATCH (a) WHERE elementId(a) = r.a AND a.workspace = $ws
			MATCH (b) WHERE elementId(b) = r.b AND b.workspace = $ws
			MATCH (a)-[x:`+string(typ)+`]->(b)
			`+setKeepFirstSeen, rows, now); err != nil {
			return err
		}
	}
	// New edges as positional rows [a, b, the values of edgeKeys...].
	byType := map[graph.RelType][]any{}
	for _, k := range fresh {
		typ, a, b, ok := w.edgeEnds(k)
		if !ok {
			continue
		}
		byType[typ] = append(byType[typ], row(append(make([]any, 0, 2+len(edgeKeys)), a, b), edgeKeys, enc(k)))
	}
	for _, typ := range graph.EdgeTypes {
		if _, err := w.batchedRows(ctx, `UNWIND $rows AS r
			MATCH (a) WHERE elementId(a) = r[0] AND a.workspace = $ws
			MATCH (b) WHERE elementId(b) = r[1] AND b.workspace = $ws
			CREATE (a)-[x:`+string(typ)+` `+createProps(edgeKeys, 2)+`]->(b)`, byType[typ], now); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) putStatuses(ctx context.Context, kinds *nodeKinds) error {
	t := w.t
	now := map[string]any{"now": timeParam(t.now)}
	keys := t.statusOrder
	for _, isOrg := range []bool{true, false} {
		for _, old := range []bool{true, false} {
			rows := w.statusRows(keys, func(k graph.StatusKey) bool {
				_, was := w.oldStat[k]
				return t.statuses[k] != nil && kinds.isOrg(k.Subject) == isOrg && was == old
			})
			rel := string(statusRel(isOrg))
			if old {
				for _, r := range rows {
					r["props"] = encStatus(t.statuses[keys[r["i"].(int)]], w.ws, w.txID)
				}
				if _, err := w.batched(ctx, `UNWIND $rows AS r
				MATCH (n) WHERE elementId(n) = r.n AND n.workspace = $ws
				MATCH (n)-[x:`+rel+`]->(c:`+string(graph.LabelControl)+` {framework: r.fw, id: r.cid})
				`+setKeepFirstSeen, rows, now); err != nil {
					return err
				}
				continue
			}
			// New statuses as positional rows [subject, framework, control,
			// the values of statusKeys...].
			fresh := make([]any, len(rows))
			for j, r := range rows {
				fresh[j] = row(append(make([]any, 0, 3+len(statusKeys)), r["n"], r["fw"], r["cid"]), statusKeys, encStatus(t.statuses[keys[r["i"].(int)]], w.ws, w.txID))
			}
			if _, err := w.batchedRows(ctx, `UNWIND $rows AS r
				MATCH (n) WHERE elementId(n) = r[0] AND n.workspace = $ws
				MATCH (c:`+string(graph.LabelControl)+` {framework: r[1], id: r[2]})
				CREATE (n)-[x:`+rel+` `+createProps(statusKeys, 3)+`]->(c)`, fresh, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// removeEdges deletes the edges the run removes; it returns how many
// existed.
func (w *writer) removeEdges(ctx context.Context) (int, error) {
	t := w.t
	var keys []graph.EdgeKey
	for _, k := range t.edgeOrder {
		if t.edges[k] == nil && w.oldEdge[k] {
			keys = append(keys, k)
		}
	}
	n := 0
	for typ, rows := range w.edgeRows(keys, nil) {
		recs, err := w.batched(ctx, `UNWIND $rows AS r
			MATCH (a) WHERE elementId(a) = r.a AND a.workspace = $ws
			MATCH (b) WHERE elementId(b) = r.b AND b.workspace = $ws
			MATCH (a)-[e:`+string(typ)+`]->(b)
			DELETE e
			RETURN count(*) AS n`, rows, nil)
		if err != nil {
			return 0, err
		}
		for _, r := range recs {
			n += recInt(r, "n")
		}
	}
	return n, nil
}

func (w *writer) removeStatuses(ctx context.Context) (int, error) {
	t := w.t
	rows := w.statusRows(t.statusOrder, func(k graph.StatusKey) bool { _, old := w.oldStat[k]; return t.statuses[k] == nil && old })
	recs, err := w.batched(ctx, `UNWIND $rows AS r
		MATCH (n) WHERE elementId(n) = r.n AND n.workspace = $ws
		MATCH (n)-[s:`+statusTypes()+`]->(c:`+string(graph.LabelControl)+` {framework: r.fw, id: r.cid})
		DELETE s
		RETURN count(*) AS n`, rows, nil)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range recs {
		n += recInt(r, "n")
	}
	return n, nil
}

// sweep removes what this source stamped in an earlier run: relationships
// and statuses first (bounded batches), then nodes with whatever still
// touches them. It adds the removals to rep and marks the swept nodes.
//
// Every item the run put carries its source and run, so a kind holds stale
// items exactly when the workspace has more items of this source than the
// run put; an index count (no property read) tells, and the sweep of that
// kind runs only then.
func (w *writer) sweep(ctx context.Context, rep *graph.WriteReport, swept map[string]bool, kinds *nodeKinds) error {
	p := w.params(map[string]any{"src": w.t.spec.Source, "run": w.t.spec.Run, "limit": w.s.batch})
	put := map[string]int{}
	for _, k := range w.t.edgeOrder {
		if w.t.edges[k] != nil {
			put[string(k.Type)]++
		}
	}
	for _, k := range w.t.statusOrder {
		if w.t.statuses[k] != nil {
			put[string(statusRel(kinds.isOrg(k.Subject)))]++
		}
	}
	put[string(graph.LabelOrganization)] = len(w.t.orgOrder)
	put[string(graph.LabelAsset)] = len(w.t.assetOrder)
	// hasStale reports whether the workspace holds more items of this source
	// than the run put, by the (workspace, source) index of the label or
	// relationship type in pattern.
	hasStale := func(name, pattern string) (bool, error) {
		recs, err := run(ctx, w.tx, `MATCH `+pattern+` WHERE x.workspace = $ws AND x.source = $src RETURN count(x) AS n`, p)
		if err != nil {
			return false, err
		}
		return recInt(recs[0], "n") > put[name], nil
	}
	for _, g := range []struct {
		types   []graph.RelType
		removed *int
	}{{graph.EdgeTypes, &rep.Edges.Removed}, {statusRels, &rep.Statuses.Removed}} {
		for _, typ := range g.types {
			has, err := hasStale(string(typ), `()-[x:`+string(typ)+`]->()`)
			if err != nil {
				return err
			}
			if !has {
				continue
			}
			n, err := untilNoneCount(ctx, w.tx, `MATCH ()-[x:`+string(typ)+`]->()
				WHERE x.workspace = $ws AND x.source = $src AND x.run <> $run
				WITH x LIMIT $limit DELETE x RETURN count(*) AS n`, p)
			if err != nil {
				return err
			}
			*g.removed += n
		}
	}

	// Stale nodes.
	var stale []map[string]any
	for _, label := range companyLabels {
		has, err := hasStale(string(label), `(x:`+string(label)+`)`)
		if err != nil {
			return err
		}
		if !has {
			continue
		}
		recs, err := run(ctx, w.tx, `MATCH (n:`+string(label)+`)
			WHERE n.workspace = $ws AND n.source = $src AND n.run <> $run
			RETURN n.id AS id, elementId(n) AS e`, p)
		if err != nil {
			return err
		}
		for _, r := range recs {
			swept[recStr(r, "id")] = true
			stale = append(stale, map[string]any{"e": recStr(r, "e")})
		}
		if label == graph.LabelOrganization {
			rep.Orgs.Removed += len(recs)
		} else {
			rep.Assets.Removed += len(recs)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	// What still touches them goes too: count what existed before the run.
	isStatus := map[string]bool{string(graph.RelImplements): true, string(graph.RelProtectedBy): true}
	seenRel := map[string]bool{}
	recs, err := w.batched(ctx, `UNWIND $rows AS r
		MATCH (n) WHERE elementId(n) = r.e AND n.workspace = $ws
		MATCH (n)-[x]-()
		WITH DISTINCT x
		RETURN elementId(x) AS x, type(x) AS t, startNode(x).id AS from, endNode(x).id AS to,
			x.`+propFw+` AS fw, x.`+propCtl+` AS cid, x.`+propTx+` = $tx AS mine`, stale, map[string]any{"tx": w.txID})
	if err != nil {
		return err
	}
	for _, r := range recs {
		x := recStr(r, "x")
		if seenRel[x] {
			continue
		}
		seenRel[x] = true
		typ, mine := recStr(r, "t"), recBool(r, "mine")
		if isStatus[typ] {
			k := graph.StatusKey{Subject: recStr(r, "from"), Control: graph.ControlRef{Framework: recStr(r, "fw"), ID: recStr(r, "cid")}}
			if _, old := w.oldStat[k]; !mine || old {
				rep.Statuses.Removed++
			}
			continue
		}
		if strings.ToUpper(typ) != typ || !graph.ValidEdgeType(graph.RelType(typ)) {
			continue
		}
		k := graph.EdgeKey{Type: graph.RelType(typ), From: recStr(r, "from"), To: recStr(r, "to")}
		if !mine || w.oldEdge[k] {
			rep.Edges.Removed++
		}
	}
	_, err = w.batched(ctx, `UNWIND $rows AS r
		MATCH (n) WHERE elementId(n) = r.e AND n.workspace = $ws
		DETACH DELETE n`, stale, nil)
	return err
}
