package neo4jstore_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	benchload "cpsfgraph/bench"
	"cpsfgraph/bench/synth"
	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/graph/neo4jstore"
	"cpsfgraph/graph/storetest"
)

// Benchmarks on the real Neo4j against memstore in the same run, on a
// generated graph of CPSF_BENCH_ASSETS nodes (default 2000), or on the
// synthetic enterprise with CPSF_BENCH_GRAPH=synth:
//
//	CPSF_BENCH_ASSETS=100000 go test ./graph/neo4jstore -run '^$' -bench . -benchtime 20x -timeout 60m
//	CPSF_BENCH_GRAPH=synth CPSF_BENCH_ASSETS=100000 go test ./graph/neo4jstore -run '^$' -bench . -benchtime 10x -timeout 60m
//
// Each reports the Neo4j figure, the memstore figure and their ratio.

type benchEnv struct {
	mem    *memstore.Store
	neo    *neo4jstore.Store
	ws     string
	sample []string
	load   time.Duration // Neo4j Write of the generated graph
	memLd  time.Duration
	items  int
}

var (
	benchOnce sync.Once
	bench     *benchEnv
	benchErr  error
)

func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("CPSF_BENCH_ASSETS")); err == nil && n > 0 {
		return n
	}
	return 2000
}

func setupBench(b *testing.B) *benchEnv {
	b.Helper()
	cfg := testConfig(b)
	benchOnce.Do(func() {
		ctx := context.Background()
		wipe(b, cfg)
		neo, err := neo4jstore.Open(ctx, cfg)
		if err != nil {
			benchErr = err
			return
		}
		cat, w, batch, load := benchGraph()
		e := &benchEnv{mem: memstore.New(), neo: neo, ws: w.ID, sample: storetest.SampleAssets(batch, 50), items: batch.Len()}
		t0 := time.Now()
		if benchErr = load(ctx, e.mem, cat, w, batch); benchErr != nil {
			return
		}
		e.memLd = time.Since(t0)
		t0 = time.Now()
		if benchErr = load(ctx, e.neo, cat, w, batch); benchErr != nil {
			return
		}
		e.load = time.Since(t0)
		bench = e
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return bench
}

// benchGraph is the graph of the benchmarks: storetest's generated graph
// of CPSF_BENCH_ASSETS nodes, or with CPSF_BENCH_GRAPH=synth the synthetic
// enterprise of bench/synth (CPSF_BENCH_ASSETS assets, 4 relationships an
// asset, 50 suppliers, the bundled catalog), as DESIGN.md section 7 names it.
func benchGraph() (*graph.Catalog, graph.Workspace, graph.Batch, func(context.Context, graph.Store, *graph.Catalog, graph.Workspace, graph.Batch) error) {
	if os.Getenv("CPSF_BENCH_GRAPH") == "synth" {
		cat := catalog.Default()
		r := synth.GenerateResult(synth.Config{Assets: benchSize(), Catalog: cat})
		return cat, r.Workspace, r.Batch, func(ctx context.Context, s graph.Store, cat *graph.Catalog, w graph.Workspace, b graph.Batch) error {
			_, err := benchload.Load(ctx, s, cat, w, &b, 0)
			return err
		}
	}
	cat, w, b := storetest.Generate(42, benchSize())
	return cat, w, b, func(ctx context.Context, s graph.Store, cat *graph.Catalog, w graph.Workspace, b graph.Batch) error {
		_, err := storetest.Load(ctx, s, cat, w, b)
		return err
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func p50(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// BenchmarkLoad reports the one Write of the generated graph (done once in
// setup) on both stores.
func BenchmarkLoad(b *testing.B) {
	e := setupBench(b)
	for range b.N {
	}
	b.ReportMetric(float64(e.items), "items")
	b.ReportMetric(ms(e.load), "neo4j-ms")
	b.ReportMetric(ms(e.memLd), "mem-ms")
	b.ReportMetric(float64(e.load)/float64(max(e.memLd, 1)), "ratio")
}

// BenchmarkThreatsReaching: one asset, default options; p50 over the
// iterations, assets taken in turn from a sample of 50.
func BenchmarkThreatsReaching(b *testing.B) {
	e := setupBench(b)
	ctx := context.Background()
	run := func(s graph.Store, n int) time.Duration {
		a := graph.NewAnalyzer(s)
		ds := make([]time.Duration, 0, n)
		for i := range n {
			t0 := time.Now()
			if _, err := a.ThreatsReaching(ctx, e.ws, e.sample[i%len(e.sample)], graph.ReachOptions{}); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(t0))
		}
		return p50(ds)
	}
	b.ResetTimer()
	neo := run(e.neo, max(b.N, 20)) // p50 of at least 20 calls
	b.StopTimer()
	mem := run(e.mem, max(b.N, 20))
	b.ReportMetric(ms(neo), "neo4j-p50-ms")
	b.ReportMetric(ms(mem), "mem-p50-ms")
	b.ReportMetric(float64(neo)/float64(max(mem, 1)), "ratio")
}

// BenchmarkHeatmapIPA: the whole-workspace IPA heat-map, default maxHops.
func BenchmarkHeatmapIPA(b *testing.B) {
	e := setupBench(b)
	ctx := context.Background()
	run := func(s graph.Store, n int) time.Duration {
		var total time.Duration
		for range n {
			a := graph.NewAnalyzer(s) // a fresh analyzer: no cached pairs (graph.Versioned)
			t0 := time.Now()
			if _, err := a.HeatmapIPA(ctx, e.ws, graph.DefaultMaxHops); err != nil {
				b.Fatal(err)
			}
			total += time.Since(t0)
		}
		return total / time.Duration(n)
	}
	b.ResetTimer()
	neo := run(e.neo, b.N)
	b.StopTimer()
	mem := run(e.mem, b.N)
	b.ReportMetric(ms(neo), "neo4j-ms")
	b.ReportMetric(ms(mem), "mem-ms")
	b.ReportMetric(float64(neo)/float64(max(mem, 1)), "ratio")
}
