package importers

import (
	"fmt"
	"io"
	"strings"

	"cpsfgraph/graph"
)

// Rejection is one rejected cell (or a whole sheet or file when Row or
// Column is empty), with the reason in Japanese and English.
type Rejection struct {
	File   string
	Sheet  string
	Row    int    // 1-based sheet row; 0 = not about one row
	Column string // column letter; "" = not about one cell
	Header string // the column's header text
	Value  string
	JA, EN string // reason
}

func (r Rejection) Error() string {
	var b strings.Builder
	b.WriteString("importers: ")
	b.WriteString(r.File)
	if r.Sheet != "" {
		fmt.Fprintf(&b, " sheet %s", r.Sheet)
	}
	if r.Row > 0 {
		fmt.Fprintf(&b, " row %d", r.Row)
	}
	if r.Column != "" {
		fmt.Fprintf(&b, " column %s", r.Column)
		if r.Header != "" {
			fmt.Fprintf(&b, " (%s)", r.Header)
		}
	}
	b.WriteString(": ")
	b.WriteString(r.EN)
	return b.String()
}

// SheetReport says how one sheet was read.
type SheetReport struct {
	Name      string
	Kind      Kind   // "" when skipped
	HeaderRow int    // 1-based first header row
	Rows      int    // data rows read (blank rows not counted)
	Rejected  int    // rows with at least one rejected cell
	Skipped   string // why the sheet was skipped (English), "" when read
	SkippedJA string
	Ignored   []string // header texts of columns that matched no field
}

// FileReport says what happened to one file.
type FileReport struct {
	Path     string
	Source   string // the import source stamped on what it wrote
	Sheets   []SheetReport
	Rows     int
	Rejected int
	Write    graph.WriteReport
	Written  bool
	// Swept tells whether the write removed what the source no longer
	// lists. A partial import of a file with rejected rows does not sweep,
	// so nothing already in the store is lost for a row that failed.
	Swept bool
}

// Report says what an import did.
type Report struct {
	Workspace string
	DryRun    bool
	Partial   bool
	Files     []FileReport
	// Rejections lists every rejected cell; Warnings lists cells read but
	// worth a look (they do not block the import).
	Rejections []Rejection
	Warnings   []Rejection
	// Catalog counts catalog items read, by kind.
	Catalog map[Kind]int
	// Written tells whether anything was written (false for a dry run and
	// for an import blocked by rejections).
	Written bool
	// FormulaVariant is set when a register's リスク値 column used another
	// formula than IPA's; the workspace is flagged with it (a workspace
	// already flagged keeps its flag).
	FormulaVariant string
}

// Totals adds up rows and write counts over the files.
func (r *Report) Totals() (rows, rejected int, c graph.Counts) {
	for _, f := range r.Files {
		rows += f.Rows
		rejected += f.Rejected
		c.Add(f.Write.Total())
	}
	return rows, rejected, c
}

// Err returns the first rejection as an error, or nil.
func (r *Report) Err() error {
	if len(r.Rejections) == 0 {
		return nil
	}
	return r.Rejections[0]
}

// WriteSummary prints the report for a person: lang "ja" or "en".
func (r *Report) WriteSummary(w io.Writer, lang string) error {
	ja := lang == "ja"
	tr := func(j, e string) string {
		if ja {
			return j
		}
		return e
	}
	var b strings.Builder
	for _, f := range r.Files {
		fmt.Fprintf(&b, "%s\n", f.Path)
		for _, s := range f.Sheets {
			if s.Kind == "" {
				fmt.Fprintf(&b, "  %s: %s %s\n", s.Name, tr("スキップ", "skipped"), tr(s.SkippedJA, s.Skipped))
				continue
			}
			kind := string(s.Kind)
			if spec := SpecOf(s.Kind); spec != nil {
				kind = tr(spec.NameJA, spec.NameEN)
			}
			fmt.Fprintf(&b, "  %s: %s (%s %d), %s %d, %s %d\n", s.Name, kind, tr("見出し行", "header row"), s.HeaderRow,
				tr("行", "rows"), s.Rows, tr("却下", "rejected"), s.Rejected)
			if len(s.Ignored) > 0 {
				fmt.Fprintf(&b, "    %s: %s\n", tr("無視した列", "ignored columns"), strings.Join(s.Ignored, ", "))
			}
		}
		if f.Written {
			t := f.Write.Total()
			fmt.Fprintf(&b, "  %s %d, %s %d, %s %d, %s %d\n", tr("作成", "created"), t.Created, tr("更新", "updated"), t.Updated,
				tr("変更なし", "unchanged"), t.Unchanged, tr("削除", "removed"), t.Removed)
			if !f.Swept {
				fmt.Fprintf(&b, "  %s\n", tr("却下行があるため、この版に無い項目の削除は行っていません", "not swept: rows were rejected, so nothing missing from this version was removed"))
			}
		}
	}
	rows, rej, c := r.Totals()
	fmt.Fprintf(&b, "%s: %s %d, %s %d, %s %d, %s %d, %s %d, %s %d\n", tr("合計", "total"),
		tr("読込行", "rows read"), rows, tr("作成", "created"), c.Created, tr("更新", "updated"), c.Updated,
		tr("変更なし", "unchanged"), c.Unchanged, tr("削除", "removed"), c.Removed, tr("却下行", "rejected rows"), rej)
	if r.FormulaVariant != "" {
		fmt.Fprintf(&b, "%s: %s\n", tr("リスク値の算定方式が IPA と異なります (再計算しません)", "risk values follow another formula than IPA's (not rescored)"), r.FormulaVariant)
	}
	switch {
	case r.DryRun:
		b.WriteString(tr("ドライラン: 何も書き込んでいません\n", "dry run: nothing was written\n"))
	case !r.Written && len(r.Rejections) > 0:
		b.WriteString(tr("却下があるため何も書き込んでいません (--partial で有効な行のみ取り込めます)\n",
			"nothing was written because of rejections (--partial imports the valid rows)\n"))
	}
	const maxShown = 20
	for i, x := range r.Rejections {
		if i == maxShown {
			fmt.Fprintf(&b, tr("… ほか %d 件\n", "... and %d more\n"), len(r.Rejections)-maxShown)
			break
		}
		fmt.Fprintf(&b, "  %s\n", x.line(ja))
	}
	for i, x := range r.Warnings {
		if i == maxShown {
			fmt.Fprintf(&b, tr("… 注意 ほか %d 件\n", "... and %d more warnings\n"), len(r.Warnings)-maxShown)
			break
		}
		fmt.Fprintf(&b, "  %s %s\n", tr("注意:", "warning:"), x.line(ja))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r Rejection) line(ja bool) string {
	loc := r.File
	if r.Sheet != "" {
		loc += " [" + r.Sheet + "]"
	}
	if r.Column != "" {
		loc += fmt.Sprintf(" %s%d", r.Column, r.Row)
	} else if r.Row > 0 {
		loc += fmt.Sprintf(" row %d", r.Row)
	}
	if r.Header != "" {
		loc += " (" + r.Header + ")"
	}
	reason := r.EN
	if ja {
		reason = r.JA
	}
	return loc + ": " + reason
}
