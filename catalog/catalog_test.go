package catalog

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cpsfgraph/graph"
)

// TestMappingEndpointsExist checks that every mapping of the bundled catalog
// joins items that exist.
func TestMappingEndpointsExist(t *testing.T) {
	c := Default()
	ix := graph.NewIndex(c)
	reqs := map[string]bool{}
	for _, r := range c.Requirements {
		reqs[r.ID] = true
	}
	for _, m := range c.Mappings {
		switch m.Type {
		case graph.RelExploits:
			if ix.Threats[m.From] == nil || ix.RiskSources[m.To] == nil {
				t.Errorf("EXPLOITS %s -> %s: unknown end", m.From, m.To)
			}
		case graph.RelMitigates:
			if ix.RiskSources[m.To] == nil {
				t.Errorf("MITIGATES %s -> %s: unknown risk source", m.From, m.To)
			}
			if m.FromControl {
				ref, err := graph.ParseControlRef(m.From)
				if err != nil || ix.Controls[ref] == nil {
					t.Errorf("MITIGATES %s: unknown control", m.From)
				}
			} else if !reqs[m.From] {
				t.Errorf("MITIGATES %s: unknown requirement", m.From)
			}
		case graph.RelMapsTo:
			ref, err := graph.ParseControlRef(m.From)
			if err != nil || ix.Controls[ref] == nil || !reqs[m.To] {
				t.Errorf("MAPS_TO %s -> %s: unknown end", m.From, m.To)
			}
		default:
			t.Errorf("unexpected mapping type %s", m.Type)
		}
		if m.Source == "" || (m.Source == graph.SourceCpsfgraph && m.Rationale == "") {
			t.Errorf("mapping %s %s -> %s lacks source or rationale", m.Type, m.From, m.To)
		}
	}
	for _, th := range c.Threats {
		if len(ix.Exploits[th.ID]) == 0 {
			t.Errorf("threat %s exploits no risk source", th.ID)
		}
		if th.Level < 1 || th.Level > 3 {
			t.Errorf("threat %s level %d", th.ID, th.Level)
		}
	}
	for _, r := range c.RiskSources {
		if !strings.HasPrefix(r.ID, "CG-") || r.Source != graph.SourceCpsfgraph {
			t.Errorf("risk source %s must be marked as ours", r.ID)
		}
	}
}

func readColumn(t *testing.T, path, col string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("reference data not available: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	i := slices.Index(rows[0], col)
	if i < 0 {
		t.Fatalf("%s: no column %q", path, col)
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}

// TestIDsComeFromReference checks that no official ID is invented: every
// CPSF requirement and every guideline item of the bundled catalog appears
// in shared/reference (present beside the repository in development and CI).
func TestIDsComeFromReference(t *testing.T) {
	ref := filepath.Join("..", "..", "shared", "reference")
	if _, err := os.Stat(ref); err != nil {
		t.Skip("shared/reference not beside the repository")
	}
	c := Default()
	want := map[string][]string{
		FwCPSF:   readColumn(t, filepath.Join(ref, "cpsf", "requirements.csv"), "id"),
		FwSME5:   readColumn(t, filepath.Join(ref, "guidelines", "ipa_sme_5kajo.csv"), "id"),
		FwSME25:  readColumn(t, filepath.Join(ref, "guidelines", "ipa_sme_selfcheck25.csv"), "id"),
		FwCSMG:   readColumn(t, filepath.Join(ref, "guidelines", "meti_csmg_v3.csv"), "id"),
		FwJCSTAR: readColumn(t, filepath.Join(ref, "guidelines", "jcstar_star1.csv"), "id"),
		FwSA:     readColumn(t, filepath.Join(ref, "guidelines", "security_action.csv"), "level"),
		FwSCS:    readColumn(t, filepath.Join(ref, "guidelines", "scs_evaluation.csv"), "level"),
	}
	for _, r := range c.Requirements {
		if !slices.Contains(want[FwCPSF], r.ID) {
			t.Errorf("requirement %s is not in the reference", r.ID)
		}
	}
	for _, ctl := range c.Controls {
		ids, ok := want[ctl.Framework]
		if !ok {
			t.Errorf("control %s: framework without reference", ctl.Ref())
			continue
		}
		if !slices.Contains(ids, ctl.ID) {
			t.Errorf("control %s is not in the reference", ctl.Ref())
		}
	}
	titles := readColumn(t, filepath.Join(ref, "guidelines", "ipa_10threats_2026.csv"), "title_ja")
	for _, th := range c.Threats {
		if !slices.Contains(titles, th.NameJA) {
			t.Errorf("threat %s %q is not in the 2026 reference list", th.ID, th.NameJA)
		}
	}
	if len(c.Requirements) != 17 {
		t.Errorf("requirements = %d, want the 17 the reference verifies", len(c.Requirements))
	}
}
