package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"cpsfgraph/graph"
)

// writeStep is one Write of a sequence, with the report it must give and
// what the workspace holds afterwards.
type writeStep struct {
	what   string
	spec   graph.WriteSpec // Workspace, Now filled in
	graph  string
	remove func(b *graph.Batch)
	want   graph.WriteReport
	// State after the step: asset IDs, org IDs, edges "FROM TYPE TO",
	// statuses "SUBJECT FW:ID status", asset names "ID=name".
	assets, orgs, edges, statuses, names []string
	// stamp of asset a1: "source run firstSeen lastSeen", times as hours
	// after fixedNow ("" = not checked).
	stamp string
}

func cnt(created, updated, unchanged, removed int) graph.Counts {
	return graph.Counts{Created: created, Updated: updated, Unchanged: unchanged, Removed: removed}
}

const writeV1 = `org o1 self; org o2 supplier
asset a1 systems L3; asset a2 data L3
a2 STORED_ON a1
a1 PROTECTED_BY TFW:MAP-A implemented
o1 IMPLEMENTS TFW:MAP-O partial`

func writeSteps() []writeStep {
	src := "src.xlsx"
	return []writeStep{
		{what: "first import creates everything", spec: graph.WriteSpec{Source: src, Run: "r1"}, graph: writeV1,
			want:   graph.WriteReport{Orgs: cnt(2, 0, 0, 0), Assets: cnt(2, 0, 0, 0), Edges: cnt(1, 0, 0, 0), Statuses: cnt(2, 0, 0, 0)},
			assets: []string{"a1", "a2"}, orgs: []string{"o1", "o2"}, edges: []string{"a2 STORED_ON a1"},
			statuses: []string{"a1 TFW:MAP-A implemented", "o1 TFW:MAP-O partial"}, names: []string{"a1=a1", "a2=a2"}, stamp: "src.xlsx r1 +1h +1h"},
		{what: "the same import again changes nothing", spec: graph.WriteSpec{Source: src, Run: "r2"}, graph: writeV1,
			want:   graph.WriteReport{Orgs: cnt(0, 0, 2, 0), Assets: cnt(0, 0, 2, 0), Edges: cnt(0, 0, 1, 0), Statuses: cnt(0, 0, 2, 0)},
			assets: []string{"a1", "a2"}, orgs: []string{"o1", "o2"}, edges: []string{"a2 STORED_ON a1"},
			statuses: []string{"a1 TFW:MAP-A implemented", "o1 TFW:MAP-O partial"}, names: []string{"a1=a1", "a2=a2"}, stamp: "src.xlsx r2 +1h +2h"},
		{what: "a dry run counts but writes nothing",
			spec:   graph.WriteSpec{Source: src, Run: "r3", DryRun: true, Sweep: true},
			graph:  "org o1 self; asset a1 systems L3; asset a2 data L3 name=renamed; asset a3 things L2",
			want:   graph.WriteReport{Orgs: cnt(0, 0, 1, 1), Assets: cnt(1, 1, 1, 0), Edges: cnt(0, 0, 0, 1), Statuses: cnt(0, 0, 0, 2)},
			assets: []string{"a1", "a2"}, orgs: []string{"o1", "o2"}, edges: []string{"a2 STORED_ON a1"},
			statuses: []string{"a1 TFW:MAP-A implemented", "o1 TFW:MAP-O partial"}, names: []string{"a1=a1", "a2=a2"}, stamp: "src.xlsx r2 +1h +2h"},
		{what: "a sweep removes what the source no longer lists and updates what changed",
			spec: graph.WriteSpec{Source: src, Run: "r4", Sweep: true},
			graph: "org o1 self; asset a1 systems L3; asset a2 data L3 name=renamed\n" +
				"a1 PROTECTED_BY TFW:MAP-A partial",
			want:   graph.WriteReport{Orgs: cnt(0, 0, 1, 1), Assets: cnt(0, 1, 1, 0), Edges: cnt(0, 0, 0, 1), Statuses: cnt(0, 1, 0, 1)},
			assets: []string{"a1", "a2"}, orgs: []string{"o1"},
			statuses: []string{"a1 TFW:MAP-A partial"}, names: []string{"a1=a1", "a2=renamed"}, stamp: "src.xlsx r4 +1h +4h"},
		{what: "another source adds its own nodes", spec: graph.WriteSpec{Source: "other.xlsx", Run: "o1"},
			graph:  "existing asset a1; asset b1 systems L3; org ob; b1 CONNECTS_TO a1",
			want:   graph.WriteReport{Orgs: cnt(1, 0, 0, 0), Assets: cnt(1, 0, 0, 0), Edges: cnt(1, 0, 0, 0)},
			assets: []string{"a1", "a2", "b1"}, orgs: []string{"o1", "ob"}, edges: []string{"b1 CONNECTS_TO a1"},
			statuses: []string{"a1 TFW:MAP-A partial"}, names: []string{"a1=a1", "a2=renamed", "b1=b1"}, stamp: "src.xlsx r4 +1h +4h"},
		{what: "a sweep touches only its own source",
			spec:   graph.WriteSpec{Source: src, Run: "r5", Sweep: true},
			graph:  "org o1 self; asset a1 systems L3; a1 PROTECTED_BY TFW:MAP-A partial",
			want:   graph.WriteReport{Orgs: cnt(0, 0, 1, 0), Assets: cnt(0, 0, 1, 1), Statuses: cnt(0, 0, 1, 0)},
			assets: []string{"a1", "b1"}, orgs: []string{"o1", "ob"}, edges: []string{"b1 CONNECTS_TO a1"},
			statuses: []string{"a1 TFW:MAP-A partial"}, names: []string{"a1=a1", "b1=b1"}, stamp: "src.xlsx r5 +1h +6h"},
		{what: "an explicit removal of an edge",
			spec: graph.WriteSpec{Source: "other.xlsx", Run: "o2"},
			remove: func(b *graph.Batch) {
				b.RemoveEdges = []graph.EdgeKey{{Type: graph.RelConnectsTo, From: "b1", To: "a1"}}
			},
			want:   graph.WriteReport{Edges: cnt(0, 0, 0, 1)},
			assets: []string{"a1", "b1"}, orgs: []string{"o1", "ob"},
			statuses: []string{"a1 TFW:MAP-A partial"}, names: []string{"a1=a1", "b1=b1"}, stamp: "src.xlsx r5 +1h +6h"},
		{what: "an explicit removal of a status",
			spec: graph.WriteSpec{Source: src, Run: "r6"},
			remove: func(b *graph.Batch) {
				b.RemoveStatuses = []graph.StatusKey{{Subject: "a1", Control: graph.ControlRef{Framework: FixtureFW, ID: "MAP-A"}}}
			},
			want:   graph.WriteReport{Statuses: cnt(0, 0, 0, 1)},
			assets: []string{"a1", "b1"}, orgs: []string{"o1", "ob"}, names: []string{"a1=a1", "b1=b1"}, stamp: "src.xlsx r5 +1h +6h"},
		{what: "the source adds a node", spec: graph.WriteSpec{Source: src, Run: "r7"}, graph: "asset a3 things L2",
			want:   graph.WriteReport{Assets: cnt(1, 0, 0, 0)},
			assets: []string{"a1", "a3", "b1"}, orgs: []string{"o1", "ob"}, names: []string{"a1=a1", "a3=a3", "b1=b1"}, stamp: "src.xlsx r5 +1h +6h"},
		{what: "another source links to it and protects it", spec: graph.WriteSpec{Source: "other.xlsx", Run: "o3"},
			graph:  "existing asset a3; existing asset b1; b1 CONNECTS_TO a3; a3 PROTECTED_BY TFW:MAP-T implemented",
			want:   graph.WriteReport{Edges: cnt(1, 0, 0, 0), Statuses: cnt(1, 0, 0, 0)},
			assets: []string{"a1", "a3", "b1"}, orgs: []string{"o1", "ob"}, edges: []string{"b1 CONNECTS_TO a3"},
			statuses: []string{"a3 TFW:MAP-T implemented"}, names: []string{"a1=a1", "a3=a3", "b1=b1"}, stamp: "src.xlsx r5 +1h +6h"},
		{what: "a sweep removes the node with what the other source put on it",
			spec:   graph.WriteSpec{Source: src, Run: "r8", Sweep: true},
			graph:  "org o1 self; asset a1 systems L3",
			want:   graph.WriteReport{Orgs: cnt(0, 0, 1, 0), Assets: cnt(0, 0, 1, 1), Edges: cnt(0, 0, 0, 1), Statuses: cnt(0, 0, 0, 1)},
			assets: []string{"a1", "b1"}, orgs: []string{"o1", "ob"}, names: []string{"a1=a1", "b1=b1"}, stamp: "src.xlsx r8 +1h +11h"},
	}
}

func runWriteCases(t *testing.T, open func(t *testing.T) graph.Store) {
	t.Run("counts, sweep and dry run", func(t *testing.T) {
		s := setup(t, open, "", nil)
		ctx := context.Background()
		for i, st := range writeSteps() {
			b := MustGraph(st.graph)
			if st.remove != nil {
				st.remove(&b)
			}
			spec := st.spec
			spec.Workspace = ws
			spec.Now = fixedNow.Add(time.Duration(i+1) * time.Hour)
			rep, err := s.Write(ctx, spec, func(put func(graph.Batch) error) error { return put(b) })
			if err != nil {
				t.Fatalf("step %d (%s): Write: %v", i+1, st.what, err)
			}
			if rep != st.want {
				t.Errorf("step %d (%s): report\n  got  %+v\n  want %+v", i+1, st.what, rep, st.want)
			}
			checkState(t, fmt.Sprintf("after step %d (%s)", i+1, st.what), s, st)
			a1, err := s.Asset(ctx, ws, "a1")
			if err != nil {
				t.Fatalf("step %d: Asset(a1): %v", i+1, err)
			}
			hours := func(x time.Time) string { return fmt.Sprintf("%+dh", int(x.Sub(fixedNow).Hours())) }
			if got := fmt.Sprintf("%s %s %s %s", a1.Source, a1.Run, hours(a1.FirstSeen), hours(a1.LastSeen)); got != st.stamp {
				t.Errorf("step %d (%s): stamp of a1 %q, want %q", i+1, st.what, got, st.stamp)
			}
		}
	})

	// All or nothing: after each failed write the workspace holds exactly the
	// base graph.
	base := "asset a1 systems L3; asset a2 data L3; a2 STORED_ON a1"
	baseState := writeStep{assets: []string{"a1", "a2"}, edges: []string{"a2 STORED_ON a1"}, names: []string{"a1=a1", "a2=a2"}}
	boom := errors.New("boom")
	fails := []struct {
		name  string
		fill  func(put func(graph.Batch) error) error
		want  error // errors.Is target; nil = any error
		extra string
	}{
		{name: "fill returns an error after a good batch", want: boom, fill: func(put func(graph.Batch) error) error {
			if err := put(MustGraph("asset n1 systems L3; asset a3 data L3")); err != nil {
				return err
			}
			return boom
		}},
		{name: "an edge to an unknown node in the second batch", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			if err := put(MustGraph("asset n1 systems L3")); err != nil {
				return err
			}
			return put(graph.Batch{Edges: []graph.Edge{{Type: graph.RelConnectsTo, From: "n1", To: "ghost"}}})
		}},
		{name: "an unknown component", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			return put(graph.Batch{Assets: []graph.Asset{{ID: "n1", Component: "systems"}, {ID: "n2", Component: "robots", Layers: []graph.LayerID{graph.L3}}}})
		}},
		{name: "an unknown layer", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			return put(graph.Batch{Assets: []graph.Asset{{ID: "n1", Component: graph.Systems, Layers: []graph.LayerID{"L4"}}}})
		}},
		{name: "an unknown edge type", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			b := MustGraph("asset n1 systems L3")
			b.Edges = []graph.Edge{{Type: "LIKES", From: "n1", To: "a1"}}
			return put(b)
		}},
		{name: "an unknown status value", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			b := MustGraph("asset n1 systems L3")
			b.Statuses = []graph.ControlStatus{{Subject: "n1", Control: graph.ControlRef{Framework: FixtureFW, ID: "MAP-A"}, Status: "done"}}
			return put(b)
		}},
		{name: "a status on an unknown control", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			b := MustGraph("asset n1 systems L3")
			b.Statuses = []graph.ControlStatus{{Subject: "n1", Control: graph.ControlRef{Framework: FixtureFW, ID: "NOPE"}, Status: graph.StatusImplemented}}
			return put(b)
		}},
		{name: "an organization with an asset's ID (one ID space)", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			return put(MustGraph("org a1"))
		}},
		{name: "an asset whose owner is not an organization", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			return put(graph.Batch{Assets: []graph.Asset{{ID: "n1", Component: graph.Systems, Layers: []graph.LayerID{graph.L3}, Owner: "a1"}}})
		}},
		{name: "SUPPLIES from an asset", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			return put(MustGraph("existing asset a1; org o; a1 SUPPLIES o"))
		}},
		{name: "SUPPLIED_BY to an asset", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			return put(MustGraph("existing asset a1 a2; a2 SUPPLIED_BY a1"))
		}},
		{name: "OWNED_BY to an asset", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			return put(MustGraph("existing asset a1 a2; a2 OWNED_BY a1"))
		}},
		{name: "a C/I/A rating out of 0..3", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			return put(MustGraph("asset n1 systems L3 cia=4/1/1"))
		}},
		{name: "a status on an unknown subject", want: graph.ErrInvalid, fill: func(put func(graph.Batch) error) error {
			b := MustGraph("asset n1 systems L3")
			b.Statuses = []graph.ControlStatus{{Subject: "ghost", Control: graph.ControlRef{Framework: FixtureFW, ID: "MAP-A"}, Status: graph.StatusImplemented}}
			return put(b)
		}},
	}
	for _, f := range fails {
		t.Run("all or nothing: "+f.name, func(t *testing.T) {
			s := setup(t, open, base, nil)
			_, err := s.Write(context.Background(), graph.WriteSpec{Workspace: ws, Source: FixtureSource, Run: "run-2", Sweep: true}, f.fill)
			switch {
			case err == nil:
				t.Fatalf("Write succeeded, want an error")
			case f.want != nil && !errors.Is(err, f.want):
				t.Errorf("Write error %v, want one that errors.Is %v", err, f.want)
			}
			checkState(t, "after the failed write", s, baseState)
		})
	}

	t.Run("an edge may name a node that a later batch of the same run creates", func(t *testing.T) {
		s := setup(t, open, "asset a1 systems L3", nil)
		rep, err := s.Write(context.Background(), graph.WriteSpec{Workspace: ws, Source: FixtureSource, Run: "run-2"}, func(put func(graph.Batch) error) error {
			if err := put(graph.Batch{Edges: []graph.Edge{{Type: graph.RelRunsOn, From: "n1", To: "a1"}}}); err != nil {
				return err
			}
			return put(MustGraph("asset n1 procedures L3"))
		})
		if err != nil {
			t.Fatalf("Write: %v", err)
		}
		if want := (graph.WriteReport{Assets: cnt(1, 0, 0, 0), Edges: cnt(1, 0, 0, 0)}); rep != want {
			t.Errorf("report\n  got  %+v\n  want %+v", rep, want)
		}
		checkState(t, "after the write", s, writeStep{assets: []string{"a1", "n1"}, edges: []string{"n1 RUNS_ON a1"}, names: []string{"a1=a1", "n1=n1"}})
	})
}

// checkState compares the workspace's assets, orgs, edges, statuses and
// asset names with the step's expectations.
func checkState(t *testing.T, when string, s graph.Store, st writeStep) {
	t.Helper()
	ctx := context.Background()
	page, err := s.Assets(ctx, ws, graph.AssetQuery{})
	if err != nil {
		t.Fatalf("%s: Assets: %v", when, err)
	}
	var assets, names []string
	for _, a := range page.Assets {
		assets = append(assets, a.ID)
		names = append(names, a.ID+"="+a.Name)
	}
	checkList(t, when+": assets", assets, st.assets)
	checkList(t, when+": asset names", names, st.names)
	orgs, err := s.Orgs(ctx, ws)
	if err != nil {
		t.Fatalf("%s: Orgs: %v", when, err)
	}
	var oids []string
	for _, o := range orgs {
		oids = append(oids, o.ID)
	}
	checkList(t, when+": organizations", oids, st.orgs)
	edges, err := s.Edges(ctx, ws, "")
	if err != nil {
		t.Fatalf("%s: Edges: %v", when, err)
	}
	var es []string
	for _, e := range edges {
		es = append(es, fmt.Sprintf("%s %s %s", e.From, e.Type, e.To))
	}
	checkSet(t, when+": edges", es, st.edges)
	sts, err := s.Statuses(ctx, ws, nil)
	if err != nil {
		t.Fatalf("%s: Statuses: %v", when, err)
	}
	var ss []string
	for _, x := range sts {
		ss = append(ss, fmt.Sprintf("%s %s %s", x.Subject, x.Control, x.Status))
	}
	checkList(t, when+": statuses", ss, st.statuses)
}
