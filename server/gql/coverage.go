package gql

import (
	"context"
	"slices"

	"cpsfgraph/graph"
	"cpsfgraph/server/gql/model"
)

// coverage answers how far workspace ws is with framework fw: each control's
// status per organization, each organization's readiness, and each CPSF
// cell's coverage (from the CPSF map) with the framework's controls that
// mitigate the cell's risk sources.
func (r *Resolver) coverage(ctx context.Context, ws, fw string, maxHops int) (*model.FrameworkCoverage, error) {
	ix, err := r.loaders(ctx).catalog(ctx)
	if err != nil {
		return nil, err
	}
	f := ix.fws[fw]
	if f == nil {
		return nil, &graph.NotFoundError{Kind: "framework", ID: fw}
	}
	orgs, err := r.Store.Orgs(ctx, ws)
	if err != nil {
		return nil, err
	}
	all, err := r.Store.Statuses(ctx, ws, nil)
	if err != nil {
		return nil, err
	}
	isOrg := map[string]bool{}
	for _, o := range orgs {
		isOrg[o.ID] = true
	}
	type key struct {
		org string
		ctl graph.ControlRef
	}
	byOrg := map[key]graph.ControlStatus{}
	assets := map[graph.ControlRef]int{}
	inForce := map[graph.ControlRef]bool{}
	for _, s := range all {
		if isOrg[s.Subject] {
			byOrg[key{s.Subject, s.Control}] = s
			if s.Status.Weight() > 0 {
				inForce[s.Control] = true
			}
		} else {
			assets[s.Control]++
		}
	}
	out := &model.FrameworkCoverage{Workspace: ws, Framework: f}
	var ctls []graph.Control
	for _, c := range ix.Catalog.Controls {
		if c.Framework == fw {
			ctls = append(ctls, c)
		}
	}
	ready := make([]model.OrgReadiness, len(orgs))
	for i, o := range orgs {
		ready[i] = model.OrgReadiness{Organization: &model.Organization{Org: o, Workspace: ws}, Controls: len(ctls)}
	}
	for _, c := range ctls {
		cc := model.ControlCoverage{Control: ix.Controls[c.Ref()], Assets: assets[c.Ref()]}
		for i, o := range orgs {
			line := model.OrgControlStatus{Organization: ready[i].Organization}
			rd := &ready[i]
			if s, ok := byOrg[key{o.ID, c.Ref()}]; ok {
				st := s.Status
				line.Status, line.Note = &st, s.Note
				switch st {
				case graph.StatusImplemented:
					cc.Implemented++
					rd.Implemented++
				case graph.StatusPartial:
					cc.Partial++
					rd.Partial++
				case graph.StatusPlanned:
					rd.Planned++
				default:
					rd.None++
				}
			} else {
				rd.Unset++
			}
			if line.Status == nil || *line.Status != graph.StatusImplemented {
				rd.Missing = append(rd.Missing, c)
			}
			cc.Statuses = append(cc.Statuses, line)
		}
		out.Controls = append(out.Controls, cc)
	}
	for i := range ready {
		rd := &ready[i]
		if rd.Controls > 0 {
			rd.Coverage = (float64(rd.Implemented) + float64(rd.Partial)/2) / float64(rd.Controls)
		}
		rd.Ready = rd.Controls > 0 && rd.Implemented == rd.Controls
		if rd.Missing == nil {
			rd.Missing = []graph.Control{}
		}
	}
	out.Organizations = ready

	h, err := r.Analyzer.HeatmapCPSF(ctx, ws, maxHops)
	if err != nil {
		return nil, err
	}
	byCell := map[graph.Cell][]string{}
	for _, rs := range ix.Catalog.RiskSources {
		byCell[rs.Cell()] = append(byCell[rs.Cell()], rs.ID)
	}
	for _, hc := range h.Cells {
		cell := model.CellCoverage{Layer: hc.Layer, Component: hc.Component, Coverage: hc.Coverage, Assessed: hc.Assessed, RiskSources: hc.RiskSources, Controls: []graph.Control{}}
		var refs []graph.ControlRef
		for _, rs := range byCell[graph.Cell{Layer: hc.Layer, Component: hc.Component}] {
			for _, ref := range ix.Mitigating[rs] {
				if ref.Framework == fw && !slices.Contains(refs, ref) {
					refs = append(refs, ref)
				}
			}
		}
		slices.SortFunc(refs, graph.ControlRef.Compare)
		for _, ref := range refs {
			if c := ix.Controls[ref]; c != nil {
				cell.Controls = append(cell.Controls, *c)
			}
			if inForce[ref] {
				cell.InForce++
			}
		}
		out.Cells = append(out.Cells, cell)
	}
	return out, nil
}
