package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph"
)

// catKind describes one kind of catalog item: its label and how it maps to
// properties. Every kind but controls is keyed by its id property.
type catKind[T any] struct {
	name  string
	label graph.Label
	key   func(T) string // "" = empty key
	enc   func(T) map[string]any
	dec   func(props) T
	list  func(*graph.Catalog) *[]T
}

func prov(m map[string]any, p graph.Provenance) map[string]any {
	m[graph.PropSource] = p.Source
	m["verification"] = p.Verification
	return m
}

func provOf(p props) graph.Provenance {
	return graph.Provenance{Source: p.str(graph.PropSource), Verification: p.str("verification")}
}

var (
	layerKind = catKind[graph.LayerInfo]{"layer", graph.LabelLayer,
		func(x graph.LayerInfo) string { return string(x.ID) },
		func(x graph.LayerInfo) map[string]any {
			return prov(map[string]any{"id": string(x.ID), "nameEN": x.NameEN, "nameJA": x.NameJA, "trustFocus": x.TrustFocus}, x.Provenance)
		},
		func(p props) graph.LayerInfo {
			return graph.LayerInfo{ID: graph.LayerID(p.str("id")), NameEN: p.str("nameEN"), NameJA: p.str("nameJA"), TrustFocus: p.str("trustFocus"), Provenance: provOf(p)}
		},
		func(c *graph.Catalog) *[]graph.LayerInfo { return &c.Layers }}
	componentKind = catKind[graph.ComponentInfo]{"component", graph.LabelComponent,
		func(x graph.ComponentInfo) string { return string(x.Code) },
		func(x graph.ComponentInfo) map[string]any {
			return prov(map[string]any{"id": string(x.Code), "nameEN": x.NameEN, "nameJA": x.NameJA, "description": x.Description}, x.Provenance)
		},
		func(p props) graph.ComponentInfo {
			return graph.ComponentInfo{Code: graph.Component(p.str("id")), NameEN: p.str("nameEN"), NameJA: p.str("nameJA"), Description: p.str("description"), Provenance: provOf(p)}
		},
		func(c *graph.Catalog) *[]graph.ComponentInfo { return &c.Components }}
	incidentKind = catKind[graph.Incident]{"incident", graph.LabelIncident,
		func(x graph.Incident) string { return x.ID },
		func(x graph.Incident) map[string]any {
			return prov(map[string]any{"id": x.ID, "layer": string(x.Layer), "summaryEN": x.SummaryEN, "summaryJA": x.SummaryJA}, x.Provenance)
		},
		func(p props) graph.Incident {
			return graph.Incident{ID: p.str("id"), Layer: graph.LayerID(p.str("layer")), SummaryEN: p.str("summaryEN"), SummaryJA: p.str("summaryJA"), Provenance: provOf(p)}
		},
		func(c *graph.Catalog) *[]graph.Incident { return &c.Incidents }}
	riskSourceKind = catKind[graph.RiskSource]{"risk source", graph.LabelRiskSource,
		func(x graph.RiskSource) string { return x.ID },
		func(x graph.RiskSource) map[string]any {
			return prov(map[string]any{"id": x.ID, "layer": string(x.Layer), "component": string(x.Component), "incident": x.Incident,
				"threatEN": x.ThreatEN, "threatJA": x.ThreatJA, "vulnerabilityEN": x.VulnerabilityEN, "vulnerabilityJA": x.VulnerabilityJA}, x.Provenance)
		},
		func(p props) graph.RiskSource {
			return graph.RiskSource{ID: p.str("id"), Layer: graph.LayerID(p.str("layer")), Component: graph.Component(p.str("component")), Incident: p.str("incident"),
				ThreatEN: p.str("threatEN"), ThreatJA: p.str("threatJA"), VulnerabilityEN: p.str("vulnerabilityEN"), VulnerabilityJA: p.str("vulnerabilityJA"), Provenance: provOf(p)}
		},
		func(c *graph.Catalog) *[]graph.RiskSource { return &c.RiskSources }}
	requirementKind = catKind[graph.Requirement]{"requirement", graph.LabelRequirement,
		func(x graph.Requirement) string { return x.ID },
		func(x graph.Requirement) map[string]any {
			return prov(map[string]any{"id": x.ID, "category": x.Category, "function": x.Function, "summaryEN": x.SummaryEN, "summaryJA": x.SummaryJA}, x.Provenance)
		},
		func(p props) graph.Requirement {
			return graph.Requirement{ID: p.str("id"), Category: p.str("category"), Function: p.str("function"), SummaryEN: p.str("summaryEN"), SummaryJA: p.str("summaryJA"), Provenance: provOf(p)}
		},
		func(c *graph.Catalog) *[]graph.Requirement { return &c.Requirements }}
	frameworkKind = catKind[graph.Framework]{"framework", graph.LabelFramework,
		func(x graph.Framework) string { return x.ID },
		func(x graph.Framework) map[string]any {
			return prov(map[string]any{"id": x.ID, "nameEN": x.NameEN, "nameJA": x.NameJA, "version": x.Version}, x.Provenance)
		},
		func(p props) graph.Framework {
			return graph.Framework{ID: p.str("id"), NameEN: p.str("nameEN"), NameJA: p.str("nameJA"), Version: p.str("version"), Provenance: provOf(p)}
		},
		func(c *graph.Catalog) *[]graph.Framework { return &c.Frameworks }}
	threatKind = catKind[graph.Threat]{"threat", graph.LabelThreat,
		func(x graph.Threat) string { return x.ID },
		func(x graph.Threat) map[string]any {
			return prov(map[string]any{"id": x.ID, "nameEN": x.NameEN, "nameJA": x.NameJA, "actor": x.Actor, "level": x.Level}, x.Provenance)
		},
		func(p props) graph.Threat {
			return graph.Threat{ID: p.str("id"), NameEN: p.str("nameEN"), NameJA: p.str("nameJA"), Actor: p.str("actor"), Level: p.int("level"), Provenance: provOf(p)}
		},
		func(c *graph.Catalog) *[]graph.Threat { return &c.Threats }}
)

func encControl(x graph.Control) map[string]any {
	return prov(map[string]any{"framework": x.Framework, "id": x.ID, "titleEN": x.TitleEN, "titleJA": x.TitleJA, "level": x.Level, "function": x.Function}, x.Provenance)
}

func decControl(p props) graph.Control {
	return graph.Control{Framework: p.str("framework"), ID: p.str("id"), TitleEN: p.str("titleEN"), TitleJA: p.str("titleJA"), Level: p.str("level"), Function: p.str("function"), Provenance: provOf(p)}
}

// rows encodes items, the later of two with the same key winning; an
// empty key is an error naming the kind (as memstore).
func (k catKind[T]) rows(xs []T) ([]map[string]any, error) {
	seen := map[string]int{}
	var out []map[string]any
	for _, x := range xs {
		key := k.key(x)
		if key == "" {
			return nil, invalidf("catalog: %s with an empty key", k.name)
		}
		if i, ok := seen[key]; ok {
			out[i] = k.enc(x)
			continue
		}
		seen[key] = len(out)
		out = append(out, k.enc(x))
	}
	return out, nil
}

func (k catKind[T]) upsert(ctx context.Context, s *Store, tx neo4j.ManagedTransaction, rows []map[string]any) error {
	q := "UNWIND $rows AS r MERGE (n:" + string(k.label) + " {id: r.id}) SET n = r"
	return chunks(rows, s.batch, func(b []map[string]any) error { return exec(ctx, tx, q, map[string]any{"rows": b}) })
}

func (k catKind[T]) load(ctx context.Context, tx neo4j.ManagedTransaction, c *graph.Catalog) error {
	recs, err := run(ctx, tx, "MATCH (n:"+string(k.label)+") RETURN properties(n) AS p", nil)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	out := make([]T, len(recs))
	for i, r := range recs {
		out[i] = k.dec(recProps(r, "p"))
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(k.key(a), k.key(b)) })
	*k.list(c) = out
	return nil
}

// mappingKey identifies a mapping.
type mappingKey struct {
	Type        graph.RelType
	From, To    string
	FromControl bool
}

func keyOfMapping(m graph.Mapping) mappingKey { return mappingKey{m.Type, m.From, m.To, m.FromControl} }

func compareMappingKey(a, b mappingKey) int {
	return cmp.Or(
		strings.Compare(string(a.Type), string(b.Type)),
		strings.Compare(a.From, b.From),
		strings.Compare(a.To, b.To),
		compareBool(a.FromControl, b.FromControl),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// catalogLookup says which catalog items exist (after the put).
type catalogLookup struct {
	controls     map[graph.ControlRef]bool
	requirements map[string]bool
	riskSources  map[string]bool
	threats      map[string]bool
}

func (cs *catalogLookup) HasControl(r graph.ControlRef) bool { return cs.controls[r] }
func (cs *catalogLookup) HasRequirement(id string) bool      { return cs.requirements[id] }
func (cs *catalogLookup) HasRiskSource(id string) bool       { return cs.riskSources[id] }
func (cs *catalogLookup) HasThreat(id string) bool           { return cs.threats[id] }

// existing returns which of ids exist as label nodes.
func existing(ctx context.Context, tx neo4j.ManagedTransaction, label graph.Label, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := run(ctx, tx, "UNWIND $ids AS id MATCH (n:"+string(label)+" {id: id}) RETURN n.id AS id", map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		out[recStr(r, "id")] = true
	}
	return out, nil
}

func existingControls(ctx context.Context, tx neo4j.ManagedTransaction, refs []graph.ControlRef) (map[graph.ControlRef]bool, error) {
	out := map[graph.ControlRef]bool{}
	if len(refs) == 0 {
		return out, nil
	}
	rows := make([]map[string]any, len(refs))
	for i, r := range refs {
		rows[i] = map[string]any{"fw": r.Framework, "id": r.ID}
	}
	recs, err := run(ctx, tx, "UNWIND $refs AS r MATCH (n:"+string(graph.LabelControl)+" {framework: r.fw, id: r.id}) RETURN n.framework AS fw, n.id AS id",
		map[string]any{"refs": rows})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		out[graph.ControlRef{Framework: recStr(r, "fw"), ID: recStr(r, "id")}] = true
	}
	return out, nil
}

// mappingEnds returns the MATCH of a mapping's two ends for a row r with
// r.from / r.to (r.fw / r.fid for a control start).
func mappingEnds(t graph.RelType, fromControl bool) string {
	from := "MATCH (a:" + string(graph.LabelRequirement) + " {id: r.from})"
	if fromControl || t == graph.RelMapsTo {
		from = "MATCH (a:" + string(graph.LabelControl) + " {framework: r.fw, id: r.fid})"
	}
	if t == graph.RelExploits {
		from = "MATCH (a:" + string(graph.LabelThreat) + " {id: r.from})"
	}
	to := "MATCH (b:" + string(graph.LabelRiskSource) + " {id: r.to})"
	if t == graph.RelMapsTo {
		to = "MATCH (b:" + string(graph.LabelRequirement) + " {id: r.to})"
	}
	return from + " " + to
}

// mappingRelTypes are the catalog relationship types that hold mappings,
// as constants for query text.
var mappingRelTypes = []graph.RelType{graph.RelMapsTo, graph.RelMitigates, graph.RelExploits}

// PutCatalog upserts catalog items and mappings by key. Mappings must name
// items that exist once the put is applied; otherwise nothing is written.
func (s *Store) PutCatalog(ctx context.Context, c *graph.Catalog) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c == nil {
		return invalidf("catalog: nil")
	}
	// Encode and check keys first, in memstore's order.
	type upserter func(ctx context.Context, tx neo4j.ManagedTransaction) error
	var ups []upserter
	add := func(rows []map[string]any, err error, up func(ctx context.Context, s *Store, tx neo4j.ManagedTransaction, rows []map[string]any) error) error {
		if err != nil {
			return fmt.Errorf("neo4jstore: put catalog: %w", err)
		}
		if len(rows) > 0 {
			ups = append(ups, func(ctx context.Context, tx neo4j.ManagedTransaction) error { return up(ctx, s, tx, rows) })
		}
		return nil
	}
	for _, step := range []func() error{
		func() error { r, err := layerKind.rows(c.Layers); return add(r, err, layerKind.upsert) },
		func() error { r, err := componentKind.rows(c.Components); return add(r, err, componentKind.upsert) },
		func() error { r, err := incidentKind.rows(c.Incidents); return add(r, err, incidentKind.upsert) },
		func() error { r, err := riskSourceKind.rows(c.RiskSources); return add(r, err, riskSourceKind.upsert) },
		func() error {
			r, err := requirementKind.rows(c.Requirements)
			return add(r, err, requirementKind.upsert)
		},
		func() error { r, err := frameworkKind.rows(c.Frameworks); return add(r, err, frameworkKind.upsert) },
		func() error { r, err := controlRows(c.Controls); return add(r, err, upsertControls) },
		func() error { r, err := threatKind.rows(c.Threats); return add(r, err, threatKind.upsert) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	maps, err := uniqueMappings(c.Mappings)
	if err != nil {
		return fmt.Errorf("neo4jstore: put catalog: %w", err)
	}
	_, err = s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		// A new catalog version for the catalog cache; commits with the put.
		if err := exec(ctx, tx, "MERGE (n:"+labelSchema+" {key: $key}) SET n.catalogVersion = $v", map[string]any{"key": schemaKey, "v": newTxID()}); err != nil {
			return nil, err
		}
		for _, up := range ups {
			if err := up(ctx, tx); err != nil {
				return nil, err
			}
		}
		if len(maps) == 0 {
			return nil, nil
		}
		look, err := lookupMappingEnds(ctx, tx, maps)
		if err != nil {
			return nil, err
		}
		for _, m := range maps {
			if err := graph.CheckMapping(m, look); err != nil {
				return nil, err
			}
		}
		return nil, s.putMappings(ctx, tx, maps)
	})
	if err != nil {
		return fmt.Errorf("neo4jstore: put catalog: %w", err)
	}
	return nil
}

func controlRows(xs []graph.Control) ([]map[string]any, error) {
	seen := map[graph.ControlRef]int{}
	var out []map[string]any
	for _, x := range xs {
		if x.Framework == "" || x.ID == "" {
			return nil, invalidf("catalog: control with an empty key")
		}
		if i, ok := seen[x.Ref()]; ok {
			out[i] = encControl(x)
			continue
		}
		seen[x.Ref()] = len(out)
		out = append(out, encControl(x))
	}
	return out, nil
}

func upsertControls(ctx context.Context, s *Store, tx neo4j.ManagedTransaction, rows []map[string]any) error {
	q := "UNWIND $rows AS r MERGE (n:" + string(graph.LabelControl) + " {framework: r.framework, id: r.id}) SET n = r"
	return chunks(rows, s.batch, func(b []map[string]any) error { return exec(ctx, tx, q, map[string]any{"rows": b}) })
}

// uniqueMappings checks keys and keeps the last mapping of each key, sorted
// by key.
func uniqueMappings(ms []graph.Mapping) ([]graph.Mapping, error) {
	byKey := map[mappingKey]graph.Mapping{}
	for _, m := range ms {
		k := keyOfMapping(m)
		if k.Type == "" || k.From == "" || k.To == "" {
			return nil, invalidf("catalog: mapping with an empty key")
		}
		byKey[k] = m
	}
	out := make([]graph.Mapping, 0, len(byKey))
	for _, m := range byKey {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b graph.Mapping) int { return compareMappingKey(keyOfMapping(a), keyOfMapping(b)) })
	return out, nil
}

func lookupMappingEnds(ctx context.Context, tx neo4j.ManagedTransaction, ms []graph.Mapping) (*catalogLookup, error) {
	var reqs, rss, threats []string
	var ctls []graph.ControlRef
	for _, m := range ms {
		for _, id := range []string{m.From, m.To} {
			reqs = append(reqs, id)
			rss = append(rss, id)
			threats = append(threats, id)
			if ref, err := graph.ParseControlRef(id); err == nil {
				ctls = append(ctls, ref)
			}
		}
	}
	var l catalogLookup
	var err error
	if l.requirements, err = existing(ctx, tx, graph.LabelRequirement, reqs); err != nil {
		return nil, err
	}
	if l.riskSources, err = existing(ctx, tx, graph.LabelRiskSource, rss); err != nil {
		return nil, err
	}
	if l.threats, err = existing(ctx, tx, graph.LabelThreat, threats); err != nil {
		return nil, err
	}
	if l.controls, err = existingControls(ctx, tx, ctls); err != nil {
		return nil, err
	}
	return &l, nil
}

// putMappings merges the (checked) mappings as relationships, grouped by
// type and start kind so that query text holds only constants.
func (s *Store) putMappings(ctx context.Context, tx neo4j.ManagedTransaction, ms []graph.Mapping) error {
	type group struct {
		t           graph.RelType
		fromControl bool
	}
	rows := map[group][]map[string]any{}
	for _, m := range ms {
		t := m.Type
		for _, c := range mappingRelTypes {
			if c == m.Type {
				t = c // the constant, not the caller's string
			}
		}
		g := group{t, m.FromControl || t == graph.RelMapsTo}
		r := map[string]any{"from": m.From, "to": m.To, "props": map[string]any{
			propFromID: m.From, propToID: m.To, "fromControl": m.FromControl, "relation": m.Relation,
			graph.PropRationale: m.Rationale, graph.PropSource: m.Source, "verification": m.Verification,
		}}
		if g.fromControl {
			ref, _ := graph.ParseControlRef(m.From) // checked
			r["fw"], r["fid"] = ref.Framework, ref.ID
		}
		rows[g] = append(rows[g], r)
	}
	for _, t := range mappingRelTypes {
		for _, fc := range []bool{false, true} {
			g := group{t, fc}
			if len(rows[g]) == 0 {
				continue
			}
			q := "UNWIND $rows AS r " + mappingEnds(t, fc) + " MERGE (a)-[m:" + string(t) + "]->(b) SET m = r.props"
			if err := chunks(rows[g], s.batch, func(b []map[string]any) error { return exec(ctx, tx, q, map[string]any{"rows": b}) }); err != nil {
				return err
			}
		}
	}
	return nil
}

// Catalog returns the whole catalog, each list sorted by key. The catalog
// is cached under the version token every PutCatalog stores in the
// database, so a call costs one query while the catalog is unchanged. The
// result is shared: callers must not modify it.
func (s *Store) Catalog(ctx context.Context) (*graph.Catalog, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := run(ctx, tx, "OPTIONAL MATCH (n:"+labelSchema+" {key: $key}) RETURN coalesce(n.catalogVersion, '') AS v", map[string]any{"key": schemaKey})
		if err != nil {
			return nil, err
		}
		return s.catalogIn(ctx, tx, recStr(recs[0], "v"))
	})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: read catalog: %w", err)
	}
	return out.(*graph.Catalog), nil
}

// catalogIn returns the catalog of version token v: the cached one, or the
// one read in tx.
func (s *Store) catalogIn(ctx context.Context, tx neo4j.ManagedTransaction, v string) (*graph.Catalog, error) {
	s.catMu.Lock()
	c := s.cat
	if v == "" || s.catVersion != v {
		c = nil
	}
	s.catMu.Unlock()
	if c != nil {
		return c, nil
	}
	c = &graph.Catalog{}
	for _, load := range []func(context.Context, neo4j.ManagedTransaction, *graph.Catalog) error{
		layerKind.load, componentKind.load, incidentKind.load, riskSourceKind.load,
		requirementKind.load, frameworkKind.load, threatKind.load, loadControls, loadMappings,
	} {
		if err := load(ctx, tx, c); err != nil {
			return nil, err
		}
	}
	if v != "" {
		s.catMu.Lock()
		s.cat, s.catVersion = c, v
		s.catMu.Unlock()
	}
	return c, nil
}

func loadControls(ctx context.Context, tx neo4j.ManagedTransaction, c *graph.Catalog) error {
	recs, err := run(ctx, tx, "MATCH (n:"+string(graph.LabelControl)+") RETURN properties(n) AS p", nil)
	if err != nil || len(recs) == 0 {
		return err
	}
	c.Controls = make([]graph.Control, len(recs))
	for i, r := range recs {
		c.Controls[i] = decControl(recProps(r, "p"))
	}
	slices.SortFunc(c.Controls, func(a, b graph.Control) int { return a.Ref().Compare(b.Ref()) })
	return nil
}

func loadMappings(ctx context.Context, tx neo4j.ManagedTransaction, c *graph.Catalog) error {
	types := make([]string, len(mappingRelTypes))
	for i, t := range mappingRelTypes {
		types[i] = string(t)
	}
	recs, err := run(ctx, tx, "MATCH ()-[m:"+strings.Join(types, "|")+"]->() RETURN type(m) AS t, properties(m) AS p", nil)
	if err != nil || len(recs) == 0 {
		return err
	}
	c.Mappings = make([]graph.Mapping, len(recs))
	for i, r := range recs {
		p := recProps(r, "p")
		c.Mappings[i] = graph.Mapping{
			Type: graph.RelType(recStr(r, "t")), From: p.str(propFromID), To: p.str(propToID), FromControl: p.bool("fromControl"),
			Relation: p.str("relation"), Rationale: p.str(graph.PropRationale), Provenance: provOf(p),
		}
	}
	slices.SortFunc(c.Mappings, func(a, b graph.Mapping) int { return compareMappingKey(keyOfMapping(a), keyOfMapping(b)) })
	return nil
}
