package graph

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// LayerID names one of CPSF's three layers. The IDs L1..L3 are this
// project's keys, not CPSF identifiers.
type LayerID string

// The three layers of CPSF.
const (
	L1 LayerID = "L1" // connections between organizations
	L2 LayerID = "L2" // connections between physical and cyber space
	L3 LayerID = "L3" // connections within cyberspace
)

// Layers lists the layers in order.
var Layers = []LayerID{L1, L2, L3}

// ValidLayer reports whether l is one of L1, L2, L3.
func ValidLayer(l LayerID) bool { return l == L1 || l == L2 || l == L3 }

// Component is one of CPSF's six components. The codes are this project's
// keys: CPSF names the components but publishes no codes we could verify.
type Component string

// The six components of CPSF.
const (
	Organization Component = "organization" // ソシキ
	People       Component = "people"       // ヒト
	Things       Component = "things"       // モノ
	Data         Component = "data"         // データ
	Procedures   Component = "procedures"   // プロシージャ
	Systems      Component = "systems"      // システム
)

// Components lists the components in CPSF's order.
var Components = []Component{Organization, People, Things, Data, Procedures, Systems}

// ValidComponent reports whether c is one of the six components.
func ValidComponent(c Component) bool { return slices.Contains(Components, c) }

// Cell is one (layer, component) cell of CPSF's 3 x 6 grid.
type Cell struct {
	Layer     LayerID
	Component Component
}

func (c Cell) String() string { return string(c.Layer) + "/" + string(c.Component) }

// AllCells lists the 18 cells of the grid, layer by layer, components in
// CPSF's order.
func AllCells() []Cell {
	cells := make([]Cell, 0, len(Layers)*len(Components))
	for _, l := range Layers {
		for _, c := range Components {
			cells = append(cells, Cell{l, c})
		}
	}
	return cells
}

// Provenance tells where a catalog item or mapping comes from. Source is an
// official document (a short citation) or SourceCpsfgraph for our own
// judgement; Verification repeats the reference data's verification status
// ("verified", "partially_verified", "unverified", ...).
type Provenance struct {
	Source       string
	Verification string
}

// Official reports whether the item comes from an official document rather
// than from this project's own judgement.
func (p Provenance) Official() bool { return p.Source != "" && p.Source != SourceCpsfgraph }

// ---- Catalog (global) ----

// LayerInfo describes a layer.
type LayerInfo struct {
	ID         LayerID
	NameEN     string
	NameJA     string
	TrustFocus string
	Provenance
}

// ComponentInfo describes a component.
type ComponentInfo struct {
	Code        Component
	NameEN      string
	NameJA      string
	Description string
	Provenance
}

// Incident is an assumed security incident of a layer.
type Incident struct {
	ID        string
	Layer     LayerID
	SummaryEN string
	SummaryJA string
	Provenance
}

// RiskSource is a threat/vulnerability pair on one layer and one component.
type RiskSource struct {
	ID              string
	Layer           LayerID
	Component       Component
	Incident        string // optional Incident ID
	ThreatEN        string
	ThreatJA        string
	VulnerabilityEN string
	VulnerabilityJA string
	Provenance
}

// Cell returns the risk source's (layer, component) cell.
func (r RiskSource) Cell() Cell { return Cell{r.Layer, r.Component} }

// Requirement is a CPSF countermeasure requirement (CPS.xx-n).
type Requirement struct {
	ID        string
	Category  string
	Function  string // Identify, Protect, Detect, Respond/Recover
	SummaryEN string
	SummaryJA string
	Provenance
}

// Framework is a control catalog (CPSF, METI management guideline, IPA SME
// guideline, SECURITY ACTION, supply-chain stars, JC-STAR, ...).
type Framework struct {
	ID      string
	NameEN  string
	NameJA  string
	Version string
	Provenance
}

// ControlRef identifies a control: its framework and its ID there.
type ControlRef struct {
	Framework string
	ID        string
}

func (c ControlRef) String() string { return c.Framework + ":" + c.ID }

// Compare orders control references by framework, then ID.
func (c ControlRef) Compare(o ControlRef) int {
	if x := strings.Compare(c.Framework, o.Framework); x != 0 {
		return x
	}
	return strings.Compare(c.ID, o.ID)
}

// ParseControlRef parses "FRAMEWORK:ID".
func ParseControlRef(s string) (ControlRef, error) {
	fw, id, ok := strings.Cut(s, ":")
	if !ok || fw == "" || id == "" {
		return ControlRef{}, fmt.Errorf("control %q: want FRAMEWORK:ID", s)
	}
	return ControlRef{fw, id}, nil
}

// Control is one item of a framework.
type Control struct {
	Framework string
	ID        string
	TitleEN   string
	TitleJA   string
	Level     string // level or star where the framework has one (★1, ★2, ...)
	Function  string // CPSF function where known
	Provenance
}

// Ref returns the control's reference.
func (c Control) Ref() ControlRef { return ControlRef{c.Framework, c.ID} }

// Threat is a threat (IPA top-10 style) with its actor class and default
// likelihood level 1..3 (脅威の起こりやすさ).
type Threat struct {
	ID     string
	NameEN string
	NameJA string
	Actor  string
	Level  int
	Provenance
}

// Mapping is a catalog relationship with its provenance and rationale.
//   - MAPS_TO:   From = control "FW:ID", To = requirement ID
//   - MITIGATES: From = requirement ID or control "FW:ID", To = risk source ID
//     (FromControl tells which)
//   - EXPLOITS:  From = threat ID, To = risk source ID
type Mapping struct {
	Type        RelType
	From        string
	To          string
	FromControl bool   // MITIGATES only: From is a control reference
	Relation    string // optional typed mapping: equal, subset, superset, intersect
	Rationale   string
	Provenance
}

// Catalog is the global catalog: structure, items and mappings.
type Catalog struct {
	Layers       []LayerInfo
	Components   []ComponentInfo
	Incidents    []Incident
	RiskSources  []RiskSource
	Requirements []Requirement
	Frameworks   []Framework
	Controls     []Control
	Threats      []Threat
	Mappings     []Mapping
}

// ---- Company graph (per workspace) ----

// Workspace is one client or assessment. No query crosses workspaces.
type Workspace struct {
	ID   string
	Name string
	// FormulaVariant names the risk formula the workspace's source sheets
	// used. FormulaIPA is the one cpsfgraph computes; any other value is
	// kept as imported and flagged, never silently rescored.
	FormulaVariant string
	// ThreatLevels overrides a threat's default likelihood (1..3).
	ThreatLevels map[string]int
	Created      time.Time
}

// FormulaIPA is IPA's SME risk-analysis method: risk = importance x damage
// likelihood, damage likelihood by lookup from (threat, vulnerability).
const FormulaIPA = "ipa-sme"

// OrgRole is an organization's role relative to the workspace's company.
type OrgRole string

// Organization roles.
const (
	RoleSelf     OrgRole = "self"
	RoleSupplier OrgRole = "supplier"
	RoleCustomer OrgRole = "customer"
	RoleOther    OrgRole = "other"
)

// ValidOrgRole reports whether r is a known role.
func ValidOrgRole(r OrgRole) bool {
	return r == RoleSelf || r == RoleSupplier || r == RoleCustomer || r == RoleOther
}

// Stamp records which import wrote a node or relationship (stamp and sweep).
type Stamp struct {
	Source    string // import source, e.g. the file name or "api"
	Run       string // import run ID
	FirstSeen time.Time
	LastSeen  time.Time
}

// Org is an organization of a workspace: the company itself, a supplier, a
// customer. In the risk model it is a node of component organization on
// layer L1.
type Org struct {
	ID   string
	Name string
	Role OrgRole
	Size string
	Stamp
}

// Asset is an asset of a workspace.
type Asset struct {
	ID           string
	Name         string
	Component    Component
	Layers       []LayerID // sorted, no duplicates
	C, I, A      int       // confidentiality, integrity, availability 1..3 (0 = not rated)
	Importance   int       // 1..3; 0 = derive from C/I/A (see Importance)
	Category     string    // business category 業務分類
	Media        string    // storage / media 媒体・保存先
	Owner        string    // owning organization ID (OWNED_BY); "" = none
	PersonalInfo []string  // personal-information kinds held
	Exposure     []string  // exposure flags (internet-facing, remote-access, ...)
	Stamp
}

// Edge is a company relationship between two nodes (assets or
// organizations) of one workspace.
type Edge struct {
	Type RelType
	From string
	To   string
	Stamp
}

// Key returns the edge's identity within its workspace.
func (e Edge) Key() EdgeKey { return EdgeKey{e.Type, e.From, e.To} }

// EdgeKey identifies an edge.
type EdgeKey struct {
	Type RelType
	From string
	To   string
}

// Status is the implementation status of a control.
type Status string

// Control statuses. Only implemented (1) and partial (1/2) count.
const (
	StatusImplemented Status = "implemented"
	StatusPartial     Status = "partial"
	StatusPlanned     Status = "planned"
	StatusNone        Status = "none"
)

// ValidStatus reports whether s is a known status.
func ValidStatus(s Status) bool {
	return s == StatusImplemented || s == StatusPartial || s == StatusPlanned || s == StatusNone
}

// Weight is how much a status counts towards coverage: 1, 1/2 or 0.
func (s Status) Weight() float64 {
	switch s {
	case StatusImplemented:
		return 1
	case StatusPartial:
		return 0.5
	}
	return 0
}

// ControlStatus is a control applied by an organization (IMPLEMENTS) or to
// one asset (PROTECTED_BY); Subject is the organization's or asset's ID.
type ControlStatus struct {
	Subject string
	Control ControlRef
	Status  Status
	Note    string
	Stamp
}

// Key returns the status's identity within its workspace.
func (s ControlStatus) Key() StatusKey { return StatusKey{s.Subject, s.Control} }

// StatusKey identifies a control status.
type StatusKey struct {
	Subject string
	Control ControlRef
}

// NodeKind tells assets from organizations in the company graph.
type NodeKind string

// Node kinds.
const (
	KindAsset NodeKind = "asset"
	KindOrg   NodeKind = "organization"
)

// NodeFacts is what the analysis needs of one company node: its place in the
// CPSF grid, its organization and the controls applied to it.
//
// For an asset, Org is its owner and Statuses its PROTECTED_BY controls. For
// an organization, Component is Organization, Layers is [L1], Org is its own
// ID and Statuses its IMPLEMENTS controls.
type NodeFacts struct {
	ID         string
	Kind       NodeKind
	Name       string
	Component  Component
	Layers     []LayerID
	Org        string
	Importance int // effective importance (assets); 0 for organizations
	Statuses   []ControlStatus
}

// InCell reports whether the node sits in cell c.
func (n *NodeFacts) InCell(c Cell) bool {
	return n.Component == c.Component && slices.Contains(n.Layers, c.Layer)
}

// OrgFacts returns the analysis view of an organization.
func OrgFacts(o Org, statuses []ControlStatus) NodeFacts {
	return NodeFacts{ID: o.ID, Kind: KindOrg, Name: o.Name, Component: Organization, Layers: []LayerID{L1}, Org: o.ID, Statuses: statuses}
}

// AssetFacts returns the analysis view of an asset.
func AssetFacts(a Asset, statuses []ControlStatus) NodeFacts {
	return NodeFacts{ID: a.ID, Kind: KindAsset, Name: a.Name, Component: a.Component, Layers: a.Layers, Org: a.Owner, Importance: a.EffectiveImportance(), Statuses: statuses}
}

// EffectiveImportance is the asset's importance 重要度: as given, or else the
// highest of its C/I/A ratings (IPA's derivation; the reference marks the
// exact rule unverified), or 1 when nothing is rated.
func (a Asset) EffectiveImportance() int {
	if a.Importance >= 1 && a.Importance <= 3 {
		return a.Importance
	}
	m := max(a.C, a.I, a.A)
	if m < 1 {
		return 1
	}
	return min(m, 3)
}
