package catalog

import (
	"strings"

	"cpsfgraph/graph"
)

// This file is cpsfgraph's own threat library: risk sources on the CPSF grid,
// the cells where each IPA top-10 threat enters, and the controls and CPSF
// requirements that mitigate each risk source. None of it is official: CPSF's
// Appendix B (risk sources and their requirements) could not be read for our
// reference, and no official mapping from the guideline catalogs to CPSF
// requirements was found. Every item carries Source "cpsfgraph" and every
// mapping a short rationale. IDs start with "CG-" so they are never mistaken
// for CPSF identifiers.

var ours = graph.Provenance{Source: graph.SourceCpsfgraph, Verification: "cpsfgraph's own judgement, not an official mapping"}

func rs(id string, l graph.LayerID, c graph.Component, threatEN, vulnEN, threatJA, vulnJA string) graph.RiskSource {
	return graph.RiskSource{ID: id, Layer: l, Component: c, ThreatEN: threatEN, VulnerabilityEN: vulnEN, ThreatJA: threatJA, VulnerabilityJA: vulnJA, Provenance: ours}
}

var riskSources = []graph.RiskSource{
	rs("CG-RS-L1-ORG-01", graph.L1, graph.Organization, "Attack through a business partner or outsourcee", "Partners' security status is not known or not agreed in contracts", "取引先・委託先を経由した攻撃", "取引先のセキュリティ状況を把握・契約で合意していない"),
	rs("CG-RS-L1-ORG-02", graph.L1, graph.Organization, "Security left undirected by management", "No security policy, owner or budget", "経営層がセキュリティを指示しない", "方針・責任者・予算がない"),
	rs("CG-RS-L1-PEO-01", graph.L1, graph.People, "An insider takes information out", "Access not revoked on transfer or exit; no confidentiality duty", "内部者による情報の持ち出し", "異動・退職時の権限削除や守秘義務がない"),
	rs("CG-RS-L1-PRO-01", graph.L1, graph.Procedures, "Fraudulent payment instruction (business e-mail compromise)", "No check of payment or account changes through a second channel", "偽の送金指示 (ビジネスメール詐欺)", "振込先変更を別経路で確認する手順がない"),
	rs("CG-RS-L2-THI-01", graph.L2, graph.Things, "Abuse or tampering of IoT and factory devices", "Default passwords, unpatched firmware, open remote maintenance", "IoT機器・工場設備の不正利用や改ざん", "初期パスワード・未更新ファームウェア・開放された保守口"),
	rs("CG-RS-L2-THI-02", graph.L2, graph.Things, "Theft or loss of paper documents and removable media", "Media left unattended; no rules for storage, carrying or disposal", "書類・可搬媒体の盗難・紛失", "保管・持出し・廃棄のルールがない"),
	rs("CG-RS-L2-PEO-01", graph.L2, graph.People, "Careless handling (misaddressed mail, lost devices)", "Staff not trained; no double checks", "不注意による誤送信・紛失", "教育や確認手順が不足"),
	rs("CG-RS-L3-SYS-01", graph.L3, graph.Systems, "Exploitation of a known software vulnerability", "Security updates not applied promptly; no inventory of versions", "既知の脆弱性の悪用", "更新プログラムの適用遅れ・構成把握の不足"),
	rs("CG-RS-L3-SYS-02", graph.L3, graph.Systems, "Malware infection, including ransomware", "No anti-malware; wide file sharing", "ランサムウェアを含むマルウェア感染", "ウイルス対策なし・過剰な共有設定"),
	rs("CG-RS-L3-SYS-03", graph.L3, graph.Systems, "Unauthorized remote access (VPN, remote desktop)", "Weak or shared credentials; unpatched remote-access gateways", "VPN・リモートデスクトップへの不正アクセス", "弱い・共有の認証情報、未更新のリモート接続機器"),
	rs("CG-RS-L3-SYS-04", graph.L3, graph.Systems, "Service disruption by a traffic flood (DDoS)", "No monitoring, capacity plan or mitigation service", "DDoSによるサービス停止", "監視・容量計画・緩和策がない"),
	rs("CG-RS-L3-PEO-01", graph.L3, graph.People, "Phishing and targeted e-mail", "Staff not trained to spot malicious mail and links", "フィッシング・標的型メール", "不審メールを見分ける教育がない"),
	rs("CG-RS-L3-DAT-01", graph.L3, graph.Data, "Leakage or destruction of stored data", "No access control, sharing review or tested backup", "保存データの漏えい・破壊", "アクセス制御・共有設定の見直し・復元確認済みバックアップがない"),
	rs("CG-RS-L3-DAT-02", graph.L3, graph.Data, "Confidential data entered into AI services, or AI output misused", "No rules for the use of AI services", "AIサービスへの機密情報入力・出力の誤用", "AI利用のルールがない"),
	rs("CG-RS-L3-PRO-01", graph.L3, graph.Procedures, "An incident goes undetected or unhandled", "No monitoring, detection roles or response procedure", "インシデントの見逃し・対応の遅れ", "監視・検知の役割・対応手順がない"),
}

// threatLevels are our default likelihoods (脅威の起こりやすさ, 1..3) and
// actor classes for IPA's 2026 top-10 threats; a workspace may override the
// levels.
var threatLevels = map[string]struct {
	level int
	actor string
}{
	"IPA10-2026-01": {3, "cybercrime"},
	"IPA10-2026-02": {3, "cybercrime"},
	"IPA10-2026-03": {2, ""},
	"IPA10-2026-04": {3, "cybercrime"},
	"IPA10-2026-05": {2, "state_sponsored_apt"},
	"IPA10-2026-06": {2, "state_sponsored_apt"},
	"IPA10-2026-07": {2, ""},
	"IPA10-2026-08": {2, "cybercrime"},
	"IPA10-2026-09": {2, "hacktivist"},
	"IPA10-2026-10": {2, "cybercrime"},
}

func threatLibrary() []graph.Threat {
	out := make([]graph.Threat, len(threats2026))
	for i, t := range threats2026 {
		lv := threatLevels[t.ID]
		t.Level, t.Actor = lv.level, lv.actor
		out[i] = t
	}
	return out
}

// exploits: threat -> risk sources where it enters, with our rationale.
var exploits = []struct{ threat, rs, why string }{
	{"IPA10-2026-01", "CG-RS-L3-SYS-01", "ransomware groups enter through unpatched servers and appliances"},
	{"IPA10-2026-01", "CG-RS-L3-SYS-02", "ransomware is malware"},
	{"IPA10-2026-01", "CG-RS-L3-SYS-03", "most SME ransomware cases begin at VPN or remote-desktop access"},
	{"IPA10-2026-01", "CG-RS-L3-PEO-01", "phishing mail delivers the first foothold"},
	{"IPA10-2026-01", "CG-RS-L3-DAT-01", "data without tested backup is lost to encryption"},
	{"IPA10-2026-02", "CG-RS-L1-ORG-01", "the attack enters through a weaker partner"},
	{"IPA10-2026-02", "CG-RS-L3-SYS-03", "partners' remote maintenance access is a common path"},
	{"IPA10-2026-03", "CG-RS-L3-DAT-02", "confidential data pasted into AI services leaks"},
	{"IPA10-2026-04", "CG-RS-L3-SYS-01", "known vulnerabilities of servers and software"},
	{"IPA10-2026-04", "CG-RS-L2-THI-01", "vulnerable IoT and factory device firmware"},
	{"IPA10-2026-05", "CG-RS-L3-PEO-01", "targeted attacks start with tailored e-mail"},
	{"IPA10-2026-05", "CG-RS-L3-SYS-02", "they install malware to stay and steal"},
	{"IPA10-2026-06", "CG-RS-L3-SYS-04", "state-linked groups flood services during tensions"},
	{"IPA10-2026-06", "CG-RS-L3-SYS-01", "and exploit exposed vulnerabilities"},
	{"IPA10-2026-07", "CG-RS-L1-PEO-01", "insiders take information they can still reach"},
	{"IPA10-2026-07", "CG-RS-L3-DAT-01", "over-broad access to stored data"},
	{"IPA10-2026-08", "CG-RS-L3-SYS-03", "remote-work gateways and their credentials"},
	{"IPA10-2026-09", "CG-RS-L3-SYS-04", "DDoS targets public services"},
	{"IPA10-2026-10", "CG-RS-L1-PRO-01", "payment procedures without verification"},
	{"IPA10-2026-10", "CG-RS-L3-PEO-01", "staff deceived by spoofed mail"},
}

// mitigations: control or requirement -> risk source, with our rationale.
// A "CPS." ID is a CPSF requirement (MITIGATES from the requirement); any
// other is "FRAMEWORK:ID" of a control (MITIGATES from the control).
var mitigations = []struct{ from, rs, why string }{
	{"CPS.SC-1", "CG-RS-L1-ORG-01", "supply-chain security standards agreed with partners"},
	{"CPS.DS-1", "CG-RS-L1-ORG-01", "security requirements agreed before exchanging protected information"},
	{"CPS.GV-1", "CG-RS-L1-ORG-02", "security policy and roles set"},
	{"CPS.RM-1", "CG-RS-L1-ORG-02", "risk-management status checked and reported"},
	{"CPS.BE-2", "CG-RS-L1-ORG-02", "policies defined and shared with stakeholders"},
	{"CPS.IP-9", "CG-RS-L1-PEO-01", "access revoked on transfers and exits"},
	{"CPS.AC-1", "CG-RS-L1-PEO-01", "credentials issued, checked and revoked"},
	{"CPS.AT-1", "CG-RS-L1-PRO-01", "trained staff follow payment checks"},
	{"CPS.IP-1", "CG-RS-L2-THI-01", "initial passwords and settings of devices managed"},
	{"CPS.MA-1", "CG-RS-L2-THI-01", "device updates applied"},
	{"CPS.AT-1", "CG-RS-L2-PEO-01", "training against careless handling"},
	{"CPS.MA-1", "CG-RS-L3-SYS-01", "security updates applied promptly"},
	{"CPS.AM-1", "CG-RS-L3-SYS-01", "inventory of versions shows what to patch"},
	{"CPS.RA-1", "CG-RS-L3-SYS-01", "vulnerabilities identified per asset"},
	{"CPS.AC-1", "CG-RS-L3-SYS-03", "remote-access credentials managed"},
	{"CPS.CM-1", "CG-RS-L3-SYS-03", "boundary traffic and access monitored"},
	{"CPS.CM-1", "CG-RS-L3-SYS-04", "boundary traffic monitored and controlled"},
	{"CPS.AT-1", "CG-RS-L3-PEO-01", "staff trained against phishing"},
	{"CPS.AE-1", "CG-RS-L3-PRO-01", "baselines make anomalies visible"},
	{"CPS.DP-1", "CG-RS-L3-PRO-01", "detection roles defined"},
	{"CPS.RP-1", "CG-RS-L3-PRO-01", "response procedures prepared"},
	{FwSME5 + ":1", "CG-RS-L3-SYS-01", "updates close known vulnerabilities"},
	{FwSME5 + ":1", "CG-RS-L2-THI-01", "updates include device firmware"},
	{FwSME5 + ":2", "CG-RS-L3-SYS-02", "anti-virus stops known malware"},
	{FwSME5 + ":3", "CG-RS-L3-SYS-03", "strong passwords resist remote guessing"},
	{FwSME5 + ":3", "CG-RS-L2-THI-01", "default device passwords replaced"},
	{FwSME5 + ":4", "CG-RS-L3-DAT-01", "sharing limited to those who need it"},
	{FwSME5 + ":4", "CG-RS-L3-SYS-02", "narrow sharing limits malware spread"},
	{FwSME5 + ":5", "CG-RS-L3-PEO-01", "staff who know the tricks spot them"},
	{FwSME25 + ":1", "CG-RS-L3-SYS-01", "software kept up to date"},
	{FwSME25 + ":2", "CG-RS-L3-SYS-02", "anti-virus installed and current"},
	{FwSME25 + ":3", "CG-RS-L3-SYS-03", "strong passwords"},
	{FwSME25 + ":4", "CG-RS-L3-DAT-01", "access restriction for important information"},
	{FwSME25 + ":6", "CG-RS-L3-PEO-01", "care with attachments and links"},
	{FwSME25 + ":7", "CG-RS-L2-PEO-01", "checks against misaddressed mail and fax"},
	{FwSME25 + ":11", "CG-RS-L3-DAT-01", "backups against loss"},
	{FwSME25 + ":12", "CG-RS-L2-THI-02", "documents and media stored safely"},
	{FwSME25 + ":13", "CG-RS-L2-THI-02", "care when carrying documents and media"},
	{FwSME25 + ":18", "CG-RS-L2-THI-02", "disposal that cannot be restored"},
	{FwSME25 + ":19", "CG-RS-L1-PEO-01", "confidentiality obligations understood"},
	{FwSME25 + ":20", "CG-RS-L3-PEO-01", "security education"},
	{FwSME25 + ":20", "CG-RS-L2-PEO-01", "security education"},
	{FwSME25 + ":20", "CG-RS-L1-PRO-01", "education on fraud patterns"},
	{FwSME25 + ":22", "CG-RS-L1-ORG-01", "confidentiality clauses with partners (item wording unverified)"},
	{FwSME25 + ":23", "CG-RS-L1-ORG-01", "external services checked before use (item wording unverified)"},
	{FwSME25 + ":24", "CG-RS-L3-PRO-01", "incident preparation (item wording unverified)"},
	{FwSME25 + ":25", "CG-RS-L1-ORG-02", "rules formalised and known (item wording unverified)"},
	{FwSME25 + ":25", "CG-RS-L3-DAT-02", "formal rules can cover AI use (item wording unverified)"},
	{FwCSMG + ":指示1", "CG-RS-L1-ORG-02", "organisation-wide policy approved by management"},
	{FwCSMG + ":指示1", "CG-RS-L3-DAT-02", "the policy can set rules for AI use"},
	{FwCSMG + ":指示2", "CG-RS-L1-ORG-02", "a management structure for cyber risk"},
	{FwCSMG + ":指示5", "CG-RS-L3-PRO-01", "mechanisms for protection and detection"},
	{FwCSMG + ":指示7", "CG-RS-L3-PRO-01", "an emergency response organisation"},
	{FwCSMG + ":指示8", "CG-RS-L3-DAT-01", "recovery preparations limit data loss"},
	{FwCSMG + ":指示8", "CG-RS-L3-SYS-04", "continuity plans cover service outages"},
	{FwCSMG + ":指示9", "CG-RS-L1-ORG-01", "supply-chain status grasped and contracted"},
	{FwJCSTAR + ":S1.1-01", "CG-RS-L2-THI-01", "authenticated access to the device"},
	{FwJCSTAR + ":S1.1-02", "CG-RS-L2-THI-01", "no universal default password"},
	{FwJCSTAR + ":S1.1-03", "CG-RS-L2-THI-01", "changeable credentials"},
	{FwJCSTAR + ":S1.1-04", "CG-RS-L2-THI-01", "brute force made hard"},
	{FwJCSTAR + ":S1.1-05", "CG-RS-L2-THI-01", "vulnerability disclosure by the maker"},
}

// mapsTo: guideline control -> CPSF requirement, our judgement.
var mapsTo = []struct{ control, req, why string }{
	{FwSME5 + ":1", "CPS.MA-1", "both ask for prompt security updates"},
	{FwSME5 + ":3", "CPS.AC-1", "credential management"},
	{FwSME25 + ":20", "CPS.AT-1", "security education of staff"},
	{FwSME25 + ":24", "CPS.RP-1", "incident response preparation (item wording unverified)"},
	{FwCSMG + ":指示1", "CPS.GV-1", "security policy set by management"},
	{FwCSMG + ":指示4", "CPS.RA-1", "identify risks to assets"},
	{FwCSMG + ":指示7", "CPS.RP-1", "incident response organisation and procedures"},
	{FwCSMG + ":指示9", "CPS.SC-1", "supply-chain security across partners"},
	{FwJCSTAR + ":S1.1-02", "CPS.IP-1", "initial password settings of devices"},
}

func ownMappings() []graph.Mapping {
	var out []graph.Mapping
	for _, e := range exploits {
		out = append(out, graph.Mapping{Type: graph.RelExploits, From: e.threat, To: e.rs, Rationale: e.why, Provenance: ours})
	}
	for _, m := range mitigations {
		out = append(out, graph.Mapping{Type: graph.RelMitigates, From: m.from, To: m.rs, FromControl: !strings.HasPrefix(m.from, "CPS."), Rationale: m.why, Provenance: ours})
	}
	for _, m := range mapsTo {
		out = append(out, graph.Mapping{Type: graph.RelMapsTo, From: m.control, To: m.req, Relation: "intersect", Rationale: m.why, Provenance: ours})
	}
	return out
}
