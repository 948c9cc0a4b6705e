// Command cpsfgraph turns METI's Cyber/Physical Security Framework into a
// working risk graph: it loads catalogs and company inventories, answers
// which threats reach which assets along which paths and which controls
// cover them, and serves the results.
//
// Usage:
//
//	cpsfgraph <command> [flags]
//
// Run "cpsfgraph help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// usageError marks a command-line mistake (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *cli, args []string) error
}

// cli carries the process's streams and environment, so tests can run
// commands in process.
type cli struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"demo", "load the demo workspace and print its top risks", runDemo},
		{"import", "import workbooks: catalogs, asset registers, suppliers, control status", runImport},
		{"query", "query the graph: reach, blast, heatmap", runQuery},
		{"export", "export heat-maps as XLSX, SVG, PNG or a PDF one-pager", runExport},
		{"serve", "serve the GraphQL API, the web UI and exports", runServeAPI},
		{"token", "issue, list or revoke API tokens", runToken},
		{"migrate", "upgrade a store to this binary's schema", runMigrate},
		{"version", "print the version", runVersion},
	}
}

// defaultMemoryLimit is the soft memory limit the binary runs under unless
// GOMEMLIMIT says otherwise: it keeps a 100k-asset workspace with its
// heat-maps under 400 MB resident (bench/ measures it). It is soft: a larger
// workspace still runs, with more garbage collection.
const defaultMemoryLimit = 350 << 20

// exportMemoryLimit is the soft limit of the export command instead: a
// one-shot export of a 100k-asset workspace holds about 420 MB live (every
// pair as a report row beside the analysis), and under a lower limit the
// garbage collector runs without pause (XLSX 6.8 s instead of 2.7 s).
const exportMemoryLimit = 1 << 30

// memoryLimit is the soft memory limit for the command line args.
func memoryLimit(args []string) int64 {
	if len(args) > 0 && args[0] == "export" {
		return exportMemoryLimit
	}
	return defaultMemoryLimit
}

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit(os.Args[1:]))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &cli{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, env *cli, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return run(ctx, env, []string{args[1], "--help"})
		}
		printUsage(env.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, env, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			}
			fmt.Fprintf(env.stderr, "cpsfgraph %s: %v\n", c.name, err)
			var ue usageError
			if errors.As(err, &ue) {
				return 2
			}
			return 1
		}
	}
	fmt.Fprintf(env.stderr, "cpsfgraph: unknown command %q\n", args[0])
	printUsage(env.stderr)
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "cpsfgraph - CPSF risk graph for companies and their supply chains")
	fmt.Fprintln(w, "\nUsage:\n  cpsfgraph <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'cpsfgraph <command> --help' for a command's flags.")
}

// newFlags returns a flag set whose errors and help go to env.stderr.
func newFlags(env *cli, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: cpsfgraph %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and rejects positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
