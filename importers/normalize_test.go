package importers

import (
	"slices"
	"testing"
	"time"

	"cpsfgraph/graph"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  bool
	}{
		{"", 0, false}, {"1", 1, false}, {"３", 3, false}, {" 2 ", 2, false}, {"3.0", 3, false},
		{"高", 3, false}, {"中", 2, false}, {"低", 1, false}, {"H", 3, false}, {"m", 2, false}, {"Low", 1, false}, {"大", 3, false}, {"小", 1, false},
		{"4", 0, true}, {"0", 0, true}, {"-1", 0, true}, {"2.5", 0, true}, {"極高", 0, true}, {"４", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseLevel(%q) = %d, %v; want %d, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseFlag(t *testing.T) {
	tests := []struct {
		in       string
		want, ok bool
	}{
		{"○", true, true}, {"〇", true, true}, {"有", true, true}, {"あり", true, true}, {"Yes", true, true}, {"１", true, true}, {"✓", true, true},
		{"×", false, true}, {"無", false, true}, {"なし", false, true}, {"no", false, true}, {"", false, true}, {"-", false, true}, {"0", false, true},
		{"maybe", false, false}, {"△", false, false},
	}
	for _, tt := range tests {
		got, err := ParseFlag(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseFlag(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseDate(t *testing.T) {
	d := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	for _, in := range []string{"2024-04-01", "2024/4/1", "２０２４/４/１", "2024年4月1日", "令和6年4月1日", "R6.4.1", "04-01-24", "45383"} {
		got, err := ParseDate(in)
		if err != nil || !got.Equal(d) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, d)
		}
	}
	for _, in := range []string{"5年", "2024/13/1", "令和6年2月30日", "someday"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) succeeded; want an error", in)
		}
	}
}

func TestParseLayers(t *testing.T) {
	tests := []struct {
		in   string
		want []graph.LayerID
		err  bool
	}{
		{"L1", []graph.LayerID{graph.L1}, false},
		{"第3層、第１層", []graph.LayerID{graph.L1, graph.L3}, false},
		{"layer2/layer3", []graph.LayerID{graph.L2, graph.L3}, false},
		{"Layer 2", []graph.LayerID{graph.L2}, false},
		{"第二層", []graph.LayerID{graph.L2}, false},
		{"2,2,3", []graph.LayerID{graph.L2, graph.L3}, false},
		{"", nil, false},
		{"L4", nil, true},
		{"第0層", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseLayers(tt.in)
		if (err != nil) != tt.err || !slices.Equal(got, tt.want) {
			t.Errorf("ParseLayers(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseComponent(t *testing.T) {
	tests := map[string]graph.Component{
		"ソシキ": graph.Organization, "組織": graph.Organization, "ORG": graph.Organization,
		"ヒト": graph.People, "ﾋﾄ": graph.People, "people": graph.People,
		"モノ": graph.Things, "Things": graph.Things, "COM": graph.Things,
		"データ": graph.Data, "DATA": graph.Data,
		"プロシージャ": graph.Procedures, "手順": graph.Procedures,
		"システム": graph.Systems, "SYS": graph.Systems, "System": graph.Systems,
	}
	for in, want := range tests {
		if got, err := ParseComponent(in); err != nil || got != want {
			t.Errorf("ParseComponent(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "ネットワーク", "asset"} {
		if _, err := ParseComponent(in); err == nil {
			t.Errorf("ParseComponent(%q) succeeded; want an error", in)
		}
	}
}

func TestParseStatus(t *testing.T) {
	tests := map[string]graph.Status{
		"implemented": graph.StatusImplemented, "実施済": graph.StatusImplemented, "実施済み": graph.StatusImplemented, "○": graph.StatusImplemented,
		"一部実施": graph.StatusPartial, "Partial": graph.StatusPartial, "△": graph.StatusPartial,
		"予定": graph.StatusPlanned, "planned": graph.StatusPlanned, "検討中": graph.StatusPlanned,
		"未実施": graph.StatusNone, "none": graph.StatusNone, "×": graph.StatusNone, "わからない": graph.StatusNone,
	}
	for in, want := range tests {
		if got, err := ParseStatus(in); err != nil || got != want {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseStatus("たぶん"); err == nil {
		t.Error("ParseStatus(たぶん) succeeded; want an error")
	}
}

func TestMediaTable(t *testing.T) {
	mt := newMediaTable(nil)
	tests := []struct {
		in     string
		comp   graph.Component
		layers []graph.LayerID
		supp   bool
	}{
		{"書類", graph.Things, []graph.LayerID{graph.L2}, false},
		{"可搬電子媒体", graph.Things, []graph.LayerID{graph.L2}, false},
		{"USBメモリ", graph.Things, []graph.LayerID{graph.L2}, false},
		{"事務所PC", graph.Systems, []graph.LayerID{graph.L3}, false},
		{"ノートＰＣ", graph.Systems, []graph.LayerID{graph.L2, graph.L3}, false},
		{"モバイル機器", graph.Systems, []graph.LayerID{graph.L2, graph.L3}, false},
		{"社内サーバー", graph.Systems, []graph.LayerID{graph.L3}, false},
		{"社外サーバー（クラウド等）", graph.Systems, []graph.LayerID{graph.L1, graph.L3}, true},
		{"工場の制御装置", graph.Things, []graph.LayerID{graph.L2}, false},
	}
	for _, tt := range tests {
		m, ok := mt.lookup(tt.in)
		if !ok || m.Component != tt.comp || !slices.Equal(m.Layers, tt.layers) || (m.Supplier != "") != tt.supp {
			t.Errorf("medium %q = %+v, %v; want %s %v supplier %v", tt.in, m, ok, tt.comp, tt.layers, tt.supp)
		}
	}
	if _, ok := mt.lookup("金庫"); ok {
		t.Error("medium 金庫 matched a rule; want none")
	}
	user := newMediaTable([]Medium{{Match: []string{"金庫"}, Component: graph.Things, Layers: []graph.LayerID{graph.L2}}, {Match: []string{"社内サーバー"}, Component: graph.Things, Layers: []graph.LayerID{graph.L2}}})
	if m, ok := user.lookup("社内サーバー"); !ok || m.Component != graph.Things {
		t.Errorf("user rule does not override the default table: %+v", m)
	}
}

func TestEscape(t *testing.T) {
	tests := map[string]string{"=SUM(A1)": "'=SUM(A1)", "+1": "'+1", "-2": "'-2", "@x": "'@x", "\tx": "' x", "ok": "ok", "a=b": "a=b", "": ""}
	for in, want := range tests {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q; want %q", in, got, want)
		}
	}
}
