package graph

import "fmt"

// This file holds IPA's SME risk-analysis method (中小企業の情報セキュリティ
// 対策ガイドライン, リスク分析シート), as summarised in
// shared/reference/guidelines/ipa_risk_sheet.md sections 3 and 4.

// DamageLikelihood is 被害発生可能性 (1..3), looked up from threat likelihood
// t (脅威の起こりやすさ) and exploitability v (脆弱性のつけ込みやすさ), both
// 1..3. It is IPA's table, not a product:
//
//	t\v  3 2 1
//	 3   3 2 1
//	 2   2 1 1
//	 1   1 1 1
func DamageLikelihood(t, v int) int {
	switch {
	case t == 3 && v == 3:
		return 3
	case t == 3 && v == 2, t == 2 && v == 3:
		return 2
	default:
		return 1
	}
}

// RiskValue is リスク値 = 重要度 x 被害発生可能性, one of 1, 2, 3, 4, 6, 9.
func RiskValue(importance, damage int) int { return importance * damage }

// Band is a risk band of IPA's table: 大 (6..9), 中 (4), 小 (1..3; IPA's
// label for 1..3 is not verified in our reference, the band is inferred).
type Band string

// Risk bands.
const (
	BandHigh   Band = "high"   // 大
	BandMedium Band = "medium" // 中
	BandLow    Band = "low"    // 小
)

// BandOf returns the band of a risk value.
func BandOf(risk int) Band {
	switch {
	case risk >= 6:
		return BandHigh
	case risk >= 4:
		return BandMedium
	default:
		return BandLow
	}
}

// LabelJA returns the band's Japanese label (大, 中, 小).
func (b Band) LabelJA() string {
	switch b {
	case BandHigh:
		return "大"
	case BandMedium:
		return "中"
	}
	return "小"
}

// Score is the IPA score of one (threat, asset) pair.
type Score struct {
	Importance     int  // 重要度 1..3
	Likelihood     int  // 脅威の起こりやすさ t 1..3
	Exploitability int  // 脆弱性のつけ込みやすさ v 1..3
	Damage         int  // 被害発生可能性 1..3 (lookup)
	Risk           int  // リスク値
	Band           Band // 大/中/小
}

// NewScore scores a pair from importance, threat likelihood and
// exploitability, each clamped to 1..3.
func NewScore(importance, t, v int) Score {
	importance, t, v = clamp3(importance), clamp3(t), clamp3(v)
	d := DamageLikelihood(t, v)
	r := RiskValue(importance, d)
	return Score{Importance: importance, Likelihood: t, Exploitability: v, Damage: d, Risk: r, Band: BandOf(r)}
}

func (s Score) String() string {
	return fmt.Sprintf("importance %d, t %d, v %d, damage %d, risk %d (%s)", s.Importance, s.Likelihood, s.Exploitability, s.Damage, s.Risk, s.Band)
}

func clamp3(x int) int { return min(max(x, 1), 3) }

// CoverageStatus is the coverage of one hop of a path for one threat.
type CoverageStatus string

// Coverage statuses.
const (
	Covered       CoverageStatus = "covered"   // every applicable risk source fully covered
	PartlyCovered CoverageStatus = "partial"   // some coverage, not all
	Uncovered     CoverageStatus = "uncovered" // no coverage at all
	NotApplicable CoverageStatus = "n/a"       // the threat exploits nothing at this node
)

// Exploitability turns a hop's coverage into IPA's 脆弱性のつけ込みやすさ:
// 1 all covered, 2 partly, 3 none.
func (c CoverageStatus) Exploitability() int {
	switch c {
	case Covered:
		return 1
	case PartlyCovered:
		return 2
	}
	return 3
}
