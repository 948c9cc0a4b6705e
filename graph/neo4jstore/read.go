package neo4jstore

import (
	"context"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph"
)

var (
	orgLabel   = string(graph.LabelOrganization)
	assetLabel = string(graph.LabelAsset)
)

// edgeTypes is the relationship-type alternative of the company edges, for
// query text.
func edgeTypes() string {
	ts := make([]string, len(graph.EdgeTypes))
	for i, t := range graph.EdgeTypes {
		ts[i] = string(t)
	}
	return strings.Join(ts, "|")
}

// factsTail, appended to a query that binds node n, returns in ONE record
// (the driver's cost is per record) a list with what NodeFacts needs of
// each node: the properties the facts use, whether it is an organization,
// its element ID and its statuses.
var factsTail = `
	WITH DISTINCT n` + factsBody

// factsBody is factsTail after the DISTINCT.
var factsBody = `
	OPTIONAL MATCH (n)-[s:` + statusTypes() + `]->()
	WITH n, collect(properties(s)) AS ss
	RETURN collect({p: n{.id, .name, .component, .layers, .owner, .importance, .c, .i, .a}, org: n:` + orgLabel + `, e: elementId(n), ss: ss}) AS fs`

// nodeFacts decodes the list of a factsTail query: facts and element IDs.
func nodeFacts(r *neo4j.Record) ([]graph.NodeFacts, []string) {
	v, _ := r.Get("fs")
	l, _ := v.([]any)
	facts := make([]graph.NodeFacts, 0, len(l))
	eids := make([]string, 0, len(l))
	for _, x := range l {
		m, _ := x.(map[string]any)
		f, e := oneFacts(m)
		facts = append(facts, f)
		eids = append(eids, e)
	}
	return facts, eids
}

func oneFacts(m props) (graph.NodeFacts, string) {
	p, _ := m["p"].(map[string]any)
	id := props(p).str(graph.PropID)
	ss, _ := m["ss"].([]any)
	var sts []graph.ControlStatus
	if len(ss) > 0 {
		sts = make([]graph.ControlStatus, 0, len(ss))
		for _, x := range ss {
			sm, _ := x.(map[string]any)
			sts = append(sts, decStatus(id, sm))
		}
		slices.SortFunc(sts, func(a, b graph.ControlStatus) int { return a.Control.Compare(b.Control) })
		sts = sts[:len(sts):len(sts)]
	}
	e := m.str("e")
	if m.bool("org") {
		return graph.OrgFacts(decOrg(p), sts), e
	}
	return graph.AssetFacts(decAsset(p), sts), e
}

func sortFacts(fs []graph.NodeFacts) {
	slices.SortFunc(fs, func(a, b graph.NodeFacts) int { return strings.Compare(a.ID, b.ID) })
}

// readWS runs work in a read transaction after checking that workspace ws
// exists.
func (s *Store) readWS(ctx context.Context, ws string, work func(tx neo4j.ManagedTransaction) (any, error)) (any, error) {
	return s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := wsExists(ctx, tx, ws); err != nil {
			return nil, err
		}
		return work(tx)
	})
}

// node reads one node of label by ID, or a *graph.NotFoundError.
func (s *Store) node(ctx context.Context, ws, id string, label graph.Label, kind graph.NodeKind) (props, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		// One query: no row = no workspace; a null node = no such node.
		recs, err := run(ctx, tx, "MATCH (w:"+workspaceLabel+" {id: $ws}) OPTIONAL MATCH (n:"+string(label)+" {workspace: $ws, id: $id}) RETURN properties(n) AS p",
			map[string]any{"ws": ws, "id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, &graph.NotFoundError{Kind: "workspace", ID: ws}
		}
		p := recProps(recs[0], "p")
		if p == nil {
			return nil, &graph.NotFoundError{Kind: string(kind), ID: id, In: ws}
		}
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	return out.(props), nil
}

// Org returns one organization.
func (s *Store) Org(ctx context.Context, ws, id string) (graph.Org, error) {
	p, err := s.node(ctx, ws, id, graph.LabelOrganization, graph.KindOrg)
	if err != nil {
		return graph.Org{}, err
	}
	return decOrg(p), nil
}

// Asset returns one asset.
func (s *Store) Asset(ctx context.Context, ws, id string) (graph.Asset, error) {
	p, err := s.node(ctx, ws, id, graph.LabelAsset, graph.KindAsset)
	if err != nil {
		return graph.Asset{}, err
	}
	return decAsset(p), nil
}

// Orgs lists the workspace's organizations sorted by ID.
func (s *Store) Orgs(ctx context.Context, ws string) ([]graph.Org, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		version, err := wsVersion(ctx, tx, ws)
		if err != nil {
			return nil, err
		}
		return s.orgsIn(ctx, tx, ws, version)
	})
	if err != nil {
		return nil, err
	}
	return out.([]graph.Org), nil
}

// orgsIn returns workspace ws's organizations at data version version:
// cached, or read in tx.
func (s *Store) orgsIn(ctx context.Context, tx neo4j.ManagedTransaction, ws, version string) ([]graph.Org, error) {
	entry := s.cache.entry(ws, version)
	if orgs, ok := s.cache.cachedOrgs(entry); ok && version != "" {
		return orgs, nil
	}
	recs, err := run(ctx, tx, "MATCH (n:"+orgLabel+" {workspace: $ws}) RETURN properties(n) AS p", map[string]any{"ws": ws})
	if err != nil {
		return nil, err
	}
	orgs := make([]graph.Org, len(recs))
	for i, r := range recs {
		orgs[i] = decOrg(recProps(r, "p"))
	}
	slices.SortFunc(orgs, func(a, b graph.Org) int { return strings.Compare(a.ID, b.ID) })
	if version != "" {
		s.cache.putOrgs(entry, orgs)
	}
	return orgs, nil
}

// assetFilter is the WHERE clause of an AssetQuery; every value is a
// parameter.
const assetFilter = `($layer = '' OR $layer IN a.layers)
	AND ($component = '' OR a.component = $component)
	AND ($org = '' OR a.owner = $org)
	AND ($minImp <= 0 OR a.` + propImp + ` >= $minImp)
	AND ($text = '' OR a.` + propText + ` CONTAINS $text)`

// Assets filters and pages the workspace's assets, sorted by ID.
func (s *Store) Assets(ctx context.Context, ws string, q graph.AssetQuery) (graph.AssetPage, error) {
	out, err := s.readWS(ctx, ws, func(tx neo4j.ManagedTransaction) (any, error) {
		var page graph.AssetPage
		if q.First < 0 {
			return page, invalidf("asset query: first %d is negative", q.First)
		}
		if q.Layer != "" && !graph.ValidLayer(q.Layer) {
			return page, invalidf("asset query: layer %q is not L1, L2 or L3", q.Layer)
		}
		if q.Component != "" && !graph.ValidComponent(q.Component) {
			return page, invalidf("asset query: unknown component %q", q.Component)
		}
		p := map[string]any{"ws": ws, "layer": string(q.Layer), "component": string(q.Component), "org": q.Org,
			"minImp": q.MinImportance, "text": strings.ToLower(q.Text), "after": idKey(q.After), "limit": q.First + 1}
		recs, err := run(ctx, tx, "MATCH (a:"+assetLabel+" {workspace: $ws}) WHERE "+assetFilter+" RETURN count(a) AS n", p)
		if err != nil {
			return nil, err
		}
		page.Total = recInt(recs[0], "n")
		list := "MATCH (a:" + assetLabel + " {workspace: $ws}) WHERE " + assetFilter + " AND a." + propIDKey + " > $after RETURN properties(a) AS p ORDER BY a." + propIDKey
		if q.First > 0 {
			list += " LIMIT $limit"
		}
		if recs, err = run(ctx, tx, list, p); err != nil {
			return nil, err
		}
		if q.First > 0 && len(recs) > q.First {
			page.HasNext = true
			recs = recs[:q.First]
		}
		if len(recs) > 0 {
			page.Assets = make([]graph.Asset, len(recs))
			for i, r := range recs {
				page.Assets[i] = decAsset(recProps(r, "p"))
			}
			// Same order as memstore (Go's byte order) whatever the server's.
			slices.SortFunc(page.Assets, func(a, b graph.Asset) int { return strings.Compare(a.ID, b.ID) })
		}
		return page, nil
	})
	if err != nil {
		return graph.AssetPage{}, err
	}
	return out.(graph.AssetPage), nil
}

func compareEdgeKey(a, b graph.EdgeKey) int {
	if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
		return c
	}
	if c := strings.Compare(a.From, b.From); c != 0 {
		return c
	}
	return strings.Compare(a.To, b.To)
}

// Edges lists the edges touching node (all edges when node is ""), sorted
// by (type, from, to). An unknown node has no edges.
func (s *Store) Edges(ctx context.Context, ws, node string) ([]graph.Edge, error) {
	out, err := s.readWS(ctx, ws, func(tx neo4j.ManagedTransaction) (any, error) {
		ret := " RETURN type(e) AS t, startNode(e).id AS from, endNode(e).id AS to, properties(e) AS p"
		var q string
		if node == "" {
			q = "MATCH (a:" + orgLabel + " {workspace: $ws})-[e:" + edgeTypes() + "]->()" + ret +
				" UNION ALL MATCH (a:" + assetLabel + " {workspace: $ws})-[e:" + edgeTypes() + "]->()" + ret
		} else {
			q = "OPTIONAL MATCH (o:" + orgLabel + " {workspace: $ws, id: $id}) OPTIONAL MATCH (a:" + assetLabel + " {workspace: $ws, id: $id})" +
				" WITH coalesce(o, a) AS n WHERE n IS NOT NULL MATCH (n)-[e:" + edgeTypes() + "]-() WITH DISTINCT e" + ret
		}
		recs, err := run(ctx, tx, q, map[string]any{"ws": ws, "id": node})
		if err != nil {
			return nil, err
		}
		edges := make([]graph.Edge, len(recs))
		for i, r := range recs {
			edges[i] = graph.Edge{Type: graph.RelType(recStr(r, "t")), From: recStr(r, "from"), To: recStr(r, "to"), Stamp: stampOf(recProps(r, "p"))}
		}
		slices.SortFunc(edges, func(a, b graph.Edge) int { return compareEdgeKey(a.Key(), b.Key()) })
		return edges, nil
	})
	if err != nil {
		return nil, err
	}
	return out.([]graph.Edge), nil
}

func compareStatus(a, b *graph.ControlStatus) int {
	if c := strings.Compare(a.Subject, b.Subject); c != 0 {
		return c
	}
	return a.Control.Compare(b.Control)
}

// Statuses lists the control statuses of the subjects (all when subjects is
// nil), sorted by (subject, framework, control ID).
func (s *Store) Statuses(ctx context.Context, ws string, subjects []string) ([]graph.ControlStatus, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		version, err := wsVersion(ctx, tx, ws)
		if err != nil {
			return nil, err
		}
		return s.statusesIn(ctx, tx, ws, version, subjects)
	})
	if err != nil {
		return nil, err
	}
	return out.([]graph.ControlStatus), nil
}

// statusesIn is Statuses at data version version: a subject list's
// statuses are cached, the others read in tx.
func (s *Store) statusesIn(ctx context.Context, tx neo4j.ManagedTransaction, ws, version string, subjects []string) ([]graph.ControlStatus, error) {
	entry := s.cache.entry(ws, version)
	key := ""
	if subjects != nil {
		key = strings.Join(slices.Compact(slices.Sorted(slices.Values(subjects))), "\x00")
		if sts, ok := s.cache.cachedStatuses(entry, key); ok && version != "" {
			return sts, nil
		}
	}
	ret := " RETURN n.id AS subject, properties(x) AS p"
	var recs []*neo4j.Record
	var err error
	if subjects == nil {
		recs, err = run(ctx, tx, "MATCH (n:"+orgLabel+" {workspace: $ws})-[x:"+statusTypes()+"]->()"+ret+
			" UNION ALL MATCH (n:"+assetLabel+" {workspace: $ws})-[x:"+statusTypes()+"]->()"+ret, map[string]any{"ws": ws})
	} else {
		ids := slices.Compact(slices.Sorted(slices.Values(subjects)))
		err = chunks(ids, s.batch, func(b []string) error {
			rs, err := run(ctx, tx, "UNWIND $ids AS id OPTIONAL MATCH (o:"+orgLabel+" {workspace: $ws, id: id}) OPTIONAL MATCH (a:"+assetLabel+" {workspace: $ws, id: id})"+
				" WITH coalesce(o, a) AS n WHERE n IS NOT NULL MATCH (n)-[x:"+statusTypes()+"]->()"+ret, map[string]any{"ws": ws, "ids": b})
			recs = append(recs, rs...)
			return err
		})
	}
	if err != nil {
		return nil, err
	}
	var sts []graph.ControlStatus
	for _, r := range recs {
		sts = append(sts, decStatus(recStr(r, "subject"), recProps(r, "p")))
	}
	slices.SortFunc(sts, func(a, b graph.ControlStatus) int { return compareStatus(&a, &b) })
	if subjects != nil && version != "" {
		s.cache.putStatuses(entry, key, sts)
	}
	return sts, nil
}

// Entries returns the nodes in any of the cells, sorted by ID.
func (s *Store) Entries(ctx context.Context, ws string, cells []graph.Cell) ([]graph.NodeFacts, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		version, err := wsVersion(ctx, tx, ws)
		if err != nil {
			return nil, err
		}
		var rows []map[string]any
		orgs := false
		for _, c := range cells {
			if !graph.ValidLayer(c.Layer) || !graph.ValidComponent(c.Component) {
				return nil, invalidf("entries: cell %s is not a CPSF cell", c)
			}
			if c == (graph.Cell{Layer: graph.L1, Component: graph.Organization}) {
				orgs = true
			}
			rows = append(rows, map[string]any{"layer": string(c.Layer), "component": string(c.Component)})
		}
		var eids []string
		if len(rows) > 0 {
			recs, err := run(ctx, tx, "UNWIND $cells AS c MATCH (n:"+assetLabel+" {workspace: $ws, component: c.component}) WHERE c.layer IN n.layers RETURN collect(DISTINCT elementId(n)) AS es",
				map[string]any{"ws": ws, "cells": rows})
			if err != nil {
				return nil, err
			}
			eids = append(eids, recStrs(recs[0], "es")...)
		}
		if orgs {
			recs, err := run(ctx, tx, "MATCH (n:"+orgLabel+" {workspace: $ws}) RETURN collect(elementId(n)) AS es", map[string]any{"ws": ws})
			if err != nil {
				return nil, err
			}
			eids = append(eids, recStrs(recs[0], "es")...)
		}
		facts, err := s.factsOf(ctx, tx, ws, version, eids)
		if err != nil {
			return nil, err
		}
		if facts == nil {
			facts = []graph.NodeFacts{}
		}
		sortFacts(facts)
		return facts, nil
	})
	if err != nil {
		return nil, err
	}
	return out.([]graph.NodeFacts), nil
}
