package memstore

import (
	"context"
	"testing"

	"cpsfgraph/graph"
)

// FuzzDecodeState feeds arbitrary payloads to the decoder: it must return
// a state or an error, never panic (the checksum guards against accidents,
// not against a hand-edited or hostile file).
func FuzzDecodeState(f *testing.F) {
	s := New()
	ctx := context.Background()
	s.PutCatalog(ctx, &graph.Catalog{Controls: []graph.Control{{Framework: "F", ID: "1"}}, Threats: []graph.Threat{{ID: "T", Level: 2}}})
	s.PutWorkspace(ctx, graph.Workspace{ID: "w", ThreatLevels: map[string]int{"T": 3}})
	_, err := s.Write(ctx, graph.WriteSpec{Workspace: "w", Source: "s", Run: "r"}, func(put func(graph.Batch) error) error {
		return put(graph.Batch{
			Orgs:     []graph.Org{{ID: "O", Role: graph.RoleSelf}},
			Assets:   []graph.Asset{{ID: "A", Component: graph.Data, Layers: []graph.LayerID{graph.L3}, Owner: "O", Exposure: []string{"x"}}, {ID: "B", Component: graph.Systems}},
			Edges:    []graph.Edge{{Type: graph.RelStoredOn, From: "A", To: "B"}, {Type: graph.RelOwnedBy, From: "A", To: "O"}},
			Statuses: []graph.ControlStatus{{Subject: "A", Control: graph.ControlRef{Framework: "F", ID: "1"}, Status: graph.StatusPartial}},
		})
	})
	if err != nil {
		f.Fatal(err)
	}
	good := encodeState(s.cur.Load())
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, payload []byte) {
		st, err := decodeState(payload)
		if err != nil {
			return
		}
		// What decodes must also encode and index without trouble.
		encodeState(st)
		for _, w := range st.ws {
			for i := range w.ids {
				w.down.of(int32(i))
				w.up.of(int32(i))
			}
		}
	})
}
