// Package neo4jtest holds what tests that run against a real Neo4j share:
// the NEO4J_URI rule (skip without it, fail when CI=true) and a wipe of the
// test database. Community Neo4j has one database, so every package whose
// tests use it runs alone (scripts/test.sh) and starts from a wiped one.
package neo4jtest

import (
	"context"
	"os"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph/neo4jstore"
)

// Config returns the test server's configuration (NEO4J_* from the
// environment). Without NEO4J_URI the test skips with a message naming
// what, or fails when CI=true: in CI a skipped Neo4j test is a failure.
func Config(t testing.TB, what string) neo4jstore.Config {
	t.Helper()
	if os.Getenv("NEO4J_URI") == "" {
		msg := "NEO4J_URI is not set: start a real Neo4j with `eval \"$(scripts/neo4j/start.sh)\"` to run " + what
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: skipping is a failure)")
		}
		t.Skip(msg)
	}
	cfg, err := neo4jstore.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Wipe deletes every node of the test database, in batches.
func Wipe(t testing.TB, cfg neo4jstore.Config) {
	t.Helper()
	ctx := context.Background()
	auth := neo4j.NoAuth()
	if cfg.Username != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(ctx)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS", nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		t.Fatalf("wipe Neo4j at %s: %v", cfg.URI, err)
	}
}
