package importers

// Kind names what a sheet holds. A sheet's kind is recognized from its
// header row, never from its name or position.
type Kind string

// Sheet kinds. The catalog kinds fill graph.Catalog; the others fill
// graph.Batch for one workspace.
const (
	KindLayers        Kind = "layers"
	KindComponents    Kind = "components"
	KindIncidents     Kind = "incidents"
	KindRiskSources   Kind = "risk_sources"
	KindRequirements  Kind = "requirements"
	KindFrameworks    Kind = "frameworks"
	KindControls      Kind = "controls"
	KindThreats       Kind = "threats"
	KindMappings      Kind = "mappings"
	KindOrganizations Kind = "organizations"
	KindAssets        Kind = "assets"
	KindRegister      Kind = "ipa_register"
	KindRelationships Kind = "relationships"
	KindStatuses      Kind = "control_status"
)

// Catalog reports whether the kind is part of the global catalog.
func (k Kind) Catalog() bool {
	switch k {
	case KindLayers, KindComponents, KindIncidents, KindRiskSources, KindRequirements, KindFrameworks, KindControls, KindThreats, KindMappings:
		return true
	}
	return false
}

// Field is one column a kind reads. Key is the name used in mapping files.
// Aliases are header texts (compared after NFKC, lower-casing and removing
// spaces, line breaks and ・_-:*※); the first alias of each language is the
// one the generated workbooks use.
type Field struct {
	Key      string
	Required bool
	JA, EN   string // header written in generated workbooks
	Aliases  []string
	DescJA   string
	DescEN   string
}

// Spec describes a kind: its fields and what it is, in both languages.
type Spec struct {
	Kind   Kind
	NameJA string
	NameEN string
	Fields []Field
}

// Field returns the field with the key, or nil.
func (s *Spec) Field(key string) *Field {
	for i := range s.Fields {
		if s.Fields[i].Key == key {
			return &s.Fields[i]
		}
	}
	return nil
}

func f(key string, req bool, ja, en, descJA, descEN string, aliases ...string) Field {
	return Field{Key: key, Required: req, JA: ja, EN: en, Aliases: append([]string{ja, en}, aliases...), DescJA: descJA, DescEN: descEN}
}

// Shared columns of catalog kinds.
var (
	fNameEN = f("name_en", false, "名称(英)", "name (en)", "英語の名称", "name in English", "name_en", "english name", "name")
	fNameJA = f("name_ja", false, "名称", "name (ja)", "日本語の名称", "name in Japanese", "name_ja", "日本語名", "名称(日)", "japanese name")
	fSource = f("source", false, "出典", "source", "出典 (公式文書名。本プロジェクト独自の判断は cpsfgraph)", "where it comes from: an official document, or cpsfgraph for this project's own judgement", "出所")
	fVerif  = f("verification", false, "検証状況", "verification", "出典との照合状況 (verified / partially_verified / unverified など)", "how far it was checked against its source (verified, partially_verified, unverified, ...)", "検証", "確認状況")
	fLayer  = f("layer", true, "層", "layer", "CPSF の層: L1 (企業間), L2 (フィジカル/サイバー間), L3 (サイバー空間)。第1層・layer1 も可", "CPSF layer: L1 (between organizations), L2 (physical/cyber), L3 (cyberspace); 第1層 or layer1 also read", "レイヤー", "cpsf層", "layerid")
	fComp   = f("component", true, "構成要素", "component", "CPSF の構成要素: ソシキ/ヒト/モノ/データ/プロシージャ/システム (英語・ORG などのコードも可)", "CPSF component: organization/people/things/data/procedures/systems (Japanese names and ORG..SYS codes also read)", "6つの構成要素", "components", "要素")
	fNote   = f("note", false, "備考", "note", "自由記述 (取り込まれるが分析には使わない)", "free text (kept, not used by the analysis)", "notes", "remarks", "メモ", "コメント")
)

// Specs lists every kind in the order sheets are written by the generators.
var Specs = []*Spec{
	{Kind: KindLayers, NameJA: "層", NameEN: "Layers", Fields: []Field{
		f("layer_id", true, "層ID", "layer id", "層のキー: L1, L2, L3", "layer key: L1, L2, L3", "layer_id"),
		fNameEN, fNameJA,
		f("trust_focus", false, "信頼性の基点", "trust focus", "その層で確保すべき信頼性", "what trustworthiness the layer is about", "trust_focus"),
		fSource, fVerif,
	}},
	{Kind: KindComponents, NameJA: "構成要素", NameEN: "Components", Fields: []Field{
		f("component_code", true, "構成要素コード", "component code", "構成要素のキー: organization, people, things, data, procedures, systems", "component key: organization, people, things, data, procedures, systems", "component_code"),
		fNameEN, fNameJA,
		f("description", false, "説明", "description", "構成要素の説明", "what the component covers"),
		fSource, fVerif,
	}},
	{Kind: KindIncidents, NameJA: "想定インシデント", NameEN: "Incidents", Fields: []Field{
		f("incident_id", true, "インシデントID", "incident id", "想定されるセキュリティインシデントのID (公式表の ID)", "ID of the assumed security incident (as in the official table)", "incident_id"),
		fLayer,
		f("summary_en", false, "概要(英)", "summary (en)", "英語の概要", "summary in English", "summary_en"),
		f("summary_ja", false, "概要", "summary (ja)", "日本語の概要", "summary in Japanese", "summary_ja"),
		fSource, fVerif,
	}},
	{Kind: KindRiskSources, NameJA: "リスク源", NameEN: "Risk sources", Fields: []Field{
		f("risk_source_id", true, "リスク源ID", "risk source id", "リスク源のID (公式表の ID、または本プロジェクトの CG-RS-…)", "risk source ID (official table ID, or this project's CG-RS-...)", "risk_source_id"),
		fLayer, fComp,
		f("incident", false, "想定インシデント", "incident", "このリスク源が引き起こすインシデントの ID (任意)", "ID of the incident this risk source causes (optional)", "関連インシデント"),
		f("threat_en", false, "脅威(英)", "threat (en)", "脅威の概要 (英語)", "the threat, in English", "threat_en"),
		f("threat_ja", false, "脅威", "threat (ja)", "脅威の概要 (日本語)", "the threat, in Japanese", "threat_ja"),
		f("vulnerability_en", false, "脆弱性(英)", "vulnerability (en)", "脆弱性の概要 (英語)", "the vulnerability, in English", "vulnerability_en"),
		f("vulnerability_ja", false, "脆弱性", "vulnerability (ja)", "脆弱性の概要 (日本語)", "the vulnerability, in Japanese", "vulnerability_ja"),
		fSource, fVerif,
	}},
	{Kind: KindRequirements, NameJA: "対策要件", NameEN: "Requirements", Fields: []Field{
		f("requirement_id", true, "対策要件ID", "requirement id", "CPSF 対策要件の ID (CPS.XX-n)", "CPSF requirement ID (CPS.XX-n)", "requirement_id", "対策要件"),
		f("category", false, "カテゴリ", "category", "要件のカテゴリ (CPS.XX の XX)", "requirement category (the XX of CPS.XX)", "カテゴリー"),
		f("function", false, "機能", "function", "機能: Identify / Protect / Detect / Respond/Recover", "function: Identify, Protect, Detect, Respond/Recover", "cpsf function"),
		f("summary_en", false, "概要(英)", "summary (en)", "要件の趣旨 (英語、本プロジェクトの言葉で)", "the requirement's topic in English (our own words)", "summary_en"),
		f("summary_ja", false, "概要", "summary (ja)", "要件の趣旨 (日本語)", "the requirement's topic in Japanese", "summary_ja"),
		fSource, fVerif,
	}},
	{Kind: KindFrameworks, NameJA: "フレームワーク", NameEN: "Frameworks", Fields: []Field{
		f("framework_id", true, "フレームワークID", "framework id", "管理策カタログの ID (CPSF, IPA-SME-25 など)", "control catalog ID (CPSF, IPA-SME-25, ...)", "framework_id"),
		fNameEN, fNameJA,
		f("version", false, "版", "version", "版", "version", "バージョン"),
		fSource, fVerif,
	}},
	{Kind: KindControls, NameJA: "管理策", NameEN: "Controls", Fields: []Field{
		f("framework", true, "フレームワーク", "framework", "管理策が属するフレームワークの ID", "ID of the control's framework", "基準", "規格"),
		f("control_id", true, "管理策ID", "control id", "フレームワーク内での管理策の ID", "the control's ID within its framework", "control_id", "項目番号"),
		f("title_en", false, "内容(英)", "title (en)", "管理策の内容 (英語)", "the control, in English", "title_en"),
		f("title_ja", false, "内容", "title (ja)", "管理策の内容 (日本語)", "the control, in Japanese", "title_ja"),
		f("level", false, "レベル", "level", "レベルや星 (★1 など、あれば)", "level or star where the framework has one (★1, ...)", "星", "star"),
		f("function", false, "機能", "function", "CPSF の機能 (分かる場合)", "CPSF function where known"),
		fSource, fVerif,
	}},
	{Kind: KindThreats, NameJA: "脅威", NameEN: "Threats", Fields: []Field{
		f("threat_id", true, "脅威ID", "threat id", "脅威の ID (IPA10-2026-01 など)", "threat ID (IPA10-2026-01, ...)", "threat_id"),
		fNameEN, fNameJA,
		f("actor", false, "攻撃者", "actor", "攻撃者の分類 (cybercrime, state_sponsored_apt など)", "attacker class (cybercrime, state_sponsored_apt, ...)", "攻撃者分類"),
		f("level", false, "脅威の起こりやすさ", "likelihood", "既定の起こりやすさ 1〜3 (高/中/低も可)", "default likelihood 1..3 (高/中/低 also read)", "起こりやすさ", "level", "脅威レベル"),
		fSource, fVerif,
	}},
	{Kind: KindMappings, NameJA: "対応関係", NameEN: "Mappings", Fields: []Field{
		f("mapping_type", true, "対応種別", "mapping type", "MAPS_TO (管理策→対策要件), MITIGATES (対策要件または管理策→リスク源), EXPLOITS (脅威→リスク源)", "MAPS_TO (control -> requirement), MITIGATES (requirement or control -> risk source), EXPLOITS (threat -> risk source)", "mapping_type"),
		f("map_from", true, "対応元", "from", "元の ID: 管理策は FRAMEWORK:ID、対策要件は CPS.XX-n、脅威は脅威ID", "source ID: a control as FRAMEWORK:ID, a requirement as CPS.XX-n, a threat by its ID", "map_from", "from id"),
		f("map_to", true, "対応先", "to", "先の ID: 対策要件 ID またはリスク源 ID", "target ID: a requirement or a risk source", "map_to", "to id"),
		f("relation", false, "関係の種類", "relation", "任意: equal, subset, superset, intersect", "optional: equal, subset, superset, intersect"),
		f("rationale", false, "根拠", "rationale", "対応付けの短い理由", "a short reason for the mapping", "理由"),
		fSource, fVerif,
	}},
	{Kind: KindOrganizations, NameJA: "組織・取引先", NameEN: "Organizations", Fields: []Field{
		f("id", true, "組織ID", "organization id", "組織のキー (ワークスペース内で一意)", "organization key (unique in the workspace)", "id", "取引先id", "会社id", "org id", "取引先コード", "コード"),
		f("name", true, "組織名", "organization name", "組織名", "organization name", "会社名", "取引先名", "社名", "name", "名称", "organization"),
		f("role", true, "役割", "role", "自社 / 委託先 (supplier) / 顧客 / その他", "self, supplier, customer or other", "区分", "種別", "取引区分"),
		f("size", false, "規模", "size", "規模 (従業員数など、自由記述)", "size (employees, free text)", "従業員数", "企業規模"),
		f("supplies", false, "供給先", "supplies", "この組織が供給する組織の ID (複数は , 区切り) → SUPPLIES", "IDs of the organizations this one supplies (comma separated) -> SUPPLIES", "納入先", "supplies to", "供給先id"),
		fNote,
	}},
	{Kind: KindAssets, NameJA: "資産", NameEN: "Assets", Fields: []Field{
		f("id", true, "資産ID", "asset id", "資産のキー (ワークスペース内で一意)", "asset key (unique in the workspace)", "id", "管理番号", "資産番号"),
		f("name", true, "資産名", "asset name", "資産の名称", "asset name", "name", "名称", "資産名称"),
		fComp,
		f("layers", true, "層", "layers", "CPSF の層 (複数は , 区切り): L1/L2/L3", "CPSF layers (comma separated): L1, L2, L3", "layer", "レイヤー", "cpsf層"),
		f("confidentiality", false, "機密性", "confidentiality", "機密性 1〜3 (高/中/低も可)", "confidentiality 1..3 (高/中/低 also read)", "c"),
		f("integrity", false, "完全性", "integrity", "完全性 1〜3", "integrity 1..3", "i"),
		f("availability", false, "可用性", "availability", "可用性 1〜3", "availability 1..3", "a"),
		f("importance", false, "重要度", "importance", "重要度 1〜3 (空欄なら機密性・完全性・可用性の最大値)", "importance 1..3 (empty: the highest of C/I/A)", "重要性"),
		f("category", false, "業務分類", "category", "業務分類", "business category", "業務", "business category"),
		f("media", false, "媒体・保存先", "media", "媒体・保存先 (記録のみ。関係は relationships シートで)", "storage / media (recorded only; relationships go on a relationships sheet)", "保存先", "媒体", "storage"),
		f("owner", false, "所有組織", "owner", "所有する組織の ID (OWNED_BY)", "owning organization ID (OWNED_BY)", "所有者", "管理組織"),
		f("personal_info", false, "個人情報", "personal information", "保有する個人情報の種類 (個人情報, 要配慮個人情報, 特定個人情報; , 区切り)", "kinds of personal information held (個人情報, 要配慮個人情報, 特定個人情報; comma separated)", "personal_info"),
		f("exposure", false, "露出", "exposure", "露出の種類 (internet-facing, remote-access など; , 区切り)", "exposure flags (internet-facing, remote-access, ...; comma separated)", "公開状況", "外部公開"),
		f("supplier", false, "提供元", "supplied by", "提供・保守する組織の ID (複数は , 区切り) → SUPPLIED_BY", "IDs of the organizations that provide or maintain it (comma separated) -> SUPPLIED_BY", "供給元", "委託先", "supplier", "vendor"),
		fNote,
	}},
	{Kind: KindRegister, NameJA: "情報資産管理台帳 (IPA)", NameEN: "Information asset register (IPA layout)", Fields: []Field{
		f("category", false, "業務分類", "business category", "業務分類", "business category", "業務"),
		f("name", true, "情報資産名称", "information asset", "情報資産の名称", "name of the information asset", "情報資産名", "情報資産の名称", "資産名称", "information asset name"),
		f("note", false, "備考", "note", "備考", "notes", "remarks"),
		f("users", false, "利用者範囲", "users", "利用者範囲", "who may use it", "利用範囲"),
		f("department", false, "管理部署", "department", "管理部署", "responsible department", "管理部門", "管理責任部署"),
		f("media", true, "媒体・保存先", "media", "媒体・保存先 (複数は , 区切り)。媒体ごとに資産を作り STORED_ON で結ぶ (保存先資産ID があれば空欄可)", "medium / storage (comma separated); each medium becomes an asset linked by STORED_ON (may be empty when stored-on IDs are given)", "保存先", "媒体", "保管場所", "storage"),
		f("personal", false, "個人情報の種類/個人情報", "personal information", "個人情報を含むか (○/×)", "contains personal information (○/×)", "個人情報", "個人情報の有無", "personal"),
		f("sensitive", false, "個人情報の種類/要配慮個人情報", "sensitive personal information", "要配慮個人情報を含むか (○/×)", "contains sensitive personal information (○/×)", "要配慮個人情報"),
		f("mynumber", false, "個人情報の種類/特定個人情報", "my number", "特定個人情報 (マイナンバー) を含むか (○/×)", "contains My Number information (○/×)", "特定個人情報", "マイナンバー"),
		f("confidentiality", true, "評価値/機密性", "confidentiality", "機密性 1〜3 (高/中/低も可)", "confidentiality 1..3 (高/中/低 also read)", "機密性", "c"),
		f("integrity", true, "評価値/完全性", "integrity", "完全性 1〜3", "integrity 1..3", "完全性", "i"),
		f("availability", true, "評価値/可用性", "availability", "可用性 1〜3", "availability 1..3", "可用性", "a"),
		f("importance", false, "重要度", "importance", "重要度 1〜3 (空欄なら機密性・完全性・可用性の最大値)", "importance 1..3 (empty: the highest of C/I/A)", "重要性"),
		f("retention", false, "保存期限", "retention", "保存期限 (自由記述)", "retention period (free text)", "保管期限", "保存期間"),
		f("registered", false, "登録日", "registered", "登録日 (日付)", "registration date", "登録年月日", "記入日"),
		f("id", false, "資産ID", "asset id", "cpsfgraph 拡張 (任意): 資産のキー。空欄なら info:業務分類/情報資産名称", "cpsfgraph extension (optional): asset key; when empty, info:category/name", "管理番号", "資産番号", "id"),
		f("layers", false, "CPSF層", "cpsf layers", "cpsfgraph 拡張 (任意): CPSF の層 (空欄なら L3)", "cpsfgraph extension (optional): CPSF layers (empty: L3)", "層", "layers"),
		f("stored_on", false, "保存先資産ID", "stored on", "cpsfgraph 拡張 (任意): 保存先の資産 ID (, 区切り)。書けば媒体から資産を作らずその資産に STORED_ON で結ぶ", "cpsfgraph extension (optional): IDs of the assets it is stored on (comma separated); when given, STORED_ON links to them instead of assets made from the medium", "保存先id", "stored_on"),
		f("risk", false, "リスク値", "risk value", "台帳が計算したリスク値 (算定方式の確認にのみ使う)", "risk value computed by the sheet (only used to check the formula variant)", "リスク"),
	}},
	{Kind: KindRelationships, NameJA: "関係", NameEN: "Relationships", Fields: []Field{
		f("from", true, "元ID", "from", "関係の元 (資産または組織の ID)", "relationship start (asset or organization ID)", "元", "起点", "from id", "接続元"),
		f("type", true, "関係", "relationship", "STORED_ON, RUNS_ON, CONNECTS_TO, OPERATED_BY, SUPPLIED_BY, SUPPLIES, OWNED_BY (保存先/稼働先/接続/運用者/提供元/供給/所有 も可)", "STORED_ON, RUNS_ON, CONNECTS_TO, OPERATED_BY, SUPPLIED_BY, SUPPLIES, OWNED_BY (Japanese words also read)", "type", "関係種別", "relation type"),
		f("to", true, "先ID", "to", "関係の先 (資産または組織の ID)", "relationship end (asset or organization ID)", "先", "終点", "to id", "接続先"),
		fNote,
	}},
	{Kind: KindStatuses, NameJA: "対策状況", NameEN: "Control status", Fields: []Field{
		f("subject", true, "対象ID", "subject", "対策を実施する組織 (IMPLEMENTS) または対策を適用する資産 (PROTECTED_BY) の ID", "ID of the organization that implements the control (IMPLEMENTS) or the asset it protects (PROTECTED_BY)", "対象", "subject id", "組織・資産id"),
		f("framework", false, "フレームワーク", "framework", "管理策のフレームワーク ID (管理策列が FRAMEWORK:ID なら空欄可)", "the control's framework ID (may be empty when the control column reads FRAMEWORK:ID)", "基準"),
		f("control", true, "管理策ID", "control", "管理策の ID", "the control's ID", "管理策", "control id", "対策id", "項目番号"),
		f("status", true, "実施状況", "status", "実施済 / 一部実施 / 予定 / 未実施 (implemented/partial/planned/none)", "implemented, partial, planned or none (Japanese words also read)", "状況", "対策状況", "導入状況"),
		fNote,
	}},
}

// SpecOf returns the spec of a kind, or nil.
func SpecOf(k Kind) *Spec {
	for _, s := range Specs {
		if s.Kind == k {
			return s
		}
	}
	return nil
}
