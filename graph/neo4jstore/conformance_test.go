package neo4jstore_test

import (
	"sync"
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/graph/storetest"
)

// TestConformance runs the whole conformance suite of graph/storetest on a
// real Neo4j, wiped before every subtest.
//
// Neo4j community edition holds one user database, so a subtest that opens
// two stores at once (the suite's own differential check) gets the Neo4j
// store first and a fresh memstore second: both must still give the same
// answers, which makes that check a Neo4j-versus-memstore comparison.
func TestConformance(t *testing.T) {
	testConfig(t)
	var mu sync.Mutex
	opened := map[*testing.T]bool{}
	storetest.Run(t, func(t *testing.T) graph.Store {
		mu.Lock()
		second := opened[t]
		opened[t] = true
		mu.Unlock()
		if second {
			t.Log("second store of this subtest: a memstore (Neo4j community has one database)")
			s := memstore.New()
			t.Cleanup(func() { s.Close() })
			return s
		}
		return openEmpty(t)
	})
}
