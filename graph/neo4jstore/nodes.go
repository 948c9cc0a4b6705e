package neo4jstore

import (
	"maps"
	"slices"

	"cpsfgraph/graph"
)

// Property encoding of company nodes and relationships. Stamps: source,
// run, lastSeen come with every put; firstSeen is kept from the first put
// (set by the write query).

func stampProps(m map[string]any, st graph.Stamp, ws, tx string) map[string]any {
	m[graph.PropWorkspace] = ws
	m[graph.PropSource] = st.Source
	m[graph.PropRun] = st.Run
	m[graph.PropLastSeen] = timeParam(st.LastSeen)
	if tx != "" {
		m[propTx] = tx
	}
	return m
}

// The property keys each encoder writes (it writes every key, null where
// a value is empty), for the map literals of CREATE queries.
var (
	orgKeys    = slices.Sorted(maps.Keys(encOrg(&graph.Org{}, "", "")))
	assetKeys  = slices.Sorted(maps.Keys(encAsset(&graph.Asset{}, "", "")))
	edgeKeys   = slices.Sorted(maps.Keys(encEdge(&graph.Edge{}, "", "tx")))
	statusKeys = slices.Sorted(maps.Keys(encStatus(&graph.ControlStatus{}, "", "tx")))
)

func stampOf(p props) graph.Stamp {
	return graph.Stamp{Source: p.str(graph.PropSource), Run: p.str(graph.PropRun), FirstSeen: p.time(graph.PropFirstSeen), LastSeen: p.time(graph.PropLastSeen)}
}

func encOrg(o *graph.Org, ws, tx string) map[string]any {
	return stampProps(map[string]any{
		graph.PropID: o.ID, "name": o.Name, "role": string(o.Role), "size": o.Size, propHash: orgHash(o),
	}, o.Stamp, ws, "")
}

func decOrg(p props) graph.Org {
	return graph.Org{ID: p.str(graph.PropID), Name: p.str("name"), Role: graph.OrgRole(p.str("role")), Size: p.str("size"), Stamp: stampOf(p)}
}

func encAsset(a *graph.Asset, ws, tx string) map[string]any {
	return stampProps(map[string]any{
		graph.PropID: a.ID, "name": a.Name, "component": string(a.Component), "layers": listParam(a.Layers),
		"c": a.C, "i": a.I, "a": a.A, "importance": a.Importance, "category": a.Category, "media": a.Media,
		"owner": a.Owner, "personalInfo": listParam(a.PersonalInfo), "exposure": listParam(a.Exposure),
		propHash: assetHash(a), propText: assetText(a), propImp: a.EffectiveImportance(), propIDKey: idKey(a.ID),
	}, a.Stamp, ws, "")
}

func decAsset(p props) graph.Asset {
	a := graph.Asset{
		ID: p.str(graph.PropID), Name: p.str("name"), Component: graph.Component(p.str("component")),
		C: p.int("c"), I: p.int("i"), A: p.int("a"), Importance: p.int("importance"),
		Category: p.str("category"), Media: p.str("media"), Owner: p.str("owner"),
		PersonalInfo: p.strs("personalInfo"), Exposure: p.strs("exposure"), Stamp: stampOf(p),
	}
	if ls := p.strs("layers"); ls != nil {
		a.Layers = make([]graph.LayerID, len(ls))
		for i, l := range ls {
			a.Layers[i] = graph.LayerID(l)
		}
	}
	return a
}

func encEdge(e *graph.Edge, ws, tx string) map[string]any {
	return stampProps(map[string]any{}, e.Stamp, ws, tx)
}

func encStatus(c *graph.ControlStatus, ws, tx string) map[string]any {
	return stampProps(map[string]any{
		propFw: c.Control.Framework, propCtl: c.Control.ID, graph.PropStatus: string(c.Status), "note": c.Note, propHash: statusHash(c),
	}, c.Stamp, ws, tx)
}

func decStatus(subject string, p props) graph.ControlStatus {
	return graph.ControlStatus{
		Subject: subject, Control: graph.ControlRef{Framework: p.str(propFw), ID: p.str(propCtl)},
		Status: graph.Status(p.str(graph.PropStatus)), Note: p.str("note"), Stamp: stampOf(p),
	}
}

// edgeType returns the graph constant equal to t (query text never holds
// the caller's string), or false.
func edgeType(t graph.RelType) (graph.RelType, bool) {
	for _, c := range graph.EdgeTypes {
		if c == t {
			return c, true
		}
	}
	return "", false
}

// statusRel is the relationship type of a status of an organization or an
// asset.
func statusRel(isOrg bool) graph.RelType {
	if isOrg {
		return graph.RelImplements
	}
	return graph.RelProtectedBy
}
