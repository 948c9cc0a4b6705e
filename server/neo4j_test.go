package server_test

import (
	"context"
	"errors"
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/graph/neo4jstore"
	"cpsfgraph/graph/neo4jstore/neo4jtest"
)

// TestOnNeo4j runs the HTTP tests again on the Neo4j store when NEO4J_URI
// names a running Neo4j (scripts/neo4j/start.sh); it skips otherwise, and
// fails when CI=true. The tests delete and recreate the workspaces demo,
// other and new of that database.
func TestOnNeo4j(t *testing.T) {
	cfg := neo4jtest.Config(t, "the HTTP tests on the Neo4j store")
	// Start from an empty database: other packages' Neo4j tests leave
	// catalog items behind, and the catalog is global.
	neo4jtest.Wipe(t, cfg)
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
