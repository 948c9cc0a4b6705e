package export

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"cpsfgraph/graph"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata (never edit them by hand)")

// golden compares v, as indented JSON, with testdata/name; -update rewrites
// the file.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./export -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the export renders now; if the change is intended, regenerate with -update and review the diff.\ngot:\n%s", path, got)
	}
}

// The golden files hold what the exports print for the demo workspace,
// one per heat-map, plus the top risks and top gaps of the one-pager.
func TestGoldenDemo(t *testing.T) {
	r := demoReport(t, JA, KindAll)
	type ipaCell struct {
		Importance, Damage, Risk int
		Band                     graph.Band
		Label                    string
		Count                    int
	}
	var ipa []ipaCell
	for _, c := range r.IPA.Cells {
		ipa = append(ipa, ipaCell{c.Importance, c.Damage, c.Risk, c.Band, r.bandLabel(c.Band), c.Count})
	}
	golden(t, "demo-ipa.golden.json", map[string]any{"pairs": r.IPA.Pairs, "totalRisk": r.TotalRisk, "cells": ipa})

	type cpsfCell struct {
		Layer                                           graph.LayerID
		Component                                       graph.Component
		Assets, Orgs, Pairs, MaxRisk, HighPairs, Assess int
		Band                                            graph.Band
		Coverage                                        string
		Requirements                                    []string
	}
	var cpsf []cpsfCell
	for _, c := range r.CPSF.Cells {
		cpsf = append(cpsf, cpsfCell{c.Layer, c.Component, c.Assets, c.Orgs, c.Pairs, c.MaxRisk, c.HighPairs, c.Assessed, c.Band, pct(c.Coverage), c.Requirements})
	}
	golden(t, "demo-cpsf.golden.json", cpsf)

	type supplyRow struct {
		Org, Role, Tier string
		Supplied        int
		Coverage        map[string]string
	}
	var supply []supplyRow
	for _, row := range r.Supply.Rows {
		s := supplyRow{Org: row.Org.ID, Role: r.roleLabel(row.Org.Role), Tier: r.tierLabel(row.Tier), Supplied: row.AssetsSupplied, Coverage: map[string]string{}}
		for _, c := range row.Cells {
			s.Coverage[c.Function] = pct(c.Coverage)
		}
		supply = append(supply, s)
	}
	golden(t, "demo-supply.golden.json", supply)

	type top struct {
		Risk            int
		Threat, Asset   string
		Path            []string
		Entry           graph.CoverageStatus
		GapRiskSources  string
		GapRequirements string
	}
	var tops []top
	for _, p := range r.Pairs[:min(10, len(r.Pairs))] {
		tops = append(tops, top{p.Score.Risk, p.Threat, p.Asset, p.Path, p.EntryStatus, gapRiskSources(p.Gaps), gapRequirements(p.Gaps)})
	}
	golden(t, "demo-onepager.golden.json", map[string]any{"topRisks": tops, "topGaps": r.TopGaps})
}

func pct(x float64) string {
	b, _ := json.Marshal(float64(int(x*1000+0.5)) / 10)
	return string(b) + "%"
}
