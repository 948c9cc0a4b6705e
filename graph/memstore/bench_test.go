package memstore_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
)

// bigBatches generates a workspace of nAssets assets, 50 supplier
// organizations and about 4 edges per asset, in batches of 10,000 assets.
func bigBatches(nAssets int) []graph.Batch {
	r := rand.New(rand.NewPCG(1, 2))
	comps := []graph.Component{graph.Data, graph.Data, graph.Data, graph.Systems, graph.Systems, graph.Things, graph.People, graph.Procedures}
	types := []graph.RelType{graph.RelStoredOn, graph.RelRunsOn, graph.RelConnectsTo, graph.RelOperatedBy}
	id := func(i int) string { return fmt.Sprintf("A-%06d", i) }
	org := func(i int) string { return fmt.Sprintf("ORG-%02d", i) }
	var out []graph.Batch
	var b graph.Batch
	for o := range 50 {
		b.Orgs = append(b.Orgs, graph.Org{ID: org(o), Name: "Supplier", Role: graph.RoleSupplier})
		if o > 0 {
			b.Edges = append(b.Edges, graph.Edge{Type: graph.RelSupplies, From: org(o), To: org(0)})
		}
	}
	for i := range nAssets {
		c := comps[i%len(comps)]
		l := []graph.LayerID{graph.L3}
		if c == graph.Things {
			l = []graph.LayerID{graph.L2}
		}
		b.Assets = append(b.Assets, graph.Asset{ID: id(i), Name: "asset " + id(i), Component: c, Layers: l,
			C: 1 + i%3, I: 1 + i%2, A: 1, Category: "営業", Media: "サーバー", Owner: org(i % 50)})
		if i > 0 {
			for k := range 4 {
				b.Edges = append(b.Edges, graph.Edge{Type: types[k], From: id(i), To: id(r.IntN(i))})
			}
			if i%100 == 0 {
				b.Edges[len(b.Edges)-1] = graph.Edge{Type: graph.RelSuppliedBy, From: id(i), To: org(r.IntN(50))}
			}
		}
		if len(b.Assets) == 10000 {
			out = append(out, b)
			b = graph.Batch{}
		}
	}
	return append(out, b)
}

// bigWorkspace writes the batches into workspace "big" of s.
func bigWorkspace(tb testing.TB, s graph.Store, batches []graph.Batch) graph.WriteReport {
	tb.Helper()
	if err := s.PutCatalog(ctx, testCatalog()); err != nil {
		tb.Fatal(err)
	}
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "big"}); err != nil {
		tb.Fatal(err)
	}
	rep, err := s.Write(ctx, graph.WriteSpec{Workspace: "big", Source: "bench.xlsx", Run: "r1", Now: t0}, func(put func(graph.Batch) error) error {
		for _, b := range batches {
			if err := put(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

// BenchmarkSaveOpen measures saving and opening a 100k-asset, 400k-edge
// workspace, and reports the file size and the heap it takes once loaded.
func BenchmarkSaveOpen(b *testing.B) {
	s := memstore.New()
	defer s.Close()
	rep := bigWorkspace(b, s, bigBatches(100_000))
	b.Logf("generated: %+v", rep)
	path := filepath.Join(b.TempDir(), "big.cpsf")
	if err := memstore.Save(s, path); err != nil {
		b.Fatal(err)
	}
	b.Run("save", func(b *testing.B) {
		loopCPU(b, func() {
			if err := memstore.Save(s, path); err != nil {
				b.Fatal(err)
			}
		})
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(fi.Size())/1e6, "MB-file")
	})
	b.Run("open", func(b *testing.B) {
		loopCPU(b, func() {
			r, err := memstore.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			r.Close()
		})
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		r, err := memstore.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1e6, "MB-heap")
		runtime.KeepAlive(r)
	})
}

// BenchmarkWalk measures the walks the analysis runs on the same workspace:
// upstream from one asset (threatsReaching) and downstream from a set of
// entries (one blast radius of a heat-map).
func BenchmarkWalk(b *testing.B) {
	s := memstore.New()
	defer s.Close()
	bigWorkspace(b, s, bigBatches(100_000))
	run := func(spec graph.WalkSpec) func(b *testing.B) {
		return func(b *testing.B) {
			nodes := 0
			loopCPU(b, func() {
				nodes = 0
				if err := s.Walk(ctx, "big", spec, func(l graph.Level) bool { nodes += len(l.Nodes); return true }); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(nodes), "nodes")
		}
	}
	b.Run("upstream-5", run(graph.WalkSpec{Starts: []string{"A-050000"}, Dir: graph.Upstream, MaxHops: 5, Parents: true}))
	entries, err := s.Entries(ctx, "big", []graph.Cell{{Layer: graph.L2, Component: graph.Things}})
	if err != nil {
		b.Fatal(err)
	}
	starts := ids(entries)
	b.Run("downstream-5", run(graph.WalkSpec{Starts: starts, Dir: graph.Downstream, MaxHops: 5}))
	b.Run("downstream-5-parents", run(graph.WalkSpec{Starts: starts, Dir: graph.Downstream, MaxHops: 5, Parents: true}))
	b.Run("entries-all", func(b *testing.B) {
		var all []graph.Cell
		for _, l := range graph.Layers {
			for _, c := range graph.Components {
				all = append(all, graph.Cell{Layer: l, Component: c})
			}
		}
		for b.Loop() {
			if _, err := s.Entries(ctx, "big", all); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("assets-page", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Assets(ctx, "big", graph.AssetQuery{After: "A-050000", First: 50}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkWrite measures the import of the whole workspace in one write.
func BenchmarkWrite(b *testing.B) {
	batches := bigBatches(100_000)
	loopCPU(b, func() {
		s := memstore.New()
		bigWorkspace(b, s, batches)
		s.Close()
	})
}

// benchCatalog has one risk source per CPSF cell and ten threats, each
// exploiting the risk sources of three cells, so a heat-map walks about
// thirty groups of entries.
func benchCatalog() *graph.Catalog {
	c := testCatalog()
	var cells []graph.Cell
	for _, l := range graph.Layers {
		for _, comp := range graph.Components {
			cells = append(cells, graph.Cell{Layer: l, Component: comp})
			c.RiskSources = append(c.RiskSources, graph.RiskSource{ID: "RS-" + string(l) + "-" + string(comp), Layer: l, Component: comp})
		}
	}
	for i := range 10 {
		id := fmt.Sprintf("T-B%d", i)
		c.Threats = append(c.Threats, graph.Threat{ID: id, Level: 1 + i%3})
		for k := range 3 {
			cell := cells[(i*5+k*7)%len(cells)]
			c.Mappings = append(c.Mappings, graph.Mapping{Type: graph.RelExploits, From: id, To: "RS-" + string(cell.Layer) + "-" + string(cell.Component)})
		}
		c.Mappings = append(c.Mappings, graph.Mapping{Type: graph.RelMitigates, From: "SA:1", FromControl: true, To: "RS-" + string(cells[i].Layer) + "-" + string(cells[i].Component)})
	}
	return c
}

// BenchmarkAnalysis runs the analysis of package graph on the generated
// workspace: threats reaching one asset, and the CPSF heat-map.
func BenchmarkAnalysis(b *testing.B) {
	s := memstore.New()
	defer s.Close()
	bigWorkspace(b, s, bigBatches(100_000))
	if err := s.PutCatalog(ctx, benchCatalog()); err != nil {
		b.Fatal(err)
	}
	an := graph.NewAnalyzer(s)
	b.Run("threatsReaching", func(b *testing.B) {
		loopCPU(b, func() {
			if _, err := an.ThreatsReaching(ctx, "big", "A-050000", graph.ReachOptions{}); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("heatmapCPSF", func(b *testing.B) {
		loopCPU(b, func() {
			if _, err := an.HeatmapCPSF(ctx, "big", 0); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkResident reports the resident memory of a process that opens
// the generated workspace from its file and computes a heat-map (run it
// alone: -bench Resident).
func BenchmarkResident(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.cpsf")
	func() {
		s := memstore.New()
		defer s.Close()
		bigWorkspace(b, s, bigBatches(100_000))
		if err := s.PutCatalog(ctx, benchCatalog()); err != nil {
			b.Fatal(err)
		}
		if err := memstore.Save(s, path); err != nil {
			b.Fatal(err)
		}
	}()
	runtime.GC()
	debug.FreeOSMemory()
	for b.Loop() {
		s, err := memstore.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := graph.NewAnalyzer(s).HeatmapCPSF(ctx, "big", 0); err != nil {
			b.Fatal(err)
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		b.ReportMetric(float64(m.HeapInuse)/1e6, "MB-heap-inuse")
		if rss, ok := residentMB(); ok {
			b.ReportMetric(rss, "MB-rss")
		}
		s.Close()
	}
}

// residentMB reads the process's resident set size (Linux).
func residentMB() (float64, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb float64
			if _, err := fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb); err == nil {
				return kb / 1024, true
			}
		}
	}
	return 0, false
}

// cpuTime returns the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loopCPU runs f in b's loop and reports the CPU milliseconds per
// operation besides the wall time: on a busy machine the wall time
// includes waiting for a core.
func loopCPU(b *testing.B, f func()) {
	start, n := cpuTime(), 0
	for b.Loop() {
		f()
		n++
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(n), "cpu-ms/op")
}

// BenchmarkWriteRegister measures an asset-register import: 100k data
// assets, each STORED_ON one of ten media, in one write (a re-import of
// the same rows: the second loop iteration onwards).
func BenchmarkWriteRegister(b *testing.B) {
	var batch graph.Batch
	for m := range 10 {
		batch.Assets = append(batch.Assets, graph.Asset{ID: fmt.Sprintf("M-%d", m), Name: "media", Component: graph.Systems, Layers: []graph.LayerID{graph.L3}})
	}
	for i := range 100_000 {
		id := fmt.Sprintf("R-%06d", i)
		batch.Assets = append(batch.Assets, graph.Asset{ID: id, Name: "顧客情報 " + id, Component: graph.Data, Layers: []graph.LayerID{graph.L3},
			C: 1 + i%3, I: 2, A: 1, Category: "営業", Media: "社内サーバー"})
		batch.Edges = append(batch.Edges, graph.Edge{Type: graph.RelStoredOn, From: id, To: fmt.Sprintf("M-%d", i%10)})
	}
	write := func(s graph.Store, run string) {
		_, err := s.Write(ctx, graph.WriteSpec{Workspace: "big", Source: "register.xlsx", Run: run, Now: t0, Sweep: true}, func(put func(graph.Batch) error) error {
			return put(batch)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("new", func(b *testing.B) {
		loopCPU(b, func() {
			s := memstore.New()
			s.PutCatalog(ctx, testCatalog())
			s.PutWorkspace(ctx, graph.Workspace{ID: "big"})
			write(s, "r1")
			s.Close()
		})
	})
	b.Run("again", func(b *testing.B) {
		s := memstore.New()
		s.PutCatalog(ctx, testCatalog())
		s.PutWorkspace(ctx, graph.Workspace{ID: "big"})
		write(s, "r0")
		n := 0
		loopCPU(b, func() {
			n++
			write(s, fmt.Sprint("r", n))
		})
	})
}
