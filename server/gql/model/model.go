// Package model holds the GraphQL models that are not domain types of
// package graph: company-graph wrappers that carry their workspace (so that
// lazy fields such as an asset's owner are resolved in the right workspace),
// and the connection types gqlgen generates into models_gen.go.
package model

import "cpsfgraph/graph"

// Asset is an asset of one workspace.
type Asset struct {
	graph.Asset
	Workspace string
}

// Organization is an organization of one workspace.
type Organization struct {
	graph.Org
	Workspace string
}

// Neighbour is an asset's relationship with the node at its other end.
type Neighbour struct {
	Workspace string
	Edge      graph.Edge
	Direction EdgeDirection
	ID        string
	Kind      graph.NodeKind
}

// Pair is a (threat, asset) pair of one workspace.
type Pair struct {
	graph.Pair
	Workspace string
}

// Reached is an asset in a threat's blast radius.
type Reached struct {
	graph.Reached
	Workspace string
}

// IPAHeatmap is IPA's risk matrix of one workspace.
type IPAHeatmap struct {
	Workspace string
	MaxHops   int
	Pairs     int
	Cells     []IPACell
}

// IPACell is one cell of the IPA matrix.
type IPACell struct {
	graph.IPACell
	Workspace string
}

// CPSFCell is one cell of the CPSF map; Members lists the pairs of the
// cell's assets, filled when the map is built.
type CPSFCell struct {
	graph.CPSFCell
	Workspace string
	MaxHops   int
}

// PairCount is the number of (threat, asset) pairs of the cell's assets.
func (c CPSFCell) PairCount() int { return c.CPSFCell.Pairs }

// SupplyRow is one organization of the supply-chain map.
type SupplyRow struct {
	graph.SupplyRow
	Workspace string
}
