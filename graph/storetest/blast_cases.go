package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"cpsfgraph/graph"
)

type wantReached struct {
	asset string
	hops  int
	score score
	path  []string
}

type blastCase struct {
	name    string
	graph   string
	levels  map[string]int
	threat  string
	opt     graph.ReachOptions
	entries int
	want    []wantReached // in the expected order: risk desc, hops, asset ID
}

// ranking: T-A enters e1 (uncovered, v3) and e2 (covered, v1).
//
//	e1 - a1 - a2 - e2 - a3     (CONNECTS_TO)
const ranking = "asset e1 systems L3 imp=1; asset e2 systems L3 imp=3\n" +
	"asset a1 procedures L3 imp=3; asset a2 procedures L3 imp=3; asset a3 procedures L3 imp=2\n" +
	"e2 PROTECTED_BY TFW:MAP-A implemented\n" +
	"e1 CONNECTS_TO a1; a1 CONNECTS_TO a2; e2 CONNECTS_TO a2; e2 CONNECTS_TO a3"

// orgsBlast: T-O enters sup (uncovered), self (covered) and lone.
const orgsBlast = "org sup supplier; org self self; org lone\n" +
	"asset a procedures L3 imp=2; asset b procedures L3 imp=2; asset c procedures L3 imp=2\n" +
	"self IMPLEMENTS TFW:MAP-O implemented\n" +
	"sup SUPPLIES self; a SUPPLIED_BY self; b SUPPLIED_BY sup; c OWNED_BY self"

func blastCases() []blastCase {
	return []blastCase{
		{name: "ranked by risk, hops, ID; v from the highest reaching entry; maxHops 2",
			graph: ranking, threat: "T-A", opt: graph.ReachOptions{MaxHops: 2}, entries: 2,
			want: []wantReached{
				{"a1", 1, score{3, 3, 3, 3, 9, high}, []string{"e1", "a1"}},
				{"a2", 2, score{3, 3, 3, 3, 9, high}, []string{"e1", "a1", "a2"}}, // e2 is nearer but covered
				{"e1", 0, score{1, 3, 3, 3, 3, low}, []string{"e1"}},
				{"e2", 0, score{3, 3, 1, 1, 3, low}, []string{"e2"}}, // e1 is 3 hops away
				{"a3", 1, score{2, 3, 1, 1, 2, low}, []string{"e2", "a3"}},
			}},
		{name: "with the default maxHops the uncovered entry reaches everything",
			graph: ranking, threat: "T-A", entries: 2,
			want: []wantReached{
				{"a1", 1, score{3, 3, 3, 3, 9, high}, []string{"e1", "a1"}},
				{"a2", 2, score{3, 3, 3, 3, 9, high}, []string{"e1", "a1", "a2"}},
				{"e2", 3, score{3, 3, 3, 3, 9, high}, []string{"e1", "a1", "a2", "e2"}},
				{"a3", 4, score{2, 3, 3, 3, 6, high}, []string{"e1", "a1", "a2", "e2", "a3"}},
				{"e1", 0, score{1, 3, 3, 3, 3, low}, []string{"e1"}},
			}},
		{name: "maxHops 0 lists the entry assets only",
			graph: ranking, threat: "T-A", opt: graph.ReachOptions{ZeroHops: true}, entries: 2,
			want: []wantReached{
				{"e1", 0, score{1, 3, 3, 3, 3, low}, []string{"e1"}},
				{"e2", 0, score{3, 3, 1, 1, 3, low}, []string{"e2"}},
			}},
		{name: "the path walks back from the asset through the smallest IDs",
			// Documented rule of Reached.Path: y's parents at depth 2 are p and q -> p; p's parent b.
			graph: "asset e systems L3; asset y procedures L3 imp=3\n" +
				"asset a procedures L3; asset b procedures L3; asset p procedures L3; asset q procedures L3\n" +
				"e CONNECTS_TO b; b CONNECTS_TO p; p CONNECTS_TO y; e CONNECTS_TO a; a CONNECTS_TO q; q CONNECTS_TO y",
			threat: "T-A", entries: 1,
			want: []wantReached{
				{"y", 3, score{3, 3, 3, 3, 9, high}, []string{"e", "b", "p", "y"}},
				{"e", 0, score{1, 3, 3, 3, 3, low}, []string{"e"}},
				{"a", 1, score{1, 3, 3, 3, 3, low}, []string{"e", "a"}},
				{"b", 1, score{1, 3, 3, 3, 3, low}, []string{"e", "b"}},
				{"p", 2, score{1, 3, 3, 3, 3, low}, []string{"e", "b", "p"}},
				{"q", 2, score{1, 3, 3, 3, 3, low}, []string{"e", "a", "q"}},
			}},
		{name: "organizations are entries and carry compromise but are not listed; OWNED_BY carries nothing",
			graph: orgsBlast, threat: "T-O", entries: 3,
			// a: the uncovered sup reaches it through self in 2 hops (v3) before self's own 1 hop (v1).
			want: []wantReached{
				{"b", 1, score{2, 3, 3, 3, 6, high}, []string{"sup", "b"}},
				{"a", 2, score{2, 3, 3, 3, 6, high}, []string{"sup", "self", "a"}},
			}},
		{name: "within one hop the covered self organization sets v for its asset",
			graph: orgsBlast, threat: "T-O", opt: graph.ReachOptions{MaxHops: 1}, entries: 3,
			want: []wantReached{
				{"b", 1, score{2, 3, 3, 3, 6, high}, []string{"sup", "b"}},
				{"a", 1, score{2, 3, 1, 1, 2, low}, []string{"self", "a"}},
			}},
		{name: "a threat that exploits nothing has no entries", graph: orgsBlast, threat: "T-NONE"},
		{name: "workspace override of the threat level", graph: orgsBlast, levels: map[string]int{"T-O": 2}, threat: "T-O", opt: graph.ReachOptions{MaxHops: 1}, entries: 3,
			want: []wantReached{
				{"b", 1, score{2, 2, 3, 2, 4, medium}, []string{"sup", "b"}},
				{"a", 1, score{2, 2, 1, 1, 2, low}, []string{"self", "a"}},
			}},
	}
}

func runBlastCases(t *testing.T, open func(t *testing.T) graph.Store) {
	for _, c := range blastCases() {
		t.Run(c.name, func(t *testing.T) {
			s := setup(t, open, c.graph, c.levels)
			a := graph.NewAnalyzer(s)
			got, err := a.AssetsReachedBy(context.Background(), ws, c.threat, c.opt)
			if err != nil {
				t.Fatalf("AssetsReachedBy(%q, %+v): %v", c.threat, c.opt, err)
			}
			if got.Entries != c.entries {
				t.Errorf("%s: Entries = %d, want %d", c.threat, got.Entries, c.entries)
			}
			var g, w []string
			for _, r := range got.Assets {
				g = append(g, fmt.Sprintf("%s hops %d [%v] path %s", r.Asset, r.Hops, scoreOf(r.Score), path(r.Path)))
			}
			for _, r := range c.want {
				w = append(w, fmt.Sprintf("%s hops %d [%v] path %s", r.asset, r.hops, r.score, path(r.path)))
			}
			var ga, wa []string
			for _, r := range got.Assets {
				ga = append(ga, r.Asset)
			}
			for _, r := range c.want {
				wa = append(wa, r.asset)
			}
			checkSet(t, "assets reached by "+c.threat, ga, wa)
			checkList(t, "blast radius of "+c.threat, g, w)
			// Every other reached asset, and one that is no asset.
			var among []string
			for i := 0; i < len(wa); i += 2 {
				among = append(among, wa[i])
			}
			reportDiffs(t, diffAmong(context.Background(), a, ws, c.threat, c.opt, got, append(among, "ghost")))
		})
	}
}

// diffAmong checks AssetsReachedAmong(ids) against full, the
// AssetsReachedBy answer with the same options: it must list exactly full's
// rows for those assets, in full's order, paths included.
func diffAmong(ctx context.Context, a *graph.Analyzer, ws, threat string, opt graph.ReachOptions, full *graph.BlastRadius, ids []string) []string {
	got, err := a.AssetsReachedAmong(ctx, ws, threat, ids, opt)
	if err != nil {
		return []string{fmt.Sprintf("AssetsReachedAmong(%s, %d assets, %+v): %v", threat, len(ids), opt, err)}
	}
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	want := *full
	want.Assets = nil
	for _, r := range full.Assets {
		if in[r.Asset] {
			want.Assets = append(want.Assets, r)
		}
	}
	if reflect.DeepEqual(got, &want) {
		return nil
	}
	row := func(r graph.Reached) string {
		return fmt.Sprintf("%s hops %d [%v] path %s", r.Asset, r.Hops, scoreOf(r.Score), path(r.Path))
	}
	var g, w []string
	for _, r := range got.Assets {
		g = append(g, row(r))
	}
	for _, r := range want.Assets {
		w = append(w, row(r))
	}
	if got.Entries != want.Entries {
		w = append(w, fmt.Sprintf("(entries %d, want %d)", got.Entries, want.Entries))
	}
	return append(diffLists(threat+" blast radius among "+fmt.Sprint(len(ids))+" assets", g, w), threat+": AssetsReachedAmong differs from AssetsReachedBy")
}
