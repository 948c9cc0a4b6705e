package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"cpsfgraph/graph"
)

const lookupGraph = `
org self self; org sup supplier
asset a1 systems L3 imp=3 owner=self name=Mail-Server cat=IT media=cloud
asset a2 data L3 imp=2 owner=self name=Payroll cat=HR media=server
asset a3 things L2,L3 imp=1 owner=sup name=Camera cat=plant media=device
asset a4 data L1 imp=3 name=Contracts cat=legal media=paper
asset a5 people L2 imp=2 owner=sup name=Operators cat=plant media=none
asset a6 procedures L3 cia=1/2/1 name=Manual
a1 PROTECTED_BY TFW:MAP-A implemented
a1 PROTECTED_BY TFW:DIR-A partial
self IMPLEMENTS TFW:MAP-O partial
a2 STORED_ON a1; a3 CONNECTS_TO a1; a5 OPERATED_BY self; a3 SUPPLIED_BY sup; sup SUPPLIES self
`

type assetsCase struct {
	name    string
	q       graph.AssetQuery
	want    []string
	total   int
	hasNext bool
}

func assetsCases() []assetsCase {
	return []assetsCase{
		{name: "no filter", q: graph.AssetQuery{}, want: []string{"a1", "a2", "a3", "a4", "a5", "a6"}, total: 6},
		{name: "layer L3", q: graph.AssetQuery{Layer: graph.L3}, want: []string{"a1", "a2", "a3", "a6"}, total: 4},
		{name: "component data", q: graph.AssetQuery{Component: graph.Data}, want: []string{"a2", "a4"}, total: 2},
		{name: "owner organization", q: graph.AssetQuery{Org: "sup"}, want: []string{"a3", "a5"}, total: 2},
		{name: "minimum importance 3", q: graph.AssetQuery{MinImportance: 3}, want: []string{"a1", "a4"}, total: 2},
		{name: "minimum importance counts the importance derived from C/I/A (a6: 1/2/1 -> 2)", q: graph.AssetQuery{MinImportance: 2},
			want: []string{"a1", "a2", "a4", "a5", "a6"}, total: 5},
		{name: "text matches the category", q: graph.AssetQuery{Text: "plant"}, want: []string{"a3", "a5"}, total: 2},
		{name: "text is case-insensitive and matches name or media", q: graph.AssetQuery{Text: "SERVER"}, want: []string{"a1", "a2"}, total: 2},
		{name: "text matches the ID", q: graph.AssetQuery{Text: "a4"}, want: []string{"a4"}, total: 1},
		{name: "text is a plain substring, not a pattern", q: graph.AssetQuery{Text: "l-s"}, want: []string{"a1"}, total: 1},
		{name: "text with pattern characters matches them literally", q: graph.AssetQuery{Text: ".*"}, total: 0},
		{name: "filters combine", q: graph.AssetQuery{Layer: graph.L3, Org: "self", MinImportance: 3}, want: []string{"a1"}, total: 1},
		{name: "nothing matches", q: graph.AssetQuery{Component: graph.Organization}, total: 0},
		{name: "first page", q: graph.AssetQuery{First: 2}, want: []string{"a1", "a2"}, total: 6, hasNext: true},
		{name: "middle page", q: graph.AssetQuery{First: 2, After: "a2"}, want: []string{"a3", "a4"}, total: 6, hasNext: true},
		{name: "last page", q: graph.AssetQuery{First: 2, After: "a4"}, want: []string{"a5", "a6"}, total: 6},
		{name: "page of a filter", q: graph.AssetQuery{Layer: graph.L3, First: 3}, want: []string{"a1", "a2", "a3"}, total: 4, hasNext: true},
		{name: "page after the last", q: graph.AssetQuery{First: 2, After: "a6"}, total: 6},
	}
}

type entriesCase struct {
	name  string
	cells []graph.Cell
	want  []string // "ID kind component layers org importance statuses"
}

func entriesCases() []entriesCase {
	a1 := "a1 asset systems [L3] org self importance 3 statuses [TFW:DIR-A partial TFW:MAP-A implemented]"
	a3 := "a3 asset things [L2 L3] org sup importance 1 statuses []"
	return []entriesCase{
		{name: "one asset cell", cells: []graph.Cell{{Layer: graph.L3, Component: graph.Systems}}, want: []string{a1}},
		{name: "organizations sit on L1/organization with their IMPLEMENTS", cells: []graph.Cell{{Layer: graph.L1, Component: graph.Organization}},
			want: []string{"self organization organization [L1] org self importance 0 statuses [TFW:MAP-O partial]",
				"sup organization organization [L1] org sup importance 0 statuses []"}},
		{name: "an asset on two matching layers is listed once", cells: []graph.Cell{{Layer: graph.L3, Component: graph.Things}, {Layer: graph.L2, Component: graph.Things}},
			want: []string{a3}},
		{name: "cells combine, sorted by ID", cells: []graph.Cell{{Layer: graph.L2, Component: graph.People}, {Layer: graph.L3, Component: graph.Systems}, {Layer: graph.L3, Component: graph.Procedures}},
			want: []string{a1, "a5 asset people [L2] org sup importance 2 statuses []", "a6 asset procedures [L3] org  importance 2 statuses []"}},
		{name: "layer must match too", cells: []graph.Cell{{Layer: graph.L3, Component: graph.Data}}, want: []string{"a2 asset data [L3] org self importance 2 statuses []"}},
		{name: "empty cell", cells: []graph.Cell{{Layer: graph.L2, Component: graph.Data}}},
		{name: "no cells", cells: []graph.Cell{}},
	}
}

func factsLine(n graph.NodeFacts) string {
	var sts []string
	for _, s := range n.Statuses {
		sts = append(sts, fmt.Sprintf("%s %s", s.Control, s.Status))
	}
	slices.Sort(sts)
	return fmt.Sprintf("%s %s %s %v org %s importance %d statuses %v", n.ID, n.Kind, n.Component, n.Layers, n.Org, n.Importance, sts)
}

func runLookupCases(t *testing.T, open func(t *testing.T) graph.Store) {
	ctx := context.Background()
	for _, c := range assetsCases() {
		t.Run("Assets: "+c.name, func(t *testing.T) {
			s := setup(t, open, lookupGraph, nil)
			page, err := s.Assets(ctx, ws, c.q)
			if err != nil {
				t.Fatalf("Assets(%+v): %v", c.q, err)
			}
			var got []string
			for _, a := range page.Assets {
				got = append(got, a.ID)
			}
			checkList(t, fmt.Sprintf("Assets(%+v)", c.q), got, c.want)
			if page.Total != c.total || page.HasNext != c.hasNext {
				t.Errorf("Assets(%+v): Total %d HasNext %v, want %d %v", c.q, page.Total, page.HasNext, c.total, c.hasNext)
			}
		})
	}
	for _, c := range entriesCases() {
		t.Run("Entries: "+c.name, func(t *testing.T) {
			s := setup(t, open, lookupGraph, nil)
			got, err := s.Entries(ctx, ws, c.cells)
			if err != nil {
				t.Fatalf("Entries(%v): %v", c.cells, err)
			}
			var lines []string
			for _, n := range got {
				lines = append(lines, factsLine(n))
			}
			checkList(t, fmt.Sprintf("Entries(%v)", c.cells), lines, c.want)
		})
	}

	t.Run("Asset and Org round-trip their fields", func(t *testing.T) {
		s := setup(t, open, lookupGraph, nil)
		a, err := s.Asset(ctx, ws, "a3")
		if err != nil {
			t.Fatalf("Asset(a3): %v", err)
		}
		got := fmt.Sprintf("%s %s %s %v imp %d owner %s cat %s media %s", a.ID, a.Name, a.Component, a.Layers, a.Importance, a.Owner, a.Category, a.Media)
		if want := "a3 Camera things [L2 L3] imp 1 owner sup cat plant media device"; got != want {
			t.Errorf("Asset(a3):\n  got  %s\n  want %s", got, want)
		}
		a6, err := s.Asset(ctx, ws, "a6")
		if err != nil {
			t.Fatalf("Asset(a6): %v", err)
		}
		if a6.C != 1 || a6.I != 2 || a6.A != 1 || a6.EffectiveImportance() != 2 {
			t.Errorf("Asset(a6): C/I/A %d/%d/%d importance %d, want 1/2/1 and 2", a6.C, a6.I, a6.A, a6.EffectiveImportance())
		}
		o, err := s.Org(ctx, ws, "sup")
		if err != nil {
			t.Fatalf("Org(sup): %v", err)
		}
		if o.Role != graph.RoleSupplier || o.Name != "sup" {
			t.Errorf("Org(sup) = %+v, want role supplier, name sup", o)
		}
		orgs, err := s.Orgs(ctx, ws)
		if err != nil {
			t.Fatalf("Orgs: %v", err)
		}
		var ids []string
		for _, o := range orgs {
			ids = append(ids, o.ID)
		}
		checkList(t, "Orgs", ids, []string{"self", "sup"})
	})

	t.Run("Edges of a node and of the workspace, sorted by type, from, to", func(t *testing.T) {
		s := setup(t, open, lookupGraph, nil)
		for _, c := range []struct {
			node string
			want []string
		}{
			{"a1", []string{"CONNECTS_TO a3 a1", "STORED_ON a2 a1"}},
			{"sup", []string{"SUPPLIED_BY a3 sup", "SUPPLIES sup self"}},
			{"a4", nil},
			{"", []string{"CONNECTS_TO a3 a1", "OPERATED_BY a5 self", "STORED_ON a2 a1", "SUPPLIED_BY a3 sup", "SUPPLIES sup self"}},
		} {
			edges, err := s.Edges(ctx, ws, c.node)
			if err != nil {
				t.Fatalf("Edges(%q): %v", c.node, err)
			}
			var got []string
			for _, e := range edges {
				got = append(got, fmt.Sprintf("%s %s %s", e.Type, e.From, e.To))
			}
			checkList(t, fmt.Sprintf("Edges(%q)", c.node), got, c.want)
		}
	})

	t.Run("Statuses of subjects, sorted by subject, framework, control", func(t *testing.T) {
		s := setup(t, open, lookupGraph, nil)
		for _, c := range []struct {
			subjects []string
			want     []string
		}{
			{nil, []string{"a1 TFW:DIR-A partial", "a1 TFW:MAP-A implemented", "self TFW:MAP-O partial"}},
			{[]string{"self"}, []string{"self TFW:MAP-O partial"}},
			{[]string{"self", "a1"}, []string{"a1 TFW:DIR-A partial", "a1 TFW:MAP-A implemented", "self TFW:MAP-O partial"}},
			{[]string{"a2"}, nil},
			{[]string{}, nil}, // no subjects, no statuses
			{[]string{"ghost", "self"}, []string{"self TFW:MAP-O partial"}},
		} {
			sts, err := s.Statuses(ctx, ws, c.subjects)
			if err != nil {
				t.Fatalf("Statuses(%v): %v", c.subjects, err)
			}
			var got []string
			for _, x := range sts {
				got = append(got, fmt.Sprintf("%s %s %s", x.Subject, x.Control, x.Status))
			}
			checkList(t, fmt.Sprintf("Statuses(%v)", c.subjects), got, c.want)
		}
	})

	t.Run("Walk levels and parents, both directions, early stop", func(t *testing.T) {
		// Diamond e - {a, b} - {q, p} - y with CONNECTS_TO, plus y RUNS_ON z (z -> y only).
		s := setup(t, open, "asset e systems L3; asset a procedures L3; asset b procedures L3; asset p procedures L3; asset q procedures L3\n"+
			"asset y procedures L3; asset z systems L3\n"+
			"e CONNECTS_TO b; b CONNECTS_TO p; p CONNECTS_TO y; e CONNECTS_TO a; a CONNECTS_TO q; q CONNECTS_TO y; y RUNS_ON z", nil)
		for _, c := range []struct {
			name string
			spec graph.WalkSpec
			stop int // stop after this many levels; 0 = never
			want []string
		}{
			{"downstream from e", graph.WalkSpec{Starts: []string{"e"}, Dir: graph.Downstream, MaxHops: 5, Parents: true}, 0,
				[]string{"0: e", "1: a<e b<e", "2: p<b q<a", "3: y<p,q"}},
			{"upstream from y", graph.WalkSpec{Starts: []string{"y"}, Dir: graph.Upstream, MaxHops: 5, Parents: true}, 0,
				[]string{"0: y", "1: p<y q<y z<y", "2: a<q b<p", "3: e<a,b"}},
			{"downstream from z stops at maxHops", graph.WalkSpec{Starts: []string{"z"}, Dir: graph.Downstream, MaxHops: 2, Parents: true}, 0,
				[]string{"0: z", "1: y<z", "2: p<y q<y"}},
			{"two starts", graph.WalkSpec{Starts: []string{"y", "e"}, Dir: graph.Upstream, MaxHops: 5, Parents: true}, 0,
				[]string{"0: e y", "1: a<e b<e p<y q<y z<y"}},
			{"early stop", graph.WalkSpec{Starts: []string{"e"}, Dir: graph.Downstream, MaxHops: 5, Parents: true}, 2,
				[]string{"0: e", "1: a<e b<e"}},
			{"maxHops 0", graph.WalkSpec{Starts: []string{"e"}, Dir: graph.Downstream, MaxHops: 0, Parents: true}, 0,
				[]string{"0: e"}},
			// b is reported but not gone on from: p is reached the long way,
			// through a, q and y.
			{"pruned at b", graph.WalkSpec{Starts: []string{"e"}, Dir: graph.Downstream, MaxHops: 5, Prune: prune("b", 1)}, 0,
				[]string{"0: e", "1: a b", "2: q", "3: y", "4: p"}},
			// Pruning asks with the depth: b at depth 1 is not pruned by a
			// rule for depth 0, so the walk is the unpruned one.
			{"prune rule for another depth", graph.WalkSpec{Starts: []string{"e"}, Dir: graph.Downstream, MaxHops: 5, Prune: prune("b", 0)}, 0,
				[]string{"0: e", "1: a b", "2: p q", "3: y"}},
			{"pruned start", graph.WalkSpec{Starts: []string{"y", "e"}, Dir: graph.Upstream, MaxHops: 5, Prune: prune("y", 0)}, 0,
				[]string{"0: e y", "1: a b", "2: p q"}},
			{"everything pruned at depth 1", graph.WalkSpec{Starts: []string{"z"}, Dir: graph.Downstream, MaxHops: 5, Prune: func(_ string, d int) bool { return d >= 1 }}, 0,
				[]string{"0: z", "1: y"}},
		} {
			var got []string
			err := s.Walk(ctx, ws, c.spec, func(l graph.Level) bool {
				if len(l.Nodes) == 0 {
					return true // an empty last level changes no answer
				}
				line := fmt.Sprintf("%d:", l.Depth)
				for _, n := range l.Nodes {
					line += " " + n.ID
					if ps := l.Parents[n.ID]; len(ps) > 0 {
						line += "<" + joinComma(ps)
					}
				}
				got = append(got, line)
				return c.stop == 0 || len(got) < c.stop
			})
			if err != nil {
				t.Fatalf("Walk %s: %v", c.name, err)
			}
			checkList(t, "Walk "+c.name, got, c.want)
		}
	})

	t.Run("Workspaces round-trip, list sorted, delete removes everything", func(t *testing.T) {
		s := setup(t, open, lookupGraph, map[string]int{"T-A": 1})
		addGraph(t, s, "a-first", "asset x systems L3", nil)
		w, err := s.Workspace(ctx, ws)
		if err != nil {
			t.Fatalf("Workspace(%q): %v", ws, err)
		}
		if w.Name != "workspace "+ws || w.FormulaVariant != graph.FormulaIPA || w.ThreatLevels["T-A"] != 1 || len(w.ThreatLevels) != 1 {
			t.Errorf("Workspace(%q) = %+v, want name %q, formula %q, levels T-A:1", ws, w, "workspace "+ws, graph.FormulaIPA)
		}
		list, err := s.Workspaces(ctx)
		if err != nil {
			t.Fatalf("Workspaces: %v", err)
		}
		var ids []string
		for _, w := range list {
			ids = append(ids, w.ID)
		}
		checkList(t, "Workspaces", ids, []string{"a-first", ws})
		if err := s.DeleteWorkspace(ctx, ws); err != nil {
			t.Fatalf("DeleteWorkspace(%q): %v", ws, err)
		}
		if _, err := s.Workspace(ctx, ws); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Workspace(%q) after delete: %v, want ErrNotFound", ws, err)
		}
		if _, err := s.Asset(ctx, ws, "a1"); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("Asset(%q, a1) after delete: %v, want ErrNotFound", ws, err)
		}
		// Recreating the workspace starts empty.
		if err := s.PutWorkspace(ctx, graph.Workspace{ID: ws, Name: "again"}); err != nil {
			t.Fatalf("PutWorkspace(%q) again: %v", ws, err)
		}
		checkState(t, "after delete and recreate", s, writeStep{})
		if _, err := s.Asset(ctx, "a-first", "x"); err != nil {
			t.Errorf("the other workspace lost its asset: %v", err)
		}
	})
}

// prune returns a WalkSpec.Prune that prunes node id at depth only.
func prune(id string, depth int) func(string, int) bool {
	return func(n string, d int) bool { return n == id && d == depth }
}

func joinComma(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

func testCatalog(t *testing.T, open func(t *testing.T) graph.Store) {
	s := open(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ { // a second put changes nothing
		if err := s.PutCatalog(ctx, Catalog()); err != nil {
			t.Fatalf("PutCatalog #%d: %v", i+1, err)
		}
	}
	c, err := s.Catalog(ctx)
	if err != nil {
		t.Fatalf("Catalog: %v", err)
	}
	var rss, reqs, ctls, ths, maps []string
	for _, x := range c.RiskSources {
		rss = append(rss, fmt.Sprintf("%s %s/%s", x.ID, x.Layer, x.Component))
	}
	for _, x := range c.Requirements {
		reqs = append(reqs, x.ID+" "+x.Function)
	}
	for _, x := range c.Controls {
		ctls = append(ctls, x.Ref().String())
	}
	for _, x := range c.Threats {
		ths = append(ths, fmt.Sprintf("%s %d", x.ID, x.Level))
	}
	for _, m := range c.Mappings {
		maps = append(maps, fmt.Sprintf("%s %s %s", m.Type, m.From, m.To))
	}
	checkList(t, "risk sources", rss, []string{"RS-D L3/data", "RS-O L1/organization", "RS-P L2/people", "RS-SA L3/systems", "RS-SB L3/systems", "RS-T L2/things"})
	checkList(t, "requirements", reqs, []string{"REQ-A Protect", "REQ-B Detect", "REQ-I Identify", "REQ-O Identify", "REQ-P Protect (inferred)", "REQ-T Respond/Recover"})
	checkList(t, "controls", ctls, []string{"TFW:DIR-A", "TFW:IDLE", "TFW:MAP-A", "TFW:MAP-B", "TFW:MAP-I", "TFW:MAP-O", "TFW:MAP-P", "TFW:MAP-T"})
	checkList(t, "threats", ths, []string{"T-A 3", "T-AB 2", "T-D 1", "T-NONE 3", "T-O 3", "T-T 2"})
	checkSet(t, "mappings", maps, []string{
		"EXPLOITS T-A RS-SA", "EXPLOITS T-AB RS-SA", "EXPLOITS T-AB RS-SB", "EXPLOITS T-D RS-D", "EXPLOITS T-O RS-O", "EXPLOITS T-T RS-T",
		"MITIGATES REQ-A RS-SA", "MITIGATES REQ-B RS-SB", "MITIGATES REQ-B RS-D", "MITIGATES REQ-O RS-O", "MITIGATES REQ-P RS-P", "MITIGATES REQ-T RS-T",
		"MITIGATES TFW:DIR-A RS-SA",
		"MAPS_TO TFW:MAP-A REQ-A", "MAPS_TO TFW:MAP-B REQ-B", "MAPS_TO TFW:MAP-I REQ-I", "MAPS_TO TFW:MAP-O REQ-O", "MAPS_TO TFW:MAP-P REQ-P", "MAPS_TO TFW:MAP-T REQ-T",
	})
	for _, m := range c.Mappings {
		if m.Type == graph.RelMitigates && m.FromControl != (m.From == "TFW:DIR-A") {
			t.Errorf("mapping %s %s %s: FromControl = %v", m.Type, m.From, m.To, m.FromControl)
		}
	}
}

func testIsolation(t *testing.T, open func(t *testing.T) graph.Store) {
	ctx := context.Background()
	// Same IDs in two workspaces: in w1 e flows into y; in w2 there is no
	// edge and e is covered.
	s := setup(t, open, ye+"y CONNECTS_TO e", nil)
	addGraph(t, s, "w2", ye+"e PROTECTED_BY TFW:MAP-A implemented", map[string]int{"T-A": 1})
	a := graph.NewAnalyzer(s)

	r1, err := a.ThreatsReaching(ctx, ws, "y", graph.ReachOptions{})
	if err != nil {
		t.Fatalf("ThreatsReaching(w1, y): %v", err)
	}
	checkThreatsReaching(t, r1, "y", viaE([]string{"e", "y"}))
	r2, err := a.ThreatsReaching(ctx, "w2", "y", graph.ReachOptions{})
	if err != nil {
		t.Fatalf("ThreatsReaching(w2, y): %v", err)
	}
	checkThreatsReaching(t, r2, "y", nil)

	for _, c := range []struct {
		ws   string
		want []string
	}{
		// w1: T-A level 3, e uncovered: y imp 2 -> 6, e imp 1 -> 3.
		{ws, []string{"y hops 1 [importance 2, t 3, v 3, damage 3, risk 6 (high)]", "e hops 0 [importance 1, t 3, v 3, damage 3, risk 3 (low)]"}},
		// w2: T-A overridden to 1, e covered: damage 1, e imp 1 -> 1.
		{"w2", []string{"e hops 0 [importance 1, t 1, v 1, damage 1, risk 1 (low)]"}},
	} {
		br, err := a.AssetsReachedBy(ctx, c.ws, "T-A", graph.ReachOptions{})
		if err != nil {
			t.Fatalf("AssetsReachedBy(%s, T-A): %v", c.ws, err)
		}
		var got []string
		for _, r := range br.Assets {
			got = append(got, fmt.Sprintf("%s hops %d [%v]", r.Asset, r.Hops, scoreOf(r.Score)))
		}
		checkList(t, "AssetsReachedBy("+c.ws+", T-A)", got, c.want)
		if br.Entries != 1 {
			t.Errorf("AssetsReachedBy(%s, T-A): Entries %d, want 1", c.ws, br.Entries)
		}
	}

	for _, c := range []struct {
		ws              string
		edges, statuses int
		pairs           int
	}{
		{ws, 1, 0, 4}, // T-A and T-AB each reach e and y
		{"w2", 0, 1, 2},
	} {
		edges, err := s.Edges(ctx, c.ws, "")
		if err != nil {
			t.Fatalf("Edges(%s): %v", c.ws, err)
		}
		sts, err := s.Statuses(ctx, c.ws, nil)
		if err != nil {
			t.Fatalf("Statuses(%s): %v", c.ws, err)
		}
		h, err := a.HeatmapIPA(ctx, c.ws, -1)
		if err != nil {
			t.Fatalf("HeatmapIPA(%s): %v", c.ws, err)
		}
		if len(edges) != c.edges || len(sts) != c.statuses || h.Pairs != c.pairs {
			t.Errorf("workspace %s: %d edges, %d statuses, %d pairs; want %d, %d, %d", c.ws, len(edges), len(sts), h.Pairs, c.edges, c.statuses, c.pairs)
		}
	}

	if err := s.DeleteWorkspace(ctx, ws); err != nil {
		t.Fatalf("DeleteWorkspace(w1): %v", err)
	}
	r2, err = a.ThreatsReaching(ctx, "w2", "e", graph.ReachOptions{ZeroHops: true})
	if err != nil {
		t.Fatalf("ThreatsReaching(w2, e) after deleting w1: %v", err)
	}
	// e covered against RS-SA: T-A v1 (t1 by override), T-AB v2 (RS-SB open), t2 -> damage 1.
	checkThreatsReaching(t, r2, "e", []wantReach{
		{threat: "T-A", score: score{1, 1, 1, 1, 1, low}, paths: [][]string{{"e"}}},
		{threat: "T-AB", score: score{1, 2, 2, 1, 1, low}, paths: [][]string{{"e"}}},
	})
}
