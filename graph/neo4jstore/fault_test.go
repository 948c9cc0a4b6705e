package neo4jstore_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph"
	"cpsfgraph/graph/neo4jstore"
	"cpsfgraph/graph/storetest"
)

// launcher is a private Neo4j instance started with scripts/neo4j/start.sh
// (its own run folder and a kept data folder), so that a test may kill it.
type launcher struct {
	run, data string
	env       []string // extra environment of start.sh
	uri       string
}

func scriptsDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs("../../scripts/neo4j")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (l *launcher) start(t *testing.T) {
	t.Helper()
	cmd := exec.Command(filepath.Join(scriptsDir(t), "start.sh"))
	cmd.Env = append(os.Environ(), "NEO4J_RUN_DIR="+l.run, "NEO4J_DATA_DIR="+l.data, "NEO4J_PORT=0", "NEO4J_HEAP=768m")
	cmd.Env = append(cmd.Env, l.env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("start.sh: %v\n%s", err, stderr.String())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "export NEO4J_URI="); ok {
			l.uri = v
		}
	}
	if l.uri == "" {
		t.Fatalf("start.sh printed no NEO4J_URI: %q", out)
	}
}

func (l *launcher) pid(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(l.run, "neo4j.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func (l *launcher) stop() {
	cmd := exec.Command("../../scripts/neo4j/stop.sh")
	cmd.Env = append(os.Environ(), "NEO4J_RUN_DIR="+l.run)
	cmd.Run()
}

// TestLostMidImport kills the JVM (SIGKILL) while a Write's transaction is
// running, restarts Neo4j on the same data, and checks that the source
// holds entirely the old or entirely the new data; re-running the import
// completes it.
func TestLostMidImport(t *testing.T) {
	neo4jURI(t)
	if testing.Short() {
		t.Skip("starts and kills its own Neo4j (about 60 s)")
	}
	dir := t.TempDir()
	l := &launcher{run: filepath.Join(dir, "run"), data: filepath.Join(dir, "data")}
	t0 := time.Now()
	l.start(t)
	t.Cleanup(l.stop)
	t.Logf("%v: Neo4j started", time.Since(t0).Round(time.Millisecond))
	ctx := context.Background()
	cfg := neo4jstore.Config{URI: l.uri, RetryTime: 3 * time.Second}
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cat, w, b := storetest.Generate(5, 3000)
	if _, err := storetest.Load(ctx, s, cat, w, b); err != nil {
		t.Fatal(err)
	}
	t.Logf("%v: old data loaded (%d items)", time.Since(t0).Round(time.Millisecond), b.Len())
	// The new version of the source: every asset renamed, the last tenth
	// of the assets dropped (swept with their edges and statuses).
	v2 := renamed(b, "v2 ")
	write := func(s *neo4jstore.Store, run string) (graph.WriteReport, error) {
		spec := graph.WriteSpec{Workspace: w.ID, Source: storetest.GenSource, Run: run, Sweep: true, Now: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
		return s.Write(ctx, spec, func(put func(graph.Batch) error) error { return put(v2) })
	}

	// Kill Neo4j once the write transaction is running.
	errc := make(chan error, 1)
	go func() { _, err := write(s, "gen-2"); errc <- err }()
	watch := driver(t, cfg)
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := watch.NewSession(ctx, neoSession()).Run(ctx, "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS 'UNWIND $rows' RETURN count(*) AS n", nil)
		if err == nil {
			if rec, err := res.Single(ctx); err == nil {
				if n, _ := rec.Get("n"); n.(int64) > 0 {
					break
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the write transaction never showed up in SHOW TRANSACTIONS")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The transaction commits only after its last batch: killing now
	// lands inside it.
	if err := syscall.Kill(l.pid(t), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	t.Logf("%v: Neo4j killed (SIGKILL) during the write", time.Since(t0).Round(time.Millisecond))
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("Write succeeded although Neo4j was killed during it (kill came too late?)")
		}
		t.Logf("Write with Neo4j killed reports: %v", err)
	case <-time.After(90 * time.Second):
		t.Fatal("Write did not return after Neo4j was killed")
	}
	s.Close()
	l.stop() // stale pid file
	l.start(t)
	t.Logf("%v: Neo4j restarted on the same data", time.Since(t0).Round(time.Millisecond))
	cfg.URI = l.uri
	s2, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("reopen after the crash: %v", err)
	}
	defer s2.Close()
	state := sourceState(t, s2, w.ID, len(b.Assets), len(v2.Assets))
	if state != "old" && state != "new" {
		t.Fatalf("after the crash the source holds a mix: %s", state)
	}
	t.Logf("after the crash the source holds the %s data", state)

	// Re-running the import completes it.
	rep, err := write(s2, "gen-3")
	if err != nil {
		t.Fatalf("re-run of the import: %v", err)
	}
	t.Logf("%v: import re-run", time.Since(t0).Round(time.Millisecond))
	if got := sourceState(t, s2, w.ID, len(b.Assets), len(v2.Assets)); got != "new" {
		t.Errorf("after the re-run the source holds %s, want new; report %+v", got, rep)
	}
}

func neoSession() neo4j.SessionConfig { return neo4j.SessionConfig{} }

// renamed returns b with every asset renamed and the last tenth of the
// assets left out (with the edges and statuses that name them).
func renamed(b graph.Batch, prefix string) graph.Batch {
	keep := len(b.Assets) * 9 / 10
	out := graph.Batch{Orgs: b.Orgs}
	gone := map[string]bool{}
	for i, a := range b.Assets {
		if i >= keep {
			gone[a.ID] = true
			continue
		}
		a.Name = prefix + a.Name
		out.Assets = append(out.Assets, a)
	}
	for _, e := range b.Edges {
		if !gone[e.From] && !gone[e.To] {
			out.Edges = append(out.Edges, e)
		}
	}
	for _, st := range b.Statuses {
		if !gone[st.Subject] {
			out.Statuses = append(out.Statuses, st)
		}
	}
	return out
}

// sourceState says whether the workspace holds the old assets (all,
// none renamed), the new ones (the kept ones, all renamed) or a mix.
func sourceState(t *testing.T, s graph.Store, ws string, oldN, newN int) string {
	t.Helper()
	page, err := s.Assets(context.Background(), ws, graph.AssetQuery{})
	if err != nil {
		t.Fatal(err)
	}
	renamed := 0
	for _, a := range page.Assets {
		if strings.HasPrefix(a.Name, "v2 ") {
			renamed++
		}
	}
	switch {
	case page.Total == oldN && renamed == 0:
		return "old"
	case page.Total == newN && renamed == newN:
		return "new"
	}
	return fmt.Sprintf("mix: %d assets, %d renamed (old %d, new %d)", page.Total, renamed, oldN, newN)
}

// TestCredentials runs a private Neo4j with authentication on: the right
// password opens the store; a wrong one, or none, fails with an error that
// names the URI and the user.
func TestCredentials(t *testing.T) {
	neo4jURI(t)
	if testing.Short() {
		t.Skip("starts its own Neo4j (about 10 s)")
	}
	dir := t.TempDir()
	const password = "cpsfgraph-test-pw"
	l := &launcher{run: filepath.Join(dir, "run"), data: filepath.Join(dir, "data"), env: []string{"NEO4J_AUTH_PASSWORD=" + password}}
	l.start(t)
	t.Cleanup(l.stop)
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: l.uri, Username: "neo4j", Password: password})
	if err != nil {
		t.Fatalf("Open with the right password: %v", err)
	}
	s.Close()
	for _, c := range []struct {
		name string
		cfg  neo4jstore.Config
		want []string
	}{
		{"wrong password", neo4jstore.Config{URI: l.uri, Username: "neo4j", Password: "wrong-password"}, []string{l.uri, `rejected the credentials of user "neo4j"`}},
		{"unknown user", neo4jstore.Config{URI: l.uri, Username: "nobody", Password: password}, []string{l.uri, `rejected the credentials of user "nobody"`}},
		{"no credentials", neo4jstore.Config{URI: l.uri}, []string{l.uri, "requires authentication"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := neo4jstore.Open(ctx, c.cfg)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%+v) succeeded, want an error", c.cfg)
			}
			t.Logf("Open error: %v", err)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Open error %q does not say %q", err, w)
				}
			}
		})
	}
}
