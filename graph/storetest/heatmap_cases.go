package storetest

import (
	"context"
	"fmt"
	"math"
	"testing"

	"cpsfgraph/graph"
)

// heatGraph is the small graph of the heat-map cases.
//
//	sup2 -SUPPLIES-> sup -SUPPLIES-> self -SUPPLIES-> cust;   lone unlinked
//	srv (systems L3, imp 3, owner self) --flow--> db (data L3, imp 2, owner self)
//	sup --flow--> cam (things L2, imp 3, owner self; MAP-T partial)
//	hmi (things L2+L3, C/I/A 2/1/1 -> importance 2, no owner, no edge)
//
// The (threat, asset) pairs, worked out by hand (maxHops 5):
//
//	T-A  srv  srv covered by self's MAP-A -> v1, t3 -> damage 1; importance 3
//	T-A  db   from srv (1 hop) v1 -> damage 1; importance 2
//	T-AB srv  RS-SA covered, RS-SB not -> v2, t2 -> damage 1; importance 3
//	T-AB db   v2 -> damage 1; importance 2
//	T-D  db   uncovered v3, t1 -> damage 1; importance 2
//	T-O  cam  from sup (uncovered, 1 hop) v3, t3 -> damage 3; importance 3
//	T-T  cam  cam's MAP-T partial -> v2, t2 -> damage 1; importance 3
//	T-T  hmi  uncovered v3, t2 -> damage 2; importance 2
const heatGraph = `
org self self; org sup supplier; org sup2 supplier; org cust customer; org lone
sup SUPPLIES self; sup2 SUPPLIES sup; self SUPPLIES cust
self IMPLEMENTS TFW:MAP-A implemented
self IMPLEMENTS TFW:MAP-O partial
self IMPLEMENTS TFW:MAP-I implemented
sup IMPLEMENTS TFW:MAP-B partial
sup IMPLEMENTS TFW:MAP-T none
sup IMPLEMENTS TFW:MAP-P implemented
asset srv systems L3 imp=3 owner=self
asset db data L3 imp=2 owner=self
asset cam things L2 imp=3 owner=self
asset hmi things L2,L3 cia=2/1/1
cam PROTECTED_BY TFW:MAP-T partial
db STORED_ON srv
cam SUPPLIED_BY sup
`

type ipaCase struct {
	name    string
	maxHops int
	cells   map[[2]int][]string // (importance, damage) -> "threat/asset" pairs; absent = empty
}

func ipaCases() []ipaCase {
	return []ipaCase{
		{name: "IPA matrix, default maxHops", maxHops: -1, cells: map[[2]int][]string{
			{3, 3}: {"T-O/cam"},
			{3, 1}: {"T-A/srv", "T-AB/srv", "T-T/cam"},
			{2, 2}: {"T-T/hmi"},
			{2, 1}: {"T-A/db", "T-AB/db", "T-D/db"},
		}},
		{name: "IPA matrix, maxHops 0 counts entries at the asset only", maxHops: 0, cells: map[[2]int][]string{
			{3, 1}: {"T-A/srv", "T-AB/srv", "T-T/cam"},
			{2, 2}: {"T-T/hmi"},
			{2, 1}: {"T-D/db"},
		}},
	}
}

type cpsfCase struct {
	name  string
	graph string
	want  map[graph.Cell]wantCPSF // absent cells: no nodes, no pairs
}

// catalogCell gives the tiny catalog's risk-source count and requirements
// of a cell, the same in every case.
func catalogCell(l graph.LayerID, c graph.Component) (int, []string) {
	switch (graph.Cell{Layer: l, Component: c}) {
	case graph.Cell{Layer: graph.L1, Component: graph.Organization}:
		return 1, []string{"REQ-O"}
	case graph.Cell{Layer: graph.L2, Component: graph.People}:
		return 1, []string{"REQ-P"}
	case graph.Cell{Layer: graph.L2, Component: graph.Things}:
		return 1, []string{"REQ-T"}
	case graph.Cell{Layer: graph.L3, Component: graph.Data}:
		return 1, []string{"REQ-B"}
	case graph.Cell{Layer: graph.L3, Component: graph.Systems}:
		return 2, []string{"REQ-A", "REQ-B"}
	}
	return 0, nil
}

func cpsfCases() []cpsfCase {
	return []cpsfCase{
		{name: "CPSF layer x component map", graph: heatGraph, want: map[graph.Cell]wantCPSF{
			{Layer: graph.L1, Component: graph.Organization}: {orgs: 5, rss: 1, assessed: 5, coverage: 0.1, reqs: []string{"REQ-O"}},
			{Layer: graph.L2, Component: graph.Things}: {assets: 2, rss: 1, assessed: 2, coverage: 0.25, reqs: []string{"REQ-T"},
				pairs: 3, maxRisk: 9, band: high, highPairs: 1},
			{Layer: graph.L3, Component: graph.Things}: {assets: 1, pairs: 1, maxRisk: 4, band: medium},
			{Layer: graph.L3, Component: graph.Data}: {assets: 1, rss: 1, assessed: 1, coverage: 0, reqs: []string{"REQ-B"},
				pairs: 3, maxRisk: 2, band: low},
			{Layer: graph.L3, Component: graph.Systems}: {assets: 1, rss: 2, assessed: 2, coverage: 0.5, reqs: []string{"REQ-A", "REQ-B"},
				pairs: 2, maxRisk: 3, band: low},
		}},
		{name: "CPSF map: only risk 6..9 pairs are high; an asset counts in each of its layers",
			// s6 (imp 2, MAP-B partial): T-A uncovered, t3 -> damage 3, risk 6;
			// T-AB half covered (RS-SB) -> v2, t2 -> damage 1, risk 2.
			// d (imp 2, data on L1 and L3): T-A and T-AB through s6 (6, 2),
			// T-D at d itself (covered by MAP-B: v1, t1 -> damage 1, risk 2).
			// Coverage of s6: RS-SA 0, RS-SB 0.5 -> 0.25; of d: RS-D 1.
			graph: "asset s6 systems L3 imp=2; asset d data L1,L3 imp=2; d STORED_ON s6; s6 PROTECTED_BY TFW:MAP-B partial\n" +
				"d PROTECTED_BY TFW:MAP-B implemented",
			want: map[graph.Cell]wantCPSF{
				{Layer: graph.L3, Component: graph.Systems}: {assets: 1, rss: 2, assessed: 2, coverage: 0.25, reqs: []string{"REQ-A", "REQ-B"},
					pairs: 2, maxRisk: 6, band: high, highPairs: 1},
				{Layer: graph.L3, Component: graph.Data}: {assets: 1, rss: 1, assessed: 1, coverage: 1, reqs: []string{"REQ-B"},
					pairs: 3, maxRisk: 6, band: high, highPairs: 1},
				{Layer: graph.L1, Component: graph.Data}: {assets: 1, pairs: 3, maxRisk: 6, band: high, highPairs: 1},
			}},
	}
}

type wantCPSF struct {
	assets, orgs, rss, assessed int
	coverage                    float64
	reqs                        []string
	pairs, maxRisk, highPairs   int
	band                        graph.Band
}

func runHeatmapCases(t *testing.T, open func(t *testing.T) graph.Store) {
	for _, c := range ipaCases() {
		t.Run(c.name, func(t *testing.T) {
			s := setup(t, open, heatGraph, nil)
			h, err := graph.NewAnalyzer(s).HeatmapIPA(context.Background(), ws, c.maxHops)
			if err != nil {
				t.Fatalf("HeatmapIPA(%d): %v", c.maxHops, err)
			}
			total := 0
			for imp := 3; imp >= 1; imp-- {
				for d := 3; d >= 1; d-- {
					cell := h.Cell(imp, d)
					want := c.cells[[2]int{imp, d}]
					total += len(want)
					var got []string
					for _, p := range cell.Pairs {
						got = append(got, p.Threat+"/"+p.Asset)
					}
					what := fmt.Sprintf("IPA cell importance %d x damage %d", imp, d)
					checkSet(t, what+" pairs", got, want)
					if cell.Count != len(want) {
						t.Errorf("%s: Count %d, want %d", what, cell.Count, len(want))
					}
					if cell.Importance != imp || cell.Damage != d || cell.Risk != imp*d {
						t.Errorf("%s: cell says importance %d damage %d risk %d", what, cell.Importance, cell.Damage, cell.Risk)
					}
					wantBand := map[int]graph.Band{9: high, 6: high, 4: medium, 3: low, 2: low, 1: low}[imp*d]
					if cell.Band != wantBand {
						t.Errorf("%s: band %q, want %q", what, cell.Band, wantBand)
					}
				}
			}
			if h.Pairs != total {
				t.Errorf("IPA heat-map Pairs = %d, want %d", h.Pairs, total)
			}
		})
	}

	t.Run("pairs: a harder entry takes over where an easier one runs out of hops", func(t *testing.T) {
		// T-A enters at s3 (uncovered, v3) and at s1 (MAP-A implemented by
		// its owner, v1). s3 reaches x in 2 hops and z1 in 3; s1 reaches x
		// in 1 and z2 in 3. With maxHops 3 z2 is s1's alone: the walk from
		// s1 must go on through x although s3 reached it (later).
		s := setup(t, open, `org self self
self IMPLEMENTS TFW:MAP-A implemented
asset s3 systems L3 imp=2
asset s1 systems L3 imp=2 owner=self
asset m1 procedures L3 imp=2; asset x procedures L3 imp=2; asset z1 procedures L3 imp=2; asset z2 procedures L3 imp=2
m1 RUNS_ON s3; x RUNS_ON m1; x RUNS_ON s1; z1 RUNS_ON x; z2 RUNS_ON z1`, nil)
		a := graph.NewAnalyzer(s)
		env, err := a.Load(context.Background(), ws)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		for _, c := range []struct {
			maxHops int
			want    []string
		}{
			{3, []string{"m1 1 v3", "s1 0 v1", "s3 0 v3", "x 2 v3", "z1 3 v3", "z2 3 v1"}},
			{2, []string{"m1 1 v3", "s1 0 v1", "s3 0 v3", "x 2 v3", "z1 2 v1"}},
			{1, []string{"m1 1 v3", "s1 0 v1", "s3 0 v3", "x 1 v1"}},
		} {
			pairs, err := a.Pairs(context.Background(), env, c.maxHops)
			if err != nil {
				t.Fatalf("Pairs(%d): %v", c.maxHops, err)
			}
			var got []string
			for _, p := range pairs {
				if p.Threat == "T-A" {
					got = append(got, fmt.Sprintf("%s %d v%d", p.Asset, p.Hops, p.Score.Exploitability))
				}
			}
			checkList(t, fmt.Sprintf("T-A pairs, maxHops %d", c.maxHops), got, c.want)
		}
	})

	for _, c := range cpsfCases() {
		t.Run(c.name, func(t *testing.T) {
			s := setup(t, open, c.graph, nil)
			h, err := graph.NewAnalyzer(s).HeatmapCPSF(context.Background(), ws, -1)
			if err != nil {
				t.Fatalf("HeatmapCPSF: %v", err)
			}
			if len(h.Cells) != 18 {
				t.Fatalf("CPSF map has %d cells, want 18", len(h.Cells))
			}
			for _, l := range graph.Layers {
				for _, co := range graph.Components {
					cell := h.Cell(l, co)
					w := c.want[graph.Cell{Layer: l, Component: co}]
					if w.rss == 0 {
						w.rss, w.reqs = catalogCell(l, co)
					}
					got := wantCPSF{cell.Assets, cell.Orgs, cell.RiskSources, cell.Assessed, cell.Coverage, cell.Requirements,
						cell.Pairs, cell.MaxRisk, cell.HighPairs, cell.Band}
					if cell.Layer != l || cell.Component != co || !sameCPSF(got, w) {
						t.Errorf("CPSF cell %s/%s (%s/%s):\n  got  %+v\n  want %+v", l, co, cell.Layer, cell.Component, got, w)
					}
				}
			}
		})
	}

	t.Run("supply-chain organization x function map", func(t *testing.T) {
		s := setup(t, open, heatGraph, nil)
		h, err := graph.NewAnalyzer(s).HeatmapSupply(context.Background(), ws)
		if err != nil {
			t.Fatalf("HeatmapSupply: %v", err)
		}
		// Requirements per function: Identify REQ-I, REQ-O; Protect REQ-A,
		// REQ-P ("Protect (inferred)"); Detect REQ-B; Respond/Recover REQ-T.
		zero := "Identify 0/2 0; Protect 0/2 0; Detect 0/1 0; Respond/Recover 0/1 0"
		want := []string{
			"self tier 0 supplied 0: Identify 1.5/2 0.75; Protect 1/2 0.5; Detect 0/1 0; Respond/Recover 0/1 0",
			"sup tier 1 supplied 1: Identify 0/2 0; Protect 1/2 0.5; Detect 0.5/1 0.5; Respond/Recover 0/1 0",
			"sup2 tier 2 supplied 0: " + zero,
			"cust tier -1 supplied 0: " + zero,
			"lone tier -1 supplied 0: " + zero,
		}
		var got []string
		for _, r := range h.Rows {
			line := fmt.Sprintf("%s tier %d supplied %d: ", r.Org.ID, r.Tier, r.AssetsSupplied)
			for i, c := range r.Cells {
				if i > 0 {
					line += "; "
				}
				line += fmt.Sprintf("%s %v/%d %v", c.Function, c.Covered, c.Requirements, c.Coverage)
			}
			got = append(got, line)
		}
		checkList(t, "supply-chain rows", got, want)
	})
}

func sameCPSF(a, b wantCPSF) bool {
	return a.assets == b.assets && a.orgs == b.orgs && a.rss == b.rss && a.assessed == b.assessed &&
		math.Abs(a.coverage-b.coverage) < 1e-9 && fmt.Sprint(a.reqs) == fmt.Sprint(b.reqs) &&
		a.pairs == b.pairs && a.maxRisk == b.maxRisk && a.highPairs == b.highPairs && a.band == b.band
}
