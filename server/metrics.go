package server

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// metrics counts requests and their latencies and writes them in
// Prometheus's text exposition format (version 0.0.4).
type metrics struct {
	mu      sync.Mutex
	start   time.Time
	http    map[httpKey]uint64
	ops     map[opKey]*histogram
	opNames map[string]bool
}

type httpKey struct {
	route string
	code  int
}

type opKey struct {
	name, typ, outcome string
}

// Operation names are chosen by clients: at most maxOpNames distinct names
// get their own series, the rest count as "other".
const maxOpNames = 200

var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

type histogram struct {
	counts []uint64 // per bucket, cumulative at write time
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	return &metrics{start: time.Now(), http: map[httpKey]uint64{}, ops: map[opKey]*histogram{}, opNames: map[string]bool{}}
}

func (m *metrics) observeHTTP(route string, code int) {
	m.mu.Lock()
	m.http[httpKey{route, code}]++
	m.mu.Unlock()
}

func (m *metrics) observeOp(name, typ, outcome string, d time.Duration) {
	if name == "" {
		name = "anonymous"
	}
	if typ == "" {
		typ = "none"
	}
	if outcome == "" {
		outcome = "ok"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.opNames[name] {
		if len(m.opNames) >= maxOpNames {
			name = "other"
		}
		m.opNames[name] = true
	}
	k := opKey{name, typ, outcome}
	h := m.ops[k]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(buckets))}
		m.ops[k] = h
	}
	s := d.Seconds()
	for i, b := range buckets {
		if s <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += s
	h.n++
}

func label(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
	return r.Replace(s)
}

func float(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return fmt.Sprintf("%g", f)
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(w, "# HELP cpsfgraph_uptime_seconds Seconds since the server started.\n# TYPE cpsfgraph_uptime_seconds gauge\ncpsfgraph_uptime_seconds %g\n", time.Since(m.start).Seconds())

	fmt.Fprintf(w, "# HELP cpsfgraph_http_requests_total HTTP requests by route and status code.\n# TYPE cpsfgraph_http_requests_total counter\n")
	hk := make([]httpKey, 0, len(m.http))
	for k := range m.http {
		hk = append(hk, k)
	}
	slices.SortFunc(hk, func(a, b httpKey) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		return a.code - b.code
	})
	for _, k := range hk {
		fmt.Fprintf(w, "cpsfgraph_http_requests_total{route=\"%s\",code=\"%d\"} %d\n", label(k.route), k.code, m.http[k])
	}

	ok := make([]opKey, 0, len(m.ops))
	for k := range m.ops {
		ok = append(ok, k)
	}
	slices.SortFunc(ok, func(a, b opKey) int {
		return strings.Compare(a.name+"\x00"+a.typ+"\x00"+a.outcome, b.name+"\x00"+b.typ+"\x00"+b.outcome)
	})
	fmt.Fprintf(w, "# HELP cpsfgraph_graphql_requests_total GraphQL requests by operation name, type and outcome (ok or the first error code).\n# TYPE cpsfgraph_graphql_requests_total counter\n")
	for _, k := range ok {
		fmt.Fprintf(w, "cpsfgraph_graphql_requests_total{operation=\"%s\",type=\"%s\",outcome=\"%s\"} %d\n", label(k.name), k.typ, k.outcome, m.ops[k].n)
	}
	fmt.Fprintf(w, "# HELP cpsfgraph_graphql_request_duration_seconds GraphQL request latency by operation name, type and outcome.\n# TYPE cpsfgraph_graphql_request_duration_seconds histogram\n")
	for _, k := range ok {
		h := m.ops[k]
		ls := fmt.Sprintf("operation=\"%s\",type=\"%s\",outcome=\"%s\"", label(k.name), k.typ, k.outcome)
		var cum uint64
		for i, b := range buckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "cpsfgraph_graphql_request_duration_seconds_bucket{%s,le=\"%s\"} %d\n", ls, float(b), cum)
		}
		fmt.Fprintf(w, "cpsfgraph_graphql_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", ls, h.n)
		fmt.Fprintf(w, "cpsfgraph_graphql_request_duration_seconds_sum{%s} %g\n", ls, h.sum)
		fmt.Fprintf(w, "cpsfgraph_graphql_request_duration_seconds_count{%s} %d\n", ls, h.n)
	}
}
