package importers

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
)

// Mapping is a user-supplied file (YAML or JSON) for layouts the built-in
// aliases do not know:
//
//	headers:            # header text -> field key (see Specs)
//	  保管場所: media
//	  機密度: confidentiality
//	media:              # medium rules, tried before DefaultMedia
//	  - match: [NAS, ファイルサーバ]
//	    component: systems
//	    layers: [L3]
//	  - match: [kintone]
//	    component: systems
//	    layers: [L1, L3]
//	    supplier: cybozu          # organization ID, or "*" for one per medium
//	skip_sheets: [記入例, 集計]   # sheet names (or parts of them) to skip
//	owner: acme                 # organization that owns register assets
type Mapping struct {
	Headers    map[string]string `json:"headers" yaml:"headers"`
	Media      []Medium          `json:"media" yaml:"media"`
	SkipSheets []string          `json:"skip_sheets" yaml:"skip_sheets"`
	Owner      string            `json:"owner" yaml:"owner"`
}

// LoadMapping reads a mapping file; the extension (.json, .yaml, .yml)
// chooses the format.
func LoadMapping(path string) (*Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("importers: mapping file: %w", err)
	}
	var m Mapping
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		err = dec.Decode(&m)
	default:
		err = yaml.UnmarshalWithOptions(b, &m, yaml.Strict())
	}
	if err != nil {
		return nil, fmt.Errorf("importers: mapping file %s: %w", path, err)
	}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("importers: mapping file %s: %w", path, err)
	}
	return &m, nil
}

// Validate checks that every header maps to a known field and every medium
// rule to a component and valid layers.
func (m *Mapping) Validate() error {
	if m == nil {
		return nil
	}
	for h, fk := range m.Headers {
		known := false
		for _, s := range Specs {
			if s.Field(fk) != nil {
				known = true
				break
			}
		}
		if !known {
			return fmt.Errorf("header %q maps to unknown field %q (known fields: %s)", h, fk, strings.Join(fieldKeys(), ", "))
		}
	}
	for i, r := range m.Media {
		if len(r.Match) == 0 {
			return fmt.Errorf("media rule %d: no match words", i+1)
		}
		c, err := ParseComponent(string(r.Component))
		if err != nil {
			return fmt.Errorf("media rule %d (%s): %w", i+1, r.Match[0], err)
		}
		m.Media[i].Component = c
		if len(r.Layers) == 0 {
			return fmt.Errorf("media rule %d (%s): no layers", i+1, r.Match[0])
		}
		for j, l := range r.Layers {
			lid, err := ParseLayer(string(l))
			if err != nil {
				return fmt.Errorf("media rule %d (%s): %w", i+1, r.Match[0], err)
			}
			m.Media[i].Layers[j] = lid
		}
		slices.Sort(m.Media[i].Layers)
		m.Media[i].Layers = slices.Compact(m.Media[i].Layers)
	}
	return nil
}

func fieldKeys() []string {
	var out []string
	for _, s := range Specs {
		for _, fl := range s.Fields {
			if !slices.Contains(out, fl.Key) {
				out = append(out, fl.Key)
			}
		}
	}
	slices.Sort(out)
	return out
}

// skipSheet tells whether a sheet is skipped by name: the register's
// filled-in example (台帳記入例), documentation sheets (説明, About,
// 利用方法), the IPA risk-analysis workbook's working sheets (脅威の状況,
// 対策状況チェック, 診断結果) and sheets the mapping lists.
func (m *Mapping) skipSheet(name string) bool {
	k := key(name)
	words := []string{"記入例", "example", "sample", "サンプル", "説明", "about", "readme", "利用方法", "使い方",
		// the IPA risk-analysis workbook's own working sheets
		"脅威の状況", "対策状況チェック", "診断結果"}
	if m != nil {
		words = append(words, m.SkipSheets...)
	}
	for _, w := range words {
		if wk := key(w); wk != "" && strings.Contains(k, wk) {
			return true
		}
	}
	return false
}
