package export

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"cpsfgraph/graph"
)

// pick returns the text of lang, falling back to the other language.
func pick(lang Lang, en, ja string) string {
	if lang == JA && ja != "" || en == "" {
		return ja
	}
	return en
}

// words holds the user-visible words of the exports in one language.
type words struct {
	title, ipaTitle, cpsfTitle, supplyTitle, workspace, date                                string
	importance, damage, risk, band, pairs, assets, coverage, maxRisk, high, notAssessed     string
	layer, component, org, tier, role, suppliedAssets, function                             string
	legend, bandHigh, bandMedium, bandLow, bandNone, covGood, covMid, covLow                string
	threat, threatName, asset, assetName, hops, entry, entryStatus, path, gaps, reqs, ctrls string
	likelihood, exploit, topRisks, topGaps, control, controlTitle, subject, reduction       string
	riskAfter, pairsLowered, riskSources, totalRisk, completeness, sources, official, ours  string
	items, source, dataSheet, gapsSheet, aboutSheet, truncated, empty, greedyNote, fontNote string
	more, tierSelf, tierUnlinked, maxHops                                                   string
}

var wordSets = map[Lang]words{
	EN: {
		title: "cpsfgraph risk heat-maps", ipaTitle: "IPA risk matrix (importance x damage likelihood)", cpsfTitle: "CPSF map (layer x component)", supplyTitle: "Supply chain (organization x CPSF function)",
		workspace: "Workspace", date: "Date", importance: "Importance", damage: "Damage likelihood", risk: "Risk", band: "Band", pairs: "pairs", assets: "assets", coverage: "coverage", maxRisk: "max risk", high: "high", notAssessed: "not assessed",
		layer: "Layer", component: "Component", org: "Organization", tier: "Tier", role: "Role", suppliedAssets: "Assets supplied", function: "Function",
		legend: "Legend", bandHigh: "High (risk 6-9)", bandMedium: "Medium (risk 4)", bandLow: "Low (risk 1-3)", bandNone: "No pair", covGood: "Coverage 67% or more", covMid: "Coverage 34-66%", covLow: "Coverage under 34%",
		threat: "Threat", threatName: "Threat name", asset: "Asset", assetName: "Asset name", hops: "Hops", entry: "Entry", entryStatus: "Entry coverage", path: "Path (entry to asset)", gaps: "Gaps (risk sources)", reqs: "Requirements", ctrls: "Controls that would cover",
		likelihood: "Threat likelihood", exploit: "Exploitability", topRisks: "Top 10 risks", topGaps: "Top gaps: controls that lower the most risk", control: "Control", controlTitle: "Title", subject: "Implement at", reduction: "Risk lowered", riskAfter: "Total risk after", pairsLowered: "Pairs lowered", riskSources: "Gaps closed",
		totalRisk: "Total risk", completeness: "Catalog completeness", sources: "Sources", official: "official", ours: "cpsfgraph's own judgement", items: "Items", source: "Source",
		dataSheet: "Pairs", gapsSheet: "Top gaps", aboutSheet: "About",
		truncated: "This sheet lists the %d highest-risk pairs of %d; the heat-map counts all of them.", empty: "No (threat, asset) pair: the workspace has no asset that a threat of the catalog reaches.",
		greedyNote: "Chosen greedily: each step takes the control whose implementation lowers the total risk the most, given the steps before it (a later step can lower more than an earlier one when it pays off only with the earlier ones in place).", fontNote: "Font: %s",
		more: "%d more", tierSelf: "self", tierUnlinked: "not linked", maxHops: "max hops",
	},
	JA: {
		title: "cpsfgraph リスクヒートマップ", ipaTitle: "IPA リスクマトリクス (重要度 × 被害発生可能性)", cpsfTitle: "CPSF マップ (層 × 構成要素)", supplyTitle: "サプライチェーン (組織 × CPSF 機能)",
		workspace: "ワークスペース", date: "日付", importance: "重要度", damage: "被害発生可能性", risk: "リスク値", band: "区分", pairs: "件", assets: "資産", coverage: "充足率", maxRisk: "最大リスク値", high: "大", notAssessed: "評価対象なし",
		layer: "層", component: "構成要素", org: "組織", tier: "階層", role: "役割", suppliedAssets: "提供資産数", function: "機能",
		legend: "凡例", bandHigh: "大 (リスク値 6〜9)", bandMedium: "中 (リスク値 4)", bandLow: "小 (リスク値 1〜3)", bandNone: "該当なし", covGood: "充足率 67% 以上", covMid: "充足率 34〜66%", covLow: "充足率 34% 未満",
		threat: "脅威", threatName: "脅威名", asset: "資産", assetName: "資産名", hops: "ホップ", entry: "侵入点", entryStatus: "侵入点の対策状況", path: "経路 (侵入点→資産)", gaps: "不足 (リスク源)", reqs: "対策要件", ctrls: "有効な対策",
		likelihood: "脅威の起こりやすさ", exploit: "脆弱性のつけ込みやすさ", topRisks: "上位 10 リスク", topGaps: "重点対策: リスクを最も下げる対策", control: "対策", controlTitle: "名称", subject: "実施先", reduction: "低減リスク値", riskAfter: "実施後の総リスク値", pairsLowered: "低減する組", riskSources: "解消する不足",
		totalRisk: "総リスク値", completeness: "カタログの収録状況", sources: "出典", official: "公的文書", ours: "cpsfgraph 独自の判断", items: "項目数", source: "出典",
		dataSheet: "脅威と資産の組", gapsSheet: "重点対策", aboutSheet: "概要",
		truncated: "このシートはリスク値の高い %d 組を掲載しています (全 %d 組)。ヒートマップの件数は全組を数えています。", empty: "脅威と資産の組はありません: カタログの脅威が到達する資産がありません。",
		greedyNote: "貪欲法で選定: 各段階で、それまでの対策を前提に総リスク値を最も下げる対策を選びます (先の対策と組み合わさって効く対策は、後の段階でより大きく下げることがあります)。", fontNote: "フォント: %s",
		more: "ほか %d 件", tierSelf: "自社", tierUnlinked: "未接続", maxHops: "最大ホップ",
	},
}

func (r *Report) words() words { return wordSets[r.Lang] }

func (r *Report) bandLabel(b graph.Band) string {
	w := r.words()
	switch b {
	case graph.BandHigh:
		return pick(r.Lang, "high", "大")
	case graph.BandMedium:
		return pick(r.Lang, "medium", "中")
	case graph.BandLow:
		return pick(r.Lang, "low", "小")
	}
	return w.bandNone
}

func (r *Report) componentName(c graph.Component) string {
	n := r.ComponentNames[c]
	if s := pick(r.Lang, n[0], n[1]); s != "" {
		return s
	}
	return string(c)
}

func (r *Report) layerName(l graph.LayerID) string {
	n := r.LayerNames[l]
	if s := pick(r.Lang, n[0], n[1]); s != "" {
		return s
	}
	return string(l)
}

func (r *Report) functionName(f string) string {
	if r.Lang == EN {
		return f
	}
	switch f {
	case "Identify":
		return "識別"
	case "Protect":
		return "防御"
	case "Detect":
		return "検知"
	case "Respond/Recover":
		return "対応・復旧"
	}
	return f
}

func (r *Report) statusLabel(s graph.CoverageStatus) string {
	if r.Lang == EN {
		return string(s)
	}
	switch s {
	case graph.Covered:
		return "対策済"
	case graph.PartlyCovered:
		return "一部"
	case graph.Uncovered:
		return "未対策"
	}
	return "対象外"
}

func (r *Report) roleLabel(o graph.OrgRole) string {
	if r.Lang == EN {
		return string(o)
	}
	switch o {
	case graph.RoleSelf:
		return "自社"
	case graph.RoleSupplier:
		return "供給者"
	case graph.RoleCustomer:
		return "顧客"
	}
	return "その他"
}

func (r *Report) tierLabel(t int) string {
	w := r.words()
	switch {
	case t == 0:
		return w.tierSelf
	case t < 0:
		return w.tierUnlinked
	}
	return fmt.Sprint(t)
}

func (r *Report) controlTitle(ref graph.ControlRef) string {
	c, ok := r.Controls[ref]
	if !ok {
		return ""
	}
	return pick(r.Lang, c.TitleEN, c.TitleJA)
}

// completenessLine says how much of CPSF the catalog holds, e.g.
// "CPSF requirements: 17 of 104 (the total is unverified)".
func (r *Report) completenessLine() string {
	c := r.Completeness
	if r.Lang == JA {
		return fmt.Sprintf("CPSF 対策要件: %d / %d 件収録 (総数 %d は二次資料による未検証の値)", c.Requirements, c.RequirementsTotal, c.RequirementsTotal)
	}
	return fmt.Sprintf("CPSF requirements: %d of %d (the total %d comes from a secondary source, unverified)", c.Requirements, c.RequirementsTotal, c.RequirementsTotal)
}

func (r *Report) dateString() string { return r.Date.Format("2006-01-02") }

// workspaceLabel is the workspace's name and ID as printed.
func (r *Report) workspaceLabel() string {
	if r.Workspace.Name == "" || r.Workspace.Name == r.Workspace.ID {
		return r.Workspace.ID
	}
	return r.Workspace.Name + " (" + r.Workspace.ID + ")"
}

// pathString joins a path's node IDs.
func pathString(p []string) string { return strings.Join(p, " → ") }

func gapRiskSources(gs []graph.Gap) string {
	var out []string
	for _, g := range gs {
		out = append(out, g.RiskSource)
	}
	return strings.Join(out, ", ")
}

func gapRequirements(gs []graph.Gap) string {
	seen := map[string]bool{}
	var out []string
	for _, g := range gs {
		for _, x := range g.Requirements {
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	return strings.Join(out, ", ")
}

func gapControls(gs []graph.Gap) string {
	seen := map[graph.ControlRef]bool{}
	var out []string
	for _, g := range gs {
		for _, x := range g.Controls {
			if !seen[x] {
				seen[x] = true
				out = append(out, x.String())
			}
		}
	}
	return strings.Join(out, ", ")
}

// clean makes user text safe for XML and single-line rendering: invalid
// UTF-8 and characters XML 1.0 forbids become U+FFFD.
func clean(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, badXMLRune) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if badXMLRune(r) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func badXMLRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return true
	}
	return false
}

// oneLine replaces line breaks and tabs by spaces, for drawn labels.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, clean(s))
}

// needsEscape reports whether a spreadsheet would take s for a formula or
// a command: it starts with = + - @ or a control character.
func needsEscape(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠':
		return true
	}
	return unicode.IsControl(r)
}

// cellText is user text as written to a spreadsheet cell: cleaned, cut to
// Excel's 32,767 characters, and prefixed with a single quote when a
// spreadsheet could take it for a formula (OWASP's advice for CSV
// injection; the cell is also stored with the string type).
func cellText(s string) string {
	s = clean(s)
	if needsEscape(s) {
		s = "'" + s
	}
	const maxCell = 32767
	if utf8.RuneCountInString(s) > maxCell {
		rs := []rune(s)
		s = string(rs[:maxCell-1]) + "…"
	}
	return s
}

// displayWidth counts columns as a terminal or spreadsheet does: East Asian
// wide and full-width runes take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
