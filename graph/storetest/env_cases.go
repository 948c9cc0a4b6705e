package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"cpsfgraph/graph"
)

// testEnvReader checks a graph.EnvReader against the four calls it stands
// for, on a generated workspace, after a write and a new catalog (its
// caches must follow), and for an unknown workspace.
func testEnvReader(t *testing.T, open func(t *testing.T) graph.Store) {
	s := open(t)
	r, ok := s.(graph.EnvReader)
	if !ok {
		t.Skip("the store does not implement graph.EnvReader")
	}
	ctx := context.Background()
	cat, w, b := Generate(5, 300)
	if _, err := Load(ctx, s, cat, w, b); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		// ReadEnv first: the separate calls must not refresh a cache it
		// shares with them.
		gotW, gotCat, gotOrgs, gotSts, err := r.ReadEnv(ctx, w.ID)
		if err != nil {
			t.Fatalf("%s: ReadEnv: %v", when, err)
		}
		wantW, err := s.Workspace(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantCat, err := s.Catalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantOrgs, err := s.Orgs(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantSts, err := s.Statuses(ctx, w.ID, graph.OrgIDs(wantOrgs))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotW, wantW) {
			t.Errorf("%s: ReadEnv workspace %+v, Workspace %+v", when, gotW, wantW)
		}
		if !reflect.DeepEqual(gotCat, wantCat) {
			t.Errorf("%s: ReadEnv's catalog differs from Catalog's", when)
		}
		if !reflect.DeepEqual(gotOrgs, wantOrgs) {
			t.Errorf("%s: ReadEnv organizations %v, Orgs %v", when, gotOrgs, wantOrgs)
		}
		if !reflect.DeepEqual(gotSts, wantSts) {
			t.Errorf("%s: ReadEnv has %d statuses, Statuses %d (or they differ)", when, len(gotSts), len(wantSts))
		}
		if len(wantOrgs) == 0 || len(wantSts) == 0 {
			t.Fatalf("%s: the generated workspace has %d organizations and %d statuses; want some of each", when, len(wantOrgs), len(wantSts))
		}
	}
	check("after the load")
	_, _, orgs, sts, _ := r.ReadEnv(ctx, w.ID) // warm the caches

	// A new organization with a status: both must show.
	spec := graph.WriteSpec{Workspace: w.ID, Source: "env-check", Run: "env-1", Now: fixedNow}
	org := graph.Org{ID: "env-new-org", Name: "New supplier", Role: graph.RoleSupplier}
	st := graph.ControlStatus{Subject: org.ID, Control: cat.Controls[0].Ref(), Status: graph.StatusPartial}
	if _, err := s.Write(ctx, spec, func(put func(graph.Batch) error) error {
		return put(graph.Batch{Orgs: []graph.Org{org}, Statuses: []graph.ControlStatus{st}})
	}); err != nil {
		t.Fatal(err)
	}
	_, _, orgs2, sts2, _ := r.ReadEnv(ctx, w.ID)
	check("after a write")
	if len(orgs2) != len(orgs)+1 || len(sts2) != len(sts)+1 {
		t.Errorf("after a write of one organization and its status: %d organizations (was %d), %d statuses (was %d)", len(orgs2), len(orgs), len(sts2), len(sts))
	}

	// A changed catalog (PutCatalog upserts): ReadEnv must not serve the
	// old one.
	th := cat.Threats[0]
	th.NameEN += " (renamed)"
	if err := s.PutCatalog(ctx, &graph.Catalog{Threats: []graph.Threat{th}}); err != nil {
		t.Fatal(err)
	}
	_, c, _, _, _ := r.ReadEnv(ctx, w.ID)
	check("after PutCatalog")
	if i := slices.IndexFunc(c.Threats, func(x graph.Threat) bool { return x.ID == th.ID }); i < 0 || c.Threats[i].NameEN != th.NameEN {
		t.Errorf("after PutCatalog renamed threat %s to %q: ReadEnv's catalog does not have the new name", th.ID, th.NameEN)
	}

	var nf *graph.NotFoundError
	if _, _, _, _, err := r.ReadEnv(ctx, "no-such-workspace"); !errors.As(err, &nf) || nf.Kind != "workspace" {
		t.Errorf("ReadEnv(unknown workspace): error %v, want a workspace *NotFoundError", err)
	}
}
