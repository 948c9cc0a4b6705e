package export

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"cpsfgraph/graph"
)

// This file computes the "top gaps": the few controls whose implementation
// lowers the workspace's total risk value the most. It needs nothing from a
// store beyond the graph.Store contract and could move to package graph
// (graph.Analyzer.TopGaps) as is.
//
// The model (DESIGN.md section 3): the risk of a pair (threat t, asset a) is
// importance(a) x D(t, v), where v is the highest exploitability among the
// entries of t that reach a within maxHops, and an entry's exploitability
// comes from its coverage (1 covered, 2 partly, 3 uncovered). Implementing a
// control can only lower entry exploitabilities, so it can only lower risk.
//
// An action is (control, subject): the control set to implemented by the
// subject, which is the organization of the entry where the gap is (its
// owner for an asset, the organization itself for an organization entry),
// or the asset itself when it has no owner. Candidates are the actions that
// close a gap at an entry hop.
//
// Greedy selection, repeated up to n times: take the action whose
// implementation, added to those already chosen, lowers the total risk the
// most (ties: control, then subject, in order), and stop early when no
// action lowers it. Greedy is not always optimal (two controls may only
// help together), but each step's reduction is exact: the pairs are
// rescored with the same reach as the analysis.
//
// Cost: exact rescoring walks the graph, so candidates are ranked by an
// upper bound first and only evaluated while their bound can beat the best
// exact reduction found. The bound holds because a pair's exploitability is
// attained by one "witness" entry; an action that leaves that entry's
// coverage unchanged cannot lower the pair's risk, and one that changes it
// lowers it at most to what the entry's new exploitability gives.

// GapChoice is one step of the greedy top-gaps selection.
type GapChoice struct {
	Control graph.ControlRef
	// Subject is where the control is to be implemented: an organization,
	// or an asset without owner.
	Subject     string
	SubjectName string
	// Reduction is the total risk lowered by this step, given the steps
	// before it; RiskAfter the total risk after it.
	Reduction int
	RiskAfter int
	// Pairs counts the pairs whose risk this step lowers.
	Pairs int
	// RiskSources are the risk sources whose gaps it closes (at entries of
	// the subject), sorted.
	RiskSources []string
}

// GapResult is the outcome of TopGaps.
type GapResult struct {
	Workspace  string
	MaxHops    int
	TotalRisk  int // before any choice
	Choices    []GapChoice
	Candidates int // actions considered
	Evaluated  int // exact rescorings done
}

// TopGaps picks up to n controls greedily (see above) for workspace ws.
// maxHops <= 0 takes graph.DefaultMaxHops.
func TopGaps(ctx context.Context, an *graph.Analyzer, ws string, n, maxHops int) (*GapResult, error) {
	if maxHops <= 0 {
		maxHops = graph.DefaultMaxHops
	}
	e, err := newGapEngine(ctx, an, ws, maxHops)
	if err != nil {
		return nil, err
	}
	res := &GapResult{Workspace: ws, MaxHops: maxHops, TotalRisk: e.total()}
	chosen := map[action]bool{}
	for len(res.Choices) < n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cands := e.candidates(chosen)
		res.Candidates = max(res.Candidates, len(cands))
		var best *evalResult
		for _, c := range cands {
			if c.bound <= 0 || best != nil && c.bound <= best.gain {
				break
			}
			r := e.evaluate(c.action)
			res.Evaluated++
			if best == nil || r.gain > best.gain {
				best = r
			}
		}
		if best == nil || best.gain <= 0 {
			break
		}
		chosen[best.action] = true
		e.apply(best)
		res.Choices = append(res.Choices, GapChoice{
			Control: best.action.control, Subject: best.action.subject, SubjectName: e.names[e.pos[best.action.subject]],
			Reduction: best.gain, RiskAfter: e.total(), Pairs: best.pairs, RiskSources: best.riskSources,
		})
	}
	return res, nil
}

type action struct {
	control graph.ControlRef
	subject string
}

func (a action) compare(b action) int {
	return cmp.Or(a.control.Compare(b.control), strings.Compare(a.subject, b.subject))
}

// entryClass groups the entries of one threat whose coverage is the same
// under any set of added controls: same kind, organization, cell and own
// statuses (unowned assets and organizations are their own class).
type entryClass struct {
	facts     *graph.NodeFacts // a representative
	subject   string
	subjectID int32
	v         int8    // current exploitability
	members   []int32 // node numbers
}

type threatState struct {
	t       *graph.Threat
	like    int
	classes []*entryClass
	// bySubject lists class indexes per subject.
	bySubject map[string][]int
	v         []int8  // per node: exploitability of the pair, 0 = not reached
	witness   []int32 // per node: class index of an entry attaining v
	multi     []bool  // per node: entries of two subjects or more attain v
	risk      int
}

type gapEngine struct {
	env     *graph.Env
	maxHops int
	ids     []string
	imp     []int8 // importance per node; 0 for organizations
	off, to []int32
	names   []string         // per node
	pos     map[string]int32 // node number of each ID
	threats []*threatState
	// added holds the chosen controls per subject.
	added map[string][]graph.ControlRef
	// scratch for walks
	seen  []uint32
	epoch uint32
	nlab  []uint8 // subjects that reached a node in the current walk (1 or 2)
	lab   []int32 // the first of them
	subj  map[string]int32
	// frontiers of walk, kept between walks: node, witness class and
	// subject of each item, this level (f) and the next (n)
	fp, np, fw, nw, fl, nl []int32
	// a rescoring's pair exploitabilities and witnesses (evaluate)
	ev []int8
	ew []int32
	// nv caches, per subject, a class's exploitability with one more
	// control; apply drops the subject's entries.
	nv map[string]map[nvKey]int8
}

type nvKey struct {
	threat, class int
	control       graph.ControlRef
}

func newGapEngine(ctx context.Context, an *graph.Analyzer, ws string, maxHops int) (*gapEngine, error) {
	env, err := an.Load(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("export: top gaps of %q: %w", ws, err)
	}
	page, err := an.Store.Assets(ctx, ws, graph.AssetQuery{})
	if err != nil {
		return nil, fmt.Errorf("export: top gaps of %q: assets: %w", ws, err)
	}
	edges, err := an.Store.Edges(ctx, ws, "")
	if err != nil {
		return nil, fmt.Errorf("export: top gaps of %q: edges: %w", ws, err)
	}
	e := &gapEngine{env: env, maxHops: maxHops, added: map[string][]graph.ControlRef{}, nv: map[string]map[nvKey]int8{}}
	nn := len(env.Orgs) + len(page.Assets)
	pos := make(map[string]int32, nn)
	e.ids, e.imp, e.names, e.pos = make([]string, 0, nn), make([]int8, 0, nn), make([]string, 0, nn), pos
	for _, o := range env.Orgs {
		pos[o.ID] = int32(len(e.ids))
		e.ids = append(e.ids, o.ID)
		e.imp = append(e.imp, 0)
		e.names = append(e.names, o.Name)
	}
	for _, a := range page.Assets {
		pos[a.ID] = int32(len(e.ids))
		e.ids = append(e.ids, a.ID)
		e.imp = append(e.imp, int8(a.EffectiveImportance()))
		e.names = append(e.names, a.Name)
	}
	arcs := make([][2]int32, 0, 2*len(edges)) // at most two an edge
	for _, ed := range edges {
		f, okf := pos[ed.From]
		t, okt := pos[ed.To]
		if !okf || !okt {
			continue
		}
		switch graph.FlowOf(ed.Type) {
		case graph.FlowForward:
			arcs = append(arcs, [2]int32{f, t})
		case graph.FlowBackward:
			arcs = append(arcs, [2]int32{t, f})
		case graph.FlowBoth:
			arcs = append(arcs, [2]int32{f, t}, [2]int32{t, f})
		}
	}
	e.off = make([]int32, nn+1)
	for _, a := range arcs {
		e.off[a[0]+1]++
	}
	for i := range nn {
		e.off[i+1] += e.off[i]
	}
	e.to = make([]int32, len(arcs))
	fill := slices.Clone(e.off[:nn])
	for _, a := range arcs {
		e.to[fill[a[0]]] = a[1]
		fill[a[0]]++
	}
	e.seen = make([]uint32, nn)
	e.nlab = make([]uint8, nn)
	e.lab = make([]int32, nn)
	e.subj = map[string]int32{}

	for _, t := range env.Threats() {
		entries, err := an.Store.Entries(ctx, ws, env.Index.Cells(t.ID))
		if err != nil {
			return nil, fmt.Errorf("export: top gaps of %q: entries of %s: %w", ws, t.ID, err)
		}
		ts := &threatState{t: t, like: env.Likelihood(t), bySubject: map[string][]int{}, v: make([]int8, nn), witness: make([]int32, nn), multi: make([]bool, nn)}
		byKey := map[string]*entryClass{}
		var key []byte
		for i := range entries {
			nf := &entries[i]
			p, ok := pos[nf.ID]
			if !ok {
				continue
			}
			key = appendClassKey(key[:0], nf)
			c := byKey[string(key)] // no allocation for the look-up
			if c == nil {
				rep := *nf // a copy: the entries need not stay in memory
				c = &entryClass{facts: &rep, subject: subjectOf(nf)}
				id, ok := e.subj[c.subject]
				if !ok {
					id = int32(len(e.subj))
					e.subj[c.subject] = id
				}
				c.subjectID = id
				byKey[string(key)] = c
				ts.bySubject[c.subject] = append(ts.bySubject[c.subject], len(ts.classes))
				ts.classes = append(ts.classes, c)
			}
			c.members = append(c.members, p)
		}
		for _, c := range ts.classes {
			c.v = int8(e.exploitability(t.ID, c, action{}))
		}
		ts.risk = e.walk(ts, nil, ts.v, ts.witness, ts.multi, nil)
		e.threats = append(e.threats, ts)
	}
	return e, nil
}

func subjectOf(nf *graph.NodeFacts) string {
	if nf.Kind == graph.KindOrg || nf.Org == "" {
		return nf.ID
	}
	return nf.Org
}

// appendClassKey appends the key of nf's entry class to b.
func appendClassKey(b []byte, nf *graph.NodeFacts) []byte {
	b = append(b, nf.Kind...)
	b = append(b, '|')
	b = append(b, subjectOf(nf)...)
	b = append(b, '|')
	b = append(b, nf.Component...)
	for _, l := range nf.Layers {
		b = append(b, '|')
		b = append(b, l...)
	}
	for _, s := range nf.Statuses {
		b = append(b, '|')
		b = append(b, s.Control.Framework...)
		b = append(b, ':')
		b = append(b, s.Control.ID...)
		b = append(b, '=')
		b = append(b, s.Status...)
	}
	return b
}

// coverage computes class c's coverage for a threat with the chosen
// controls plus extra (when extra.subject is the class's subject).
func (e *gapEngine) coverage(threat string, c *entryClass, extra action) graph.HopCoverage {
	add := e.added[c.subject]
	if extra.subject == c.subject && extra.subject != "" {
		add = append(slices.Clone(add), extra.control)
	}
	if len(add) == 0 {
		return e.env.Index.Coverage(threat, c.facts, e.env.Statuses)
	}
	nf := *c.facts
	st := e.env.Statuses
	extraStatuses := make([]graph.ControlStatus, len(add))
	for i, ref := range add {
		extraStatuses[i] = graph.ControlStatus{Subject: c.subject, Control: ref, Status: graph.StatusImplemented}
	}
	if nf.Kind == graph.KindOrg || nf.Org == "" {
		nf.Statuses = append(slices.Clone(nf.Statuses), extraStatuses...)
	} else {
		st = &graph.Statuses{ByOrg: map[string][]graph.ControlStatus{nf.Org: append(slices.Clone(st.ByOrg[nf.Org]), extraStatuses...)}}
	}
	return e.env.Index.Coverage(threat, &nf, st)
}

func (e *gapEngine) exploitability(threat string, c *entryClass, extra action) int {
	return e.coverage(threat, c, extra).Status.Exploitability()
}

// walk scores threat ts with the class exploitabilities cv (nil = the
// current ones): entries are walked downstream group by group from v = 3 to
// v = 1, and each asset takes the v of the first group that reaches it (as
// graph's reach does). It fills v and witness and returns the threat's total
// risk.
//
// With multi, the walk carries up to two distinct subjects per node and
// sets multi[p] when the group that sets p's v reaches p from entries of two
// subjects or more: then no single action can lower p (the k-nearest
// distinct sources walk: a node forwards only the first two subjects that
// reach it, which is enough to tell one from several). A group whose damage
// likelihood is 1 is walked with one subject a node: no action can lower
// the pairs it sets, so their multi is never read (the nodes it reaches,
// and their depths, are the same).
//
// With old (the pairs' current v), the walk (rescoring an action, or
// applying one) skips the groups that cannot change a damage likelihood:
// assets it no longer reaches from a higher group fall to v = 1 (the set of
// assets reached does not change with coverage).
func (e *gapEngine) walk(ts *threatState, cv []int8, v []int8, witness []int32, multi []bool, old []int8) int {
	clear(v)
	if multi != nil {
		clear(multi)
	}
	lowest := int8(1)
	if old != nil {
		lowest = 2
		if ts.like <= 2 {
			lowest = 3 // D(2, v) = 1 for v <= 2, D(1, v) = 1
		}
	}
	// frontier and next list nodes, with the witness class (fw, nw) and
	// subject (fl, nl) of each item.
	frontier, next, fw, nw, fl, nl := e.fp, e.np, e.fw, e.nw, e.fl, e.nl
	defer func() { e.fp, e.np, e.fw, e.nw, e.fl, e.nl = frontier, next, fw, nw, fl, nl }()
	risk := 0
	for g := int8(3); g >= lowest; g-- {
		two := multi != nil && graph.DamageLikelihood(ts.like, int(g)) > 1
		e.epoch++
		frontier, fw, fl = frontier[:0], fw[:0], fl[:0]
		for ci, c := range ts.classes {
			cvv := c.v
			if cv != nil {
				cvv = cv[ci]
			}
			if cvv != g {
				continue
			}
			for _, p := range c.members {
				if e.accept(p, c.subjectID, two) {
					frontier = append(frontier, p)
					fw = append(fw, int32(ci))
					fl = append(fl, c.subjectID)
				}
			}
		}
		for depth := 0; len(frontier) > 0; depth++ {
			for i, p := range frontier {
				if e.imp[p] == 0 {
					continue
				}
				if v[p] == 0 {
					v[p] = g
					witness[p] = fw[i]
					risk += int(e.imp[p]) * graph.DamageLikelihood(ts.like, int(g))
				} else if two && v[p] == g && e.nlab[p] == 2 {
					multi[p] = true
				}
			}
			if depth == e.maxHops {
				break
			}
			next, nw, nl = next[:0], nw[:0], nl[:0]
			for i, p := range frontier {
				for _, q := range e.to[e.off[p]:e.off[p+1]] {
					if e.accept(q, fl[i], two) {
						next = append(next, q)
						nw = append(nw, fw[i])
						nl = append(nl, fl[i])
					}
				}
			}
			frontier, next = next, frontier
			fw, nw = nw, fw
			fl, nl = nl, fl
		}
	}
	if old != nil {
		for p, ov := range old {
			if ov != 0 && v[p] == 0 {
				v[p] = 1
				risk += int(e.imp[p]) * graph.DamageLikelihood(ts.like, 1)
			}
		}
	}
	return risk
}

// accept records that subject s reaches node p in the current walk; it
// reports whether p is to be expanded with s. Without two, a node is
// visited once; with two, once per subject for its first two subjects.
func (e *gapEngine) accept(p, s int32, two bool) bool {
	if e.seen[p] != e.epoch {
		e.seen[p] = e.epoch
		e.nlab[p] = 1
		e.lab[p] = s
		return true
	}
	if !two || e.nlab[p] == 2 || e.lab[p] == s {
		return false
	}
	e.nlab[p] = 2
	return true
}

func (e *gapEngine) total() int {
	s := 0
	for _, ts := range e.threats {
		s += ts.risk
	}
	return s
}

type candidate struct {
	action
	bound int
}

// candidates lists the actions that close a gap at an entry class, each
// with an upper bound of the risk it can lower, highest bound first.
func (e *gapEngine) candidates(chosen map[action]bool) []candidate {
	bound := map[action]int{}
	for ti, ts := range e.threats {
		// weight[class] = importance of the assets whose v only that
		// class's subject sets, with that class as witness.
		weight := make([]int, len(ts.classes))
		for p, v := range ts.v {
			if v == 0 || ts.multi[p] || graph.DamageLikelihood(ts.like, int(v)) == 1 {
				continue
			}
			weight[ts.witness[p]] += int(e.imp[p])
		}
		for ci, c := range ts.classes {
			if c.v == 1 {
				continue
			}
			dmg := graph.DamageLikelihood(ts.like, int(c.v))
			// Only a control in the class's gaps can change its coverage.
			seen := map[graph.ControlRef]bool{}
			for _, g := range e.coverage(ts.t.ID, c, action{}).Gaps {
				for _, ref := range g.Controls {
					a := action{ref, c.subject}
					if chosen[a] || seen[ref] {
						continue
					}
					seen[ref] = true
					bound[a] += 0 // a candidate, even with nothing to gain here
					if weight[ci] == 0 {
						continue
					}
					nv := e.cachedExploitability(ti, ci, a)
					if d := dmg - graph.DamageLikelihood(ts.like, int(nv)); d > 0 {
						bound[a] += weight[ci] * d
					}
				}
			}
		}
	}
	out := make([]candidate, 0, len(bound))
	for a, b := range bound {
		out = append(out, candidate{a, b})
	}
	slices.SortFunc(out, func(x, y candidate) int {
		return cmp.Or(cmp.Compare(y.bound, x.bound), x.action.compare(y.action))
	})
	return out
}

func (e *gapEngine) cachedExploitability(ti, ci int, a action) int8 {
	m := e.nv[a.subject]
	if m == nil {
		m = map[nvKey]int8{}
		e.nv[a.subject] = m
	}
	k := nvKey{ti, ci, a.control}
	if v, ok := m[k]; ok {
		return v
	}
	v := int8(e.exploitability(e.threats[ti].t.ID, e.threats[ti].classes[ci], a))
	m[k] = v
	return v
}

type evalResult struct {
	action
	gain        int
	pairs       int
	riskSources []string
	// per threat index: new class exploitabilities (nil = unchanged)
	cv [][]int8
}

// evaluate rescores the threats an action touches.
func (e *gapEngine) evaluate(a action) *evalResult {
	r := &evalResult{action: a, cv: make([][]int8, len(e.threats))}
	rss := map[string]bool{}
	for ti, ts := range e.threats {
		var cv []int8
		for _, ci := range ts.bySubject[a.subject] {
			c := ts.classes[ci]
			if c.v == 1 {
				continue
			}
			before := e.coverage(ts.t.ID, c, action{})
			cov := e.coverage(ts.t.ID, c, a)
			nv := int8(cov.Status.Exploitability())
			for _, g := range before.Gaps {
				if !slices.ContainsFunc(cov.Gaps, func(x graph.Gap) bool { return x.RiskSource == g.RiskSource && x.Weight == g.Weight }) {
					rss[g.RiskSource] = true
				}
			}
			if nv == c.v || ts.like == 1 { // D(1, v) = 1: nothing to lower
				continue
			}
			if cv == nil {
				cv = make([]int8, len(ts.classes))
				for i, x := range ts.classes {
					cv[i] = x.v
				}
			}
			cv[ci] = nv
		}
		if cv == nil {
			continue
		}
		e.ev, e.ew = slices.Grow(e.ev[:0], len(ts.v))[:len(ts.v)], slices.Grow(e.ew[:0], len(ts.v))[:len(ts.v)]
		v, w := e.ev, e.ew
		risk := e.walk(ts, cv, v, w, nil, ts.v)
		r.gain += ts.risk - risk
		for p := range v {
			if v[p] != ts.v[p] && graph.DamageLikelihood(ts.like, int(v[p])) < graph.DamageLikelihood(ts.like, int(ts.v[p])) {
				r.pairs++
			}
		}
		r.cv[ti] = cv
	}
	for rs := range rss {
		r.riskSources = append(r.riskSources, rs)
	}
	slices.Sort(r.riskSources)
	return r
}

// apply makes an evaluated action part of the state.
func (e *gapEngine) apply(r *evalResult) {
	e.added[r.subject] = append(e.added[r.subject], r.control)
	delete(e.nv, r.subject)
	for ti, cv := range r.cv {
		if cv == nil {
			continue
		}
		ts := e.threats[ti]
		for ci, c := range ts.classes {
			c.v = cv[ci]
		}
		// The groups that cannot set a damage likelihood above 1 are not
		// walked again: the assets they reached keep D = 1 (as v = 1,
		// and with a stale witness, which nothing reads where D = 1).
		e.ev = append(e.ev[:0], ts.v...)
		ts.risk = e.walk(ts, nil, ts.v, ts.witness, ts.multi, e.ev)
	}
}
