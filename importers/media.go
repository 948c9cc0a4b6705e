package importers

import (
	"slices"
	"strings"

	"cpsfgraph/graph"
)

// Medium says what kind of asset a medium of the IPA register
// (媒体・保存先) is: its CPSF component and layers, and for an external
// service the organization that provides it.
//
// A register row is an information asset (component data). The importer
// makes it a data asset and links it STORED_ON to one asset per distinct
// medium text of the workspace ("media:" + the medium as written), whose
// component and layers come from the first rule that matches: first a rule
// one of whose Match words equals the medium, then one that the medium
// contains. Rules from a mapping file are tried before DefaultMedia.
type Medium struct {
	// Match lists words compared after NFKC, lower-casing and removing
	// spaces and ・_-.
	Match     []string        `json:"match" yaml:"match"`
	Component graph.Component `json:"component" yaml:"component"`
	Layers    []graph.LayerID `json:"layers" yaml:"layers"`
	// Supplier names the organization that provides the medium (for
	// external services): "*" makes one organization per medium
	// ("provider:" + the medium), any other value is an organization ID
	// (created as a supplier when the workspace does not have it); empty
	// means none. The medium is linked SUPPLIED_BY to it.
	Supplier     string `json:"supplier,omitempty" yaml:"supplier,omitempty"`
	SupplierName string `json:"supplier_name,omitempty" yaml:"supplier_name,omitempty"`
	NoteJA       string `json:"note_ja,omitempty" yaml:"note_ja,omitempty"`
	NoteEN       string `json:"note_en,omitempty" yaml:"note_en,omitempty"`
}

// DefaultMedia is the documented medium table. The register's own dropdown
// values (書類, 可搬電子媒体, 事務所PC, モバイル機器, 社内サーバー,
// 社外サーバー) are not verified against an IPA file (see
// reference/guidelines/ipa_risk_sheet.md), so the rules also match common
// variants by keyword. Order matters for keyword matches: external services
// come before in-house servers, mobile devices before PCs.
var DefaultMedia = []Medium{
	{Match: []string{"社外サーバー", "社外サーバ", "クラウド", "cloud", "saas", "外部サービス", "レンタルサーバ", "データセンター", "asp", "社外"},
		Component: graph.Systems, Layers: []graph.LayerID{graph.L1, graph.L3}, Supplier: "*",
		NoteJA: "外部のクラウド・サーバー: 提供事業者 (第1層のソシキ) が供給するシステム (SUPPLIED_BY)。第1層 (企業間) と第3層 (サイバー空間) に置く",
		NoteEN: "external cloud service or server: a system supplied (SUPPLIED_BY) by its provider organization; on layers L1 (between organizations) and L3 (cyberspace)"},
	{Match: []string{"モバイル機器", "モバイル", "スマートフォン", "スマホ", "タブレット", "携帯", "mobile", "smartphone", "tablet", "ノートpc", "ノートパソコン", "laptop"},
		Component: graph.Systems, Layers: []graph.LayerID{graph.L2, graph.L3},
		NoteJA: "持ち運ぶ端末: サイバー空間のシステムで、紛失・盗難により物理空間とも接する (第2層・第3層)",
		NoteEN: "portable device: a system in cyberspace that also meets the physical world through loss and theft (L2 and L3)"},
	{Match: []string{"可搬電子媒体", "可搬媒体", "可搬", "usb", "外付け", "外部記憶", "dvd", "cd", "sdカード", "removable", "記録媒体"},
		Component: graph.Things, Layers: []graph.LayerID{graph.L2},
		NoteJA: "持ち運べる記録媒体: 第2層のモノ", NoteEN: "removable media: things on layer L2"},
	{Match: []string{"書類", "紙", "paper", "帳票", "document", "印刷物", "ファイル綴"},
		Component: graph.Things, Layers: []graph.LayerID{graph.L2},
		NoteJA: "紙の書類: 第2層のモノ", NoteEN: "paper documents: things on layer L2"},
	{Match: []string{"iot", "工場", "設備", "製造装置", "センサー", "センサ", "plc", "制御", "カメラ", "複合機", "factory", "sensor", "device"},
		Component: graph.Things, Layers: []graph.LayerID{graph.L2},
		NoteJA: "物理世界を計測・操作する IoT・工場機器: 第2層のモノ (JC-STAR ラベルの対象)",
		NoteEN: "IoT and factory devices that sense or act on the physical world: things on layer L2 (where JC-STAR labels attach)"},
	{Match: []string{"事務所pc", "pc", "パソコン", "端末", "desktop", "computer", "workstation"},
		Component: graph.Systems, Layers: []graph.LayerID{graph.L3},
		NoteJA: "事務所の PC: 第3層のシステム", NoteEN: "office PCs: systems on layer L3"},
	{Match: []string{"社内サーバー", "社内サーバ", "サーバー", "サーバ", "server", "nas", "社内システム", "基幹システム"},
		Component: graph.Systems, Layers: []graph.LayerID{graph.L3},
		NoteJA: "社内のサーバー: 第3層のシステム", NoteEN: "in-house servers: systems on layer L3"},
}

// mediaTable resolves medium texts with user rules first.
type mediaTable struct {
	rules []Medium
	cache map[string]*Medium // medium text -> rule (nil: none); one reader at a time
}

func newMediaTable(user []Medium) *mediaTable {
	return &mediaTable{rules: append(slices.Clone(user), DefaultMedia...), cache: map[string]*Medium{}}
}

// lookup returns the rule for a medium text.
func (t *mediaTable) lookup(medium string) (*Medium, bool) {
	if m, ok := t.cache[medium]; ok {
		return m, m != nil
	}
	m, ok := t.find(medium)
	if len(t.cache) < 10000 {
		t.cache[medium] = m
	}
	return m, ok
}

func (t *mediaTable) find(medium string) (*Medium, bool) {
	k := key(medium)
	if k == "" {
		return nil, false
	}
	for i := range t.rules {
		for _, m := range t.rules[i].Match {
			if key(m) == k {
				return &t.rules[i], true
			}
		}
	}
	for i := range t.rules {
		for _, m := range t.rules[i].Match {
			if mk := key(m); mk != "" && strings.Contains(k, mk) {
				return &t.rules[i], true
			}
		}
	}
	return nil, false
}

// MediumAssetID is the ID of the asset made for a medium of the register.
func MediumAssetID(medium string) string { return "media:" + Text(medium) }

// supplierOf returns the provider organization's ID and name for a medium,
// or "" when the rule names none.
func (m *Medium) supplierOf(medium string) (id, name string) {
	switch m.Supplier {
	case "":
		return "", ""
	case "*":
		return "provider:" + Text(medium), m.name(Text(medium))
	}
	return m.Supplier, m.name(Text(medium))
}

func (m *Medium) name(medium string) string {
	if m.SupplierName != "" {
		return m.SupplierName
	}
	return "「" + medium + "」の提供事業者 (provider of " + medium + ")"
}
