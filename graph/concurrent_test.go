package graph_test

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/graph/storetest"
)

// concurrentStore makes a store graph.Concurrent, so the analysis walks
// several threats at once on it.
type concurrentStore struct {
	graph.Store
	n int
}

func (c concurrentStore) Concurrency() int { return c.n }

// failingStore fails the walks after the first few.
type failingStore struct {
	concurrentStore
	walks atomic.Int32
}

var errWalk = errors.New("walk failed")

func (f *failingStore) Walk(ctx context.Context, ws string, spec graph.WalkSpec, fn func(graph.Level) bool) error {
	if f.walks.Add(1) > 3 {
		return errWalk
	}
	return f.concurrentStore.Walk(ctx, ws, spec, fn)
}

// generated loads storetest's generated graph of size nodes into a memstore.
func generated(t *testing.T, size int) (*memstore.Store, graph.Workspace, graph.Batch) {
	t.Helper()
	cat, w, b := storetest.Generate(7, size)
	mem := memstore.New()
	if _, err := storetest.Load(context.Background(), mem, cat, w, b); err != nil {
		t.Fatal(err)
	}
	return mem, w, b
}

// TestConcurrentPairs: walking threats at once (a graph.Concurrent store)
// gives exactly the pairs and heat-map of walking them one at a time, and
// a failing walk fails the whole computation.
func TestConcurrentPairs(t *testing.T) {
	ctx := context.Background()
	mem, w, _ := generated(t, 1500)
	seq := graph.NewAnalyzer(mem)
	env, err := seq.Load(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := seq.Pairs(ctx, env, graph.DefaultMaxHops)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 1000 {
		t.Fatalf("the generated graph gives %d pairs; want a graph with many", len(want))
	}
	wantIPA, err := seq.HeatmapIPA(ctx, w.ID, graph.DefaultMaxHops)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2, 3, 64} {
		a := graph.NewAnalyzer(concurrentStore{mem, n})
		got, err := a.Pairs(ctx, env, graph.DefaultMaxHops)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("concurrency %d: %d pairs differ from the %d of one walk at a time", n, len(got), len(want))
		}
		ipa, err := a.HeatmapIPA(ctx, w.ID, graph.DefaultMaxHops)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ipa, wantIPA) {
			t.Errorf("concurrency %d: the IPA heat-map differs from one walk at a time", n)
		}
	}
	f := &failingStore{concurrentStore: concurrentStore{mem, 3}}
	if _, err := graph.NewAnalyzer(f).Pairs(ctx, env, graph.DefaultMaxHops); !errors.Is(err, errWalk) {
		t.Errorf("a failing walk: Pairs error %v, want %v", err, errWalk)
	}
}

// TestConcurrentThreatsReaching: on a graph.Concurrent store the
// environment and the asset are read at once, with the same answers and
// the workspace's error before the asset's.
func TestConcurrentThreatsReaching(t *testing.T) {
	ctx := context.Background()
	mem, w, b := generated(t, 600)
	seq, conc := graph.NewAnalyzer(mem), graph.NewAnalyzer(concurrentStore{mem, 2})
	for _, id := range storetest.SampleAssets(b, 10) {
		want, err := seq.ThreatsReaching(ctx, w.ID, id, graph.ReachOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := conc.ThreatsReaching(ctx, w.ID, id, graph.ReachOptions{})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ThreatsReaching(%s) on a Concurrent store differs (error %v)", id, err)
		}
	}
	var nf *graph.NotFoundError
	if _, err := conc.ThreatsReaching(ctx, "no-such-ws", "no-such-asset", graph.ReachOptions{}); !errors.As(err, &nf) || nf.Kind != "workspace" {
		t.Errorf("unknown workspace and asset: error %v, want the workspace's *NotFoundError", err)
	}
	if _, err := conc.ThreatsReaching(ctx, w.ID, "no-such-asset", graph.ReachOptions{}); !errors.As(err, &nf) || nf.ID != "no-such-asset" {
		t.Errorf("unknown asset: error %v, want its *NotFoundError", err)
	}
}
