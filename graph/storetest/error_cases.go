package storetest

import (
	"context"
	"errors"
	"testing"

	"cpsfgraph/graph"
)

type errorCase struct {
	name string
	call func(ctx context.Context, s graph.Store, a *graph.Analyzer) error
	want error // graph.ErrNotFound, graph.ErrInvalid, or nil for success
	any  bool  // any non-nil error will do
}

func errorCases() []errorCase {
	reach := func(wsID, asset string, opt graph.ReachOptions) func(context.Context, graph.Store, *graph.Analyzer) error {
		return func(ctx context.Context, _ graph.Store, a *graph.Analyzer) error {
			_, err := a.ThreatsReaching(ctx, wsID, asset, opt)
			return err
		}
	}
	blast := func(wsID, threat string, opt graph.ReachOptions) func(context.Context, graph.Store, *graph.Analyzer) error {
		return func(ctx context.Context, _ graph.Store, a *graph.Analyzer) error {
			_, err := a.AssetsReachedBy(ctx, wsID, threat, opt)
			return err
		}
	}
	nf, inv := graph.ErrNotFound, graph.ErrInvalid
	return []errorCase{
		{name: "ThreatsReaching in an unknown workspace", call: reach("nope", "y", graph.ReachOptions{}), want: nf},
		{name: "ThreatsReaching of an unknown asset", call: reach(ws, "ghost", graph.ReachOptions{}), want: nf},
		{name: "ThreatsReaching of an organization is not an asset", call: reach(ws, "self", graph.ReachOptions{}), want: nf},
		{name: "ThreatsReaching of an asset of another workspace", call: reach(ws, "only-in-w2", graph.ReachOptions{}), want: nf},
		{name: "ThreatsReaching maxHops 11", call: reach(ws, "y", graph.ReachOptions{MaxHops: 11}), want: inv},
		{name: "ThreatsReaching maxHops -1", call: reach(ws, "y", graph.ReachOptions{MaxHops: -1}), want: inv},
		{name: "ThreatsReaching path limit 101", call: reach(ws, "y", graph.ReachOptions{PathLimit: 101}), want: inv},
		{name: "ThreatsReaching path limit -1", call: reach(ws, "y", graph.ReachOptions{PathLimit: -1}), want: inv},
		{name: "ThreatsReaching maxHops 10 and path limit 100 are allowed", call: reach(ws, "y", graph.ReachOptions{MaxHops: 10, PathLimit: 100})},
		{name: "AssetsReachedBy of an unknown threat", call: blast(ws, "T-GHOST", graph.ReachOptions{}), want: nf},
		{name: "AssetsReachedBy in an unknown workspace", call: blast("nope", "T-A", graph.ReachOptions{}), want: nf},
		{name: "AssetsReachedBy maxHops 11", call: blast(ws, "T-A", graph.ReachOptions{MaxHops: 11}), want: inv},
		{name: "HeatmapIPA in an unknown workspace", call: func(ctx context.Context, _ graph.Store, a *graph.Analyzer) error {
			_, err := a.HeatmapIPA(ctx, "nope", -1)
			return err
		}, want: nf},
		{name: "HeatmapIPA maxHops 11", call: func(ctx context.Context, _ graph.Store, a *graph.Analyzer) error {
			_, err := a.HeatmapIPA(ctx, ws, 11)
			return err
		}, want: inv},
		{name: "HeatmapCPSF in an unknown workspace", call: func(ctx context.Context, _ graph.Store, a *graph.Analyzer) error {
			_, err := a.HeatmapCPSF(ctx, "nope", -1)
			return err
		}, want: nf},
		{name: "HeatmapCPSF maxHops 11", call: func(ctx context.Context, _ graph.Store, a *graph.Analyzer) error {
			_, err := a.HeatmapCPSF(ctx, ws, 11)
			return err
		}, want: inv},
		{name: "HeatmapSupply in an unknown workspace", call: func(ctx context.Context, _ graph.Store, a *graph.Analyzer) error {
			_, err := a.HeatmapSupply(ctx, "nope")
			return err
		}, want: nf},
		{name: "Workspace unknown", call: func(ctx context.Context, s graph.Store, _ *graph.Analyzer) error {
			_, err := s.Workspace(ctx, "nope")
			return err
		}, want: nf},
		{name: "Asset unknown", call: func(ctx context.Context, s graph.Store, _ *graph.Analyzer) error {
			_, err := s.Asset(ctx, ws, "ghost")
			return err
		}, want: nf},
		{name: "Asset asked in an unknown workspace", call: func(ctx context.Context, s graph.Store, _ *graph.Analyzer) error {
			_, err := s.Asset(ctx, "nope", "y")
			return err
		}, want: nf},
		{name: "Org unknown", call: func(ctx context.Context, s graph.Store, _ *graph.Analyzer) error {
			_, err := s.Org(ctx, ws, "ghost")
			return err
		}, want: nf},
		{name: "Org asked with an asset ID", call: func(ctx context.Context, s graph.Store, _ *graph.Analyzer) error {
			_, err := s.Org(ctx, ws, "y")
			return err
		}, want: nf},
		{name: "Write into an unknown workspace", call: func(ctx context.Context, s graph.Store, _ *graph.Analyzer) error {
			_, err := s.Write(ctx, graph.WriteSpec{Workspace: "nope", Source: "t", Run: "r"}, func(put func(graph.Batch) error) error {
				return put(MustGraph("asset z systems L3"))
			})
			return err
		}, want: nf},
		{name: "Walk from an unknown start", call: func(ctx context.Context, s graph.Store, _ *graph.Analyzer) error {
			return s.Walk(ctx, ws, graph.WalkSpec{Starts: []string{"ghost"}, MaxHops: 2}, func(graph.Level) bool { return true })
		}, any: true},
		{name: "Walk pruned and with parents", call: func(ctx context.Context, s graph.Store, _ *graph.Analyzer) error {
			return s.Walk(ctx, ws, graph.WalkSpec{Starts: []string{"e"}, MaxHops: 2, Parents: true,
				Prune: func(string, int) bool { return false }}, func(graph.Level) bool { return true })
		}, want: inv},
		{name: "Walk pruned and with first parents", call: func(ctx context.Context, s graph.Store, _ *graph.Analyzer) error {
			return s.Walk(ctx, ws, graph.WalkSpec{Starts: []string{"e"}, MaxHops: 2, FirstParent: true,
				Prune: func(string, int) bool { return false }}, func(graph.Level) bool { return true })
		}, want: inv},
	}
}

func runErrorCases(t *testing.T, open func(t *testing.T) graph.Store) {
	for _, c := range errorCases() {
		t.Run(c.name, func(t *testing.T) {
			s := setup(t, open, "org self self; asset y procedures L3; asset e systems L3; e CONNECTS_TO y", nil)
			addGraph(t, s, "w2", "asset only-in-w2 systems L3", nil)
			ctx := context.Background()
			err := c.call(ctx, s, graph.NewAnalyzer(s))
			switch {
			case c.any:
				if err == nil {
					t.Errorf("got no error, want one")
				}
			case c.want == nil:
				if err != nil {
					t.Errorf("got error %v, want none", err)
				}
			case !errors.Is(err, c.want):
				t.Errorf("got error %v, want one that errors.Is %v", err, c.want)
			}
		})
	}
}
