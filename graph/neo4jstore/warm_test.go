package neo4jstore_test

import (
	"context"
	"reflect"
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/graph/neo4jstore"
	"cpsfgraph/graph/storetest"
)

// TestWarm: the first walk of a data version loads every node's facts in
// the background, equal to what a walk reads itself; a write starts over
// under the new version with the new facts; NoWarm keeps only what walks
// read; Close stops a running warm.
func TestWarm(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	s := openEmpty(t)
	cat, w, b := storetest.Generate(11, 1200)
	if _, err := storetest.Load(ctx, s, cat, w, b); err != nil {
		t.Fatal(err)
	}
	nodes := len(b.Orgs) + len(b.Assets)
	walk := func(s *neo4jstore.Store, starts []string, hops int) []graph.NodeFacts {
		t.Helper()
		var got []graph.NodeFacts
		if err := s.Walk(ctx, w.ID, graph.WalkSpec{Starts: starts, Dir: graph.Downstream, MaxHops: hops}, func(l graph.Level) bool {
			got = append(got, l.Nodes...)
			return true
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	asset := b.Assets[0].ID
	walk(s, []string{asset}, 1)
	s.WaitWarm()
	cached, version := s.CachedFacts(w.ID)
	if len(cached) != nodes {
		t.Fatalf("after one walk and its warm: %d nodes' facts cached, want all %d", len(cached), nodes)
	}
	// What the warm loaded is what walks read (a store that never warms,
	// reading every node as a start).
	cold := openCfg(t, neo4jstore.Config{URI: cfg.URI, Username: cfg.Username, Password: cfg.Password, Database: cfg.Database, NoWarm: true})
	var all []string
	for _, o := range b.Orgs {
		all = append(all, o.ID)
	}
	for _, a := range b.Assets {
		all = append(all, a.ID)
	}
	for _, f := range walk(cold, all, 0) {
		if !reflect.DeepEqual(cached[f.ID], f) {
			t.Fatalf("warmed facts of %s: %+v, a walk reads %+v", f.ID, cached[f.ID], f)
		}
	}
	if got, _ := cold.CachedFacts(w.ID); len(got) != nodes {
		t.Errorf("NoWarm store after reading all nodes: %d cached, want %d", len(got), nodes)
	}
	cold2 := openCfg(t, neo4jstore.Config{URI: cfg.URI, Username: cfg.Username, Password: cfg.Password, Database: cfg.Database, NoWarm: true})
	n := len(walk(cold2, []string{asset}, 0))
	cold2.WaitWarm()
	if got, _ := cold2.CachedFacts(w.ID); len(got) != n {
		t.Errorf("NoWarm store after a walk of %d nodes: %d cached", n, len(got))
	}

	// A write: a new version, warmed again with the new name.
	renamed := b.Assets[len(b.Assets)-1]
	renamed.Name = "renamed after the warm"
	spec := graph.WriteSpec{Workspace: w.ID, Source: storetest.GenSource, Run: "gen-2"}
	if _, err := s.Write(ctx, spec, func(put func(graph.Batch) error) error {
		return put(graph.Batch{Assets: []graph.Asset{renamed}})
	}); err != nil {
		t.Fatal(err)
	}
	walk(s, []string{asset}, 1)
	s.WaitWarm()
	cached2, version2 := s.CachedFacts(w.ID)
	if version2 == version {
		t.Fatalf("the cache kept version %q across a write", version)
	}
	if len(cached2) != nodes || cached2[renamed.ID].Name != renamed.Name {
		t.Errorf("after a write: %d nodes cached (want %d), %s named %q (want %q)", len(cached2), nodes, renamed.ID, cached2[renamed.ID].Name, renamed.Name)
	}

	// Close while a warm runs (a new version, then a miss) returns.
	if _, err := s.Write(ctx, graph.WriteSpec{Workspace: w.ID, Source: storetest.GenSource, Run: "gen-3"}, func(put func(graph.Batch) error) error {
		return put(graph.Batch{Assets: []graph.Asset{b.Assets[1]}})
	}); err != nil {
		t.Fatal(err)
	}
	walk(s, []string{asset}, 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
