package storetest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"cpsfgraph/graph"
)

// SampleAssets picks n asset IDs of the batch spread evenly over it (all
// when n <= 0 or n >= the number of assets), sorted.
func SampleAssets(b graph.Batch, n int) []string {
	var out []string
	if n <= 0 || n >= len(b.Assets) {
		for _, a := range b.Assets {
			out = append(out, a.ID)
		}
	} else {
		step := float64(len(b.Assets)) / float64(n)
		for i := 0; i < n; i++ {
			out = append(out, b.Assets[int(float64(i)*step)].ID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Answers renders, one row a line, every answer a store gives on workspace
// ws: the stored nodes, edges and statuses (without timestamps), the entries
// of every cell, ThreatsReaching for each sampled asset (default options
// and maxHops 2), AssetsReachedBy for every threat, and the three
// heat-maps. Two stores that hold the same data must give equal answers,
// key by key and row by row.
func Answers(ctx context.Context, s graph.Store, ws string, sample []string) (map[string][]string, error) {
	out := map[string][]string{}
	add := func(key, format string, args ...any) { out[key] = append(out[key], fmt.Sprintf(format, args...)) }

	orgs, err := s.Orgs(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("Orgs(%s): %w", ws, err)
	}
	for _, o := range orgs {
		add("stored orgs", "%s name=%q role=%s size=%q source=%s run=%s", o.ID, o.Name, o.Role, o.Size, o.Source, o.Run)
	}
	page, err := s.Assets(ctx, ws, graph.AssetQuery{})
	if err != nil {
		return nil, fmt.Errorf("Assets(%s): %w", ws, err)
	}
	for _, a := range page.Assets {
		add("stored assets", "%s name=%q %s %v cia=%d/%d/%d imp=%d cat=%q media=%q owner=%s pi=%v exp=%v source=%s run=%s",
			a.ID, a.Name, a.Component, a.Layers, a.C, a.I, a.A, a.Importance, a.Category, a.Media, a.Owner, a.PersonalInfo, a.Exposure, a.Source, a.Run)
	}
	edges, err := s.Edges(ctx, ws, "")
	if err != nil {
		return nil, fmt.Errorf("Edges(%s): %w", ws, err)
	}
	for _, e := range edges {
		add("stored edges", "%s %s %s source=%s run=%s", e.From, e.Type, e.To, e.Source, e.Run)
	}
	sts, err := s.Statuses(ctx, ws, nil)
	if err != nil {
		return nil, fmt.Errorf("Statuses(%s): %w", ws, err)
	}
	for _, x := range sts {
		add("stored statuses", "%s %s %s note=%q source=%s run=%s", x.Subject, x.Control, x.Status, x.Note, x.Source, x.Run)
	}
	for _, l := range graph.Layers {
		for _, c := range graph.Components {
			cell := graph.Cell{Layer: l, Component: c}
			ns, err := s.Entries(ctx, ws, []graph.Cell{cell})
			if err != nil {
				return nil, fmt.Errorf("Entries(%s, %s): %w", ws, cell, err)
			}
			for _, n := range ns {
				add("stored entries "+cell.String(), "%s", factsLine(n))
			}
		}
	}

	a := graph.NewAnalyzer(s)
	for _, id := range sample {
		for _, opt := range []graph.ReachOptions{{}, {MaxHops: 2, PathLimit: 3}} {
			r, err := a.ThreatsReaching(ctx, ws, id, opt)
			if err != nil {
				return nil, fmt.Errorf("ThreatsReaching(%s, %s, %+v): %w", ws, id, opt, err)
			}
			key := fmt.Sprintf("ThreatsReaching %s maxHops %d", id, opt.MaxHops)
			for _, t := range r.Threats {
				add(key, "%s [%v] truncated %v", t.Threat.ID, scoreOf(t.Score), t.Truncated)
				for _, p := range t.Paths {
					var hops []string
					for _, h := range p.Hops {
						var gaps []string
						for _, g := range h.Gaps {
							gaps = append(gaps, fmt.Sprintf("%s:%v:%v:%v", g.RiskSource, g.Weight, g.Requirements, refs(g.Controls)))
						}
						hops = append(hops, fmt.Sprintf("%s(%s %s %v %v cov %v rs %v covering %v gaps %v)", h.Node, h.Kind, h.Component, h.Layers,
							h.Status, h.Coverage, h.RiskSources, refs(h.Covering), gaps))
					}
					add(key, "  %s", strings.Join(hops, " > "))
				}
			}
		}
	}
	cat, err := s.Catalog(ctx)
	if err != nil {
		return nil, fmt.Errorf("Catalog: %w", err)
	}
	for _, th := range cat.Threats {
		for _, opt := range []graph.ReachOptions{{}, {MaxHops: 2}} {
			br, err := a.AssetsReachedBy(ctx, ws, th.ID, opt)
			if err != nil {
				return nil, fmt.Errorf("AssetsReachedBy(%s, %s, %+v): %w", ws, th.ID, opt, err)
			}
			key := fmt.Sprintf("AssetsReachedBy %s maxHops %d", th.ID, opt.MaxHops)
			add(key, "entries %d", br.Entries)
			for _, x := range br.Assets {
				add(key, "%s hops %d [%v] path %s", x.Asset, x.Hops, scoreOf(x.Score), path(x.Path))
			}
		}
	}
	for _, maxHops := range []int{-1, 2} {
		h, err := a.HeatmapIPA(ctx, ws, maxHops)
		if err != nil {
			return nil, fmt.Errorf("HeatmapIPA(%s, %d): %w", ws, maxHops, err)
		}
		key := fmt.Sprintf("HeatmapIPA maxHops %d", maxHops)
		add(key, "pairs %d", h.Pairs)
		for _, c := range h.Cells {
			add(key, "importance %d damage %d risk %d %s count %d", c.Importance, c.Damage, c.Risk, c.Band, c.Count)
			for _, p := range c.Pairs {
				add(key, "  %s/%s hops %d [%v]", p.Threat, p.Asset, p.Hops, scoreOf(p.Score))
			}
		}
		cp, err := a.HeatmapCPSF(ctx, ws, maxHops)
		if err != nil {
			return nil, fmt.Errorf("HeatmapCPSF(%s, %d): %w", ws, maxHops, err)
		}
		key = fmt.Sprintf("HeatmapCPSF maxHops %d", maxHops)
		for _, c := range cp.Cells {
			add(key, "%s/%s assets %d orgs %d pairs %d max %d %s high %d rss %d assessed %d coverage %.9f reqs %v",
				c.Layer, c.Component, c.Assets, c.Orgs, c.Pairs, c.MaxRisk, c.Band, c.HighPairs, c.RiskSources, c.Assessed, c.Coverage, c.Requirements)
		}
	}
	sh, err := a.HeatmapSupply(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("HeatmapSupply(%s): %w", ws, err)
	}
	for _, r := range sh.Rows {
		line := fmt.Sprintf("%s tier %d supplied %d:", r.Org.ID, r.Tier, r.AssetsSupplied)
		for _, c := range r.Cells {
			line += fmt.Sprintf(" %s %.9f/%d", c.Function, c.Covered, c.Requirements)
		}
		add("HeatmapSupply", "%s", line)
	}
	return out, nil
}

// Compare fails t with the rows where store got answers differently from
// store want on workspace ws (see Answers), at most a few per key.
func Compare(t testing.TB, ctx context.Context, want, got graph.Store, ws string, sample []string) {
	t.Helper()
	CompareWorkspaces(t, ctx, want, ws, got, ws, sample)
}

// CompareWorkspaces is Compare for two workspaces, of the same store or of
// two stores.
func CompareWorkspaces(t testing.TB, ctx context.Context, want graph.Store, wantWS string, got graph.Store, gotWS string, sample []string) {
	t.Helper()
	w, err := Answers(ctx, want, wantWS, sample)
	if err != nil {
		t.Fatalf("answers of the reference store: %v", err)
	}
	g, err := Answers(ctx, got, gotWS, sample)
	if err != nil {
		t.Fatalf("answers of the store under test: %v", err)
	}
	keys := map[string]bool{}
	for k := range w {
		keys[k] = true
	}
	for k := range g {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	// Stored data first: a difference there explains those after it.
	sort.Slice(sorted, func(i, j int) bool {
		si, sj := strings.HasPrefix(sorted[i], "stored "), strings.HasPrefix(sorted[j], "stored ")
		if si != sj {
			return si
		}
		return sorted[i] < sorted[j]
	})
	reported := 0
	for _, k := range sorted {
		diffs := diffLists(k, g[k], w[k])
		for i, d := range diffs {
			if i == 3 {
				t.Errorf("%s: ... and %d more rows differ", k, len(diffs)-3)
				break
			}
			t.Error(d)
		}
		if len(diffs) > 0 {
			reported++
		}
		if reported == maxReported {
			t.Errorf("... stopping after %d keys with differences", reported)
			return
		}
	}
}

// errRecorder stands in for a testing.TB to see whether Compare reports.
type errRecorder struct {
	testing.TB
	errs []string
}

func (r *errRecorder) Helper()           {}
func (r *errRecorder) Error(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }
func (r *errRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// testDifferential loads one generated graph into two workspaces of one
// store and expects equal answers (the store is deterministic and keeps
// workspaces apart), then changes one status in one workspace and expects
// CompareWorkspaces to see it, and the other workspace to be unchanged.
func testDifferential(t *testing.T, open func(t *testing.T) graph.Store) {
	ctx := context.Background()
	cat, w, b := Generate(7, 600)
	w2 := w
	w2.ID = GenWorkspace + "-copy"
	s := open(t)
	for _, x := range []graph.Workspace{w, w2} {
		if _, err := Load(ctx, s, cat, x, b); err != nil {
			t.Fatalf("Load(%s): %v", x.ID, err)
		}
	}
	sample := SampleAssets(b, 25)
	before, err := Answers(ctx, s, w.ID, sample)
	if err != nil {
		t.Fatalf("Answers(%s): %v", w.ID, err)
	}
	CompareWorkspaces(t, ctx, s, w.ID, s, w2.ID, sample)

	// Flip the self organization's first status between implemented and none.
	var st graph.ControlStatus
	for _, x := range b.Statuses {
		if x.Subject == b.Orgs[0].ID {
			st = x
			break
		}
	}
	if st.Status == graph.StatusImplemented {
		st.Status = graph.StatusNone
	} else {
		st.Status = graph.StatusImplemented
	}
	_, err = s.Write(ctx, graph.WriteSpec{Workspace: w2.ID, Source: GenSource, Run: "gen-1", Now: fixedNow}, func(put func(graph.Batch) error) error {
		return put(graph.Batch{Statuses: []graph.ControlStatus{st}})
	})
	if err != nil {
		t.Fatalf("Write(changed status %s %s): %v", st.Subject, st.Control, err)
	}
	rec := &errRecorder{TB: t}
	CompareWorkspaces(rec, ctx, s, w.ID, s, w2.ID, sample)
	found := false
	for _, e := range rec.errs {
		if strings.Contains(e, "stored statuses row") && strings.Contains(e, st.Subject+" "+st.Control.String()) {
			found = true
		}
	}
	if !found {
		t.Errorf("Compare did not report the changed status %s %s -> %s; it reported %d rows", st.Subject, st.Control, st.Status, len(rec.errs))
	}
	after, err := Answers(ctx, s, w.ID, sample)
	if err != nil {
		t.Fatalf("Answers(%s): %v", w.ID, err)
	}
	for k, rows := range before {
		if d := diffLists(k, after[k], rows); len(d) > 0 {
			t.Errorf("a write to %s changed workspace %s: %s", w2.ID, w.ID, d[0])
			break
		}
	}
}
