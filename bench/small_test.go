package bench

import (
	"context"
	"slices"
	"testing"

	"cpsfgraph/bench/synth"
	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
)

// The ordinary tests use a small enterprise so that `go test ./bench/...`
// stays fast; the benchmarks size theirs from the environment.

func smallWorld(t *testing.T) (*memstore.Store, graph.Workspace, graph.Batch, *adjacency) {
	t.Helper()
	cat := catalog.Default()
	ws, b := synth.Generate(synth.Config{Assets: 2000, Suppliers: 20, Seed: 5, Catalog: cat})
	s := memstore.New()
	t.Cleanup(func() { s.Close() })
	rep, err := Load(context.Background(), s, cat, ws, &b, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kind string
		got  graph.Counts
		want int
	}{
		{"orgs", rep.Orgs, len(b.Orgs)},
		{"assets", rep.Assets, len(b.Assets)},
		{"edges", rep.Edges, len(b.Edges)},
		{"statuses", rep.Statuses, len(b.Statuses)},
	} {
		if c.got.Created != c.want || c.got.Updated+c.got.Unchanged+c.got.Removed != 0 {
			t.Errorf("load %s: %+v, want %d created", c.kind, c.got, c.want)
		}
	}
	return s, ws, b, newAdjacency(&b)
}

func TestLoadAndStoreAgreeWithBaseline(t *testing.T) {
	s, ws, b, adj := smallWorld(t)
	ctx := context.Background()
	page, err := s.Assets(ctx, ws.ID, graph.AssetQuery{})
	if err != nil || page.Total != len(b.Assets) {
		t.Fatalf("assets in store = %d (%v), want %d", page.Total, err, len(b.Assets))
	}
	// The baseline's upstream and downstream walks find the nodes the
	// store's Walk finds, at the same depths: the ratio compares like
	// with like.
	depth := adj.scratch()
	for _, dir := range []graph.Direction{graph.Upstream, graph.Downstream} {
		c := &adj.up
		if dir == graph.Downstream {
			c = &adj.down
		}
		for _, id := range sample(&b, 25) {
			want := map[string]int{}
			order := adj.bfs(c, []int32{adj.pos[id]}, 3, depth)
			got := map[string]int{}
			err := s.Walk(ctx, ws.ID, graph.WalkSpec{Starts: []string{id}, Dir: dir, MaxHops: 3}, func(l graph.Level) bool {
				for _, n := range l.Nodes {
					got[n.ID] = l.Depth
				}
				return true
			})
			if err != nil {
				t.Fatal(err)
			}
			// Depths: recompute by a second walk of the baseline, level by level.
			for d := 0; d <= 3; d++ {
				for _, p := range adj.bfs(c, []int32{adj.pos[id]}, d, depth) {
					if _, ok := want[adj.ids[p]]; !ok {
						want[adj.ids[p]] = d
					}
				}
			}
			if len(order) != len(want) || len(got) != len(want) {
				t.Fatalf("walk %v from %s: store %d nodes, baseline %d", dir, id, len(got), len(want))
			}
			for n, d := range want {
				if got[n] != d {
					t.Fatalf("walk %v from %s: node %s at depth %d in the store, %d in the baseline", dir, id, n, got[n], d)
				}
			}
		}
	}
}

// The IPA heat-map counts, per threat, the assets its entries reach within
// maxHops: the baseline's multi-source walks give the same count.
func TestHeatmapPairsMatchBaseline(t *testing.T) {
	s, ws, _, adj := smallWorld(t)
	ctx := context.Background()
	an := graph.NewAnalyzer(s)
	h, err := an.HeatmapIPA(ctx, ws.ID, -1)
	if err != nil {
		t.Fatal(err)
	}
	env, err := an.Load(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	isAsset := map[string]bool{}
	page, _ := s.Assets(ctx, ws.ID, graph.AssetQuery{})
	for _, a := range page.Assets {
		isAsset[a.ID] = true
	}
	depth := adj.scratch()
	want := 0
	for _, th := range env.Threats() {
		for _, p := range adj.bfs(&adj.down, adj.entries(env.Index.Cells(th.ID)), graph.DefaultMaxHops, depth) {
			if isAsset[adj.ids[p]] {
				want++
			}
		}
	}
	if want == 0 || h.Pairs != want {
		t.Fatalf("IPA heat-map pairs = %d, baseline = %d", h.Pairs, want)
	}
	sum := 0
	for _, c := range h.Cells {
		sum += c.Count
	}
	if sum != h.Pairs {
		t.Errorf("cells count %d pairs, heat-map says %d", sum, h.Pairs)
	}
}

func TestAnalysesRunOnSample(t *testing.T) {
	s, ws, b, _ := smallWorld(t)
	ctx := context.Background()
	an := graph.NewAnalyzer(s)
	reached := 0
	for _, id := range sample(&b, 40) {
		r, err := an.ThreatsReaching(ctx, ws.ID, id, graph.ReachOptions{})
		if err != nil {
			t.Fatalf("threatsReaching %s: %v", id, err)
		}
		if len(r.Threats) > 0 {
			reached++
		}
		for _, tr := range r.Threats {
			for _, p := range tr.Paths {
				if last := p.Hops[len(p.Hops)-1].Node; last != id || p.Len() > graph.DefaultMaxHops {
					t.Fatalf("threatsReaching %s: path %v", id, p.Nodes())
				}
			}
		}
	}
	if reached == 0 {
		t.Fatal("no threat reaches any sampled asset")
	}
	sup, err := an.HeatmapSupply(ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	tiers := map[int]int{}
	for _, r := range sup.Rows {
		tiers[r.Tier]++
	}
	// The self org is tier 0, customers are not upstream (-1), suppliers
	// sit on tiers 1..3.
	if tiers[0] != 1 || tiers[1] == 0 || tiers[2] == 0 || tiers[3] == 0 || tiers[4] != 0 {
		t.Errorf("supply heat-map tiers = %v", tiers)
	}
	cp, err := an.HeatmapCPSF(ctx, ws.ID, -1)
	if err != nil {
		t.Fatal(err)
	}
	assets := 0
	for _, c := range cp.Cells {
		assets += c.Assets
	}
	layered := 0
	for _, a := range b.Assets {
		layered += len(a.Layers)
	}
	if assets != layered {
		t.Errorf("CPSF heat-map counts %d asset-cells, batch has %d", assets, layered)
	}
}

func TestSampleSpreadsOverKinds(t *testing.T) {
	res := synth.GenerateResult(synth.Config{Assets: 2000, Suppliers: 5, Seed: 1})
	ids := sample(&res.Batch, sampleSize)
	if sorted := slices.Sorted(slices.Values(ids)); len(ids) != sampleSize || len(slices.Compact(sorted)) != sampleSize {
		t.Fatalf("sample = %d IDs, want %d distinct", len(ids), sampleSize)
	}
	comps := map[graph.Component]bool{}
	pos := map[string]int{}
	for i, a := range res.Batch.Assets {
		pos[a.ID] = i
	}
	for _, id := range ids {
		comps[res.Batch.Assets[pos[id]].Component] = true
	}
	if len(comps) != len(graph.Components) {
		t.Errorf("sample covers components %v, want all six", comps)
	}
}
