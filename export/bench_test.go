package export

import (
	"context"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"cpsfgraph/bench"
	"cpsfgraph/bench/synth"
	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
)

var (
	synthOnce  sync.Once
	synthStore *memstore.Store
	synthWS    string
)

// benchStore loads the synthetic enterprise (bench/synth) into a memstore:
// $CPSFGRAPH_BENCH_ASSETS assets, 100,000 by default.
func benchStore(b *testing.B) (*memstore.Store, string) {
	synthOnce.Do(func() {
		n := synth.DefaultAssets
		if s := os.Getenv("CPSFGRAPH_BENCH_ASSETS"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		cat := catalog.Default()
		r := synth.GenerateResult(synth.Config{Assets: n, Catalog: cat})
		st := memstore.New()
		if _, err := bench.Load(context.Background(), st, cat, r.Workspace, &r.Batch, 0); err != nil {
			b.Fatal(err)
		}
		synthStore, synthWS = st, r.Workspace.ID
	})
	if synthStore == nil {
		b.Fatal("synthetic workspace failed to load")
	}
	return synthStore, synthWS
}

// BenchmarkExport measures one whole export (analysis, top gaps where the
// format shows them, rendering) of the synthetic enterprise per format, as
// "cpsfgraph export heatmap --kind all" runs it.
func BenchmarkExport(b *testing.B) {
	st, ws := benchStore(b)
	font := testFont(b)
	for _, f := range []Format{XLSX, SVG, PNG, PDF} {
		b.Run(string(f), func(b *testing.B) {
			gaps := DefaultTopGaps
			if f == SVG || f == PNG {
				gaps = -1
			}
			for b.Loop() {
				c0 := cpuTime()
				t0 := time.Now()
				// A fresh analyzer: nothing cached, as for the CLI's one export.
				an := graph.NewAnalyzer(st)
				r, err := Build(context.Background(), an, ws, Options{Date: testDate, TopGaps: gaps, Details: DetailsFor(f, 0)})
				if err != nil {
					b.Fatal(err)
				}
				built := time.Since(t0)
				if err := Render(io.Discard, r, f, font); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(built.Seconds(), "build-s")
				b.ReportMetric((cpuTime() - c0).Seconds(), "cpu-s")
				b.ReportMetric(float64(len(r.Pairs)), "pairs")
			}
		})
	}
	b.Run("topgaps", func(b *testing.B) {
		an := graph.NewAnalyzer(st)
		for b.Loop() {
			c0 := cpuTime()
			res, err := TopGaps(context.Background(), an, ws, DefaultTopGaps, 0)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric((cpuTime() - c0).Seconds(), "cpu-s")
			b.ReportMetric(float64(res.Evaluated), "evaluations")
			b.ReportMetric(float64(len(res.Choices)), "choices")
			b.ReportMetric(float64(res.Candidates), "candidates")
		}
	})
}

// cpuTime is the process's user and system CPU time: on a shared machine it
// tells the work done better than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRender measures rendering alone, from a report built once.
func BenchmarkRender(b *testing.B) {
	st, ws := benchStore(b)
	font := testFont(b)
	r, err := Build(context.Background(), graph.NewAnalyzer(st), ws, Options{Date: testDate})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []Format{XLSX, SVG, PNG, PDF} {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				c0 := cpuTime()
				if err := Render(io.Discard, r, f, font); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric((cpuTime() - c0).Seconds(), "cpu-s")
			}
		})
	}
}
