package gql

import (
	"fmt"

	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/server/gql/model"
)

// Completeness tells what the catalog holds against what the official
// documents hold, and how much of it is official or cpsfgraph's own.
func Completeness(c *graph.Catalog) []model.Completeness {
	var out []model.Completeness
	count := func(kind string, fw *string, ps []graph.Provenance, expected *int, note string) {
		line := model.Completeness{Kind: kind, Framework: fw, Present: len(ps), Expected: expected, Note: note}
		for _, p := range ps {
			if p.Official() {
				line.Official++
			} else {
				line.Own++
			}
		}
		out = append(out, line)
	}
	provs := func(n int, f func(i int) graph.Provenance) []graph.Provenance {
		ps := make([]graph.Provenance, n)
		for i := range ps {
			ps[i] = f(i)
		}
		return ps
	}
	total := catalog.CPSFRequirementsTotal
	reqs := provs(len(c.Requirements), func(i int) graph.Provenance { return c.Requirements[i].Provenance })
	cpsf := catalog.FwCPSF
	count("requirements", &cpsf, reqs, &total, fmt.Sprintf("CPSF requirements: %d of %d; the total comes from a secondary source (an IPA/ICSCoE presentation) and is not verified against the CPSF text; import the official tables to complete the catalog / CPSF対策要件: %d / %d (総数は二次資料による・未検証)", len(reqs), total, len(reqs), total))
	count("layers", nil, provs(len(c.Layers), func(i int) graph.Provenance { return c.Layers[i].Provenance }), ptr(3), "CPSF's three layers / CPSFの3層")
	count("components", nil, provs(len(c.Components), func(i int) graph.Provenance { return c.Components[i].Provenance }), ptr(6), "CPSF's six components / CPSFの6構成要素")
	count("incidents", nil, provs(len(c.Incidents), func(i int) graph.Provenance { return c.Incidents[i].Provenance }), nil, "assumed security incidents / 想定されるセキュリティインシデント")
	count("riskSources", nil, provs(len(c.RiskSources), func(i int) graph.Provenance { return c.RiskSources[i].Provenance }), nil, "risk sources: CPSF Appendix B could not be read for our reference; those marked cpsfgraph are our own / リスク源 (cpsfgraph は独自)")
	count("threats", nil, provs(len(c.Threats), func(i int) graph.Provenance { return c.Threats[i].Provenance }), nil, "threats / 脅威")
	for _, f := range c.Frameworks {
		id := f.ID
		var ps []graph.Provenance
		for _, ctl := range c.Controls {
			if ctl.Framework == f.ID {
				ps = append(ps, ctl.Provenance)
			}
		}
		count("controls", &id, ps, nil, fmt.Sprintf("%s: %s", f.NameEN, f.Verification))
	}
	for _, t := range []graph.RelType{graph.RelMapsTo, graph.RelMitigates, graph.RelExploits} {
		var ps []graph.Provenance
		for _, m := range c.Mappings {
			if m.Type == t {
				ps = append(ps, m.Provenance)
			}
		}
		count("mappings:"+string(t), nil, ps, nil, "catalog mappings; those with source cpsfgraph are our own judgement with a rationale / 対応付け (cpsfgraph は独自判断)")
	}
	return out
}

func ptr[T any](v T) *T { return &v }
