package server_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/graph/neo4jstore"
)

// TestOnNeo4j runs the HTTP tests again on the Neo4j store when NEO4J_URI
// names a running Neo4j (scripts/neo4j/start.sh); it skips otherwise, and
// fails when CI=true. The tests delete and recreate the workspaces demo,
// other and new of that database.
func TestOnNeo4j(t *testing.T) {
	if os.Getenv("NEO4J_URI") == "" {
		const msg = "NEO4J_URI is not set: start a real Neo4j with `eval \"$(scripts/neo4j/start.sh)\"` to run the HTTP tests on the Neo4j store"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: skipping is a failure)")
		}
		t.Skip(msg)
	}
	cfg, err := neo4jstore.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	old := newStore
	t.Cleanup(func() { newStore = old })
	newStore = func(t *testing.T) graph.Store {
		ctx := context.Background()
		s, err := neo4jstore.Open(ctx, cfg)
		if err != nil {
			t.Fatalf("open Neo4j at %s: %v", cfg.URI, err)
		}
		t.Cleanup(func() { s.Close() })
		for _, ws := range []string{"demo", otherWS, "new"} {
			if err := s.DeleteWorkspace(ctx, ws); err != nil && !errors.Is(err, graph.ErrNotFound) {
				t.Fatalf("clear workspace %s: %v", ws, err)
			}
		}
		return s
	}
	for _, tc := range []struct {
		name string
		f    func(*testing.T)
	}{
		{"CatalogCompleteness", TestCatalogCompleteness},
		{"AssetsPaging", TestAssetsPaging},
		{"ThreatsReaching", TestThreatsReaching},
		{"BlastRadiusAndHeatmaps", TestBlastRadiusAndHeatmaps},
		{"CoverageAgainstFramework", TestCoverageAgainstFramework},
		{"Roles", TestRoles},
		{"WritesAreAudited", TestWritesAreAudited},
		{"CrossWorkspace", TestCrossWorkspace},
		{"Unauthenticated", TestUnauthenticated},
		{"TokenLifecycle", TestTokenLifecycle},
		{"BadInput", TestBadInput},
		{"Dataloaders", TestDataloaders},
		{"ImportWorkbook", TestImportWorkbook},
		{"Exports", TestExports},
		{"MediaTypes", TestMediaTypes},
		{"HeadersHealthMetrics", TestHeadersHealthMetrics},
		{"TimeoutPanicAndDrain", TestTimeoutPanicAndDrain},
	} {
		t.Run(tc.name, tc.f)
	}
}
