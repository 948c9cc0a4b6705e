package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"cpsfgraph/graph"
)

func runQuery(ctx context.Context, env *cli, args []string) error {
	subs := map[string]func(context.Context, *cli, []string) error{
		"reach":   runReach,
		"blast":   runBlast,
		"heatmap": runHeatmap,
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stderr, `Usage: cpsfgraph query <reach|blast|heatmap> [flags]

  reach    threats that reach one asset, with scores and paths
  blast    assets one threat reaches (blast radius), ranked by risk
  heatmap  a heat-map of a workspace: ipa, cpsf or supply`)
		if len(args) == 0 {
			return usagef("missing query kind")
		}
		return nil
	}
	f, ok := subs[args[0]]
	if !ok {
		return usagef("unknown query %q (want reach, blast or heatmap)", args[0])
	}
	return f(ctx, env, args[1:])
}

type queryFlags struct {
	workspace, lang *string
	store           *storeOptions
	maxHops, paths  *int
	json            *bool
}

func commonQueryFlags(env *cli, name, synopsis string) (*flag.FlagSet, *queryFlags) {
	fs := newFlags(env, name, synopsis)
	q := &queryFlags{
		store:     storeFlag(env, fs),
		workspace: fs.String("workspace", "", "workspace ID (required)"),
		lang:      fs.String("lang", "en", "language of labels: en or ja"),
		json:      fs.Bool("json", false, "print JSON for machines"),
	}
	return fs, q
}

func (q *queryFlags) check() error {
	if *q.workspace == "" {
		return usagef("--workspace is required")
	}
	if *q.lang != "en" && *q.lang != "ja" {
		return usagef("--lang %q: want en or ja", *q.lang)
	}
	return nil
}

func (q *queryFlags) analyzer(ctx context.Context, env *cli) (*graph.Analyzer, func(), error) {
	st, err := openStore(ctx, env, q.store, false)
	if err != nil {
		return nil, nil, err
	}
	return graph.NewAnalyzer(st), func() { st.Close() }, nil
}

func reachOptions(maxHops, paths int) graph.ReachOptions {
	return graph.ReachOptions{MaxHops: maxHops, PathLimit: paths, ZeroHops: maxHops == 0}
}

func runReach(ctx context.Context, env *cli, args []string) error {
	fs, q := commonQueryFlags(env, "query reach", "query reach --workspace W --asset A [--max-hops N] [--paths K] [--json]")
	asset := fs.String("asset", "", "asset ID (required)")
	q.maxHops = fs.Int("max-hops", graph.DefaultMaxHops, fmt.Sprintf("longest path in steps, 0..%d", graph.MaxMaxHops))
	q.paths = fs.Int("paths", graph.DefaultPathLimit, fmt.Sprintf("paths listed per threat, 1..%d", graph.MaxPathLimit))
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := q.check(); err != nil {
		return err
	}
	if *asset == "" {
		return usagef("--asset is required")
	}
	an, done, err := q.analyzer(ctx, env)
	if err != nil {
		return err
	}
	defer done()
	res, err := an.ThreatsReaching(ctx, *q.workspace, *asset, reachOptions(*q.maxHops, *q.paths))
	if err != nil {
		return err
	}
	if *q.json {
		return writeJSON(env.stdout, res)
	}
	printReach(env.stdout, res, *q.lang)
	return nil
}

func runBlast(ctx context.Context, env *cli, args []string) error {
	fs, q := commonQueryFlags(env, "query blast", "query blast --workspace W --threat T [--max-hops N] [--json]")
	threat := fs.String("threat", "", "threat ID (required)")
	q.maxHops = fs.Int("max-hops", graph.DefaultMaxHops, fmt.Sprintf("longest path in steps, 0..%d", graph.MaxMaxHops))
	top := fs.Int("top", 20, "assets listed (0 = all)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := q.check(); err != nil {
		return err
	}
	if *threat == "" {
		return usagef("--threat is required")
	}
	an, done, err := q.analyzer(ctx, env)
	if err != nil {
		return err
	}
	defer done()
	res, err := an.AssetsReachedBy(ctx, *q.workspace, *threat, reachOptions(*q.maxHops, 0))
	if err != nil {
		return err
	}
	if *q.json {
		return writeJSON(env.stdout, res)
	}
	l := labels(*q.lang)
	fmt.Fprintf(env.stdout, "%s %s %s — %s %d, %s %d, maxHops %d\n", l.threat, res.Threat.ID, threatName(res.Threat, *q.lang), l.entries, res.Entries, l.assets, len(res.Assets), res.MaxHops)
	tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.risk, l.band, l.asset, l.name, l.hops, l.path)
	for i, r := range res.Assets {
		if *top > 0 && i >= *top {
			fmt.Fprintf(tw, "…\t\t(%d more)\t\t\t\n", len(res.Assets)-i)
			break
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", r.Score.Risk, bandLabel(r.Score.Band, *q.lang), r.Asset, r.Name, r.Hops, strings.Join(r.Path, " → "))
	}
	return tw.Flush()
}

func runHeatmap(ctx context.Context, env *cli, args []string) error {
	fs, q := commonQueryFlags(env, "query heatmap", "query heatmap --workspace W --kind ipa|cpsf|supply [--max-hops N] [--json]")
	kind := fs.String("kind", "ipa", "heat-map: ipa (importance x damage), cpsf (layer x component) or supply (organization x function)")
	q.maxHops = fs.Int("max-hops", graph.DefaultMaxHops, fmt.Sprintf("longest path in steps, 0..%d", graph.MaxMaxHops))
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := q.check(); err != nil {
		return err
	}
	if *kind != "ipa" && *kind != "cpsf" && *kind != "supply" {
		return usagef("--kind %q: want ipa, cpsf or supply", *kind)
	}
	if *q.maxHops < 0 || *q.maxHops > graph.MaxMaxHops {
		return usagef("--max-hops %d out of range 0..%d", *q.maxHops, graph.MaxMaxHops)
	}
	an, done, err := q.analyzer(ctx, env)
	if err != nil {
		return err
	}
	defer done()
	var res any
	switch *kind {
	case "ipa":
		res, err = an.HeatmapIPA(ctx, *q.workspace, *q.maxHops)
	case "cpsf":
		res, err = an.HeatmapCPSF(ctx, *q.workspace, *q.maxHops)
	case "supply":
		res, err = an.HeatmapSupply(ctx, *q.workspace)
	}
	if err != nil {
		return err
	}
	if *q.json {
		return writeJSON(env.stdout, res)
	}
	switch h := res.(type) {
	case *graph.IPAHeatmap:
		printIPA(env.stdout, h, *q.lang)
	case *graph.CPSFHeatmap:
		printCPSF(env.stdout, h, *q.lang)
	case *graph.SupplyHeatmap:
		printSupply(env.stdout, h, *q.lang)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
