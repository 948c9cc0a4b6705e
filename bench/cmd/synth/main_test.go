package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"cpsfgraph/bench/synth"
	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/importers"
)

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-assets", "0"}, {"-density", "2"}, {"extra"}} {
		var out, errb bytes.Buffer
		if err := run(args, &out, &errb); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}

// The company workbook imports back into the same graph: every
// organization, asset, relationship and control status of the batch.
func TestCompanyWorkbookRoundTrip(t *testing.T) {
	cat := catalog.Default()
	path := filepath.Join(t.TempDir(), "company.xlsx")
	var out, errb bytes.Buffer
	if err := run([]string{"-assets", "1500", "-suppliers", "12", "-seed", "4", "-workspace", "rt", "-company", path}, &out, &errb); err != nil {
		t.Fatalf("run: %v (%s)", err, errb.String())
	}
	_, b := synth.Generate(synth.Config{Assets: 1500, Suppliers: 12, Seed: 4, Workspace: "rt", Catalog: cat})
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	if err := s.PutCatalog(ctx, cat); err != nil {
		t.Fatal(err)
	}
	rep, err := importers.Import(ctx, s, importers.Options{Workspace: "rt"}, path)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	for _, r := range rep.Rejections {
		t.Errorf("rejected: %+v", r)
	}
	orgs, _ := s.Orgs(ctx, "rt")
	page, _ := s.Assets(ctx, "rt", graph.AssetQuery{})
	edges, _ := s.Edges(ctx, "rt", "")
	sts, _ := s.Statuses(ctx, "rt", nil)
	if len(orgs) != len(b.Orgs) || page.Total != len(b.Assets) || len(sts) != len(b.Statuses) {
		t.Errorf("imported %d orgs, %d assets, %d statuses; batch has %d, %d, %d", len(orgs), page.Total, len(sts), len(b.Orgs), len(b.Assets), len(b.Statuses))
	}
	got := map[graph.EdgeKey]bool{}
	for _, e := range edges {
		got[e.Key()] = true
	}
	missing := 0
	for _, e := range b.Edges {
		if !got[e.Key()] {
			missing++
		}
	}
	if missing > 0 || len(edges) != len(b.Edges) {
		t.Errorf("imported %d edges, batch has %d, %d of them missing", len(edges), len(b.Edges), missing)
	}
}
