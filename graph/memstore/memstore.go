// Package memstore is cpsfgraph's embedded store, the default: it keeps the
// knowledge graph in memory and, when opened on a file, persists it there
// with an atomic replace on every change, so a crash leaves either the old or
// the new content, never a broken file.
//
// Readers run concurrently with each other and with one writer: every read
// works on an immutable snapshot, and a write builds the next snapshot aside,
// saves it and only then publishes it. Writes are serialized. Values a read
// returns that contain slices (NodeFacts.Layers, NodeFacts.Statuses, the
// catalog's lists) are shared with the store: callers must not modify them.
package memstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cpsfgraph/graph"
)

// ErrClosed is returned by every method of a closed store.
var ErrClosed = errors.New("memstore: store is closed")

// Store is the embedded store. It implements graph.Store.
type Store struct {
	path string // "" = in memory only

	wmu    sync.Mutex // serializes writers
	cur    atomic.Pointer[state]
	closed atomic.Bool
}

var _ graph.Store = (*Store)(nil)

// state is one immutable snapshot of the whole store.
type state struct {
	cat *catalogState
	ws  map[string]*wsState
	gen uint64 // commits since the store was opened (graph.Versioned)
	// catGen and wsGen are the commits that last changed the catalog and
	// each workspace: a workspace's version moves only when it or the
	// catalog changes.
	catGen uint64
	wsGen  map[string]uint64
}

// New returns an empty store that lives in memory only.
func New() *Store {
	s := &Store{}
	s.cur.Store(emptyState())
	return s
}

func emptyState() *state {
	return &state{cat: newCatalogState(&graph.Catalog{}), ws: map[string]*wsState{}}
}

// Version implements graph.Versioned: it changes with every commit that
// touches the workspace or the catalog, so an analysis cached under one
// version is current while the version is.
func (s *Store) Version(ctx context.Context, ws string) (string, error) {
	st, err := s.snap()
	if err != nil {
		return "", err
	}
	return strconv.FormatUint(st.catGen, 10) + "." + strconv.FormatUint(st.wsGen[ws], 10), nil
}

// snap returns the current snapshot, or ErrClosed.
func (s *Store) snap() (*state, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	return s.cur.Load(), nil
}

// Close releases the store. Every change is already on disk; later calls
// return ErrClosed.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed.Swap(true) {
		return ErrClosed
	}
	s.cur.Store(nil)
	return nil
}

// commit saves next and publishes it. Called with wmu held. When the save
// fails before the file is replaced, nothing changes.
func (s *Store) commit(next *state) error {
	prev := s.cur.Load()
	next.gen = prev.gen + 1
	next.catGen = prev.catGen
	if next.cat != prev.cat {
		next.catGen = next.gen
	}
	next.wsGen = make(map[string]uint64, len(next.ws))
	for id, w := range next.ws {
		if prev.ws[id] == w {
			next.wsGen[id] = prev.wsGen[id]
		} else {
			next.wsGen[id] = next.gen
		}
	}
	if s.path != "" {
		if err := save(s.path, next); err != nil {
			var late *committedError
			if errors.As(err, &late) {
				// The file holds next already: keep memory in step.
				s.cur.Store(next)
			}
			return err
		}
	}
	s.cur.Store(next)
	return nil
}

// lockWrite takes the writer lock and returns the current snapshot.
func (s *Store) lockWrite() (*state, error) {
	s.wmu.Lock()
	if s.closed.Load() {
		s.wmu.Unlock()
		return nil, ErrClosed
	}
	return s.cur.Load(), nil
}

// withWorkspaces returns a copy of st whose workspace map is replaced.
func (st *state) withWorkspaces(ws map[string]*wsState) *state {
	return &state{cat: st.cat, ws: ws}
}

func (st *state) workspace(id string) (*wsState, error) {
	w, ok := st.ws[id]
	if !ok {
		return nil, &graph.NotFoundError{Kind: "workspace", ID: id}
	}
	return w, nil
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// ---- Workspaces ----

// PutWorkspace creates or updates a workspace. Created is kept from the
// first put; a zero Created on a new workspace is set to now.
func (s *Store) PutWorkspace(ctx context.Context, w graph.Workspace) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if w.ID == "" {
		return invalidf("workspace: empty ID")
	}
	for t, v := range w.ThreatLevels {
		if t == "" || v < 1 || v > 3 {
			return invalidf("workspace %q: threat level %q = %d: want a threat ID and a level 1..3", w.ID, t, v)
		}
	}
	st, err := s.lockWrite()
	if err != nil {
		return err
	}
	defer s.wmu.Unlock()
	w.ThreatLevels = cloneMapOrNil(w.ThreatLevels)
	ws := cloneMap(st.ws)
	if old, ok := st.ws[w.ID]; ok {
		// Same content: share it, change the workspace's own fields only.
		w.Created = old.info.Created
		ws[w.ID] = &wsState{info: w, index: old.index}
	} else {
		if w.Created.IsZero() {
			w.Created = time.Now()
		}
		w.Created = utc(w.Created)
		ws[w.ID] = buildState(w, newWSData(), nil)
	}
	if err := s.commit(st.withWorkspaces(ws)); err != nil {
		return fmt.Errorf("memstore: put workspace %q: %w", w.ID, err)
	}
	return nil
}

func cloneMapOrNil[K comparable, V any](m map[K]V) map[K]V {
	if len(m) == 0 {
		return nil
	}
	return cloneMap(m)
}

// Workspace returns one workspace or a *graph.NotFoundError.
func (s *Store) Workspace(ctx context.Context, id string) (graph.Workspace, error) {
	st, err := s.snap()
	if err != nil {
		return graph.Workspace{}, err
	}
	w, err := st.workspace(id)
	if err != nil {
		return graph.Workspace{}, err
	}
	return copyWorkspace(w.info), nil
}

func copyWorkspace(w graph.Workspace) graph.Workspace {
	w.ThreatLevels = cloneMapOrNil(w.ThreatLevels)
	return w
}

// Workspaces lists the workspaces sorted by ID.
func (s *Store) Workspaces(ctx context.Context) ([]graph.Workspace, error) {
	st, err := s.snap()
	if err != nil {
		return nil, err
	}
	out := make([]graph.Workspace, 0, len(st.ws))
	for _, id := range sortedKeys(st.ws) {
		out = append(out, copyWorkspace(st.ws[id].info))
	}
	return out, nil
}

// DeleteWorkspace removes a workspace and everything in it.
func (s *Store) DeleteWorkspace(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := s.lockWrite()
	if err != nil {
		return err
	}
	defer s.wmu.Unlock()
	if _, err := st.workspace(id); err != nil {
		return err
	}
	ws := cloneMap(st.ws)
	delete(ws, id)
	if err := s.commit(st.withWorkspaces(ws)); err != nil {
		return fmt.Errorf("memstore: delete workspace %q: %w", id, err)
	}
	return nil
}

// ---- Nodes, edges, statuses ----

// Org returns one organization.
func (s *Store) Org(ctx context.Context, ws, id string) (graph.Org, error) {
	w, err := s.ws(ws)
	if err != nil {
		return graph.Org{}, err
	}
	o, ok := w.orgs[id]
	if !ok {
		return graph.Org{}, &graph.NotFoundError{Kind: string(graph.KindOrg), ID: id, In: ws}
	}
	return *o, nil
}

// Asset returns one asset.
func (s *Store) Asset(ctx context.Context, ws, id string) (graph.Asset, error) {
	w, err := s.ws(ws)
	if err != nil {
		return graph.Asset{}, err
	}
	a, ok := w.assets[id]
	if !ok {
		return graph.Asset{}, &graph.NotFoundError{Kind: string(graph.KindAsset), ID: id, In: ws}
	}
	return copyAsset(a), nil
}

func copyAsset(a *graph.Asset) graph.Asset {
	c := *a
	c.Layers = slices.Clone(a.Layers)
	c.PersonalInfo = slices.Clone(a.PersonalInfo)
	c.Exposure = slices.Clone(a.Exposure)
	return c
}

func (s *Store) ws(id string) (*wsState, error) {
	st, err := s.snap()
	if err != nil {
		return nil, err
	}
	return st.workspace(id)
}

// Orgs lists the workspace's organizations sorted by ID.
func (s *Store) Orgs(ctx context.Context, ws string) ([]graph.Org, error) {
	w, err := s.ws(ws)
	if err != nil {
		return nil, err
	}
	out := make([]graph.Org, len(w.orgNodes))
	for i, p := range w.orgNodes {
		out[i] = *w.orgs[w.ids[p]]
	}
	return out, nil
}

// Assets filters and pages the workspace's assets, sorted by ID.
func (s *Store) Assets(ctx context.Context, ws string, q graph.AssetQuery) (graph.AssetPage, error) {
	w, err := s.ws(ws)
	if err != nil {
		return graph.AssetPage{}, err
	}
	if q.First < 0 {
		return graph.AssetPage{}, invalidf("asset query: first %d is negative", q.First)
	}
	if q.Layer != "" && !graph.ValidLayer(q.Layer) {
		return graph.AssetPage{}, invalidf("asset query: layer %q is not L1, L2 or L3", q.Layer)
	}
	if q.Component != "" && !graph.ValidComponent(q.Component) {
		return graph.AssetPage{}, invalidf("asset query: unknown component %q", q.Component)
	}
	text := strings.ToLower(q.Text)
	match := func(i int, a *graph.Asset) bool {
		switch {
		case q.Layer != "" && !slices.Contains(a.Layers, q.Layer),
			q.Component != "" && a.Component != q.Component,
			q.Org != "" && a.Owner != q.Org,
			q.MinImportance > 0 && a.EffectiveImportance() < q.MinImportance,
			text != "" && !strings.Contains(w.assetText(i), text):
			return false
		}
		return true
	}
	filtered := q.Layer != "" || q.Component != "" || q.Org != "" || q.MinImportance > 0 || text != ""
	// Position of the first asset after the cursor.
	start := 0
	if q.After != "" {
		start, _ = slices.BinarySearchFunc(w.assetNodes, q.After, func(p int32, id string) int {
			return strings.Compare(w.ids[p], id)
		})
		if start < len(w.assetNodes) && w.ids[w.assetNodes[start]] == q.After {
			start++
		}
	}
	var page graph.AssetPage
	if !filtered {
		page.Total = len(w.assetNodes)
		end := len(w.assetNodes)
		if q.First > 0 && start+q.First < end {
			end = start + q.First
			page.HasNext = true
		}
		if start < end {
			page.Assets = make([]graph.Asset, 0, end-start)
			for _, p := range w.assetNodes[start:end] {
				page.Assets = append(page.Assets, copyAsset(w.assets[w.ids[p]]))
			}
		}
		return page, nil
	}
	for i, p := range w.assetNodes {
		a := w.assets[w.ids[p]]
		if !match(i, a) {
			continue
		}
		page.Total++
		if i < start {
			continue
		}
		if q.First > 0 && len(page.Assets) == q.First {
			page.HasNext = true
			continue
		}
		page.Assets = append(page.Assets, copyAsset(a))
	}
	return page, nil
}

// Edges lists the edges touching node (all edges when node is ""), sorted
// by (type, from, to). An unknown node has no edges.
func (s *Store) Edges(ctx context.Context, ws, node string) ([]graph.Edge, error) {
	w, err := s.ws(ws)
	if err != nil {
		return nil, err
	}
	var src []int32
	if node == "" {
		src = w.allEdges()
	} else if p, ok := w.pos[node]; ok {
		src = slices.Clone(w.edgeOf[w.edgeOff[p]:w.edgeOff[p+1]])
		slices.SortFunc(src, w.compareEdges)
	}
	out := make([]graph.Edge, len(src))
	for i, e := range src {
		out[i] = w.edgeAt(e)
	}
	return out, nil
}

// Statuses lists the control statuses of the subjects (all when subjects is
// nil), sorted by (subject, framework, control ID).
func (s *Store) Statuses(ctx context.Context, ws string, subjects []string) ([]graph.ControlStatus, error) {
	w, err := s.ws(ws)
	if err != nil {
		return nil, err
	}
	var nodes []int32
	if subjects == nil {
		nodes = make([]int32, len(w.ids))
		for i := range nodes {
			nodes[i] = int32(i)
		}
	} else {
		for _, id := range subjects {
			if p, ok := w.pos[id]; ok {
				nodes = append(nodes, p)
			}
		}
		slices.Sort(nodes)
		nodes = slices.Compact(nodes)
	}
	var out []graph.ControlStatus
	for _, p := range nodes {
		out = append(out, w.facts[p].Statuses...)
	}
	return out, nil
}

// Entries returns the nodes in any of the cells, sorted by ID.
func (s *Store) Entries(ctx context.Context, ws string, cells []graph.Cell) ([]graph.NodeFacts, error) {
	w, err := s.ws(ws)
	if err != nil {
		return nil, err
	}
	var lists [][]int32
	for _, c := range cells {
		li, ci := layerIndex(c.Layer), componentIndex(c.Component)
		if li < 0 || ci < 0 {
			return nil, invalidf("entries: cell %s is not a CPSF cell", c)
		}
		lists = append(lists, w.cells[li][ci])
	}
	var nodes []int32
	if len(lists) == 1 {
		nodes = lists[0]
	} else {
		for _, l := range lists {
			nodes = append(nodes, l...)
		}
		slices.Sort(nodes)
		nodes = slices.Compact(nodes)
	}
	out := make([]graph.NodeFacts, len(nodes))
	for i, p := range nodes {
		out[i] = w.facts[p]
	}
	return out, nil
}

// ---- errors ----

// invalidf reports input that breaks the model (it wraps graph.ErrInvalid).
func invalidf(format string, args ...any) error { return graph.Invalidf(format, args...) }
