package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"text/tabwriter"

	"cpsfgraph/catalog"
	"cpsfgraph/catalog/demo"
	"cpsfgraph/graph"
	"cpsfgraph/importers"
)

func runDemo(ctx context.Context, env *cli, args []string) error {
	fs := newFlags(env, "demo", "demo [--store URI] [--top N] [--lang en|ja]")
	storeURI := storeFlag(env, fs)
	top := fs.Int("top", 10, "risks listed")
	lang := fs.String("lang", "en", "language of labels: en or ja")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *lang != "en" && *lang != "ja" {
		return usagef("--lang %q: want en or ja", *lang)
	}
	st, err := openStore(ctx, env, storeURI, true)
	if err != nil {
		return err
	}
	defer st.Close()
	// The demo goes through the consultant's own path: the importers read
	// the demo client's workbooks (catalog/demo).
	rep, err := demo.Load(ctx, st, importers.Options{})
	if err != nil {
		return err
	}
	rows, _, tot := rep.Totals()
	fmt.Fprintf(env.stdout, "Loaded workspace %q into %s from %d workbooks (%d rows): %d created, %d updated, %d unchanged, %d removed.\n", demo.WorkspaceID, storeURI, len(rep.Files), rows, tot.Created, tot.Updated, tot.Unchanged, tot.Removed)
	cat, err := st.Catalog(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Catalog: CPSF requirements %d of %d (the total is from a secondary source, unverified); %d IPA top-10 threats mapped by cpsfgraph to %d risk sources of its own.\n",
		len(cat.Requirements), catalog.CPSFRequirementsTotal, len(cat.Threats), len(cat.RiskSources))

	an := graph.NewAnalyzer(st)
	env2, err := an.Load(ctx, demo.WorkspaceID)
	if err != nil {
		return err
	}
	pairs, err := an.Pairs(ctx, env2, graph.DefaultMaxHops)
	if err != nil {
		return err
	}
	pairs = slices.Clone(pairs) // sorted below; the analyzer's copy stays as it is
	h := graph.NewIPAHeatmap(demo.WorkspaceID, graph.DefaultMaxHops, pairs)
	bands := map[graph.Band]int{}
	for _, c := range h.Cells {
		bands[c.Band] += c.Count
	}
	l := labels(*lang)
	fmt.Fprintf(env.stdout, "%d (threat, asset) %s within %d hops: %s %d, %s %d, %s %d.\n\n", len(pairs), l.pairs, graph.DefaultMaxHops,
		bandLabel(graph.BandHigh, *lang), bands[graph.BandHigh], bandLabel(graph.BandMedium, *lang), bands[graph.BandMedium], bandLabel(graph.BandLow, *lang), bands[graph.BandLow])

	sort.SliceStable(pairs, func(i, j int) bool {
		a, b := pairs[i], pairs[j]
		if a.Score.Risk != b.Score.Risk {
			return a.Score.Risk > b.Score.Risk
		}
		if a.Score.Importance != b.Score.Importance {
			return a.Score.Importance > b.Score.Importance
		}
		if a.Hops != b.Hops {
			return a.Hops < b.Hops
		}
		if a.Asset != b.Asset {
			return a.Asset < b.Asset
		}
		return a.Threat < b.Threat
	})
	names := map[string]string{}
	for _, t := range cat.Threats {
		names[t.ID] = threatName(t, *lang)
	}
	fmt.Fprintf(env.stdout, "Top %d risks:\n", *top)
	tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.risk, l.band, l.asset, l.threat, l.hops, "t/v/d")
	for i, p := range pairs {
		if i >= *top {
			break
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d/%d/%d\n", p.Score.Risk, bandLabel(p.Score.Band, *lang), p.Asset, names[p.Threat], p.Hops, p.Score.Likelihood, p.Score.Exploitability, p.Score.Damage)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "\nNext: cpsfgraph query reach --workspace demo --asset D-DRAWINGS   (or query heatmap --workspace demo --kind cpsf)\n")
	return nil
}
