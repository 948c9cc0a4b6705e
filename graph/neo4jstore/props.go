package neo4jstore

import (
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// props is a property map read from Neo4j.
type props map[string]any

func (p props) str(k string) string {
	s, _ := p[k].(string)
	return s
}

func (p props) int(k string) int {
	n, _ := p[k].(int64)
	return int(n)
}

func (p props) bool(k string) bool {
	b, _ := p[k].(bool)
	return b
}

// strs reads a string list; a missing or empty list is nil.
func (p props) strs(k string) []string {
	l, _ := p[k].([]any)
	if len(l) == 0 {
		return nil
	}
	out := make([]string, len(l))
	for i, v := range l {
		out[i], _ = v.(string)
	}
	return out
}

// time reads a DateTime in UTC; a missing one is the zero time.
func (p props) time(k string) time.Time {
	t, ok := p[k].(time.Time)
	if !ok {
		return time.Time{}
	}
	return t.UTC()
}

// timeParam stores a time as a DateTime in UTC; the zero time as null.
func timeParam(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// listParam stores a string list; an empty one as null (no property).
func listParam[S ~string](l []S) any {
	if len(l) == 0 {
		return nil
	}
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = string(s)
	}
	return out
}

// recProps returns the map value k of a record.
func recProps(r *neo4j.Record, k string) props {
	v, _ := r.Get(k)
	m, _ := v.(map[string]any)
	return m
}

func recStr(r *neo4j.Record, k string) string {
	v, _ := r.Get(k)
	s, _ := v.(string)
	return s
}

func recInt(r *neo4j.Record, k string) int {
	v, _ := r.Get(k)
	n, _ := v.(int64)
	return int(n)
}

func recBool(r *neo4j.Record, k string) bool {
	v, _ := r.Get(k)
	b, _ := v.(bool)
	return b
}

// recStrs returns the string list k of a record.
func recStrs(r *neo4j.Record, k string) []string {
	v, _ := r.Get(k)
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
