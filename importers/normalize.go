package importers

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"cpsfgraph/graph"
)

// cellError is why one cell was rejected, in Japanese and English.
type cellError struct {
	JA, EN string
}

func (e *cellError) Error() string { return e.EN }

func errf(ja, en string, args ...any) *cellError {
	return &cellError{JA: fmt.Sprintf(ja, args...), EN: fmt.Sprintf(en, args...)}
}

// Text normalizes a cell value: NFKC (full-width digits and letters become
// ASCII, half-width katakana full-width), trimmed. Inner spaces are kept.
func Text(s string) string {
	if isASCIIPrint(s) {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(norm.NFKC.String(s))
}

func isASCIIPrint(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// key normalizes a value for matching against a vocabulary: NFKC, lower
// case, without spaces, line breaks and the separators ・ _ - : * ※.
func key(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), unicode.IsControl(r):
		case strings.ContainsRune("・･_-‐−–—:*※'\"`", r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// errorValues are the values Excel shows in error cells.
var errorValues = []string{"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!", "#GETTING_DATA"}

func isErrorValue(s string) bool {
	return len(s) > 1 && s[0] == '#' && slices.Contains(errorValues, strings.ToUpper(s))
}

// levelWords maps words of a 3-step scale to 1..3.
var levelWords = map[string]int{
	"高": 3, "中": 2, "低": 1, "大": 3, "小": 1,
	"h": 3, "m": 2, "l": 1, "high": 3, "medium": 2, "mid": 2, "middle": 2, "low": 1,
}

// ParseLevel reads a 1..3 rating: a number (full-width too, "3.0" from
// Excel), 高/中/低, 大/中/小 or H/M/L. Empty gives 0 (not rated).
func ParseLevel(s string) (int, error) {
	if len(s) == 1 && s[0] >= '1' && s[0] <= '3' {
		return int(s[0] - '0'), nil
	}
	t := Text(s)
	if t == "" {
		return 0, nil
	}
	if v, ok := levelWords[key(t)]; ok {
		return v, nil
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		if f == math.Trunc(f) && f >= 1 && f <= 3 {
			return int(f), nil
		}
		return 0, errf("%q は 1〜3 の範囲外です", "%q is out of range 1..3", s)
	}
	return 0, errf("%q は 1〜3 または 高/中/低 ではありません", "%q is not 1..3 or 高/中/低 (high/medium/low)", s)
}

var trueWords = []string{"○", "◯", "〇", "●", "◎", "✓", "✔", "レ", "有", "有り", "あり", "該当", "yes", "y", "true", "1", "t", "on"}
var falseWords = []string{"×", "✕", "✗", "無", "無し", "なし", "非該当", "no", "n", "false", "0", "f", "off"}

// ParseFlag reads a yes/no cell: ○/×, 有/無, あり/なし, yes/no, true/false,
// 1/0. Empty and "-" give false.
func ParseFlag(s string) (bool, error) {
	switch s {
	case "":
		return false, nil
	case "○":
		return true, nil
	}
	k := key(s)
	if k == "" {
		return false, nil
	}
	if slices.Contains(trueWords, k) {
		return true, nil
	}
	if slices.Contains(falseWords, k) {
		return false, nil
	}
	return false, errf("%q は ○/× (有/無, yes/no) のいずれでもありません", "%q is not a yes/no flag (○/×, 有/無, yes/no)", s)
}

var dateLayouts = []string{"2006-01-02", "2006/1/2", "2006.1.2", "2006-1-2", "01-02-06", "1/2/06", "1/2/2006", "2006年1月2日", "2006-01-02T15:04:05", "2006/1/2 15:04", "2006-01-02 15:04:05"}

var eras = []struct {
	prefix []string
	start  int // Gregorian year of era year 1
}{
	{[]string{"令和", "r"}, 2019},
	{[]string{"平成", "h"}, 1989},
	{[]string{"昭和", "s"}, 1926},
}

// ParseDate reads a date: ISO (2024-04-01), 2024/4/1, 2024年4月1日, a
// Japanese era date (令和6年4月1日, R6.4.1), Excel's default display (04-01-24)
// or an Excel serial number. Empty gives the zero time.
func ParseDate(s string) (time.Time, error) {
	t := Text(s)
	if t == "" {
		return time.Time{}, nil
	}
	for _, l := range dateLayouts {
		if d, err := time.Parse(l, t); err == nil {
			return d, nil
		}
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && f >= 1 && f < 2958466 {
		// Excel serial date (1900 system; serial 60 is the phantom 1900-02-29).
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		return base.AddDate(0, 0, int(f)), nil
	}
	lower := strings.ToLower(t)
	for _, e := range eras {
		for _, p := range e.prefix {
			if rest, ok := strings.CutPrefix(lower, p); ok {
				rest = strings.Replace(rest, "元", "1", 1)
				var y, m, d int
				if n, _ := fmt.Sscanf(strings.NewReplacer("年", ".", "月", ".", "日", "", "/", ".", "-", ".").Replace(rest), "%d.%d.%d", &y, &m, &d); n == 3 && y >= 1 {
					dt := time.Date(e.start+y-1, time.Month(m), d, 0, 0, 0, 0, time.UTC)
					if dt.Month() == time.Month(m) && dt.Day() == d {
						return dt, nil
					}
				}
			}
		}
	}
	return time.Time{}, errf("%q は日付として読めません (例: 2024-04-01, 2024/4/1, 令和6年4月1日)", "%q is not a date (e.g. 2024-04-01, 2024/4/1, 令和6年4月1日)", s)
}

// ParseLayer reads one CPSF layer: L1, 1, 第1層, 第一層, layer1, Layer 1, or
// a layer's Japanese name.
func ParseLayer(s string) (graph.LayerID, error) {
	k := key(s)
	k = strings.NewReplacer("第", "", "層", "", "layer", "", "レイヤー", "", "レイヤ", "", "一", "1", "二", "2", "三", "3", "the", "").Replace(k)
	k = strings.TrimPrefix(k, "l")
	switch {
	case k == "1" || strings.Contains(k, "企業間"):
		return graph.L1, nil
	case k == "2" || strings.Contains(k, "フィジカル空間とサイバー空間"):
		return graph.L2, nil
	case k == "3" || strings.Contains(k, "サイバー空間における"):
		return graph.L3, nil
	}
	return "", errf("%q は CPSF の層 (L1/L2/L3, 第1層〜第3層) ではありません", "%q is not a CPSF layer (L1/L2/L3, layer 1..3)", s)
}

// ParseLayers reads a list of layers separated by , 、 / ・ ; or spaces and
// returns them sorted without duplicates. Empty gives nil.
func ParseLayers(s string) ([]graph.LayerID, error) {
	if l, err := ParseLayer(s); err == nil {
		return []graph.LayerID{l}, nil
	}
	var out []graph.LayerID
	for _, p := range splitList(s, true) {
		l, err := ParseLayer(p)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out, nil
}

// splitList splits a list cell on , 、 ; ／ and line breaks (and on / ・ and
// spaces when loose is set).
func splitList(s string, loose bool) []string {
	s = norm.NFKC.String(s)
	seps := ",、;\n\r"
	if loose {
		seps += "/・ 　"
	}
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var componentWords = map[string]graph.Component{
	"organization": graph.Organization, "organisation": graph.Organization, "org": graph.Organization, "ソシキ": graph.Organization, "組織": graph.Organization, "そしき": graph.Organization,
	"people": graph.People, "person": graph.People, "peo": graph.People, "human": graph.People, "ヒト": graph.People, "人": graph.People, "ひと": graph.People, "人員": graph.People,
	"things": graph.Things, "thing": graph.Things, "com": graph.Things, "components": graph.Things, "component": graph.Things, "モノ": graph.Things, "物": graph.Things, "もの": graph.Things, "機器": graph.Things,
	"data": graph.Data, "dat": graph.Data, "データ": graph.Data, "情報": graph.Data,
	"procedures": graph.Procedures, "procedure": graph.Procedures, "pro": graph.Procedures, "プロシージャ": graph.Procedures, "手続": graph.Procedures, "手続き": graph.Procedures, "手順": graph.Procedures,
	"systems": graph.Systems, "system": graph.Systems, "sys": graph.Systems, "システム": graph.Systems,
}

// ParseComponent reads a CPSF component in Japanese (ソシキ/ヒト/モノ/データ/
// プロシージャ/システム, 組織/人/物/...), English, or the reference codes
// (ORG, PEO, COM, DAT, PRO, SYS).
func ParseComponent(s string) (graph.Component, error) {
	if c, ok := componentWords[key(s)]; ok {
		return c, nil
	}
	return "", errf("%q は CPSF の構成要素 (ソシキ/ヒト/モノ/データ/プロシージャ/システム) ではありません",
		"%q is not a CPSF component (organization/people/things/data/procedures/systems)", s)
}

var statusWords = map[string]graph.Status{
	"implemented": graph.StatusImplemented, "done": graph.StatusImplemented, "yes": graph.StatusImplemented, "実施済": graph.StatusImplemented, "実施済み": graph.StatusImplemented,
	"実施": graph.StatusImplemented, "実施している": graph.StatusImplemented, "導入済": graph.StatusImplemented, "導入済み": graph.StatusImplemented, "済": graph.StatusImplemented,
	"済み": graph.StatusImplemented, "完了": graph.StatusImplemented, "対応済": graph.StatusImplemented, "対応済み": graph.StatusImplemented, "○": graph.StatusImplemented, "◯": graph.StatusImplemented, "〇": graph.StatusImplemented,
	"partial": graph.StatusPartial, "partially": graph.StatusPartial, "partlyimplemented": graph.StatusPartial, "partiallyimplemented": graph.StatusPartial, "一部実施": graph.StatusPartial, "一部実施している": graph.StatusPartial,
	"一部": graph.StatusPartial, "一部対応": graph.StatusPartial, "一部導入": graph.StatusPartial, "△": graph.StatusPartial, "▲": graph.StatusPartial,
	"planned": graph.StatusPlanned, "plan": graph.StatusPlanned, "予定": graph.StatusPlanned, "実施予定": graph.StatusPlanned, "計画中": graph.StatusPlanned, "導入予定": graph.StatusPlanned, "検討中": graph.StatusPlanned, "対応予定": graph.StatusPlanned,
	"none": graph.StatusNone, "no": graph.StatusNone, "notimplemented": graph.StatusNone, "未実施": graph.StatusNone, "実施していない": graph.StatusNone, "未対応": graph.StatusNone,
	"未導入": graph.StatusNone, "なし": graph.StatusNone, "無": graph.StatusNone, "×": graph.StatusNone, "✕": graph.StatusNone,
	// The IPA self-check's "don't know" counts as not implemented: coverage
	// must not be assumed.
	"わからない": graph.StatusNone, "不明": graph.StatusNone, "unknown": graph.StatusNone,
}

// ParseStatus reads a control status: implemented/partial/planned/none or
// 実施済/一部実施/予定/未実施 (and ○/△/×). "わからない" counts as none.
func ParseStatus(s string) (graph.Status, error) {
	if st, ok := statusWords[key(s)]; ok {
		return st, nil
	}
	return "", errf("%q は対策状況 (実施済/一部実施/予定/未実施) ではありません",
		"%q is not a control status (implemented/partial/planned/none)", s)
}

var roleWords = map[string]graph.OrgRole{
	"self": graph.RoleSelf, "自社": graph.RoleSelf, "当社": graph.RoleSelf, "own": graph.RoleSelf,
	"supplier": graph.RoleSupplier, "仕入先": graph.RoleSupplier, "委託先": graph.RoleSupplier, "供給者": graph.RoleSupplier, "サプライヤー": graph.RoleSupplier, "取引先(供給)": graph.RoleSupplier, "外部委託先": graph.RoleSupplier, "vendor": graph.RoleSupplier, "提供元": graph.RoleSupplier, "クラウド事業者": graph.RoleSupplier,
	"customer": graph.RoleCustomer, "顧客": graph.RoleCustomer, "得意先": graph.RoleCustomer, "発注元": graph.RoleCustomer, "納入先": graph.RoleCustomer,
	"other": graph.RoleOther, "その他": graph.RoleOther,
}

// ParseRole reads an organization's role: self/supplier/customer/other or
// 自社/委託先/顧客/その他.
func ParseRole(s string) (graph.OrgRole, error) {
	if r, ok := roleWords[key(s)]; ok {
		return r, nil
	}
	return "", errf("%q は組織の役割 (自社/委託先/顧客/その他) ではありません", "%q is not an organization role (self/supplier/customer/other)", s)
}

var relWords = map[string]graph.RelType{
	"storedon": graph.RelStoredOn, "保存先": graph.RelStoredOn, "保存": graph.RelStoredOn, "保管先": graph.RelStoredOn,
	"runson": graph.RelRunsOn, "稼働先": graph.RelRunsOn, "稼働": graph.RelRunsOn, "動作環境": graph.RelRunsOn,
	"connectsto": graph.RelConnectsTo, "接続": graph.RelConnectsTo, "接続先": graph.RelConnectsTo, "通信": graph.RelConnectsTo,
	"operatedby": graph.RelOperatedBy, "運用者": graph.RelOperatedBy, "利用者": graph.RelOperatedBy, "操作者": graph.RelOperatedBy, "管理者": graph.RelOperatedBy,
	"suppliedby": graph.RelSuppliedBy, "提供元": graph.RelSuppliedBy, "供給元": graph.RelSuppliedBy, "委託先": graph.RelSuppliedBy, "保守": graph.RelSuppliedBy,
	"supplies": graph.RelSupplies, "供給": graph.RelSupplies, "納入": graph.RelSupplies,
	"ownedby": graph.RelOwnedBy, "所有": graph.RelOwnedBy, "所有者": graph.RelOwnedBy,
}

// ParseRelType reads a company relationship type: STORED_ON, RUNS_ON, ... or
// a Japanese word (保存先, 稼働先, 接続, 運用者, 提供元, 供給, 所有).
func ParseRelType(s string) (graph.RelType, error) {
	if r, ok := relWords[key(s)]; ok {
		return r, nil
	}
	return "", errf("%q は関係の種類 (STORED_ON/RUNS_ON/CONNECTS_TO/OPERATED_BY/SUPPLIED_BY/SUPPLIES/OWNED_BY) ではありません",
		"%q is not a relationship type (STORED_ON/RUNS_ON/CONNECTS_TO/OPERATED_BY/SUPPLIED_BY/SUPPLIES/OWNED_BY)", s)
}

var mappingWords = map[string]graph.RelType{
	"mapsto": graph.RelMapsTo, "対応": graph.RelMapsTo, "対応付け": graph.RelMapsTo,
	"mitigates": graph.RelMitigates, "軽減": graph.RelMitigates, "対策": graph.RelMitigates,
	"exploits": graph.RelExploits, "悪用": graph.RelExploits,
}

// ParseMappingType reads a catalog mapping type: MAPS_TO, MITIGATES or
// EXPLOITS (対応/軽減/悪用).
func ParseMappingType(s string) (graph.RelType, error) {
	if r, ok := mappingWords[key(s)]; ok {
		return r, nil
	}
	return "", errf("%q は対応の種類 (MAPS_TO/MITIGATES/EXPLOITS) ではありません", "%q is not a mapping type (MAPS_TO/MITIGATES/EXPLOITS)", s)
}
