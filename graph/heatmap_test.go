package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSortByAsset checks the natural-run merge against a plain sort, on
// inputs made of a few ascending runs (as reach emits them) and on any order.
func TestSortByAsset(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var buf []Pair
	for _, tc := range []struct{ n, runs int }{{0, 0}, {1, 1}, {2, 2}, {5, 1}, {100, 3}, {1000, 18}, {1000, 1000}, {4096, 7}} {
		t.Run(fmt.Sprintf("%d pairs, %d runs", tc.n, tc.runs), func(t *testing.T) {
			ids := rng.Perm(tc.n * 3)[:tc.n] // distinct assets
			ps := make([]Pair, tc.n)
			for i, id := range ids {
				ps[i] = Pair{Threat: "T", Asset: fmt.Sprintf("a%05d", id), Hops: i}
			}
			// Cut into runs and sort each one.
			cuts := []int{0, tc.n}
			for range max(tc.runs-1, 0) {
				cuts = append(cuts, rng.IntN(tc.n+1))
			}
			slices.Sort(cuts)
			for i := 1; i < len(cuts); i++ {
				run := ps[cuts[i-1]:cuts[i]]
				slices.SortFunc(run, func(a, b Pair) int { return strings.Compare(a.Asset, b.Asset) })
			}
			want := slices.Clone(ps)
			slices.SortFunc(want, func(a, b Pair) int { return strings.Compare(a.Asset, b.Asset) })
			got, spare := sortByAsset(slices.Clone(ps), buf)
			if !slices.Equal(got, want) {
				t.Fatalf("sortByAsset differs from a sort:\n got %v\nwant %v", got, want)
			}
			buf = spare
		})
	}
	t.Run("any order", func(t *testing.T) {
		ps := make([]Pair, 500)
		for i := range ps {
			ps[i] = Pair{Asset: fmt.Sprintf("a%05d", rng.IntN(1_000_000))}
		}
		want := slices.Clone(ps)
		slices.SortStableFunc(want, func(a, b Pair) int { return strings.Compare(a.Asset, b.Asset) })
		if got, _ := sortByAsset(ps, nil); !slices.Equal(got, want) {
			t.Fatal("sortByAsset of a shuffled slice differs from a stable sort")
		}
	})
}
