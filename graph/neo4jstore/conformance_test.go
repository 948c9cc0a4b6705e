package neo4jstore_test

import (
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/graph/storetest"
)

// TestConformance runs the whole conformance suite of graph/storetest on a
// real Neo4j, wiped before every subtest.
func TestConformance(t *testing.T) {
	testConfig(t)
	storetest.Run(t, func(t *testing.T) graph.Store { return openEmpty(t) })
}
