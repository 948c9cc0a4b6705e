package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/internal/demo"
)

func TestCatalogCompleteness(t *testing.T) {
	e := setup(t)
	var d struct {
		Catalog struct {
			Requirements []struct {
				ID         string
				Provenance struct{ Official bool }
			}
			Threats []struct {
				ID         string
				Provenance struct {
					Source   string
					Official bool
				}
			}
			Completeness []struct {
				Kind      string
				Framework *string
				Present   int
				Expected  *int
				Official  int
				Own       int
			}
			Mappings struct{ TotalCount int }
		}
	}
	e.ok("viewer", `{ catalog { requirements { id provenance { official } } threats { id provenance { source official } }
		completeness { kind framework present expected official own } mappings(first: 1) { totalCount } } }`, nil, &d)
	want := catalog.Default()
	if len(d.Catalog.Requirements) != len(want.Requirements) {
		t.Errorf("requirements: got %d, want %d", len(d.Catalog.Requirements), len(want.Requirements))
	}
	if d.Catalog.Mappings.TotalCount != len(want.Mappings) {
		t.Errorf("mappings totalCount %d, want %d", d.Catalog.Mappings.TotalCount, len(want.Mappings))
	}
	var found bool
	for _, c := range d.Catalog.Completeness {
		if c.Kind == "requirements" && c.Framework != nil && *c.Framework == catalog.FwCPSF {
			found = true
			if c.Present != len(want.Requirements) || c.Expected == nil || *c.Expected != catalog.CPSFRequirementsTotal {
				t.Errorf("CPSF completeness: %+v, want %d of %d", c, len(want.Requirements), catalog.CPSFRequirementsTotal)
			}
			if c.Official+c.Own != c.Present {
				t.Errorf("official %d + own %d != present %d", c.Official, c.Own, c.Present)
			}
		}
	}
	if !found {
		t.Errorf("no CPSF requirements completeness line in %+v", d.Catalog.Completeness)
	}
	// Official and own content are told apart: our threat library's
	// mappings are cpsfgraph's, the IPA threats official.
	for _, th := range d.Catalog.Threats {
		if th.Provenance.Official != (th.Provenance.Source != graph.SourceCpsfgraph) {
			t.Errorf("threat %s: official %v with source %q", th.ID, th.Provenance.Official, th.Provenance.Source)
		}
	}
}

func TestAssetsPaging(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	all, err := e.store.Store.Assets(ctx, demo.WorkspaceID, graph.AssetQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	after := ""
	for page := 0; ; page++ {
		var d struct {
			Assets struct {
				TotalCount int
				Edges      []struct {
					Cursor string
					Node   struct{ ID string }
				}
				PageInfo struct {
					HasNextPage, HasPreviousPage bool
					EndCursor                    *string
				}
			}
		}
		vars := map[string]any{"ws": demo.WorkspaceID, "first": 7}
		if after != "" {
			vars["after"] = after
		}
		e.ok("viewer", `query($ws: ID!, $first: Int, $after: String) { assets(workspace: $ws, first: $first, after: $after) {
			totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`, vars, &d)
		if d.Assets.TotalCount != all.Total {
			t.Fatalf("totalCount %d, want %d", d.Assets.TotalCount, all.Total)
		}
		if d.Assets.PageInfo.HasPreviousPage != (page > 0) {
			t.Errorf("page %d: hasPreviousPage %v", page, d.Assets.PageInfo.HasPreviousPage)
		}
		for _, ed := range d.Assets.Edges {
			ids = append(ids, ed.Node.ID)
		}
		if !d.Assets.PageInfo.HasNextPage {
			break
		}
		after = *d.Assets.PageInfo.EndCursor
		if page > 100 {
			t.Fatal("paging does not end")
		}
	}
	var want []string
	for _, a := range all.Assets {
		want = append(want, a.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("paged IDs\n%v\nwant\n%v", ids, want)
	}

	// Filters delegate to the store's query.
	var d struct {
		Assets struct {
			TotalCount int
			Nodes      []struct {
				ID        string
				Component string
			}
		}
	}
	e.ok("viewer", `{ assets(workspace: "demo", filter: {component: THINGS, layer: L2}, first: 500) { totalCount nodes { id component } } }`, nil, &d)
	things, _ := e.store.Store.Assets(ctx, demo.WorkspaceID, graph.AssetQuery{Component: graph.Things, Layer: graph.L2})
	if d.Assets.TotalCount != things.Total || len(d.Assets.Nodes) != len(things.Assets) || things.Total == 0 {
		t.Errorf("filter: got %d/%d, want %d", len(d.Assets.Nodes), d.Assets.TotalCount, things.Total)
	}
	for _, n := range d.Assets.Nodes {
		if n.Component != "THINGS" {
			t.Errorf("filter component: %s is %s", n.ID, n.Component)
		}
	}
}

func TestThreatsReaching(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	want, err := graph.NewAnalyzer(e.store.Store).ThreatsReaching(ctx, demo.WorkspaceID, "D-DRAWINGS", graph.ReachOptions{MaxHops: 4, PathLimit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Threats) == 0 {
		t.Fatal("demo: no threat reaches D-DRAWINGS")
	}
	var d struct {
		ThreatsReaching struct {
			Asset   struct{ ID string }
			MaxHops int
			Threats []struct {
				Threat struct{ ID string }
				Score  struct {
					Risk   int
					Band   string
					BandJA string
				}
				Truncated bool
				Paths     []struct {
					Length int
					Hops   []struct {
						Node     string
						Status   string
						Coverage float64
						Covering []struct{ Ref string }
						Gaps     []struct {
							RiskSource   struct{ ID string }
							Requirements []struct{ ID string }
							Controls     []struct{ Ref string }
						}
					}
				}
			}
		}
	}
	e.ok("viewer", `{ threatsReaching(workspace: "demo", asset: "D-DRAWINGS", maxHops: 4, paths: 3) {
		asset { id } maxHops threats { threat { id } score { risk band bandJA } truncated
		paths { length hops { node status coverage covering { ref } gaps { riskSource { id } requirements { id } controls { ref } } } } } } }`, nil, &d)
	got := d.ThreatsReaching
	if got.Asset.ID != "D-DRAWINGS" || got.MaxHops != 4 || len(got.Threats) != len(want.Threats) {
		t.Fatalf("got asset %s maxHops %d threats %d, want %d threats", got.Asset.ID, got.MaxHops, len(got.Threats), len(want.Threats))
	}
	for i, w := range want.Threats {
		g := got.Threats[i]
		if g.Threat.ID != w.Threat.ID || g.Score.Risk != w.Score.Risk || !strings.EqualFold(g.Score.Band, string(w.Score.Band)) || g.Score.BandJA != w.Score.Band.LabelJA() {
			t.Errorf("threat %d: got %s risk %d %s %s, want %s risk %d %s", i, g.Threat.ID, g.Score.Risk, g.Score.Band, g.Score.BandJA, w.Threat.ID, w.Score.Risk, w.Score.Band)
		}
		if len(g.Paths) != len(w.Paths) || g.Truncated != w.Truncated {
			t.Errorf("threat %s: %d paths, want %d", w.Threat.ID, len(g.Paths), len(w.Paths))
			continue
		}
		for j, wp := range w.Paths {
			gp := g.Paths[j]
			if gp.Length != wp.Len() || len(gp.Hops) != len(wp.Hops) {
				t.Errorf("threat %s path %d: length %d, want %d", w.Threat.ID, j, gp.Length, wp.Len())
				continue
			}
			for k, wh := range wp.Hops {
				gh := gp.Hops[k]
				if gh.Node != wh.Node || gh.Coverage != wh.Coverage || len(gh.Covering) != len(wh.Covering) || len(gh.Gaps) != len(wh.Gaps) {
					t.Errorf("threat %s path %d hop %d: got %+v, want %+v", w.Threat.ID, j, k, gh, wh)
				}
				for gi, wg := range wh.Gaps {
					if gh.Gaps[gi].RiskSource.ID != wg.RiskSource || len(gh.Gaps[gi].Requirements) != len(wg.Requirements) || len(gh.Gaps[gi].Controls) != len(wg.Controls) {
						t.Errorf("gap %d at %s: got %+v, want %+v", gi, wh.Node, gh.Gaps[gi], wg)
					}
				}
			}
		}
	}
}

func TestBlastRadiusAndHeatmaps(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	an := graph.NewAnalyzer(e.store.Store)
	cat, _ := e.store.Store.Catalog(ctx)
	var threat string
	var br *graph.BlastRadius
	for _, th := range cat.Threats {
		b, err := an.AssetsReachedBy(ctx, demo.WorkspaceID, th.ID, graph.ReachOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Assets) > 5 {
			threat, br = th.ID, b
			break
		}
	}
	if br == nil {
		t.Fatal("demo: no threat reaches more than 5 assets")
	}
	var got []string
	after := ""
	for {
		var d struct {
			AssetsReachedBy struct {
				Entries int
				Assets  struct {
					TotalCount int
					Nodes      []struct {
						Asset struct{ ID string }
						Score struct{ Risk int }
						Path  []string
					}
					PageInfo struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
		}
		vars := map[string]any{"t": threat}
		if after != "" {
			vars["after"] = after
		}
		e.ok("viewer", `query($t: ID!, $after: String) { assetsReachedBy(workspace: "demo", threat: $t) { entries
			assets(first: 4, after: $after) { totalCount nodes { asset { id } score { risk } path } pageInfo { hasNextPage endCursor } } } }`, vars, &d)
		if d.AssetsReachedBy.Assets.TotalCount != len(br.Assets) || d.AssetsReachedBy.Entries != br.Entries {
			t.Fatalf("totalCount %d entries %d, want %d, %d", d.AssetsReachedBy.Assets.TotalCount, d.AssetsReachedBy.Entries, len(br.Assets), br.Entries)
		}
		for _, n := range d.AssetsReachedBy.Assets.Nodes {
			got = append(got, fmt.Sprintf("%s:%d:%d", n.Asset.ID, n.Score.Risk, len(n.Path)))
		}
		if !d.AssetsReachedBy.Assets.PageInfo.HasNextPage {
			break
		}
		after = *d.AssetsReachedBy.Assets.PageInfo.EndCursor
	}
	var want []string
	for _, r := range br.Assets {
		want = append(want, fmt.Sprintf("%s:%d:%d", r.Asset, r.Score.Risk, len(r.Path)))
	}
	if !slices.Equal(got, want) {
		t.Errorf("blast radius of %s:\n%v\nwant\n%v", threat, got, want)
	}

	// IPA matrix: the cells' pair pages add up to the pairs.
	ipa, err := an.HeatmapIPA(ctx, demo.WorkspaceID, 5)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		IpaHeatmap struct {
			PairCount int
			Cells     []struct {
				Importance, Damage, Risk, Count int
				Band                            string
				Pairs                           struct {
					TotalCount int
					Nodes      []struct {
						Threat struct{ ID string }
						Asset  struct{ ID string }
						Score  struct{ Importance, Damage int }
					}
				}
			}
		}
		CpsfHeatmap struct {
			Cells []struct {
				Layer, Component  string
				Assets, PairCount int
				Coverage          float64
				Pairs             struct{ TotalCount int }
			}
		}
		SupplyHeatmap struct {
			Rows []struct {
				Organization struct{ ID string }
				Tier         int
				Cells        []struct {
					Function string
					Coverage float64
				}
			}
		}
	}
	e.ok("viewer", `{ ipaHeatmap(workspace: "demo") { pairCount cells { importance damage risk band count
		pairs(first: 500) { totalCount nodes { threat { id } asset { id } score { importance damage } } } } }
		cpsfHeatmap(workspace: "demo") { cells { layer component assets pairCount coverage pairs(first: 1) { totalCount } } }
		supplyHeatmap(workspace: "demo") { rows { organization { id } tier cells { function coverage } } } }`, nil, &d)
	if d.IpaHeatmap.PairCount != ipa.Pairs || len(d.IpaHeatmap.Cells) != 9 {
		t.Fatalf("ipa: pairCount %d cells %d, want %d, 9", d.IpaHeatmap.PairCount, len(d.IpaHeatmap.Cells), ipa.Pairs)
	}
	sum := 0
	for i, c := range d.IpaHeatmap.Cells {
		w := ipa.Cells[i]
		if c.Count != w.Count || c.Risk != w.Risk || c.Pairs.TotalCount != w.Count || len(c.Pairs.Nodes) != min(w.Count, 500) {
			t.Errorf("ipa cell %d/%d: count %d pairs %d, want %d", c.Importance, c.Damage, c.Count, c.Pairs.TotalCount, w.Count)
		}
		for _, p := range c.Pairs.Nodes {
			if p.Score.Importance != c.Importance || p.Score.Damage != c.Damage {
				t.Errorf("pair %s/%s in cell %d/%d has score %+v", p.Threat.ID, p.Asset.ID, c.Importance, c.Damage, p.Score)
			}
		}
		sum += c.Count
	}
	if sum != ipa.Pairs || sum == 0 {
		t.Errorf("ipa cells add up to %d, want %d (> 0)", sum, ipa.Pairs)
	}
	cpsf, err := an.HeatmapCPSF(ctx, demo.WorkspaceID, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range d.CpsfHeatmap.Cells {
		w := cpsf.Cells[i]
		if c.Assets != w.Assets || c.PairCount != w.Pairs || c.Pairs.TotalCount != w.Pairs || c.Coverage != w.Coverage {
			t.Errorf("cpsf cell %s/%s: %+v, want %+v", c.Layer, c.Component, c, w)
		}
	}
	sup, err := an.HeatmapSupply(ctx, demo.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.SupplyHeatmap.Rows) != len(sup.Rows) {
		t.Fatalf("supply rows %d, want %d", len(d.SupplyHeatmap.Rows), len(sup.Rows))
	}
	for i, r := range d.SupplyHeatmap.Rows {
		if r.Organization.ID != sup.Rows[i].Org.ID || r.Tier != sup.Rows[i].Tier || r.Cells[0].Coverage != sup.Rows[i].Cells[0].Coverage {
			t.Errorf("supply row %d: %+v, want %+v", i, r, sup.Rows[i])
		}
	}
}

func TestCoverageAgainstFramework(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	var d struct {
		Coverage struct {
			Framework struct{ ID string }
			Controls  []struct {
				Control  struct{ Ref string }
				Statuses []struct {
					Organization struct{ ID string }
					Status       *string
				}
				Implemented, Partial int
			}
			Organizations []struct {
				Organization                          struct{ ID string }
				Controls, Implemented, Partial, Unset int
				Coverage                              float64
				Ready                                 bool
			}
			Cells []struct {
				Layer, Component string
				Coverage         float64
				Controls         []struct{ Ref string }
			}
		}
	}
	e.ok("viewer", `{ coverage(workspace: "demo", framework: "IPA-SME-5") { framework { id }
		controls { control { ref } statuses { organization { id } status } implemented partial }
		organizations { organization { id } controls implemented partial unset coverage ready }
		cells { layer component coverage controls { ref } } } }`, nil, &d)
	orgs, _ := e.store.Store.Orgs(ctx, demo.WorkspaceID)
	sts, _ := e.store.Store.Statuses(ctx, demo.WorkspaceID, nil)
	has := map[string]graph.Status{}
	for _, s := range sts {
		has[s.Subject+"|"+s.Control.String()] = s.Status
	}
	c := d.Coverage
	if c.Framework.ID != "IPA-SME-5" || len(c.Controls) == 0 || len(c.Organizations) != len(orgs) || len(c.Cells) != 18 {
		t.Fatalf("coverage: framework %s, %d controls, %d orgs, %d cells", c.Framework.ID, len(c.Controls), len(c.Organizations), len(c.Cells))
	}
	for _, ctl := range c.Controls {
		impl := 0
		for _, s := range ctl.Statuses {
			w, ok := has[s.Organization.ID+"|"+ctl.Control.Ref]
			if ok != (s.Status != nil) || (ok && !strings.EqualFold(*s.Status, string(w))) {
				t.Errorf("%s at %s: got %v, want %q", ctl.Control.Ref, s.Organization.ID, s.Status, w)
			}
			if ok && w == graph.StatusImplemented {
				impl++
			}
		}
		if ctl.Implemented != impl {
			t.Errorf("%s: implemented %d, want %d", ctl.Control.Ref, ctl.Implemented, impl)
		}
	}
	for _, o := range c.Organizations {
		want := (float64(o.Implemented) + float64(o.Partial)/2) / float64(o.Controls)
		if o.Coverage != want || o.Ready != (o.Implemented == o.Controls) {
			t.Errorf("org %s: coverage %v ready %v, want %v", o.Organization.ID, o.Coverage, o.Ready, want)
		}
	}
	cpsf, _ := graph.NewAnalyzer(e.store.Store).HeatmapCPSF(ctx, demo.WorkspaceID, 5)
	for i, cell := range c.Cells {
		if cell.Coverage != cpsf.Cells[i].Coverage {
			t.Errorf("cell %s/%s coverage %v, want %v", cell.Layer, cell.Component, cell.Coverage, cpsf.Cells[i].Coverage)
		}
		for _, ctl := range cell.Controls {
			if !strings.HasPrefix(ctl.Ref, "IPA-SME-5:") {
				t.Errorf("cell %s/%s lists %s, not of the framework", cell.Layer, cell.Component, ctl.Ref)
			}
		}
	}
	r := e.query("viewer", `{ coverage(workspace: "demo", framework: "NOPE") { workspace } }`, nil)
	if !slices.Equal(r.codes(), []string{"NOT_FOUND"}) {
		t.Errorf("unknown framework: codes %v", r.codes())
	}
}
