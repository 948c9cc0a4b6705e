package neo4jstore

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"cpsfgraph/graph"
)

// TestWalkLevelSort: a level's nodes, element IDs and first parents come
// out in Go's byte order of the IDs (as memstore's), whatever the IDs'
// lengths and bytes, with the three lists still aligned.
func TestWalkLevelSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"A", "B", "a", "-", "0", "9", "\x00", "\xff", "資", "産", "ー"}
	seen := map[string]bool{}
	var lv walkLevel
	for len(lv.facts) < 3000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		id := b.String()
		if seen[id] {
			continue
		}
		seen[id] = true
		lv.facts = append(lv.facts, graph.NodeFacts{ID: id})
		lv.eids = append(lv.eids, "e:"+id)
		lv.first = append(lv.first, "p:"+id)
	}
	ids := make([]string, len(lv.facts))
	for i, f := range lv.facts {
		ids[i] = f.ID
	}
	slices.Sort(ids)
	lv.sort()
	for i, f := range lv.facts {
		if f.ID != ids[i] {
			t.Fatalf("position %d: %q, want %q", i, f.ID, ids[i])
		}
		if lv.eids[i] != "e:"+f.ID || lv.first[i] != "p:"+f.ID {
			t.Fatalf("position %d (%q): element ID %q and first parent %q are not its own", i, f.ID, lv.eids[i], lv.first[i])
		}
	}
}
