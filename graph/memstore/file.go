package memstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cpsfgraph/graph"
)

// File layout:
//
//	magic    "CPSFGRAPH\n"
//	version  uint32, big endian (formatVersion)
//	length   uint64, big endian: payload bytes
//	payload  the store (see codec.go and encodeState)
//	checksum uint32, big endian: CRC-32C (Castagnoli) of the payload
const (
	magic         = "CPSFGRAPH\n"
	formatVersion = 1
	headerLen     = len(magic) + 4 + 8
	trailerLen    = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// beforeRename, when set (by tests), runs after the temporary file is
// written and synced and before it replaces the store file; an error
// aborts the save there.
var beforeRename func(tmp string) error

// processStart is when this process started, for telling stray temporary
// files of earlier processes from live ones.
var processStart = time.Now()

// committedError reports a failure after the new file replaced the old
// one: the change is saved, only its durability is in doubt.
type committedError struct{ err error }

func (e *committedError) Error() string { return e.err.Error() }
func (e *committedError) Unwrap() error { return e.err }

// Open opens the store persisted in the file at path, creating the file
// with an empty store when it does not exist. A file that is not a valid
// store is left untouched and reported.
func Open(path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("memstore: open %s: %w", path, err)
	}
	removeStrayTemps(abs)
	data, err := os.ReadFile(abs)
	var st *state
	switch {
	case errors.Is(err, fs.ErrNotExist):
		st = emptyState()
		if err := save(abs, st); err != nil {
			return nil, fmt.Errorf("memstore: create %s: %w", path, err)
		}
	case err != nil:
		return nil, fmt.Errorf("memstore: open %s: %w", path, err)
	default:
		if st, err = decodeFile(data); err != nil {
			return nil, fmt.Errorf("memstore: open %s: %w", path, err)
		}
	}
	s := &Store{path: abs}
	s.cur.Store(st)
	return s, nil
}

// tempPrefix is the name prefix of the temporary files of a save of path.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// save writes st to path atomically: a temporary file in the same
// directory, synced, renamed over path, then the directory synced.
func save(path string, st *state) (err error) {
	data := encodeFile(st)
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPrefix(path)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if beforeRename != nil {
		if err := beforeRename(tmp); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if err := syncDir(dir); err != nil {
		return &committedError{fmt.Errorf("saved, but sync of directory %s failed: %w", dir, err)}
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}

// removeStrayTemps deletes temporary files that an interrupted save of
// path left behind: those of processes that are gone, or older than this
// process. Failures are ignored: a stray file is never read.
func removeStrayTemps(path string) {
	dir, prefix := filepath.Dir(path), tempPrefix(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		dead := err != nil || pid <= 0 || errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
		info, err := e.Info()
		old := err == nil && info.ModTime().Before(processStart)
		if dead || (old && pid != os.Getpid()) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func encodeFile(st *state) []byte {
	payload := encodeState(st)
	out := make([]byte, 0, headerLen+len(payload)+trailerLen)
	out = append(out, magic...)
	out = binary.BigEndian.AppendUint32(out, formatVersion)
	out = binary.BigEndian.AppendUint64(out, uint64(len(payload)))
	out = append(out, payload...)
	return binary.BigEndian.AppendUint32(out, crc32.Checksum(payload, castagnoli))
}

func decodeFile(data []byte) (*state, error) {
	if len(data) < len(magic) || !bytes.Equal(data[:len(magic)], []byte(magic)) {
		return nil, errors.New("not a cpsfgraph store")
	}
	if len(data) < headerLen {
		return nil, fmt.Errorf("truncated: want at least %d bytes, have %d", headerLen+trailerLen, len(data))
	}
	v := binary.BigEndian.Uint32(data[len(magic):])
	switch {
	case v > formatVersion:
		return nil, fmt.Errorf("format version %d is newer than this binary's %d", v, formatVersion)
	case v < 1:
		return nil, fmt.Errorf("unknown format version %d", v)
	}
	n := binary.BigEndian.Uint64(data[len(magic)+4:])
	if n > uint64(len(data)) {
		return nil, fmt.Errorf("truncated: want %d bytes, have %d", uint64(headerLen+trailerLen)+n, len(data))
	}
	want := headerLen + int(n) + trailerLen
	switch {
	case len(data) < want:
		return nil, fmt.Errorf("truncated: want %d bytes, have %d", want, len(data))
	case len(data) > want:
		return nil, fmt.Errorf("trailing data: want %d bytes, have %d", want, len(data))
	}
	payload := data[headerLen : headerLen+int(n)]
	if got, sum := crc32.Checksum(payload, castagnoli), binary.BigEndian.Uint32(data[want-trailerLen:]); got != sum {
		return nil, fmt.Errorf("checksum mismatch: payload has CRC-32C %08x, file says %08x", got, sum)
	}
	st, err := decodeState(payload)
	if err != nil {
		return nil, fmt.Errorf("corrupt payload: %w", err)
	}
	return st, nil
}

// ---- payload ----

func encodeState(st *state) []byte {
	e := newEncoder()
	encodeCatalog(e, st.cat.c)
	ids := sortedKeys(st.ws)
	e.uint(uint64(len(ids)))
	for _, id := range ids {
		encodeWorkspace(e, st.ws[id])
	}
	return e.payload()
}

func (e *encoder) prov(p graph.Provenance) {
	e.str(p.Source)
	e.str(p.Verification)
}

func (d *decoder) prov() graph.Provenance {
	return graph.Provenance{Source: d.str(), Verification: d.str()}
}

// list writes a list; readList reads one.
func list[T any](e *encoder, xs []T, f func(*T)) {
	e.uint(uint64(len(xs)))
	for i := range xs {
		f(&xs[i])
	}
}

func readList[T any](d *decoder, f func(*T)) []T {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		if d.err != nil {
			return nil
		}
		f(&out[i])
	}
	return out
}

func encodeCatalog(e *encoder, c *graph.Catalog) {
	list(e, c.Layers, func(x *graph.LayerInfo) {
		e.str(string(x.ID))
		e.str(x.NameEN)
		e.str(x.NameJA)
		e.str(x.TrustFocus)
		e.prov(x.Provenance)
	})
	list(e, c.Components, func(x *graph.ComponentInfo) {
		e.str(string(x.Code))
		e.str(x.NameEN)
		e.str(x.NameJA)
		e.str(x.Description)
		e.prov(x.Provenance)
	})
	list(e, c.Incidents, func(x *graph.Incident) {
		e.str(x.ID)
		e.str(string(x.Layer))
		e.str(x.SummaryEN)
		e.str(x.SummaryJA)
		e.prov(x.Provenance)
	})
	list(e, c.RiskSources, func(x *graph.RiskSource) {
		e.str(x.ID)
		e.str(string(x.Layer))
		e.str(string(x.Component))
		e.str(x.Incident)
		e.str(x.ThreatEN)
		e.str(x.ThreatJA)
		e.str(x.VulnerabilityEN)
		e.str(x.VulnerabilityJA)
		e.prov(x.Provenance)
	})
	list(e, c.Requirements, func(x *graph.Requirement) {
		e.str(x.ID)
		e.str(x.Category)
		e.str(x.Function)
		e.str(x.SummaryEN)
		e.str(x.SummaryJA)
		e.prov(x.Provenance)
	})
	list(e, c.Frameworks, func(x *graph.Framework) {
		e.str(x.ID)
		e.str(x.NameEN)
		e.str(x.NameJA)
		e.str(x.Version)
		e.prov(x.Provenance)
	})
	list(e, c.Controls, func(x *graph.Control) {
		e.str(x.Framework)
		e.str(x.ID)
		e.str(x.TitleEN)
		e.str(x.TitleJA)
		e.str(x.Level)
		e.str(x.Function)
		e.prov(x.Provenance)
	})
	list(e, c.Threats, func(x *graph.Threat) {
		e.str(x.ID)
		e.str(x.NameEN)
		e.str(x.NameJA)
		e.str(x.Actor)
		e.int(x.Level)
		e.prov(x.Provenance)
	})
	list(e, c.Mappings, func(x *graph.Mapping) {
		e.str(string(x.Type))
		e.str(x.From)
		e.str(x.To)
		e.bool(x.FromControl)
		e.str(x.Relation)
		e.str(x.Rationale)
		e.prov(x.Provenance)
	})
}

func decodeCatalog(d *decoder) *graph.Catalog {
	var c graph.Catalog
	c.Layers = readList(d, func(x *graph.LayerInfo) {
		*x = graph.LayerInfo{ID: graph.LayerID(d.str()), NameEN: d.str(), NameJA: d.str(), TrustFocus: d.str(), Provenance: d.prov()}
	})
	c.Components = readList(d, func(x *graph.ComponentInfo) {
		*x = graph.ComponentInfo{Code: graph.Component(d.str()), NameEN: d.str(), NameJA: d.str(), Description: d.str(), Provenance: d.prov()}
	})
	c.Incidents = readList(d, func(x *graph.Incident) {
		*x = graph.Incident{ID: d.str(), Layer: graph.LayerID(d.str()), SummaryEN: d.str(), SummaryJA: d.str(), Provenance: d.prov()}
	})
	c.RiskSources = readList(d, func(x *graph.RiskSource) {
		*x = graph.RiskSource{ID: d.str(), Layer: graph.LayerID(d.str()), Component: graph.Component(d.str()), Incident: d.str(),
			ThreatEN: d.str(), ThreatJA: d.str(), VulnerabilityEN: d.str(), VulnerabilityJA: d.str(), Provenance: d.prov()}
	})
	c.Requirements = readList(d, func(x *graph.Requirement) {
		*x = graph.Requirement{ID: d.str(), Category: d.str(), Function: d.str(), SummaryEN: d.str(), SummaryJA: d.str(), Provenance: d.prov()}
	})
	c.Frameworks = readList(d, func(x *graph.Framework) {
		*x = graph.Framework{ID: d.str(), NameEN: d.str(), NameJA: d.str(), Version: d.str(), Provenance: d.prov()}
	})
	c.Controls = readList(d, func(x *graph.Control) {
		*x = graph.Control{Framework: d.str(), ID: d.str(), TitleEN: d.str(), TitleJA: d.str(), Level: d.str(), Function: d.str(), Provenance: d.prov()}
	})
	c.Threats = readList(d, func(x *graph.Threat) {
		*x = graph.Threat{ID: d.str(), NameEN: d.str(), NameJA: d.str(), Actor: d.str(), Level: d.int(), Provenance: d.prov()}
	})
	c.Mappings = readList(d, func(x *graph.Mapping) {
		*x = graph.Mapping{Type: graph.RelType(d.str()), From: d.str(), To: d.str(), FromControl: d.bool(),
			Relation: d.str(), Rationale: d.str(), Provenance: d.prov()}
	})
	return &c
}

func encodeWorkspace(e *encoder, w *wsState) {
	e.str(w.info.ID)
	e.str(w.info.Name)
	e.str(w.info.FormulaVariant)
	e.time(w.info.Created)
	threats := sortedKeys(w.info.ThreatLevels)
	e.uint(uint64(len(threats)))
	for _, t := range threats {
		e.str(t)
		e.int(w.info.ThreatLevels[t])
	}
	// Nodes in ID order (organizations and assets together, a kind flag
	// first), then edges and statuses.
	e.uint(uint64(len(w.ids)))
	for _, id := range w.ids {
		if o, ok := w.orgs[id]; ok {
			e.bool(false)
			e.str(o.ID)
			e.str(o.Name)
			e.str(string(o.Role))
			e.str(o.Size)
			e.stamp(o.Stamp)
			continue
		}
		a := w.assets[id]
		e.bool(true)
		e.str(a.ID)
		e.str(a.Name)
		e.str(string(a.Component))
		e.uint(uint64(len(a.Layers)))
		for _, l := range a.Layers {
			e.str(string(l))
		}
		e.int(a.C)
		e.int(a.I)
		e.int(a.A)
		e.int(a.Importance)
		e.str(a.Category)
		e.str(a.Media)
		e.str(a.Owner)
		e.strs(a.PersonalInfo)
		e.strs(a.Exposure)
		e.stamp(a.Stamp)
	}
	// Edges and statuses name their nodes by number: the rank of the ID,
	// the order in which the nodes were written.
	e.uint(uint64(len(w.edges)))
	for i := range w.edges {
		x := &w.edges[i]
		e.str(string(x.typeName()))
		e.uint(uint64(w.ends[2*i]))
		e.uint(uint64(w.ends[2*i+1]))
		e.stamp(w.stamps[x.stamp])
	}
	var n uint64
	for i := range w.facts {
		n += uint64(len(w.facts[i].Statuses))
	}
	e.uint(n)
	for i := range w.facts {
		for _, c := range w.facts[i].Statuses {
			e.uint(uint64(i))
			e.str(c.Control.Framework)
			e.str(c.Control.ID)
			e.str(string(c.Status))
			e.str(c.Note)
			e.stamp(c.Stamp)
		}
	}
}

func decodeWorkspace(d *decoder) (*wsState, error) {
	var info graph.Workspace
	info.ID, info.Name, info.FormulaVariant, info.Created = d.str(), d.str(), d.str(), d.time()
	if n := d.count(); n > 0 {
		info.ThreatLevels = make(map[string]int, n)
		for range n {
			t := d.str()
			info.ThreatLevels[t] = d.int()
		}
	}
	data := newWSData()
	nodes := d.count()
	data.assets = make(map[string]*graph.Asset, nodes)
	ids := make([]string, 0, nodes)
	for range nodes {
		if d.err != nil {
			return nil, d.err
		}
		var id string
		if !d.bool() {
			o := &graph.Org{ID: d.str(), Name: d.str(), Role: graph.OrgRole(d.str()), Size: d.str(), Stamp: d.stamp()}
			data.orgs[o.ID] = o
			id = o.ID
		} else {
			a := &graph.Asset{ID: d.str(), Name: d.str(), Component: graph.Component(d.str())}
			if n := d.count(); n > 0 {
				ls := make([]graph.LayerID, n)
				for i := range ls {
					ls[i] = graph.LayerID(d.str())
				}
				a.Layers = layerSet(ls)
				if len(a.Layers) != n && d.err == nil {
					return nil, fmt.Errorf("workspace %q: asset %q has layers %v, want distinct L1, L2, L3 in order", info.ID, a.ID, ls)
				}
			}
			a.C, a.I, a.A, a.Importance = d.int(), d.int(), d.int(), d.int()
			a.Category, a.Media, a.Owner = d.str(), d.str(), d.str()
			a.PersonalInfo, a.Exposure = d.strs(), d.strs()
			a.Stamp = d.stamp()
			data.assets[a.ID] = a
			id = a.ID
		}
		// Strictly ascending IDs: node numbers are ranks, and no ID is
		// both an asset and an organization.
		if len(ids) > 0 && ids[len(ids)-1] >= id && d.err == nil {
			return nil, fmt.Errorf("workspace %q: node %q out of order after %q", info.ID, id, ids[len(ids)-1])
		}
		ids = append(ids, id)
	}
	node := func() (string, int32) {
		p := d.uint()
		if d.err == nil && p >= uint64(len(ids)) {
			d.fail(fmt.Errorf("node number %d outside the workspace's %d nodes", p, len(ids)))
			return "", 0
		}
		if d.err != nil {
			return "", 0
		}
		return ids[p], int32(p)
	}
	edges := d.count()
	data.edges = make([]edgeRec, edges)
	ends := make([]int32, 2*edges)
	stamps := newStampTable(nil)
	for i := range data.edges {
		x := &data.edges[i]
		typ := d.str()
		t := edgeTypeIndex(graph.RelType(typ))
		if t < 0 && d.err == nil {
			return nil, fmt.Errorf("workspace %q: edge %d has unknown type %q", info.ID, i, typ)
		}
		x.typ = uint8(t)
		x.From, ends[2*i] = node()
		x.To, ends[2*i+1] = node()
		x.stamp = stamps.ref(d.stamp())
		if d.err != nil {
			return nil, d.err
		}
	}
	data.stamps = stamps.list
	statuses := d.count()
	sblock := make([]graph.ControlStatus, statuses)
	for i := range sblock {
		c := &sblock[i]
		c.Subject, _ = node()
		c.Control = graph.ControlRef{Framework: d.str(), ID: d.str()}
		c.Status, c.Note, c.Stamp = graph.Status(d.str()), d.str(), d.stamp()
		if d.err != nil {
			return nil, d.err
		}
		data.statuses[c.Key()] = c
	}
	if d.err != nil {
		return nil, d.err
	}
	return buildState(info, data, ends), nil
}

func decodeState(payload []byte) (*state, error) {
	d := &decoder{b: payload}
	d.readTable()
	d.readStamps()
	cat := decodeCatalog(d)
	st := &state{cat: newCatalogState(cat), ws: map[string]*wsState{}}
	n := d.count()
	for range n {
		if d.err != nil {
			break
		}
		w, err := decodeWorkspace(d)
		if err != nil {
			return nil, err
		}
		st.ws[w.info.ID] = w
	}
	if d.err != nil {
		return nil, d.err
	}
	if d.off != len(payload) {
		return nil, fmt.Errorf("%d bytes left after the last workspace", len(payload)-d.off)
	}
	return st, nil
}
