package graph

import (
	"cmp"
	"fmt"
	"slices"
)

// This file holds the model's item rules, written once for every store
// (Store.Write and Store.PutCatalog enforce them; the importers report the
// same words to their users).

// InvalidError is an input that breaks the model; it wraps ErrInvalid.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

// Unwrap lets errors.Is(err, ErrInvalid) hold.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

// Invalidf returns an *InvalidError with a formatted message.
func Invalidf(format string, args ...any) error {
	return &InvalidError{fmt.Sprintf(format, args...)}
}

// CheckOrg checks an organization's own fields.
func CheckOrg(o *Org) error {
	switch {
	case o.ID == "":
		return Invalidf("organization %q: empty ID", o.Name)
	case !ValidOrgRole(o.Role):
		return Invalidf("organization %q: role %q is not self, supplier, customer or other", o.ID, o.Role)
	}
	return nil
}

// NormalizeAsset checks an asset's own fields and returns a copy with its
// layers sorted and deduplicated and empty lists made nil, the form every
// store keeps.
func NormalizeAsset(in *Asset) (Asset, error) {
	a := *in
	if a.ID == "" {
		return a, Invalidf("asset %q: empty ID", a.Name)
	}
	if !ValidComponent(a.Component) {
		return a, Invalidf("asset %q: component %q is not one of organization, people, things, data, procedures, systems", a.ID, a.Component)
	}
	for _, l := range a.Layers {
		if !ValidLayer(l) {
			return a, Invalidf("asset %q: layer %q is not L1, L2 or L3", a.ID, l)
		}
	}
	for _, r := range []struct {
		name string
		v    int
	}{{"confidentiality", a.C}, {"integrity", a.I}, {"availability", a.A}, {"importance", a.Importance}} {
		if r.v < 0 || r.v > 3 {
			return a, Invalidf("asset %q: %s %d is not 0..3", a.ID, r.name, r.v)
		}
	}
	a.Layers = nilIfEmpty(slices.Compact(slices.Sorted(slices.Values(a.Layers))))
	a.PersonalInfo = nilIfEmpty(slices.Clone(a.PersonalInfo))
	a.Exposure = nilIfEmpty(slices.Clone(a.Exposure))
	return a, nil
}

func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

// CatalogLookup answers whether the catalog (after a put) holds an item.
type CatalogLookup interface {
	HasControl(ControlRef) bool
	HasRequirement(id string) bool
	HasRiskSource(id string) bool
	HasThreat(id string) bool
}

// CheckMapping checks that m is a known mapping type whose ends exist.
func CheckMapping(m Mapping, c CatalogLookup) error {
	what := fmt.Sprintf("mapping %s %q -> %q", m.Type, m.From, m.To)
	control := func(s string) error {
		ref, err := ParseControlRef(s)
		if err != nil {
			return Invalidf("%s: %v", what, err)
		}
		if !c.HasControl(ref) {
			return Invalidf("%s: control %q is not in the catalog", what, s)
		}
		return nil
	}
	need := func(ok bool, kind, id string) error {
		if !ok {
			return Invalidf("%s: %s %q is not in the catalog", what, kind, id)
		}
		return nil
	}
	switch m.Type {
	case RelMapsTo:
		if m.FromControl {
			return Invalidf("%s: FromControl is for MITIGATES only", what)
		}
		return cmp.Or(control(m.From), need(c.HasRequirement(m.To), "requirement", m.To))
	case RelMitigates:
		from := need(c.HasRequirement(m.From), "requirement", m.From)
		if m.FromControl {
			from = control(m.From)
		}
		return cmp.Or(from, need(c.HasRiskSource(m.To), "risk source", m.To))
	case RelExploits:
		if m.FromControl {
			return Invalidf("%s: FromControl is for MITIGATES only", what)
		}
		return cmp.Or(need(c.HasThreat(m.From), "threat", m.From), need(c.HasRiskSource(m.To), "risk source", m.To))
	}
	return Invalidf("%s: type %q is not MAPS_TO, MITIGATES or EXPLOITS", what, m.Type)
}
