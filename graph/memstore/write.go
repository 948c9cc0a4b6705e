package memstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"cpsfgraph/graph"
)

// txn stages one Write: the run's upserts and removals in the order they
// came, the later of two puts of the same key winning.
type txn struct {
	spec graph.WriteSpec
	now  time.Time
	cat  *catalogState
	err  error // first put error; sticks
	done bool  // fill has returned: put refuses

	orgs     staged[string, graph.Org]
	assets   staged[string, graph.Asset]
	edges    edgeStage
	statuses staged[graph.StatusKey, graph.ControlStatus] // nil = remove
}

// Write applies one import run atomically; see graph.Store. fill runs with
// the writer lock held: it may read the store but must not write to it.
func (s *Store) Write(ctx context.Context, spec graph.WriteSpec, fill func(put func(graph.Batch) error) error) (graph.WriteReport, error) {
	var rep graph.WriteReport
	what := fmt.Sprintf("memstore: write to workspace %q (source %q, run %q)", spec.Workspace, spec.Source, spec.Run)
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
	st, err := s.lockWrite()
	if err != nil {
		return rep, err
	}
	defer s.wmu.Unlock()
	old, err := st.workspace(spec.Workspace)
	if err != nil {
		return rep, err
	}
	now := spec.Now
	if now.IsZero() {
		now = time.Now()
	}
	t := &txn{spec: spec, now: utc(now), cat: st.cat, edges: edgeStage{old: old.index}}
	ferr := fill(t.put)
	t.done = true
	if t.err != nil {
		return rep, fmt.Errorf("%s: %w", what, t.err)
	}
	if ferr != nil {
		return rep, fmt.Errorf("%s: %w", what, ferr)
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	next, rep, err := t.apply(old.index)
	if err != nil {
		return graph.WriteReport{}, fmt.Errorf("%s: %w", what, err)
	}
	if spec.DryRun {
		return rep, nil
	}
	ws := cloneMap(st.ws)
	ws[spec.Workspace] = buildState(old.info, next, nil)
	if err := s.commit(st.withWorkspaces(ws)); err != nil {
		return graph.WriteReport{}, fmt.Errorf("%s: %w", what, err)
	}
	return rep, nil
}

// put validates and stages one batch. Items are copied: the caller may
// reuse the batch.
func (t *txn) put(b graph.Batch) error {
	if t.done {
		return errors.New("memstore: put called after its write's fill returned")
	}
	if t.err != nil {
		return t.err
	}
	if err := t.stage(b); err != nil {
		t.err = err
		return err
	}
	return nil
}

func (t *txn) stamp() graph.Stamp {
	return graph.Stamp{Source: t.spec.Source, Run: t.spec.Run, LastSeen: t.now}
}

func (t *txn) stage(b graph.Batch) error {
	for _, o := range b.Orgs {
		if err := graph.CheckOrg(&o); err != nil {
			return err
		}
		o.Stamp = t.stamp()
		t.orgs.put(o.ID, &o)
	}
	for i := range b.Assets {
		a, err := graph.NormalizeAsset(&b.Assets[i])
		if err != nil {
			return err
		}
		a.Layers = layerSet(a.Layers) // shared slices, one per set of layers
		a.Stamp = t.stamp()
		t.assets.put(a.ID, &a)
	}
	for _, e := range b.Edges {
		if !graph.ValidEdgeType(e.Type) {
			return invalidf("edge %s %q -> %q: type %q is not a company relationship type", e.Type, e.From, e.To, e.Type)
		}
		e.Stamp = t.stamp()
		t.edges.put(e.Key(), &e)
	}
	for _, c := range b.Statuses {
		if !graph.ValidStatus(c.Status) {
			return invalidf("status of %q on control %s: status %q is not implemented, partial, planned or none", c.Subject, c.Control, c.Status)
		}
		if !t.cat.controls[c.Control] {
			return invalidf("status of %q on control %s: control %s is not in the catalog", c.Subject, c.Control, c.Control)
		}
		c.Stamp = t.stamp()
		t.statuses.put(c.Key(), &c)
	}
	for _, k := range b.RemoveEdges {
		t.edges.put(k, nil)
	}
	for _, k := range b.RemoveStatuses {
		t.statuses.put(k, nil)
	}
	return nil
}

// staged keeps a run's items by key in the order of their first put; a
// later put of a key replaces the earlier one in place.
type staged[K comparable, V any] struct {
	keys []K
	vals []*V
	ix   map[K]int
}

func (s *staged[K, V]) put(k K, v *V) {
	if i, ok := s.ix[k]; ok {
		s.vals[i] = v
		return
	}
	if s.ix == nil {
		s.ix = map[K]int{}
	}
	s.ix[k] = len(s.keys)
	s.keys = append(s.keys, k)
	s.vals = append(s.vals, v)
}

// edgeStage stages a run's edges like staged, finding an edge the
// workspace already has through the index (no hashing of three strings)
// and keeping a map for new edges only.
type edgeStage struct {
	old   *index
	ops   []edgeOp
	byOld []int32 // per old edge: 1 + its op, 0 = none
	byNew map[graph.EdgeKey]int
}

type edgeOp struct {
	k   graph.EdgeKey
	e   *graph.Edge // nil = remove
	old int32       // index in old.edges, -1 = new
}

func (s *edgeStage) put(k graph.EdgeKey, e *graph.Edge) {
	if i, ok := s.old.edge(k); ok {
		if s.byOld == nil {
			s.byOld = make([]int32, len(s.old.edges))
		}
		if j := s.byOld[i]; j > 0 {
			s.ops[j-1].e = e
			return
		}
		s.ops = append(s.ops, edgeOp{k, e, int32(i)})
		s.byOld[i] = int32(len(s.ops))
		return
	}
	if j, ok := s.byNew[k]; ok {
		s.ops[j].e = e
		return
	}
	if s.byNew == nil {
		s.byNew = map[graph.EdgeKey]int{}
	}
	s.byNew[k] = len(s.ops)
	s.ops = append(s.ops, edgeOp{k, e, -1})
}

func sameOrg(a, b *graph.Org) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Role == b.Role && a.Size == b.Size
}

func sameAsset(a, b *graph.Asset) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Component == b.Component && slices.Equal(a.Layers, b.Layers) &&
		a.C == b.C && a.I == b.I && a.A == b.A && a.Importance == b.Importance &&
		a.Category == b.Category && a.Media == b.Media && a.Owner == b.Owner &&
		slices.Equal(a.PersonalInfo, b.PersonalInfo) && slices.Equal(a.Exposure, b.Exposure)
}

func sameStatus(a, b *graph.ControlStatus) bool {
	return a.Subject == b.Subject && a.Control == b.Control && a.Status == b.Status && a.Note == b.Note
}

// apply applies the staged run to a copy of old, checks references, sweeps
// and counts. old is not modified.
func (t *txn) apply(old *index) (*wsData, graph.WriteReport, error) {
	var rep graph.WriteReport
	d := old.wsData.clone()

	// Nodes are counted here: the sweep never removes what this run put.
	for j, id := range t.orgs.keys {
		o := t.orgs.vals[j]
		if prev, ok := d.orgs[id]; ok {
			o.FirstSeen = t.firstSeen(prev.Stamp)
			countSame(&rep.Orgs, sameOrg(prev, o))
		} else {
			o.FirstSeen = t.now
			rep.Orgs.Created++
		}
		d.orgs[id] = o
	}
	for j, id := range t.assets.keys {
		a := t.assets.vals[j]
		if prev, ok := d.assets[id]; ok {
			a.FirstSeen = t.firstSeen(prev.Stamp)
			countSame(&rep.Assets, sameAsset(prev, a))
		} else {
			a.FirstSeen = t.now
			rep.Assets.Created++
		}
		d.assets[id] = a
	}
	// Edges: the old ones keep their place (dead once removed), new ones
	// are appended; at[j] is where edges.ops[j] went (-1: removed).
	nOld := len(d.edges)
	stamps := newStampTable(d.stamps)
	at := make([]int, len(t.edges.ops))
	for j, op := range t.edges.ops {
		e, i, ok := op.e, int(op.old), op.old >= 0
		switch {
		case e == nil:
			if ok {
				d.edges[i].dead = true
			}
			i = -1
		case ok:
			e.FirstSeen = t.firstSeen(old.stamps[old.edges[i].stamp])
			d.edges[i].stamp = stamps.ref(e.Stamp)
		default:
			e.FirstSeen = t.now
			i = len(d.edges)
			d.edges = append(d.edges, edgeRec{From: e.From, To: e.To, typ: uint8(edgeTypeIndex(e.Type)), stamp: stamps.ref(e.Stamp)})
		}
		at[j] = i
	}
	d.stamps = stamps.list
	for j, k := range t.statuses.keys {
		c := t.statuses.vals[j]
		switch prev, ok := d.statuses[k]; {
		case c == nil:
			delete(d.statuses, k)
			continue
		case ok:
			c.FirstSeen = t.firstSeen(prev.Stamp)
		default:
			c.FirstSeen = t.now
		}
		d.statuses[k] = c
	}

	if err := t.check(d); err != nil {
		return nil, rep, err
	}
	if t.spec.Sweep {
		t.sweep(d, &rep)
	}

	// Counts: what the run put, compared with what was there; and what
	// was there and is gone.
	for _, i := range at {
		switch {
		case i < 0 || d.edges[i].dead:
		case i < nOld:
			rep.Edges.Unchanged++ // an edge has nothing but its key and stamp
		default:
			rep.Edges.Created++
		}
	}
	for _, e := range d.edges[:nOld] {
		if e.dead {
			rep.Edges.Removed++
		}
	}
	d.edges = slices.DeleteFunc(d.edges, func(e edgeRec) bool { return e.dead })
	d.stamps = compactStamps(d.edges, d.stamps)
	for j, k := range t.statuses.keys {
		if t.statuses.vals[j] != nil {
			count(&rep.Statuses, old.statuses, d.statuses, k, sameStatus)
		}
	}
	rep.Statuses.Removed = removed(old.statuses, d.statuses)
	return d, rep, nil
}

// firstSeen keeps the first sighting of an item already stored.
func (t *txn) firstSeen(prev graph.Stamp) time.Time {
	if prev.FirstSeen.IsZero() {
		return t.now
	}
	return prev.FirstSeen
}

func countSame(c *graph.Counts, same bool) {
	if same {
		c.Unchanged++
	} else {
		c.Updated++
	}
}

func count[K comparable, V any](c *graph.Counts, old, now map[K]*V, k K, same func(a, b *V) bool) {
	n, ok := now[k]
	if !ok {
		return // removed again later in the run (counted by removed)
	}
	switch o, existed := old[k]; {
	case !existed:
		c.Created++
	case same(o, n):
		c.Unchanged++
	default:
		c.Updated++
	}
}

// removed counts the keys of old that are not in now (one pass over old:
// small next to rebuilding the indexes).
func removed[K comparable, V any](old, now map[K]V) int {
	n := 0
	for k := range old {
		if _, ok := now[k]; !ok {
			n++
		}
	}
	return n
}

// check verifies the references of everything the run put, against the
// workspace as the run leaves it (before the sweep).
func (t *txn) check(d *wsData) error {
	var errs []error
	add := func(err error) bool {
		errs = append(errs, err)
		return len(errs) < maxErrors
	}
	for _, id := range t.orgs.keys {
		if _, ok := d.assets[id]; ok {
			if !add(invalidf("organization %q: an asset has the same ID (assets and organizations share one ID space)", id)) {
				break
			}
		}
	}
	for _, id := range t.assets.keys {
		a := d.assets[id]
		if _, ok := d.orgs[id]; ok {
			if !add(invalidf("asset %q: an organization has the same ID (assets and organizations share one ID space)", id)) {
				break
			}
		}
		if a.Owner != "" {
			if _, ok := d.orgs[a.Owner]; !ok {
				if !add(invalidf("asset %q: owner %q is not an organization of the workspace", id, a.Owner)) {
					break
				}
			}
		}
	}
	isOrg := func(id string) bool { _, ok := d.orgs[id]; return ok }
	exists := func(id string) bool { _, ok := d.assets[id]; return ok || isOrg(id) }
	lastFrom, fromOK := "", false // edges often come grouped by their first end
	for _, op := range t.edges.ops {
		k := op.k
		if op.e == nil {
			continue
		}
		var problem string
		switch {
		case !(fromOK && k.From == lastFrom) && !exists(k.From):
			problem = fmt.Sprintf("node %q is not in the workspace", k.From)
		case !exists(k.To):
			problem = fmt.Sprintf("node %q is not in the workspace", k.To)
		case k.Type == graph.RelSupplies && !isOrg(k.From):
			problem = fmt.Sprintf("SUPPLIES links organizations; %q is an asset", k.From)
		case (k.Type == graph.RelSupplies || k.Type == graph.RelSuppliedBy || k.Type == graph.RelOwnedBy) && !isOrg(k.To):
			problem = fmt.Sprintf("%s must point to an organization; %q is an asset", k.Type, k.To)
		}
		if problem == "" {
			lastFrom, fromOK = k.From, true
			continue
		}
		if !add(invalidf("edge %s %q -> %q: %s", k.Type, k.From, k.To, problem)) {
			break
		}
	}
	for j, k := range t.statuses.keys {
		if t.statuses.vals[j] == nil {
			continue
		}
		if !exists(k.Subject) {
			if !add(invalidf("status of %q on control %s: %q is not an asset or organization of the workspace", k.Subject, k.Control, k.Subject)) {
				break
			}
		}
	}
	return errors.Join(errs...)
}

// maxErrors bounds the reference errors one write reports.
const maxErrors = 20

// sweep removes what this source stamped in an earlier run:
// relationships and statuses first, then nodes with whatever still touches
// them.
func (t *txn) sweep(d *wsData, rep *graph.WriteReport) {
	stale := func(s *graph.Stamp) bool { return s.Source == t.spec.Source && s.Run != t.spec.Run }
	staleStamp := make([]bool, len(d.stamps))
	for i := range d.stamps {
		staleStamp[i] = stale(&d.stamps[i])
	}
	for i := range d.edges {
		if staleStamp[d.edges[i].stamp] {
			d.edges[i].dead = true
		}
	}
	for k, c := range d.statuses {
		if stale(&c.Stamp) {
			delete(d.statuses, k)
		}
	}
	gone := map[string]bool{}
	for id, o := range d.orgs {
		if stale(&o.Stamp) {
			gone[id] = true
			delete(d.orgs, id)
			rep.Orgs.Removed++
		}
	}
	for id, a := range d.assets {
		if stale(&a.Stamp) {
			gone[id] = true
			delete(d.assets, id)
			rep.Assets.Removed++
		}
	}
	if len(gone) == 0 {
		return
	}
	for i := range d.edges {
		if e := &d.edges[i]; gone[e.From] || gone[e.To] {
			e.dead = true
		}
	}
	for k := range d.statuses {
		if gone[k.Subject] {
			delete(d.statuses, k)
		}
	}
}

// stampTable interns stamps for a write, on top of the workspace's table.
type stampTable struct {
	list []graph.Stamp
	ix   map[graph.Stamp]int32
}

func newStampTable(old []graph.Stamp) *stampTable {
	t := &stampTable{list: slices.Clip(old), ix: make(map[graph.Stamp]int32, len(old)+1)}
	for i, s := range old {
		t.ix[s] = int32(i)
	}
	return t
}

func (t *stampTable) ref(s graph.Stamp) int32 {
	i, ok := t.ix[s]
	if !ok {
		i = int32(len(t.list))
		t.list = append(t.list, s) // old is clipped: never writes into it
		t.ix[s] = i
	}
	return i
}

// compactStamps drops the stamps no edge uses any more, renumbering the
// edges' references (edges is the write's own list).
func compactStamps(edges []edgeRec, stamps []graph.Stamp) []graph.Stamp {
	used := make([]int32, len(stamps))
	for _, e := range edges {
		used[e.stamp] = 1
	}
	if !slices.Contains(used, 0) {
		return stamps
	}
	var out []graph.Stamp
	for i, u := range used {
		if u != 0 {
			used[i] = int32(len(out))
			out = append(out, stamps[i])
		}
	}
	for i := range edges {
		edges[i].stamp = used[edges[i].stamp]
	}
	return out
}
