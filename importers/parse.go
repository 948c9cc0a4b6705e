package importers

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"cpsfgraph/graph"
)

// pos is where an item was read: a sheet (index into fileData.sheets) and
// a 1-based row. Positions hold no pointers, so the garbage collector does
// not scan them in a large import.
type pos struct {
	sheet int32
	row   int32
}

// cellAt names one cell of a sheet for a rejection.
type cellAt struct {
	pos
	col int32 // 0-based; -1 = none
}

// item is a parsed value with where it was read and which cells hold its
// references (for reference errors found later).
type item[T any] struct {
	v        T
	p        pos
	from, to cellAt // referencing cells (edges, statuses, owners, mappings)
	key      cellAt // the cell holding the item's ID (nodes)
	derived  bool   // made by the importer (register media), not a row
}

// fileData is everything read from one workbook.
type fileData struct {
	path, base string
	rep        *FileReport

	layers       []item[graph.LayerInfo]
	components   []item[graph.ComponentInfo]
	incidents    []item[graph.Incident]
	riskSources  []item[graph.RiskSource]
	requirements []item[graph.Requirement]
	frameworks   []item[graph.Framework]
	controls     []item[graph.Control]
	threats      []item[graph.Threat]
	mappings     []item[graph.Mapping]

	orgs     list[item[graph.Org]]
	assets   list[item[graph.Asset]]
	edges    list[item[graph.Edge]]
	statuses list[item[graph.ControlStatus]]

	// register: assets without an explicit owner get the workspace's own
	// organization (index into assets).
	selfOwned []int
	rejs      []Rejection
	warns     []Rejection

	sheets    []string                  // recognized sheets, indexed by pos.sheet
	headers   [][]string                // their header names by column
	seen      map[string]map[string]pos // id space -> id -> where first read
	regIndex  map[string]int            // register asset ID -> index in assets
	derivedID map[string]bool           // derived node IDs already made
	risk      riskCheck
}

func newFileData(path string) *fileData {
	base := filepath.Base(path)
	return &fileData{path: path, base: base, rep: &FileReport{Path: path, Source: base},
		seen: map[string]map[string]pos{}, regIndex: map[string]int{}, derivedID: map[string]bool{}}
}

// riskCheck notes register rows whose リスク値 does not follow IPA's method.
type riskCheck struct {
	checked, other int
	first          *Rejection
}

// sheetReader parses the rows of one recognized sheet.
type sheetReader struct {
	d     *fileData
	sheet int32 // index into d.sheets
	h     *Header
	spec  *Spec
	rep   *SheetReport
	media *mediaTable
}

// rowCtx is one row being parsed.
type rowCtx struct {
	*sheetReader
	n     int
	cells []string
	bad   bool
}

func colName(c int) string {
	s, _ := excelize.ColumnNumberToName(c + 1)
	return s
}

func (r *rowCtx) cell(fk string) cellAt {
	c, ok := r.h.Cols[fk]
	if !ok {
		return cellAt{pos: pos{r.sheet, int32(r.n)}, col: -1}
	}
	return cellAt{pos: pos{r.sheet, int32(r.n)}, col: int32(c)}
}

func (d *fileData) reject(at cellAt, value string, e *cellError) {
	d.rejs = append(d.rejs, d.rejection(at, value, e))
}

func (d *fileData) warn(at cellAt, value string, e *cellError) {
	d.warns = append(d.warns, d.rejection(at, value, e))
}

func (d *fileData) rejection(at cellAt, value string, e *cellError) Rejection {
	x := Rejection{File: d.base, Sheet: d.sheets[at.sheet], Row: int(at.row), Value: clip(value), JA: e.JA, EN: e.EN}
	if at.col >= 0 {
		x.Column = colName(int(at.col))
		if h := d.headers[at.sheet]; int(at.col) < len(h) {
			x.Header = h[at.col]
		}
	}
	return x
}

// clip shortens a value for a report.
func clip(s string) string {
	const max = 200
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

func (r *rowCtx) fail(fk, value string, e *cellError) {
	r.bad = true
	r.d.reject(r.cell(fk), value, e)
}

// freeText lists the fields kept as written (trimmed, without NFKC).
var freeText = map[string]bool{
	"name": true, "name_en": true, "name_ja": true, "title_en": true, "title_ja": true, "summary_en": true, "summary_ja": true,
	"description": true, "trust_focus": true, "threat_en": true, "threat_ja": true, "vulnerability_en": true, "vulnerability_ja": true,
	"rationale": true, "source": true, "verification": true, "note": true, "size": true, "users": true, "department": true,
	"retention": true, "category": true, "version": true, "level": false, "function": true, "actor": true,
}

const (
	maxIDLen   = 256
	maxTextLen = 4000
)

// raw returns the cell of a field as written (or "" when the column is
// absent).
func (r *rowCtx) raw(fk string) string {
	c, ok := r.h.Cols[fk]
	if !ok || c >= len(r.cells) {
		return ""
	}
	return r.cells[c]
}

// text returns the normalized cell of a field, rejecting error cells and
// over-long values.
func (r *rowCtx) text(fk string) string {
	v := r.raw(fk)
	if v == "" {
		return ""
	}
	t := Text(v)
	if freeText[fk] {
		// Free text keeps its characters (NFKC would turn ！ into !); only
		// the surrounding spaces go.
		t = strings.TrimSpace(v)
	}
	if isErrorValue(t) {
		r.fail(fk, v, errf("エラー値 %s のセルです (数式を確認してください)", "error cell %s (check the formula)", t))
		return ""
	}
	limit := maxTextLen
	if fk == "note" {
		limit = excelize.TotalCellChars
	}
	if utf8.RuneCountInString(t) > limit {
		r.fail(fk, v, errf("%d 文字を超えています (%d 文字)", "longer than %d characters (%d)", limit, utf8.RuneCountInString(t)))
		return ""
	}
	return t
}

// required returns the text of a field that must not be empty.
func (r *rowCtx) required(fk string) string {
	t := r.text(fk)
	if t == "" && !r.bad {
		fl := r.spec.Field(fk)
		r.fail(fk, "", &cellError{JA: "必須の " + fl.JA + " が空です", EN: "required " + fl.EN + " is empty"})
	}
	return t
}

// id returns an ID field: required, at most maxIDLen characters, no control
// characters or line breaks.
func (r *rowCtx) id(fk string) string {
	t := r.required(fk)
	if t == "" {
		return ""
	}
	if utf8.RuneCountInString(t) > maxIDLen {
		r.fail(fk, t, errf("ID が %d 文字を超えています", "ID longer than %d characters", maxIDLen))
		return ""
	}
	if strings.IndexFunc(t, unicode.IsControl) >= 0 {
		r.fail(fk, t, errf("ID に改行や制御文字が含まれています", "ID contains a line break or control character"))
		return ""
	}
	return t
}

func (r *rowCtx) level(fk string) int {
	t := r.text(fk)
	v, err := ParseLevel(t)
	if err != nil {
		r.fail(fk, r.raw(fk), err.(*cellError))
	}
	return v
}

func (r *rowCtx) flag(fk string) bool {
	t := r.text(fk)
	v, err := ParseFlag(t)
	if err != nil {
		r.fail(fk, r.raw(fk), err.(*cellError))
	}
	return v
}

func (r *rowCtx) layer(fk string) graph.LayerID {
	t := r.required(fk)
	if t == "" {
		return ""
	}
	l, err := ParseLayer(t)
	if err != nil {
		r.fail(fk, t, err.(*cellError))
	}
	return l
}

func (r *rowCtx) component(fk string) graph.Component {
	t := r.required(fk)
	if t == "" {
		return ""
	}
	c, err := ParseComponent(t)
	if err != nil {
		r.fail(fk, t, err.(*cellError))
	}
	return c
}

func (r *rowCtx) prov() graph.Provenance {
	return graph.Provenance{Source: r.text("source"), Verification: r.text("verification")}
}

// unique records an ID in an ID space and rejects a repeat.
func (r *rowCtx) unique(space, fk, id string) bool {
	if id == "" || r.bad {
		return false
	}
	m := r.d.seen[space]
	if m == nil {
		m = map[string]pos{}
		r.d.seen[space] = m
	}
	if p, dup := m[id]; dup {
		r.fail(fk, id, errf("ID %q が重複しています (シート %s の %d 行目と同じ)", "duplicate ID %q (already on sheet %s row %d)", id, r.d.sheets[p.sheet], p.row))
		return false
	}
	m[id] = pos{r.sheet, int32(r.n)}
	return true
}

var requirementID = regexp.MustCompile(`^CPS\.[A-Z]{2}-[0-9]+$`)

// parseRow dispatches a row to its kind's reader.
func (r *rowCtx) parse() {
	p := pos{r.sheet, int32(r.n)}
	d := r.d
	switch r.spec.Kind {
	case KindLayers:
		v := graph.LayerInfo{ID: r.layer("layer_id"), NameEN: r.text("name_en"), NameJA: r.text("name_ja"), TrustFocus: r.text("trust_focus"), Provenance: r.prov()}
		if r.unique("layer", "layer_id", string(v.ID)) {
			d.layers = append(d.layers, item[graph.LayerInfo]{v: v, p: p})
		}
	case KindComponents:
		v := graph.ComponentInfo{Code: r.component("component_code"), NameEN: r.text("name_en"), NameJA: r.text("name_ja"), Description: r.text("description"), Provenance: r.prov()}
		if r.unique("component", "component_code", string(v.Code)) {
			d.components = append(d.components, item[graph.ComponentInfo]{v: v, p: p})
		}
	case KindIncidents:
		v := graph.Incident{ID: r.id("incident_id"), Layer: r.layer("layer"), SummaryEN: r.text("summary_en"), SummaryJA: r.text("summary_ja"), Provenance: r.prov()}
		if r.unique("incident", "incident_id", v.ID) {
			d.incidents = append(d.incidents, item[graph.Incident]{v: v, p: p})
		}
	case KindRiskSources:
		v := graph.RiskSource{ID: r.id("risk_source_id"), Layer: r.layer("layer"), Component: r.component("component"), Incident: r.text("incident"),
			ThreatEN: r.text("threat_en"), ThreatJA: r.text("threat_ja"), VulnerabilityEN: r.text("vulnerability_en"), VulnerabilityJA: r.text("vulnerability_ja"), Provenance: r.prov()}
		if r.unique("risk_source", "risk_source_id", v.ID) {
			d.riskSources = append(d.riskSources, item[graph.RiskSource]{v: v, p: p, to: r.cell("incident")})
		}
	case KindRequirements:
		v := graph.Requirement{ID: r.id("requirement_id"), Category: r.text("category"), Function: r.text("function"), SummaryEN: r.text("summary_en"), SummaryJA: r.text("summary_ja"), Provenance: r.prov()}
		if v.ID != "" && !requirementID.MatchString(v.ID) {
			r.fail("requirement_id", v.ID, errf("%q は CPSF 対策要件 ID の形式 (CPS.XX-n) ではありません", "%q is not a CPSF requirement ID (CPS.XX-n)", v.ID))
		}
		if v.Category == "" && len(v.ID) > 6 {
			v.Category = v.ID[4:6]
		}
		if r.unique("requirement", "requirement_id", v.ID) {
			d.requirements = append(d.requirements, item[graph.Requirement]{v: v, p: p})
		}
	case KindFrameworks:
		v := graph.Framework{ID: r.id("framework_id"), NameEN: r.text("name_en"), NameJA: r.text("name_ja"), Version: r.text("version"), Provenance: r.prov()}
		if r.unique("framework", "framework_id", v.ID) {
			d.frameworks = append(d.frameworks, item[graph.Framework]{v: v, p: p})
		}
	case KindControls:
		v := graph.Control{Framework: r.id("framework"), ID: r.id("control_id"), TitleEN: r.text("title_en"), TitleJA: r.text("title_ja"), Level: r.text("level"), Function: r.text("function"), Provenance: r.prov()}
		if r.unique("control", "control_id", v.Ref().String()) {
			d.controls = append(d.controls, item[graph.Control]{v: v, p: p, from: r.cell("framework")})
		}
	case KindThreats:
		v := graph.Threat{ID: r.id("threat_id"), NameEN: r.text("name_en"), NameJA: r.text("name_ja"), Actor: r.text("actor"), Level: r.level("level"), Provenance: r.prov()}
		if v.Level == 0 && !r.bad {
			r.fail("level", "", errf("脅威の起こりやすさ (1〜3) が空です", "threat likelihood (1..3) is empty"))
		}
		if r.unique("threat", "threat_id", v.ID) {
			d.threats = append(d.threats, item[graph.Threat]{v: v, p: p})
		}
	case KindMappings:
		r.parseMapping(p)
	case KindOrganizations:
		r.parseOrg(p)
	case KindAssets:
		r.parseAsset(p)
	case KindRegister:
		r.parseRegister(p)
	case KindRelationships:
		v := graph.Edge{From: r.id("from"), To: r.id("to")}
		if t := r.required("type"); t != "" {
			rt, err := ParseRelType(t)
			if err != nil {
				r.fail("type", t, err.(*cellError))
			}
			v.Type = rt
		}
		if !r.bad {
			d.edges.add(item[graph.Edge]{v: v, p: p, from: r.cell("from"), to: r.cell("to")})
		}
	case KindStatuses:
		r.parseStatus(p)
	}
}

func (r *rowCtx) parseMapping(p pos) {
	var v graph.Mapping
	if t := r.required("mapping_type"); t != "" {
		mt, err := ParseMappingType(t)
		if err != nil {
			r.fail("mapping_type", t, err.(*cellError))
		}
		v.Type = mt
	}
	v.From, v.To = r.id("map_from"), r.id("map_to")
	v.Relation = strings.ToLower(r.text("relation"))
	if v.Relation != "" && !slices.Contains([]string{"equal", "subset", "superset", "intersect"}, v.Relation) {
		r.fail("relation", v.Relation, errf("%q は equal/subset/superset/intersect ではありません", "%q is not equal, subset, superset or intersect", v.Relation))
	}
	v.Rationale, v.Provenance = r.text("rationale"), r.prov()
	switch v.Type {
	case graph.RelMapsTo:
		if _, err := graph.ParseControlRef(v.From); v.From != "" && err != nil {
			r.fail("map_from", v.From, errf("MAPS_TO の元は管理策 (FRAMEWORK:ID) です", "MAPS_TO starts at a control (FRAMEWORK:ID)"))
		}
	case graph.RelMitigates:
		_, err := graph.ParseControlRef(v.From)
		v.FromControl = err == nil && !requirementID.MatchString(v.From)
	}
	if v.Type != "" && r.unique("mapping", "map_to", string(v.Type)+" "+v.From+" -> "+v.To) {
		r.d.mappings = append(r.d.mappings, item[graph.Mapping]{v: v, p: p, from: r.cell("map_from"), to: r.cell("map_to")})
	}
}

func (r *rowCtx) parseOrg(p pos) {
	v := graph.Org{ID: r.id("id"), Name: r.required("name"), Size: r.text("size")}
	supplies := splitList(r.text("supplies"), false)
	if t := r.text("role"); t != "" {
		role, err := ParseRole(t)
		if err != nil {
			r.fail("role", t, err.(*cellError))
		}
		v.Role = role
	} else if len(supplies) > 0 {
		v.Role = graph.RoleSupplier
	} else {
		v.Role = graph.RoleOther
	}
	if !r.unique("node", "id", v.ID) {
		return
	}
	r.d.orgs.add(item[graph.Org]{v: v, p: p, key: r.cell("id")})
	for _, to := range supplies {
		r.d.edges.add(item[graph.Edge]{v: graph.Edge{Type: graph.RelSupplies, From: v.ID, To: to}, p: p, from: r.cell("id"), to: r.cell("supplies")})
	}
}

func (r *rowCtx) cia(a *graph.Asset) {
	a.C, a.I, a.A = r.level("confidentiality"), r.level("integrity"), r.level("availability")
	a.Importance = r.level("importance")
}

func (r *rowCtx) parseAsset(p pos) {
	v := graph.Asset{ID: r.id("id"), Name: r.required("name"), Component: r.component("component"),
		Category: r.text("category"), Media: r.text("media"), Owner: r.text("owner")}
	if t := r.required("layers"); t != "" {
		ls, err := ParseLayers(t)
		if err != nil {
			r.fail("layers", t, err.(*cellError))
		}
		v.Layers = ls
	}
	r.cia(&v)
	v.PersonalInfo = splitList(r.text("personal_info"), false)
	v.Exposure = splitList(r.text("exposure"), false)
	suppliers := splitList(r.text("supplier"), false)
	if !r.unique("node", "id", v.ID) {
		return
	}
	r.d.assets.add(item[graph.Asset]{v: v, p: p, from: r.cell("owner"), key: r.cell("id")})
	for _, s := range suppliers {
		r.d.edges.add(item[graph.Edge]{v: graph.Edge{Type: graph.RelSuppliedBy, From: v.ID, To: s}, p: p, from: r.cell("id"), to: r.cell("supplier")})
	}
}

// Personal-information kinds recorded on register assets.
const (
	PersonalInfo     = "個人情報"
	SensitiveInfo    = "要配慮個人情報"
	MyNumberInfo     = "特定個人情報"
	registerIDPrefix = "info:"
)

func (r *rowCtx) parseRegister(p pos) {
	v := graph.Asset{Name: r.required("name"), Component: graph.Data, Layers: []graph.LayerID{graph.L3}, Category: r.text("category")}
	if t := r.text("layers"); t != "" {
		ls, err := ParseLayers(t)
		if err != nil {
			r.fail("layers", t, err.(*cellError))
		}
		v.Layers = ls
	}
	r.cia(&v)
	// A single 個人情報 column may name the kind instead of a flag.
	if t := r.text("personal"); t != "" {
		switch k := key(t); {
		case strings.Contains(k, "要配慮"):
			v.PersonalInfo = append(v.PersonalInfo, SensitiveInfo)
		case strings.Contains(k, "特定") || strings.Contains(k, "マイナンバー"):
			v.PersonalInfo = append(v.PersonalInfo, MyNumberInfo)
		case strings.Contains(k, "個人情報"):
			v.PersonalInfo = append(v.PersonalInfo, PersonalInfo)
		default:
			if r.flag("personal") {
				v.PersonalInfo = append(v.PersonalInfo, PersonalInfo)
			}
		}
	}
	if r.flag("sensitive") && !slices.Contains(v.PersonalInfo, SensitiveInfo) {
		v.PersonalInfo = append(v.PersonalInfo, SensitiveInfo)
	}
	if r.flag("mynumber") && !slices.Contains(v.PersonalInfo, MyNumberInfo) {
		v.PersonalInfo = append(v.PersonalInfo, MyNumberInfo)
	}
	if t := r.text("registered"); t != "" {
		if _, err := ParseDate(t); err != nil {
			r.d.warn(r.cell("registered"), t, err.(*cellError))
		}
	}
	r.checkRisk(v)
	media := splitList(r.text("media"), false)
	storedOn := splitList(r.text("stored_on"), false)
	if len(media) == 0 && len(storedOn) == 0 && !r.bad {
		fl := r.spec.Field("media")
		r.fail("media", "", &cellError{JA: "必須の " + fl.JA + " が空です", EN: "required " + fl.EN + " is empty"})
	}
	v.Media = strings.Join(media, ", ")
	type med struct {
		id   string
		rule *Medium
		text string
	}
	var meds []med
	if len(storedOn) == 0 {
		for _, m := range media {
			rule, ok := r.media.lookup(m)
			if !ok {
				r.fail("media", m, errf("媒体 %q を構成要素・層に対応付けられません。マッピングファイルの media に規則を追加してください", "medium %q matches no rule of the medium table; add a rule under media in a mapping file", m))
				continue
			}
			meds = append(meds, med{MediumAssetID(m), rule, m})
		}
	}
	id := r.text("id")
	if id == "" && v.Name != "" {
		// The derived ID is normalized (NFKC) like any ID, so a name typed
		// with full-width letters in one version keeps its asset.
		id = registerIDPrefix + Text(v.Name)
		if v.Category != "" {
			id = registerIDPrefix + Text(v.Category) + "/" + Text(v.Name)
		}
	}
	v.ID = id
	if r.bad {
		return
	}
	d := r.d
	if i, dup := d.regIndex[id]; dup {
		// The same information kept on another medium: one asset, one more
		// STORED_ON, when everything else agrees.
		prev := d.assets.at(i).v
		if prev.C != v.C || prev.I != v.I || prev.A != v.A || prev.Importance != v.Importance || !slices.Equal(prev.PersonalInfo, v.PersonalInfo) {
			r.fail("name", v.Name, errf("情報資産 %q が %d 行目と評価値の異なる行で重複しています。統合するか資産IDで区別してください",
				"information asset %q repeats row %d with different ratings; merge the rows or tell them apart with an asset ID column", v.Name, d.assets.at(i).p.row))
			return
		}
		d.assets.at(i).v.Media = strings.Join(append(splitList(prev.Media, false), media...), ", ")
	} else {
		if !r.unique("node", "name", id) {
			return
		}
		d.regIndex[id] = d.assets.len()
		d.selfOwned = append(d.selfOwned, d.assets.len())
		keyCell := r.cell("id")
		if r.text("id") == "" {
			keyCell = r.cell("name")
		}
		d.assets.add(item[graph.Asset]{v: v, p: p, key: keyCell})
	}
	for _, to := range storedOn {
		d.edges.add(item[graph.Edge]{v: graph.Edge{Type: graph.RelStoredOn, From: id, To: to}, p: p, from: r.cell("name"), to: r.cell("stored_on")})
	}
	for _, m := range meds {
		if !d.derivedID[m.id] {
			d.derivedID[m.id] = true
			d.assets.add(item[graph.Asset]{v: graph.Asset{ID: m.id, Name: m.text, Component: m.rule.Component, Layers: slices.Clone(m.rule.Layers), Media: m.text}, p: p, derived: true})
			d.selfOwned = append(d.selfOwned, d.assets.len()-1)
			if sid, sname := m.rule.supplierOf(m.text); sid != "" {
				if !d.derivedID[sid] {
					d.derivedID[sid] = true
					d.orgs.add(item[graph.Org]{v: graph.Org{ID: sid, Name: sname, Role: graph.RoleSupplier}, p: p, derived: true})
				}
				d.edges.add(item[graph.Edge]{v: graph.Edge{Type: graph.RelSuppliedBy, From: m.id, To: sid}, p: p, derived: true, from: r.cell("media"), to: r.cell("media")})
			}
		}
		d.edges.add(item[graph.Edge]{v: graph.Edge{Type: graph.RelStoredOn, From: id, To: m.id}, p: p, from: r.cell("name"), to: r.cell("media")})
	}
}

// checkRisk compares a register's own リスク値 with what IPA's method can
// give: importance x damage likelihood is one of 1, 2, 3, 4, 6, 9 and at most
// 3 x the importance. Another formula is flagged, never rescored.
func (r *rowCtx) checkRisk(v graph.Asset) {
	t := r.text("risk")
	if t == "" {
		return
	}
	r.d.risk.checked++
	var x float64
	if _, err := fmt.Sscan(t, &x); err != nil {
		return
	}
	ok := slices.Contains([]float64{1, 2, 3, 4, 6, 9}, x) && x <= float64(3*v.EffectiveImportance())
	if !ok {
		r.d.risk.other++
		if r.d.risk.first == nil {
			x := r.d.rejection(r.cell("risk"), t, errf("リスク値 %s は IPA の算定方式 (重要度×被害発生可能性) では出ない値です。この台帳は別の算定方式を使っています (取り込みはしますが再計算しません)",
				"risk value %s cannot come from IPA's method (importance x damage likelihood); this register uses another formula (imported, not rescored)", t))
			r.d.risk.first = &x
		}
	}
}

func (r *rowCtx) parseStatus(p pos) {
	v := graph.ControlStatus{Subject: r.id("subject"), Note: r.text("note")}
	fw, ctl := r.text("framework"), r.id("control")
	if fw != "" {
		v.Control = graph.ControlRef{Framework: fw, ID: ctl}
	} else if ctl != "" {
		ref, err := graph.ParseControlRef(ctl)
		if err != nil {
			r.fail("control", ctl, errf("フレームワーク列が無い場合、管理策は FRAMEWORK:ID で書いてください", "without a framework column, write the control as FRAMEWORK:ID"))
		}
		v.Control = ref
	}
	if t := r.required("status"); t != "" {
		st, err := ParseStatus(t)
		if err != nil {
			r.fail("status", t, err.(*cellError))
		}
		v.Status = st
	}
	if r.unique("status", "control", v.Subject+"\x00"+v.Control.String()) {
		r.d.statuses.add(item[graph.ControlStatus]{v: v, p: p, from: r.cell("subject"), to: r.cell("control")})
	}
}

// readFile reads every sheet of a workbook into d.
func readFile(ctx context.Context, d *fileData, lim Limits, m *Mapping, idx aliasIndex, media *mediaTable, progress func(rows int)) error {
	f, rej := openWorkbook(d.path, lim)
	if rej != nil {
		d.rejs = append(d.rejs, *rej)
		return nil
	}
	defer f.Close()
	recognized := 0
	for _, sheet := range f.GetSheetList() {
		sr := SheetReport{Name: sheet}
		if m.skipSheet(sheet) {
			sr.Skipped, sr.SkippedJA = "by name (example or listed in the mapping file)", "シート名により除外 (記入例、またはマッピングファイルで指定)"
			d.rep.Sheets = append(d.rep.Sheets, sr)
			continue
		}
		n, err := readSheet(ctx, d, f, sheet, &sr, m, idx, media, progress)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			d.rejs = append(d.rejs, Rejection{File: d.base, Sheet: sheet, JA: fmt.Sprintf("シートを読めません: %v", err), EN: fmt.Sprintf("cannot read the sheet: %v", err)})
		}
		recognized += n
		d.rep.Sheets = append(d.rep.Sheets, sr)
	}
	if recognized == 0 && !hasSheetRejection(d) {
		d.rejs = append(d.rejs, Rejection{File: d.base,
			JA: "既知の見出し (資産台帳・取引先・対策状況・カタログなど) を持つシートがありません",
			EN: "no sheet has a known header (asset register, organizations, control status, catalog, ...)"})
	}
	if d.risk.other > 0 {
		x := *d.risk.first
		x.EN += fmt.Sprintf(" [%d of %d rows]", d.risk.other, d.risk.checked)
		x.JA += fmt.Sprintf(" [%d / %d 行]", d.risk.other, d.risk.checked)
		d.warns = append(d.warns, x)
	}
	return nil
}

func hasSheetRejection(d *fileData) bool {
	for _, r := range d.rejs {
		if r.Sheet != "" {
			return true
		}
	}
	return false
}

// minColsForError is how many columns an incomplete header must match to
// be reported as a broken sheet of that kind rather than skipped.
const minColsForError = 3

// readSheet reads one sheet; it returns 1 when the sheet was recognized.
func readSheet(ctx context.Context, d *fileData, f *excelize.File, sheet string, sr *SheetReport, m *Mapping, idx aliasIndex, media *mediaTable, progress func(int)) (int, error) {
	var head []sheetRow
	var reader *sheetReader
	rows := 0
	handle := func(row sheetRow) {
		rc := rowCtx{sheetReader: reader, n: row.n, cells: row.cells}
		rc.parse()
		rows++
		if rows%1024 == 0 && progress != nil {
			progress(1024)
		}
	}
	start := func() bool {
		dense := make([][]string, 0, HeaderScanRows+1)
		for _, r := range head {
			for len(dense) < r.n-1 {
				dense = append(dense, nil)
			}
			dense = append(dense, r.cells)
		}
		h, ok := idx.detect(dense)
		if !ok {
			if len(head) == 0 {
				sr.Skipped, sr.SkippedJA = "empty sheet", "空のシート"
			} else {
				sr.Skipped, sr.SkippedJA = "no known header in the first 30 rows", "先頭30行に既知の見出しがありません"
			}
			return false
		}
		spec := SpecOf(h.Kind)
		sr.Kind, sr.HeaderRow = h.Kind, h.Row
		for _, c := range h.Ignored {
			sr.Ignored = append(sr.Ignored, h.Names[c])
		}
		if !h.Complete() {
			var ja, en []string
			for _, fk := range h.Missing {
				fl := spec.Field(fk)
				ja, en = append(ja, fl.JA), append(en, fl.EN)
			}
			x := Rejection{File: d.base, Sheet: sheet, Row: h.Row,
				JA: fmt.Sprintf("%s の見出しに見えますが、必須の列がありません: %s", spec.NameJA, strings.Join(ja, ", ")),
				EN: fmt.Sprintf("looks like %s but lacks required columns: %s", spec.NameEN, strings.Join(en, ", "))}
			if len(h.Cols) < minColsForError {
				// A faint likeness (two columns) is more likely another
				// sheet of the workbook than a broken one: skip it, say so.
				sr.Kind = ""
				sr.Skipped, sr.SkippedJA = x.EN, x.JA
				d.warns = append(d.warns, x)
				return false
			}
			d.rejs = append(d.rejs, x)
			return false
		}
		d.sheets, d.headers = append(d.sheets, sheet), append(d.headers, h.Names)
		reader = &sheetReader{d: d, sheet: int32(len(d.sheets) - 1), h: &h, spec: spec, rep: sr, media: media}
		for _, r := range head {
			if r.n >= h.Row+h.Rows {
				handle(r)
			}
		}
		return true
	}
	started, stopped := false, false
	err := streamRows(ctx, f, sheet, func(row sheetRow) bool {
		if !started {
			if row.n <= HeaderScanRows+1 {
				head = append(head, row)
				return true
			}
			started = true
			if !start() {
				stopped = true
				return false
			}
		}
		handle(row)
		return true
	})
	if err != nil {
		return 0, err
	}
	if !started && !stopped {
		if !start() {
			return 0, nil
		}
	} else if stopped {
		return 0, nil
	}
	if progress != nil {
		progress(rows % 1024)
	}
	sr.Rows = rows
	return 1, nil
}
