// Package bench holds cpsfgraph's benchmarks (bench_test.go) and what they
// share with the generator tool: loading a synthetic enterprise into a
// store in batches. The generator itself is bench/synth.
package bench

import (
	"context"
	"fmt"
	"time"

	"cpsfgraph/graph"
)

// DefaultChunk is the number of items per put in Load.
const DefaultChunk = 10_000

// Load writes the catalog, the workspace and the batch into s, in one write
// run whose puts carry at most chunk items each (organizations, then
// assets, edges and statuses, so every put names nodes that exist).
func Load(ctx context.Context, s graph.Store, cat *graph.Catalog, ws graph.Workspace, b *graph.Batch, chunk int) (graph.WriteReport, error) {
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	if cat != nil {
		if err := s.PutCatalog(ctx, cat); err != nil {
			return graph.WriteReport{}, fmt.Errorf("bench: load catalog: %w", err)
		}
	}
	if err := s.PutWorkspace(ctx, ws); err != nil {
		return graph.WriteReport{}, fmt.Errorf("bench: create workspace %q: %w", ws.ID, err)
	}
	spec := graph.WriteSpec{Workspace: ws.ID, Source: "bench/synth", Run: "bench-load", Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	rep, err := s.Write(ctx, spec, func(put func(graph.Batch) error) error {
		if err := putChunks(b.Orgs, chunk, func(x []graph.Org) error { return put(graph.Batch{Orgs: x}) }); err != nil {
			return err
		}
		if err := putChunks(b.Assets, chunk, func(x []graph.Asset) error { return put(graph.Batch{Assets: x}) }); err != nil {
			return err
		}
		if err := putChunks(b.Edges, chunk, func(x []graph.Edge) error { return put(graph.Batch{Edges: x}) }); err != nil {
			return err
		}
		return putChunks(b.Statuses, chunk, func(x []graph.ControlStatus) error { return put(graph.Batch{Statuses: x}) })
	})
	if err != nil {
		return rep, fmt.Errorf("bench: write workspace %q: %w", ws.ID, err)
	}
	return rep, nil
}

func putChunks[T any](items []T, chunk int, put func([]T) error) error {
	for len(items) > 0 {
		n := min(chunk, len(items))
		if err := put(items[:n]); err != nil {
			return err
		}
		items = items[n:]
	}
	return nil
}
