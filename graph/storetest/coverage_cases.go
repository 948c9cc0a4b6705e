package storetest

import (
	"context"
	"fmt"
	"testing"

	"cpsfgraph/graph"
)

type wantGap struct {
	rs       string
	weight   float64
	reqs     []string
	controls []string
}

type wantHop struct {
	status   graph.CoverageStatus
	coverage float64
	rss      []string
	covering []string
	gaps     []wantGap
}

type coverCase struct {
	name   string
	graph  string
	asset  string // ThreatsReaching target; "" = x with maxHops 0
	threat string
	hops   map[string]wantHop // by node, checked on the threat's first path
	v      int                // the threat's exploitability at the asset
}

var (
	gapSA0 = wantGap{rs: "RS-SA", weight: 0, reqs: []string{"REQ-A"}, controls: []string{"TFW:DIR-A", "TFW:MAP-A"}}
	gapSA5 = wantGap{rs: "RS-SA", weight: 0.5, reqs: []string{"REQ-A"}, controls: []string{"TFW:DIR-A", "TFW:MAP-A"}}
	gapSB0 = wantGap{rs: "RS-SB", weight: 0, reqs: []string{"REQ-B"}, controls: []string{"TFW:MAP-B"}}
	gapSB5 = wantGap{rs: "RS-SB", weight: 0.5, reqs: []string{"REQ-B"}, controls: []string{"TFW:MAP-B"}}
	rsSA   = []string{"RS-SA"}
	rsSAB  = []string{"RS-SA", "RS-SB"}
)

func at(x wantHop) map[string]wantHop { return map[string]wantHop{"x": x} }

// The coverage cases look at the hop of x (systems, L3), an entry of T-A
// (RS-SA) and T-AB (RS-SA, RS-SB).
func coverCases() []coverCase {
	const x = "asset x systems L3 imp=3\n"
	const ox = "org self self; org sup supplier; asset x systems L3 imp=3 owner=self\n"
	return []coverCase{
		{name: "no control: uncovered, every risk source a gap with its requirements and controls",
			graph: x, threat: "T-AB", v: 3,
			hops: at(wantHop{status: graph.Uncovered, coverage: 0, rss: rsSAB, gaps: []wantGap{gapSA0, gapSB0}})},
		{name: "a control that MITIGATES the risk source directly covers it",
			graph: x + "x PROTECTED_BY TFW:DIR-A implemented", threat: "T-A", v: 1,
			hops: at(wantHop{status: graph.Covered, coverage: 1, rss: rsSA, covering: []string{"TFW:DIR-A"}})},
		{name: "a control that MAPS_TO a requirement that MITIGATES the risk source covers it",
			graph: x + "x PROTECTED_BY TFW:MAP-A implemented", threat: "T-A", v: 1,
			hops: at(wantHop{status: graph.Covered, coverage: 1, rss: rsSA, covering: []string{"TFW:MAP-A"}})},
		{name: "partial counts half",
			graph: x + "x PROTECTED_BY TFW:MAP-A partial", threat: "T-A", v: 2,
			hops: at(wantHop{status: graph.PartlyCovered, coverage: 0.5, rss: rsSA, covering: []string{"TFW:MAP-A"}, gaps: []wantGap{gapSA5}})},
		{name: "one of two risk sources covered is partial",
			graph: x + "x PROTECTED_BY TFW:MAP-A implemented; x PROTECTED_BY TFW:MAP-B none", threat: "T-AB", v: 2,
			hops: at(wantHop{status: graph.PartlyCovered, coverage: 0.5, rss: rsSAB, covering: []string{"TFW:MAP-A"}, gaps: []wantGap{gapSB0}})},
		{name: "the best weight among the mitigating controls counts",
			graph: x + "x PROTECTED_BY TFW:DIR-A partial; x PROTECTED_BY TFW:MAP-A implemented", threat: "T-A", v: 1,
			hops: at(wantHop{status: graph.Covered, coverage: 1, rss: rsSA, covering: []string{"TFW:DIR-A", "TFW:MAP-A"}})},
		{name: "two halves make a partial hop with two half gaps",
			graph: x + "x PROTECTED_BY TFW:DIR-A partial; x PROTECTED_BY TFW:MAP-B partial", threat: "T-AB", v: 2,
			hops: at(wantHop{status: graph.PartlyCovered, coverage: 0.5, rss: rsSAB, covering: []string{"TFW:DIR-A", "TFW:MAP-B"}, gaps: []wantGap{gapSA5, gapSB5}})},
		{name: "planned and none do not count",
			graph: x + "x PROTECTED_BY TFW:MAP-A planned; x PROTECTED_BY TFW:DIR-A none", threat: "T-A", v: 3,
			hops: at(wantHop{status: graph.Uncovered, coverage: 0, rss: rsSA, gaps: []wantGap{gapSA0}})},
		{name: "a control that mitigates nothing does not count",
			graph: x + "x PROTECTED_BY TFW:IDLE implemented; x PROTECTED_BY TFW:MAP-O implemented", threat: "T-A", v: 3,
			hops: at(wantHop{status: graph.Uncovered, coverage: 0, rss: rsSA, gaps: []wantGap{gapSA0}})},
		{name: "the owner organization's IMPLEMENTS covers its asset",
			graph: ox + "self IMPLEMENTS TFW:MAP-A implemented", threat: "T-A", v: 1,
			hops: at(wantHop{status: graph.Covered, coverage: 1, rss: rsSA, covering: []string{"TFW:MAP-A"}})},
		{name: "PROTECTED_BY on another asset of the same owner does not cover this one",
			graph: ox + "asset x2 systems L3 owner=self; x2 PROTECTED_BY TFW:MAP-A implemented", threat: "T-A", v: 3,
			hops: at(wantHop{status: graph.Uncovered, coverage: 0, rss: rsSA, gaps: []wantGap{gapSA0}})},
		{name: "the organization's partial beats the asset's planned",
			graph: ox + "self IMPLEMENTS TFW:MAP-A partial; x PROTECTED_BY TFW:DIR-A planned", threat: "T-A", v: 2,
			hops: at(wantHop{status: graph.PartlyCovered, coverage: 0.5, rss: rsSA, covering: []string{"TFW:MAP-A"}, gaps: []wantGap{gapSA5}})},
		{name: "the asset's implemented beats the organization's none",
			graph: ox + "self IMPLEMENTS TFW:MAP-A none; x PROTECTED_BY TFW:MAP-A implemented", threat: "T-A", v: 1,
			hops: at(wantHop{status: graph.Covered, coverage: 1, rss: rsSA, covering: []string{"TFW:MAP-A"}})},
		{name: "another organization's IMPLEMENTS does not cover the asset",
			graph: ox + "sup IMPLEMENTS TFW:MAP-A implemented", threat: "T-A", v: 3,
			hops: at(wantHop{status: graph.Uncovered, coverage: 0, rss: rsSA, gaps: []wantGap{gapSA0}})},
		{name: "an organization hop is covered by its own IMPLEMENTS; a hop the threat does not enter is n/a",
			graph: "org self self; asset y procedures L3 imp=2; self IMPLEMENTS TFW:MAP-O implemented; y SUPPLIED_BY self",
			asset: "y", threat: "T-O", v: 1,
			hops: map[string]wantHop{
				"self": {status: graph.Covered, coverage: 1, rss: []string{"RS-O"}, covering: []string{"TFW:MAP-O"}},
				"y":    {status: graph.NotApplicable},
			}},
		{name: "an organization hop with a partial IMPLEMENTS",
			graph: "org self self; asset y procedures L3 imp=2; self IMPLEMENTS TFW:MAP-O partial; y SUPPLIED_BY self",
			asset: "y", threat: "T-O", v: 2,
			hops: map[string]wantHop{
				"self": {status: graph.PartlyCovered, coverage: 0.5, rss: []string{"RS-O"}, covering: []string{"TFW:MAP-O"},
					gaps: []wantGap{{rs: "RS-O", weight: 0.5, reqs: []string{"REQ-O"}, controls: []string{"TFW:MAP-O"}}}},
			}},
	}
}

func runCoverCases(t *testing.T, open func(t *testing.T) graph.Store) {
	for _, c := range coverCases() {
		t.Run(c.name, func(t *testing.T) {
			s := setup(t, open, c.graph, nil)
			asset, opt := c.asset, graph.ReachOptions{}
			if asset == "" {
				asset, opt = "x", graph.ReachOptions{ZeroHops: true}
			}
			got, err := graph.NewAnalyzer(s).ThreatsReaching(context.Background(), ws, asset, opt)
			if err != nil {
				t.Fatalf("ThreatsReaching(%q): %v", asset, err)
			}
			var tr *graph.ThreatReach
			for i := range got.Threats {
				if got.Threats[i].Threat.ID == c.threat {
					tr = &got.Threats[i]
				}
			}
			if tr == nil || len(tr.Paths) == 0 {
				t.Fatalf("threat %s does not reach %s", c.threat, asset)
			}
			if tr.Score.Exploitability != c.v {
				t.Errorf("%s -> %s: v = %d, want %d", c.threat, asset, tr.Score.Exploitability, c.v)
			}
			for node, w := range c.hops {
				var hop *graph.Hop
				for i := range tr.Paths[0].Hops {
					if tr.Paths[0].Hops[i].Node == node {
						hop = &tr.Paths[0].Hops[i]
					}
				}
				if hop == nil {
					t.Errorf("%s -> %s: no hop at %s on %s", c.threat, asset, node, path(tr.Paths[0].Nodes()))
					continue
				}
				checkHop(t, fmt.Sprintf("%s at %s", c.threat, node), hop.HopCoverage, w)
			}
		})
	}
}

func checkHop(t *testing.T, what string, got graph.HopCoverage, w wantHop) {
	t.Helper()
	if got.Status != w.status {
		t.Errorf("%s: status %q, want %q", what, got.Status, w.status)
	}
	if got.Coverage != w.coverage {
		t.Errorf("%s: coverage %v, want %v", what, got.Coverage, w.coverage)
	}
	checkList(t, what+": risk sources", got.RiskSources, w.rss)
	checkList(t, what+": covering controls", refs(got.Covering), w.covering)
	var gg, wg []string
	for _, g := range got.Gaps {
		gg = append(gg, fmt.Sprintf("%s weight %v requirements %v controls %v", g.RiskSource, g.Weight, g.Requirements, refs(g.Controls)))
	}
	for _, g := range w.gaps {
		wg = append(wg, fmt.Sprintf("%s weight %v requirements %v controls %v", g.rs, g.weight, g.reqs, g.controls))
	}
	checkList(t, what+": gaps", gg, wg)
}
