package graph

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is wrapped by errors about unknown workspaces, assets,
// organizations, threats and controls.
var ErrNotFound = errors.New("not found")

// ErrInvalid is wrapped by errors about input that breaks the model
// (unknown component, layer out of range, dangling edge, ...).
var ErrInvalid = errors.New("invalid")

// NotFoundError reports an unknown item.
type NotFoundError struct {
	Kind string // "workspace", "asset", "threat", ...
	ID   string
	In   string // workspace, where it applies
}

func (e *NotFoundError) Error() string {
	if e.In != "" {
		return fmt.Sprintf("%s %q not found in workspace %q", e.Kind, e.ID, e.In)
	}
	return fmt.Sprintf("%s %q not found", e.Kind, e.ID)
}

// Unwrap lets errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// Batch is a set of company-graph upserts and removals within one workspace.
// Upserts are keyed by ID (organizations, assets), by (type, from, to)
// (edges) and by (subject, control) (statuses).
type Batch struct {
	Orgs     []Org
	Assets   []Asset
	Edges    []Edge
	Statuses []ControlStatus

	RemoveEdges    []EdgeKey
	RemoveStatuses []StatusKey
}

// Len counts the items of the batch.
func (b *Batch) Len() int {
	return len(b.Orgs) + len(b.Assets) + len(b.Edges) + len(b.Statuses) + len(b.RemoveEdges) + len(b.RemoveStatuses)
}

// WriteSpec describes one write: an import run of one source into one
// workspace.
type WriteSpec struct {
	Workspace string
	Source    string    // import source (file name, "api", ...); required
	Run       string    // run ID stamped on what this write touches; required
	Now       time.Time // firstSeen/lastSeen; zero = time.Now()
	// Sweep removes, after the batches, every node and edge and status of
	// this workspace stamped with Source but not touched by this run
	// (relationships before nodes). Use it for a full re-import of a source.
	Sweep bool
	// DryRun validates and counts but writes nothing.
	DryRun bool
}

// Counts counts items by outcome.
type Counts struct {
	Created   int
	Updated   int
	Unchanged int
	Removed   int
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Created += o.Created
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
	c.Removed += o.Removed
}

// WriteReport says what a write did, by kind.
type WriteReport struct {
	Orgs     Counts
	Assets   Counts
	Edges    Counts
	Statuses Counts
}

// Total adds up the counts of every kind.
func (r WriteReport) Total() Counts {
	var c Counts
	c.Add(r.Orgs)
	c.Add(r.Assets)
	c.Add(r.Edges)
	c.Add(r.Statuses)
	return c
}

// AssetQuery filters and pages a workspace's assets. Empty fields do not
// filter. Results are ordered by ID; After is the last ID of the previous
// page (cursor), First the page size (0 = all).
type AssetQuery struct {
	Layer         LayerID
	Component     Component
	Org           string
	MinImportance int    // on the effective importance (Asset.EffectiveImportance)
	Text          string // case-insensitive substring of ID, name, category or media
	After         string
	First         int
}

// AssetPage is a page of assets with the total count of the filter.
type AssetPage struct {
	Assets  []Asset
	Total   int
	HasNext bool
}

// Direction is the way a walk follows compromise flows.
type Direction int

// Walk directions.
const (
	// Downstream follows compromise as it flows: from a compromised node to
	// what it compromises next (blast radius).
	Downstream Direction = iota
	// Upstream walks against the flow: from a node to those that can
	// compromise it (threats reaching an asset).
	Upstream
)

// WalkSpec describes a breadth-first walk along compromise flows.
type WalkSpec struct {
	Starts  []string // start node IDs (depth 0); unknown IDs are an error
	Dir     Direction
	MaxHops int  // deepest level visited (0 = the starts only)
	Parents bool // fill Level.Parents
	// FirstParent fills Level.FirstParent: only the smallest parent of each
	// node, which is all a lexicographically smallest path needs and far
	// cheaper than the Parents map.
	FirstParent bool
	// Prune, when set, is asked about every node a level reports, with the
	// level's depth; the walk does not go on from a node it returns true
	// for. A pruned node is still reported and visited, so a node reached
	// only through pruned nodes is not reported. It cannot be combined with
	// Parents or FirstParent (a walk with both is invalid).
	Prune func(id string, depth int) bool
}

// Level is one level of a walk: the nodes first reached at Depth, sorted by
// ID. No node appears twice in a walk.
type Level struct {
	Depth int
	Nodes []NodeFacts
	// Parents maps each node of this level to its neighbours on the previous
	// level (Depth-1) through which it was reached, sorted by ID. In an
	// Upstream walk these are the nodes it compromises next on its way to the
	// start; in a Downstream walk the nodes that compromise it. Filled when
	// WalkSpec.Parents is set and Depth > 0.
	Parents map[string][]string
	// FirstParent is aligned with Nodes: the smallest ID of each node's
	// parents (Parents[id][0]), "" at depth 0. Filled when
	// WalkSpec.FirstParent is set and Depth > 0.
	FirstParent []string
}

// Store is the contract of a knowledge-graph backend. Every store passes the
// conformance suite in graph/storetest, so all give the same answers on the
// same data. Every method is scoped to one workspace where it takes one; no
// method crosses workspaces.
//
// Stores do the traversal (Entries, Walk) close to the data; the analysis in
// this package computes coverage, scores and heat-maps from what they return.
type Store interface {
	// PutCatalog upserts catalog items and mappings (keys: IDs; controls by
	// framework and ID; mappings by type, from, to).
	PutCatalog(ctx context.Context, c *Catalog) error
	// Catalog returns the whole catalog, each list sorted by key. Callers
	// must not modify it. A store may return the same pointer while the
	// catalog is unchanged (the analysis then reuses its index); after a
	// PutCatalog it returns a new one.
	Catalog(ctx context.Context) (*Catalog, error)

	// PutWorkspace creates or updates a workspace.
	PutWorkspace(ctx context.Context, w Workspace) error
	// Workspace returns one workspace or a *NotFoundError.
	Workspace(ctx context.Context, id string) (Workspace, error)
	// Workspaces lists workspaces sorted by ID.
	Workspaces(ctx context.Context) ([]Workspace, error)
	// DeleteWorkspace removes a workspace and everything in it.
	DeleteWorkspace(ctx context.Context, id string) error

	// Write applies one import run atomically: fill calls put with batches;
	// if fill or any put fails, nothing of the run is written. The workspace
	// must exist. The model's rules, each an error wrapping ErrInvalid:
	//   - assets and organizations share one ID space per workspace;
	//   - component, layers, role, edge type and status are known values;
	//     C/I/A and importance are 0..3 (0 = not rated);
	//   - edges and statuses name nodes that exist in the workspace after the
	//     run (or are created by it); statuses name catalog controls;
	//   - SUPPLIES joins two organizations; SUPPLIED_BY and OWNED_BY and
	//     Asset.Owner point to an organization.
	// Counts: "unchanged" ignores stamps; an item listed again takes the new
	// Run and LastSeen and keeps its FirstSeen. A dry run with Sweep counts
	// what the sweep would remove.
	Write(ctx context.Context, spec WriteSpec, fill func(put func(Batch) error) error) (WriteReport, error)

	// Org and Asset return one node or a *NotFoundError.
	Org(ctx context.Context, ws, id string) (Org, error)
	Asset(ctx context.Context, ws, id string) (Asset, error)
	// Orgs lists the workspace's organizations sorted by ID.
	Orgs(ctx context.Context, ws string) ([]Org, error)
	// Assets filters and pages assets, sorted by ID.
	Assets(ctx context.Context, ws string, q AssetQuery) (AssetPage, error)
	// Edges lists the edges touching node (either end), or all edges when
	// node is "", sorted by (type, from, to).
	Edges(ctx context.Context, ws, node string) ([]Edge, error)
	// Statuses lists the control statuses of the given subjects (all when
	// subjects is nil; none for an empty non-nil list), sorted by (subject,
	// framework, control ID).
	Statuses(ctx context.Context, ws string, subjects []string) ([]ControlStatus, error)

	// Entries returns the nodes (assets and organizations) that sit in any of
	// the cells, sorted by ID.
	Entries(ctx context.Context, ws string, cells []Cell) ([]NodeFacts, error)
	// Walk walks compromise flows breadth-first from spec.Starts and calls fn
	// once per non-empty level, depth 0 first; fn returns false to stop early.
	// fn may keep the Level it is given: a store never reuses its slices or
	// maps for a later level.
	Walk(ctx context.Context, ws string, spec WalkSpec, fn func(Level) bool) error

	// Close flushes and releases the store.
	Close() error
}

// Concurrent is implemented by stores whose reads gain from running at
// once (a database server with cores of its own): whole-workspace analyses
// then walk up to Concurrency() threats at a time, with the same answers.
// Stores that do not implement it are walked one threat at a time.
type Concurrent interface {
	Concurrency() int
}

// concurrency returns how many walks the analysis runs at once on s.
func concurrency(s Store) int {
	if c, ok := s.(Concurrent); ok {
		return max(c.Concurrency(), 1)
	}
	return 1
}

// EnvReader is implemented by stores that read what Analyzer.Load needs (a
// workspace, the catalog, the workspace's organizations and their control
// statuses) in one round trip instead of four. ReadEnv returns exactly what
// Workspace, Catalog, Orgs and Statuses (of the organizations' IDs) return,
// with the same errors, the workspace's first.
type EnvReader interface {
	ReadEnv(ctx context.Context, ws string) (Workspace, *Catalog, []Org, []ControlStatus, error)
}

// Versioned is implemented by stores that can tell cheaply whether what an
// analysis of a workspace reads has changed: Version returns a new value
// after every write to the workspace or the catalog. The analyzer caches
// whole-workspace pairs under it; a store that cannot tell does not
// implement it and is never served from the cache.
type Versioned interface {
	Version(ctx context.Context, ws string) (string, error)
}
