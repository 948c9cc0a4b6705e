package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"cpsfgraph/graph"
)

// catalogState is the published catalog (lists sorted by key) and the look-ups
// that validation needs.
type catalogState struct {
	c            *graph.Catalog
	controls     map[graph.ControlRef]bool
	requirements map[string]bool
	riskSources  map[string]bool
	threats      map[string]bool
}

func newCatalogState(c *graph.Catalog) *catalogState {
	cs := &catalogState{
		c:            c,
		controls:     make(map[graph.ControlRef]bool, len(c.Controls)),
		requirements: make(map[string]bool, len(c.Requirements)),
		riskSources:  make(map[string]bool, len(c.RiskSources)),
		threats:      make(map[string]bool, len(c.Threats)),
	}
	for _, x := range c.Controls {
		cs.controls[x.Ref()] = true
	}
	for _, x := range c.Requirements {
		cs.requirements[x.ID] = true
	}
	for _, x := range c.RiskSources {
		cs.riskSources[x.ID] = true
	}
	for _, x := range c.Threats {
		cs.threats[x.ID] = true
	}
	return cs
}

// mappingKey identifies a mapping.
type mappingKey struct {
	Type        graph.RelType
	From, To    string
	FromControl bool
}

func keyOfMapping(m graph.Mapping) mappingKey {
	return mappingKey{m.Type, m.From, m.To, m.FromControl}
}

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

// merge upserts add into old by key and returns the result sorted by key.
// An empty key is an error naming the kind.
func merge[T any, K comparable](kind string, old, add []T, key func(T) K, compare func(a, b K) int, empty func(K) bool) ([]T, error) {
	if len(add) == 0 {
		return old, nil
	}
	byKey := make(map[K]T, len(old)+len(add))
	for _, x := range old {
		byKey[key(x)] = x
	}
	for _, x := range add {
		k := key(x)
		if empty(k) {
			return nil, invalidf("catalog: %s with an empty key", kind)
		}
		byKey[k] = x
	}
	out := make([]T, 0, len(byKey))
	for _, x := range byKey {
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b T) int { return compare(key(a), key(b)) })
	return out, nil
}

func emptyString[S ~string](s S) bool { return s == "" }

// PutCatalog upserts catalog items and mappings by key. Mappings must name
// items that exist once the put is applied; otherwise nothing is written.
func (s *Store) PutCatalog(ctx context.Context, c *graph.Catalog) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c == nil {
		return invalidf("catalog: nil")
	}
	st, err := s.lockWrite()
	if err != nil {
		return err
	}
	defer s.wmu.Unlock()
	next, err := mergeCatalog(st.cat.c, c)
	if err != nil {
		return fmt.Errorf("memstore: put catalog: %w", err)
	}
	cs := newCatalogState(next)
	if err := cs.checkMappings(); err != nil {
		return fmt.Errorf("memstore: put catalog: %w", err)
	}
	if err := s.commit(&state{cat: cs, ws: st.ws}); err != nil {
		return fmt.Errorf("memstore: put catalog: %w", err)
	}
	return nil
}

func mergeCatalog(old, add *graph.Catalog) (*graph.Catalog, error) {
	var (
		n   graph.Catalog
		err error
	)
	str := strings.Compare
	if n.Layers, err = merge("layer", old.Layers, add.Layers, func(x graph.LayerInfo) graph.LayerID { return x.ID }, cmp.Compare[graph.LayerID], emptyString[graph.LayerID]); err != nil {
		return nil, err
	}
	if n.Components, err = merge("component", old.Components, add.Components, func(x graph.ComponentInfo) graph.Component { return x.Code }, cmp.Compare[graph.Component], emptyString[graph.Component]); err != nil {
		return nil, err
	}
	if n.Incidents, err = merge("incident", old.Incidents, add.Incidents, func(x graph.Incident) string { return x.ID }, str, emptyString[string]); err != nil {
		return nil, err
	}
	if n.RiskSources, err = merge("risk source", old.RiskSources, add.RiskSources, func(x graph.RiskSource) string { return x.ID }, str, emptyString[string]); err != nil {
		return nil, err
	}
	if n.Requirements, err = merge("requirement", old.Requirements, add.Requirements, func(x graph.Requirement) string { return x.ID }, str, emptyString[string]); err != nil {
		return nil, err
	}
	if n.Frameworks, err = merge("framework", old.Frameworks, add.Frameworks, func(x graph.Framework) string { return x.ID }, str, emptyString[string]); err != nil {
		return nil, err
	}
	if n.Controls, err = merge("control", old.Controls, add.Controls, graph.Control.Ref, graph.ControlRef.Compare,
		func(r graph.ControlRef) bool { return r.Framework == "" || r.ID == "" }); err != nil {
		return nil, err
	}
	if n.Threats, err = merge("threat", old.Threats, add.Threats, func(x graph.Threat) string { return x.ID }, str, emptyString[string]); err != nil {
		return nil, err
	}
	if n.Mappings, err = merge("mapping", old.Mappings, add.Mappings, keyOfMapping, compareMappingKey,
		func(k mappingKey) bool { return k.Type == "" || k.From == "" || k.To == "" }); err != nil {
		return nil, err
	}
	return &n, nil
}

// checkMappings verifies that every mapping names existing items.
func (cs *catalogState) checkMappings() error {
	for _, m := range cs.c.Mappings {
		if err := cs.checkMapping(m); err != nil {
			return err
		}
	}
	return nil
}

func (cs *catalogState) checkMapping(m graph.Mapping) error { return graph.CheckMapping(m, cs) }

// HasControl, HasRequirement, HasRiskSource and HasThreat make the catalog
// a graph.CatalogLookup.
func (cs *catalogState) HasControl(r graph.ControlRef) bool { return cs.controls[r] }
func (cs *catalogState) HasRequirement(id string) bool      { return cs.requirements[id] }
func (cs *catalogState) HasRiskSource(id string) bool       { return cs.riskSources[id] }
func (cs *catalogState) HasThreat(id string) bool           { return cs.threats[id] }

// Catalog returns the whole catalog, each list sorted by key. The result is
// shared: callers must not modify it.
func (s *Store) Catalog(ctx context.Context) (*graph.Catalog, error) {
	st, err := s.snap()
	if err != nil {
		return nil, err
	}
	return st.cat.c, nil
}
