package export

import (
	"context"
	"fmt"
	"slices"

	"cpsfgraph/graph"
)

// cpsfHeatmap computes the same map as graph.Analyzer.HeatmapCPSF from pairs
// already computed, saving the second reach over the workspace (a third of
// an export's time at 100k assets). It follows HeatmapCPSF line by line;
// TestCPSFMatchesAnalysis checks the two agree to the field. It belongs in
// package graph as graph.NewCPSFHeatmap(ctx, store, env, maxHops, pairs),
// beside NewIPAHeatmap.
func cpsfHeatmap(ctx context.Context, an *graph.Analyzer, env *graph.Env, maxHops int, pairs []PairRow) (*graph.CPSFHeatmap, error) {
	ws := env.Workspace.ID
	var all []graph.Cell
	for _, l := range graph.Layers {
		for _, c := range graph.Components {
			all = append(all, graph.Cell{Layer: l, Component: c})
		}
	}
	nodes, err := an.Store.Entries(ctx, ws, all)
	if err != nil {
		return nil, fmt.Errorf("export: CPSF map of %q: %w", ws, err)
	}
	h := &graph.CPSFHeatmap{Workspace: ws, MaxHops: maxHops}
	bycell := map[graph.Cell][]*graph.RiskSource{}
	for i := range env.Index.Catalog.RiskSources {
		rs := &env.Index.Catalog.RiskSources[i]
		bycell[rs.Cell()] = append(bycell[rs.Cell()], rs)
	}
	for _, c := range all {
		cell := graph.CPSFCell{Layer: c.Layer, Component: c.Component, RiskSources: len(bycell[c])}
		var reqs []string
		for _, rs := range bycell[c] {
			reqs = append(reqs, env.Index.RequirementsFor[rs.ID]...)
		}
		slices.Sort(reqs)
		cell.Requirements = slices.Compact(reqs)
		h.Cells = append(h.Cells, cell)
	}
	index := func(l graph.LayerID, c graph.Component) int {
		return slices.Index(graph.Layers, l)*len(graph.Components) + slices.Index(graph.Components, c)
	}
	cellsOf := map[string][]*graph.CPSFCell{}
	sums := make([]float64, len(h.Cells))
	for i := range nodes {
		n := &nodes[i]
		for _, l := range n.Layers {
			c := h.Cell(l, n.Component)
			if n.Kind == graph.KindAsset {
				c.Assets++
				cellsOf[n.ID] = append(cellsOf[n.ID], c)
			} else {
				c.Orgs++
			}
			rss := bycell[graph.Cell{Layer: l, Component: n.Component}]
			if len(rss) == 0 {
				continue
			}
			c.Assessed += len(rss)
			sums[index(l, n.Component)] += coverageOf(env, rss, n) * float64(len(rss))
		}
	}
	for i := range h.Cells {
		if h.Cells[i].Assessed > 0 {
			h.Cells[i].Coverage = sums[i] / float64(h.Cells[i].Assessed)
		}
	}
	for i := range pairs {
		p := &pairs[i]
		for _, c := range cellsOf[p.Asset] {
			c.Pairs++
			if p.Score.Risk > c.MaxRisk {
				c.MaxRisk = p.Score.Risk
				c.Band = p.Score.Band
			}
			if p.Score.Band == graph.BandHigh {
				c.HighPairs++
			}
		}
	}
	return h, nil
}

// coverageOf is graph's mean coverage of risk sources rss at node n: each
// risk source counts its best control in force there (implemented 1,
// partial 1/2).
func coverageOf(env *graph.Env, rss []*graph.RiskSource, n *graph.NodeFacts) float64 {
	sum := 0.0
	for _, rs := range rss {
		best := 0.0
		for _, c := range env.Index.Mitigating[rs.ID] {
			best = max(best, weightAt(env.Statuses, n, c))
		}
		sum += best
	}
	return sum / float64(len(rss))
}

// weightAt is the best weight of control c at node n: the node's own status
// and, for an asset, its organization's.
func weightAt(st *graph.Statuses, n *graph.NodeFacts, c graph.ControlRef) float64 {
	w := 0.0
	for _, s := range n.Statuses {
		if s.Control == c {
			w = max(w, s.Status.Weight())
		}
	}
	if n.Kind == graph.KindAsset && n.Org != "" {
		for _, s := range st.ByOrg[n.Org] {
			if s.Control == c {
				w = max(w, s.Status.Weight())
			}
		}
	}
	return w
}
