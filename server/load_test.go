package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cpsfgraph/bench"
	"cpsfgraph/bench/synth"
	"cpsfgraph/catalog"
	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/graph/neo4jstore"
	"cpsfgraph/server"
	"cpsfgraph/server/auth"
)

// TestLoadThreatsReaching measures threatsReaching on the synthetic
// enterprise under concurrent clients over loopback HTTP, and the same
// analysis in process in the same run, so the HTTP + GraphQL overhead shows
// as a ratio. It runs only with CPSFGRAPH_API_BENCH=1:
//
//	CPSFGRAPH_API_BENCH=1 go test ./server -run TestLoadThreatsReaching -v -timeout 30m
//
// Settings: CPSFGRAPH_API_BENCH_ASSETS (default 100000), _CLIENTS (50),
// _SECONDS (30), _STORE (memstore, or neo4j with NEO4J_URI).
func TestLoadThreatsReaching(t *testing.T) {
	if os.Getenv("CPSFGRAPH_API_BENCH") != "1" {
		t.Skip("set CPSFGRAPH_API_BENCH=1 to run the API load test")
	}
	env := func(k string, def int) int {
		if v, err := strconv.Atoi(os.Getenv("CPSFGRAPH_API_BENCH_" + k)); err == nil && v > 0 {
			return v
		}
		return def
	}
	assets, clients, secs := env("ASSETS", 100000), env("CLIENTS", 50), env("SECONDS", 30)
	ctx := context.Background()
	var st graph.Store = memstore.New()
	storeName := "memstore"
	if os.Getenv("CPSFGRAPH_API_BENCH_STORE") == "neo4j" {
		cfg, err := neo4jstore.ConfigFromEnv()
		if err != nil {
			t.Fatal(err)
		}
		s, err := neo4jstore.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		st, storeName = s, "neo4j"
	}
	defer st.Close()
	cat := catalog.Default()
	ws, b := synth.Generate(synth.Config{Assets: assets, Seed: 1, Catalog: cat})
	if storeName == "neo4j" {
		st.DeleteWorkspace(ctx, ws.ID)
	}
	start := time.Now()
	if storeName == "neo4j" {
		// One write run of the whole enterprise needs several GB of Neo4j
		// transaction memory: load it in runs of at most 50 000 items.
		if err := loadInRuns(ctx, st, cat, ws, &b, 50000); err != nil {
			t.Fatal(err)
		}
	} else if _, err := bench.Load(ctx, st, cat, ws, &b, 0); err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d assets, %d edges into %s in %v", len(b.Assets), len(b.Edges), storeName, time.Since(start).Round(time.Millisecond))
	var ids []string
	for i := 0; i < len(b.Assets) && len(ids) < 500; i += max(1, len(b.Assets)/500) {
		ids = append(ids, b.Assets[i].ID)
	}

	run := func(name string, clients int, call func(id string) error) {
		var n atomic.Int64
		var mu sync.Mutex
		var lat []time.Duration
		began := time.Now()
		deadline := began.Add(time.Duration(secs) * time.Second)
		var wg sync.WaitGroup
		var failed atomic.Value
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				for i := c; time.Now().Before(deadline); i += clients {
					t0 := time.Now()
					if err := call(ids[i%len(ids)]); err != nil {
						failed.Store(err)
						return
					}
					mine = append(mine, time.Since(t0))
					n.Add(1)
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		elapsed := time.Since(began) // calls under way at the deadline finish
		if err, _ := failed.Load().(error); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		slices.Sort(lat)
		p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
		t.Logf("%-10s %s, %d clients, %v: %d requests, %.1f/s, p50 %v, p99 %v", name, storeName, clients, elapsed.Round(time.Second), n.Load(),
			float64(n.Load())/elapsed.Seconds(), p(0.5).Round(time.Microsecond), p(0.99).Round(time.Microsecond))
	}

	an := graph.NewAnalyzer(st)
	inProcess := func(id string) error {
		_, err := an.ThreatsReaching(ctx, ws.ID, id, graph.ReachOptions{})
		return err
	}
	run("in-process", 1, inProcess)
	run("in-process", clients, inProcess)

	a := auth.NewMemoryStore()
	secret, _, _ := auth.Issue(ctx, a, ws.ID, auth.Viewer, "load", "test", time.Now(), 0)
	srv, err := server.New(server.Config{Store: st, Auth: a, Addr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Limits: server.Limits{Timeout: 10 * time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	q := `query Reach($ws: ID!, $a: ID!) { threatsReaching(workspace: $ws, asset: $a) { threats { threat { id } score { risk band } truncated paths { length hops { node status coverage } } } } }`
	overHTTP := func(id string) error {
		body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"ws": ws.ID, "a": id}})
		req, _ := http.NewRequest("POST", ts.URL+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || strings.Contains(string(b), `"errors"`) {
			return fmt.Errorf("status %d: %.300s", res.StatusCode, b)
		}
		return nil
	}
	run("HTTP", 1, overHTTP)
	run("HTTP", clients, overHTTP)
}

// loadInRuns writes the catalog, the workspace and the batch in several
// write runs of at most n items each (organizations, assets, edges, then
// statuses, so each run names nodes that exist).
func loadInRuns(ctx context.Context, s graph.Store, cat *graph.Catalog, ws graph.Workspace, b *graph.Batch, n int) error {
	if err := s.PutCatalog(ctx, cat); err != nil {
		return err
	}
	if err := s.PutWorkspace(ctx, ws); err != nil {
		return err
	}
	var batches []graph.Batch
	for i := 0; i < len(b.Orgs); i += n {
		batches = append(batches, graph.Batch{Orgs: b.Orgs[i:min(i+n, len(b.Orgs))]})
	}
	for i := 0; i < len(b.Assets); i += n {
		batches = append(batches, graph.Batch{Assets: b.Assets[i:min(i+n, len(b.Assets))]})
	}
	for i := 0; i < len(b.Edges); i += n {
		batches = append(batches, graph.Batch{Edges: b.Edges[i:min(i+n, len(b.Edges))]})
	}
	for i := 0; i < len(b.Statuses); i += n {
		batches = append(batches, graph.Batch{Statuses: b.Statuses[i:min(i+n, len(b.Statuses))]})
	}
	for i, x := range batches {
		spec := graph.WriteSpec{Workspace: ws.ID, Source: "bench/synth", Run: fmt.Sprintf("bench-load-%d", i)}
		if _, err := s.Write(ctx, spec, func(put func(graph.Batch) error) error { return put(x) }); err != nil {
			return err
		}
	}
	return nil
}
