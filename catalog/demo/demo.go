// Package demo is the demo client as a consultant receives it: an asset
// register in the IPA layout (情報資産管理台帳, with the company's devices,
// people and procedures on a second sheet and their relationships on a
// third), a supplier list and a control-status sheet. The workbooks are
// generated from cpsfgraph/internal/demo (go generate ./catalog/demo) and
// embedded, so `cpsfgraph demo` loads the demo through the importers, the
// consultant's own path, and gets the same graph as internal/demo.Company.
package demo

import (
	"context"
	"embed"
	"fmt"
	"os"
	"path/filepath"

	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/importers"
	idemo "cpsfgraph/internal/demo"
)

//go:generate go run ./gen

// The demo workbooks, in import order.
const (
	SuppliersFile     = "suppliers.xlsx"
	AssetRegisterFile = "asset-register.xlsx"
	ControlStatusFile = "control-status.xlsx"
)

// Files lists the demo workbooks in import order.
var Files = []string{SuppliersFile, AssetRegisterFile, ControlStatusFile}

//go:embed *.xlsx
var files embed.FS

// FS holds the embedded demo workbooks.
func FS() embed.FS { return files }

// WorkspaceID is the demo workspace.
const WorkspaceID = idemo.WorkspaceID

// Load puts the bundled catalog and the demo workspace into s and imports
// the demo workbooks through the importers (each file its own import
// source, swept, so loading again changes nothing). opts.Workspace is set
// to the demo workspace; Progress and DryRun are honoured.
func Load(ctx context.Context, s graph.Store, opts importers.Options) (*importers.Report, error) {
	if !opts.DryRun {
		if err := s.PutCatalog(ctx, catalog.Default()); err != nil {
			return nil, fmt.Errorf("demo: catalog: %w", err)
		}
		if err := s.PutWorkspace(ctx, idemo.Workspace()); err != nil {
			return nil, fmt.Errorf("demo: workspace: %w", err)
		}
	}
	dir, err := os.MkdirTemp("", "cpsfgraph-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(dir)
	paths, err := Extract(dir)
	if err != nil {
		return nil, err
	}
	opts.Workspace = WorkspaceID
	return importers.Import(ctx, s, opts, paths...)
}

// Extract writes the demo workbooks into dir and returns their paths in
// import order.
func Extract(dir string) ([]string, error) {
	var paths []string
	for _, name := range Files {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// Write generates the demo workbooks from internal/demo into dir.
func Write(dir string) error {
	orgs, register, assets, rels, statuses := importers.CompanySheets(idemo.Company())
	orgs.Title = "取引先一覧 (デモ: 株式会社港精機) / Suppliers and customers (demo)"
	assets.Title = "機器・システム・人・手順 (デモ) / Devices, systems, people and procedures (demo)"
	register.Title = "情報資産管理台帳 (デモ: 株式会社港精機)"
	statuses.Title = "対策状況 (デモ) / Control status (demo)"
	rels.Title = "関係 (デモ) / Relationships (demo)"
	for _, w := range []struct {
		name   string
		sheets []importers.Sheet
	}{
		{SuppliersFile, []importers.Sheet{orgs}},
		{AssetRegisterFile, []importers.Sheet{register, assets, rels}},
		{ControlStatusFile, []importers.Sheet{statuses}},
	} {
		if err := importers.WriteWorkbook(filepath.Join(dir, w.name), w.sheets...); err != nil {
			return err
		}
	}
	return nil
}
