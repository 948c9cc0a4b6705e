package importers

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"cpsfgraph/graph"
)

// FuzzDetectHeader feeds header detection with sheets written as text:
// rows split on "\n", cells on "\t". The committed corpus is in
// testdata/fuzz/FuzzDetectHeader.
func FuzzDetectHeader(f *testing.F) {
	f.Add("情報資産管理台帳\n\n業務分類\t情報資産名称\t媒体・保存先\t評価値\t\t\n\t\t\t機密性\t完全性\t可用性\n人事\t名簿\t書類\t3\t2\t1")
	f.Add("Asset ID\tAsset Name\tComponent\tLayers\nA1\tServer\tsystems\tL3")
	f.Add("対象ID\t管理策\t状況")
	f.Fuzz(func(t *testing.T, text string) {
		var rows [][]string
		for _, line := range strings.Split(text, "\n") {
			rows = append(rows, strings.Split(line, "\t"))
		}
		h, ok := DetectHeader(rows)
		if !ok {
			return
		}
		spec := SpecOf(h.Kind)
		if spec == nil {
			t.Fatalf("unknown kind %q", h.Kind)
		}
		if h.Row < 1 || h.Row > HeaderScanRows || h.Rows < 1 || h.Rows > 2 || h.Row+h.Rows-1 > len(rows) {
			t.Fatalf("header at row %d (%d rows) of %d", h.Row, h.Rows, len(rows))
		}
		seen := map[int]bool{}
		for fk, c := range h.Cols {
			if spec.Field(fk) == nil || c < 0 || c >= len(h.Names) || h.Names[c] == "" || seen[c] {
				t.Fatalf("field %s at column %d of %q", fk, c, h.Names)
			}
			seen[c] = true
		}
		for _, fk := range h.Missing {
			if fl := spec.Field(fk); fl == nil || !fl.Required {
				t.Fatalf("missing %q is not a required field", fk)
			}
			if _, found := h.Cols[fk]; found {
				t.Fatalf("field %s both found and missing", fk)
			}
		}
		if len(h.Cols) < 2 {
			t.Fatalf("accepted a header with %d columns", len(h.Cols))
		}
		if again, _ := DetectHeader(rows); again.Kind != h.Kind || again.Row != h.Row || again.Rows != h.Rows {
			t.Fatal("detection is not deterministic")
		}
	})
}

// FuzzNormalize checks the value parsers' invariants on any text. The
// committed corpus is in testdata/fuzz/FuzzNormalize.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"３", "高", "○", "2024/4/1", "令和6年4月1日", "第1層、L3", "ソシキ", "一部実施", "=1+1", "\x00", "45383"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tx := Text(s); Text(tx) != tx {
			t.Fatalf("Text is not idempotent on %q", s)
		}
		if k := key(s); key(k) != k {
			t.Fatalf("key is not idempotent on %q", s)
		}
		if v, err := ParseLevel(s); err == nil {
			if v < 0 || v > 3 {
				t.Fatalf("ParseLevel(%q) = %d", s, v)
			}
			if v > 0 {
				if back, err := ParseLevel(strconv.Itoa(v)); err != nil || back != v {
					t.Fatalf("level %d does not round-trip", v)
				}
			}
		}
		ParseFlag(s)
		if d, err := ParseDate(s); err == nil && strings.TrimSpace(s) != "" && d.IsZero() {
			t.Fatalf("ParseDate(%q) gave the zero time without error", s)
		}
		if ls, err := ParseLayers(s); err == nil {
			if !slices.IsSorted(ls) || len(slices.Compact(slices.Clone(ls))) != len(ls) {
				t.Fatalf("ParseLayers(%q) = %v: not sorted and unique", s, ls)
			}
			for _, l := range ls {
				if !graph.ValidLayer(l) {
					t.Fatalf("ParseLayers(%q) gave %q", s, l)
				}
			}
		}
		if c, err := ParseComponent(s); err == nil && !graph.ValidComponent(c) {
			t.Fatalf("ParseComponent(%q) = %q", s, c)
		}
		if st, err := ParseStatus(s); err == nil && !graph.ValidStatus(st) {
			t.Fatalf("ParseStatus(%q) = %q", s, st)
		}
		if e := Escape(s); e != "" && strings.ContainsRune("=+-@", []rune(e)[0]) {
			t.Fatalf("Escape(%q) = %q still starts like a formula", s, e)
		}
		for _, p := range splitList(s, true) {
			if p == "" || strings.TrimSpace(p) != p {
				t.Fatalf("splitList(%q) gave %q", s, p)
			}
		}
	})
}
