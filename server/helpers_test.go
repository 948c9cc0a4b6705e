package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/internal/demo"
	"cpsfgraph/server"
	"cpsfgraph/server/auth"
)

// countingStore counts the calls of every Store method ("Write" counts
// successful writes; refused ones count as "WriteRefused").
type countingStore struct {
	graph.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingStore) count(m string) {
	c.mu.Lock()
	c.calls[m]++
	c.mu.Unlock()
}

func (c *countingStore) reset() {
	c.mu.Lock()
	c.calls = map[string]int{}
	c.mu.Unlock()
}

func (c *countingStore) snapshot() (map[string]int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out, n := map[string]int{}, 0
	for k, v := range c.calls {
		out[k] = v
		n += v
	}
	return out, n
}

func (c *countingStore) writes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls["Write"] + c.calls["PutWorkspace"] + c.calls["DeleteWorkspace"] + c.calls["PutCatalog"]
}

func (c *countingStore) PutCatalog(ctx context.Context, cat *graph.Catalog) error {
	c.count("PutCatalog")
	return c.Store.PutCatalog(ctx, cat)
}
func (c *countingStore) Catalog(ctx context.Context) (*graph.Catalog, error) {
	c.count("Catalog")
	return c.Store.Catalog(ctx)
}
func (c *countingStore) PutWorkspace(ctx context.Context, w graph.Workspace) error {
	c.count("PutWorkspace")
	return c.Store.PutWorkspace(ctx, w)
}
func (c *countingStore) Workspace(ctx context.Context, id string) (graph.Workspace, error) {
	c.count("Workspace")
	return c.Store.Workspace(ctx, id)
}
func (c *countingStore) Workspaces(ctx context.Context) ([]graph.Workspace, error) {
	c.count("Workspaces")
	return c.Store.Workspaces(ctx)
}
func (c *countingStore) DeleteWorkspace(ctx context.Context, id string) error {
	c.count("DeleteWorkspace")
	return c.Store.DeleteWorkspace(ctx, id)
}
func (c *countingStore) Write(ctx context.Context, spec graph.WriteSpec, fill func(put func(graph.Batch) error) error) (graph.WriteReport, error) {
	rep, err := c.Store.Write(ctx, spec, fill)
	if err == nil && !spec.DryRun {
		c.count("Write")
	} else {
		c.count("WriteRefused")
	}
	return rep, err
}
func (c *countingStore) Org(ctx context.Context, ws, id string) (graph.Org, error) {
	c.count("Org")
	return c.Store.Org(ctx, ws, id)
}
func (c *countingStore) Asset(ctx context.Context, ws, id string) (graph.Asset, error) {
	c.count("Asset")
	return c.Store.Asset(ctx, ws, id)
}
func (c *countingStore) Orgs(ctx context.Context, ws string) ([]graph.Org, error) {
	c.count("Orgs")
	return c.Store.Orgs(ctx, ws)
}
func (c *countingStore) Assets(ctx context.Context, ws string, q graph.AssetQuery) (graph.AssetPage, error) {
	c.count("Assets")
	return c.Store.Assets(ctx, ws, q)
}
func (c *countingStore) Edges(ctx context.Context, ws, node string) ([]graph.Edge, error) {
	c.count("Edges")
	return c.Store.Edges(ctx, ws, node)
}
func (c *countingStore) Statuses(ctx context.Context, ws string, subjects []string) ([]graph.ControlStatus, error) {
	c.count("Statuses")
	return c.Store.Statuses(ctx, ws, subjects)
}
func (c *countingStore) Entries(ctx context.Context, ws string, cells []graph.Cell) ([]graph.NodeFacts, error) {
	c.count("Entries")
	return c.Store.Entries(ctx, ws, cells)
}
func (c *countingStore) Walk(ctx context.Context, ws string, spec graph.WalkSpec, fn func(graph.Level) bool) error {
	c.count("Walk")
	return c.Store.Walk(ctx, ws, spec, fn)
}

// env is a running server over the demo data, with one token per role.
type env struct {
	t      *testing.T
	url    string
	store  *countingStore
	auth   auth.Store
	tokens map[string]string // name -> secret
	now    time.Time
	server *server.Server
}

const otherWS = "other"

// newStore returns the store the HTTP tests run on: memstore, or Neo4j when
// a store opener is registered (see neo4j_test.go) and NEO4J_URI is set.
var newStore = func(t *testing.T) graph.Store {
	return memstore.New()
}

func setup(t *testing.T, cfg ...func(*server.Config)) *env {
	t.Helper()
	ctx := context.Background()
	base := newStore(t)
	if _, err := demo.Load(ctx, base); err != nil {
		t.Fatalf("demo.Load: %v", err)
	}
	if err := base.PutWorkspace(ctx, graph.Workspace{ID: otherWS, Name: "Other client", FormulaVariant: graph.FormulaIPA}); err != nil {
		t.Fatal(err)
	}
	_, err := base.Write(ctx, graph.WriteSpec{Workspace: otherWS, Source: "test", Run: "t1"}, func(put func(graph.Batch) error) error {
		return put(graph.Batch{
			Orgs:   []graph.Org{{ID: "O1", Name: "Other Co", Role: graph.RoleSelf}},
			Assets: []graph.Asset{{ID: "SECRET-ASSET", Name: "other's secret", Component: graph.Systems, Layers: []graph.LayerID{graph.L3}, C: 3, I: 3, A: 3, Owner: "O1"}},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: base, calls: map[string]int{}}
	a := auth.NewMemoryStore()
	e := &env{t: t, store: cs, auth: a, tokens: map[string]string{}, now: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	issue := func(name, ws string, r auth.Role, ttl time.Duration) string {
		s, info, err := auth.Issue(ctx, a, ws, r, name, "test", e.now, ttl)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = s
		return info.ID
	}
	issue("viewer", demo.WorkspaceID, auth.Viewer, 0)
	issue("analyst", demo.WorkspaceID, auth.Analyst, 0)
	issue("admin", demo.WorkspaceID, auth.Admin, 0)
	issue("otherAdmin", otherWS, auth.Admin, 0)
	issue("root", auth.AllWorkspaces, auth.Admin, 0)
	issue("expired", demo.WorkspaceID, auth.Admin, time.Hour)
	e.now = e.now.Add(2 * time.Hour) // "expired" is now past its hour
	rid := issue("revoked", demo.WorkspaceID, auth.Admin, 0)
	if _, err := a.RevokeToken(ctx, rid, e.now); err != nil {
		t.Fatal(err)
	}
	c := server.Config{Store: cs, Auth: a, Addr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test", Now: func() time.Time { return e.now }}
	for _, f := range cfg {
		f(&c)
	}
	srv, err := server.New(c)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	e.server = srv
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	e.url = ts.URL
	cs.reset()
	return e
}

// gqlError is one error of a response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (g gqlError) code() string { c, _ := g.Extensions["code"].(string); return c }

type response struct {
	Status      int             `json:"-"`
	ContentType string          `json:"-"`
	Header      http.Header     `json:"-"`
	Data        json.RawMessage `json:"data"`
	Errors      []gqlError      `json:"errors"`
	Raw         string          `json:"-"`
}

// codes lists the error codes of the response.
func (r response) codes() []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, e.code())
	}
	return out
}

func (r response) hasData() bool {
	d := strings.TrimSpace(string(r.Data))
	return d != "" && d != "null"
}

// send sends a raw request.
func (e *env) send(method, path, token, contentType, body string, hdr map[string]string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/graphql-response+json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[token])
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := response{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Header: res.Header, Raw: string(b)}
	if strings.Contains(r.ContentType, "json") {
		if err := json.Unmarshal(b, &r); err != nil {
			e.t.Fatalf("%s %s: response is not JSON: %v\n%s", method, path, err, b)
		}
	}
	return r
}

// query posts a GraphQL operation as token.
func (e *env) query(token, q string, vars map[string]any) response {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	return e.send("POST", "/graphql", token, "application/json", string(body), nil)
}

// ok posts an operation that must succeed and decodes its data into out.
func (e *env) ok(token, q string, vars map[string]any, out any) {
	e.t.Helper()
	r := e.query(token, q, vars)
	if r.Status != 200 || len(r.Errors) > 0 {
		e.t.Fatalf("query as %s: status %d errors %+v\n%s", token, r.Status, r.Errors, q)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			e.t.Fatalf("decode data: %v\n%s", err, r.Data)
		}
	}
}

func pretty(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	enc.Encode(v)
	return b.String()
}
