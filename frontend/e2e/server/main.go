// Command server is the end-to-end harness of the UI: it serves the embedded
// UI (frontend.Handler) at / and cpsfgraph's GraphQL API (server.New) at
// /graphql over a file store that `cpsfgraph demo` filled, with an importer
// and heat-map exports wired as `cpsfgraph serve` is expected to wire them.
// It issues the tokens the browser tests need (admin, analyst, viewer,
// expired) and writes them, with the listen address, to a JSON file. It
// also writes the demo register workbook with one broken row.
//
// It exists because cmd/cpsfgraph/serve.go (the lead's) does not yet serve
// the API and the UI; run.sh uses the real `cpsfgraph serve` when it does.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/bench/synth"
	"cpsfgraph/frontend"
	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/server"
	"cpsfgraph/server/auth"
)

func main() {
	storePath := flag.String("store", "", "file store the demo was loaded into (PATH, not file:PATH)")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	out := flag.String("out", "", "JSON file to write the address and tokens to")
	register := flag.String("register", "", "write the demo register workbook (one broken row) here")
	synthAssets := flag.Int("synth", 0, "also load bench/synth's synthetic enterprise with this many assets as workspace synth (0 = none)")
	flag.Parse()
	if err := run(*storePath, *addr, *out, *register, *synthAssets); err != nil {
		fmt.Fprintln(os.Stderr, "e2e server:", err)
		os.Exit(1)
	}
}

func run(storePath, addr, out, register string, synthAssets int) error {
	if storePath == "" || out == "" {
		return errors.New("-store and -out are required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := memstore.Open(storePath)
	if err != nil {
		return fmt.Errorf("open store %s: %w", storePath, err)
	}
	defer st.Close()
	if register != "" {
		if err := writeRegister(register); err != nil {
			return fmt.Errorf("register %s: %w", register, err)
		}
	}
	if synthAssets > 0 {
		if err := loadSynth(ctx, st, synthAssets); err != nil {
			return fmt.Errorf("synthetic enterprise: %w", err)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	as := auth.NewMemoryStore()
	// The same server `cpsfgraph serve` runs: API, exports and the UI.
	srv, err := server.New(server.Config{Store: st, Auth: as, Addr: ln.Addr().String(), Logger: log, Version: "e2e", UI: frontend.Handler()})
	if err != nil {
		return err
	}
	now := time.Now()
	tokens := map[string]string{}
	for _, t := range []struct {
		name, ws string
		role     auth.Role
		at       time.Time
	}{
		{"admin", auth.AllWorkspaces, auth.Admin, now},
		{"analyst", "demo", auth.Analyst, now},
		{"viewer", "demo", auth.Viewer, now},
		{"expired", "demo", auth.Analyst, now.Add(-48 * time.Hour)},
		{"synth", "synth", auth.Viewer, now},
	} {
		if t.name == "synth" && synthAssets == 0 {
			continue
		}
		secret, _, err := auth.Issue(ctx, as, t.ws, t.role, "e2e "+t.name, "e2e", t.at, 24*time.Hour)
		if err != nil {
			return fmt.Errorf("issue %s token: %w", t.name, err)
		}
		tokens[t.name] = secret
	}
	// Like `cpsfgraph serve`, compute each workspace's analysis before the
	// browser comes (serve does it in the background at start).
	srv.Warm(ctx)
	b, _ := json.MarshalIndent(map[string]any{"url": "http://" + ln.Addr().String(), "tokens": tokens}, "", "  ")
	if err := os.WriteFile(out, b, 0o600); err != nil {
		return err
	}
	hs := srv.HTTPServer()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Println("e2e server on http://" + ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

// loadSynth writes the synthetic enterprise of the benchmarks (bench/synth)
// into workspace synth, in chunks.
func loadSynth(ctx context.Context, st graph.Store, assets int) error {
	cat, err := st.Catalog(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	ws, b := synth.Generate(synth.Config{Workspace: "synth", Assets: assets, Catalog: cat})
	if err := st.PutWorkspace(ctx, ws); err != nil {
		return err
	}
	spec := graph.WriteSpec{Workspace: ws.ID, Source: "bench/synth", Run: "e2e"}
	_, err = st.Write(ctx, spec, func(put func(graph.Batch) error) error {
		const n = 10000
		for i := 0; i < len(b.Orgs); i += n {
			if err := put(graph.Batch{Orgs: b.Orgs[i:min(i+n, len(b.Orgs))]}); err != nil {
				return err
			}
		}
		for i := 0; i < len(b.Assets); i += n {
			if err := put(graph.Batch{Assets: b.Assets[i:min(i+n, len(b.Assets))]}); err != nil {
				return err
			}
		}
		for i := 0; i < len(b.Edges); i += n {
			if err := put(graph.Batch{Edges: b.Edges[i:min(i+n, len(b.Edges))]}); err != nil {
				return err
			}
		}
		for i := 0; i < len(b.Statuses); i += n {
			if err := put(graph.Batch{Statuses: b.Statuses[i:min(i+n, len(b.Statuses))]}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("loaded the synthetic enterprise (%d assets, %d relationships) in %s\n", len(b.Assets), len(b.Edges), time.Since(start).Round(time.Millisecond))
	return nil
}

// writeRegister writes an IPA-style asset register of the demo company with
// three good rows and one broken row (confidentiality 9).
func writeRegister(path string) error {
	x := excelize.NewFile()
	defer x.Close()
	sh := "情報資産管理台帳"
	x.SetSheetName("Sheet1", sh)
	rows := [][]any{
		{"業務分類", "情報資産名称", "利用者範囲", "媒体・保存先", "機密性", "完全性", "可用性", "重要度"},
		{"営業", "見積書控え (E2E)", "営業部", "事務所PC", 2, 2, 1, 2},
		{"製造", "検査記録 (E2E)", "製造部", "社内サーバー", 1, 3, 2, 3},
		{"総務", "入退室記録 (E2E)", "総務部", "書類", 9, 2, 1, 2},
		{"経理", "請求書控え (E2E)", "経理部", "社内サーバー", 2, 3, 2, 3},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sh, cell, &r); err != nil {
			return err
		}
	}
	return x.SaveAs(path)
}
