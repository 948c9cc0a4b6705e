package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"

	"cpsfgraph/graph"
)

// GenSource is the import source of the generated graph.
const GenSource = "storetest-generated"

// GenWorkspace is the ID of the generated workspace.
const GenWorkspace = "gen"

// Generate builds a deterministic test graph of about size nodes (at least
// 50): a catalog of synthetic risk sources, requirements, controls and
// threats spread over the CPSF cells; a workspace with a threat-level
// override; organizations (self, suppliers in tiers with a SUPPLIES cycle,
// customers) and assets in clusters, linked by every edge type (cycles
// included), with control statuses of all four kinds on assets and
// organizations. The same seed and size give the same graph.
func Generate(seed int64, size int) (*graph.Catalog, graph.Workspace, graph.Batch) {
	size = max(size, 50)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	cat := genCatalog()

	w := graph.Workspace{ID: GenWorkspace, Name: fmt.Sprintf("generated seed %d size %d", seed, size),
		FormulaVariant: graph.FormulaIPA, ThreatLevels: map[string]int{"G-T2": 3, "G-T5": 1}, Created: fixedNow}

	var b graph.Batch
	nOrgs := max(4, size/150)
	for i := 0; i < nOrgs; i++ {
		o := graph.Org{ID: fmt.Sprintf("O%03d", i), Role: graph.RoleSupplier}
		switch {
		case i == 0:
			o.Role = graph.RoleSelf
		case i%7 == 3:
			o.Role = graph.RoleCustomer
		case i%11 == 5:
			o.Role = graph.RoleOther
		}
		o.Name = fmt.Sprintf("org %d (%s)", i, o.Role)
		b.Orgs = append(b.Orgs, o)
	}
	edges := map[graph.EdgeKey]bool{}
	addEdge := func(t graph.RelType, from, to string) {
		k := graph.EdgeKey{Type: t, From: from, To: to}
		if from == to || edges[k] {
			return
		}
		edges[k] = true
		b.Edges = append(b.Edges, graph.Edge{Type: t, From: from, To: to})
	}
	// Supplier tiers: each supplier supplies an earlier organization; a few
	// extra SUPPLIES links make cycles among suppliers; self supplies its
	// customers.
	for i := 1; i < nOrgs; i++ {
		switch b.Orgs[i].Role {
		case graph.RoleSupplier:
			addEdge(graph.RelSupplies, b.Orgs[i].ID, b.Orgs[rng.IntN(i)].ID)
		case graph.RoleCustomer:
			addEdge(graph.RelSupplies, b.Orgs[0].ID, b.Orgs[i].ID)
		}
	}
	for i := 0; i < nOrgs/3; i++ {
		a, c := b.Orgs[1+rng.IntN(nOrgs-1)], b.Orgs[1+rng.IntN(nOrgs-1)]
		if a.Role == graph.RoleSupplier && c.Role == graph.RoleSupplier {
			addEdge(graph.RelSupplies, a.ID, c.ID)
		}
	}

	nAssets := size - nOrgs
	const cluster = 40
	comps := []graph.Component{graph.Systems, graph.Systems, graph.Data, graph.Data, graph.Things, graph.People, graph.Procedures, graph.Organization}
	for i := 0; i < nAssets; i++ {
		a := graph.Asset{ID: fmt.Sprintf("A%05d", i), Component: comps[rng.IntN(len(comps))]}
		a.Name = fmt.Sprintf("asset %d", i)
		a.Category = []string{"sales", "plant", "hr", "it"}[rng.IntN(4)]
		a.Media = []string{"server", "pc", "paper", "cloud", "device"}[rng.IntN(5)]
		switch r := rng.IntN(10); {
		case r < 6:
			a.Layers = []graph.LayerID{graph.Layers[rng.IntN(3)]}
		case r < 9:
			l := rng.IntN(2)
			a.Layers = []graph.LayerID{graph.Layers[l], graph.Layers[l+1]}
		default:
			a.Layers = []graph.LayerID{graph.L1, graph.L3}
		}
		if rng.IntN(2) == 0 {
			a.Importance = rng.IntN(4) // 0 = derive from C/I/A
		}
		a.C, a.I, a.A = rng.IntN(4), rng.IntN(4), rng.IntN(4)
		switch r := rng.IntN(10); {
		case r < 6:
			a.Owner = b.Orgs[0].ID
		case r < 9:
			a.Owner = b.Orgs[rng.IntN(nOrgs)].ID
		}
		b.Assets = append(b.Assets, a)
	}
	assetTypes := []graph.RelType{graph.RelStoredOn, graph.RelRunsOn, graph.RelConnectsTo, graph.RelOperatedBy}
	for i := range b.Assets {
		a := b.Assets[i]
		base := i / cluster * cluster
		n := 1 + rng.IntN(2)
		for j := 0; j < n; j++ {
			k := base + rng.IntN(cluster)
			if rng.IntN(25) == 0 { // a link to another cluster
				k = rng.IntN(nAssets)
			}
			if k >= nAssets {
				k = rng.IntN(nAssets)
			}
			addEdge(assetTypes[rng.IntN(len(assetTypes))], a.ID, b.Assets[k].ID)
		}
		switch r := rng.IntN(20); {
		case r == 0:
			addEdge(graph.RelSuppliedBy, a.ID, b.Orgs[1+rng.IntN(nOrgs-1)].ID)
		case r == 1:
			addEdge(graph.RelSuppliedBy, a.ID, b.Orgs[0].ID)
		case r < 5 && a.Owner != "":
			addEdge(graph.RelOwnedBy, a.ID, a.Owner)
		}
	}

	statuses := []graph.Status{graph.StatusImplemented, graph.StatusPartial, graph.StatusPlanned, graph.StatusNone}
	ctrls := cat.Controls
	addStatuses := func(subject string, n int) {
		seen := map[graph.ControlRef]bool{}
		for j := 0; j < n; j++ {
			c := ctrls[rng.IntN(len(ctrls))].Ref()
			if seen[c] {
				continue
			}
			seen[c] = true
			b.Statuses = append(b.Statuses, graph.ControlStatus{Subject: subject, Control: c, Status: statuses[rng.IntN(4)]})
		}
	}
	for _, o := range b.Orgs {
		addStatuses(o.ID, 2+rng.IntN(5))
	}
	for _, a := range b.Assets {
		if rng.IntN(3) == 0 {
			addStatuses(a.ID, 1+rng.IntN(3))
		}
	}
	return cat, w, b
}

// genCatalog is the generated graph's catalog: synthetic IDs (G-...), risk
// sources on ten cells, requirements of every function, controls that map
// to requirements or mitigate risk sources directly, and threats of levels
// 1..3 entering one to three cells (G-T8 exploits nothing).
func genCatalog() *graph.Catalog {
	prov := graph.Provenance{Source: FixtureSource, Verification: "generated test data"}
	c := &graph.Catalog{}
	for _, l := range graph.Layers {
		c.Layers = append(c.Layers, graph.LayerInfo{ID: l, NameEN: "layer " + string(l), Provenance: prov})
	}
	for _, co := range graph.Components {
		c.Components = append(c.Components, graph.ComponentInfo{Code: co, NameEN: string(co), Provenance: prov})
	}
	cells := []graph.Cell{
		{Layer: graph.L3, Component: graph.Systems}, {Layer: graph.L3, Component: graph.Systems},
		{Layer: graph.L3, Component: graph.Data}, {Layer: graph.L2, Component: graph.Things},
		{Layer: graph.L2, Component: graph.Things}, {Layer: graph.L1, Component: graph.Organization},
		{Layer: graph.L1, Component: graph.Organization}, {Layer: graph.L2, Component: graph.People},
		{Layer: graph.L3, Component: graph.Procedures}, {Layer: graph.L2, Component: graph.Systems},
		{Layer: graph.L1, Component: graph.Data}, {Layer: graph.L1, Component: graph.People},
	}
	for i, cell := range cells {
		c.RiskSources = append(c.RiskSources, graph.RiskSource{ID: fmt.Sprintf("G-RS%02d", i+1), Layer: cell.Layer, Component: cell.Component,
			ThreatEN: "generated", VulnerabilityEN: "generated", Provenance: prov})
	}
	fns := []string{"Identify", "Protect", "Detect", "Respond/Recover", "Protect (inferred)", "Identify", "Detect", "Protect"}
	for i, fn := range fns {
		c.Requirements = append(c.Requirements, graph.Requirement{ID: fmt.Sprintf("G-REQ%d", i+1), Category: "GEN", Function: fn, Provenance: prov})
	}
	c.Frameworks = []graph.Framework{{ID: "GFW", NameEN: "generated framework", Version: "1", Provenance: prov}}
	for i := 1; i <= 12; i++ {
		c.Controls = append(c.Controls, graph.Control{Framework: "GFW", ID: fmt.Sprintf("C%02d", i), Provenance: prov})
	}
	m := func(t graph.RelType, from, to string, fc bool) {
		c.Mappings = append(c.Mappings, graph.Mapping{Type: t, From: from, To: to, FromControl: fc, Rationale: "generated", Provenance: prov})
	}
	// Requirement i mitigates risk sources i and i+4 (1-based, wrapping).
	for i := 1; i <= len(fns); i++ {
		m(graph.RelMitigates, fmt.Sprintf("G-REQ%d", i), fmt.Sprintf("G-RS%02d", i), false)
		m(graph.RelMitigates, fmt.Sprintf("G-REQ%d", i), fmt.Sprintf("G-RS%02d", (i+3)%len(cells)+1), false)
	}
	// Controls C01..C08 map to requirements 1..8 (C08 also to 1); C09..C11
	// mitigate risk sources directly; C12 does nothing.
	for i := 1; i <= 8; i++ {
		m(graph.RelMapsTo, fmt.Sprintf("GFW:C%02d", i), fmt.Sprintf("G-REQ%d", i), false)
	}
	m(graph.RelMapsTo, "GFW:C08", "G-REQ1", false)
	m(graph.RelMitigates, "GFW:C09", "G-RS09", true)
	m(graph.RelMitigates, "GFW:C10", "G-RS10", true)
	m(graph.RelMitigates, "GFW:C10", "G-RS11", true)
	m(graph.RelMitigates, "GFW:C11", "G-RS12", true)
	m(graph.RelMitigates, "GFW:C11", "G-RS01", true)
	threats := []struct {
		level int
		rss   []int
	}{
		{3, []int{1}}, {2, []int{1, 2}}, {1, []int{3, 11}}, {3, []int{4, 5}},
		{2, []int{6, 7}}, {3, []int{8, 12, 9}}, {2, []int{10, 2}}, {3, nil},
	}
	for i, th := range threats {
		id := fmt.Sprintf("G-T%d", i+1)
		c.Threats = append(c.Threats, graph.Threat{ID: id, NameEN: "generated threat", Actor: "test", Level: th.level, Provenance: prov})
		for _, r := range th.rss {
			m(graph.RelExploits, id, fmt.Sprintf("G-RS%02d", r), false)
		}
	}
	return c
}

// Load puts cat, workspace w and the batch into store s: the catalog, then
// the workspace, then one Write run (source GenSource) that puts the batch
// in chunks of 500 items, nodes before the edges and statuses that name
// them.
func Load(ctx context.Context, s graph.Store, cat *graph.Catalog, w graph.Workspace, b graph.Batch) (graph.WriteReport, error) {
	if err := s.PutCatalog(ctx, cat); err != nil {
		return graph.WriteReport{}, fmt.Errorf("storetest: load catalog: %w", err)
	}
	if err := s.PutWorkspace(ctx, w); err != nil {
		return graph.WriteReport{}, fmt.Errorf("storetest: load workspace %q: %w", w.ID, err)
	}
	const chunk = 500
	spec := graph.WriteSpec{Workspace: w.ID, Source: GenSource, Run: "gen-1", Now: fixedNow}
	rep, err := s.Write(ctx, spec, func(put func(graph.Batch) error) error {
		for _, part := range []graph.Batch{{Orgs: b.Orgs}, {Assets: b.Assets}, {Edges: b.Edges}, {Statuses: b.Statuses}} {
			for len(part.Orgs)+len(part.Assets)+len(part.Edges)+len(part.Statuses) > 0 {
				var p graph.Batch
				p.Orgs, part.Orgs = cut(part.Orgs, chunk)
				p.Assets, part.Assets = cut(part.Assets, chunk)
				p.Edges, part.Edges = cut(part.Edges, chunk)
				p.Statuses, part.Statuses = cut(part.Statuses, chunk)
				if err := put(p); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("storetest: load graph into workspace %q: %w", w.ID, err)
	}
	return rep, nil
}

func cut[T any](s []T, n int) (head, rest []T) {
	n = min(n, len(s))
	return s[:n], s[n:]
}
