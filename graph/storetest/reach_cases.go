package storetest

import (
	"context"
	"fmt"
	"testing"

	"cpsfgraph/graph"
)

// wantReach is one expected ThreatReach.
type wantReach struct {
	threat    string
	score     score
	paths     [][]string // node IDs from the entry to the asset
	truncated bool
}

type reachCase struct {
	name   string
	graph  string
	more   string // a second write of the same source, after graph
	levels map[string]int
	asset  string
	opt    graph.ReachOptions
	want   []wantReach // in the expected order (risk desc, then threat ID)
}

// In the direction cases y (procedures, importance 2) is where no threat
// enters, e (systems, L3) is an entry of T-A (level 3) and T-AB (level 2),
// uncovered: T-A scores t3 v3 -> damage 3, risk 6; T-AB t2 v3 -> damage 2,
// risk 4.
const ye = "asset y procedures L3 imp=2; asset e systems L3\n"

var (
	scoreA6  = score{imp: 2, t: 3, v: 3, d: 3, risk: 6, band: high}
	scoreAB4 = score{imp: 2, t: 2, v: 3, d: 2, risk: 4, band: medium}
)

// viaE is the answer when T-A and T-AB reach y along the given paths.
func viaE(ps ...[]string) []wantReach {
	return []wantReach{{threat: "T-A", score: scoreA6, paths: ps}, {threat: "T-AB", score: scoreAB4, paths: ps}}
}

func reachCases() []reachCase {
	return []reachCase{
		// Every compromise-flow direction.
		{name: "STORED_ON flows from the medium to what is stored on it", graph: ye + "y STORED_ON e", asset: "y",
			want: viaE([]string{"e", "y"})},
		{name: "STORED_ON does not flow from what is stored to the medium", graph: ye + "e STORED_ON y", asset: "y"},
		{name: "RUNS_ON flows from the platform to what runs on it", graph: ye + "y RUNS_ON e", asset: "y",
			want: viaE([]string{"e", "y"})},
		{name: "RUNS_ON does not flow from what runs to the platform", graph: ye + "e RUNS_ON y", asset: "y"},
		{name: "OPERATED_BY flows from the operator to what is operated", graph: ye + "y OPERATED_BY e", asset: "y",
			want: viaE([]string{"e", "y"})},
		{name: "OPERATED_BY does not flow from what is operated to the operator", graph: ye + "e OPERATED_BY y", asset: "y"},
		{name: "CONNECTS_TO flows from the source to the target", graph: ye + "e CONNECTS_TO y", asset: "y",
			want: viaE([]string{"e", "y"})},
		{name: "CONNECTS_TO flows from the target to the source", graph: ye + "y CONNECTS_TO e", asset: "y",
			want: viaE([]string{"e", "y"})},
		{name: "SUPPLIED_BY flows from the supplier to the asset, not from an asset to its supplier",
			graph: ye + "org o supplier; y SUPPLIED_BY o; e SUPPLIED_BY o", asset: "y",
			// T-A enters e, but e -> o does not flow, so only T-O (entering o) reaches y.
			want: []wantReach{{threat: "T-O", score: score{2, 3, 3, 3, 6, high}, paths: [][]string{{"o", "y"}}}}},
		{name: "SUPPLIES flows from the supplier organization to the one it supplies",
			graph: ye + "org sup supplier; org self self; sup SUPPLIES self; y SUPPLIED_BY self", asset: "y",
			want: []wantReach{{threat: "T-O", score: score{2, 3, 3, 3, 6, high}, paths: [][]string{{"self", "y"}, {"sup", "self", "y"}}}}},
		{name: "SUPPLIES does not flow from the supplied organization back to its supplier",
			graph: ye + "org sup supplier; org self self; self SUPPLIES sup; y SUPPLIED_BY self", asset: "y",
			want: []wantReach{{threat: "T-O", score: score{2, 3, 3, 3, 6, high}, paths: [][]string{{"self", "y"}}}}},
		{name: "OWNED_BY carries no compromise either way",
			// If OWNED_BY flowed o -> y, T-O would have the path o > y; if it
			// flowed e -> o, T-A would reach y through e > o > o2 > y.
			graph: ye + "org o; org o2; e OWNED_BY o; y OWNED_BY o; o SUPPLIES o2; y SUPPLIED_BY o2", asset: "y",
			want: []wantReach{{threat: "T-O", score: score{2, 3, 3, 3, 6, high}, paths: [][]string{{"o2", "y"}, {"o", "o2", "y"}}}}},

		// maxHops cut-off.
		{name: "an entry exactly maxHops away reaches",
			graph: ye + "asset m1 procedures L3; asset m2 procedures L3; e CONNECTS_TO m1; m1 CONNECTS_TO m2; m2 CONNECTS_TO y",
			asset: "y", opt: graph.ReachOptions{MaxHops: 3},
			want: viaE([]string{"e", "m1", "m2", "y"})},
		{name: "an entry maxHops+1 away does not reach",
			graph: ye + "asset m1 procedures L3; asset m2 procedures L3; e CONNECTS_TO m1; m1 CONNECTS_TO m2; m2 CONNECTS_TO y",
			asset: "y", opt: graph.ReachOptions{MaxHops: 2}},
		{name: "maxHops 0 keeps only the asset itself as entry",
			graph: "asset y systems L3 imp=2; asset e systems L3; e CONNECTS_TO y", asset: "y", opt: graph.ReachOptions{ZeroHops: true},
			want: viaE([]string{"y"})},
		{name: "maxHops 1 adds the neighbour entry after the asset itself",
			graph: "asset y systems L3 imp=2; asset e systems L3; e CONNECTS_TO y", asset: "y", opt: graph.ReachOptions{MaxHops: 1},
			want: viaE([]string{"y"}, []string{"e", "y"})},

		// Cycles.
		{name: "a directed flow cycle is walked once and the path has no node twice",
			// RUNS_ON cycle m1 -> m3 -> m2 -> m1 (flow runs from platform to runner).
			graph: ye + "asset m1 procedures L3; asset m2 procedures L3; asset m3 procedures L3\n" +
				"m3 RUNS_ON m1; m2 RUNS_ON m3; m1 RUNS_ON m2; m1 RUNS_ON e; y RUNS_ON m2",
			asset: "y", opt: graph.ReachOptions{MaxHops: 10},
			want: viaE([]string{"e", "m1", "m3", "m2", "y"})},
		{name: "an undirected triangle gives the shortest way through it",
			graph: ye + "asset m1 procedures L3; asset m2 procedures L3; asset m3 procedures L3\n" +
				"m1 CONNECTS_TO m2; m2 CONNECTS_TO m3; m3 CONNECTS_TO m1; e CONNECTS_TO m1; m3 CONNECTS_TO y",
			asset: "y", opt: graph.ReachOptions{MaxHops: 10},
			want: viaE([]string{"e", "m1", "m3", "y"})},

		// Path order and ties.
		{name: "paths ordered by length, then entry ID; ties take the smallest next node",
			graph: ye + "asset a procedures L3; asset b procedures L3; asset z1 systems L3; asset c systems L3\n" +
				"z1 CONNECTS_TO y; e CONNECTS_TO b; e CONNECTS_TO a; b CONNECTS_TO y; a CONNECTS_TO y; c CONNECTS_TO b",
			asset: "y",
			want:  viaE([]string{"z1", "y"}, []string{"c", "b", "y"}, []string{"e", "a", "y"})},
		{name: "the lexicographically smallest path is chosen from the entry, not from the asset",
			// e > a > q > y beats e > b > p > y although p < q.
			graph: ye + "asset a procedures L3; asset b procedures L3; asset p procedures L3; asset q procedures L3\n" +
				"e CONNECTS_TO b; b CONNECTS_TO p; p CONNECTS_TO y; e CONNECTS_TO a; a CONNECTS_TO q; q CONNECTS_TO y",
			asset: "y",
			want:  viaE([]string{"e", "a", "q", "y"})},

		// Path limit.
		{name: "path limit 3 of 7 entries is truncated", graph: star7, asset: "y", opt: graph.ReachOptions{PathLimit: 3},
			want: truncated(viaE([]string{"s1", "y"}, []string{"s2", "y"}, []string{"s3", "y"}))},
		{name: "default path limit 5 of 7 entries is truncated", graph: star7, asset: "y",
			want: truncated(viaE([]string{"s1", "y"}, []string{"s2", "y"}, []string{"s3", "y"}, []string{"s4", "y"}, []string{"s5", "y"}))},
		{name: "path limit 7 of 7 entries is not truncated", graph: star7, asset: "y", opt: graph.ReachOptions{PathLimit: 7},
			want: viaE([]string{"s1", "y"}, []string{"s2", "y"}, []string{"s3", "y"}, []string{"s4", "y"}, []string{"s5", "y"}, []string{"s6", "y"}, []string{"s7", "y"})},

		// v is the highest exploitability among the entries that reach.
		{name: "v is the highest among reaching entries: a far uncovered entry beats a near covered one",
			graph: twoEntries, asset: "y",
			want: []wantReach{
				{threat: "T-A", score: score{3, 3, 3, 3, 9, high}, paths: [][]string{{"e1", "y"}, {"e2", "m1", "m2", "y"}}},
				{threat: "T-AB", score: score{3, 2, 3, 2, 6, high}, paths: [][]string{{"e1", "y"}, {"e2", "m1", "m2", "y"}}},
			}},
		{name: "an uncovered entry beyond maxHops does not set v",
			graph: twoEntries, asset: "y", opt: graph.ReachOptions{MaxHops: 2},
			// T-A: e1 covered -> v1, damage(3,1)=1, risk 3. T-AB: e1 covers RS-SA only -> v2, damage(2,2)=1, risk 3.
			want: []wantReach{
				{threat: "T-A", score: score{3, 3, 1, 1, 3, low}, paths: [][]string{{"e1", "y"}}},
				{threat: "T-AB", score: score{3, 2, 2, 1, 3, low}, paths: [][]string{{"e1", "y"}}},
			}},

		// Suppliers (layer 1).
		{name: "a covered self organization alone gives v1 within one hop",
			graph: supplierChain, asset: "y", opt: graph.ReachOptions{MaxHops: 1},
			want: []wantReach{{threat: "T-O", score: score{2, 3, 1, 1, 2, low}, paths: [][]string{{"self", "y"}}}}},
		{name: "the uncovered supplier two hops away raises v to 3",
			graph: supplierChain, asset: "y", opt: graph.ReachOptions{MaxHops: 2},
			want: []wantReach{{threat: "T-O", score: score{2, 3, 3, 3, 6, high}, paths: [][]string{{"self", "y"}, {"sup", "self", "y"}}}}},
		{name: "Japanese IDs",
			graph: "asset 顧客台帳 data L3 imp=3; asset 社内サーバー systems L3; 顧客台帳 STORED_ON 社内サーバー", asset: "顧客台帳",
			want: []wantReach{
				{threat: "T-A", score: score{3, 3, 3, 3, 9, high}, paths: [][]string{{"社内サーバー", "顧客台帳"}}},
				{threat: "T-AB", score: score{3, 2, 3, 2, 6, high}, paths: [][]string{{"社内サーバー", "顧客台帳"}}},
				{threat: "T-D", score: score{3, 1, 3, 1, 3, low}, paths: [][]string{{"顧客台帳"}}},
			}},
		{name: "nodes added by a later write sort by ID among the earlier ones",
			graph: ye + "asset m procedures L3; asset z systems L3; e CONNECTS_TO m; m CONNECTS_TO y; z CONNECTS_TO y",
			more:  "existing asset e y; asset d procedures L3; asset c systems L3; e CONNECTS_TO d; d CONNECTS_TO y; c CONNECTS_TO y",
			asset: "y",
			want:  viaE([]string{"c", "y"}, []string{"z", "y"}, []string{"e", "d", "y"})},
		{name: "several threats ranked by risk value, then ID",
			// db (data) is itself an entry of T-D (level 1); srv (systems) enters T-A and T-AB.
			graph: "asset db data L3 imp=3; asset srv systems L3; db STORED_ON srv", asset: "db",
			want: []wantReach{
				{threat: "T-A", score: score{3, 3, 3, 3, 9, high}, paths: [][]string{{"srv", "db"}}},
				{threat: "T-AB", score: score{3, 2, 3, 2, 6, high}, paths: [][]string{{"srv", "db"}}},
				{threat: "T-D", score: score{3, 1, 3, 1, 3, low}, paths: [][]string{{"db"}}},
			}},
	}
}

const star7 = "asset y procedures L3 imp=2\n" +
	"asset s1 systems L3; asset s2 systems L3; asset s3 systems L3; asset s4 systems L3\n" +
	"asset s5 systems L3; asset s6 systems L3; asset s7 systems L3\n" +
	"s5 CONNECTS_TO y; s3 CONNECTS_TO y; s7 CONNECTS_TO y; s1 CONNECTS_TO y; s2 CONNECTS_TO y; s6 CONNECTS_TO y; s4 CONNECTS_TO y"

// twoEntries: y (importance 3) is one hop from e1, covered against RS-SA
// (TFW:MAP-A implemented on the asset), and three hops from e2, uncovered.
const twoEntries = "asset y procedures L3 imp=3; asset e1 systems L3; asset e2 systems L3\n" +
	"asset m1 procedures L3; asset m2 procedures L3\n" +
	"e1 PROTECTED_BY TFW:MAP-A implemented\n" +
	"e1 CONNECTS_TO y; e2 CONNECTS_TO m1; m1 CONNECTS_TO m2; m2 CONNECTS_TO y"

// supplierChain: the supplier sup (uncovered) supplies self, which covers
// RS-O (TFW:MAP-O implemented) and supplies the asset y.
const supplierChain = "asset y procedures L3 imp=2; org sup supplier; org self self\n" +
	"self IMPLEMENTS TFW:MAP-O implemented\n" +
	"sup SUPPLIES self; y SUPPLIED_BY self"

func truncated(ws []wantReach) []wantReach {
	for i := range ws {
		ws[i].truncated = true
	}
	return ws
}

func runReachCases(t *testing.T, open func(t *testing.T) graph.Store) {
	for _, c := range reachCases() {
		t.Run(c.name, func(t *testing.T) {
			s := setup(t, open, c.graph, c.levels)
			if c.more != "" {
				b := MustGraph(c.more)
				spec := graph.WriteSpec{Workspace: ws, Source: FixtureSource, Run: "run-2", Now: fixedNow}
				if _, err := s.Write(context.Background(), spec, func(put func(graph.Batch) error) error { return put(b) }); err != nil {
					t.Fatalf("second Write: %v", err)
				}
			}
			got, err := graph.NewAnalyzer(s).ThreatsReaching(context.Background(), ws, c.asset, c.opt)
			if err != nil {
				t.Fatalf("ThreatsReaching(%q, %+v): %v", c.asset, c.opt, err)
			}
			checkThreatsReaching(t, got, c.asset, c.want)
		})
	}
}

func checkThreatsReaching(t *testing.T, got *graph.AssetReach, asset string, want []wantReach) {
	t.Helper()
	var gotIDs, wantIDs []string
	for _, r := range got.Threats {
		gotIDs = append(gotIDs, r.Threat.ID)
	}
	for _, w := range want {
		wantIDs = append(wantIDs, w.threat)
	}
	checkSet(t, fmt.Sprintf("threats reaching %s", asset), gotIDs, wantIDs)
	checkList(t, fmt.Sprintf("order of the threats reaching %s", asset), gotIDs, wantIDs)
	if got.Asset.ID != asset {
		t.Errorf("ThreatsReaching(%s).Asset.ID = %q", asset, got.Asset.ID)
	}
	byID := map[string]graph.ThreatReach{}
	for _, r := range got.Threats {
		byID[r.Threat.ID] = r
	}
	for _, w := range want {
		r, ok := byID[w.threat]
		if !ok {
			continue
		}
		if g := scoreOf(r.Score); g != w.score {
			t.Errorf("%s -> %s score:\n  got  %v\n  want %v", w.threat, asset, g, w.score)
		}
		var gp [][]string
		for _, p := range r.Paths {
			gp = append(gp, p.Nodes())
			if len(p.Hops) == 0 || p.Hops[len(p.Hops)-1].Node != asset {
				t.Errorf("%s -> %s: path %s does not end at the asset", w.threat, asset, path(p.Nodes()))
			}
			if d := sameSet(p.Nodes(), uniq(p.Nodes())); d != "" {
				t.Errorf("%s -> %s: path %s has a node twice", w.threat, asset, path(p.Nodes()))
			}
		}
		checkList(t, fmt.Sprintf("%s -> %s paths", w.threat, asset), paths(gp), paths(w.paths))
		if r.Truncated != w.truncated {
			t.Errorf("%s -> %s: Truncated = %v, want %v", w.threat, asset, r.Truncated, w.truncated)
		}
	}
}

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
