// Command synth generates cpsfgraph's synthetic benchmark enterprise and
// prints its statistics; with -o it writes the information-asset register
// (the data assets) as an XLSX workbook in the layout of IPA's
// 情報資産管理台帳, for the import benchmarks; with -company it writes the
// whole company graph (organizations, register, other assets,
// relationships, control statuses) in the importers' layouts, which
// `cpsfgraph import` reads back into the same workspace.
//
//	go run ./bench/cmd/synth -assets 100000 -rels 400000 -suppliers 50 -o out.xlsx
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"cpsfgraph/bench/synth"
	"cpsfgraph/catalog"
	"cpsfgraph/importers"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: synth [flags]\n\nGenerates the synthetic enterprise of the benchmarks and prints its statistics.\nベンチマーク用の合成企業を生成し、統計を表示します。\n\nflags:")
		fs.PrintDefaults()
	}
	var cfg synth.Config
	var out string
	fs.IntVar(&cfg.Assets, "assets", synth.DefaultAssets, "number of assets")
	fs.IntVar(&cfg.Relationships, "rels", 0, "target number of relationships (0 = 4 per asset, -1 = structure only)")
	fs.IntVar(&cfg.Suppliers, "suppliers", synth.DefaultSuppliers, "number of supplier organizations")
	fs.IntVar(&cfg.Customers, "customers", synth.DefaultCustomers, "number of customer organizations")
	fs.Float64Var(&cfg.ControlDensity, "density", synth.DefaultControlDensity, "share of catalog controls each organization has a status for (0..1)")
	fs.Float64Var(&cfg.ProtectedShare, "protected", synth.DefaultProtectedShare, "share of assets with asset-scoped controls (0..1)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed (same seed, same output)")
	fs.StringVar(&cfg.Workspace, "workspace", synth.DefaultWorkspace, "workspace ID")
	fs.StringVar(&out, "o", "", "write the information-asset register (data assets) to this XLSX file")
	var company string
	fs.StringVar(&company, "company", "", "write the whole company graph in the importers' layouts to this XLSX file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.Assets <= 0 || cfg.Suppliers <= 0 || cfg.Customers <= 0 {
		return fmt.Errorf("-assets %d, -suppliers %d, -customers %d: each must be positive", cfg.Assets, cfg.Suppliers, cfg.Customers)
	}
	if cfg.ControlDensity < 0 || cfg.ControlDensity > 1 || cfg.ProtectedShare < 0 || cfg.ProtectedShare > 1 {
		return fmt.Errorf("-density %v, -protected %v: each must be within 0..1", cfg.ControlDensity, cfg.ProtectedShare)
	}
	cfg.Catalog = catalog.Default()
	start := time.Now()
	res := synth.GenerateResult(cfg)
	fmt.Fprintf(stdout, "generated workspace %q in %v (%d sites)\n", res.Workspace.ID, time.Since(start).Round(time.Millisecond), res.Sites)
	fmt.Fprint(stdout, synth.Count(&res.Batch))
	if out != "" {
		start = time.Now()
		n, err := synth.WriteRegister(out, res)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %d register rows to %s in %v\n", n, out, time.Since(start).Round(time.Millisecond))
	}
	if company != "" {
		start = time.Now()
		orgs, register, assets, rels, statuses := importers.CompanySheets(res.Batch)
		if err := importers.WriteWorkbook(company, orgs, register, assets, rels, statuses); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote the company graph to %s in %v\n", company, time.Since(start).Round(time.Millisecond))
	}
	return nil
}
