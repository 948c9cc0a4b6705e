package export

import (
	"context"
	"fmt"

	"cpsfgraph/graph"
)

// cpsfHeatmap computes graph's CPSF map from the pairs the report already
// holds, saving a second reach over the workspace.
func cpsfHeatmap(ctx context.Context, an *graph.Analyzer, env *graph.Env, maxHops int, pairs []PairRow) (*graph.CPSFHeatmap, error) {
	h, err := an.CPSFFromPairs(ctx, env, maxHops, func(yield func(string, graph.Score) bool) {
		for i := range pairs {
			if !yield(pairs[i].Asset, pairs[i].Score) {
				return
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("export: CPSF map of %q: %w", env.Workspace.ID, err)
	}
	return h, nil
}
