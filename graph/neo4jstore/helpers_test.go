package neo4jstore_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph/neo4jstore"
	"cpsfgraph/graph/neo4jstore/neo4jtest"
)

// neo4jURI returns NEO4J_URI. Without it the test skips with a message, or
// fails when CI=true (in CI a skipped Neo4j test is a failure).
func neo4jURI(t testing.TB) string {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		const msg = "NEO4J_URI is not set: start a real Neo4j with `eval \"$(scripts/neo4j/start.sh)\"` to run the Neo4j store tests"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: skipping is a failure)")
		}
		t.Skip(msg)
	}
	return uri
}

// testConfig is the configuration of the test server: NEO4J_* from the
// environment.
func testConfig(t testing.TB) neo4jstore.Config {
	t.Helper()
	neo4jURI(t)
	cfg, err := neo4jstore.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// wipe deletes every node of the test database, in batches.
func wipe(t testing.TB, cfg neo4jstore.Config) { t.Helper(); neo4jtest.Wipe(t, cfg) }

// driver returns a raw driver on the test server, closed at cleanup.
func driver(t testing.TB, cfg neo4jstore.Config) neo4j.DriverWithContext {
	t.Helper()
	auth := neo4j.NoAuth()
	if cfg.Username != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drv.Close(context.Background()) })
	return drv
}

// cypher runs one auto-commit query on the test server and returns its
// records.
func cypher(t testing.TB, cfg neo4jstore.Config, q string, params map[string]any) []*neo4j.Record {
	t.Helper()
	ctx := context.Background()
	res, err := neo4j.ExecuteQuery(ctx, driver(t, cfg), q, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
	if err != nil {
		t.Fatalf("cypher %q: %v", q, err)
	}
	return res.Records
}

// openEmpty wipes the test database and opens a store on it, closed at
// cleanup.
func openEmpty(t testing.TB) *neo4jstore.Store {
	t.Helper()
	cfg := testConfig(t)
	wipe(t, cfg)
	return openCfg(t, cfg)
}

func openCfg(t testing.TB, cfg neo4jstore.Config) *neo4jstore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open(%s): %v", cfg.URI, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
