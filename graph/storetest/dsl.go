package storetest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cpsfgraph/graph"
)

// ParseGraph reads a small company graph written one item a line (or
// separated by ";"), so that a case shows its graph at a glance:
//
//	org ID [ROLE]                                  organization (role self, supplier, customer, other; default other)
//	asset ID COMPONENT LAYERS [key=value ...]      asset; LAYERS like L3 or L2,L3
//	    keys: imp=N  cia=C/I/A  owner=ORG  name=X  cat=X  media=X
//	FROM REL TO                                    edge, REL one of graph.EdgeTypes
//	SUBJECT PROTECTED_BY FW:ID STATUS              control status of an asset
//	SUBJECT IMPLEMENTS FW:ID STATUS                control status of an organization
//	existing asset|org ID ...                      nodes already in the store, for edges and statuses
//
// "#" starts a comment. Names default to the ID. Nodes must be declared
// before the edges and statuses that name them.
func ParseGraph(src string) (graph.Batch, error) {
	var b graph.Batch
	nodes := map[string]string{} // id -> "org" | "asset"
	lines := strings.FieldsFunc(src, func(r rune) bool { return r == '\n' || r == ';' })
	for n, line := range lines {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("storetest: graph item %d %q: %s", n+1, strings.TrimSpace(line), fmt.Sprintf(format, args...))
		}
		switch {
		case f[0] == "existing" && len(f) >= 3 && (f[1] == "asset" || f[1] == "org"):
			for _, id := range f[2:] {
				nodes[id] = f[1]
			}
		case f[0] == "org":
			if len(f) < 2 || len(f) > 3 {
				return b, fail("want org ID [ROLE]")
			}
			o := graph.Org{ID: f[1], Name: f[1], Role: graph.RoleOther}
			if len(f) == 3 {
				o.Role = graph.OrgRole(f[2])
				if !graph.ValidOrgRole(o.Role) {
					return b, fail("unknown role %q", f[2])
				}
			}
			if nodes[o.ID] != "" {
				return b, fail("node %q declared twice", o.ID)
			}
			nodes[o.ID] = "org"
			b.Orgs = append(b.Orgs, o)
		case f[0] == "asset":
			if len(f) < 4 {
				return b, fail("want asset ID COMPONENT LAYERS [key=value ...]")
			}
			a := graph.Asset{ID: f[1], Name: f[1], Component: graph.Component(f[2])}
			if !graph.ValidComponent(a.Component) {
				return b, fail("unknown component %q", f[2])
			}
			for _, l := range strings.Split(f[3], ",") {
				if !graph.ValidLayer(graph.LayerID(l)) {
					return b, fail("unknown layer %q", l)
				}
				a.Layers = append(a.Layers, graph.LayerID(l))
			}
			slices.Sort(a.Layers)
			for _, kv := range f[4:] {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					return b, fail("want key=value, got %q", kv)
				}
				var err error
				switch k {
				case "imp":
					a.Importance, err = strconv.Atoi(v)
				case "cia":
					p := strings.Split(v, "/")
					if len(p) != 3 {
						return b, fail("cia=%q: want C/I/A", v)
					}
					var e1, e2, e3 error
					a.C, e1 = strconv.Atoi(p[0])
					a.I, e2 = strconv.Atoi(p[1])
					a.A, e3 = strconv.Atoi(p[2])
					err = firstErr(e1, e2, e3)
				case "owner":
					if nodes[v] != "org" {
						return b, fail("owner %q is not a declared organization", v)
					}
					a.Owner = v
				case "name":
					a.Name = v
				case "cat":
					a.Category = v
				case "media":
					a.Media = v
				default:
					return b, fail("unknown key %q", k)
				}
				if err != nil {
					return b, fail("%s: %v", kv, err)
				}
			}
			if nodes[a.ID] != "" {
				return b, fail("node %q declared twice", a.ID)
			}
			nodes[a.ID] = "asset"
			b.Assets = append(b.Assets, a)
		case len(f) == 4 && (f[1] == string(graph.RelProtectedBy) || f[1] == string(graph.RelImplements)):
			want := "asset"
			if f[1] == string(graph.RelImplements) {
				want = "org"
			}
			if nodes[f[0]] != want {
				return b, fail("%s needs a declared %s, %q is not one", f[1], want, f[0])
			}
			ref, err := graph.ParseControlRef(f[2])
			if err != nil {
				return b, fail("%v", err)
			}
			st := graph.Status(f[3])
			if !graph.ValidStatus(st) {
				return b, fail("unknown status %q", f[3])
			}
			b.Statuses = append(b.Statuses, graph.ControlStatus{Subject: f[0], Control: ref, Status: st})
		case len(f) == 3:
			rel := graph.RelType(f[1])
			if !graph.ValidEdgeType(rel) {
				return b, fail("unknown relationship %q", f[1])
			}
			for _, id := range []string{f[0], f[2]} {
				if nodes[id] == "" {
					return b, fail("node %q not declared", id)
				}
			}
			b.Edges = append(b.Edges, graph.Edge{Type: rel, From: f[0], To: f[2]})
		default:
			return b, fail("cannot read this line")
		}
	}
	return b, nil
}

// MustGraph is ParseGraph for literals: it panics on a malformed graph.
func MustGraph(src string) graph.Batch {
	b, err := ParseGraph(src)
	if err != nil {
		panic(err)
	}
	return b
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
