package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"cpsfgraph/export"
	"cpsfgraph/graph"
)

// runExport runs "cpsfgraph export heatmap".
func runExport(ctx context.Context, env *cli, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stderr, `Usage: cpsfgraph export heatmap [flags]

  heatmap  the heat-maps of a workspace as XLSX, SVG, PNG or a PDF one-pager`)
		if len(args) == 0 {
			return usagef("missing export kind")
		}
		return nil
	}
	if args[0] != "heatmap" {
		return usagef("unknown export %q (want heatmap)", args[0])
	}
	return runExportHeatmap(ctx, env, args[1:])
}

func runExportHeatmap(ctx context.Context, env *cli, args []string) error {
	fs := newFlags(env, "export heatmap", "export heatmap --workspace W [--kind ipa|cpsf|supply|all] [--format xlsx|svg|png|pdf] [--lang ja|en] -o FILE")
	store := storeFlag(env, fs)
	workspace := fs.String("workspace", "", "workspace ID (required)")
	kind := fs.String("kind", "all", "heat-map: ipa (importance x damage), cpsf (layer x component), supply (organization x function) or all")
	format := fs.String("format", "", "output format: xlsx, svg, png or pdf (default: from the file name's extension)")
	lang := fs.String("lang", "ja", "language of labels: ja or en")
	out := fs.String("o", "", "output file (required); written to a temporary file and renamed, so a failure leaves no partial file")
	maxHops := fs.Int("max-hops", graph.DefaultMaxHops, fmt.Sprintf("longest path in steps, 1..%d", graph.MaxMaxHops))
	topGaps := fs.Int("top-gaps", export.DefaultTopGaps, "controls listed as top gaps (0 = none)")
	date := fs.String("date", "", "date printed on the export, YYYY-MM-DD (default: today)")
	maxRows := fs.Int("max-rows", export.DefaultMaxPairRows, fmt.Sprintf("XLSX: (threat, asset) pairs listed, highest risk first, 1..%d", export.MaxPairRows))
	if err := parse(fs, args); err != nil {
		return err
	}
	if *workspace == "" {
		return usagef("--workspace is required")
	}
	if *out == "" {
		return usagef("-o FILE is required")
	}
	k, err := export.ParseKind(*kind)
	if err != nil {
		return usagef("--kind %q: want ipa, cpsf, supply or all", *kind)
	}
	l, err := export.ParseLang(*lang)
	if err != nil {
		return usagef("--lang %q: want ja or en", *lang)
	}
	fmtName := *format
	if fmtName == "" {
		fmtName = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	}
	f, err := export.ParseFormat(fmtName)
	if err != nil {
		return usagef("--format %q: want xlsx, svg, png or pdf", fmtName)
	}
	if *maxHops < 1 || *maxHops > graph.MaxMaxHops {
		return usagef("--max-hops %d out of range 1..%d", *maxHops, graph.MaxMaxHops)
	}
	if *maxRows < 1 || *maxRows > export.MaxPairRows {
		return usagef("--max-rows %d out of range 1..%d", *maxRows, export.MaxPairRows)
	}
	if *topGaps < 0 {
		return usagef("--top-gaps %d: want 0 or more", *topGaps)
	}
	var day time.Time
	if *date != "" {
		if day, err = time.Parse("2006-01-02", *date); err != nil {
			return usagef("--date %q: want YYYY-MM-DD", *date)
		}
	}
	// Find the font before any work, so a missing font fails fast.
	var font *export.Font
	if f.NeedsFont() || env.getenv(export.FontEnv) != "" {
		if font, err = export.FindFont(env.getenv(export.FontEnv), export.FontPaths); err != nil {
			return err
		}
	} else {
		font, _ = export.FindFont("", export.FontPaths) // SVG measures with it when present
	}
	st, err := openStore(ctx, env, store, false)
	if err != nil {
		return err
	}
	defer st.Close()
	n := *topGaps
	if n == 0 {
		n = -1
	}
	if f == export.SVG || f == export.PNG {
		n = -1 // the images show heat-maps only
	}
	rep, err := export.Build(ctx, graph.NewAnalyzer(st), *workspace, export.Options{Kind: k, Lang: l, Date: day, MaxHops: *maxHops, TopGaps: n, MaxPairRows: *maxRows, Details: export.DetailsFor(f, *maxRows)})
	if err != nil {
		return err
	}
	if err := export.WriteFile(*out, func(w io.Writer) error { return export.Render(w, rep, f, font) }); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "wrote %s (%s, %s, %d pairs)\n", *out, f, k, len(rep.Pairs))
	return nil
}
