package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"cpsfgraph/graph"
)

// words holds the user-visible labels of the CLI in one language.
type words struct {
	reachN, threat, asset, name, risk, band, hops, path, entries, assets, gaps, covering, importance, damage, count, layer, coverage, pairs, org, tier, role, maxRisk string
}

var labelSets = map[string]words{
	"en": {reachN: "threats reach it", threat: "Threat", asset: "Asset", name: "Name", risk: "Risk", band: "Band", hops: "Hops", path: "Path", entries: "entries", assets: "assets reached", gaps: "gaps", covering: "covered by", importance: "Importance", damage: "Damage likelihood", count: "pairs", layer: "Layer", coverage: "coverage", pairs: "pairs", org: "Organization", tier: "Tier", role: "Role", maxRisk: "max risk"},
	"ja": {reachN: "件の脅威が到達", threat: "脅威", asset: "資産", name: "名称", risk: "リスク値", band: "区分", hops: "ホップ", path: "経路", entries: "侵入点", assets: "到達資産", gaps: "不足", covering: "対策", importance: "重要度", damage: "被害発生可能性", count: "件", layer: "層", coverage: "充足率", pairs: "組", org: "組織", tier: "階層", role: "役割", maxRisk: "最大リスク値"},
}

func labels(lang string) words { return labelSets[lang] }

func bandLabel(b graph.Band, lang string) string {
	if b == "" {
		return "-"
	}
	if lang == "ja" {
		return b.LabelJA()
	}
	return string(b)
}

func threatName(t graph.Threat, lang string) string {
	if lang == "ja" && t.NameJA != "" || t.NameEN == "" {
		return t.NameJA
	}
	return t.NameEN
}

func statusLabel(s graph.CoverageStatus, lang string) string {
	if lang != "ja" {
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

func printReach(w io.Writer, r *graph.AssetReach, lang string) {
	l := labels(lang)
	a := r.Asset
	fmt.Fprintf(w, "%s %s %s (%s, %s) %s %d — %d %s, maxHops %d\n", l.asset, a.ID, a.Name, a.Component, joinLayers(a.Layers), l.importance, a.EffectiveImportance(), len(r.Threats), l.reachN, r.MaxHops)
	if len(r.Threats) == 0 {
		fmt.Fprintln(w, "no threat reaches this asset within maxHops")
		return
	}
	for _, t := range r.Threats {
		s := t.Score
		fmt.Fprintf(w, "\n%s %s  %s %d (%s)  t=%d v=%d d=%d\n", t.Threat.ID, threatName(t.Threat, lang), l.risk, s.Risk, bandLabel(s.Band, lang), s.Likelihood, s.Exploitability, s.Damage)
		for i, p := range t.Paths {
			var hops []string
			for _, h := range p.Hops {
				hops = append(hops, fmt.Sprintf("%s[%s]", h.Node, statusLabel(h.Status, lang)))
			}
			fmt.Fprintf(w, "  %d. (%d) %s\n", i+1, p.Len(), strings.Join(hops, " → "))
			entry := p.Hops[0]
			if len(entry.Covering) > 0 {
				fmt.Fprintf(w, "     %s %s: %s\n", entry.Node, l.covering, joinRefs(entry.Covering))
			}
			for _, g := range entry.Gaps {
				fmt.Fprintf(w, "     %s %s: %s → %s %s\n", entry.Node, l.gaps, g.RiskSource, strings.Join(g.Requirements, ", "), joinRefs(g.Controls))
			}
		}
		if t.Truncated {
			fmt.Fprintln(w, "  … more entries reach this asset (raise --paths)")
		}
	}
}

func joinLayers(ls []graph.LayerID) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	return strings.Join(s, ",")
}

func joinRefs(rs []graph.ControlRef) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.String()
	}
	return strings.Join(s, ", ")
}

func printIPA(w io.Writer, h *graph.IPAHeatmap, lang string) {
	l := labels(lang)
	fmt.Fprintf(w, "IPA %s x %s — workspace %s, %d %s, maxHops %d\n\n", l.importance, l.damage, h.Workspace, h.Pairs, l.pairs, h.MaxHops)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s \\ %s\t3\t2\t1\t\n", l.importance, l.damage)
	for imp := 3; imp >= 1; imp-- {
		fmt.Fprintf(tw, "%d\t", imp)
		for d := 3; d >= 1; d-- {
			c := h.Cell(imp, d)
			fmt.Fprintf(tw, "%d [%d %s]\t", c.Count, c.Risk, bandLabel(c.Band, lang))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintf(w, "\ncell: %s [%s %s]\n", l.count, l.risk, l.band)
}

func printCPSF(w io.Writer, h *graph.CPSFHeatmap, lang string) {
	l := labels(lang)
	fmt.Fprintf(w, "CPSF %s x component — workspace %s, maxHops %d\n", l.layer, h.Workspace, h.MaxHops)
	fmt.Fprintf(w, "cell: assets / %s %s / %s\n\n", l.maxRisk, l.band, l.coverage)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprint(tw, l.layer)
	for _, c := range graph.Components {
		fmt.Fprintf(tw, "\t%s", c)
	}
	fmt.Fprintln(tw)
	for _, ly := range graph.Layers {
		fmt.Fprint(tw, ly)
		for _, c := range graph.Components {
			cell := h.Cell(ly, c)
			n := cell.Assets + cell.Orgs
			cov := "-"
			if cell.Assessed > 0 {
				cov = fmt.Sprintf("%.0f%%", cell.Coverage*100)
			}
			fmt.Fprintf(tw, "\t%d / %d %s / %s", n, cell.MaxRisk, bandLabel(cell.Band, lang), cov)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

func printSupply(w io.Writer, h *graph.SupplyHeatmap, lang string) {
	l := labels(lang)
	fmt.Fprintf(w, "Supply chain: %s x CPSF function (%s of requirements met) — workspace %s\n\n", l.org, l.coverage, h.Workspace)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s", l.org, l.role, l.tier)
	for _, f := range graph.Functions {
		fmt.Fprintf(tw, "\t%s", f)
	}
	fmt.Fprintln(tw)
	for _, r := range h.Rows {
		tier := fmt.Sprint(r.Tier)
		if r.Tier < 0 {
			tier = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s", r.Org.ID, r.Org.Role, tier)
		for _, c := range r.Cells {
			fmt.Fprintf(tw, "\t%.1f/%d (%.0f%%)", c.Covered, c.Requirements, c.Coverage*100)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}
