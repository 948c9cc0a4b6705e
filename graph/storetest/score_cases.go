package storetest

import (
	"context"
	"testing"

	"cpsfgraph/graph"
)

type scoreCase struct {
	name   string
	graph  string // must declare x, an entry of the threat
	levels map[string]int
	threat string // "" = T-A (level 3)
	want   score
}

// IPA's lookup table, cell by cell (t from T-A's level 3 or the workspace
// override; v from x's coverage), then importance and the risk values.
func scoreCases() []scoreCase {
	const (
		x3      = "asset x systems L3 imp=3\n"
		partial = "x PROTECTED_BY TFW:MAP-A partial"
		impl    = "x PROTECTED_BY TFW:MAP-A implemented"
	)
	t2 := map[string]int{"T-A": 2}
	t1 := map[string]int{"T-A": 1}
	return []scoreCase{
		{name: "t3 v3 -> damage 3", graph: x3, want: score{3, 3, 3, 3, 9, high}},
		{name: "t3 v2 -> damage 2", graph: x3 + partial, want: score{3, 3, 2, 2, 6, high}},
		{name: "t3 v1 -> damage 1", graph: x3 + impl, want: score{3, 3, 1, 1, 3, low}},
		{name: "t2 (workspace override) v3 -> damage 2", graph: x3, levels: t2, want: score{3, 2, 3, 2, 6, high}},
		{name: "t2 v2 -> damage 1", graph: x3 + partial, levels: t2, want: score{3, 2, 2, 1, 3, low}},
		{name: "t2 v1 -> damage 1", graph: x3 + impl, levels: t2, want: score{3, 2, 1, 1, 3, low}},
		{name: "t1 (workspace override) v3 -> damage 1", graph: x3, levels: t1, want: score{3, 1, 3, 1, 3, low}},
		{name: "t1 v2 -> damage 1", graph: x3 + partial, levels: t1, want: score{3, 1, 2, 1, 3, low}},
		{name: "t1 v1 -> damage 1", graph: x3 + impl, levels: t1, want: score{3, 1, 1, 1, 3, low}},
		{name: "override raises T-AB from its level 2 to 3", graph: x3, threat: "T-AB", levels: map[string]int{"T-AB": 3},
			want: score{3, 3, 3, 3, 9, high}},
		{name: "an override of another threat leaves T-AB at level 2", graph: x3, threat: "T-AB", levels: map[string]int{"T-A": 1},
			want: score{3, 2, 3, 2, 6, high}},
		{name: "importance 2 x damage 2 = 4, band medium", graph: "asset x systems L3 imp=2\n" + partial, want: score{2, 3, 2, 2, 4, medium}},
		{name: "importance 2 x damage 3 = 6, band high", graph: "asset x systems L3 imp=2", want: score{2, 3, 3, 3, 6, high}},
		{name: "importance 2 x damage 1 = 2, band low", graph: "asset x systems L3 imp=2\n" + impl, want: score{2, 3, 1, 1, 2, low}},
		{name: "importance 1 x damage 3 = 3, band low", graph: "asset x systems L3 imp=1", want: score{1, 3, 3, 3, 3, low}},
		{name: "importance 1 x damage 2 = 2, band low", graph: "asset x systems L3 imp=1\n" + partial, want: score{1, 3, 2, 2, 2, low}},
		{name: "importance 1 x damage 1 = 1, band low", graph: "asset x systems L3 imp=1\n" + impl, want: score{1, 3, 1, 1, 1, low}},
		{name: "importance from the highest C/I/A rating", graph: "asset x systems L3 cia=1/3/2", want: score{3, 3, 3, 3, 9, high}},
		{name: "a given importance wins over C/I/A", graph: "asset x systems L3 imp=2 cia=3/3/3", want: score{2, 3, 3, 3, 6, high}},
		{name: "importance 1 when nothing is rated", graph: "asset x systems L3", want: score{1, 3, 3, 3, 3, low}},
	}
}

func runScoreCases(t *testing.T, open func(t *testing.T) graph.Store) {
	for _, c := range scoreCases() {
		t.Run(c.name, func(t *testing.T) {
			s := setup(t, open, c.graph, c.levels)
			threat := c.threat
			if threat == "" {
				threat = "T-A"
			}
			got, err := graph.NewAnalyzer(s).ThreatsReaching(context.Background(), ws, "x", graph.ReachOptions{ZeroHops: true})
			if err != nil {
				t.Fatalf("ThreatsReaching(x): %v", err)
			}
			for _, r := range got.Threats {
				if r.Threat.ID == threat {
					if g := scoreOf(r.Score); g != c.want {
						t.Errorf("%s -> x score:\n  got  %v\n  want %v", threat, g, c.want)
					}
					return
				}
			}
			t.Errorf("threat %s does not reach x", threat)
		})
	}
}
