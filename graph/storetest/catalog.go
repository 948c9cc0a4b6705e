package storetest

import "cpsfgraph/graph"

// The tiny catalog the hand-checked cases run on. Every ID is synthetic (test
// data, not CPSF or IPA content) and carries the source "storetest".
//
//	risk source  cell                 requirements  controls that mitigate it
//	RS-SA        L3/systems           REQ-A         TFW:DIR-A (direct), TFW:MAP-A (via REQ-A)
//	RS-SB        L3/systems           REQ-B         TFW:MAP-B (via REQ-B)
//	RS-D         L3/data              REQ-B         TFW:MAP-B (via REQ-B)
//	RS-T         L2/things            REQ-T         TFW:MAP-T (via REQ-T)
//	RS-O         L1/organization      REQ-O         TFW:MAP-O (via REQ-O)
//	RS-P         L2/people            REQ-P         TFW:MAP-P (via REQ-P)
//
//	requirement  function             controls that MAPS_TO it
//	REQ-A        Protect              TFW:MAP-A
//	REQ-B        Detect               TFW:MAP-B
//	REQ-O        Identify             TFW:MAP-O
//	REQ-I        Identify             TFW:MAP-I   (mitigates nothing)
//	REQ-T        Respond/Recover      TFW:MAP-T
//	REQ-P        Protect (inferred)   TFW:MAP-P
//
//	TFW:IDLE maps to nothing and mitigates nothing.
//
//	threat  level  exploits
//	T-A     3      RS-SA
//	T-AB    2      RS-SA, RS-SB
//	T-D     1      RS-D
//	T-O     3      RS-O
//	T-T     2      RS-T
//	T-NONE  3      (nothing)
const (
	FixtureSource = "storetest"
	FixtureFW     = "TFW"
)

// Catalog returns the tiny catalog of the hand-checked cases (see the table
// above). Each call returns a fresh copy.
func Catalog() *graph.Catalog {
	prov := graph.Provenance{Source: FixtureSource, Verification: "test data"}
	c := &graph.Catalog{}
	for _, l := range graph.Layers {
		c.Layers = append(c.Layers, graph.LayerInfo{ID: l, NameEN: "layer " + string(l), Provenance: prov})
	}
	for _, co := range graph.Components {
		c.Components = append(c.Components, graph.ComponentInfo{Code: co, NameEN: string(co), Provenance: prov})
	}
	rs := func(id string, l graph.LayerID, co graph.Component) graph.RiskSource {
		return graph.RiskSource{ID: id, Layer: l, Component: co, ThreatEN: "threat of " + id, VulnerabilityEN: "weakness of " + id, Provenance: prov}
	}
	c.RiskSources = []graph.RiskSource{
		rs("RS-D", graph.L3, graph.Data),
		rs("RS-O", graph.L1, graph.Organization),
		rs("RS-P", graph.L2, graph.People),
		rs("RS-SA", graph.L3, graph.Systems),
		rs("RS-SB", graph.L3, graph.Systems),
		rs("RS-T", graph.L2, graph.Things),
	}
	req := func(id, fn string) graph.Requirement {
		return graph.Requirement{ID: id, Category: "TEST", Function: fn, SummaryEN: "requirement " + id, Provenance: prov}
	}
	c.Requirements = []graph.Requirement{
		req("REQ-A", "Protect"),
		req("REQ-B", "Detect"),
		req("REQ-I", "Identify"),
		req("REQ-O", "Identify"),
		req("REQ-P", "Protect (inferred)"),
		req("REQ-T", "Respond/Recover"),
	}
	c.Frameworks = []graph.Framework{{ID: FixtureFW, NameEN: "test framework", Version: "1", Provenance: prov}}
	for _, id := range []string{"DIR-A", "IDLE", "MAP-A", "MAP-B", "MAP-I", "MAP-O", "MAP-P", "MAP-T"} {
		c.Controls = append(c.Controls, graph.Control{Framework: FixtureFW, ID: id, TitleEN: "control " + id, Provenance: prov})
	}
	th := func(id string, level int) graph.Threat {
		return graph.Threat{ID: id, NameEN: "threat " + id, Actor: "test", Level: level, Provenance: prov}
	}
	c.Threats = []graph.Threat{th("T-A", 3), th("T-AB", 2), th("T-D", 1), th("T-NONE", 3), th("T-O", 3), th("T-T", 2)}
	m := func(typ graph.RelType, from, to string, fromControl bool) graph.Mapping {
		return graph.Mapping{Type: typ, From: from, To: to, FromControl: fromControl, Rationale: "test", Provenance: prov}
	}
	c.Mappings = []graph.Mapping{
		m(graph.RelExploits, "T-A", "RS-SA", false),
		m(graph.RelExploits, "T-AB", "RS-SA", false),
		m(graph.RelExploits, "T-AB", "RS-SB", false),
		m(graph.RelExploits, "T-D", "RS-D", false),
		m(graph.RelExploits, "T-O", "RS-O", false),
		m(graph.RelExploits, "T-T", "RS-T", false),
		m(graph.RelMitigates, "REQ-A", "RS-SA", false),
		m(graph.RelMitigates, "REQ-B", "RS-SB", false),
		m(graph.RelMitigates, "REQ-B", "RS-D", false),
		m(graph.RelMitigates, "REQ-O", "RS-O", false),
		m(graph.RelMitigates, "REQ-P", "RS-P", false),
		m(graph.RelMitigates, "REQ-T", "RS-T", false),
		m(graph.RelMitigates, "TFW:DIR-A", "RS-SA", true),
		m(graph.RelMapsTo, "TFW:MAP-A", "REQ-A", false),
		m(graph.RelMapsTo, "TFW:MAP-B", "REQ-B", false),
		m(graph.RelMapsTo, "TFW:MAP-I", "REQ-I", false),
		m(graph.RelMapsTo, "TFW:MAP-O", "REQ-O", false),
		m(graph.RelMapsTo, "TFW:MAP-P", "REQ-P", false),
		m(graph.RelMapsTo, "TFW:MAP-T", "REQ-T", false),
	}
	return c
}
