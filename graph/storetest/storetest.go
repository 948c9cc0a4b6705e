// Package storetest is the conformance suite every graph.Store must pass, so
// that all stores give the same answers on the same data (DESIGN.md section
// 4). It holds hand-checked cases on small graphs whose answers are written
// literally in the cases, and a generated graph of a few thousand nodes whose
// answers are checked against a brute-force reference written here,
// independently of the analysis in package graph.
//
// A store's test calls Run:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) graph.Store { return memstore.New() })
//	}
//
// Generate, Load and Compare let a differential test load the same generated
// graph into two stores and compare their answers row by row.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cpsfgraph/graph"
)

// Run runs the whole suite. open returns a fresh, empty store for each
// subtest; the caller registers its cleanup.
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	t.Run("Catalog", func(t *testing.T) { testCatalog(t, open) })
	t.Run("Reach", func(t *testing.T) { runReachCases(t, open) })
	t.Run("Coverage", func(t *testing.T) { runCoverCases(t, open) })
	t.Run("Score", func(t *testing.T) { runScoreCases(t, open) })
	t.Run("BlastRadius", func(t *testing.T) { runBlastCases(t, open) })
	t.Run("Heatmap", func(t *testing.T) { runHeatmapCases(t, open) })
	t.Run("Isolation", func(t *testing.T) { testIsolation(t, open) })
	t.Run("Errors", func(t *testing.T) { runErrorCases(t, open) })
	t.Run("Write", func(t *testing.T) { runWriteCases(t, open) })
	t.Run("Lookups", func(t *testing.T) { runLookupCases(t, open) })
	t.Run("EnvReader", func(t *testing.T) { testEnvReader(t, open) })
	t.Run("Generated", func(t *testing.T) { testGenerated(t, open) })
	t.Run("SmallGenerated", func(t *testing.T) { testSmallGenerated(t, open) })
	t.Run("Differential", func(t *testing.T) { testDifferential(t, open) })
}

// The workspace of the hand-checked cases.
const ws = "w1"

var fixedNow = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

// setup opens a fresh store and loads the tiny catalog, workspace ws (with
// the given threat-level overrides) and the graph src into it.
func setup(t *testing.T, open func(t *testing.T) graph.Store, src string, levels map[string]int) graph.Store {
	t.Helper()
	s := open(t)
	ctx := context.Background()
	if err := s.PutCatalog(ctx, Catalog()); err != nil {
		t.Fatalf("PutCatalog(tiny catalog): %v", err)
	}
	addGraph(t, s, ws, src, levels)
	return s
}

// addGraph creates workspace id and writes graph src into it.
func addGraph(t *testing.T, s graph.Store, id, src string, levels map[string]int) {
	t.Helper()
	ctx := context.Background()
	b, err := ParseGraph(src)
	if err != nil {
		t.Fatalf("bad case graph: %v", err)
	}
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: id, Name: "workspace " + id, FormulaVariant: graph.FormulaIPA, ThreatLevels: levels, Created: fixedNow}); err != nil {
		t.Fatalf("PutWorkspace(%q): %v", id, err)
	}
	spec := graph.WriteSpec{Workspace: id, Source: FixtureSource, Run: "run-1", Now: fixedNow}
	if _, err := s.Write(ctx, spec, func(put func(graph.Batch) error) error { return put(b) }); err != nil {
		t.Fatalf("Write(workspace %q, case graph): %v", id, err)
	}
}

// ---- set-style assertions with readable messages ----

// sameSet reports, as one message, what want has that got lacks and what got
// has that want lacks; "" when they hold the same elements.
func sameSet(got, want []string) string {
	g, w := map[string]int{}, map[string]int{}
	for _, x := range got {
		g[x]++
	}
	for _, x := range want {
		w[x]++
	}
	var missing, extra []string
	for x, n := range w {
		if g[x] < n {
			missing = append(missing, x)
		}
	}
	for x, n := range g {
		if w[x] < n {
			extra = append(extra, x)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return ""
	}
	slices.Sort(missing)
	slices.Sort(extra)
	var b strings.Builder
	if len(missing) > 0 {
		fmt.Fprintf(&b, "missing %v", missing)
	}
	if len(extra) > 0 {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "unexpected %v", extra)
	}
	return b.String()
}

// checkSet fails t when got and want differ as sets.
func checkSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	if d := sameSet(got, want); d != "" {
		t.Errorf("%s: %s\n  got  %v\n  want %v", what, d, got, want)
	}
}

// checkList fails t when got and want differ, order included.
func checkList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n  got  %v\n  want %v", what, got, want)
	}
}

func refs(cs []graph.ControlRef) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

// path renders a node-ID list as "a > b > c".
func path(ids []string) string { return strings.Join(ids, " > ") }

func paths(ps [][]string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = path(p)
	}
	return out
}

// score is an expected IPA score.
type score struct {
	imp, t, v, d, risk int
	band               graph.Band
}

func (s score) String() string {
	return fmt.Sprintf("importance %d, t %d, v %d, damage %d, risk %d (%s)", s.imp, s.t, s.v, s.d, s.risk, s.band)
}

func scoreOf(g graph.Score) score {
	return score{g.Importance, g.Likelihood, g.Exploitability, g.Damage, g.Risk, g.Band}
}

const (
	high   = graph.BandHigh
	medium = graph.BandMedium
	low    = graph.BandLow
)
