package memstore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
)

var ctx = context.Background()

// t0 is the clock of the first write in the tests.
var t0 = time.Date(2026, 4, 1, 9, 0, 0, 123456789, time.UTC)

// testCatalog is a small catalog with every kind of item and mapping.
func testCatalog() *graph.Catalog {
	p := graph.Provenance{Source: "IPA guideline 3.1", Verification: "verified"}
	own := graph.Provenance{Source: graph.SourceCpsfgraph, Verification: "unverified"}
	return &graph.Catalog{
		Layers:       []graph.LayerInfo{{ID: graph.L1, NameEN: "Organizations", NameJA: "企業間", TrustFocus: "organization", Provenance: p}},
		Components:   []graph.ComponentInfo{{Code: graph.Data, NameEN: "Data", NameJA: "データ", Description: "information", Provenance: p}},
		Incidents:    []graph.Incident{{ID: "INC-1", Layer: graph.L3, SummaryEN: "leak", SummaryJA: "漏えい", Provenance: p}},
		RiskSources:  []graph.RiskSource{{ID: "RS-1", Layer: graph.L3, Component: graph.Data, Incident: "INC-1", ThreatEN: "t", ThreatJA: "脅威", VulnerabilityEN: "v", VulnerabilityJA: "脆弱性", Provenance: own}},
		Requirements: []graph.Requirement{{ID: "CPS.AC-1", Category: "AC", Function: "Protect", SummaryEN: "access", SummaryJA: "アクセス", Provenance: p}},
		Frameworks:   []graph.Framework{{ID: "SA", NameEN: "SECURITY ACTION", NameJA: "セキュリティ対策自己宣言", Version: "2", Provenance: p}},
		Controls: []graph.Control{
			{Framework: "SA", ID: "2", TitleEN: "two", TitleJA: "二", Level: "★2", Function: "Protect", Provenance: p},
			{Framework: "SA", ID: "1", TitleEN: "one", TitleJA: "一", Level: "★1", Function: "Identify", Provenance: p},
		},
		Threats: []graph.Threat{{ID: "T-1", NameEN: "ransomware", NameJA: "ランサムウェア", Actor: "criminal", Level: 3, Provenance: p}},
		Mappings: []graph.Mapping{
			{Type: graph.RelMapsTo, From: "SA:1", To: "CPS.AC-1", Relation: "subset", Rationale: "because", Provenance: p},
			{Type: graph.RelMitigates, From: "CPS.AC-1", To: "RS-1", Rationale: "r", Provenance: p},
			{Type: graph.RelMitigates, From: "SA:2", To: "RS-1", FromControl: true, Relation: "intersect", Rationale: "r2", Provenance: own},
			{Type: graph.RelExploits, From: "T-1", To: "RS-1", Rationale: "r3", Provenance: own},
		},
	}
}

// newStore returns an in-memory store with the test catalog and workspace
// "w1".
func newStore(t *testing.T) *memstore.Store {
	t.Helper()
	s := memstore.New()
	t.Cleanup(func() { s.Close() })
	setup(t, s)
	return s
}

func setup(t *testing.T, s graph.Store) {
	t.Helper()
	if err := s.PutCatalog(ctx, testCatalog()); err != nil {
		t.Fatal(err)
	}
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "w1", Name: "Workspace 1", FormulaVariant: graph.FormulaIPA,
		ThreatLevels: map[string]int{"T-1": 2}, Created: t0}); err != nil {
		t.Fatal(err)
	}
}

// write runs one write of batch b.
func write(t *testing.T, s graph.Store, spec graph.WriteSpec, bs ...graph.Batch) graph.WriteReport {
	t.Helper()
	rep, err := tryWrite(s, spec, bs...)
	if err != nil {
		t.Fatalf("write %+v: %v", spec, err)
	}
	return rep
}

func tryWrite(s graph.Store, spec graph.WriteSpec, bs ...graph.Batch) (graph.WriteReport, error) {
	if spec.Workspace == "" {
		spec.Workspace = "w1"
	}
	if spec.Source == "" {
		spec.Source = "test.xlsx"
	}
	if spec.Run == "" {
		spec.Run = "run-1"
	}
	if spec.Now.IsZero() {
		spec.Now = t0
	}
	return s.Write(ctx, spec, func(put func(graph.Batch) error) error {
		for _, b := range bs {
			if err := put(b); err != nil {
				return err
			}
		}
		return nil
	})
}

// dump is everything a workspace holds.
type dump struct {
	Workspace graph.Workspace
	Orgs      []graph.Org
	Assets    []graph.Asset
	Edges     []graph.Edge
	Statuses  []graph.ControlStatus
}

func dumpWS(t *testing.T, s graph.Store, ws string) dump {
	t.Helper()
	var d dump
	var err error
	if d.Workspace, err = s.Workspace(ctx, ws); err != nil {
		t.Fatal(err)
	}
	if d.Orgs, err = s.Orgs(ctx, ws); err != nil {
		t.Fatal(err)
	}
	page, err := s.Assets(ctx, ws, graph.AssetQuery{})
	if err != nil {
		t.Fatal(err)
	}
	d.Assets = page.Assets
	if d.Edges, err = s.Edges(ctx, ws, ""); err != nil {
		t.Fatal(err)
	}
	if d.Statuses, err = s.Statuses(ctx, ws, nil); err != nil {
		t.Fatal(err)
	}
	return d
}

func sameDump(t *testing.T, what string, got, want dump) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// smallGraph is a workspace with every kind of company item:
//
//	orgs: SELF (self), SUP (supplier)
//	assets: DB (data, L3), SRV (systems, L2+L3), PC (things, L2), ADM (people, L3)
//	DB STORED_ON SRV, SRV RUNS_ON PC, ADM CONNECTS_TO SRV, SRV OPERATED_BY ADM,
//	SRV SUPPLIED_BY SUP, SUP SUPPLIES SELF, DB OWNED_BY SELF
func smallGraph() graph.Batch {
	return graph.Batch{
		Orgs: []graph.Org{
			{ID: "SELF", Name: "自社", Role: graph.RoleSelf, Size: "small"},
			{ID: "SUP", Name: "Supplier", Role: graph.RoleSupplier},
		},
		Assets: []graph.Asset{
			{ID: "DB", Name: "顧客台帳", Component: graph.Data, Layers: []graph.LayerID{graph.L3}, C: 3, I: 2, A: 1, Importance: 3,
				Category: "営業", Media: "サーバー", Owner: "SELF", PersonalInfo: []string{"name", "address"}, Exposure: []string{"internet-facing"}},
			{ID: "SRV", Name: "Server", Component: graph.Systems, Layers: []graph.LayerID{graph.L3, graph.L2, graph.L3}, Importance: 2},
			{ID: "PC", Name: "PC", Component: graph.Things, Layers: []graph.LayerID{graph.L2}},
			{ID: "ADM", Name: "Admin", Component: graph.People, Layers: []graph.LayerID{graph.L3}},
		},
		Edges: []graph.Edge{
			{Type: graph.RelStoredOn, From: "DB", To: "SRV"},
			{Type: graph.RelRunsOn, From: "SRV", To: "PC"},
			{Type: graph.RelConnectsTo, From: "ADM", To: "SRV"},
			{Type: graph.RelOperatedBy, From: "SRV", To: "ADM"},
			{Type: graph.RelSuppliedBy, From: "SRV", To: "SUP"},
			{Type: graph.RelSupplies, From: "SUP", To: "SELF"},
			{Type: graph.RelOwnedBy, From: "DB", To: "SELF"},
		},
		Statuses: []graph.ControlStatus{
			{Subject: "SELF", Control: graph.ControlRef{Framework: "SA", ID: "1"}, Status: graph.StatusImplemented, Note: "done"},
			{Subject: "DB", Control: graph.ControlRef{Framework: "SA", ID: "2"}, Status: graph.StatusPartial},
			{Subject: "DB", Control: graph.ControlRef{Framework: "SA", ID: "1"}, Status: graph.StatusPlanned},
		},
	}
}
