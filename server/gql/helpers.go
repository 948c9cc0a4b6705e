package gql

import (
	"context"
	"strings"

	"cpsfgraph/graph"
	"cpsfgraph/server/gql/model"
)

// assets pages a workspace's assets; the page primes the loaders so that
// owners, controls and neighbours of the whole page load in one call each.
func (r *Resolver) assets(ctx context.Context, ws string, f *model.AssetFilter, first *int, after *string) (*model.AssetConnection, error) {
	size, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	a, err := parseCursor("asset", after)
	if err != nil {
		return nil, err
	}
	q := graph.AssetQuery{After: a, First: size}
	if f != nil {
		q.Layer = deref(f.Layer, "")
		q.Component = deref(f.Component, "")
		q.Org = deref(f.Org, "")
		q.MinImportance = deref(f.MinImportance, 0)
		q.Text = strings.TrimSpace(deref(f.Text, ""))
		if q.MinImportance < 0 || q.MinImportance > 3 {
			return nil, Errorf(CodeBadInput, "minImportance %d out of range 0..3", q.MinImportance)
		}
	}
	c := &model.AssetConnection{PageInfo: &model.PageInfo{HasPreviousPage: a != ""}}
	if size == 0 {
		// first: 0 asks for the count only; the store reads 0 as "all".
		q.First = 1
		p, err := r.Store.Assets(ctx, ws, q)
		if err != nil {
			return nil, err
		}
		c.TotalCount = p.Total
		c.PageInfo.HasNextPage = len(p.Assets) > 0
		return c, nil
	}
	p, err := r.Store.Assets(ctx, ws, q)
	if err != nil {
		return nil, err
	}
	c.TotalCount = p.Total
	c.PageInfo.HasNextPage = p.HasNext
	r.loaders(ctx).primeAssets(ws, p.Assets)
	c.Nodes = make([]model.Asset, len(p.Assets))
	c.Edges = make([]model.AssetEdge, len(p.Assets))
	for i, x := range p.Assets {
		c.Nodes[i] = model.Asset{Asset: x, Workspace: ws}
		c.Edges[i] = model.AssetEdge{Cursor: cursor("asset", x.ID), Node: &c.Nodes[i]}
	}
	if n := len(c.Edges); n > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &c.Edges[0].Cursor, &c.Edges[n-1].Cursor
	}
	return c, nil
}

// neighbours turns the edges touching node id into neighbours. The kind of
// the other end comes from the workspace's organizations (loaded once).
func neighbours(ctx context.Context, r *Resolver, ws, id string, es []graph.Edge) ([]model.Neighbour, error) {
	l := r.loaders(ctx)
	out := make([]model.Neighbour, 0, len(es))
	var others []string
	for _, e := range es {
		n := model.Neighbour{Workspace: ws, Edge: e, Direction: model.EdgeDirectionOut, ID: e.To}
		if e.To == id && e.From != id {
			n.Direction, n.ID = model.EdgeDirectionIn, e.From
		}
		n.Kind = graph.KindAsset
		if _, err := l.org(ctx, ws, n.ID); err == nil {
			n.Kind = graph.KindOrg
		} else if !isNotFound(err) {
			return nil, err
		} else {
			others = append(others, n.ID)
		}
		out = append(out, n)
	}
	l.primeNodes(ws, others...)
	return out, nil
}

func isNotFound(err error) bool { return CodeOf(err) == CodeNotFound }

// pairPage pages (threat, asset) pairs of workspace ws.
func pairPage(ws string, pairs []graph.Pair, first *int, after *string) (*model.PairConnection, error) {
	lo, hi, pi, cursors, err := offsetPage("pair", len(pairs), first, after)
	if err != nil {
		return nil, err
	}
	c := &model.PairConnection{PageInfo: pi, TotalCount: len(pairs), Nodes: make([]model.Pair, 0, hi-lo)}
	for i := lo; i < hi; i++ {
		c.Nodes = append(c.Nodes, model.Pair{Pair: pairs[i], Workspace: ws})
	}
	for i := range c.Nodes {
		c.Edges = append(c.Edges, model.PairEdge{Cursor: cursors[i], Node: &c.Nodes[i]})
	}
	return c, nil
}

// mappings returns the catalog mappings with an end at key ("ctl:FW:ID",
// "req:ID", "rs:ID", "thr:ID").
func (r *Resolver) mappings(ctx context.Context, key string) ([]graph.Mapping, error) {
	ix, err := r.loaders(ctx).catalog(ctx)
	if err != nil {
		return nil, err
	}
	return ix.mappings[key], nil
}
