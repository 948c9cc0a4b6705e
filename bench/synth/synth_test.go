package synth

import (
	"reflect"
	"slices"
	"testing"

	"cpsfgraph/catalog"
	"cpsfgraph/graph"
)

func TestGenerateInvariants(t *testing.T) {
	cat := catalog.Default()
	cases := []struct {
		name string
		cfg  Config
		// exactEdges: the target exceeds the structure, so the filler
		// must meet it exactly.
		exactEdges bool
	}{
		{"2k default shape", Config{Assets: 2000, Suppliers: 50, Seed: 1, Catalog: cat}, true},
		{"5k two sites, few suppliers", Config{Assets: 5000, Suppliers: 3, Customers: 1, Seed: 7, Catalog: cat}, true},
		{"structure only", Config{Assets: 800, Relationships: -1, Suppliers: 10, Seed: 3, Catalog: cat}, false},
		{"no catalog", Config{Assets: 1000, Suppliers: 5, Seed: 2}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := GenerateResult(tc.cfg)
			cfg := tc.cfg.withDefaults()
			b := &res.Batch
			if res.Workspace.ID != cfg.Workspace || res.Workspace.FormulaVariant != graph.FormulaIPA {
				t.Errorf("workspace = %+v", res.Workspace)
			}
			if len(b.Assets) != cfg.Assets {
				t.Errorf("assets = %d, want %d", len(b.Assets), cfg.Assets)
			}
			if len(res.Meta) != len(b.Assets) {
				t.Fatalf("meta = %d, assets = %d", len(res.Meta), len(b.Assets))
			}
			if want := 1 + cfg.Suppliers + cfg.Customers; len(b.Orgs) != want {
				t.Errorf("orgs = %d, want %d", len(b.Orgs), want)
			}
			if tc.exactEdges && len(b.Edges) != cfg.Relationships {
				t.Errorf("edges = %d, want %d", len(b.Edges), cfg.Relationships)
			}
			checkNodes(t, b)
			checkEdges(t, b)
			checkSupplyChain(t, b)
			checkStructure(t, res)
			checkStatuses(t, b, tc.cfg.Catalog)
		})
	}
}

func checkNodes(t *testing.T, b *graph.Batch) {
	t.Helper()
	ids := map[string]bool{}
	for _, o := range b.Orgs {
		if ids[o.ID] || !graph.ValidOrgRole(o.Role) {
			t.Errorf("org %+v: duplicate or bad role", o)
		}
		ids[o.ID] = true
	}
	comps := map[graph.Component]int{}
	layers := map[graph.LayerID]int{}
	for _, a := range b.Assets {
		if ids[a.ID] {
			t.Errorf("asset %s: duplicate ID", a.ID)
		}
		ids[a.ID] = true
		if !graph.ValidComponent(a.Component) {
			t.Errorf("asset %s: component %q", a.ID, a.Component)
		}
		if len(a.Layers) == 0 || !slices.IsSorted(a.Layers) || len(slices.Compact(slices.Clone(a.Layers))) != len(a.Layers) {
			t.Errorf("asset %s: layers %v not sorted and unique", a.ID, a.Layers)
		}
		for _, l := range a.Layers {
			if !graph.ValidLayer(l) {
				t.Errorf("asset %s: layer %q", a.ID, l)
			}
			layers[l]++
		}
		comps[a.Component]++
		for _, v := range []int{a.C, a.I, a.A} {
			if v < 1 || v > 3 {
				t.Errorf("asset %s: C/I/A %d %d %d out of 1..3", a.ID, a.C, a.I, a.A)
				break
			}
		}
		if a.Importance < 0 || a.Importance > 3 {
			t.Errorf("asset %s: importance %d", a.ID, a.Importance)
		}
		if a.Component == graph.Data && a.Media == "" {
			t.Errorf("data asset %s has no medium", a.ID)
		}
	}
	for _, a := range b.Assets {
		if !ids[a.Owner] || slices.ContainsFunc(b.Assets, func(x graph.Asset) bool { return x.ID == a.Owner }) {
			t.Errorf("asset %s: owner %q is not an organization", a.ID, a.Owner)
		}
	}
	for _, c := range graph.Components {
		if comps[c] == 0 {
			t.Errorf("no asset of component %s", c)
		}
	}
	for _, l := range graph.Layers {
		if layers[l] == 0 {
			t.Errorf("no asset on layer %s", l)
		}
	}
}

func checkEdges(t *testing.T, b *graph.Batch) {
	t.Helper()
	orgs := map[string]bool{}
	for _, o := range b.Orgs {
		orgs[o.ID] = true
	}
	assets := map[string]bool{}
	for _, a := range b.Assets {
		assets[a.ID] = true
	}
	seen := map[graph.EdgeKey]bool{}
	for _, e := range b.Edges {
		if !graph.ValidEdgeType(e.Type) {
			t.Errorf("edge %+v: type", e)
		}
		if e.From == e.To {
			t.Errorf("edge %+v: loop", e)
		}
		if seen[e.Key()] || e.Type == graph.RelConnectsTo && seen[graph.EdgeKey{Type: e.Type, From: e.To, To: e.From}] {
			t.Errorf("edge %+v: duplicate", e)
		}
		seen[e.Key()] = true
		// Endpoints: organizations at both ends of SUPPLIES, an asset and
		// an organization for SUPPLIED_BY, assets elsewhere.
		fromOK, toOK := assets[e.From], assets[e.To]
		switch e.Type {
		case graph.RelSupplies:
			fromOK, toOK = orgs[e.From], orgs[e.To]
		case graph.RelSuppliedBy, graph.RelOwnedBy:
			toOK = orgs[e.To]
		}
		if !fromOK || !toOK {
			t.Errorf("edge %+v: endpoint missing", e)
		}
	}
}

// checkSupplyChain: every supplier reaches the company through SUPPLIES in
// one to three steps, every tier is present, the customers are supplied.
func checkSupplyChain(t *testing.T, b *graph.Batch) {
	t.Helper()
	up := map[string][]string{}
	for _, e := range b.Edges {
		if e.Type == graph.RelSupplies {
			up[e.From] = append(up[e.From], e.To)
		}
	}
	tiers := map[int]int{}
	for _, o := range b.Orgs {
		switch o.Role {
		case graph.RoleSupplier:
			d := depthTo(up, o.ID, SelfOrg, 3)
			if d < 1 {
				t.Errorf("supplier %s does not reach %s within 3 SUPPLIES steps", o.ID, SelfOrg)
			}
			tiers[d]++
		case graph.RoleCustomer:
			if !slices.Contains(up[SelfOrg], o.ID) {
				t.Errorf("customer %s is not supplied by %s", o.ID, SelfOrg)
			}
		}
	}
	if n := len(b.Orgs); n > 10 && (tiers[1] == 0 || tiers[2] == 0 || tiers[3] == 0) {
		t.Errorf("supplier tiers = %v, want all of 1..3", tiers)
	}
}

func depthTo(up map[string][]string, from, to string, limit int) int {
	frontier := []string{from}
	seen := map[string]bool{from: true}
	for d := 1; d <= limit; d++ {
		var next []string
		for _, o := range frontier {
			for _, u := range up[o] {
				if u == to {
					return d
				}
				if !seen[u] {
					seen[u] = true
					next = append(next, u)
				}
			}
		}
		frontier = next
	}
	return -1
}

// checkStructure: data is stored somewhere, applications run somewhere,
// clouds are supplied, PCs have users, every kind exists.
func checkStructure(t *testing.T, res *Result) {
	t.Helper()
	b := &res.Batch
	out := map[string]map[graph.RelType]int{}
	for _, e := range b.Edges {
		if out[e.From] == nil {
			out[e.From] = map[graph.RelType]int{}
		}
		out[e.From][e.Type]++
	}
	var kinds [numKinds]int
	for i, a := range b.Assets {
		k := res.Meta[i].Kind
		kinds[k]++
		need := map[Kind]graph.RelType{KindData: graph.RelStoredOn, KindApp: graph.RelRunsOn, KindCloud: graph.RelSuppliedBy, KindPC: graph.RelOperatedBy}
		if rt, ok := need[k]; ok && out[a.ID][rt] == 0 {
			t.Errorf("%s %s has no %s edge", KindName(k), a.ID, rt)
		}
	}
	for k := range numKinds {
		if kinds[k] == 0 {
			t.Errorf("no asset of kind %s", KindName(k))
		}
	}
	types := map[graph.RelType]bool{}
	for _, e := range b.Edges {
		types[e.Type] = true
	}
	for _, rt := range []graph.RelType{graph.RelStoredOn, graph.RelRunsOn, graph.RelConnectsTo, graph.RelOperatedBy, graph.RelSuppliedBy, graph.RelSupplies} {
		if !types[rt] {
			t.Errorf("no %s edge", rt)
		}
	}
}

func checkStatuses(t *testing.T, b *graph.Batch, cat *graph.Catalog) {
	t.Helper()
	if cat == nil {
		if len(b.Statuses) != 0 {
			t.Errorf("statuses without a catalog: %d", len(b.Statuses))
		}
		return
	}
	ctrls := map[graph.ControlRef]bool{}
	for _, c := range cat.Controls {
		ctrls[c.Ref()] = true
	}
	subjects := map[string]bool{}
	orgs := map[string]bool{}
	for _, o := range b.Orgs {
		subjects[o.ID] = true
		orgs[o.ID] = true
	}
	for _, a := range b.Assets {
		subjects[a.ID] = true
	}
	seen := map[graph.StatusKey]bool{}
	withImpl := map[string]bool{}
	protected := 0
	for _, s := range b.Statuses {
		if !ctrls[s.Control] {
			t.Errorf("status %+v names a control not in the catalog", s)
		}
		if !subjects[s.Subject] || !graph.ValidStatus(s.Status) || seen[s.Key()] {
			t.Errorf("status %+v: unknown subject, bad status or duplicate", s)
		}
		seen[s.Key()] = true
		if orgs[s.Subject] {
			withImpl[s.Subject] = true
		} else {
			protected++
		}
	}
	if len(withImpl) != len(b.Orgs) {
		t.Errorf("%d of %d organizations have control statuses", len(withImpl), len(b.Orgs))
	}
	if protected == 0 {
		t.Error("no PROTECTED_BY status")
	}
}

func TestGenerateDeterministic(t *testing.T) {
	cat := catalog.Default()
	cfg := Config{Assets: 3000, Suppliers: 20, Seed: 42, Catalog: cat}
	w1, b1 := Generate(cfg)
	w2, b2 := Generate(cfg)
	if !reflect.DeepEqual(w1, w2) || !reflect.DeepEqual(b1, b2) {
		t.Fatal("same config, different output")
	}
	cfg.Seed = 43
	_, b3 := Generate(cfg)
	if reflect.DeepEqual(b1.Edges, b3.Edges) && reflect.DeepEqual(b1.Statuses, b3.Statuses) {
		t.Fatal("seeds 42 and 43 gave the same edges and statuses")
	}
}

func TestDefaultsSize(t *testing.T) {
	c := Config{}.withDefaults()
	if c.Assets != 100_000 || c.Relationships != 400_000 || c.Suppliers != 50 {
		t.Fatalf("defaults = %+v", c)
	}
}
