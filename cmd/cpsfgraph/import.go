package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"cpsfgraph/catalog"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/importers"
)

func runImport(ctx context.Context, env *cli, args []string) error {
	flags := newFlags(env, "import", "import --workspace W [--dry-run] [--partial] [--mapping FILE] [--rejections FILE] FILE...")
	so := storeFlag(env, flags)
	ws := flags.String("workspace", "", "workspace that receives the company sheets (created when missing)")
	dry := flags.Bool("dry-run", false, "validate and count, write nothing")
	partial := flags.Bool("partial", false, "write the valid rows even when some are rejected")
	mapping := flags.String("mapping", "", "YAML or JSON file mapping unknown headers and media")
	rejections := flags.String("rejections", "", "where to write the rejection report (default WORKSPACE-rejections.xlsx when rows are rejected)")
	batch := flags.Int("batch-size", 0, "items per store batch (0 = the importers' default)")
	lang := flags.String("lang", "en", "language of the summary: en or ja")
	quiet := flags.Bool("quiet", false, "no progress bar")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	files := flags.Args()
	if len(files) == 0 {
		return usagef("no files to import")
	}
	if *lang != "en" && *lang != "ja" {
		return usagef("--lang %q: want en or ja", *lang)
	}
	if *batch < 0 {
		return usagef("--batch-size %d is negative", *batch)
	}
	opts := importers.Options{Workspace: *ws, DryRun: *dry, Partial: *partial, BatchSize: *batch}
	if *mapping != "" {
		m, err := importers.LoadMapping(*mapping)
		if err != nil {
			return err
		}
		opts.Mapping = m
	}
	if !*quiet && isTerminal(env.stderr) {
		opts.Progress = progressBar(env.stderr)
	}
	st, err := openStore(ctx, env, so, !*dry)
	if err != nil && *dry && strings.HasPrefix(so.String(), "file:") && errors.Is(err, fs.ErrNotExist) {
		// A dry run against a store that does not exist yet validates
		// against an empty store in memory and writes nothing.
		fmt.Fprintf(env.stderr, "store %s does not exist: validating against an empty store with the bundled catalog\n", so)
		st, err = memstore.New(), nil
	}
	if err != nil {
		return err
	}
	defer st.Close()
	// A store without any catalog gets the bundled one first, so company
	// sheets can name its controls (a dry run only in memory).
	if cat, err := st.Catalog(ctx); err != nil {
		return err
	} else if len(cat.Frameworks) == 0 {
		if *dry {
			mem := memstore.New()
			if err := mem.PutCatalog(ctx, catalog.Default()); err != nil {
				return err
			}
			st.Close()
			st = mem
		} else {
			if err := st.PutCatalog(ctx, catalog.Default()); err != nil {
				return err
			}
			fmt.Fprintln(env.stderr, "the store had no catalog: loaded the bundled one")
		}
	}
	rep, err := importers.Import(ctx, st, opts, files...)
	if opts.Progress != nil {
		fmt.Fprint(env.stderr, "\r\033[K")
	}
	if rep != nil {
		if werr := rep.WriteSummary(env.stdout, *lang); werr != nil {
			return werr
		}
		if len(rep.Rejections) > 0 {
			path := *rejections
			if path == "" {
				name := *ws
				if name == "" {
					name = "import"
				}
				path = sanitizeFileName(name) + "-rejections.xlsx"
			}
			if werr := importers.WriteRejections(path, rep); werr != nil {
				return fmt.Errorf("rejection report: %w", werr)
			}
			fmt.Fprintf(env.stdout, "rejection report: %s (%d rejected cells; fix them and import again)\n", path, len(rep.Rejections))
		}
	}
	return err
}

// sanitizeFileName keeps a workspace name usable as a file name.
func sanitizeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 || r == ':' {
			return '_'
		}
		return r
	}, filepath.Base(s))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws "[#####     ] done/total" on one terminal line.
func progressBar(w io.Writer) func(done, total int) {
	return func(done, total int) {
		const width = 30
		if total <= 0 {
			fmt.Fprintf(w, "\r\033[K%d", done)
			return
		}
		n := min(width, done*width/total)
		fmt.Fprintf(w, "\r\033[K[%s%s] %d/%d", strings.Repeat("#", n), strings.Repeat(" ", width-n), done, total)
	}
}
