package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"cpsfgraph/frontend"
	"cpsfgraph/graph"
	"cpsfgraph/server"
	"cpsfgraph/server/auth"
)

// This file wires the GraphQL API (package server) into the command line:
// serveAPI runs it for "serve", runToken is the "token" command that issues,
// lists and revokes API tokens (the bootstrap: the first admin token comes
// from here).

// runServeAPI is "cpsfgraph serve" with the API: register it as the serve
// command (or call it from runServe).
func runServeAPI(ctx context.Context, env *cli, args []string) error {
	fs := newFlags(env, "serve", "serve [--addr HOST:PORT] [--store URI] [--token-file FILE] [--dev]")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	storeURI := storeFlag(env, fs)
	tokenFile, dev := apiFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dev && !server.IsLoopback(*addr) {
		return usagef("--dev serves without tokens and only on a loopback address, not %q", *addr)
	}
	st, err := openStore(ctx, env, storeURI, true)
	if err != nil {
		return err
	}
	defer st.Close()
	return serveAPI(ctx, env, st, apiOptions{Addr: *addr, StoreURI: storeURI.String(), TokenFile: *tokenFile, Dev: *dev})
}

// apiOptions are serve's API settings.
type apiOptions struct {
	Addr      string
	StoreURI  string // for the token file's default place and the log
	TokenFile string // "" = next to the store (server.TokenFileFor)
	Dev       bool
	Log       *slog.Logger
}

// apiFlags registers serve's API flags.
func apiFlags(fs *flag.FlagSet) (tokenFile *string, dev *bool) {
	tokenFile = fs.String("token-file", "", "API tokens and audit log (JSON); default next to a file store, else ./cpsfgraph.tokens.json")
	dev = fs.Bool("dev", false, "serve WITHOUT tokens, as admin of every workspace, to loopback clients only (never in production)")
	return tokenFile, dev
}

// serveAPI serves the GraphQL API over st on opt.Addr until ctx ends, then
// drains: readiness turns 503, requests in flight finish (up to 20 s), and
// it returns; the caller closes the store.
func serveAPI(ctx context.Context, env *cli, st graph.Store, opt apiOptions) error {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.NewJSONHandler(env.stderr, nil))
	}
	if opt.TokenFile == "" {
		opt.TokenFile = server.TokenFileFor(opt.StoreURI)
	}
	srv, err := server.New(server.Config{Store: st, TokenFile: opt.TokenFile, Addr: opt.Addr, Dev: opt.Dev, Logger: log, Version: version, UI: frontend.Handler()})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opt.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", opt.Addr, err)
	}
	if opt.Dev {
		banner := "*** DEV MODE: the API answers WITHOUT tokens, as admin of every workspace, to loopback clients only. Never use --dev in production. ***\n" +
			"*** 開発モード: トークンなしで全ワークスペースの管理者として応答します (ループバックのみ)。本番では使わないでください。 ***"
		fmt.Fprintln(env.stderr, banner)
		log.Warn("dev mode: no tokens required, loopback only", "addr", ln.Addr().String())
	}
	hs := srv.HTTPServer()
	log.Info("serving", "addr", ln.Addr().String(), "store", opt.StoreURI, "token_file", opt.TokenFile, "dev", opt.Dev,
		"endpoints", "/ (UI) /graphql /export/heatmap.{xlsx,svg,png,pdf} /healthz /readyz /metrics")
	fmt.Fprintf(env.stdout, "listening on http://%s (UI at /, GraphQL and GraphiQL at /graphql)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	warmCtx, stopWarm := context.WithCancel(ctx)
	defer stopWarm()
	go srv.Warm(warmCtx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	srv.Drain(sctx)
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// runToken is "cpsfgraph token issue|list|revoke".
func runToken(ctx context.Context, env *cli, args []string) error {
	usage := "token issue --workspace W|* --role viewer|analyst|admin --name NAME [--expires-days N] | token list [--workspace W] | token revoke ID   (each with [--store URI] [--token-file F])"
	if len(args) == 0 {
		return usagef("usage: cpsfgraph %s", usage)
	}
	sub, args := args[0], args[1:]
	fs := newFlags(env, "token "+sub, usage)
	storeURI := fs.String("store", defaultStoreURI(env), "the store whose token file to use")
	tokenFile := fs.String("token-file", "", "token file (default: next to a file store, else ./cpsfgraph.tokens.json)")
	ws := fs.String("workspace", "", "workspace ID, or * for a server-wide token")
	roleName := fs.String("role", "viewer", "viewer, analyst or admin")
	name := fs.String("name", "", "who or what uses the token")
	days := fs.Int("expires-days", 90, "days until the token expires (0 = never)")
	var rest []string
	if sub == "revoke" && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		rest, args = args[:1], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	path := *tokenFile
	if path == "" {
		path = server.TokenFileFor(*storeURI)
	}
	st, err := auth.OpenFile(path)
	if err != nil {
		return err
	}
	now := time.Now()
	switch sub {
	case "issue":
		role, err := auth.ParseRole(*roleName)
		if err != nil {
			return usagef("%v", err)
		}
		if *ws == "" || *name == "" {
			return usagef("token issue needs --workspace and --name")
		}
		if *days < 0 {
			return usagef("--expires-days %d: want 0 or more", *days)
		}
		secret, t, err := auth.Issue(ctx, st, *ws, role, *name, "cli", now, time.Duration(*days)*24*time.Hour)
		if err != nil {
			return err
		}
		st.Record(ctx, auth.AuditEntry{ID: auth.NewID("aud_"), At: now.UTC(), Actor: "cli", Workspace: *ws, Action: "issueToken", Detail: fmt.Sprintf("token=%s role=%s name=%q", t.ID, t.Role, t.Name)})
		exp := "never"
		if t.Expires != nil {
			exp = t.Expires.Format(time.RFC3339)
		}
		fmt.Fprintf(env.stderr, "token %s (%s of %s, expires %s) in %s. The secret below is shown once; only its hash is kept.\n", t.ID, t.Role, t.Workspace, exp, path)
		fmt.Fprintln(env.stdout, secret)
		return nil
	case "list":
		w := *ws
		if w == "" {
			w = auth.AllWorkspaces
		}
		ts, err := st.Tokens(ctx, w)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tWORKSPACE\tROLE\tNAME\tCREATED\tEXPIRES\tSTATE")
		for _, t := range ts {
			exp, state := "never", "active"
			if t.Expires != nil {
				exp = t.Expires.Format(time.RFC3339)
				if t.Valid(now) != nil {
					state = "expired"
				}
			}
			if t.Revoked != nil {
				state = "revoked"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Workspace, t.Role, t.Name, t.Created.Format(time.RFC3339), exp, state)
		}
		return tw.Flush()
	case "revoke":
		if len(rest) != 1 {
			return usagef("token revoke needs the token ID")
		}
		t, err := st.RevokeToken(ctx, rest[0], now)
		if err != nil {
			return err
		}
		st.Record(ctx, auth.AuditEntry{ID: auth.NewID("aud_"), At: now.UTC(), Actor: "cli", Workspace: t.Workspace, Action: "revokeToken", Detail: "token=" + t.ID})
		fmt.Fprintf(env.stdout, "revoked %s (%s of %s)\n", t.ID, t.Role, t.Workspace)
		return nil
	}
	return usagef("token %q: want issue, list or revoke", sub)
}

func defaultStoreURI(env *cli) string {
	if v := env.getenv("CPSFGRAPH_STORE"); v != "" {
		return v
	}
	if v := env.getenv("NEO4J_URI"); v != "" {
		return v
	}
	return "file:./cpsfgraph.db"
}
