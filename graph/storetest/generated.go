package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"cpsfgraph/graph"
)

// GenSize and GenSeed are the generated graph the suite checks.
const (
	GenSize = 3000
	GenSeed = 20260401
)

// maxReported bounds the differences one check reports.
const maxReported = 15

func testGenerated(t *testing.T, open func(t *testing.T) graph.Store) {
	ctx := context.Background()
	start := time.Now()
	cat, w, b := Generate(GenSeed, GenSize)
	checkGeneratedShape(t, b)
	s := open(t)
	rep, err := Load(ctx, s, cat, w, b)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	wantCounts := graph.WriteReport{Orgs: cnt(len(b.Orgs), 0, 0, 0), Assets: cnt(len(b.Assets), 0, 0, 0),
		Edges: cnt(len(b.Edges), 0, 0, 0), Statuses: cnt(len(b.Statuses), 0, 0, 0)}
	if rep != wantCounts {
		t.Errorf("Load report\n  got  %+v\n  want %+v", rep, wantCounts)
	}
	t.Logf("generated graph: %d orgs, %d assets, %d edges, %d statuses; loaded in %v",
		len(b.Orgs), len(b.Assets), len(b.Edges), len(b.Statuses), time.Since(start).Round(time.Millisecond))
	ref := newReference(cat, w, b)
	a := graph.NewAnalyzer(s)

	// A sample of assets: every 75th.
	var sample []string
	for i := 0; i < len(b.Assets); i += 75 {
		sample = append(sample, b.Assets[i].ID)
	}
	for _, opt := range []graph.ReachOptions{{}, {MaxHops: 2, PathLimit: 3}, {MaxHops: 4, PathLimit: 20}} {
		maxHops, limit := opt.MaxHops, opt.PathLimit
		if maxHops == 0 {
			maxHops = graph.DefaultMaxHops
		}
		if limit == 0 {
			limit = graph.DefaultPathLimit
		}
		t.Run(fmt.Sprintf("ThreatsReaching maxHops %d limit %d", maxHops, limit), func(t *testing.T) {
			var diffs []string
			reached, paths := 0, 0
			for _, id := range sample {
				want, err := ref.reaching(id, maxHops, limit)
				if err != nil {
					t.Fatalf("reference for %s: %v", id, err)
				}
				got, err := a.ThreatsReaching(ctx, w.ID, id, opt)
				if err != nil {
					t.Fatalf("ThreatsReaching(%s): %v", id, err)
				}
				reached += len(want)
				for _, x := range want {
					paths += len(x.Paths)
				}
				diffs = append(diffs, diffReaching(id, got, want)...)
			}
			if reached == 0 {
				t.Errorf("no sampled asset is reached by any threat: the generated graph tests nothing")
			}
			reportDiffs(t, diffs)
			t.Logf("%d sampled assets, %d (threat, asset) answers, %d paths compared", len(sample), reached, paths)
		})
	}

	for _, maxHops := range []int{graph.DefaultMaxHops, 3} {
		t.Run(fmt.Sprintf("AssetsReachedBy maxHops %d", maxHops), func(t *testing.T) {
			var diffs []string
			total := 0
			for _, th := range cat.Threats {
				got, err := a.AssetsReachedBy(ctx, w.ID, th.ID, graph.ReachOptions{MaxHops: maxHops})
				if err != nil {
					t.Fatalf("AssetsReachedBy(%s): %v", th.ID, err)
				}
				rb := ref.blast(th.ID, maxHops)
				if len(ref.exploits[th.ID]) == 0 {
					rb = &refBlast{}
				}
				total += len(rb.assets)
				if got.Entries != rb.entries {
					diffs = append(diffs, fmt.Sprintf("%s: Entries %d, want %d", th.ID, got.Entries, rb.entries))
				}
				var g, wnt []string
				for _, x := range got.Assets {
					g = append(g, fmt.Sprintf("%s hops %d [%v]", x.Asset, x.Hops, scoreOf(x.Score)))
					if msg := rb.checkPath(ref, x.Asset, x.Path); msg != "" && rb.v[x.Asset] > 0 {
						diffs = append(diffs, fmt.Sprintf("%s -> %s: path %s %s", th.ID, x.Asset, path(x.Path), msg))
					}
				}
				for _, x := range rb.assets {
					wnt = append(wnt, fmt.Sprintf("%s hops %d [%v]", x.Asset, x.Hops, x.Score))
				}
				diffs = append(diffs, diffLists(th.ID+" blast radius", g, wnt)...)
				// Paths for a few assets only: the same rows as the full answer.
				var among []string
				for i := th.Level; i < len(b.Assets); i += 7 {
					among = append(among, b.Assets[i].ID)
				}
				diffs = append(diffs, diffAmong(ctx, a, w.ID, th.ID, graph.ReachOptions{MaxHops: maxHops}, got, among)...)
			}
			if total == 0 {
				t.Errorf("no threat reaches any asset: the generated graph tests nothing")
			}
			reportDiffs(t, diffs)
			t.Logf("%d threats, %d reached assets compared", len(cat.Threats), total)
		})
	}

	for _, maxHops := range []int{graph.DefaultMaxHops, 2} {
		t.Run(fmt.Sprintf("HeatmapIPA maxHops %d", maxHops), func(t *testing.T) {
			h, err := a.HeatmapIPA(ctx, w.ID, maxHops)
			if err != nil {
				t.Fatalf("HeatmapIPA(%d): %v", maxHops, err)
			}
			pairs := ref.pairs(maxHops)
			var want [4][4]int
			for _, sc := range pairs {
				want[sc.imp][sc.d]++
			}
			var diffs []string
			var gotPairs []string
			for imp := 3; imp >= 1; imp-- {
				for d := 3; d >= 1; d-- {
					c := h.Cell(imp, d)
					if c.Count != want[imp][d] {
						diffs = append(diffs, fmt.Sprintf("cell importance %d x damage %d: %d pairs, want %d", imp, d, c.Count, want[imp][d]))
					}
					for _, p := range c.Pairs {
						gotPairs = append(gotPairs, p.Threat+"/"+p.Asset)
						if sc, ok := pairs[p.Threat+"/"+p.Asset]; ok && (sc.imp != imp || sc.d != d) {
							diffs = append(diffs, fmt.Sprintf("pair %s/%s in cell %d x %d, want %d x %d", p.Threat, p.Asset, imp, d, sc.imp, sc.d))
						}
					}
				}
			}
			var wantPairs []string
			for k := range pairs {
				wantPairs = append(wantPairs, k)
			}
			if d := sameSet(gotPairs, wantPairs); d != "" {
				diffs = append(diffs, "pairs: "+truncate(d, 400))
			}
			if h.Pairs != len(pairs) {
				diffs = append(diffs, fmt.Sprintf("Pairs %d, want %d", h.Pairs, len(pairs)))
			}
			reportDiffs(t, diffs)
			t.Logf("%d pairs; cells (importance x damage 3..1): %v", len(pairs), [][]int{want[3][1:], want[2][1:], want[1][1:]})
		})
	}
	t.Run("HeatmapCPSF", func(t *testing.T) {
		h, err := a.HeatmapCPSF(ctx, w.ID, -1)
		if err != nil {
			t.Fatalf("HeatmapCPSF: %v", err)
		}
		want := ref.cpsf(graph.DefaultMaxHops)
		var diffs []string
		for _, c := range h.Cells {
			wc := want[graph.Cell{Layer: c.Layer, Component: c.Component}]
			got := fmt.Sprintf("assets %d orgs %d pairs %d max %d high %d rss %d assessed %d coverage %.9f reqs %v",
				c.Assets, c.Orgs, c.Pairs, c.MaxRisk, c.HighPairs, c.RiskSources, c.Assessed, c.Coverage, c.Requirements)
			wnt := fmt.Sprintf("assets %d orgs %d pairs %d max %d high %d rss %d assessed %d coverage %.9f reqs %v",
				wc.Assets, wc.Orgs, wc.Pairs, wc.MaxRisk, wc.HighPairs, wc.RiskSources, wc.Assessed, wc.Coverage, wc.Requirements)
			if got != wnt {
				diffs = append(diffs, fmt.Sprintf("cell %s/%s:\n  got  %s\n  want %s", c.Layer, c.Component, got, wnt))
			}
		}
		reportDiffs(t, diffs)
	})
	t.Run("HeatmapSupply", func(t *testing.T) {
		h, err := a.HeatmapSupply(ctx, w.ID)
		if err != nil {
			t.Fatalf("HeatmapSupply: %v", err)
		}
		var got []string
		for _, r := range h.Rows {
			line := fmt.Sprintf("%s tier %d supplied %d:", r.Org.ID, r.Tier, r.AssetsSupplied)
			for _, c := range r.Cells {
				line += fmt.Sprintf(" %s %.9f/%d", c.Function, c.Covered, c.Requirements)
			}
			got = append(got, line)
		}
		reportDiffs(t, diffLists("supply-chain rows", got, ref.supply()))
	})
	t.Logf("generated-graph checks took %v", time.Since(start).Round(time.Millisecond))
}

// checkGeneratedShape makes sure the generator produces what the suite
// claims to test: every edge type, cycles, and every status at asset and
// organization level.
func checkGeneratedShape(t *testing.T, b graph.Batch) {
	t.Helper()
	types := map[graph.RelType]int{}
	for _, e := range b.Edges {
		types[e.Type]++
	}
	for _, et := range graph.EdgeTypes {
		if types[et] == 0 {
			t.Errorf("generated graph has no %s edge", et)
		}
	}
	isOrg := map[string]bool{}
	for _, o := range b.Orgs {
		isOrg[o.ID] = true
	}
	kinds := map[string]bool{}
	for _, s := range b.Statuses {
		kinds[fmt.Sprint(isOrg[s.Subject], s.Status)] = true
	}
	for _, org := range []bool{true, false} {
		for _, st := range []graph.Status{graph.StatusImplemented, graph.StatusPartial, graph.StatusPlanned, graph.StatusNone} {
			if !kinds[fmt.Sprint(org, st)] {
				t.Errorf("generated graph has no status %s on an organization=%v", st, org)
			}
		}
	}
	// A directed flow cycle: some node reaches itself.
	r := newReference(&graph.Catalog{}, graph.Workspace{}, b)
	cycle := false
	for _, a := range b.Assets[:min(200, len(b.Assets))] {
		for _, x := range r.succ[a.ID] {
			if _, ok := r.bfs(x, 10)[a.ID]; ok && !slices.Contains(r.succ[x], a.ID) {
				cycle = true // a cycle longer than a CONNECTS_TO back-and-forth
			}
		}
	}
	if !cycle {
		t.Errorf("generated graph has no flow cycle")
	}
}

func diffReaching(asset string, got *graph.AssetReach, want []refReach) []string {
	var g, w []string
	for _, x := range got.Threats {
		line := fmt.Sprintf("%s -> %s [%v] truncated %v", x.Threat.ID, asset, scoreOf(x.Score), x.Truncated)
		for _, p := range x.Paths {
			line += "\n    " + path(p.Nodes()) + " ("
			for i, h := range p.Hops {
				if i > 0 {
					line += " "
				}
				line += string(h.Status)
			}
			line += ")"
		}
		g = append(g, line)
	}
	for _, x := range want {
		line := fmt.Sprintf("%s -> %s [%v] truncated %v", x.Threat, asset, x.Score, x.Truncated)
		for i, p := range x.Paths {
			line += "\n    " + path(p) + " ("
			for j, s := range x.Statuses[i] {
				if j > 0 {
					line += " "
				}
				line += string(s)
			}
			line += ")"
		}
		w = append(w, line)
	}
	return diffLists("ThreatsReaching("+asset+")", g, w)
}

// diffLists describes the rows where got and want differ.
func diffLists(what string, got, want []string) []string {
	var out []string
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			out = append(out, fmt.Sprintf("%s row %d:\n  got  %s\n  want %s", what, i+1, g, w))
		}
	}
	return out
}

func reportDiffs(t *testing.T, diffs []string) {
	t.Helper()
	for i, d := range diffs {
		if i == maxReported {
			t.Errorf("... and %d more differences", len(diffs)-maxReported)
			break
		}
		t.Error(d)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// testSmallGenerated checks small, dense generated graphs (many ties, short
// cut-offs, path limit 1) against the reference, each in its own workspace
// of one store.
func testSmallGenerated(t *testing.T, open func(t *testing.T) graph.Store) {
	ctx := context.Background()
	s := open(t)
	a := graph.NewAnalyzer(s)
	opts := []graph.ReachOptions{{MaxHops: 1, PathLimit: 1}, {MaxHops: 3, PathLimit: 2}, {ZeroHops: true, PathLimit: 5}}
	for seed := int64(1); seed <= 8; seed++ {
		size := 50 + int(seed%4)*20
		cat, w, b := Generate(seed, size)
		w.ID = fmt.Sprintf("small-%d", seed)
		if _, err := Load(ctx, s, cat, w, b); err != nil {
			t.Fatalf("seed %d: Load: %v", seed, err)
		}
		ref := newReference(cat, w, b)
		var diffs []string
		for _, opt := range opts {
			maxHops := opt.MaxHops
			for _, id := range SampleAssets(b, 10) {
				want, err := ref.reaching(id, maxHops, opt.PathLimit)
				if err != nil {
					t.Fatalf("seed %d: reference for %s: %v", seed, id, err)
				}
				got, err := a.ThreatsReaching(ctx, w.ID, id, opt)
				if err != nil {
					t.Fatalf("seed %d: ThreatsReaching(%s, %+v): %v", seed, id, opt, err)
				}
				for _, d := range diffReaching(id, got, want) {
					diffs = append(diffs, fmt.Sprintf("seed %d size %d %+v: %s", seed, size, opt, d))
				}
			}
			for _, th := range cat.Threats {
				got, err := a.AssetsReachedBy(ctx, w.ID, th.ID, opt)
				if err != nil {
					t.Fatalf("seed %d: AssetsReachedBy(%s, %+v): %v", seed, th.ID, opt, err)
				}
				rb := &refBlast{}
				if len(ref.exploits[th.ID]) > 0 {
					rb = ref.blast(th.ID, maxHops)
				}
				var g, wnt []string
				for _, x := range got.Assets {
					g = append(g, fmt.Sprintf("%s hops %d [%v]", x.Asset, x.Hops, scoreOf(x.Score)))
					if msg := rb.checkPath(ref, x.Asset, x.Path); msg != "" {
						diffs = append(diffs, fmt.Sprintf("seed %d %+v: %s -> %s: path %s %s", seed, opt, th.ID, x.Asset, path(x.Path), msg))
					}
				}
				for _, x := range rb.assets {
					wnt = append(wnt, fmt.Sprintf("%s hops %d [%v]", x.Asset, x.Hops, x.Score))
				}
				diffs = append(diffs, diffLists(fmt.Sprintf("seed %d %+v: %s blast radius", seed, opt, th.ID), g, wnt)...)
			}
		}
		reportDiffs(t, diffs)
	}
}
