package storetest

import (
	"context"
	"fmt"
	"slices"

	"cpsfgraph/graph"
)

// Dump renders a workspace's company graph without stamps, one line per
// organization, asset, edge and control status, sorted: two workspaces (or
// two stores) hold the same graph when their dumps are equal.
func Dump(ctx context.Context, s graph.Store, ws string) ([]string, error) {
	var lines []string
	orgs, err := s.Orgs(ctx, ws)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		lines = append(lines, fmt.Sprintf("org %s %q %s %q", o.ID, o.Name, o.Role, o.Size))
	}
	page, err := s.Assets(ctx, ws, graph.AssetQuery{})
	if err != nil {
		return nil, err
	}
	for _, a := range page.Assets {
		lines = append(lines, fmt.Sprintf("asset %s %q %s %v C%d I%d A%d imp%d cat=%q media=%q owner=%s pi=%v exp=%v",
			a.ID, a.Name, a.Component, a.Layers, a.C, a.I, a.A, a.Importance, a.Category, a.Media, a.Owner, a.PersonalInfo, a.Exposure))
	}
	edges, err := s.Edges(ctx, ws, "")
	if err != nil {
		return nil, err
	}
	for _, e := range edges {
		lines = append(lines, fmt.Sprintf("edge %s %s -> %s", e.Type, e.From, e.To))
	}
	sts, err := s.Statuses(ctx, ws, nil)
	if err != nil {
		return nil, err
	}
	for _, st := range sts {
		lines = append(lines, fmt.Sprintf("status %s %s %s %q", st.Subject, st.Control, st.Status, st.Note))
	}
	slices.Sort(lines)
	return lines, nil
}
