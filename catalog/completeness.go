package catalog

import (
	"fmt"
	"strings"

	"cpsfgraph/graph"
)

//go:generate go run ./gen

// Completeness says how much of one official catalog a catalog holds.
// Total is 0 when the official total is not known.
type Completeness struct {
	Item, ItemJA   string
	Have, Total    int
	NoteEN, NoteJA string // where the total comes from, how sure it is
}

// String reads "CPSF requirements: 17 of 104 (104 is from a secondary
// source, unverified)".
func (c Completeness) String() string {
	s := fmt.Sprintf("%s: %d", c.Item, c.Have)
	if c.Total > 0 {
		s += fmt.Sprintf(" of %d", c.Total)
	}
	if c.NoteEN != "" {
		s += " (" + c.NoteEN + ")"
	}
	return s
}

// StringJA is String in Japanese.
func (c Completeness) StringJA() string {
	s := fmt.Sprintf("%s: %d", c.ItemJA, c.Have)
	if c.Total > 0 {
		s = fmt.Sprintf("%s: %d / %d", c.ItemJA, c.Have, c.Total)
	}
	if c.NoteJA != "" {
		s += " (" + c.NoteJA + ")"
	}
	return s
}

// Complete reports whether every item of a known total is there.
func (c Completeness) Complete() bool { return c.Total > 0 && c.Have >= c.Total }

// CompletenessOf reports, for each official catalog the product knows,
// how many of its items the catalog c holds: the bundled catalog, or one
// extended by a user who imported the official tables.
func CompletenessOf(c *graph.Catalog) []Completeness {
	count := func(fw string, pred func(graph.Control) bool) int {
		n := 0
		for _, x := range c.Controls {
			if x.Framework == fw && (pred == nil || pred(x)) {
				n++
			}
		}
		return n
	}
	reqs, officialRS, officialInc := 0, 0, 0
	for _, r := range c.Requirements {
		if strings.HasPrefix(r.ID, "CPS.") {
			reqs++
		}
	}
	for _, r := range c.RiskSources {
		if r.Official() {
			officialRS++
		}
	}
	for _, i := range c.Incidents {
		if i.Official() {
			officialInc++
		}
	}
	ours, ourMaps := 0, 0
	for _, r := range c.RiskSources {
		if !r.Official() {
			ours++
		}
	}
	for _, m := range c.Mappings {
		if m.Source == graph.SourceCpsfgraph {
			ourMaps++
		}
	}
	return []Completeness{
		{Item: "CPSF requirements", ItemJA: "CPSF 対策要件", Have: reqs, Total: CPSFRequirementsTotal,
			NoteEN: fmt.Sprintf("%d is from a secondary source, unverified", CPSFRequirementsTotal), NoteJA: fmt.Sprintf("%d は二次資料による値で未検証", CPSFRequirementsTotal)},
		{Item: "CPSF risk sources (Appendix B)", ItemJA: "CPSF リスク源 (添付B)", Have: officialRS,
			NoteEN: "official total unknown; Appendix B could not be read", NoteJA: "公式の総数は不明 (添付B を参照できていません)"},
		{Item: "CPSF assumed incidents", ItemJA: "CPSF 想定インシデント", Have: officialInc,
			NoteEN: "official total unknown", NoteJA: "公式の総数は不明"},
		{Item: "IPA 5 principles", ItemJA: "情報セキュリティ5か条", Have: count(FwSME5, nil), Total: 5},
		{Item: "IPA 25-question self-check", ItemJA: "5分でできる！情報セキュリティ自社診断", Have: count(FwSME25, nil), Total: 25},
		{Item: "METI management guideline directives", ItemJA: "サイバーセキュリティ経営ガイドライン 重要10項目", Have: count(FwCSMG, func(x graph.Control) bool { return strings.HasPrefix(x.ID, "指示") }), Total: 10},
		{Item: "JC-STAR star 1 requirements", ItemJA: "JC-STAR ★1 適合基準", Have: count(FwJCSTAR, nil), Total: 16},
		{Item: "cpsfgraph threat library: risk sources, mappings", ItemJA: "cpsfgraph 脅威ライブラリ: リスク源・対応関係", Have: ours,
			NoteEN: fmt.Sprintf("%d mappings, our own judgement", ourMaps), NoteJA: fmt.Sprintf("対応関係 %d 件、本プロジェクト独自の判断", ourMaps)},
	}
}

// Part is one bundled catalog workbook: its file name and the part of the
// catalog it holds.
type Part struct {
	File    string
	TitleEN string
	TitleJA string
	Catalog *graph.Catalog
}

// Parts splits a catalog into the bundled workbooks: the CPSF structure and
// requirements (cpsf.xlsx), the guideline catalogs (guidelines.xlsx) and
// this project's threat library (threat-library.xlsx: the threats with our
// levels, our risk sources and every mapping of source cpsfgraph). Every
// item lands in exactly one part.
func Parts(c *graph.Catalog) []Part {
	cpsf := &graph.Catalog{Layers: c.Layers, Components: c.Components, Incidents: c.Incidents, Requirements: c.Requirements}
	guide := &graph.Catalog{}
	lib := &graph.Catalog{Threats: c.Threats}
	for _, r := range c.RiskSources {
		if r.Official() {
			cpsf.RiskSources = append(cpsf.RiskSources, r)
		} else {
			lib.RiskSources = append(lib.RiskSources, r)
		}
	}
	for _, f := range c.Frameworks {
		if f.ID == FwCPSF {
			cpsf.Frameworks = append(cpsf.Frameworks, f)
		} else {
			guide.Frameworks = append(guide.Frameworks, f)
		}
	}
	for _, x := range c.Controls {
		if x.Framework == FwCPSF {
			cpsf.Controls = append(cpsf.Controls, x)
		} else {
			guide.Controls = append(guide.Controls, x)
		}
	}
	for _, m := range c.Mappings {
		switch {
		case m.Source == graph.SourceCpsfgraph:
			lib.Mappings = append(lib.Mappings, m)
		case strings.HasPrefix(m.From, FwCPSF+":") || strings.HasPrefix(m.From, "CPS."):
			cpsf.Mappings = append(cpsf.Mappings, m)
		default:
			guide.Mappings = append(guide.Mappings, m)
		}
	}
	return []Part{
		{File: "cpsf.xlsx", TitleEN: "CPSF structure and requirements (METI CPSF v1.0; our wording)", TitleJA: "CPSF の構造と対策要件 (経済産業省 CPSF 第1.0版、要約は本プロジェクト)", Catalog: cpsf},
		{File: "guidelines.xlsx", TitleEN: "Guideline catalogs (IPA, METI)", TitleJA: "ガイドラインの管理策 (IPA・経済産業省)", Catalog: guide},
		{File: "threat-library.xlsx", TitleEN: "cpsfgraph threat library (our own judgement, source cpsfgraph)", TitleJA: "cpsfgraph 脅威ライブラリ (本プロジェクト独自の判断、出典 cpsfgraph)", Catalog: lib},
	}
}
