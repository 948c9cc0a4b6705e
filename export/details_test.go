package export

import (
	"context"
	"reflect"
	"testing"
	"time"

	"cpsfgraph/graph"
)

// TestDetailsKeepTheTopRows: a report that details only its first n pairs
// lists the same pairs in the same order, and its first n rows are exactly
// those of a fully detailed report.
func TestDetailsKeepTheTopRows(t *testing.T) {
	st := demoStore(t)
	ctx := context.Background()
	day := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	full, err := Build(ctx, graph.NewAnalyzer(st), "demo", Options{Date: day})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, DetailsFor(PDF, 0), 57, len(full.Pairs) + 10} {
		part, err := Build(ctx, graph.NewAnalyzer(st), "demo", Options{Date: day, Details: n})
		if err != nil {
			t.Fatal(err)
		}
		if len(part.Pairs) != len(full.Pairs) {
			t.Fatalf("details %d: %d pairs, want %d", n, len(part.Pairs), len(full.Pairs))
		}
		for i := range full.Pairs {
			f, p := full.Pairs[i], part.Pairs[i]
			if i < n {
				if !reflect.DeepEqual(f, p) {
					t.Fatalf("details %d: row %d = %+v, want %+v", n, i, p, f)
				}
				continue
			}
			if f.Threat != p.Threat || f.Asset != p.Asset || f.Score != p.Score || f.Hops != p.Hops || p.Path != nil {
				t.Fatalf("details %d: row %d = %+v, want %s/%s without a path", n, i, p, f.Threat, f.Asset)
			}
		}
		if !reflect.DeepEqual(part.IPA, full.IPA) || !reflect.DeepEqual(part.CPSF, full.CPSF) || part.TotalRisk != full.TotalRisk {
			t.Errorf("details %d: heat-maps or total risk differ", n)
		}
	}
	if DetailsFor(XLSX, 0) != DefaultMaxPairRows || DetailsFor(XLSX, 7) != 7 || DetailsFor(SVG, 0) != 10 {
		t.Error("DetailsFor")
	}
}
