package importers

import (
	"slices"
	"strings"
)

// HeaderScanRows is how many rows from the top of a sheet are searched for
// the header row.
const HeaderScanRows = 30

// MaxHeaderColumns is how many columns from the left a header may use;
// columns beyond it are ignored.
const MaxHeaderColumns = 1024

// Header is a recognized header: the sheet's kind, where the header is and
// which column holds which field.
type Header struct {
	Kind Kind
	// Row is the 1-based row number of the first header row; Rows is the
	// number of header rows (2 for a merged two-row header). Data starts at
	// Row+Rows.
	Row, Rows int
	// Names holds each column's header text, flattened ("評価値/機密性") and
	// normalized (NFKC, no spaces or line breaks).
	Names []string
	// Cols maps a field key to its 0-based column.
	Cols map[string]int
	// Missing lists required fields not found (empty when the header is
	// complete).
	Missing []string
	// Ignored lists the 0-based columns whose header matched no field.
	Ignored []int
}

// Complete reports whether every required field was found.
func (h *Header) Complete() bool { return len(h.Missing) == 0 }

// aliasIndex maps normalized header text to a field key, per kind.
type aliasIndex map[Kind]map[string]string

func buildAliasIndex(user map[string]string) aliasIndex {
	idx := aliasIndex{}
	for _, s := range Specs {
		m := map[string]string{}
		for _, fl := range s.Fields {
			for _, a := range fl.Aliases {
				k := key(a)
				if _, dup := m[k]; !dup {
					m[k] = fl.Key
				}
			}
		}
		// User mappings win over built-in aliases; a mapping applies to
		// every kind that has the field.
		for h, fk := range user {
			if s.Field(fk) != nil {
				m[key(h)] = fk
			}
		}
		idx[s.Kind] = m
	}
	return idx
}

var defaultAliases = buildAliasIndex(nil)

// normalizeHeader normalizes one header cell: NFKC, no spaces or line
// breaks (the text kept for reports).
func normalizeHeader(s string) string {
	s = Text(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

// lookup finds the field of a header text for one kind.
func (idx aliasIndex) lookup(kind Kind, name string) (string, bool) {
	return idx.lookupKeys(kind, headerKeys(name))
}

// headerKeys lists the keys a header text is tried under, in order: the
// whole text; the part after the last "/" of a flattened header; for
// "日本語 (English)" as generated workbooks write it, or a note such as
// "機密性(1〜3)", the text before the last bracket, then inside it; the
// text and the part after "/" without any bracketed notes.
func headerKeys(name string) []string {
	var out []string
	add := func(s string) {
		if k := key(s); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	add(name)
	leaf := name
	if i := strings.LastIndex(name, "/"); i >= 0 {
		leaf = name[i+1:]
		add(leaf)
	}
	if before, inside, ok := lastBracket(name); ok {
		add(before)
		add(inside)
	}
	add(stripBrackets(name))
	add(stripBrackets(leaf))
	return out
}

func (idx aliasIndex) lookupKeys(kind Kind, keys []string) (string, bool) {
	m := idx[kind]
	for _, k := range keys {
		if fk, ok := m[k]; ok {
			return fk, true
		}
	}
	return "", false
}

// stripBrackets removes bracketed notes: "機密性(1〜3)" -> "機密性".
func stripBrackets(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[', '【', '〔', '<', '《', '「':
			depth++
		case ')', ']', '】', '〕', '>', '》', '」':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// flatten joins a two-row header: a parent cell spanning several columns
// (merged, so only its first column holds the text) over sub-headers gives
// "parent/sub"; a cell with nothing below it stays as it is.
func flatten(top, sub []string) []string {
	n := max(len(top), len(sub))
	out := make([]string, n)
	parent := ""
	for c := range n {
		t, s := at(top, c), at(sub, c)
		switch {
		case t != "" && s != "":
			parent = t
			out[c] = t + "/" + s
		case t != "":
			parent = ""
			out[c] = t
		case s != "":
			if parent != "" {
				out[c] = parent + "/" + s
			} else {
				out[c] = s
			}
		default:
			parent = ""
		}
	}
	return out
}

func at(row []string, c int) string {
	if c < len(row) {
		return row[c]
	}
	return ""
}

// match maps the names of one candidate header row (with their keys) to
// the fields of a kind.
func (idx aliasIndex) match(s *Spec, names []string, keys [][]string) (cols map[string]int, ignored []int, missing []string) {
	cols = map[string]int{}
	for c, n := range names {
		if n == "" {
			continue
		}
		fk, ok := idx.lookupKeys(s.Kind, keys[c])
		if !ok {
			ignored = append(ignored, c)
			continue
		}
		if _, dup := cols[fk]; dup {
			ignored = append(ignored, c)
			continue
		}
		cols[fk] = c
	}
	for _, fl := range s.Fields {
		if _, ok := cols[fl.Key]; fl.Required && !ok {
			missing = append(missing, fl.Key)
		}
	}
	return cols, ignored, missing
}

// better orders candidate headers: complete before incomplete, then more
// matched columns, then fewer missing, then one header row before two, then
// higher up.
func better(a, b *Header) bool {
	if b == nil {
		return true
	}
	if a.Complete() != b.Complete() {
		return a.Complete()
	}
	if len(a.Cols) != len(b.Cols) {
		return len(a.Cols) > len(b.Cols)
	}
	if len(a.Missing) != len(b.Missing) {
		return len(a.Missing) < len(b.Missing)
	}
	if a.Rows != b.Rows {
		return a.Rows < b.Rows
	}
	return a.Row < b.Row
}

// DetectHeader finds the header among the first rows of a sheet (rows[i] is
// sheet row i+1). It tries every row, alone and flattened with the row below
// it, against every kind, and returns the best candidate. ok is false when no
// candidate matches at least two columns. A returned header may be incomplete (Missing not empty): the sheet
// then looks like that kind but lacks required columns.
func DetectHeader(rows [][]string) (Header, bool) { return defaultAliases.detect(rows) }

func (idx aliasIndex) detect(rows [][]string) (Header, bool) {
	var best *Header
	n := min(len(rows), HeaderScanRows)
	norm := make([][]string, n+1)
	for r := range n {
		norm[r] = make([]string, len(rows[r]))
		for c, v := range rows[r] {
			norm[r][c] = normalizeHeader(v)
		}
	}
	if n < len(rows) {
		norm[n] = make([]string, len(rows[n]))
		for c, v := range rows[n] {
			norm[n][c] = normalizeHeader(v)
		}
	}
	for r := range n {
		if empty(norm[r]) {
			continue
		}
		cands := [][]string{norm[r]}
		if r+1 < len(norm) && !empty(norm[r+1]) {
			cands = append(cands, flatten(norm[r], norm[r+1]))
		}
		for i, names := range cands {
			if len(names) > MaxHeaderColumns {
				names = names[:MaxHeaderColumns]
			}
			keys := make([][]string, len(names))
			for c, n := range names {
				if n != "" {
					keys[c] = headerKeys(n)
				}
			}
			for _, s := range Specs {
				cols, ignored, missing := idx.match(s, names, keys)
				if len(cols) == 0 {
					continue
				}
				h := &Header{Kind: s.Kind, Row: r + 1, Rows: i + 1, Names: names, Cols: cols, Missing: missing, Ignored: ignored}
				if len(cols) < 2 {
					continue
				}
				if better(h, best) {
					best = h
				}
			}
		}
	}
	if best == nil {
		return Header{}, false
	}
	return *best, true
}

func empty(row []string) bool {
	for _, v := range row {
		if v != "" {
			return false
		}
	}
	return true
}

// lastBracket splits "名称(英)(name(en))" into "名称(英)" and "name(en)": the
// text before the last top-level bracket group that ends the string, and
// the group's content.
func lastBracket(s string) (before, inside string, ok bool) {
	r := []rune(s)
	if len(r) == 0 || !strings.ContainsRune(")]】〕>》」", r[len(r)-1]) {
		return "", "", false
	}
	depth := 0
	for i := len(r) - 1; i >= 0; i-- {
		switch {
		case strings.ContainsRune(")]】〕>》」", r[i]):
			depth++
		case strings.ContainsRune("([【〔<《「", r[i]):
			depth--
			if depth == 0 {
				return string(r[:i]), string(r[i+1 : len(r)-1]), i > 0
			}
		}
	}
	return "", "", false
}
