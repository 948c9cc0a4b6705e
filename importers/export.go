package importers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/graph"
)

// Sheet is one sheet for WriteWorkbook: a title row, the header of its
// kind (each column "日本語 (English)", which the importer reads back) and
// the rows, one cell per field of the kind in Spec order.
type Sheet struct {
	Name  string // at most 31 characters
	Title string // written in A1 above the header; "" = none
	Kind  Kind
	Rows  [][]string
}

// WriteWorkbook writes sheets to an .xlsx file. A sheet of KindRegister
// is written in the IPA register layout: a merged two-row header
// (個人情報の種類 and 評価値 over their sub-columns) with cpsfgraph's
// extension columns at the right.
func WriteWorkbook(path string, sheets ...Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return fmt.Errorf("importers: %s: %w", path, err)
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return fmt.Errorf("importers: %s: sheet %s: %w", path, s.Name, err)
		}
		if err := writeSheet(f, s); err != nil {
			return fmt.Errorf("importers: %s: sheet %s: %w", path, s.Name, err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("importers: %s: %w", path, err)
	}
	return nil
}

// HeaderText is the header a generated workbook writes for a field.
func HeaderText(fl Field) string {
	if fl.JA == fl.EN {
		return fl.JA
	}
	return fl.JA + " (" + fl.EN + ")"
}

func writeSheet(f *excelize.File, s Sheet) error {
	spec := SpecOf(s.Kind)
	if spec == nil {
		return fmt.Errorf("unknown kind %q", s.Kind)
	}
	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"}, Border: border()})
	if err != nil {
		return err
	}
	titleStyle, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	row := 1
	headRows := 1
	if s.Kind == KindRegister {
		headRows = 2
	}
	for c := range spec.Fields {
		w := 18.0
		if fk := spec.Fields[c].Key; strings.Contains(fk, "title") || strings.Contains(fk, "summary") || strings.Contains(fk, "threat_") || strings.Contains(fk, "vulnerab") || fk == "rationale" || fk == "description" || fk == "source" || fk == "verification" {
			w = 40
		}
		if err := sw.SetColWidth(c+1, c+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headRows + boolInt(s.Title != ""), TopLeftCell: cellName(1, headRows+boolInt(s.Title != "")+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if s.Title != "" {
		if err := sw.SetRow("A1", []any{excelize.Cell{Value: s.Title, StyleID: titleStyle}}); err != nil {
			return err
		}
		row++
	}
	if s.Kind == KindRegister {
		top, sub := registerHeader(spec)
		h1, h2 := make([]any, len(top)), make([]any, len(sub))
		for i := range top {
			h1[i] = excelize.Cell{Value: top[i], StyleID: bold}
			h2[i] = excelize.Cell{Value: sub[i], StyleID: bold}
		}
		if err := sw.SetRow(cellName(1, row), h1); err != nil {
			return err
		}
		if err := sw.SetRow(cellName(1, row+1), h2); err != nil {
			return err
		}
		for i := 0; i < len(top); i++ {
			switch {
			case top[i] != "" && sub[i] == "":
				if err := sw.MergeCell(cellName(i+1, row), cellName(i+1, row+1)); err != nil {
					return err
				}
			case top[i] != "":
				j := i + 1
				for j < len(top) && top[j] == "" && sub[j] != "" {
					j++
				}
				if err := sw.MergeCell(cellName(i+1, row), cellName(j, row)); err != nil {
					return err
				}
			}
		}
		row += 2
	} else {
		head := make([]any, len(spec.Fields))
		for i, fl := range spec.Fields {
			head[i] = excelize.Cell{Value: HeaderText(fl), StyleID: bold}
		}
		if err := sw.SetRow(cellName(1, row), head); err != nil {
			return err
		}
		row++
	}
	for _, r := range s.Rows {
		cells := make([]any, len(r))
		for i, v := range r {
			cells[i] = v
		}
		if err := sw.SetRow(cellName(1, row), cells); err != nil {
			return err
		}
		row++
	}
	return sw.Flush()
}

func border() []excelize.Border {
	var b []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		b = append(b, excelize.Border{Type: side, Color: "9BC2E6", Style: 1})
	}
	return b
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// registerHeader splits the register's headers into the IPA two-row form:
// "個人情報の種類/個人情報" -> parent over sub.
func registerHeader(spec *Spec) (top, sub []string) {
	prev := ""
	for _, fl := range spec.Fields {
		parent, child, ok := strings.Cut(fl.JA, "/")
		switch {
		case !ok:
			top, sub = append(top, fl.JA), append(sub, "")
			prev = ""
		case parent == prev:
			top, sub = append(top, ""), append(sub, child)
		default:
			top, sub = append(top, parent), append(sub, child)
			prev = parent
		}
	}
	return top, sub
}

func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func layerList(ls []graph.LayerID) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	return strings.Join(s, ",")
}

// row lays out values by field key in the kind's column order.
func row(k Kind, vals map[string]string) []string {
	spec := SpecOf(k)
	out := make([]string, len(spec.Fields))
	for i, fl := range spec.Fields {
		out[i] = vals[fl.Key]
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func prov(m map[string]string, p graph.Provenance) map[string]string {
	m["source"], m["verification"] = p.Source, p.Verification
	return m
}

// CatalogSheets turns a catalog into sheets, one per kind that has items
// (sheet names in Japanese and English).
func CatalogSheets(c *graph.Catalog, title string) []Sheet {
	var out []Sheet
	add := func(k Kind, rows [][]string) {
		if len(rows) == 0 {
			return
		}
		spec := SpecOf(k)
		out = append(out, Sheet{Name: spec.NameJA + " " + spec.NameEN, Title: title, Kind: k, Rows: rows})
	}
	var rows [][]string
	for _, x := range c.Layers {
		rows = append(rows, row(KindLayers, prov(map[string]string{"layer_id": string(x.ID), "name_en": x.NameEN, "name_ja": x.NameJA, "trust_focus": x.TrustFocus}, x.Provenance)))
	}
	add(KindLayers, rows)
	rows = nil
	for _, x := range c.Components {
		rows = append(rows, row(KindComponents, prov(map[string]string{"component_code": string(x.Code), "name_en": x.NameEN, "name_ja": x.NameJA, "description": x.Description}, x.Provenance)))
	}
	add(KindComponents, rows)
	rows = nil
	for _, x := range c.Incidents {
		rows = append(rows, row(KindIncidents, prov(map[string]string{"incident_id": x.ID, "layer": string(x.Layer), "summary_en": x.SummaryEN, "summary_ja": x.SummaryJA}, x.Provenance)))
	}
	add(KindIncidents, rows)
	rows = nil
	for _, x := range c.RiskSources {
		rows = append(rows, row(KindRiskSources, prov(map[string]string{"risk_source_id": x.ID, "layer": string(x.Layer), "component": string(x.Component), "incident": x.Incident,
			"threat_en": x.ThreatEN, "threat_ja": x.ThreatJA, "vulnerability_en": x.VulnerabilityEN, "vulnerability_ja": x.VulnerabilityJA}, x.Provenance)))
	}
	add(KindRiskSources, rows)
	rows = nil
	for _, x := range c.Requirements {
		rows = append(rows, row(KindRequirements, prov(map[string]string{"requirement_id": x.ID, "category": x.Category, "function": x.Function, "summary_en": x.SummaryEN, "summary_ja": x.SummaryJA}, x.Provenance)))
	}
	add(KindRequirements, rows)
	rows = nil
	for _, x := range c.Frameworks {
		rows = append(rows, row(KindFrameworks, prov(map[string]string{"framework_id": x.ID, "name_en": x.NameEN, "name_ja": x.NameJA, "version": x.Version}, x.Provenance)))
	}
	add(KindFrameworks, rows)
	rows = nil
	for _, x := range c.Controls {
		rows = append(rows, row(KindControls, prov(map[string]string{"framework": x.Framework, "control_id": x.ID, "title_en": x.TitleEN, "title_ja": x.TitleJA, "level": x.Level, "function": x.Function}, x.Provenance)))
	}
	add(KindControls, rows)
	rows = nil
	for _, x := range c.Threats {
		rows = append(rows, row(KindThreats, prov(map[string]string{"threat_id": x.ID, "name_en": x.NameEN, "name_ja": x.NameJA, "actor": x.Actor, "level": itoa0(x.Level)}, x.Provenance)))
	}
	add(KindThreats, rows)
	rows = nil
	for _, x := range c.Mappings {
		rows = append(rows, row(KindMappings, prov(map[string]string{"mapping_type": string(x.Type), "map_from": x.From, "map_to": x.To, "relation": x.Relation, "rationale": x.Rationale}, x.Provenance)))
	}
	add(KindMappings, rows)
	return out
}

// Japanese words the company sheets are written with (the importer reads
// the English codes too).
var (
	componentJA = map[graph.Component]string{graph.Organization: "ソシキ", graph.People: "ヒト", graph.Things: "モノ", graph.Data: "データ", graph.Procedures: "プロシージャ", graph.Systems: "システム"}
	roleJA      = map[graph.OrgRole]string{graph.RoleSelf: "自社", graph.RoleSupplier: "委託先", graph.RoleCustomer: "顧客", graph.RoleOther: "その他"}
	statusJA    = map[graph.Status]string{graph.StatusImplemented: "実施済", graph.StatusPartial: "一部実施", graph.StatusPlanned: "予定", graph.StatusNone: "未実施"}
)

// CompanySheets turns a company graph into sheets: organizations (with
// SUPPLIES as 供給先), data assets in the IPA register layout (with their
// STORED_ON targets in the 保存先資産ID extension column), other assets in
// the generic layout (SUPPLIED_BY as 提供元), the remaining relationships
// and the control statuses. Empty sheets are left out.
func CompanySheets(b graph.Batch) (orgs, register, assets, rels, statuses Sheet) {
	orgs = Sheet{Name: "取引先 Organizations", Kind: KindOrganizations}
	register = Sheet{Name: "情報資産管理台帳", Title: "情報資産管理台帳", Kind: KindRegister}
	assets = Sheet{Name: "機器・人・手順 Assets", Kind: KindAssets}
	rels = Sheet{Name: "関係 Relationships", Kind: KindRelationships}
	statuses = Sheet{Name: "対策状況 Control status", Kind: KindStatuses}
	supplies := map[string][]string{}
	storedOn := map[string][]string{}
	suppliedBy := map[string][]string{}
	isData := map[string]bool{}
	for _, a := range b.Assets {
		isData[a.ID] = a.Component == graph.Data
	}
	for _, e := range b.Edges {
		switch {
		case e.Type == graph.RelSupplies:
			supplies[e.From] = append(supplies[e.From], e.To)
		case e.Type == graph.RelStoredOn && isData[e.From]:
			storedOn[e.From] = append(storedOn[e.From], e.To)
		case e.Type == graph.RelSuppliedBy && !isData[e.From]:
			suppliedBy[e.From] = append(suppliedBy[e.From], e.To)
		default:
			rels.Rows = append(rels.Rows, row(KindRelationships, map[string]string{"from": e.From, "type": string(e.Type), "to": e.To}))
		}
	}
	for _, o := range b.Orgs {
		orgs.Rows = append(orgs.Rows, row(KindOrganizations, map[string]string{"id": o.ID, "name": o.Name, "role": roleJA[o.Role], "size": o.Size, "supplies": strings.Join(supplies[o.ID], ", ")}))
	}
	for _, a := range b.Assets {
		if a.Component == graph.Data {
			flag := func(kind string) string {
				if slices.Contains(a.PersonalInfo, kind) {
					return "○"
				}
				return ""
			}
			register.Rows = append(register.Rows, row(KindRegister, map[string]string{"category": a.Category, "name": a.Name, "media": a.Media,
				"personal": flag(PersonalInfo), "sensitive": flag(SensitiveInfo), "mynumber": flag(MyNumberInfo),
				"confidentiality": itoa0(a.C), "integrity": itoa0(a.I), "availability": itoa0(a.A), "importance": itoa0(a.Importance),
				"id": a.ID, "layers": layerList(a.Layers), "stored_on": strings.Join(storedOn[a.ID], ", ")}))
			continue
		}
		assets.Rows = append(assets.Rows, row(KindAssets, map[string]string{"id": a.ID, "name": a.Name, "component": componentJA[a.Component], "layers": layerList(a.Layers),
			"confidentiality": itoa0(a.C), "integrity": itoa0(a.I), "availability": itoa0(a.A), "importance": itoa0(a.Importance),
			"category": a.Category, "media": a.Media, "owner": a.Owner, "personal_info": strings.Join(a.PersonalInfo, ", "),
			"exposure": strings.Join(a.Exposure, ", "), "supplier": strings.Join(suppliedBy[a.ID], ", ")}))
	}
	for _, s := range b.Statuses {
		statuses.Rows = append(statuses.Rows, row(KindStatuses, map[string]string{"subject": s.Subject, "framework": s.Control.Framework, "control": s.Control.ID, "status": statusJA[s.Status], "note": s.Note}))
	}
	return orgs, register, assets, rels, statuses
}

// WriteTemplate writes the catalog template: a sheet explaining every
// column of every catalog kind in Japanese and English, then one empty
// sheet per kind with its header, ready for a user who holds the official
// CPSF tables (assumed incidents, Appendix B risk sources and
// requirements) to fill in and import.
func WriteTemplate(path string) error {
	doc := [][]any{
		{"cpsfgraph カタログ テンプレート / catalog template"},
		{"公式の CPSF の表 (想定インシデント、添付B のリスク源と対策要件) をお持ちの方は、各シートに行を加えて `cpsfgraph import` で取り込めます。シートの順序や名前は自由で、見出し行で種類を判別します。"},
		{"If you hold the official CPSF tables (assumed incidents, Appendix B risk sources and requirements), add rows to the sheets and import the workbook with `cpsfgraph import`. Sheet order and names are free: each sheet is recognized by its header row."},
		{"ID は公式文書のとおりに書き、出典 (source) に文書名、検証状況 (verification) に照合状況を書いてください。本プロジェクト独自の判断は出典を cpsfgraph とします。"},
		{"Write IDs exactly as the official document does; put the document in source and how far you checked it in verification. This project's own judgement uses the source cpsfgraph."},
		nil,
		{"シート sheet", "列 column", "必須 required", "説明", "description"},
	}
	var sheets []Sheet
	for _, spec := range Specs {
		if !spec.Kind.Catalog() {
			continue
		}
		for _, fl := range spec.Fields {
			req := ""
			if fl.Required {
				req = "必須 required"
			}
			doc = append(doc, []any{spec.NameJA + " " + spec.NameEN, HeaderText(fl), req, fl.DescJA, fl.DescEN})
		}
		sheets = append(sheets, Sheet{Name: spec.NameJA + " " + spec.NameEN, Kind: spec.Kind})
	}
	f := excelize.NewFile()
	defer f.Close()
	const about = "説明 About"
	if err := f.SetSheetName("Sheet1", about); err != nil {
		return err
	}
	for i, r := range doc {
		if r == nil {
			continue
		}
		if err := f.SetSheetRow(about, cellName(1, i+1), &r); err != nil {
			return fmt.Errorf("importers: template: %w", err)
		}
	}
	for c, w := range []float64{28, 30, 14, 60, 60} {
		if err := f.SetColWidth(about, cellName(c+1, 1)[:1], cellName(c+1, 1)[:1], w); err != nil {
			return err
		}
	}
	for _, s := range sheets {
		if _, err := f.NewSheet(s.Name); err != nil {
			return err
		}
		if err := writeSheet(f, s); err != nil {
			return fmt.Errorf("importers: template sheet %s: %w", s.Name, err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("importers: %s: %w", path, err)
	}
	return nil
}
