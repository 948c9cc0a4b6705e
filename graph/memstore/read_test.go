package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
)

// flowGraph has one edge of every type:
//
//	D1 STORED_ON S1     (S1 -> D1)
//	D2 STORED_ON S1, D2 STORED_ON S2
//	S1 RUNS_ON H1       (H1 -> S1)
//	S1 CONNECTS_TO S2   (both ways)
//	S2 OPERATED_BY P1   (P1 -> S2)
//	S2 SUPPLIED_BY O1   (O1 -> S2)
//	O2 SUPPLIES O1      (O2 -> O1)
//	D1 OWNED_BY O3      (no flow)
func flowGraph() graph.Batch {
	e := func(t graph.RelType, from, to string) graph.Edge { return graph.Edge{Type: t, From: from, To: to} }
	return graph.Batch{
		Orgs: []graph.Org{{ID: "O1", Role: graph.RoleSupplier}, {ID: "O2", Role: graph.RoleSupplier}, {ID: "O3", Role: graph.RoleSelf}},
		Assets: []graph.Asset{
			asset("D1", graph.Data, graph.L3), asset("D2", graph.Data, graph.L3),
			asset("S1", graph.Systems, graph.L3), asset("S2", graph.Systems, graph.L3),
			asset("H1", graph.Things, graph.L2), asset("P1", graph.People, graph.L2, graph.L3),
		},
		Edges: []graph.Edge{
			e(graph.RelStoredOn, "D1", "S1"), e(graph.RelStoredOn, "D2", "S1"), e(graph.RelStoredOn, "D2", "S2"),
			e(graph.RelRunsOn, "S1", "H1"), e(graph.RelConnectsTo, "S1", "S2"), e(graph.RelOperatedBy, "S2", "P1"),
			e(graph.RelSuppliedBy, "S2", "O1"), e(graph.RelSupplies, "O2", "O1"), e(graph.RelOwnedBy, "D1", "O3"),
		},
	}
}

// levelView is a level as IDs, for comparing.
type levelView struct {
	Nodes   []string
	Parents map[string][]string
}

func walk(t *testing.T, s graph.Store, spec graph.WalkSpec) []levelView {
	t.Helper()
	var out []levelView
	err := s.Walk(ctx, "w1", spec, func(l graph.Level) bool {
		if l.Depth != len(out) {
			t.Errorf("level depth %d, want %d", l.Depth, len(out))
		}
		out = append(out, levelView{ids(l.Nodes), l.Parents})
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWalkFollowsFlows(t *testing.T) {
	s := newStore(t)
	write(t, s, graph.WriteSpec{}, flowGraph())
	type P = map[string][]string
	cases := []struct {
		name string
		spec graph.WalkSpec
		want []levelView
	}{
		{"downstream: SUPPLIES forward, SUPPLIED_BY and CONNECTS_TO and STORED_ON backward",
			graph.WalkSpec{Starts: []string{"O2"}, Dir: graph.Downstream, MaxHops: 10, Parents: true},
			[]levelView{{[]string{"O2"}, nil}, {[]string{"O1"}, P{"O1": {"O2"}}}, {[]string{"S2"}, P{"S2": {"O1"}}},
				{[]string{"D2", "S1"}, P{"D2": {"S2"}, "S1": {"S2"}}}, {[]string{"D1"}, P{"D1": {"S1"}}}}},
		{"downstream from two starts: every parent on the previous level, none on the same level",
			graph.WalkSpec{Starts: []string{"P1", "H1", "P1"}, Dir: graph.Downstream, MaxHops: 5, Parents: true},
			[]levelView{{[]string{"H1", "P1"}, nil}, {[]string{"S1", "S2"}, P{"S1": {"H1"}, "S2": {"P1"}}},
				{[]string{"D1", "D2"}, P{"D1": {"S1"}, "D2": {"S1", "S2"}}}}},
		{"upstream: against the flow",
			graph.WalkSpec{Starts: []string{"D1"}, Dir: graph.Upstream, MaxHops: 5, Parents: true},
			[]levelView{{[]string{"D1"}, nil}, {[]string{"S1"}, P{"S1": {"D1"}}}, {[]string{"H1", "S2"}, P{"H1": {"S1"}, "S2": {"S1"}}},
				{[]string{"O1", "P1"}, P{"O1": {"S2"}, "P1": {"S2"}}}, {[]string{"O2"}, P{"O2": {"O1"}}}}},
		{"upstream with several parents",
			graph.WalkSpec{Starts: []string{"S2", "S1"}, Dir: graph.Upstream, MaxHops: 1, Parents: true},
			[]levelView{{[]string{"S1", "S2"}, nil}, {[]string{"H1", "O1", "P1"}, P{"H1": {"S1"}, "O1": {"S2"}, "P1": {"S2"}}}}},
		{"OWNED_BY carries no flow (downstream)",
			graph.WalkSpec{Starts: []string{"O3"}, Dir: graph.Downstream, MaxHops: 5, Parents: true},
			[]levelView{{[]string{"O3"}, nil}}},
		{"OWNED_BY carries no flow (upstream), and data flows nowhere",
			graph.WalkSpec{Starts: []string{"D1"}, Dir: graph.Downstream, MaxHops: 5},
			[]levelView{{[]string{"D1"}, nil}}},
		{"max hops bounds the walk; no parents unless asked",
			graph.WalkSpec{Starts: []string{"O2"}, Dir: graph.Downstream, MaxHops: 2},
			[]levelView{{[]string{"O2"}, nil}, {[]string{"O1"}, nil}, {[]string{"S2"}, nil}}},
		{"max hops 0: the starts only",
			graph.WalkSpec{Starts: []string{"O2"}, Dir: graph.Downstream, Parents: true},
			[]levelView{{[]string{"O2"}, nil}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := walk(t, s, c.spec)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("walk %+v:\n got %+v\nwant %+v", c.spec, got, c.want)
			}
		})
	}
}

func TestWalkFactsStopAndErrors(t *testing.T) {
	s := newStore(t)
	write(t, s, graph.WriteSpec{}, smallGraph())
	// Level nodes carry the facts the analysis needs.
	var got []graph.NodeFacts
	s.Walk(ctx, "w1", graph.WalkSpec{Starts: []string{"DB"}, Dir: graph.Upstream, MaxHops: 2}, func(l graph.Level) bool {
		got = append(got, l.Nodes...)
		return true
	})
	db, _ := s.Asset(ctx, "w1", "DB")
	sts, _ := s.Statuses(ctx, "w1", []string{"DB"})
	if want := graph.AssetFacts(db, sts); !reflect.DeepEqual(got[0], want) {
		t.Errorf("facts of DB:\n got %+v\nwant %+v", got[0], want)
	}
	if got[0].Org != "SELF" || got[0].Importance != 3 || len(got[0].Statuses) != 2 {
		t.Errorf("DB facts %+v: want org SELF, importance 3, two statuses", got[0])
	}
	sup := got[len(got)-1]
	self, _ := s.Org(ctx, "w1", "SUP")
	if want := graph.OrgFacts(self, nil); !reflect.DeepEqual(sup, want) {
		t.Errorf("facts of SUP:\n got %+v\nwant %+v", sup, want)
	}

	// fn returning false stops the walk.
	calls := 0
	s.Walk(ctx, "w1", graph.WalkSpec{Starts: []string{"DB"}, Dir: graph.Upstream, MaxHops: 5}, func(l graph.Level) bool {
		calls++
		return false
	})
	if calls != 1 {
		t.Errorf("fn called %d times after returning false, want 1", calls)
	}
	// No starts: fn is never called.
	s.Walk(ctx, "w1", graph.WalkSpec{Dir: graph.Upstream, MaxHops: 5}, func(l graph.Level) bool {
		t.Error("fn called for an empty walk")
		return true
	})
	var nf *graph.NotFoundError
	err := s.Walk(ctx, "w1", graph.WalkSpec{Starts: []string{"DB", "GHOST"}}, func(graph.Level) bool { return true })
	if !errors.As(err, &nf) || nf.ID != "GHOST" || nf.In != "w1" {
		t.Errorf("unknown start: %v", err)
	}
	if err := s.Walk(ctx, "w1", graph.WalkSpec{Starts: []string{"DB"}, MaxHops: -1}, func(graph.Level) bool { return true }); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("negative maxHops: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Walk(cctx, "w1", graph.WalkSpec{Starts: []string{"DB"}, MaxHops: 5}, func(graph.Level) bool { return true }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: %v", err)
	}
}

func TestEntries(t *testing.T) {
	s := newStore(t)
	g := smallGraph()
	g.Assets = append(g.Assets, asset("BOARD", graph.Organization, graph.L1))
	write(t, s, graph.WriteSpec{}, g)
	cases := []struct {
		cells []graph.Cell
		want  []string
	}{
		{[]graph.Cell{{Layer: graph.L3, Component: graph.Data}}, []string{"DB"}},
		{[]graph.Cell{{Layer: graph.L2, Component: graph.Data}}, nil},
		{[]graph.Cell{{Layer: graph.L2, Component: graph.Systems}, {Layer: graph.L3, Component: graph.Systems}, {Layer: graph.L2, Component: graph.Things}}, []string{"PC", "SRV"}},
		{[]graph.Cell{{Layer: graph.L1, Component: graph.Organization}}, []string{"BOARD", "SELF", "SUP"}},
		{[]graph.Cell{{Layer: graph.L2, Component: graph.Organization}}, nil},
		{nil, nil},
	}
	for _, c := range cases {
		got, err := s.Entries(ctx, "w1", c.cells)
		if err != nil {
			t.Fatal(err)
		}
		if ids := ids(got); strings.Join(ids, ",") != strings.Join(c.want, ",") {
			t.Errorf("Entries(%v) = %v, want %v", c.cells, ids, c.want)
		}
		for _, n := range got {
			for _, c2 := range c.cells {
				if n.InCell(c2) {
					goto ok
				}
			}
			t.Errorf("Entries(%v) returned %s in none of the cells", c.cells, n.ID)
		ok:
		}
	}
	if _, err := s.Entries(ctx, "w1", []graph.Cell{{Layer: "L9", Component: graph.Data}}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("bad cell: %v", err)
	}
}

func TestAssetsQuery(t *testing.T) {
	s := newStore(t)
	b := graph.Batch{Orgs: []graph.Org{{ID: "ORG", Role: graph.RoleSelf}}}
	for i := range 25 {
		a := asset(fmt.Sprintf("A-%02d", i), graph.Data, graph.L3)
		if i%5 == 0 {
			a.Component, a.Layers = graph.Things, []graph.LayerID{graph.L2}
		}
		if i%2 == 0 {
			a.Owner = "ORG"
		}
		a.C = i % 4
		a.Media = []string{"紙", "サーバー", "Cloud"}[i%3]
		b.Assets = append(b.Assets, a)
	}
	write(t, s, graph.WriteSpec{}, b)
	page := func(q graph.AssetQuery) graph.AssetPage {
		p, err := s.Assets(ctx, "w1", q)
		if err != nil {
			t.Fatalf("Assets(%+v): %v", q, err)
		}
		return p
	}
	// Paging through everything in pages of 10.
	var all []string
	q := graph.AssetQuery{First: 10}
	for n := 0; ; n++ {
		p := page(q)
		if p.Total != 25 {
			t.Errorf("page %d total %d, want 25", n, p.Total)
		}
		all = append(all, assetIDs(p.Assets)...)
		if !p.HasNext {
			break
		}
		q.After = p.Assets[len(p.Assets)-1].ID
	}
	if len(all) != 25 || all[0] != "A-00" || all[24] != "A-24" {
		t.Errorf("paged = %v", all)
	}
	cases := []struct {
		q     graph.AssetQuery
		total int
		ids   string
		next  bool
	}{
		{graph.AssetQuery{Component: graph.Things}, 5, "A-00,A-05,A-10,A-15,A-20", false},
		{graph.AssetQuery{Layer: graph.L2, First: 2}, 5, "A-00,A-05", true},
		{graph.AssetQuery{Layer: graph.L2, After: "A-05", First: 2}, 5, "A-10,A-15", true},
		{graph.AssetQuery{Layer: graph.L2, After: "A-14", First: 3}, 5, "A-15,A-20", false},
		{graph.AssetQuery{Org: "ORG", Component: graph.Things}, 3, "A-00,A-10,A-20", false},
		{graph.AssetQuery{MinImportance: 3}, 6, "A-03,A-07,A-11,A-15,A-19,A-23", false},
		{graph.AssetQuery{Text: "cloud", Component: graph.Data}, 6, "A-02,A-08,A-11,A-14,A-17,A-23", false},
		{graph.AssetQuery{Text: "a-1"}, 10, "A-10,A-11,A-12,A-13,A-14,A-15,A-16,A-17,A-18,A-19", false},
		{graph.AssetQuery{After: "A-23"}, 25, "A-24", false},
		{graph.AssetQuery{After: "Z"}, 25, "", false},
	}
	for _, c := range cases {
		p := page(c.q)
		if got := strings.Join(assetIDs(p.Assets), ","); p.Total != c.total || got != c.ids || p.HasNext != c.next {
			t.Errorf("Assets(%+v) = total %d [%s] next %v; want total %d [%s] next %v", c.q, p.Total, got, p.HasNext, c.total, c.ids, c.next)
		}
	}
	if _, err := s.Assets(ctx, "w1", graph.AssetQuery{First: -1}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("negative first: %v", err)
	}
	// Returned assets are copies.
	p := page(graph.AssetQuery{First: 1})
	p.Assets[0].Layers[0] = "XX"
	if a, _ := s.Asset(ctx, "w1", p.Assets[0].ID); a.Layers[0] == "XX" {
		t.Error("modifying a returned asset changed the store")
	}
}

func TestEdgesAndStatuses(t *testing.T) {
	s := newStore(t)
	write(t, s, graph.WriteSpec{}, smallGraph())
	es, _ := s.Edges(ctx, "w1", "SRV")
	var keys []string
	for _, e := range es {
		keys = append(keys, fmt.Sprintf("%s:%s>%s", e.Type, e.From, e.To))
	}
	want := "CONNECTS_TO:ADM>SRV,OPERATED_BY:SRV>ADM,RUNS_ON:SRV>PC,STORED_ON:DB>SRV,SUPPLIED_BY:SRV>SUP"
	if got := strings.Join(keys, ","); got != want {
		t.Errorf("Edges(SRV) = %s, want %s", got, want)
	}
	all, _ := s.Edges(ctx, "w1", "")
	if len(all) != 7 || all[0].Type != graph.RelConnectsTo || all[6].Type != graph.RelSupplies {
		t.Errorf("Edges() = %v", all)
	}
	if es, err := s.Edges(ctx, "w1", "GHOST"); err != nil || len(es) != 0 {
		t.Errorf("Edges(GHOST) = %v, %v; want none", es, err)
	}
	sts, _ := s.Statuses(ctx, "w1", []string{"SELF", "DB", "DB", "GHOST"})
	var got []string
	for _, st := range sts {
		got = append(got, st.Subject+"/"+st.Control.String())
	}
	if g := strings.Join(got, ","); g != "DB/SA:1,DB/SA:2,SELF/SA:1" {
		t.Errorf("Statuses = %s", g)
	}
	if sts, _ := s.Statuses(ctx, "w1", []string{}); len(sts) != 0 {
		t.Errorf("Statuses(empty) = %v, want none", sts)
	}
}

func TestCatalogUpsertAndValidation(t *testing.T) {
	s := newStore(t)
	cat, _ := s.Catalog(ctx)
	if cat.Controls[0].ID != "1" || cat.Mappings[0].Type != graph.RelExploits {
		t.Errorf("catalog lists not sorted by key: %+v / %+v", cat.Controls, cat.Mappings)
	}
	// Upsert: a changed threat replaces the old one, a new control joins.
	err := s.PutCatalog(ctx, &graph.Catalog{
		Threats:  []graph.Threat{{ID: "T-1", NameEN: "renamed", Level: 1}, {ID: "T-0", Level: 2}},
		Controls: []graph.Control{{Framework: "A", ID: "9"}},
		Mappings: []graph.Mapping{{Type: graph.RelExploits, From: "T-1", To: "RS-1", Rationale: "new rationale"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cat, _ = s.Catalog(ctx)
	if len(cat.Threats) != 2 || cat.Threats[0].ID != "T-0" || cat.Threats[1].NameEN != "renamed" {
		t.Errorf("threats = %+v", cat.Threats)
	}
	if len(cat.Controls) != 3 || cat.Controls[0].Framework != "A" {
		t.Errorf("controls = %+v", cat.Controls)
	}
	if len(cat.Mappings) != 4 || cat.Mappings[0].Rationale != "new rationale" {
		t.Errorf("mappings = %+v", cat.Mappings)
	}
	before := cat
	bad := []struct {
		m    graph.Mapping
		want string
	}{
		{graph.Mapping{Type: graph.RelMapsTo, From: "SA:7", To: "CPS.AC-1"}, `control "SA:7" is not in the catalog`},
		{graph.Mapping{Type: graph.RelMapsTo, From: "SA1", To: "CPS.AC-1"}, `want FRAMEWORK:ID`},
		{graph.Mapping{Type: graph.RelMapsTo, From: "SA:1", To: "CPS.XX-9"}, `requirement "CPS.XX-9"`},
		{graph.Mapping{Type: graph.RelMitigates, From: "CPS.XX-9", To: "RS-1"}, `requirement "CPS.XX-9"`},
		{graph.Mapping{Type: graph.RelMitigates, From: "SA:9", To: "RS-1", FromControl: true}, `control "SA:9"`},
		{graph.Mapping{Type: graph.RelMitigates, From: "CPS.AC-1", To: "RS-9"}, `risk source "RS-9"`},
		{graph.Mapping{Type: graph.RelExploits, From: "T-9", To: "RS-1"}, `threat "T-9"`},
		{graph.Mapping{Type: graph.RelCauses, From: "RS-1", To: "INC-1"}, `is not MAPS_TO, MITIGATES or EXPLOITS`},
	}
	for _, c := range bad {
		err := s.PutCatalog(ctx, &graph.Catalog{Mappings: []graph.Mapping{c.m}, Threats: []graph.Threat{{ID: "T-new"}}})
		if !errors.Is(err, graph.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("mapping %+v: error %v, want ErrInvalid saying %q", c.m, err, c.want)
		}
	}
	// A mapping may name an item put in the same call.
	if err := s.PutCatalog(ctx, &graph.Catalog{Threats: []graph.Threat{{ID: "T-5"}}, Mappings: []graph.Mapping{{Type: graph.RelExploits, From: "T-5", To: "RS-1"}}}); err != nil {
		t.Errorf("mapping to an item of the same put: %v", err)
	}
	after, _ := s.Catalog(ctx)
	if len(after.Threats) != len(before.Threats)+1 {
		t.Errorf("a rejected put changed the catalog: %d threats, want %d", len(after.Threats), len(before.Threats)+1)
	}
}

func TestWorkspaces(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	for _, id := range []string{"b", "a", "c"} {
		if err := s.PutWorkspace(ctx, graph.Workspace{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := s.Workspace(ctx, "a")
	if a.Created.IsZero() {
		t.Error("Created not set on a new workspace")
	}
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "a", Name: "renamed", Created: t0}); err != nil {
		t.Fatal(err)
	}
	a2, _ := s.Workspace(ctx, "a")
	if a2.Name != "renamed" || !a2.Created.Equal(a.Created) {
		t.Errorf("after update: %+v; want the new name and the first Created %v", a2, a.Created)
	}
	ws, _ := s.Workspaces(ctx)
	if len(ws) != 3 || ws[0].ID != "a" || ws[2].ID != "c" {
		t.Errorf("Workspaces = %+v", ws)
	}
	for _, bad := range []graph.Workspace{{}, {ID: "x", ThreatLevels: map[string]int{"T-1": 4}}} {
		if err := s.PutWorkspace(ctx, bad); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("PutWorkspace(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
	var nf *graph.NotFoundError
	if _, err := s.Workspace(ctx, "zz"); !errors.As(err, &nf) || nf.Kind != "workspace" {
		t.Errorf("Workspace(zz) = %v", err)
	}
}

func TestClosedStoreFails(t *testing.T) {
	s := memstore.New()
	setup(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	errs := map[string]error{"Close": s.Close()}
	_, errs["Catalog"] = s.Catalog(ctx)
	errs["PutCatalog"] = s.PutCatalog(ctx, &graph.Catalog{})
	_, errs["Workspace"] = s.Workspace(ctx, "w1")
	_, errs["Workspaces"] = s.Workspaces(ctx)
	errs["PutWorkspace"] = s.PutWorkspace(ctx, graph.Workspace{ID: "x"})
	errs["DeleteWorkspace"] = s.DeleteWorkspace(ctx, "w1")
	_, errs["Write"] = tryWrite(s, graph.WriteSpec{})
	_, errs["Asset"] = s.Asset(ctx, "w1", "x")
	_, errs["Org"] = s.Org(ctx, "w1", "x")
	_, errs["Orgs"] = s.Orgs(ctx, "w1")
	_, errs["Assets"] = s.Assets(ctx, "w1", graph.AssetQuery{})
	_, errs["Edges"] = s.Edges(ctx, "w1", "")
	_, errs["Statuses"] = s.Statuses(ctx, "w1", nil)
	_, errs["Entries"] = s.Entries(ctx, "w1", nil)
	errs["Walk"] = s.Walk(ctx, "w1", graph.WalkSpec{}, func(graph.Level) bool { return true })
	for name, err := range errs {
		if !errors.Is(err, memstore.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}

// TestConcurrentReadsDuringWrites runs readers against a writer (run it
// with -race). Every read sees one whole generation.
func TestConcurrentReadsDuringWrites(t *testing.T) {
	s := openStore(t, t.TempDir()+"/store.cpsf")
	setup(t, s)
	if err := crashGen(s, 0); err != nil {
		t.Fatal(err)
	}
	const gens = 15
	done := make(chan struct{})
	var wg sync.WaitGroup
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				p, err := s.Assets(ctx, "w1", graph.AssetQuery{})
				if err != nil {
					t.Error(err)
					return
				}
				for _, a := range p.Assets {
					if a.Name != p.Assets[0].Name {
						t.Errorf("reader %d: mixed generations %s and %s", r, a.Name, p.Assets[0].Name)
						return
					}
				}
				var seen, levels int
				err = s.Walk(ctx, "w1", graph.WalkSpec{Starts: []string{"A-0000"}, Dir: graph.Downstream, MaxHops: 3, Parents: true}, func(l graph.Level) bool {
					seen += len(l.Nodes)
					levels++
					return true
				})
				if err != nil || seen != levels {
					t.Errorf("reader %d: walk saw %d nodes on %d levels (%v), want one per level", r, seen, levels, err)
				}
				if _, err := s.Entries(ctx, "w1", []graph.Cell{{Layer: graph.L3, Component: graph.Data}}); err != nil {
					t.Error(err)
				}
				if _, err := s.Edges(ctx, "w1", "A-0001"); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for g := 1; g <= gens; g++ {
		if err := crashGen(s, g); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	p, _ := s.Assets(ctx, "w1", graph.AssetQuery{First: 1})
	if p.Assets[0].Name != fmt.Sprintf("gen-%d", gens) {
		t.Errorf("last generation = %s", p.Assets[0].Name)
	}
}
