package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"cpsfgraph/graph"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cpsf runs the command in process and returns its exit code and output.
func cpsf(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb syncBuf
	env := &cli{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code := run(ctx, env, args)
	return code, out.String(), errb.String()
}

func demoStore(t *testing.T) string {
	t.Helper()
	uri := "file:" + filepath.Join(t.TempDir(), "demo.db")
	code, out, errs := cpsf(t, context.Background(), "demo", "--store", uri)
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errs)
	}
	return uri
}

func TestDemoPrintsTopRisks(t *testing.T) {
	uri := "file:" + filepath.Join(t.TempDir(), "demo.db")
	code, out, errs := cpsf(t, context.Background(), "demo", "--store", uri)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Loaded workspace \"demo\"", "CPSF requirements 17 of 104", "Top 10 risks:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The first risk row must be in band high (risk 6 or 9): the demo has
	// an unpatched VPN gateway in front of importance-3 data.
	rows := regexp.MustCompile(`(?m)^(\d+)\s+(high|medium|low)\s+\S+`).FindAllStringSubmatch(out, -1)
	if len(rows) != 10 {
		t.Fatalf("want 10 risk rows, got %d:\n%s", len(rows), out)
	}
	if rows[0][2] != "high" {
		t.Errorf("top risk band = %s, want high", rows[0][2])
	}
	// A second load changes nothing.
	code, out, _ = cpsf(t, context.Background(), "demo", "--store", uri)
	if code != 0 || !strings.Contains(out, " 0 created, 0 updated") {
		t.Errorf("re-load should change nothing:\n%s", out)
	}
}

func TestQueryReachJSON(t *testing.T) {
	uri := demoStore(t)
	code, out, errs := cpsf(t, context.Background(), "query", "reach", "--store", uri, "--workspace", "demo", "--asset", "D-DRAWINGS", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res graph.AssetReach
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if res.Asset.ID != "D-DRAWINGS" || len(res.Threats) == 0 {
		t.Fatalf("unexpected answer: %+v", res)
	}
	for _, tr := range res.Threats {
		for _, p := range tr.Paths {
			if last := p.Hops[len(p.Hops)-1].Node; last != "D-DRAWINGS" {
				t.Errorf("%s: path ends at %s", tr.Threat.ID, last)
			}
			if p.Len() > 5 {
				t.Errorf("%s: path of %d steps exceeds maxHops", tr.Threat.ID, p.Len())
			}
		}
	}
	code, out, errs = cpsf(t, context.Background(), "query", "reach", "--store", uri, "--workspace", "demo", "--asset", "D-DRAWINGS", "--lang", "ja")
	if code != 0 || !strings.Contains(out, "資産 D-DRAWINGS") {
		t.Errorf("readable table: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestQueryHeatmaps(t *testing.T) {
	uri := demoStore(t)
	for _, kind := range []string{"ipa", "cpsf", "supply"} {
		code, out, errs := cpsf(t, context.Background(), "query", "heatmap", "--store", uri, "--workspace", "demo", "--kind", kind)
		if code != 0 || len(out) == 0 {
			t.Errorf("%s: exit %d\n%s", kind, code, errs)
		}
	}
	code, out, _ := cpsf(t, context.Background(), "query", "heatmap", "--store", uri, "--workspace", "demo", "--kind", "ipa", "--json")
	var h graph.IPAHeatmap
	if code != 0 || json.Unmarshal([]byte(out), &h) != nil || len(h.Cells) != 9 {
		t.Fatalf("ipa JSON: exit %d\n%s", code, out)
	}
	sum := 0
	for _, c := range h.Cells {
		sum += c.Count
	}
	if sum != h.Pairs || sum == 0 {
		t.Errorf("cells add up to %d, pairs %d", sum, h.Pairs)
	}
}

func TestBadInput(t *testing.T) {
	uri := demoStore(t)
	ctx := context.Background()
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown workspace", []string{"query", "reach", "--store", uri, "--workspace", "nope", "--asset", "X"}, 1, `workspace "nope" not found`},
		{"unknown asset", []string{"query", "reach", "--store", uri, "--workspace", "demo", "--asset", "NOPE"}, 1, `asset "NOPE" not found`},
		{"unknown threat", []string{"query", "blast", "--store", uri, "--workspace", "demo", "--threat", "T-NOPE"}, 1, `threat "T-NOPE" not found`},
		{"maxHops too big", []string{"query", "reach", "--store", uri, "--workspace", "demo", "--asset", "D-ACC", "--max-hops", "11"}, 1, "out of range"},
		{"maxHops negative", []string{"query", "reach", "--store", uri, "--workspace", "demo", "--asset", "D-ACC", "--max-hops", "-1"}, 1, "out of range"},
		{"heatmap maxHops", []string{"query", "heatmap", "--store", uri, "--workspace", "demo", "--max-hops", "99"}, 2, "out of range"},
		{"unknown kind", []string{"query", "heatmap", "--store", uri, "--workspace", "demo", "--kind", "pie"}, 2, "want ipa, cpsf or supply"},
		{"missing workspace flag", []string{"query", "reach", "--store", uri, "--asset", "X"}, 2, "--workspace is required"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"unknown scheme", []string{"query", "reach", "--store", "ftp://x", "--workspace", "w", "--asset", "a"}, 2, "unknown scheme"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := cpsf(t, ctx, c.args...)
			if code != c.code || !strings.Contains(errs, c.msg) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, c.code, errs, c.msg)
			}
		})
	}
}

func TestForeignStoreFileIsLeftAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	orig := []byte("this is not a cpsfgraph store\n")
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"demo", "--store", "file:" + path},
		{"query", "reach", "--store", "file:" + path, "--workspace", "demo", "--asset", "D-ACC"},
	} {
		code, _, errs := cpsf(t, context.Background(), args...)
		if code == 0 || !strings.Contains(errs, path) {
			t.Errorf("%v: exit %d, stderr %q: want an error naming the file", args, code, errs)
		}
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, orig) {
		t.Errorf("file was modified")
	}
}

func TestQueryDoesNotCreateStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.db")
	code, _, errs := cpsf(t, context.Background(), "query", "reach", "--store", "file:"+path, "--workspace", "w", "--asset", "a")
	if code != 1 || !strings.Contains(errs, "does not exist") {
		t.Errorf("exit %d, %q", code, errs)
	}
	if _, err := os.Stat(path); err == nil {
		t.Errorf("query created %s", path)
	}
}

func TestHelpAndVersion(t *testing.T) {
	ctx := context.Background()
	for _, cmd := range []string{"demo", "serve", "version"} {
		code, _, errs := cpsf(t, ctx, cmd, "--help")
		if code != 0 || !strings.Contains(errs, "Usage: cpsfgraph "+cmd) {
			t.Errorf("%s --help: exit %d, %q", cmd, code, errs)
		}
	}
	for _, q := range []string{"reach", "blast", "heatmap"} {
		code, _, errs := cpsf(t, ctx, "query", q, "--help")
		if code != 0 || !strings.Contains(errs, "Usage: cpsfgraph query "+q) {
			t.Errorf("query %s --help: exit %d, %q", q, code, errs)
		}
	}
	code, out, _ := cpsf(t, ctx, "version")
	if code != 0 || !strings.HasPrefix(out, "cpsfgraph ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestServeAPI(t *testing.T) {
	uri := demoStore(t)
	code, token, errs := cpsf(t, context.Background(), "token", "issue", "--store", uri, "--workspace", "demo", "--role", "viewer", "--name", "test")
	token = strings.TrimSpace(token)
	if code != 0 || !strings.HasPrefix(token, "cpsf_") {
		t.Fatalf("token issue: exit %d %q %s", code, token, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuf
	env := &cli{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	done := make(chan int)
	go func() { done <- run(ctx, env, []string{"serve", "--addr", "127.0.0.1:0", "--store", uri}) }()
	var addr string
	re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`)
	for i := 0; i < 500 && addr == ""; i++ {
		if m := re.FindStringSubmatch(out.String() + errb.String()); m != nil {
			addr = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	if addr == "" {
		cancel()
		t.Fatalf("server did not start: %s %s", out.String(), errb.String())
	}
	get := func(path string, hdr map[string]string, body string) (int, string) {
		method := "GET"
		var rd io.Reader
		if body != "" {
			method, rd = "POST", strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, "http://"+addr+path, rd)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if c, b := get("/healthz", nil, ""); c != 200 || !strings.Contains(b, "ok") {
		t.Errorf("healthz: %d %s", c, b)
	}
	q := `{"query":"{ threatsReaching(workspace:\"demo\", asset:\"D-DRAWINGS\") { threats { threat { id } score { risk } } } }"}`
	if c, b := get("/graphql", map[string]string{"Content-Type": "application/json"}, q); c != 401 || !strings.Contains(b, "UNAUTHENTICATED") {
		t.Errorf("no token: %d %s", c, b)
	}
	c, b := get("/graphql", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + token}, q)
	if c != 200 || !strings.Contains(b, "IPA10-2026-01") {
		t.Errorf("with token: %d %s", c, b)
	}
	if c, b := get("/w/demo", nil, ""); c != 200 || !strings.Contains(b, "<div id=\"app\">") {
		t.Errorf("UI: %d", c)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exit %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
	code, _, errs = cpsf(t, context.Background(), "serve", "--dev", "--addr", "0.0.0.0:0", "--store", uri)
	if code != 2 || !strings.Contains(errs, "loopback") {
		t.Errorf("--dev on a public address: exit %d %q", code, errs)
	}
}

func TestMemoryLimitPerCommand(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int64
	}{
		{[]string{"export", "heatmap"}, exportMemoryLimit},
		{[]string{"serve"}, defaultMemoryLimit},
		{[]string{"import", "x.xlsx"}, defaultMemoryLimit},
		{nil, defaultMemoryLimit},
	} {
		if got := memoryLimit(c.args); got != c.want {
			t.Errorf("memoryLimit(%q) = %d, want %d", c.args, got, c.want)
		}
	}
}

// TestNeo4jTuningEnv: a bad NEO4J_BATCH_SIZE or NEO4J_PARALLEL is refused
// by name before any connection is tried.
func TestNeo4jTuningEnv(t *testing.T) {
	for _, v := range []string{"NEO4J_BATCH_SIZE", "NEO4J_PARALLEL"} {
		t.Run(v, func(t *testing.T) {
			var out, errb syncBuf
			env := &cli{stdout: &out, stderr: &errb, getenv: func(k string) string {
				if k == v {
					return "zero"
				}
				return ""
			}}
			code := run(context.Background(), env, []string{"migrate", "--store", "bolt://127.0.0.1:1"})
			if code == 0 || !strings.Contains(errb.String(), v+`="zero"`) || strings.Contains(errb.String(), "127.0.0.1:1") {
				t.Errorf("%s=zero: exit %d, stderr %q; want a failure naming the variable, not the server", v, code, errb.String())
			}
		})
	}
}
