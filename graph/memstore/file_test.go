package memstore_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
)

func openStore(t *testing.T, path string) *memstore.Store {
	t.Helper()
	s, err := memstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// requireAllSet fails when a field of v (a struct, looking into embedded
// structs) has its zero value: the fixture must exercise every field.
func requireAllSet(t *testing.T, name string, v any) {
	t.Helper()
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		f, ft := rv.Field(i), rv.Type().Field(i)
		if ft.Anonymous && f.Kind() == reflect.Struct {
			requireAllSet(t, name+"."+ft.Name, f.Interface())
			continue
		}
		if f.IsZero() {
			t.Errorf("fixture %s: field %s is zero", name, ft.Name)
		}
	}
}

func TestRoundTripKeepsEveryField(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.cpsf")
	s := openStore(t, path)
	setup(t, s)
	write(t, s, graph.WriteSpec{}, smallGraph())
	// A second write changes the stamps' LastSeen and Run.
	write(t, s, graph.WriteSpec{Run: "run-2", Now: t0.Add(time.Hour)}, smallGraph())
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "w0", Name: "bare"}); err != nil {
		t.Fatal(err)
	}
	catBefore, err := s.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wsBefore, err := s.Workspaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := dumpWS(t, s, "w1")

	// The fixture sets every field of every type.
	requireAllSet(t, "workspace", before.Workspace)
	requireAllSet(t, "org", before.Orgs[0])
	requireAllSet(t, "asset", before.Assets[assetIndex(before.Assets, "DB")])
	requireAllSet(t, "edge", before.Edges[0])
	requireAllSet(t, "status", before.Statuses[len(before.Statuses)-1])
	for _, x := range []any{catBefore.Layers[0], catBefore.Components[0], catBefore.Incidents[0], catBefore.RiskSources[0],
		catBefore.Requirements[0], catBefore.Frameworks[0], catBefore.Controls[0], catBefore.Threats[0]} {
		requireAllSet(t, fmt.Sprintf("%T", x), x)
	}
	for _, m := range catBefore.Mappings {
		if m.FromControl {
			requireAllSet(t, "mapping", m)
		}
	}
	if got := before.Edges[0].FirstSeen; !got.Equal(t0) {
		t.Errorf("FirstSeen = %v, want the first write's %v", got, t0)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	r := openStore(t, path)
	catAfter, err := r.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(catAfter, catBefore) {
		t.Errorf("catalog after reopen:\n got %+v\nwant %+v", catAfter, catBefore)
	}
	wsAfter, err := r.Workspaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(wsAfter, wsBefore) {
		t.Errorf("workspaces after reopen:\n got %+v\nwant %+v", wsAfter, wsBefore)
	}
	sameDump(t, "w1 after reopen", dumpWS(t, r, "w1"), before)

	// Saving what was opened gives the same bytes: the encoding is
	// deterministic and loses nothing.
	again := filepath.Join(t.TempDir(), "again.cpsf")
	if err := memstore.Save(r, again); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(path)
	b2, _ := os.ReadFile(again)
	if !bytes.Equal(b1, b2) {
		t.Errorf("re-saved file differs: %d bytes, was %d", len(b2), len(b1))
	}

	// The indexes are rebuilt too: a walk and the entries answer as before.
	var levels [][]string
	err = r.Walk(ctx, "w1", graph.WalkSpec{Starts: []string{"DB"}, Dir: graph.Upstream, MaxHops: 5}, func(l graph.Level) bool {
		levels = append(levels, ids(l.Nodes))
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"DB"}, {"SRV"}, {"ADM", "PC", "SUP"}}
	if !reflect.DeepEqual(levels, want) {
		t.Errorf("walk after reopen = %v, want %v", levels, want)
	}
}

func assetIndex(as []graph.Asset, id string) int {
	for i, a := range as {
		if a.ID == id {
			return i
		}
	}
	return -1
}

func ids(ns []graph.NodeFacts) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func TestOpenCreatesMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.cpsf")
	s := openStore(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("Open did not write the new store at once: %v", err)
	}
	ws, err := s.Workspaces(ctx)
	if err != nil || len(ws) != 0 {
		t.Fatalf("new store: workspaces %v, %v; want none", ws, err)
	}
	if _, err := memstore.Open(filepath.Join(t.TempDir(), "no", "such", "dir", "x.cpsf")); err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
}

// goodFile returns the bytes of a valid store file with some content.
func goodFile(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "good.cpsf")
	s := openStore(t, path)
	setup(t, s)
	write(t, s, graph.WriteSpec{}, smallGraph())
	s.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOpenRejectsBadFiles(t *testing.T) {
	good := goodFile(t)
	const header = 10 + 4 + 8
	patch := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"foreign", []byte("PK\x03\x04 this is a zip, not a store"), "not a cpsfgraph store"},
		{"empty", nil, "not a cpsfgraph store"},
		{"header only", good[:12], "truncated"},
		{"truncated", good[:len(good)-7], fmt.Sprintf("truncated: want %d bytes, have %d", len(good), len(good)-7)},
		{"trailing", append(bytes.Clone(good), 0), fmt.Sprintf("trailing data: want %d bytes, have %d", len(good), len(good)+1)},
		{"checksum", patch(func(b []byte) []byte { b[header+len(b[header:])/2] ^= 0x40; return b }), "checksum mismatch"},
		{"newer", patch(func(b []byte) []byte { binary.BigEndian.PutUint32(b[10:], 7); return b }), "format version 7 is newer than this binary's 1"},
		{"huge length", patch(func(b []byte) []byte { binary.BigEndian.PutUint64(b[14:], 1<<60); return b }), "truncated"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.cpsf")
			if err := os.WriteFile(path, c.data, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := memstore.Open(path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name the file and %q", err, c.want)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(after, c.data) {
				t.Error("Open changed the bad file")
			}
		})
	}
}

func TestCorruptPayloadWithValidChecksum(t *testing.T) {
	// A payload that passes the checksum but does not decode (a bug or a
	// hand-edited file) is reported, not loaded half-way.
	payload := []byte{0x05, 0x01}
	var b []byte
	b = append(b, "CPSFGRAPH\n"...)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = binary.BigEndian.AppendUint64(b, uint64(len(payload)))
	b = append(b, payload...)
	b = binary.BigEndian.AppendUint32(b, crc32c(payload))
	path := filepath.Join(t.TempDir(), "x.cpsf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := memstore.Open(path)
	if err == nil || !strings.Contains(err.Error(), "corrupt payload") {
		t.Fatalf("Open = %v, want a corrupt payload error", err)
	}
}

func TestFailedSaveChangesNothing(t *testing.T) {
	boom := errors.New("disk on fire")
	cases := []struct {
		name   string
		mutate func(s *memstore.Store) error
	}{
		{"write", func(s *memstore.Store) error {
			_, err := tryWrite(s, graph.WriteSpec{Run: "run-2"}, graph.Batch{Assets: []graph.Asset{{ID: "NEW", Component: graph.Data}}})
			return err
		}},
		{"sweep", func(s *memstore.Store) error {
			_, err := tryWrite(s, graph.WriteSpec{Run: "run-2", Sweep: true})
			return err
		}},
		{"put workspace", func(s *memstore.Store) error {
			return s.PutWorkspace(ctx, graph.Workspace{ID: "w1", Name: "renamed"})
		}},
		{"new workspace", func(s *memstore.Store) error { return s.PutWorkspace(ctx, graph.Workspace{ID: "w9"}) }},
		{"delete workspace", func(s *memstore.Store) error { return s.DeleteWorkspace(ctx, "w1") }},
		{"put catalog", func(s *memstore.Store) error {
			return s.PutCatalog(ctx, &graph.Catalog{Threats: []graph.Threat{{ID: "T-2", Level: 1}}})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "store.cpsf")
			s := openStore(t, path)
			setup(t, s)
			write(t, s, graph.WriteSpec{}, smallGraph())
			fileBefore, _ := os.ReadFile(path)
			memBefore := dumpWS(t, s, "w1")
			catBefore, _ := s.Catalog(ctx)
			wsBefore, _ := s.Workspaces(ctx)

			var tmpSeen string
			restore := memstore.SetBeforeRename(func(tmp string) error {
				tmpSeen = tmp
				return boom
			})
			err := c.mutate(s)
			restore()
			if !errors.Is(err, boom) {
				t.Fatalf("mutation error = %v, want the injected failure", err)
			}
			if tmpSeen == "" || filepath.Dir(tmpSeen) != dir {
				t.Errorf("temporary file %q is not in the store's directory %q", tmpSeen, dir)
			}
			if fileAfter, _ := os.ReadFile(path); !bytes.Equal(fileAfter, fileBefore) {
				t.Error("the store file changed")
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("directory holds %d files after the failed save, want only the store", len(entries))
			}
			// Memory is as before the mutation.
			sameDump(t, "in memory", dumpWS(t, s, "w1"), memBefore)
			if cat, _ := s.Catalog(ctx); !reflect.DeepEqual(cat, catBefore) {
				t.Error("catalog changed in memory")
			}
			if ws, _ := s.Workspaces(ctx); !reflect.DeepEqual(ws, wsBefore) {
				t.Errorf("workspaces in memory = %v, want %v", ws, wsBefore)
			}
			// The file re-opens with the old data.
			r := openStore(t, path)
			sameDump(t, "reopened", dumpWS(t, r, "w1"), memBefore)
			// And the store still works once the disk is back.
			if err := c.mutate(s); err != nil {
				t.Fatalf("mutation after recovery: %v", err)
			}
		})
	}
}

// The crash test: a child process saves in a loop and is killed; the file
// must open with one complete state.
const crashEnv = "MEMSTORE_CRASH_CHILD"

// crashGen writes generation g: assets named gen-g, how many depends on g,
// sweeping the previous generation.
func crashGen(s graph.Store, g int) error {
	n := 300 + (g%7)*50
	b := graph.Batch{Orgs: []graph.Org{{ID: "O", Name: "gen-" + strconv.Itoa(g), Role: graph.RoleSelf}}}
	for i := range n {
		b.Assets = append(b.Assets, graph.Asset{ID: fmt.Sprintf("A-%04d", i), Name: "gen-" + strconv.Itoa(g), Component: graph.Data,
			Layers: []graph.LayerID{graph.L3}, Owner: "O"})
		if i > 0 {
			b.Edges = append(b.Edges, graph.Edge{Type: graph.RelConnectsTo, From: fmt.Sprintf("A-%04d", i-1), To: fmt.Sprintf("A-%04d", i)})
		}
	}
	_, err := tryWrite(s, graph.WriteSpec{Run: "gen-" + strconv.Itoa(g), Sweep: true}, b)
	return err
}

func TestCrashKilledChild(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	for round := range 5 {
		dir := t.TempDir()
		path := filepath.Join(dir, "store.cpsf")
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKilledChild$")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it save a few generations, then kill it mid-flight.
		sc := bufio.NewScanner(out)
		saved := -1
		for sc.Scan() {
			if g, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "saved ")); err == nil {
				saved = g
			}
			if saved >= 3+round*4 {
				break
			}
		}
		time.Sleep(time.Duration(round*2) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if saved < 0 {
			t.Fatal("the child saved nothing")
		}

		strays := 0
		if entries, err := os.ReadDir(dir); err == nil {
			strays = len(entries) - 1
		}
		s, err := memstore.Open(path)
		if err != nil {
			t.Fatalf("round %d: open after kill: %v", round, err)
		}
		page, err := s.Assets(ctx, "w1", graph.AssetQuery{})
		if err != nil {
			t.Fatal(err)
		}
		name := page.Assets[0].Name
		g, err := strconv.Atoi(strings.TrimPrefix(name, "gen-"))
		if err != nil {
			t.Fatalf("asset name %q", name)
		}
		if g < saved {
			t.Errorf("round %d: file holds generation %d, older than the reported save of %d", round, g, saved)
		}
		if want := 300 + (g%7)*50; len(page.Assets) != want {
			t.Errorf("round %d: generation %d has %d assets, want %d", round, g, len(page.Assets), want)
		}
		for _, a := range page.Assets {
			if a.Name != name {
				t.Fatalf("round %d: asset %s is %s, others %s: a mixed state", round, a.ID, a.Name, name)
			}
		}
		edges, _ := s.Edges(ctx, "w1", "")
		if len(edges) != len(page.Assets)-1 {
			t.Errorf("round %d: %d edges for %d assets", round, len(edges), len(page.Assets))
		}
		s.Close()
		// The killed child's temporary files are gone.
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "store.cpsf" {
				t.Errorf("round %d: stray file %s left after open", round, e.Name())
			}
		}
		t.Logf("round %d: killed after save %d with %d temporary file(s) left; file holds generation %d", round, saved, strays, g)
	}
}

func crashChild(path string) {
	s, err := memstore.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := s.PutCatalog(ctx, testCatalog()); err != nil {
		os.Exit(2)
	}
	if err := s.PutWorkspace(ctx, graph.Workspace{ID: "w1"}); err != nil {
		os.Exit(2)
	}
	for g := 0; ; g++ {
		if err := crashGen(s, g); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("saved %d\n", g)
	}
}

func TestStrayTempFilesRemovedOnOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "store.cpsf")
	s := openStore(t, path)
	s.Close()
	// A temp file of a process that is gone (pid 0 never names one), an
	// old one of an unknown pid, and an unrelated file.
	stale := filepath.Join(dir, ".store.cpsf.tmp-0-123")
	old := filepath.Join(dir, ".store.cpsf.tmp-x-456")
	other := filepath.Join(dir, "notes.txt")
	for _, p := range []string{stale, old, other} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	openStore(t, path)
	for _, p := range []string{stale, old} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived Open", filepath.Base(p))
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("Open removed an unrelated file: %v", err)
	}
}

func crc32c(b []byte) uint32 { return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)) }
