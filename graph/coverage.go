package graph

import (
	"slices"
	"sort"
	"sync"
)

// Index is the catalog arranged for the analysis: which controls and
// requirements mitigate each risk source, which risk sources each threat
// exploits. Build it with NewIndex; it is read-only afterwards.
type Index struct {
	Catalog     *Catalog
	Threats     map[string]*Threat
	RiskSources map[string]*RiskSource
	Controls    map[ControlRef]*Control
	// Exploits lists, per threat, the risk sources it exploits, sorted by ID.
	Exploits map[string][]*RiskSource
	// Mitigating lists, per risk source, the controls that mitigate it,
	// directly (MITIGATES) or through a requirement (MAPS_TO a requirement
	// that MITIGATES it), sorted.
	Mitigating map[string][]ControlRef
	// RequirementsFor lists, per risk source, the requirements that mitigate
	// it, sorted.
	RequirementsFor map[string][]string
	// ControlsFor lists, per requirement, the controls that MAPS_TO it.
	ControlsFor map[string][]ControlRef
	// FunctionOf gives each requirement's CPSF function.
	FunctionOf map[string]string

	byComponent map[string]*ByComponent // threat -> its risk sources by component
	ord         map[string]int          // risk source -> its position in Catalog.RiskSources
}

// ByComponent holds one threat's risk sources by component (in the order of
// Components), so the hot loops of the analysis find what applies at a node
// without maps or allocations.
type ByComponent [6][]RiskSourceRef

// RiskSourceRef is a risk source with its position in the catalog.
type RiskSourceRef struct {
	RS  *RiskSource
	Ord int
}

var noRiskSources ByComponent

// componentIndex returns c's position in Components, or -1.
func componentIndex(c Component) int {
	switch c {
	case Organization:
		return 0
	case People:
		return 1
	case Things:
		return 2
	case Data:
		return 3
	case Procedures:
		return 4
	case Systems:
		return 5
	}
	return -1
}

// ByComponent returns threat t's risk sources by component.
func (ix *Index) ByComponent(threat string) *ByComponent {
	if b := ix.byComponent[threat]; b != nil {
		return b
	}
	return &noRiskSources
}

// AppendApplicable appends to buf the risk sources of b that apply at node n
// (same component, layer among the node's layers), in ID order.
func (b *ByComponent) AppendApplicable(buf []RiskSourceRef, n *NodeFacts) []RiskSourceRef {
	return b.appendAt(buf, n, componentIndex(n.Component))
}

// appendAt is AppendApplicable for a node whose component index is ci.
func (b *ByComponent) appendAt(buf []RiskSourceRef, n *NodeFacts, ci int) []RiskSourceRef {
	if ci < 0 {
		return buf
	}
	for _, r := range b[ci] {
		if slices.Contains(n.Layers, r.RS.Layer) {
			buf = append(buf, r)
		}
	}
	return buf
}

// NewIndex indexes a catalog.
func NewIndex(c *Catalog) *Index {
	ix := &Index{
		Catalog:         c,
		Threats:         map[string]*Threat{},
		RiskSources:     map[string]*RiskSource{},
		Controls:        map[ControlRef]*Control{},
		Exploits:        map[string][]*RiskSource{},
		Mitigating:      map[string][]ControlRef{},
		RequirementsFor: map[string][]string{},
		ControlsFor:     map[string][]ControlRef{},
		FunctionOf:      map[string]string{},
	}
	for i := range c.Threats {
		ix.Threats[c.Threats[i].ID] = &c.Threats[i]
	}
	ix.ord = make(map[string]int, len(c.RiskSources))
	for i := range c.RiskSources {
		ix.RiskSources[c.RiskSources[i].ID] = &c.RiskSources[i]
		ix.ord[c.RiskSources[i].ID] = i
	}
	for i := range c.Controls {
		ix.Controls[c.Controls[i].Ref()] = &c.Controls[i]
	}
	for _, r := range c.Requirements {
		ix.FunctionOf[r.ID] = r.Function
	}
	reqMitigates := map[string][]string{} // requirement -> risk sources
	for _, m := range c.Mappings {
		switch m.Type {
		case RelExploits:
			if rs := ix.RiskSources[m.To]; rs != nil {
				ix.Exploits[m.From] = append(ix.Exploits[m.From], rs)
			}
		case RelMitigates:
			if m.FromControl {
				if ref, err := ParseControlRef(m.From); err == nil {
					ix.Mitigating[m.To] = append(ix.Mitigating[m.To], ref)
				}
			} else {
				ix.RequirementsFor[m.To] = append(ix.RequirementsFor[m.To], m.From)
				reqMitigates[m.From] = append(reqMitigates[m.From], m.To)
			}
		case RelMapsTo:
			if ref, err := ParseControlRef(m.From); err == nil {
				ix.ControlsFor[m.To] = append(ix.ControlsFor[m.To], ref)
			}
		}
	}
	for req, ctrls := range ix.ControlsFor {
		for _, rs := range reqMitigates[req] {
			ix.Mitigating[rs] = append(ix.Mitigating[rs], ctrls...)
		}
	}
	ix.byComponent = map[string]*ByComponent{}
	for k, v := range ix.Exploits {
		sort.Slice(v, func(i, j int) bool { return v[i].ID < v[j].ID })
		v = slices.CompactFunc(v, func(a, b *RiskSource) bool { return a.ID == b.ID })
		ix.Exploits[k] = v
		b := &ByComponent{}
		for _, rs := range v {
			if ci := componentIndex(rs.Component); ci >= 0 {
				b[ci] = append(b[ci], RiskSourceRef{rs, ix.ord[rs.ID]})
			}
		}
		ix.byComponent[k] = b
	}
	for k, v := range ix.Mitigating {
		slices.SortFunc(v, ControlRef.Compare)
		ix.Mitigating[k] = slices.Compact(v)
	}
	for k, v := range ix.RequirementsFor {
		slices.Sort(v)
		ix.RequirementsFor[k] = slices.Compact(v)
	}
	for k, v := range ix.ControlsFor {
		slices.SortFunc(v, ControlRef.Compare)
		ix.ControlsFor[k] = slices.Compact(v)
	}
	return ix
}

// Cells returns the (layer, component) cells where threat t enters, sorted.
func (ix *Index) Cells(threat string) []Cell {
	var cells []Cell
	for _, rs := range ix.Exploits[threat] {
		c := rs.Cell()
		if !slices.Contains(cells, c) {
			cells = append(cells, c)
		}
	}
	slices.SortFunc(cells, func(a, b Cell) int {
		if a.Layer != b.Layer {
			if a.Layer < b.Layer {
				return -1
			}
			return 1
		}
		return compareComponent(a.Component, b.Component)
	})
	return cells
}

func compareComponent(a, b Component) int {
	return slices.Index(Components, a) - slices.Index(Components, b)
}

// Applicable returns the risk sources threat t exploits that apply at node n
// (same component, layer among the node's layers), sorted by ID.
func (ix *Index) Applicable(threat string, n *NodeFacts) []*RiskSource {
	var out []*RiskSource
	for _, r := range ix.ByComponent(threat).AppendApplicable(nil, n) {
		out = append(out, r.RS)
	}
	return out
}

// Gap is a risk source not fully covered at a hop, with what would cover it.
type Gap struct {
	RiskSource   string
	Weight       float64      // coverage reached so far: 0 or 0.5
	Requirements []string     // requirements that mitigate it
	Controls     []ControlRef // controls that would cover it (not yet implemented there)
}

// HopCoverage is the coverage of one node for one threat.
type HopCoverage struct {
	Status      CoverageStatus
	Coverage    float64      // mean weight over the applicable risk sources (0..1)
	RiskSources []string     // applicable risk sources
	Covering    []ControlRef // controls that count (implemented or partial) here
	Gaps        []Gap        // applicable risk sources not fully covered
}

// Statuses gives the controls in force at a node: its own (PROTECTED_BY for
// an asset, IMPLEMENTS for an organization) and its organization's.
type Statuses struct {
	// ByOrg holds each organization's IMPLEMENTS statuses.
	ByOrg map[string][]ControlStatus

	once    sync.Once
	weights map[string]map[ControlRef]float64 // org -> control -> best weight

	mu     sync.Mutex
	vecs   map[string][]float64 // org -> best weight per risk source (by catalog position)
	vecsIx *Index
}

// orgVector returns, for organization org, the best weight with which its
// IMPLEMENTS statuses cover each risk source of ix, by catalog position.
func (s *Statuses) orgVector(ix *Index, org string) []float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vecsIx != ix {
		s.vecs, s.vecsIx = map[string][]float64{}, ix
	}
	if v, ok := s.vecs[org]; ok {
		return v
	}
	v := make([]float64, len(ix.Catalog.RiskSources))
	for i := range ix.Catalog.RiskSources {
		for _, c := range ix.Mitigating[ix.Catalog.RiskSources[i].ID] {
			v[i] = max(v[i], s.orgWeight(org, c))
		}
	}
	s.vecs[org] = v
	return v
}

// orgWeight returns the best weight of control c among org's statuses.
func (s *Statuses) orgWeight(org string, c ControlRef) float64 {
	s.once.Do(func() {
		s.weights = make(map[string]map[ControlRef]float64, len(s.ByOrg))
		for o, sts := range s.ByOrg {
			m := make(map[ControlRef]float64, len(sts))
			for _, st := range sts {
				m[st.Control] = max(m[st.Control], st.Status.Weight())
			}
			s.weights[o] = m
		}
	})
	return s.weights[org][c]
}

// weightAt returns the best weight of control c at node n: the highest of
// the node's own status and its organization's.
func (s *Statuses) weightAt(n *NodeFacts, c ControlRef) float64 {
	w := 0.0
	for _, st := range n.Statuses {
		if st.Control == c {
			w = max(w, st.Status.Weight())
		}
	}
	if n.Kind == KindAsset && n.Org != "" {
		w = max(w, s.orgWeight(n.Org, c))
	}
	return w
}

// statusOf is the hop status of n for risk sources rss, computed without
// the lists coverageOf builds: the organization's coverage comes from a
// cached vector, the node's own statuses are checked control by control.
func (ix *Index) statusOf(rss []RiskSourceRef, n *NodeFacts, st *Statuses) CoverageStatus {
	return ix.statusWith(rss, n, st.ownerVector(ix, n))
}

// ownerVector is the orgVector that counts at node n: its owner's for an
// asset, nil for an organization or an asset without owner.
func (s *Statuses) ownerVector(ix *Index, n *NodeFacts) []float64 {
	if n.Kind == KindAsset && n.Org != "" {
		return s.orgVector(ix, n.Org)
	}
	return nil
}

// statusWith is statusOf given the node's organization vector (nil for none).
func (ix *Index) statusWith(rss []RiskSourceRef, n *NodeFacts, org []float64) CoverageStatus {
	if len(rss) == 0 {
		return NotApplicable
	}
	switch sum := ix.coveredSum(rss, n, org); {
	case sum == float64(len(rss)):
		return Covered
	case sum == 0:
		return Uncovered
	}
	return PartlyCovered
}

// coveredSum is the sum over rss of the best weight covering each at n, in
// the order of rss: the sum coverageOf takes the mean of, without its lists.
func (ix *Index) coveredSum(rss []RiskSourceRef, n *NodeFacts, org []float64) float64 {
	sum := 0.0
	for _, r := range rss {
		best := 0.0
		if org != nil {
			best = org[r.Ord]
		}
		if best < 1 && len(n.Statuses) > 0 {
			for _, c := range ix.Mitigating[r.RS.ID] {
				for _, own := range n.Statuses {
					if own.Control == c {
						best = max(best, own.Status.Weight())
					}
				}
			}
		}
		sum += best
	}
	return sum
}

// Coverage computes the coverage of node n for threat t. A risk source is
// covered with the best weight among the controls that mitigate it and are
// in force at n (implemented 1, partial 1/2, planned and none 0).
func (ix *Index) Coverage(threat string, n *NodeFacts, st *Statuses) HopCoverage {
	return ix.coverageOf(ix.Applicable(threat, n), n, st)
}

func (ix *Index) coverageOf(rss []*RiskSource, n *NodeFacts, st *Statuses) HopCoverage {
	var h HopCoverage
	if len(rss) == 0 {
		h.Status = NotApplicable
		return h
	}
	sum := 0.0
	for _, rs := range rss {
		h.RiskSources = append(h.RiskSources, rs.ID)
		best := 0.0
		var missing []ControlRef
		for _, c := range ix.Mitigating[rs.ID] {
			w := st.weightAt(n, c)
			if w > 0 && !slices.Contains(h.Covering, c) {
				h.Covering = append(h.Covering, c)
			}
			if w < 1 {
				missing = append(missing, c)
			}
			best = max(best, w)
		}
		sum += best
		if best < 1 {
			h.Gaps = append(h.Gaps, Gap{RiskSource: rs.ID, Weight: best, Requirements: ix.RequirementsFor[rs.ID], Controls: missing})
		}
	}
	slices.SortFunc(h.Covering, ControlRef.Compare)
	h.Coverage = sum / float64(len(rss))
	switch {
	case sum == float64(len(rss)):
		h.Status = Covered
	case sum == 0:
		h.Status = Uncovered
	default:
		h.Status = PartlyCovered
	}
	return h
}
