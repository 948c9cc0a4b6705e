package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"slices"
	"strings"
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/internal/demo"
	"cpsfgraph/server"
)

// TestBadInput: each bad request gets its HTTP status and a coded error,
// and writes nothing.
func TestBadInput(t *testing.T) {
	deep := "{ assets(workspace: \"demo\") { nodes { neighbours { asset { neighbours { asset { neighbours { asset { neighbours { asset { neighbours { asset { id } } } } } } } } } } } } }"
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		hdr         map[string]string
		wantStatus  int
		wantCode    string
	}{
		{"malformed JSON", "POST", "/graphql", "application/json", `{"query": "{ me { role } }"`, nil, 400, "BAD_USER_INPUT"},
		{"two JSON values", "POST", "/graphql", "application/json", `{"query": "{ me { role } }"} {}`, nil, 400, "BAD_USER_INPUT"},
		{"unknown body field", "POST", "/graphql", "application/json", `{"query": "{ me { role } }", "foo": 1}`, nil, 400, "BAD_USER_INPUT"},
		{"no query", "POST", "/graphql", "application/json", `{"variables": {}}`, nil, 400, "BAD_USER_INPUT"},
		{"unknown GraphQL field", "POST", "/graphql", "application/json", `{"query": "{ me { role password } }"}`, nil, 400, "BAD_USER_INPUT"},
		{"GraphQL syntax error", "POST", "/graphql", "application/json", `{"query": "{ me { role "}`, nil, 400, "BAD_USER_INPUT"},
		{"variable of the wrong type", "POST", "/graphql", "application/json",
			`{"query": "query($f: Int) { assets(workspace: \"demo\", first: $f) { totalCount } }", "variables": {"f": "ten"}}`, nil, 400, "BAD_USER_INPUT"},
		{"wrong enum in a mutation", "POST", "/graphql", "application/json",
			`{"query": "mutation { setControlStatus(input: {workspace: \"demo\", subject: \"MINATO\", control: \"IPA-SME-5:1\", status: DONE}) { status } }"}`, nil, 400, "BAD_USER_INPUT"},
		{"over-deep query", "POST", "/graphql", "application/json", jsonQuery(deep), nil, 400, "BAD_USER_INPUT"},
		{"over-complex query", "POST", "/graphql", "application/json",
			jsonQuery(`{ assets(workspace: "demo", first: 500) { nodes { neighbours { asset { neighbours { asset { id name } } } } } } }`), nil, 400, "BAD_USER_INPUT"},
		{"huge first (rejected by cost)", "POST", "/graphql", "application/json", jsonQuery(`{ assets(workspace: "demo", first: 1000000) { nodes { id name category media } } }`), nil, 400, "BAD_USER_INPUT"},
		{"huge first (rejected by range)", "POST", "/graphql", "application/json", jsonQuery(`{ assets(workspace: "demo", first: 501) { totalCount } }`), nil, 200, "BAD_USER_INPUT"},
		{"negative first", "POST", "/graphql", "application/json", jsonQuery(`{ assets(workspace: "demo", first: -1) { totalCount } }`), nil, 200, "BAD_USER_INPUT"},
		{"foreign cursor", "POST", "/graphql", "application/json", jsonQuery(`{ assets(workspace: "demo", after: "bm9wZQ") { totalCount } }`), nil, 200, "BAD_USER_INPUT"},
		{"maxHops out of range", "POST", "/graphql", "application/json", jsonQuery(`{ threatsReaching(workspace: "demo", asset: "WEB", maxHops: 11) { maxHops } }`), nil, 200, "BAD_USER_INPUT"},
		{"unknown asset", "POST", "/graphql", "application/json", jsonQuery(`{ threatsReaching(workspace: "demo", asset: "NOPE") { maxHops } }`), nil, 200, "NOT_FOUND"},
		{"bad control reference", "POST", "/graphql", "application/json",
			jsonQuery(`mutation { setControlStatus(input: {workspace: "demo", subject: "MINATO", control: "nocolon", status: NONE}) { status } }`), nil, 200, "BAD_USER_INPUT"},
		{"unknown control", "POST", "/graphql", "application/json",
			jsonQuery(`mutation { setControlStatus(input: {workspace: "demo", subject: "MINATO", control: "IPA-SME-5:99", status: NONE}) { status } }`), nil, 200, "BAD_USER_INPUT"},
		{"dangling edge", "POST", "/graphql", "application/json",
			jsonQuery(`mutation { addRelationship(input: {workspace: "demo", type: CONNECTS_TO, from: "WEB", to: "NOPE"}) { type } }`), nil, 200, "BAD_USER_INPUT"},
		{"bad workspace ID", "POST", "/graphql", "application/json",
			jsonQuery(`mutation { createWorkspace(input: {id: "../x", name: "x"}) { id } }`), nil, 200, "BAD_USER_INPUT"},
		{"existing workspace", "POST", "/graphql", "application/json",
			jsonQuery(`mutation { createWorkspace(input: {id: "demo", name: "x"}) { id } }`), nil, 200, "BAD_USER_INPUT"},
		{"oversized body", "POST", "/graphql", "application/json", `{"query": "{ me { role } }", "variables": {"x": "` + strings.Repeat("a", 2<<20) + `"}}`, nil, 413, "BAD_USER_INPUT"},
		{"wrong content type", "POST", "/graphql", "text/plain", `{ me { role } }`, nil, 415, "BAD_USER_INPUT"},
		{"mutation over GET", "GET", "/graphql?query=" + url.QueryEscape(`mutation { deleteWorkspace(id: "demo") }`), "", "", nil, 405, "BAD_USER_INPUT"},
		{"unknown GET parameter", "GET", "/graphql?query=%7Bme%7Brole%7D%7D&debug=1", "", "", nil, 400, "BAD_USER_INPUT"},
		{"bad variables over GET", "GET", "/graphql?query=%7Bme%7Brole%7D%7D&variables=%7B", "", "", nil, 400, "BAD_USER_INPUT"},
		{"PUT", "PUT", "/graphql", "application/json", jsonQuery(`{ me { role } }`), nil, 405, "BAD_USER_INPUT"},
		{"unacceptable Accept", "POST", "/graphql", "application/json", jsonQuery(`{ me { role } }`), map[string]string{"Accept": "text/csv"}, 406, "BAD_USER_INPUT"},
		{"multipart without preflight header", "POST", "/graphql", "multipart/form-data; boundary=x", "--x--", nil, 400, "BAD_USER_INPUT"},
		{"unknown endpoint", "GET", "/admin", "", "", nil, 404, "NOT_FOUND"},
	}
	e := setup(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.store.reset()
			r := e.send(tc.method, tc.path, "root", tc.contentType, tc.body, tc.hdr)
			if r.Status != tc.wantStatus {
				t.Errorf("status %d, want %d: %.300s", r.Status, tc.wantStatus, r.Raw)
			}
			if len(r.Errors) == 0 || r.Errors[0].code() != tc.wantCode {
				t.Errorf("codes %v, want %s: %.300s", r.codes(), tc.wantCode, r.Raw)
			}
			if r.hasData() {
				t.Errorf("data: %s", r.Data)
			}
			if strings.Contains(r.Raw, "goroutine") || strings.Contains(r.Raw, ".go:") {
				t.Errorf("response shows a stack or source: %.300s", r.Raw)
			}
			if e.store.writes() != 0 {
				t.Errorf("bad input wrote to the store")
			}
		})
	}
}

func jsonQuery(q string) string {
	b, _ := json.Marshal(map[string]string{"query": q})
	return string(b)
}

// TestMediaTypes follows the GraphQL-over-HTTP specification: the response
// type follows Accept; validation errors are 400 with
// application/graphql-response+json and 200 with application/json.
func TestMediaTypes(t *testing.T) {
	e := setup(t)
	bad := jsonQuery(`{ me { nope } }`)
	tests := []struct {
		accept, wantType string
		wantStatus       int
	}{
		{"application/graphql-response+json", "application/graphql-response+json", 400},
		{"application/json", "application/json", 200},
		{"application/json;q=0.5, application/graphql-response+json", "application/graphql-response+json", 400},
		{"*/*", "application/graphql-response+json", 400},
	}
	for _, tc := range tests {
		r := e.send("POST", "/graphql", "viewer", "application/json", bad, map[string]string{"Accept": tc.accept})
		if !strings.HasPrefix(r.ContentType, tc.wantType) || r.Status != tc.wantStatus {
			t.Errorf("Accept %q: %s %d, want %s %d", tc.accept, r.ContentType, r.Status, tc.wantType, tc.wantStatus)
		}
	}
	// No Accept: application/json.
	r := e.send("POST", "/graphql", "viewer", "application/json", jsonQuery(`{ me { role } }`), map[string]string{"Accept": ""})
	if !strings.HasPrefix(r.ContentType, "application/json") || r.Status != 200 {
		t.Errorf("no Accept: %s %d", r.ContentType, r.Status)
	}
	// GET serves queries.
	r = e.send("GET", "/graphql?query="+url.QueryEscape(`query Me { me { role } }`)+"&operationName=Me", "viewer", "", "", nil)
	if r.Status != 200 || len(r.Errors) > 0 || !strings.Contains(string(r.Data), "VIEWER") {
		t.Errorf("GET query: %d %s", r.Status, r.Raw)
	}
}

func TestHeadersHealthMetrics(t *testing.T) {
	e := setup(t)
	e.ok("viewer", `query TopRisks { ipaHeatmap(workspace: "demo") { pairCount } }`, nil, nil)
	e.query("viewer", `query Broken { me { nope } }`, nil)
	checks := []struct {
		path, accept string
		wantStatus   int
		wantBody     string
	}{
		{"/healthz", "", 200, `"ok"`},
		{"/readyz", "", 200, `"ready"`},
		{"/graphql", "text/html", 200, "graphiql"},
		{"/nope", "", 404, "NOT_FOUND"},
		{"/metrics", "", 200, `cpsfgraph_graphql_requests_total{operation="TopRisks",type="query",outcome="ok"} 1`},
	}
	for _, c := range checks {
		r := e.send("GET", c.path, "", "", "", map[string]string{"Accept": c.accept})
		if r.Status != c.wantStatus || !strings.Contains(r.Raw, c.wantBody) {
			t.Errorf("GET %s: %d, want %d with %q:\n%.500s", c.path, r.Status, c.wantStatus, c.wantBody, r.Raw)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "X-Request-ID"} {
			if r.Header.Get(h) == "" {
				t.Errorf("GET %s: no %s header", c.path, h)
			}
		}
	}
	m := e.send("GET", "/metrics", "", "", "", nil).Raw
	for _, want := range []string{
		`cpsfgraph_graphql_requests_total{operation="invalid",type="invalid",outcome="BAD_USER_INPUT"} 1`,
		`cpsfgraph_graphql_request_duration_seconds_count{operation="TopRisks",type="query",outcome="ok"} 1`,
		`cpsfgraph_http_requests_total{route="/graphql",code="200"}`,
		"# TYPE cpsfgraph_graphql_request_duration_seconds histogram",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, m)
		}
	}
	// A request ID sent by the client is kept.
	r := e.send("GET", "/healthz", "", "", "", map[string]string{"X-Request-ID": "abc-123"})
	if r.Header.Get("X-Request-ID") != "abc-123" {
		t.Errorf("request ID %q", r.Header.Get("X-Request-ID"))
	}
}

// TestDataloaders: a page of assets with owners and controls costs the same
// number of store calls whatever its size; neighbours cost one Edges call
// per asset (the Store contract has no batched Edges).
func TestDataloaders(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	// Grow the demo to more than 100 assets, each with an owner, a control
	// and an edge.
	_, err := e.store.Store.Write(ctx, graph.WriteSpec{Workspace: demo.WorkspaceID, Source: "test", Run: "grow"}, func(put func(graph.Batch) error) error {
		var b graph.Batch
		for i := range 120 {
			id := fmt.Sprintf("X-%03d", i)
			b.Assets = append(b.Assets, graph.Asset{ID: id, Name: id, Component: graph.Data, Layers: []graph.LayerID{graph.L3}, C: 2, Owner: demo.Self})
			b.Edges = append(b.Edges, graph.Edge{Type: graph.RelStoredOn, From: id, To: "SRV-FILE"})
			b.Statuses = append(b.Statuses, graph.ControlStatus{Subject: id, Control: graph.ControlRef{Framework: "IPA-SME-5", ID: "1"}, Status: graph.StatusPartial})
		}
		return put(b)
	})
	if err != nil {
		t.Fatal(err)
	}
	q := `query($n: Int) { assets(workspace: "demo", first: $n, filter: {text: "X-"}) { nodes { id owner { name } controls { status control { titleEN } }
		neighbours { id kind asset { name } organization { name } } } } }`
	calls := map[int]int{}
	for _, n := range []int{10, 100} {
		e.store.reset()
		var d struct {
			Assets struct {
				Nodes []struct {
					ID       string
					Owner    struct{ Name string }
					Controls []struct{ Status string }
				}
			}
		}
		e.ok("viewer", q, map[string]any{"n": n}, &d)
		if len(d.Assets.Nodes) != n {
			t.Fatalf("first %d: %d nodes", n, len(d.Assets.Nodes))
		}
		for _, a := range d.Assets.Nodes {
			if a.Owner.Name == "" || len(a.Controls) != 1 || a.Controls[0].Status != "PARTIAL" {
				t.Fatalf("asset %+v", a)
			}
		}
		byMethod, total := e.store.snapshot()
		calls[n] = total - byMethod["Edges"]
		t.Logf("first %d: %d store calls %v", n, total, byMethod)
		if byMethod["Statuses"] != 1 || byMethod["Orgs"] != 1 || byMethod["Asset"] != 1 || byMethod["Edges"] != n {
			t.Errorf("first %d: calls %v, want one Statuses, Orgs and Asset (SRV-FILE) call and %d Edges calls", n, byMethod, n)
		}
	}
	if calls[100] != calls[10] || calls[100] > 5 {
		t.Errorf("store calls besides Edges: %d for 10 assets, %d for 100; want equal and at most 5", calls[10], calls[100])
	}
}

// TestImportWithoutImporter: with no importer wired, an upload is refused
// with a code, and nothing is written.
func TestUploadRefused(t *testing.T) {
	e := setup(t, func(c *server.Config) { c.Limits.MaxUploadBytes = 1 << 10 })
	send := func(name string, content []byte) response {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("operations", `{"query": "mutation($f: Upload!) { importWorkbook(workspace: \"demo\", file: $f) { written } }", "variables": {"f": null}}`)
		w.WriteField("map", `{"0": ["variables.f"]}`)
		fw, _ := w.CreateFormFile("0", name)
		fw.Write(content)
		w.Close()
		return e.send("POST", "/graphql", "analyst", w.FormDataContentType(), b.String(), map[string]string{"GraphQL-Require-Preflight": "1"})
	}
	r := send("big.xlsx", bytes.Repeat([]byte("x"), 4<<10))
	if r.Status != 413 || !slices.Equal(r.codes(), []string{"BAD_USER_INPUT"}) {
		t.Errorf("oversized upload: %d %s", r.Status, r.Raw)
	}
	r = send("notes.txt", []byte("hello"))
	if r.Status != 200 || !slices.Equal(r.codes(), []string{"BAD_USER_INPUT"}) {
		t.Errorf("upload without importer or workbook: %d %s", r.Status, r.Raw)
	}
	if e.store.writes() != 0 {
		t.Error("refused uploads wrote")
	}
}
