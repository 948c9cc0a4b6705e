package memstore_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"cpsfgraph/graph"
)

func asset(id string, c graph.Component, ls ...graph.LayerID) graph.Asset {
	return graph.Asset{ID: id, Name: id, Component: c, Layers: ls}
}

func TestWriteRejectsInvalidItems(t *testing.T) {
	sa1 := graph.ControlRef{Framework: "SA", ID: "1"}
	valid := asset("NEW", graph.Data, graph.L3) // must not be written when its batch fails
	cases := []struct {
		name string
		b    graph.Batch
		want string
	}{
		{"unknown component", graph.Batch{Assets: []graph.Asset{asset("A-12", "machines", graph.L3)}}, `asset "A-12": component "machines"`},
		{"empty component", graph.Batch{Assets: []graph.Asset{asset("A-12", "", graph.L3)}}, `asset "A-12": component ""`},
		{"layer out of range", graph.Batch{Assets: []graph.Asset{asset("A-12", graph.Data, graph.L1, "L4")}}, `asset "A-12": layer "L4" is not L1, L2 or L3`},
		{"confidentiality 4", graph.Batch{Assets: []graph.Asset{{ID: "A-12", Component: graph.Data, C: 4}}}, `asset "A-12": confidentiality 4 is not 0..3`},
		{"integrity -1", graph.Batch{Assets: []graph.Asset{{ID: "A-12", Component: graph.Data, I: -1}}}, `asset "A-12": integrity -1`},
		{"availability 9", graph.Batch{Assets: []graph.Asset{{ID: "A-12", Component: graph.Data, A: 9}}}, `asset "A-12": availability 9`},
		{"importance 4", graph.Batch{Assets: []graph.Asset{{ID: "A-12", Component: graph.Data, Importance: 4}}}, `asset "A-12": importance 4`},
		{"empty asset ID", graph.Batch{Assets: []graph.Asset{{Name: "nameless", Component: graph.Data}}}, `asset "nameless": empty ID`},
		{"owner unknown", graph.Batch{Assets: []graph.Asset{{ID: "A-12", Component: graph.Data, Owner: "NOBODY"}}}, `asset "A-12": owner "NOBODY" is not an organization`},
		{"owner is an asset", graph.Batch{Assets: []graph.Asset{{ID: "A-12", Component: graph.Data, Owner: "PC"}}}, `asset "A-12": owner "PC" is not an organization`},
		{"asset ID of an org", graph.Batch{Assets: []graph.Asset{asset("SUP", graph.Data)}}, `asset "SUP": an organization has the same ID`},
		{"org ID of an asset", graph.Batch{Orgs: []graph.Org{{ID: "PC", Role: graph.RoleOther}}}, `organization "PC": an asset has the same ID`},
		{"asset and org of one ID in the run", graph.Batch{Orgs: []graph.Org{{ID: "X", Role: graph.RoleOther}}, Assets: []graph.Asset{asset("X", graph.Data)}}, `same ID`},
		{"org role", graph.Batch{Orgs: []graph.Org{{ID: "O-1", Role: "boss"}}}, `organization "O-1": role "boss"`},
		{"empty org ID", graph.Batch{Orgs: []graph.Org{{Name: "Acme", Role: graph.RoleOther}}}, `organization "Acme": empty ID`},
		{"edge type", graph.Batch{Edges: []graph.Edge{{Type: "LIKES", From: "PC", To: "SRV"}}}, `edge LIKES "PC" -> "SRV": type "LIKES"`},
		{"status is not an edge", graph.Batch{Edges: []graph.Edge{{Type: graph.RelImplements, From: "SELF", To: "SA:1"}}}, `type "IMPLEMENTS"`},
		{"edge from missing node", graph.Batch{Edges: []graph.Edge{{Type: graph.RelRunsOn, From: "GHOST", To: "PC"}}}, `edge RUNS_ON "GHOST" -> "PC": node "GHOST" is not in the workspace`},
		{"edge from an empty ID", graph.Batch{Edges: []graph.Edge{{Type: graph.RelRunsOn, From: "", To: "PC"}}}, `edge RUNS_ON "" -> "PC": node "" is not in the workspace`},
		{"second edge of one node to a missing node", graph.Batch{Edges: []graph.Edge{{Type: graph.RelRunsOn, From: "DB", To: "PC"}, {Type: graph.RelStoredOn, From: "DB", To: "GHOST"}}}, `edge STORED_ON "DB" -> "GHOST": node "GHOST"`},
		{"edge to missing node", graph.Batch{Edges: []graph.Edge{{Type: graph.RelRunsOn, From: "PC", To: "GHOST"}}}, `node "GHOST" is not in the workspace`},
		{"SUPPLIES from an asset", graph.Batch{Edges: []graph.Edge{{Type: graph.RelSupplies, From: "PC", To: "SELF"}}}, `edge SUPPLIES "PC" -> "SELF": SUPPLIES links organizations`},
		{"SUPPLIES to an asset", graph.Batch{Edges: []graph.Edge{{Type: graph.RelSupplies, From: "SUP", To: "PC"}}}, `SUPPLIES must point to an organization; "PC" is an asset`},
		{"SUPPLIED_BY an asset", graph.Batch{Edges: []graph.Edge{{Type: graph.RelSuppliedBy, From: "SRV", To: "PC"}}}, `SUPPLIED_BY must point to an organization`},
		{"OWNED_BY an asset", graph.Batch{Edges: []graph.Edge{{Type: graph.RelOwnedBy, From: "DB", To: "PC"}}}, `OWNED_BY must point to an organization`},
		{"status value", graph.Batch{Statuses: []graph.ControlStatus{{Subject: "PC", Control: sa1, Status: "done"}}}, `status of "PC" on control SA:1: status "done"`},
		{"status control unknown", graph.Batch{Statuses: []graph.ControlStatus{{Subject: "PC", Control: graph.ControlRef{Framework: "SA", ID: "99"}, Status: graph.StatusNone}}}, `control SA:99 is not in the catalog`},
		{"status subject unknown", graph.Batch{Statuses: []graph.ControlStatus{{Subject: "GHOST", Control: sa1, Status: graph.StatusNone}}}, `status of "GHOST" on control SA:1: "GHOST" is not an asset or organization`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			write(t, s, graph.WriteSpec{}, smallGraph())
			before := dumpWS(t, s, "w1")
			c.b.Assets = append([]graph.Asset{valid}, c.b.Assets...)
			// The invalid batch comes second: the first one's items must go too.
			_, err := tryWrite(s, graph.WriteSpec{Run: "run-2"}, graph.Batch{Orgs: []graph.Org{{ID: "NEWORG", Role: graph.RoleOther}}}, c.b)
			if !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("error %v does not wrap graph.ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
			sameDump(t, "after the rejected write", dumpWS(t, s, "w1"), before)
			// A dry run rejects it the same way.
			if _, err := tryWrite(s, graph.WriteSpec{Run: "run-2", DryRun: true}, c.b); !errors.Is(err, graph.ErrInvalid) {
				t.Errorf("dry run: error %v, want ErrInvalid", err)
			}
		})
	}
}

func TestWriteRejectsBadSpecsAndFills(t *testing.T) {
	s := newStore(t)
	write(t, s, graph.WriteSpec{}, smallGraph())
	before := dumpWS(t, s, "w1")
	newAsset := graph.Batch{Assets: []graph.Asset{asset("NEW", graph.Data, graph.L3)}}
	boom := errors.New("sheet unreadable")
	cases := []struct {
		name  string
		spec  graph.WriteSpec
		fill  func(put func(graph.Batch) error) error
		check func(error) bool
	}{
		{"no source", graph.WriteSpec{Workspace: "w1", Run: "r"}, nil, func(err error) bool { return errors.Is(err, graph.ErrInvalid) }},
		{"no run", graph.WriteSpec{Workspace: "w1", Source: "s"}, nil, func(err error) bool { return errors.Is(err, graph.ErrInvalid) }},
		{"unknown workspace", graph.WriteSpec{Workspace: "nope", Source: "s", Run: "r"}, nil, func(err error) bool {
			var nf *graph.NotFoundError
			return errors.As(err, &nf) && nf.Kind == "workspace" && nf.ID == "nope"
		}},
		{"fill fails after a put", graph.WriteSpec{Workspace: "w1", Source: "s", Run: "r"}, func(put func(graph.Batch) error) error {
			if err := put(newAsset); err != nil {
				return err
			}
			return boom
		}, func(err error) bool { return errors.Is(err, boom) }},
		{"fill swallows a put error", graph.WriteSpec{Workspace: "w1", Source: "s", Run: "r"}, func(put func(graph.Batch) error) error {
			put(graph.Batch{Assets: []graph.Asset{asset("BAD", "robots")}})
			put(newAsset)
			return nil
		}, func(err error) bool {
			return errors.Is(err, graph.ErrInvalid) && strings.Contains(err.Error(), `"BAD"`)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fill := c.fill
			if fill == nil {
				fill = func(put func(graph.Batch) error) error { return put(newAsset) }
			}
			_, err := s.Write(ctx, c.spec, fill)
			if err == nil || !c.check(err) {
				t.Fatalf("error %v is not the one expected", err)
			}
			sameDump(t, "after the failed write", dumpWS(t, s, "w1"), before)
		})
	}
}

func TestWriteCountsAndStamps(t *testing.T) {
	s := newStore(t)
	t1, t2, t3 := t0.Add(time.Hour), t0.Add(2*time.Hour), t0.Add(3*time.Hour)

	// Create.
	rep := write(t, s, graph.WriteSpec{}, smallGraph())
	want := graph.WriteReport{Orgs: graph.Counts{Created: 2}, Assets: graph.Counts{Created: 4}, Edges: graph.Counts{Created: 7}, Statuses: graph.Counts{Created: 3}}
	if rep != want {
		t.Fatalf("first write = %+v, want %+v", rep, want)
	}
	a, _ := s.Asset(ctx, "w1", "SRV")
	if got := a.Layers; len(got) != 2 || got[0] != graph.L2 || got[1] != graph.L3 {
		t.Errorf("layers = %v, want [L2 L3] (sorted, deduplicated)", got)
	}

	// The same content again: unchanged, with fresh stamps.
	rep = write(t, s, graph.WriteSpec{Run: "run-2", Now: t1}, smallGraph())
	want = graph.WriteReport{Orgs: graph.Counts{Unchanged: 2}, Assets: graph.Counts{Unchanged: 4}, Edges: graph.Counts{Unchanged: 7}, Statuses: graph.Counts{Unchanged: 3}}
	if rep != want {
		t.Fatalf("repeat = %+v, want %+v", rep, want)
	}
	d := dumpWS(t, s, "w1")
	for _, e := range d.Edges {
		if e.Source != "test.xlsx" || e.Run != "run-2" || !e.FirstSeen.Equal(t0) || !e.LastSeen.Equal(t1) {
			t.Errorf("edge %v stamp %+v: want source test.xlsx, run-2, first %v, last %v", e.Key(), e.Stamp, t0, t1)
		}
	}

	// Changes: one asset renamed, one status changed, one org resized; the
	// same asset put twice in one run, the later winning.
	g := smallGraph()
	g.Assets[2].Name = "Laptop"
	g.Statuses[1].Status = graph.StatusImplemented
	g.Orgs[1].Size = "large"
	rep = write(t, s, graph.WriteSpec{Run: "run-3", Now: t2}, g, graph.Batch{Assets: []graph.Asset{{ID: "PC", Name: "Desktop", Component: graph.Things, Layers: []graph.LayerID{graph.L2}}}})
	want = graph.WriteReport{Orgs: graph.Counts{Updated: 1, Unchanged: 1}, Assets: graph.Counts{Updated: 1, Unchanged: 3},
		Edges: graph.Counts{Unchanged: 7}, Statuses: graph.Counts{Updated: 1, Unchanged: 2}}
	if rep != want {
		t.Fatalf("update = %+v, want %+v", rep, want)
	}
	if a, _ := s.Asset(ctx, "w1", "PC"); a.Name != "Desktop" || !a.FirstSeen.Equal(t0) || !a.LastSeen.Equal(t2) {
		t.Errorf("PC = %q first %v last %v; want Desktop, %v, %v", a.Name, a.FirstSeen, a.LastSeen, t0, t2)
	}

	// Another source links two nodes; a statement of it survives the sweep
	// of test.xlsx unless it touches a swept node.
	write(t, s, graph.WriteSpec{Source: "other.xlsx", Run: "o-1", Now: t2}, graph.Batch{
		Edges: []graph.Edge{{Type: graph.RelConnectsTo, From: "ADM", To: "PC"}, {Type: graph.RelConnectsTo, From: "DB", To: "SRV"}},
	})

	// Explicit removal: an existing edge is removed, a missing one is no-op.
	rep = write(t, s, graph.WriteSpec{Source: "other.xlsx", Run: "o-2", Now: t2}, graph.Batch{
		RemoveEdges: []graph.EdgeKey{{Type: graph.RelConnectsTo, From: "DB", To: "SRV"}, {Type: graph.RelConnectsTo, From: "SRV", To: "DB"}},
	})
	if want := (graph.WriteReport{Edges: graph.Counts{Removed: 1}}); rep != want {
		t.Fatalf("removal = %+v, want %+v", rep, want)
	}

	// A sweeping re-import that no longer lists PC, ADM, two edges and a
	// status. Dry run first: same counts, nothing written.
	keep := graph.Batch{
		Orgs:     smallGraph().Orgs,
		Assets:   []graph.Asset{smallGraph().Assets[0], smallGraph().Assets[1]},
		Edges:    []graph.Edge{smallGraph().Edges[0], smallGraph().Edges[4], smallGraph().Edges[5], smallGraph().Edges[6]},
		Statuses: smallGraph().Statuses[:2],
	}
	// Removed: assets PC and ADM; edges RUNS_ON SRV->PC, CONNECTS_TO
	// ADM->SRV, OPERATED_BY SRV->ADM and other.xlsx's ADM->PC (touching
	// swept nodes); status DB/SA:1.
	wantSweep := graph.WriteReport{Orgs: graph.Counts{Unchanged: 1, Updated: 1}, Assets: graph.Counts{Unchanged: 2, Removed: 2},
		Edges: graph.Counts{Unchanged: 4, Removed: 4}, Statuses: graph.Counts{Unchanged: 1, Updated: 1, Removed: 1}}
	before := dumpWS(t, s, "w1")
	rep = write(t, s, graph.WriteSpec{Run: "run-4", Now: t3, Sweep: true, DryRun: true}, keep)
	if rep != wantSweep {
		t.Errorf("dry-run sweep = %+v, want %+v", rep, wantSweep)
	}
	sameDump(t, "after the dry run", dumpWS(t, s, "w1"), before)
	rep = write(t, s, graph.WriteSpec{Run: "run-4", Now: t3, Sweep: true}, keep)
	if rep != wantSweep {
		t.Errorf("sweep = %+v, want %+v", rep, wantSweep)
	}
	d = dumpWS(t, s, "w1")
	if got := assetIDs(d.Assets); strings.Join(got, ",") != "DB,SRV" {
		t.Errorf("assets after sweep = %v", got)
	}
	if len(d.Edges) != 4 || len(d.Statuses) != 2 {
		t.Errorf("after sweep: %d edges, %d statuses; want 4, 2", len(d.Edges), len(d.Statuses))
	}
	// Sweeping again with nothing new removes everything of the source.
	rep = write(t, s, graph.WriteSpec{Run: "run-5", Now: t3, Sweep: true})
	want = graph.WriteReport{Orgs: graph.Counts{Removed: 2}, Assets: graph.Counts{Removed: 2}, Edges: graph.Counts{Removed: 4}, Statuses: graph.Counts{Removed: 2}}
	if rep != want {
		t.Errorf("empty sweep = %+v, want %+v", rep, want)
	}
}

func TestWriteNowDefaultsToTheClock(t *testing.T) {
	s := newStore(t)
	start := time.Now()
	if _, err := s.Write(ctx, graph.WriteSpec{Workspace: "w1", Source: "api", Run: "r"}, func(put func(graph.Batch) error) error {
		return put(graph.Batch{Assets: []graph.Asset{asset("A", graph.Data)}})
	}); err != nil {
		t.Fatal(err)
	}
	a, _ := s.Asset(ctx, "w1", "A")
	if a.LastSeen.Before(start.Add(-time.Second)) || a.LastSeen.After(time.Now().Add(time.Second)) || !a.FirstSeen.Equal(a.LastSeen) {
		t.Errorf("stamp %+v is not the time of the write", a.Stamp)
	}
}

func TestPutRemoveSameRun(t *testing.T) {
	s := newStore(t)
	write(t, s, graph.WriteSpec{}, smallGraph())
	k := graph.EdgeKey{Type: graph.RelRunsOn, From: "SRV", To: "PC"}
	// Removed then put again in one run: it stays, unchanged.
	rep := write(t, s, graph.WriteSpec{Run: "run-2"}, graph.Batch{RemoveEdges: []graph.EdgeKey{k}}, graph.Batch{Edges: []graph.Edge{{Type: k.Type, From: k.From, To: k.To}}})
	if want := (graph.WriteReport{Edges: graph.Counts{Unchanged: 1}}); rep != want {
		t.Errorf("remove+put = %+v, want %+v", rep, want)
	}
	// A new edge put then removed in one run leaves no trace and no count.
	n := graph.EdgeKey{Type: graph.RelRunsOn, From: "DB", To: "PC"}
	rep = write(t, s, graph.WriteSpec{Run: "run-3"}, graph.Batch{Edges: []graph.Edge{{Type: n.Type, From: n.From, To: n.To}}}, graph.Batch{RemoveEdges: []graph.EdgeKey{n}})
	if rep != (graph.WriteReport{}) {
		t.Errorf("put+remove = %+v, want nothing", rep)
	}
	// Statuses too.
	sk := graph.StatusKey{Subject: "DB", Control: graph.ControlRef{Framework: "SA", ID: "2"}}
	rep = write(t, s, graph.WriteSpec{Run: "run-4"}, graph.Batch{RemoveStatuses: []graph.StatusKey{sk}})
	if want := (graph.WriteReport{Statuses: graph.Counts{Removed: 1}}); rep != want {
		t.Errorf("status removal = %+v, want %+v", rep, want)
	}
	sts, _ := s.Statuses(ctx, "w1", []string{"DB"})
	if len(sts) != 1 || sts[0].Control.ID != "1" {
		t.Errorf("DB statuses = %+v, want SA:1 only", sts)
	}
}

func assetIDs(as []graph.Asset) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

func TestWorkspaceIsolation(t *testing.T) {
	s := newStore(t)
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "w2"}); err != nil {
		t.Fatal(err)
	}
	write(t, s, graph.WriteSpec{}, smallGraph())
	w1 := dumpWS(t, s, "w1")

	// w2 cannot link to w1's nodes.
	_, err := tryWrite(s, graph.WriteSpec{Workspace: "w2"}, graph.Batch{Edges: []graph.Edge{{Type: graph.RelRunsOn, From: "SRV", To: "PC"}}})
	if !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("edge across workspaces: %v, want ErrInvalid", err)
	}
	// The same IDs in w2 are w2's own, and a sweep there leaves w1 alone.
	g := smallGraph()
	g.Assets[0].Name = "w2 ledger"
	if rep := write(t, s, graph.WriteSpec{Workspace: "w2"}, g); rep.Assets.Created != 4 {
		t.Errorf("w2 write = %+v, want 4 assets created", rep)
	}
	write(t, s, graph.WriteSpec{Workspace: "w2", Run: "run-2", Sweep: true})
	sameDump(t, "w1 after writes to w2", dumpWS(t, s, "w1"), w1)
	if d := dumpWS(t, s, "w2"); len(d.Assets)+len(d.Orgs)+len(d.Edges)+len(d.Statuses) != 0 {
		t.Errorf("w2 after its sweep = %+v, want empty", d)
	}

	// Reads of w2 never see w1.
	var nf *graph.NotFoundError
	if _, err := s.Asset(ctx, "w2", "DB"); !errors.As(err, &nf) || nf.Kind != "asset" || nf.In != "w2" {
		t.Errorf("Asset(w2, DB) = %v, want asset not found in w2", err)
	}
	if _, err := s.Org(ctx, "w2", "SELF"); !errors.As(err, &nf) || nf.Kind != "organization" || nf.In != "w2" {
		t.Errorf("Org(w2, SELF) = %v, want organization not found in w2", err)
	}
	if err := s.Walk(ctx, "w2", graph.WalkSpec{Starts: []string{"DB"}}, func(graph.Level) bool { return true }); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("Walk(w2, DB) = %v, want not found", err)
	}
	if es, _ := s.Entries(ctx, "w2", []graph.Cell{{Layer: graph.L3, Component: graph.Data}}); len(es) != 0 {
		t.Errorf("Entries(w2) = %v, want none", es)
	}
	if es, _ := s.Edges(ctx, "w2", "DB"); len(es) != 0 {
		t.Errorf("Edges(w2, DB) = %v, want none", es)
	}

	// Deleting w2 leaves w1; w2 is then unknown everywhere.
	if err := s.DeleteWorkspace(ctx, "w2"); err != nil {
		t.Fatal(err)
	}
	sameDump(t, "w1 after deleting w2", dumpWS(t, s, "w1"), w1)
	unknown := map[string]error{}
	_, unknown["Workspace"] = s.Workspace(ctx, "w2")
	_, unknown["Orgs"] = s.Orgs(ctx, "w2")
	_, unknown["Assets"] = s.Assets(ctx, "w2", graph.AssetQuery{})
	_, unknown["Asset"] = s.Asset(ctx, "w2", "DB")
	_, unknown["Edges"] = s.Edges(ctx, "w2", "")
	_, unknown["Statuses"] = s.Statuses(ctx, "w2", nil)
	_, unknown["Entries"] = s.Entries(ctx, "w2", nil)
	unknown["Walk"] = s.Walk(ctx, "w2", graph.WalkSpec{}, func(graph.Level) bool { return true })
	unknown["DeleteWorkspace"] = s.DeleteWorkspace(ctx, "w2")
	_, unknown["Write"] = tryWrite(s, graph.WriteSpec{Workspace: "w2"})
	for name, err := range unknown {
		if !errors.As(err, &nf) || nf.Kind != "workspace" || nf.ID != "w2" {
			t.Errorf("%s on a deleted workspace: %v, want workspace not found", name, err)
		}
	}
}
