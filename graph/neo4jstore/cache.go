package neo4jstore

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph"
)

// The facts cache keeps the NodeFacts the walks and entry look-ups read,
// per workspace, under the workspace's data version: a random token every
// Write and PutWorkspace set on the :Workspace node in their own
// transaction. Each Walk and Entries reads the version first; a different
// version drops the cache. Traversal still runs in Cypher on every call;
// only the per-node facts (properties and statuses) are reused, so a
// heat-map that walks the same nodes for many threats reads them once.
// Orgs and Statuses (of a list of subjects, as every analysis asks for the
// organizations' statuses) are cached the same way.
// Several cpsfgraph processes on one database stay correct: the version is
// in the database.

type wsFacts struct {
	version  string
	warming  bool // warm has been started for this entry
	byElem   map[string]graph.NodeFacts
	orgs     []graph.Org // Orgs, when orgsOK
	orgsOK   bool
	statuses map[string][]graph.ControlStatus // Statuses by subject list (IDs joined by NUL)
}

// entry returns workspace ws's cache entry of that version, a fresh one
// when the version changed.
func (c *factsCache) entry(ws, version string) *wsFacts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entryLocked(ws, version)
}

func (c *factsCache) entryLocked(ws, version string) *wsFacts {
	if c.ws == nil {
		c.ws = map[string]*wsFacts{}
	}
	w := c.ws[ws]
	if w == nil || w.version != version {
		w = &wsFacts{version: version, byElem: map[string]graph.NodeFacts{}, statuses: map[string][]graph.ControlStatus{}}
		c.ws[ws] = w
	}
	return w
}

// cachedOrgs returns a copy of the cached organizations.
func (c *factsCache) cachedOrgs(w *wsFacts) ([]graph.Org, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !w.orgsOK {
		return nil, false
	}
	return slices.Clone(w.orgs), true
}

func (c *factsCache) putOrgs(w *wsFacts, orgs []graph.Org) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w.orgs, w.orgsOK = slices.Clone(orgs), true
}

// cachedStatuses returns a copy of the cached statuses of a subject list.
func (c *factsCache) cachedStatuses(w *wsFacts, key string) ([]graph.ControlStatus, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sts, ok := w.statuses[key]
	return slices.Clone(sts), ok
}

func (c *factsCache) putStatuses(w *wsFacts, key string, sts []graph.ControlStatus) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w.statuses[key] = slices.Clone(sts)
}

type factsCache struct {
	mu sync.Mutex
	ws map[string]*wsFacts
}

// get returns the cached facts of the element IDs (ok[i] false where
// missing) and the cache entry of that version.
func (c *factsCache) get(ws, version string, eids []string) ([]graph.NodeFacts, []bool, *wsFacts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.entryLocked(ws, version)
	out := make([]graph.NodeFacts, len(eids))
	ok := make([]bool, len(eids))
	for i, e := range eids {
		out[i], ok[i] = w.byElem[e]
	}
	return out, ok, w
}

func (c *factsCache) put(w *wsFacts, eids []string, fs []graph.NodeFacts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range eids {
		w.byElem[e] = fs[i]
	}
}

// wsVersion returns workspace id's data version, or a *graph.NotFoundError.
func wsVersion(ctx context.Context, tx neo4j.ManagedTransaction, id string) (string, error) {
	recs, err := run(ctx, tx, "MATCH (w:"+workspaceLabel+" {id: $id}) RETURN coalesce(w.version, '') AS v", map[string]any{"id": id})
	if err != nil {
		return "", err
	}
	if len(recs) == 0 {
		return "", &graph.NotFoundError{Kind: "workspace", ID: id}
	}
	return recStr(recs[0], "v"), nil
}

// factsOf returns the facts of the nodes with the given element IDs, in
// the same order, from the cache or (the missing ones) from tx.
func (s *Store) factsOf(ctx context.Context, tx neo4j.ManagedTransaction, ws, version string, eids []string) ([]graph.NodeFacts, error) {
	out, ok, entry := s.cache.get(ws, version, eids)
	return s.fetchFacts(ctx, tx, ws, version, eids, out, ok, entry)
}

// facts is factsOf outside a transaction: it reads the facts the cache
// lacks, if any, in a read transaction of their own.
func (s *Store) facts(ctx context.Context, ws, version string, eids []string) ([]graph.NodeFacts, error) {
	out, ok, entry := s.cache.get(ws, version, eids)
	if !slices.Contains(ok, false) {
		return out, nil
	}
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		// A retry starts from the cached facts again.
		return s.fetchFacts(ctx, tx, ws, version, eids, slices.Clone(out), ok, entry)
	})
	if err != nil {
		return nil, err
	}
	return v.([]graph.NodeFacts), nil
}

// fetchFacts reads in tx the facts of the eids not ok in the cache into
// out, and caches them.
func (s *Store) fetchFacts(ctx context.Context, tx neo4j.ManagedTransaction, ws, version string, eids []string, out []graph.NodeFacts, ok []bool, entry *wsFacts) ([]graph.NodeFacts, error) {
	if version != "" && slices.Contains(ok, false) {
		s.startWarm(ws, entry)
	}
	var missing []string
	at := map[string]int{}
	for i, e := range eids {
		if !ok[i] {
			at[e] = i
			missing = append(missing, e)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	var gotE []string
	var gotF []graph.NodeFacts
	err := chunks(missing, s.batch, func(b []string) error {
		recs, err := run(ctx, tx, factsByElementID+factsTail, map[string]any{"ids": b, "ws": ws})
		if err != nil {
			return err
		}
		fs, es := nodeFacts(recs[0])
		for i, e := range es {
			out[at[e]] = fs[i]
		}
		gotE = append(gotE, es...)
		gotF = append(gotF, fs...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if version != "" {
		s.cache.put(entry, gotE, gotF)
	}
	return out, nil
}

// Warming. The first read that misses the cache of a workspace's data
// version starts, once per version, a background load of the facts of all
// the workspace's nodes into that version's entry, in pages of BatchSize
// by the ID index. The read that started it goes on as before (reading what
// it misses); later walks find every node cached. A cold walk of 15,000
// nodes of the synthetic enterprise spends about 175 ms reading facts, the
// whole 100k-node workspace loads in about a second. The facts of a
// workspace are what its heat-map caches anyway. A write gives the
// workspace a new version and so a new entry; a warm of an old version
// stops at its next page. Close stops a running warm.
func (s *Store) startWarm(ws string, entry *wsFacts) {
	s.cache.mu.Lock()
	started := entry.warming
	entry.warming = true
	s.cache.mu.Unlock()
	if started || s.noWarm {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		_ = s.warm(s.bgCtx, ws, entry)
	}()
}

// warm loads every node's facts of workspace ws into entry, while the
// workspace's version is still entry's.
func (s *Store) warm(ctx context.Context, ws string, entry *wsFacts) error {
	for _, q := range []struct{ label, order string }{{orgLabel, graph.PropID}, {assetLabel, propIDKey}} {
		after := ""
		for {
			out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
				v, err := wsVersion(ctx, tx, ws)
				if err != nil || v != entry.version {
					return nil, errStaleWarm
				}
				recs, err := run(ctx, tx, "MATCH (n:"+q.label+" {workspace: $ws}) WHERE n."+q.order+" > $after "+
					"WITH n ORDER BY n."+q.order+" LIMIT $limit"+factsBody+", max(n."+q.order+") AS last", map[string]any{"ws": ws, "after": after, "limit": s.batch})
				if err != nil || len(recs) == 0 {
					return nil, err
				}
				fs, es := nodeFacts(recs[0])
				s.cache.put(entry, es, fs)
				last, _ := recs[0].Get("last")
				l, _ := last.(string)
				return l, nil
			})
			if err != nil {
				return err
			}
			l, _ := out.(string)
			if l == "" || l == after {
				break
			}
			after = l
		}
	}
	return nil
}

var errStaleWarm = errors.New("neo4jstore: workspace changed while warming its facts")

var _ graph.Versioned = (*Store)(nil)

var _ graph.Concurrent = (*Store)(nil)

// Concurrency implements graph.Concurrent: as many walks at once as one
// walk level may run read transactions (Config.Parallel).
func (s *Store) Concurrency() int { return s.parallel }

// Version implements graph.Versioned: the catalog's version token and the
// workspace's data version, both stored in the database and replaced by
// every PutCatalog, PutWorkspace and Write, so the analyzer's cache is
// right even with several cpsfgraph processes on one database. Where a
// token is missing (a store written before tokens, an unknown workspace)
// it returns a fresh random value: never a cache hit.
func (s *Store) Version(ctx context.Context, ws string) (string, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := run(ctx, tx, "OPTIONAL MATCH (c:"+labelSchema+" {key: $key}) OPTIONAL MATCH (w:"+workspaceLabel+" {id: $ws}) "+
			"RETURN coalesce(c.catalogVersion, '') AS c, coalesce(w.version, '') AS w", map[string]any{"key": schemaKey, "ws": ws})
		if err != nil {
			return "", err
		}
		c, w := recStr(recs[0], "c"), recStr(recs[0], "w")
		if c == "" || w == "" {
			return "none-" + newTxID(), nil
		}
		return c + "." + w, nil
	})
	if err != nil {
		return "", err
	}
	return out.(string), nil
}
