// Package server is cpsfgraph's HTTP front: GraphQL over HTTP (gqlgen, the
// schema in schema.graphql), the GraphiQL page, token authentication with
// roles per workspace, limits, security headers, health, readiness and
// Prometheus metrics. Resolvers live in server/gql; the auth model in
// server/auth.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"cpsfgraph/graph"
	"cpsfgraph/server/auth"
	"cpsfgraph/server/gql"
	"cpsfgraph/server/gql/generated"
)

// Limits bound what one request may cost. Zero fields take the defaults.
type Limits struct {
	MaxDepth       int           // fields nested in an operation (default 12)
	MaxComplexity  int           // cost of an operation (default 50000)
	MaxBodyBytes   int64         // JSON request body (default 1 MiB)
	MaxUploadBytes int64         // one uploaded workbook (default 32 MiB)
	Timeout        time.Duration // one request (default 30 s)
}

func (l Limits) withDefaults() Limits {
	if l.MaxDepth == 0 {
		l.MaxDepth = 12
	}
	if l.MaxComplexity == 0 {
		l.MaxComplexity = 50000
	}
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = 1 << 20
	}
	if l.MaxUploadBytes == 0 {
		l.MaxUploadBytes = 32 << 20
	}
	if l.Timeout == 0 {
		l.Timeout = 30 * time.Second
	}
	return l
}

// Config configures a Server.
type Config struct {
	Store graph.Store
	// Auth keeps tokens and the audit log; when nil, TokenFile is opened
	// (a JSON file, typically next to the store: see TokenFileFor).
	Auth      auth.Store
	TokenFile string
	// Addr is the address the server listens on; with Dev it must be a
	// loopback address.
	Addr string
	// Dev serves without tokens (as a server-wide admin), to loopback
	// clients only. Never in production.
	Dev    bool
	Logger *slog.Logger
	Import gql.ImportFunc // nil: Importer (package importers)
	// UI serves every path no API route claims (the web UI:
	// frontend.Handler()); nil answers 404.
	UI      http.Handler
	Limits  Limits
	Version string
	// Now returns the current time (tests); default time.Now.
	Now func() time.Time
}

// Server is the HTTP handler of the API.
type Server struct {
	cfg      Config
	log      *slog.Logger
	resolver *gql.Resolver
	auth     auth.Store
	mux      *http.ServeMux
	metrics  *metrics
	draining atomic.Bool
	inflight sync.WaitGroup
}

// TokenFileFor returns the token file that goes with a store URI: next to a
// file store ("file:/x/y.db" -> "/x/y.db.tokens.json"), else in the working
// directory.
func TokenFileFor(storeURI string) string {
	if p, ok := strings.CutPrefix(storeURI, "file:"); ok && p != "" {
		return strings.TrimPrefix(p, "//") + ".tokens.json"
	}
	return "cpsfgraph.tokens.json"
}

// IsLoopback reports whether a listen address (host:port) is on loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// New returns a server over cfg.Store.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: no store")
	}
	if cfg.Dev && !IsLoopback(cfg.Addr) {
		return nil, fmt.Errorf("server: --dev serves without tokens and only on a loopback address, not %q (use 127.0.0.1:PORT)", cfg.Addr)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Limits = cfg.Limits.withDefaults()
	a := cfg.Auth
	if a == nil {
		if cfg.TokenFile == "" {
			return nil, errors.New("server: no token store: set Config.Auth or Config.TokenFile")
		}
		fs, err := auth.OpenFile(cfg.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		a = fs
	}
	s := &Server{cfg: cfg, log: cfg.Logger, auth: a, metrics: newMetrics()}
	r := gql.New(cfg.Store, a, cfg.Logger)
	r.Import = cfg.Import
	if r.Import == nil {
		r.Import = Importer
	}
	r.Now = cfg.Now
	gql.MaxUploadBytes = cfg.Limits.MaxUploadBytes
	s.resolver = r

	es := generated.NewExecutableSchema(generated.Config{Resolvers: r, Complexity: complexity()})
	exec := executor.New(es)
	exec.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	exec.Use(extension.Introspection{})
	exec.Use(depthLimit{max: cfg.Limits.MaxDepth})
	exec.Use(extension.FixedComplexityLimit(cfg.Limits.MaxComplexity))
	exec.SetErrorPresenter(r.Present)
	exec.SetRecoverFunc(func(ctx context.Context, p any) error { return r.Recover(ctx, p) })
	gh := &graphqlHandler{exec: exec, maxBody: cfg.Limits.MaxBodyBytes, maxUpload: cfg.Limits.MaxUploadBytes}

	mux := http.NewServeMux()
	mux.Handle("/graphql", s.graphqlRoute(gh))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		s.metrics.write(w)
	})
	mux.Handle("GET /export/{file}", s.exportRoute())
	if cfg.UI != nil {
		mux.Handle("/", cfg.UI)
	} else {
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			writeErrors(w, mediaJSON, http.StatusNotFound, gql.CodeNotFound, "no such endpoint %s: see /graphql, /export/heatmap.xlsx, /healthz, /readyz, /metrics", r.URL.Path)
		})
	}
	s.mux = mux
	return s, nil
}

// Warm computes every workspace's whole-workspace analysis once, so the
// first dashboard a user opens is served from the analyzer's cache (on a
// store that implements graph.Versioned). It stops at ctx's end and logs
// what it did; errors are logged, not returned: a cold cache is only slower.
func (s *Server) Warm(ctx context.Context) {
	wss, err := s.cfg.Store.Workspaces(ctx)
	if err != nil {
		s.log.Warn("warm-up: list workspaces", "err", err)
		return
	}
	for _, w := range wss {
		if ctx.Err() != nil {
			return
		}
		start := time.Now()
		h, err := s.resolver.Analyzer.HeatmapIPA(ctx, w.ID, graph.DefaultMaxHops)
		if err != nil {
			s.log.Warn("warm-up", "workspace", w.ID, "err", err)
			continue
		}
		s.log.Info("warm-up", "workspace", w.ID, "pairs", h.Pairs, "ms", time.Since(start).Milliseconds())
	}
}

// Auth returns the server's token store.
func (s *Server) Auth() auth.Store { return s.auth }

// HTTPServer returns an http.Server for s with the read, write and idle
// timeouts set.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Addr:              s.cfg.Addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.Limits.Timeout + 30*time.Second,
		WriteTimeout:      s.cfg.Limits.Timeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Drain marks the server as shutting down (readyz answers 503) and waits
// for the requests in flight, or for ctx.
func (s *Server) Drain(ctx context.Context) error {
	s.draining.Store(true)
	done := make(chan struct{})
	go func() { s.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ---- middleware

// reqInfo collects what the log line and the metrics of a request need.
type reqInfo struct {
	mu      sync.Mutex
	id      string
	op      string
	opType  string
	outcome string
	actor   string
}

type infoKey struct{}

func infoOf(ctx context.Context) *reqInfo {
	if i, ok := ctx.Value(infoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

func (i *reqInfo) setOperation(name, typ string) {
	i.mu.Lock()
	i.op, i.opType = name, typ
	i.mu.Unlock()
}

func (i *reqInfo) setOutcome(o string) {
	i.mu.Lock()
	i.outcome = o
	i.mu.Unlock()
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ServeHTTP adds the request ID, security headers, logging and metrics
// around every route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	s.inflight.Add(1)
	defer s.inflight.Done()
	id := r.Header.Get("X-Request-ID")
	if !requestIDPattern.MatchString(id) {
		id = newRequestID()
	}
	info := &reqInfo{id: id}
	ctx := context.WithValue(r.Context(), infoKey{}, info)
	ctx = gql.WithRequestID(ctx, id)
	r = r.WithContext(ctx)

	h := w.Header()
	h.Set("X-Request-ID", id)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Content-Security-Policy", cspAPI)
	h.Set("Cache-Control", "no-store")

	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			s.log.ErrorContext(ctx, "panic", "panic", fmt.Sprint(p), "request_id", id)
			if sw.status == 0 {
				writeErrors(sw, mediaJSON, http.StatusInternalServerError, gql.CodeInternal, "internal error (request %s)", id)
			}
		}
		d := time.Since(start)
		route := routeOf(r.URL.Path)
		s.metrics.observeHTTP(route, sw.status)
		info.mu.Lock()
		op, typ, outcome, actor := info.op, info.opType, info.outcome, info.actor
		info.mu.Unlock()
		if route == "/graphql" && (typ != "" || outcome != "") {
			s.metrics.observeOp(op, typ, outcome, d)
		}
		s.log.LogAttrs(ctx, slog.LevelInfo, "request",
			slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Duration("duration", d), slog.String("remote", r.RemoteAddr),
			slog.String("operation", op), slog.String("op_type", typ), slog.String("outcome", outcome), slog.String("actor", actor))
	}()
	s.mux.ServeHTTP(sw, r)
}

func routeOf(path string) string {
	switch path {
	case "/graphql", "/healthz", "/readyz", "/metrics":
		return path
	}
	if strings.HasPrefix(path, "/export/") {
		return "/export"
	}
	return "other"
}

const (
	cspAPI = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	// The GraphiQL page loads GraphiQL and React from jsDelivr (with
	// subresource integrity) and talks to this origin only.
	cspGraphiQL = "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://cdn.jsdelivr.net; font-src https://cdn.jsdelivr.net; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

// graphqlRoute serves the GraphiQL page to browsers and GraphQL to the
// rest, after authentication and with a deadline.
func (s *Server) graphqlRoute(gh http.Handler) http.Handler {
	page := graphiQL()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.RawQuery == "" && wantsHTML(r.Header.Get("Accept")) {
			w.Header().Set("Content-Security-Policy", cspGraphiQL)
			page.ServeHTTP(w, r)
			return
		}
		media := negotiate(r.Header.Get("Accept"))
		p, err := s.authenticate(r)
		if err != nil {
			infoOf(r.Context()).setOutcome(string(gql.CodeUnauthenticated))
			w.Header().Set("WWW-Authenticate", `Bearer realm="cpsfgraph"`)
			if CodeIsForbidden(err) {
				writeErrors(w, media, http.StatusForbidden, gql.CodeForbidden, "%v", err)
				return
			}
			writeErrors(w, media, http.StatusUnauthorized, gql.CodeUnauthenticated, "%v", err)
			return
		}
		infoOf(r.Context()).mu.Lock()
		infoOf(r.Context()).actor = p.TokenID
		infoOf(r.Context()).mu.Unlock()
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Limits.Timeout)
		defer cancel()
		ctx = auth.WithPrincipal(ctx, p)
		ctx = s.resolver.WithLoaders(ctx)
		gh.ServeHTTP(w, r.WithContext(ctx))
	})
}

func wantsHTML(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		if mt, _, _ := strings.Cut(strings.TrimSpace(part), ";"); mt == "text/html" {
			return true
		}
	}
	return false
}

type forbiddenError struct{ msg string }

func (e forbiddenError) Error() string { return e.msg }

// CodeIsForbidden reports whether an authentication error is a refusal of
// a known client (dev mode from a remote address) rather than a bad token.
func CodeIsForbidden(err error) bool {
	var f forbiddenError
	return errors.As(err, &f)
}

// authenticate finds the request's principal: its bearer token, or in dev
// mode the dev principal for loopback clients.
func (s *Server) authenticate(r *http.Request) (*auth.Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if s.cfg.Dev {
			if !remoteIsLoopback(r.RemoteAddr) {
				return nil, forbiddenError{"dev mode serves loopback clients only"}
			}
			return auth.DevPrincipal(), nil
		}
		return nil, errors.New("no token: send Authorization: Bearer <token> (cpsfgraph token issue makes one)")
	}
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		return nil, errors.New("Authorization: want Bearer <token>")
	}
	t, err := s.auth.Authenticate(r.Context(), auth.Hash(strings.TrimSpace(secret)), s.cfg.Now())
	if err != nil {
		if errors.Is(err, auth.ErrUnauthenticated) {
			return nil, err
		}
		s.log.ErrorContext(r.Context(), "token store", "err", err)
		return nil, errors.New("token could not be checked")
	}
	return t.Principal(), nil
}

func remoteIsLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readyz answers 200 when the store answers and the server is not
// shutting down.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"status": "shutting down"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := s.cfg.Store.Workspaces(ctx); err != nil {
		s.log.WarnContext(ctx, "readyz: store not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"status": "store not ready"})
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"status": "ready"})
}
