package memstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"cpsfgraph/graph"
)

// The payload is a compact binary encoding: unsigned and signed varints,
// booleans as one byte, and strings as references into a string table that
// precedes the body. Node IDs, sources and run IDs repeat across hundreds of
// thousands of edges; the table stores each once and lets the decoder share
// one string per distinct value.

// encoder writes the body and collects the string table and the stamp
// table (most items of one import share one stamp).
type encoder struct {
	body  []byte
	index map[string]uint32
	table []string

	stamps    []byte // the stamp table's entries
	stampIx   map[graph.Stamp]uint32
	nStamps   uint32
	lastStamp graph.Stamp
	lastRef   uint32
}

func newEncoder() *encoder {
	return &encoder{index: map[string]uint32{"": 0}, table: []string{""}, stampIx: map[graph.Stamp]uint32{}}
}

// stamp writes a reference into the stamp table.
func (e *encoder) stamp(s graph.Stamp) {
	if e.nStamps == 0 || s != e.lastStamp {
		i, ok := e.stampIx[s]
		if !ok {
			i = e.nStamps
			e.nStamps++
			e.stampIx[s] = i
			body := e.body
			e.body = e.stamps
			e.str(s.Source)
			e.str(s.Run)
			e.time(s.FirstSeen)
			e.time(s.LastSeen)
			e.stamps = e.body
			e.body = body
		}
		e.lastStamp, e.lastRef = s, i
	}
	e.uint(uint64(e.lastRef))
}

func (e *encoder) uint(v uint64) { e.body = binary.AppendUvarint(e.body, v) }

func (e *encoder) int(v int) { e.body = binary.AppendVarint(e.body, int64(v)) }

func (e *encoder) bool(v bool) {
	if v {
		e.body = append(e.body, 1)
	} else {
		e.body = append(e.body, 0)
	}
}

func (e *encoder) str(s string) {
	i, ok := e.index[s]
	if !ok {
		i = uint32(len(e.table))
		e.index[s] = i
		e.table = append(e.table, s)
	}
	e.uint(uint64(i))
}

func (e *encoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

// time writes 0 for the zero time, else 1, Unix seconds and nanoseconds.
// Times are kept in UTC, so the location needs no encoding.
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.body = append(e.body, 0)
		return
	}
	e.body = append(e.body, 1)
	e.body = binary.AppendVarint(e.body, t.Unix())
	e.uint(uint64(t.Nanosecond()))
}

// payload returns the string table, the stamp table and the body.
func (e *encoder) payload() []byte {
	n := 0
	for _, s := range e.table {
		n += len(s) + binary.MaxVarintLen32
	}
	out := make([]byte, 0, n+2*binary.MaxVarintLen64+len(e.stamps)+len(e.body))
	out = binary.AppendUvarint(out, uint64(len(e.table)))
	for _, s := range e.table {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	out = binary.AppendUvarint(out, uint64(e.nStamps))
	out = append(out, e.stamps...)
	return append(out, e.body...)
}

// decoder reads a payload. The first error sticks; later reads return zero
// values, so callers check err once at the end.
type decoder struct {
	b      []byte
	off    int
	table  []string
	stamps []graph.Stamp
	err    error
}

var errShort = errors.New("unexpected end of payload")

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = fmt.Errorf("at byte %d: %w", d.off, err)
	}
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) int() int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.off += n
	return int(v)
}

func (d *decoder) bool() bool {
	if d.err != nil {
		return false
	}
	if d.off >= len(d.b) {
		d.fail(errShort)
		return false
	}
	v := d.b[d.off]
	d.off++
	if v > 1 {
		d.fail(fmt.Errorf("bad boolean %d", v))
	}
	return v == 1
}

// count reads a length and checks it against the bytes left (every item
// takes at least one byte), so a corrupt length cannot allocate gigabytes.
func (d *decoder) count() int {
	n := d.uint()
	if d.err == nil && n > uint64(len(d.b)-d.off) {
		d.fail(fmt.Errorf("count %d exceeds the %d bytes left", n, len(d.b)-d.off))
		return 0
	}
	return int(n)
}

func (d *decoder) readTable() {
	n := d.count()
	d.table = make([]string, 0, n)
	for range n {
		l := d.count()
		if d.err != nil {
			return
		}
		d.table = append(d.table, string(d.b[d.off:d.off+l]))
		d.off += l
	}
}

// readStamps reads the stamp table; it follows the string table.
func (d *decoder) readStamps() {
	n := d.count()
	d.stamps = make([]graph.Stamp, 0, n)
	for range n {
		if d.err != nil {
			return
		}
		d.stamps = append(d.stamps, graph.Stamp{Source: d.str(), Run: d.str(), FirstSeen: d.time(), LastSeen: d.time()})
	}
}

func (d *decoder) stamp() graph.Stamp {
	i := d.uint()
	if d.err != nil {
		return graph.Stamp{}
	}
	if i >= uint64(len(d.stamps)) {
		d.fail(fmt.Errorf("stamp reference %d outside the table of %d", i, len(d.stamps)))
		return graph.Stamp{}
	}
	return d.stamps[i]
}

func (d *decoder) str() string {
	i := d.uint()
	if d.err != nil {
		return ""
	}
	if i >= uint64(len(d.table)) {
		d.fail(fmt.Errorf("string reference %d outside the table of %d", i, len(d.table)))
		return ""
	}
	return d.table[i]
}

func (d *decoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) time() time.Time {
	if !d.bool() {
		return time.Time{}
	}
	sec := d.int()
	ns := d.uint()
	if d.err == nil && ns >= 1e9 {
		d.fail(fmt.Errorf("nanoseconds %d out of range", ns))
	}
	return time.Unix(int64(sec), int64(ns)).UTC()
}
