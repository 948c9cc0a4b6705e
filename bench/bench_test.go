package bench

// Benchmarks of the risk analysis on memstore over the synthetic enterprise
// of bench/synth (DESIGN.md section 7). The workspace is generated and
// loaded once per process; its size comes from the environment:
//
//	CPSF_BENCH_ASSETS     assets (default 100000)
//	CPSF_BENCH_RELS       relationships (default 4 per asset)
//	CPSF_BENCH_SUPPLIERS  suppliers (default 50)
//	CPSF_BENCH_SEED       seed (default 1)
//
// BenchmarkWalkBaseline walks the same graph held in plain Go slices, so
// that results can be read as ratios within one run. bench/run.sh runs them
// all and prints the ratios.

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"cpsfgraph/bench/synth"
	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
)

// sampleSize is how many assets BenchmarkThreatsReaching cycles through.
const sampleSize = 200

func envInt(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		panic(fmt.Sprintf("%s=%q: want a non-negative integer", name, v))
	}
	return n
}

// benchConfig is the generator configuration the environment asks for.
func benchConfig() synth.Config {
	assets := envInt("CPSF_BENCH_ASSETS", synth.DefaultAssets)
	return synth.Config{
		Assets:        assets,
		Relationships: envInt("CPSF_BENCH_RELS", synth.DefaultRelsPerAsset*assets),
		Suppliers:     envInt("CPSF_BENCH_SUPPLIERS", synth.DefaultSuppliers),
		Seed:          uint64(envInt("CPSF_BENCH_SEED", 1)),
		Catalog:       catalog.Default(),
	}
}

// sample picks n assets spread evenly over the batch (the batch lists
// assets kind by kind, so every kind is represented in proportion).
func sample(b *graph.Batch, n int) []string {
	n = min(n, len(b.Assets))
	out := make([]string, 0, n)
	step := len(b.Assets) / n
	for i := range n {
		out = append(out, b.Assets[(i*step+step/2)%len(b.Assets)].ID)
	}
	return out
}

// world is the loaded benchmark workspace. It keeps no reference to the
// generated batch, so that the memory figures are the store's.
type world struct {
	store               *memstore.Store
	ws                  string
	sample              []string
	assets, edges, stat int
	gen, load           time.Duration
	rssGen              float64 // MB after generating, before loading
}

var (
	worldOnce sync.Once
	theWorld  *world
	worldErr  error
)

func loadWorld(tb testing.TB) *world {
	tb.Helper()
	worldOnce.Do(func() {
		cfg := benchConfig()
		w := &world{store: memstore.New()}
		start := time.Now()
		res := synth.GenerateResult(cfg)
		w.gen = time.Since(start)
		w.ws = res.Workspace.ID
		w.sample = sample(&res.Batch, sampleSize)
		w.assets, w.edges, w.stat = len(res.Batch.Assets), len(res.Batch.Edges), len(res.Batch.Statuses)
		w.rssGen = rssMB("VmRSS")
		start = time.Now()
		if _, err := Load(context.Background(), w.store, cfg.Catalog, res.Workspace, &res.Batch, DefaultChunk); err != nil {
			worldErr = err
			return
		}
		w.load = time.Since(start)
		res = nil
		runtime.GC()
		debug.FreeOSMemory()
		theWorld = w
	})
	if worldErr != nil {
		tb.Fatal(worldErr)
	}
	return theWorld
}

// baseline is the same graph as plain slices, with the sample and the
// threats' entry cells resolved to node numbers.
type baseline struct {
	adj     *adjacency
	sample  []int32
	entries [][]int32 // per threat that enters somewhere
}

var (
	baseOnce sync.Once
	theBase  *baseline
)

func loadBaseline() *baseline {
	baseOnce.Do(func() {
		cfg := benchConfig()
		_, b := synth.Generate(cfg)
		bl := &baseline{adj: newAdjacency(&b)}
		for _, id := range sample(&b, sampleSize) {
			bl.sample = append(bl.sample, bl.adj.pos[id])
		}
		ix := graph.NewIndex(cfg.Catalog)
		for _, t := range cfg.Catalog.Threats {
			if cells := ix.Cells(t.ID); len(cells) > 0 {
				bl.entries = append(bl.entries, bl.adj.entries(cells))
			}
		}
		theBase = bl
	})
	return theBase
}

// rssMB reads a field (VmRSS, VmHWM) of /proc/self/status in MB; 0 where
// there is no /proc.
func rssMB(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(val), " kB"))
		if err != nil {
			return 0
		}
		return float64(kb) / 1024
	}
	return 0
}

func heapMB() float64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse) / (1 << 20)
}

// cpuTime is the CPU time (user + system) the process has used so far: on
// a loaded machine it moves far less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// latencies records the wall and CPU time of each call.
type latencies struct {
	wall, cpu []time.Duration
	w0        time.Time
	c0        time.Duration
}

func (l *latencies) start() { l.w0, l.c0 = time.Now(), cpuTime() }
func (l *latencies) stop() {
	l.wall = append(l.wall, time.Since(l.w0))
	l.cpu = append(l.cpu, cpuTime()-l.c0)
}

// report reports the wall-clock p50 and p99 and the CPU p50 and mean, in ms.
func (l *latencies) report(b *testing.B) {
	var sum time.Duration
	for _, c := range l.cpu {
		sum += c
	}
	slices.Sort(l.wall)
	slices.Sort(l.cpu)
	b.ReportMetric(percentile(l.wall, 50), "ms/p50")
	b.ReportMetric(percentile(l.wall, 99), "ms/p99")
	b.ReportMetric(percentile(l.cpu, 50), "cpu-ms/p50")
	if len(l.cpu) > 0 {
		b.ReportMetric(float64(sum)/float64(len(l.cpu))/float64(time.Millisecond), "cpu-ms/op")
	}
}

// cpuPerOp reports the mean CPU time per op of a loop that started at c0.
func cpuPerOp(b *testing.B, c0 time.Duration, n int) {
	if n > 0 {
		b.ReportMetric(float64(cpuTime()-c0)/float64(n)/float64(time.Millisecond), "cpu-ms/op")
	}
}

// percentile returns the p-th percentile (0..100) of sorted durations in ms.
func percentile(sorted []time.Duration, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(len(sorted)-1, len(sorted)*p/100)
	return float64(sorted[i]) / float64(time.Millisecond)
}

func BenchmarkThreatsReaching(b *testing.B) {
	w := loadWorld(b)
	ctx := context.Background()
	an := graph.NewAnalyzer(w.store)
	var lat latencies
	threats, paths := 0, 0
	i := 0
	b.ResetTimer()
	for b.Loop() {
		id := w.sample[i%len(w.sample)]
		i++
		lat.start()
		r, err := an.ThreatsReaching(ctx, w.ws, id, graph.ReachOptions{})
		lat.stop()
		if err != nil {
			b.Fatalf("threatsReaching %s: %v", id, err)
		}
		threats += len(r.Threats)
		for _, t := range r.Threats {
			paths += len(t.Paths)
		}
	}
	b.StopTimer()
	if threats == 0 {
		b.Fatal("no threat reaches any sampled asset: the workload is empty")
	}
	lat.report(b)
	b.ReportMetric(float64(threats)/float64(i), "threats/op")
	b.ReportMetric(float64(paths)/float64(i), "paths/op")
}

// BenchmarkStoreWalk isolates the store's share of ThreatsReaching: the
// same upstream walk (maxHops 5, with parents, from the same sample) with a
// callback that only counts nodes, and no early stop.
func BenchmarkStoreWalk(b *testing.B) {
	w := loadWorld(b)
	ctx := context.Background()
	var lat latencies
	visited, i := 0, 0
	b.ResetTimer()
	for b.Loop() {
		id := w.sample[i%len(w.sample)]
		i++
		lat.start()
		err := w.store.Walk(ctx, w.ws, graph.WalkSpec{Starts: []string{id}, Dir: graph.Upstream, MaxHops: graph.DefaultMaxHops, Parents: true}, func(l graph.Level) bool {
			visited += len(l.Nodes)
			return true
		})
		lat.stop()
		if err != nil {
			b.Fatalf("walk from %s: %v", id, err)
		}
	}
	b.StopTimer()
	lat.report(b)
	b.ReportMetric(float64(visited)/float64(i), "nodes/op")
}

// BenchmarkAnalyzerLoad measures what every analysis call loads first (the
// workspace, the catalog index, the organizations' statuses): part of each
// ThreatsReaching call.
func BenchmarkAnalyzerLoad(b *testing.B) {
	w := loadWorld(b)
	ctx := context.Background()
	an := graph.NewAnalyzer(w.store)
	b.ResetTimer()
	for b.Loop() {
		if _, err := an.Load(ctx, w.ws); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHeatmapIPA measures a whole-workspace IPA heat-map computed from
// scratch (a fresh analyzer each time, so nothing is cached: the first
// heat-map after a write). BenchmarkHeatmapIPAWarm measures the cached one.
func BenchmarkHeatmapIPA(b *testing.B) {
	w := loadWorld(b)
	ctx := context.Background()
	var pairs int
	n := 0
	b.ResetTimer()
	c0 := cpuTime()
	for b.Loop() {
		n++
		an := graph.NewAnalyzer(w.store) // fresh: nothing cached, as after a write
		h, err := an.HeatmapIPA(ctx, w.ws, -1)
		if err != nil {
			b.Fatal(err)
		}
		pairs = h.Pairs
	}
	if pairs == 0 {
		b.Fatal("IPA heat-map with no pair")
	}
	b.ReportMetric(float64(pairs), "pairs")
	cpuPerOp(b, c0, n)
}

// BenchmarkHeatmapIPAWarm measures the IPA heat-map served from the
// analyzer's cache (memstore is graph.Versioned): what a server that warmed
// its workspaces answers until the next write.
func BenchmarkHeatmapIPAWarm(b *testing.B) {
	w := loadWorld(b)
	ctx := context.Background()
	an := graph.NewAnalyzer(w.store)
	if _, err := an.HeatmapIPA(ctx, w.ws, -1); err != nil {
		b.Fatal(err)
	}
	n := 0
	b.ResetTimer()
	c0 := cpuTime()
	for b.Loop() {
		n++
		if _, err := an.HeatmapIPA(ctx, w.ws, -1); err != nil {
			b.Fatal(err)
		}
	}
	cpuPerOp(b, c0, n)
}

func BenchmarkHeatmapCPSF(b *testing.B) {
	w := loadWorld(b)
	ctx := context.Background()
	n := 0
	b.ResetTimer()
	c0 := cpuTime()
	for b.Loop() {
		n++
		an := graph.NewAnalyzer(w.store) // fresh: nothing cached, as after a write
		h, err := an.HeatmapCPSF(ctx, w.ws, -1)
		if err != nil {
			b.Fatal(err)
		}
		if len(h.Cells) != len(graph.Layers)*len(graph.Components) {
			b.Fatalf("CPSF heat-map with %d cells", len(h.Cells))
		}
	}
	cpuPerOp(b, c0, n)
}

func BenchmarkHeatmapSupply(b *testing.B) {
	w := loadWorld(b)
	ctx := context.Background()
	an := graph.NewAnalyzer(w.store)
	n := 0
	b.ResetTimer()
	c0 := cpuTime()
	for b.Loop() {
		n++
		h, err := an.HeatmapSupply(ctx, w.ws)
		if err != nil {
			b.Fatal(err)
		}
		if len(h.Rows) == 0 {
			b.Fatal("supply heat-map with no row")
		}
	}
	cpuPerOp(b, c0, n)
}

// BenchmarkWalkBaseline walks the same graph held in Go slices, without a
// store: "reach" is the upstream walk of ThreatsReaching (maxHops 5, from
// the same sample of assets, without its early stop); "heatmap" the
// downstream walks of the IPA heat-map (one multi-source walk per threat
// from all its entries, maxHops 5).
func BenchmarkWalkBaseline(b *testing.B) {
	bl := loadBaseline()
	b.Run("reach", func(b *testing.B) {
		depth := bl.adj.scratch()
		var lat latencies
		visited, i := 0, 0
		for b.Loop() {
			lat.start()
			visited += len(bl.adj.bfs(&bl.adj.up, bl.sample[i%len(bl.sample):][:1], graph.DefaultMaxHops, depth))
			lat.stop()
			i++
		}
		lat.report(b)
		b.ReportMetric(float64(visited)/float64(i), "nodes/op")
	})
	b.Run("heatmap", func(b *testing.B) {
		depth := bl.adj.scratch()
		visited, n := 0, 0
		c0 := cpuTime()
		for b.Loop() {
			n++
			visited = 0
			for _, e := range bl.entries {
				visited += len(bl.adj.bfs(&bl.adj.down, e, graph.DefaultMaxHops, depth))
			}
		}
		cpuPerOp(b, c0, n)
		b.ReportMetric(float64(visited), "nodes/op")
	})
}

// BenchmarkWrite loads the whole generated workspace into a fresh store.
func BenchmarkWrite(b *testing.B) {
	cfg := benchConfig()
	res := synth.GenerateResult(cfg)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		s := memstore.New()
		if _, err := Load(ctx, s, cfg.Catalog, res.Workspace, &res.Batch, DefaultChunk); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	b.ReportMetric(float64(len(res.Batch.Assets)+len(res.Batch.Edges)+len(res.Batch.Statuses)+len(res.Batch.Orgs)), "items")
}

// BenchmarkResidentMemory reports the process's memory with the workspace
// loaded (generator output released, after a GC), then after an IPA
// heat-map; its time per op is one IPA heat-map. Run it alone in its
// process (bench/run.sh does) so that nothing else is resident.
func BenchmarkResidentMemory(b *testing.B) {
	w := loadWorld(b)
	ctx := context.Background()
	runtime.GC()
	debug.FreeOSMemory()
	heapLoaded, rssLoaded := heapMB(), rssMB("VmRSS")
	an := graph.NewAnalyzer(w.store)
	b.ResetTimer()
	for b.Loop() {
		if _, err := an.HeatmapIPA(ctx, w.ws, -1); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	rssHeat := rssMB("VmRSS")
	runtime.GC()
	b.ReportMetric(heapLoaded, "heap-MB/loaded")
	b.ReportMetric(rssLoaded, "rss-MB/loaded")
	b.ReportMetric(rssHeat, "rss-MB/heatmap")
	b.ReportMetric(heapMB(), "heap-MB/heatmap")
	b.ReportMetric(rssMB("VmHWM"), "rss-MB/peak")
	b.ReportMetric(w.rssGen, "rss-MB/generated")
	b.ReportMetric(w.gen.Seconds(), "s/generate")
	b.ReportMetric(w.load.Seconds(), "s/load")
}
