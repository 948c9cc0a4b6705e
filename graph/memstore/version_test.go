package memstore_test

import (
	"context"
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/internal/demo"
)

// TestAnalyzerCacheFollowsWrites: the analyzer caches whole-workspace pairs
// under the store's version, and a write makes the next answer fresh.
func TestAnalyzerCacheFollowsWrites(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	if _, err := demo.Load(ctx, s); err != nil {
		t.Fatal(err)
	}
	v1, err := s.Version(ctx, demo.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	an := graph.NewAnalyzer(s)
	before, err := an.HeatmapIPA(ctx, demo.WorkspaceID, -1)
	if err != nil {
		t.Fatal(err)
	}
	again, err := an.HeatmapIPA(ctx, demo.WorkspaceID, -1)
	if err != nil || again.Pairs != before.Pairs {
		t.Fatalf("cached answer differs: %v %d vs %d", err, again.Pairs, before.Pairs)
	}
	if v, _ := s.Version(ctx, demo.WorkspaceID); v != v1 {
		t.Fatalf("version moved without a write: %s -> %s", v1, v)
	}

	// A write to another workspace leaves this one's version alone.
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "other"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(ctx, graph.WriteSpec{Workspace: "other", Source: "test", Run: "1"}, func(put func(graph.Batch) error) error {
		return put(graph.Batch{Orgs: []graph.Org{{ID: "o", Name: "O", Role: graph.RoleSelf}}})
	}); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Version(ctx, demo.WorkspaceID); v != v1 {
		t.Errorf("a write to another workspace moved the version: %s -> %s", v1, v)
	}

	// Implement every control the catalog has at every organization: the
	// risks must fall, so the cached pairs must not be served.
	cat, _ := s.Catalog(ctx)
	orgs, _ := s.Orgs(ctx, demo.WorkspaceID)
	var b graph.Batch
	for _, o := range orgs {
		for _, c := range cat.Controls {
			b.Statuses = append(b.Statuses, graph.ControlStatus{Subject: o.ID, Control: c.Ref(), Status: graph.StatusImplemented})
		}
	}
	if _, err := s.Write(ctx, graph.WriteSpec{Workspace: demo.WorkspaceID, Source: "test", Run: "1"}, func(put func(graph.Batch) error) error { return put(b) }); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Version(ctx, demo.WorkspaceID); v == v1 {
		t.Fatal("version did not change after a write")
	}
	after, err := an.HeatmapIPA(ctx, demo.WorkspaceID, -1)
	if err != nil {
		t.Fatal(err)
	}
	high := func(h *graph.IPAHeatmap) (n int) {
		for _, c := range h.Cells {
			if c.Band == graph.BandHigh {
				n += c.Count
			}
		}
		return n
	}
	if high(after) >= high(before) {
		t.Errorf("high-band pairs %d -> %d: the write was not seen", high(before), high(after))
	}
	fresh, err := graph.NewAnalyzer(s).HeatmapIPA(ctx, demo.WorkspaceID, -1)
	if err != nil || high(fresh) != high(after) {
		t.Errorf("cached analyzer %d, fresh analyzer %d", high(after), high(fresh))
	}
}
