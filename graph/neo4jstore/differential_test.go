package neo4jstore_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/graph/storetest"
)

// TestDifferential loads the same generated graph into memstore and Neo4j
// and compares every analysis answer with reflect.DeepEqual: ThreatsReaching
// for a sample of assets, AssetsReachedBy for every threat, the three
// heat-maps, plus storetest.Compare's row-by-row rendering of the stored
// data and entries.
func TestDifferential(t *testing.T) {
	ctx := context.Background()
	neo := openEmpty(t)
	mem := memstore.New()
	defer mem.Close()
	cat, w, b := storetest.Generate(11, 1500)
	for name, s := range map[string]graph.Store{"memstore": mem, "neo4j": neo} {
		if _, err := storetest.Load(ctx, s, cat, w, b); err != nil {
			t.Fatalf("load generated graph into %s: %v", name, err)
		}
	}
	sample := storetest.SampleAssets(b, 30)
	storetest.Compare(t, ctx, mem, neo, w.ID, sample)

	am, an := graph.NewAnalyzer(mem), graph.NewAnalyzer(neo)
	same := func(what string, f func(a *graph.Analyzer) (any, error)) {
		t.Helper()
		want, err := f(am)
		if err != nil {
			t.Fatalf("%s on memstore: %v", what, err)
		}
		got, err := f(an)
		if err != nil {
			t.Fatalf("%s on neo4j: %v", what, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: neo4j differs from memstore\n  neo4j:    %+v\n  memstore: %+v", what, got, want)
		}
	}
	for _, hops := range []int{2, graph.DefaultMaxHops} {
		opt := graph.ReachOptions{MaxHops: hops, PathLimit: 10}
		for _, id := range sample {
			same(fmt.Sprintf("ThreatsReaching(%s, maxHops %d)", id, hops), func(a *graph.Analyzer) (any, error) {
				return a.ThreatsReaching(ctx, w.ID, id, opt)
			})
		}
		for _, th := range cat.Threats {
			same(fmt.Sprintf("AssetsReachedBy(%s, maxHops %d)", th.ID, hops), func(a *graph.Analyzer) (any, error) {
				return a.AssetsReachedBy(ctx, w.ID, th.ID, opt)
			})
		}
		same(fmt.Sprintf("HeatmapIPA(maxHops %d)", hops), func(a *graph.Analyzer) (any, error) { return a.HeatmapIPA(ctx, w.ID, hops) })
		same(fmt.Sprintf("HeatmapCPSF(maxHops %d)", hops), func(a *graph.Analyzer) (any, error) { return a.HeatmapCPSF(ctx, w.ID, hops) })
	}
	same("HeatmapSupply", func(a *graph.Analyzer) (any, error) { return a.HeatmapSupply(ctx, w.ID) })

	// Raw store answers too: every level of a full walk from each sample
	// asset, both ways, with parents, first parents or neither.
	for i, id := range sample {
		for _, dir := range []graph.Direction{graph.Upstream, graph.Downstream} {
			spec := graph.WalkSpec{Starts: []string{id}, Dir: dir, MaxHops: graph.MaxMaxHops}
			switch i % 3 {
			case 0:
				spec.Parents = true
			case 1:
				spec.FirstParent = true
			}
			walk := func(s graph.Store) ([]graph.Level, error) {
				var ls []graph.Level
				err := s.Walk(ctx, w.ID, spec, func(l graph.Level) bool {
					ls = append(ls, l)
					return true
				})
				return ls, err
			}
			want, err := walk(mem)
			if err != nil {
				t.Fatal(err)
			}
			got, err := walk(neo)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Walk(%+v): neo4j levels differ from memstore", spec)
			}
		}
	}
}
