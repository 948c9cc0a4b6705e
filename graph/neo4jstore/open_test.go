package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"cpsfgraph/graph"
	"cpsfgraph/graph/neo4jstore"
	"cpsfgraph/graph/storetest"
)

func TestOpenErrors(t *testing.T) {
	cfg := testConfig(t)
	// A port nobody listens on: listen, note the port, close.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "bolt://" + l.Addr().String()
	l.Close()
	wrongDB := cfg
	wrongDB.Database = "nosuchdb"
	for _, c := range []struct {
		name string
		cfg  neo4jstore.Config
		want []string
	}{
		{"closed port", neo4jstore.Config{URI: closed}, []string{"cannot reach Neo4j at " + closed}},
		{"no URI", neo4jstore.Config{}, []string{"no URI"}},
		{"bad scheme", neo4jstore.Config{URI: "http://127.0.0.1:7474"}, []string{`"http://127.0.0.1:7474"`}},
		{"wrong database", wrongDB, []string{`no database "nosuchdb"`, cfg.URI}},
		{"negative batch", neo4jstore.Config{URI: cfg.URI, BatchSize: -1}, []string{"batch size -1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := neo4jstore.Open(ctx, c.cfg)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%+v) succeeded, want an error", c.cfg)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Open(%+v) error %q does not say %q", c.cfg, err, w)
				}
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv("NEO4J_URI", "neo4j://db.example:7687")
	t.Setenv("NEO4J_USERNAME", "u")
	t.Setenv("NEO4J_PASSWORD", "p")
	t.Setenv("NEO4J_DATABASE", "d")
	t.Setenv("NEO4J_BATCH_SIZE", "100")
	t.Setenv("NEO4J_PARALLEL", "3")
	cfg, err := neo4jstore.ConfigFromEnv()
	want := neo4jstore.Config{URI: "neo4j://db.example:7687", Username: "u", Password: "p", Database: "d", BatchSize: 100, Parallel: 3}
	if err != nil || cfg != want {
		t.Errorf("ConfigFromEnv() = %+v, %v; want %+v", cfg, err, want)
	}
	for _, v := range []string{"NEO4J_BATCH_SIZE", "NEO4J_PARALLEL"} {
		t.Run(v, func(t *testing.T) {
			t.Setenv(v, "zero")
			if _, err := neo4jstore.ConfigFromEnv(); err == nil || !strings.Contains(err.Error(), v) {
				t.Errorf("ConfigFromEnv with %s=zero: error %v, want one naming the variable", v, err)
			}
		})
	}
}

// TestSchemaVersion: a fresh database gets the current version and the
// constraints; an older store is upgraded; a newer one is refused with a
// clear message and left untouched.
func TestSchemaVersion(t *testing.T) {
	cfg := testConfig(t)
	ctx := context.Background()
	s := openEmpty(t)
	if v, err := s.StoredSchemaVersion(ctx); err != nil || v != neo4jstore.SchemaVersion {
		t.Fatalf("fresh store: schema version %d, %v; want %d", v, err, neo4jstore.SchemaVersion)
	}
	recs := cypher(t, cfg, "SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'cpsfgraph_' RETURN count(*) AS n", nil)
	if n, _ := recs[0].Get("n"); n.(int64) < 10 {
		t.Errorf("fresh store has %d cpsfgraph constraints, want at least 10", n)
	}
	// Open again: idempotent.
	openCfg(t, cfg)

	// A version-1 store (assets without idKey): upgraded by Open, and the
	// asset pages work again.
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "w"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(ctx, graph.WriteSpec{Workspace: "w", Source: "s", Run: "r"}, func(put func(graph.Batch) error) error {
		return put(graph.Batch{Assets: []graph.Asset{{ID: "x1", Component: graph.Data}, {ID: "x2", Component: graph.Data}}})
	}); err != nil {
		t.Fatal(err)
	}
	cypher(t, cfg, "MATCH (a:Asset) REMOVE a.idKey", nil)
	cypher(t, cfg, "MATCH (n:CpsfgraphSchema) SET n.version = 1", nil)
	s1 := openCfg(t, cfg)
	if v, err := s1.StoredSchemaVersion(ctx); err != nil || v != neo4jstore.SchemaVersion {
		t.Errorf("store upgraded from version 1: schema version %d, %v; want %d", v, err, neo4jstore.SchemaVersion)
	}
	if page, err := s1.Assets(ctx, "w", graph.AssetQuery{After: "x1"}); err != nil || len(page.Assets) != 1 || page.Assets[0].ID != "x2" {
		t.Errorf("after the upgrade, Assets(after x1) = %+v, %v; want x2", page, err)
	}
	recs = cypher(t, cfg, "MATCH (a:Asset) WHERE a.idKey IS NULL RETURN count(*) AS n", nil)
	if n, _ := recs[0].Get("n"); n.(int64) != 0 {
		t.Errorf("upgrade left %d assets without idKey", n)
	}

	// Older store (written before versioning): upgraded by Open.
	cypher(t, cfg, "MATCH (n:CpsfgraphSchema) DELETE n", nil)
	cypher(t, cfg, "DROP CONSTRAINT cpsfgraph_Asset_key", nil)
	s2 := openCfg(t, cfg)
	if v, err := s2.StoredSchemaVersion(ctx); err != nil || v != neo4jstore.SchemaVersion {
		t.Errorf("upgraded store: schema version %d, %v; want %d", v, err, neo4jstore.SchemaVersion)
	}
	recs = cypher(t, cfg, "SHOW CONSTRAINTS YIELD name WHERE name = 'cpsfgraph_Asset_key' RETURN count(*) AS n", nil)
	if n, _ := recs[0].Get("n"); n.(int64) != 1 {
		t.Errorf("upgrade did not recreate constraint cpsfgraph_Asset_key")
	}

	// Newer store: refused, by Open and by Migrate.
	newer := neo4jstore.SchemaVersion + 1
	cypher(t, cfg, "MATCH (n:CpsfgraphSchema) SET n.version = $v", map[string]any{"v": newer})
	_, err := neo4jstore.Open(ctx, cfg)
	want := fmt.Sprintf("store schema version %d is newer than this binary's %d; upgrade cpsfgraph", newer, neo4jstore.SchemaVersion)
	if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, neo4jstore.ErrNewerSchema) {
		t.Errorf("Open on a newer store: error %v; want one saying %q", err, want)
	}
	if err := s2.Migrate(ctx); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Migrate on a newer store: error %v; want one saying %q", err, want)
	}
	recs = cypher(t, cfg, "MATCH (n:CpsfgraphSchema) RETURN n.version AS v", nil)
	if v, _ := recs[0].Get("v"); v.(int64) != int64(newer) {
		t.Errorf("refusal changed the stored version to %v", v)
	}
	cypher(t, cfg, "MATCH (n:CpsfgraphSchema) SET n.version = $v", map[string]any{"v": neo4jstore.SchemaVersion})
}

// TestRoutingURI opens the store with the cluster-routing scheme neo4j://
// (a single server answers the routing table with itself).
func TestRoutingURI(t *testing.T) {
	cfg := testConfig(t)
	wipe(t, cfg)
	rest, ok := strings.CutPrefix(cfg.URI, "bolt://")
	if !ok {
		t.Skipf("NEO4J_URI %q is not bolt://", cfg.URI)
	}
	cfg.URI = "neo4j://" + rest
	s := openCfg(t, cfg)
	ctx := context.Background()
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "routed", Name: "via neo4j://"}); err != nil {
		t.Fatalf("PutWorkspace over %s: %v", cfg.URI, err)
	}
	ws, err := s.Workspaces(ctx)
	if err != nil || len(ws) != 1 || ws[0].ID != "routed" {
		t.Fatalf("Workspaces over %s = %+v, %v", cfg.URI, ws, err)
	}
}

// TestAssetOrder: asset pages follow Go's byte order of IDs, as memstore,
// also where Cypher's own string order (UTF-16 units) differs.
func TestAssetOrder(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "w"}); err != nil {
		t.Fatal(err)
	}
	ids := []string{"b", "a\U0001F600", "a\uFFFD", "a", "A", "\u00e9"} // Go order: A a a\uFFFD a\U0001F600 b \u00e9
	var assets []graph.Asset
	for _, id := range ids {
		assets = append(assets, graph.Asset{ID: id, Component: graph.Data})
	}
	if _, err := s.Write(ctx, graph.WriteSpec{Workspace: "w", Source: "s", Run: "r"}, func(put func(graph.Batch) error) error {
		return put(graph.Batch{Assets: assets})
	}); err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(ids))
	var got []string
	after := ""
	for range ids {
		page, err := s.Assets(ctx, "w", graph.AssetQuery{After: after, First: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Assets) != 1 {
			break
		}
		after = page.Assets[0].ID
		got = append(got, after)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages of one asset: %q, want %q", got, want)
	}
}

// TestVersion: the version changes with every Write, PutWorkspace and
// PutCatalog, and not with reads or a dry run.
func TestVersion(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	if err := s.PutCatalog(ctx, storetest.Catalog()); err != nil {
		t.Fatal(err)
	}
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "w"}); err != nil {
		t.Fatal(err)
	}
	version := func() string {
		t.Helper()
		v, err := s.Version(ctx, "w")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	write := func(dry bool) {
		t.Helper()
		if _, err := s.Write(ctx, graph.WriteSpec{Workspace: "w", Source: "s", Run: "r", DryRun: dry}, func(put func(graph.Batch) error) error {
			return put(graph.Batch{Assets: []graph.Asset{{ID: "a", Component: graph.Data}}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	v0 := version()
	if v := version(); v != v0 {
		t.Errorf("version changed without a write: %q, %q", v0, v)
	}
	for _, c := range []struct {
		what    string
		do      func()
		changes bool
	}{
		{"read", func() { s.Assets(ctx, "w", graph.AssetQuery{}) }, false},
		{"dry run", func() { write(true) }, false},
		{"write", func() { write(false) }, true},
		{"put workspace", func() { s.PutWorkspace(ctx, graph.Workspace{ID: "w", ThreatLevels: map[string]int{"T-A": 3}}) }, true},
		{"put catalog", func() { s.PutCatalog(ctx, &graph.Catalog{Threats: []graph.Threat{{ID: "T-NEW"}}}) }, true},
	} {
		before := version()
		c.do()
		if after := version(); (after != before) != c.changes {
			t.Errorf("%s: version %q -> %q; want changed = %v", c.what, before, after, c.changes)
		}
	}
}
