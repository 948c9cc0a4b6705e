// Package catalog holds cpsfgraph's bundled catalog: the CPSF structure and
// the requirement IDs our reference data verifies, the METI and IPA guideline
// catalogs that companies adopt, and a default threat library authored by
// this project. Official content and our own are told apart by each item's
// Provenance (Source "cpsfgraph" is ours).
//
// The facts come from shared/reference (gathered from METI and IPA
// publications, with sources); the wording is ours.
package catalog

import (
	"slices"

	"cpsfgraph/graph"
)

// Framework IDs of the bundled catalogs.
const (
	FwCPSF   = "CPSF"            // METI Cyber/Physical Security Framework v1.0
	FwSME5   = "IPA-SME-5"       // IPA 情報セキュリティ5か条
	FwSME25  = "IPA-SME-25"      // IPA 5分でできる！情報セキュリティ自社診断
	FwSA     = "SECURITY-ACTION" // IPA SECURITY ACTION self-declaration
	FwSCS    = "SCS"             // METI supply-chain security evaluation (★3..★5)
	FwCSMG   = "METI-CSMG"       // METI/IPA Cybersecurity Management Guidelines v3.0
	FwJCSTAR = "JC-STAR"         // IPA JC-STAR IoT labelling scheme
)

// CPSFRequirementsTotal is the number of CPSF requirements a secondary
// source (an IPA/ICSCoE presentation) gives; we could not check it against
// the CPSF text.
const CPSFRequirementsTotal = 104

const srcCPSF = "METI, The Cyber/Physical Security Framework Version 1.0 (2019)"

var layers = []graph.LayerInfo{
	{ID: graph.L1, NameEN: "Layer 1: connections between organizations", NameJA: "第1層 企業間のつながり", TrustFocus: "Trustworthiness of each organization's security management", Provenance: graph.Provenance{Source: srcCPSF, Verification: "names and trust focus verified; the ID L1 is cpsfgraph's key"}},
	{ID: graph.L2, NameEN: "Layer 2: connections between physical space and cyberspace", NameJA: "第2層 フィジカル空間とサイバー空間のつながり", TrustFocus: "Trustworthiness of the transcription function at the cyber/physical boundary (e.g. IoT devices)", Provenance: graph.Provenance{Source: srcCPSF, Verification: "names and trust focus verified; the ID L2 is cpsfgraph's key"}},
	{ID: graph.L3, NameEN: "Layer 3: connections in cyberspace", NameJA: "第3層 サイバー空間におけるつながり", TrustFocus: "Trustworthiness of data that is distributed, processed and used", Provenance: graph.Provenance{Source: srcCPSF, Verification: "names and trust focus verified; the ID L3 is cpsfgraph's key"}},
}

var components = []graph.ComponentInfo{
	{Code: graph.Organization, NameEN: "Organization", NameJA: "ソシキ", Description: "Companies and other bodies that take part in the value-creation process"},
	{Code: graph.People, NameEN: "People", NameJA: "ヒト", Description: "Members of organizations and individuals who take part directly"},
	{Code: graph.Things, NameEN: "Components (things)", NameJA: "モノ", Description: "Hardware, software and parts, including operated equipment"},
	{Code: graph.Data, NameEN: "Data", NameJA: "データ", Description: "Information gathered in physical space and what is derived from it"},
	{Code: graph.Procedures, NameEN: "Procedure", NameJA: "プロシージャ", Description: "A defined series of activities carried out for a purpose"},
	{Code: graph.Systems, NameEN: "System", NameJA: "システム", Description: "Mechanisms or infrastructure built from components for a purpose"},
}

func init() {
	for i := range components {
		components[i].Provenance = graph.Provenance{Source: srcCPSF, Verification: "names verified; the code is cpsfgraph's key (CPSF publishes no codes we could verify)"}
	}
}

var frameworks = []graph.Framework{
	{ID: FwCPSF, NameEN: "Cyber/Physical Security Framework (countermeasure requirements)", NameJA: "サイバー・フィジカル・セキュリティ対策フレームワーク", Version: "1.0", Provenance: graph.Provenance{Source: srcCPSF, Verification: "partial: 17 of about 104 requirement IDs verified"}},
	{ID: FwSME5, NameEN: "IPA Five Information Security Principles for SMEs", NameJA: "情報セキュリティ5か条", Version: "SME guideline 3.1/4.0", Provenance: graph.Provenance{Source: "IPA SME guideline, appendix 1", Verification: "verified"}},
	{ID: FwSME25, NameEN: "IPA 25-question information security self-check", NameJA: "5分でできる！情報セキュリティ自社診断", Version: "SME guideline 3.1/4.0", Provenance: graph.Provenance{Source: "IPA SME guideline self-check sheet", Verification: "items 1 and 3 verified verbatim; 2, 4-21 topics verified; 22-25 unverified"}},
	{ID: FwSA, NameEN: "SECURITY ACTION self-declaration", NameJA: "SECURITY ACTION", Provenance: graph.Provenance{Source: "IPA SECURITY ACTION", Verification: "verified"}},
	{ID: FwSCS, NameEN: "Supply-chain security evaluation scheme (stars 3 to 5)", NameJA: "サプライチェーン強化に向けたセキュリティ対策評価制度", Version: "interim report 2025-04", Provenance: graph.Provenance{Source: "METI interim report 2025-04-14 and secondary summaries", Verification: "star levels and item counts verified via secondary sources; items not published in our reference"}},
	{ID: FwCSMG, NameEN: "Cybersecurity Management Guidelines", NameJA: "サイバーセキュリティ経営ガイドライン", Version: "3.0", Provenance: graph.Provenance{Source: "METI/IPA Cybersecurity Management Guidelines Ver 3.0 (2023)", Verification: "directives 1, 6, 8, 9 verified; others partly"}},
	{ID: FwJCSTAR, NameEN: "JC-STAR IoT product security labelling, star 1", NameJA: "セキュリティ要件適合評価及びラベリング制度 (JC-STAR) ★1", Provenance: graph.Provenance{Source: "IPA JC-STAR", Verification: "S1.1-01..05 and 16 verified; 06..15 IDs only"}},
}

var otherControls = []graph.Control{
	{Framework: FwSA, ID: "★1", Level: "★1", TitleJA: "一つ星: 情報セキュリティ5か条に取り組むことを自己宣言", TitleEN: "One star: declare that the company works on the Five Principles", Provenance: graph.Provenance{Source: "IPA SECURITY ACTION", Verification: "verified"}},
	{Framework: FwSA, ID: "★2", Level: "★2", TitleJA: "二つ星: 自社診断を行い、基本方針を定めて公開し自己宣言", TitleEN: "Two stars: run the 25-question self-check, set and publish a basic security policy, and declare it", Provenance: graph.Provenance{Source: "IPA SECURITY ACTION", Verification: "verified"}},
	{Framework: FwSCS, ID: "★3", Level: "★3", TitleJA: "★3 Basic: 全てのサプライチェーン企業の最低限の対策 (25項目・自己評価)", TitleEN: "Star 3 (Basic): minimum baseline for every supply-chain company (25 items, self-assessment)", Provenance: graph.Provenance{Source: "METI supply-chain security evaluation scheme (secondary summary)", Verification: "verified (count, self-assessment)"}},
	{Framework: FwSCS, ID: "★4", Level: "★4", TitleJA: "★4 Standard: 被害拡大防止と事業継続を含む標準的対策 (44項目・第三者評価)", TitleEN: "Star 4 (Standard): limits spread of damage and supports continuity (44 items, third-party evaluation)", Provenance: graph.Provenance{Source: "METI supply-chain security evaluation scheme (secondary summary)", Verification: "verified (count, third party)"}},
	{Framework: FwSCS, ID: "★5", Level: "★5", TitleJA: "★5: リスクベースの管理と継続的改善 (詳細検討中)", TitleEN: "Star 5: risk-based management and continuous improvement (details still under discussion)", Provenance: graph.Provenance{Source: "METI supply-chain security evaluation scheme (secondary summary)", Verification: "partially verified"}},
}

// Default returns the bundled catalog. Each call returns a fresh copy.
func Default() *graph.Catalog {
	c := &graph.Catalog{
		Layers:       slices.Clone(layers),
		Components:   slices.Clone(components),
		Requirements: slices.Clone(cpsfRequirements),
		Frameworks:   slices.Clone(frameworks),
		RiskSources:  slices.Clone(riskSources),
	}
	// Each CPSF requirement is also a control of the CPSF framework, so a
	// company can record its status directly; it maps to itself.
	for _, r := range cpsfRequirements {
		c.Controls = append(c.Controls, graph.Control{Framework: FwCPSF, ID: r.ID, TitleEN: r.SummaryEN, TitleJA: r.SummaryJA, Function: r.Function, Provenance: r.Provenance})
		c.Mappings = append(c.Mappings, graph.Mapping{Type: graph.RelMapsTo, From: FwCPSF + ":" + r.ID, To: r.ID, Relation: "equal", Rationale: "the requirement itself", Provenance: graph.Provenance{Source: srcCPSF, Verification: "identity"}})
	}
	for _, set := range [][]graph.Control{sme5, sme25, csmg, jcstar1, otherControls} {
		c.Controls = append(c.Controls, set...)
	}
	c.Threats = threatLibrary()
	c.Mappings = append(c.Mappings, ownMappings()...)
	return c
}
