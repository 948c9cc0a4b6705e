// Package graph is cpsfgraph's knowledge graph: the domain types of the CPSF
// risk model, the Store contract every backend implements, and the risk
// analysis (entry, reach, coverage, IPA scores, heat-maps) written once for
// all stores.
//
// The package has no transport or storage concerns: it imports neither the
// server nor the importers, and the stores import it, not the other way round.
package graph

// This file declares the graph schema once (labels, relationship types,
// property values). Stores, importers and the API read the names from here.

// Label is a node label.
type Label string

// Node labels. Catalog labels are global; company labels carry a workspace.
const (
	LabelLayer        Label = "Layer"
	LabelComponent    Label = "Component"
	LabelIncident     Label = "Incident"
	LabelRiskSource   Label = "RiskSource"
	LabelRequirement  Label = "Requirement"
	LabelFramework    Label = "Framework"
	LabelControl      Label = "Control"
	LabelThreat       Label = "Threat"
	LabelWorkspace    Label = "Workspace"
	LabelOrganization Label = "Organization"
	LabelAsset        Label = "Asset"
)

// RelType is a relationship type.
type RelType string

// Catalog relationship types.
const (
	RelInLayer     RelType = "IN_LAYER"     // (RiskSource)->(Layer)
	RelOnComponent RelType = "ON_COMPONENT" // (RiskSource)->(Component)
	RelCauses      RelType = "CAUSES"       // (RiskSource)->(Incident)
	RelMitigates   RelType = "MITIGATES"    // (Requirement|Control)->(RiskSource)
	RelMapsTo      RelType = "MAPS_TO"      // (Control)->(Requirement)
	RelInFramework RelType = "IN_FRAMEWORK" // (Control)->(Framework)
	RelExploits    RelType = "EXPLOITS"     // (Threat)->(RiskSource)
)

// Company relationship types. The comment gives the direction in which
// compromise flows (DESIGN.md section 2).
const (
	RelStoredOn    RelType = "STORED_ON"    // (a)->(b): b -> a
	RelRunsOn      RelType = "RUNS_ON"      // (a)->(b): b -> a
	RelConnectsTo  RelType = "CONNECTS_TO"  // (a)->(b): both ways
	RelOperatedBy  RelType = "OPERATED_BY"  // (a)->(p): p -> a
	RelSuppliedBy  RelType = "SUPPLIED_BY"  // (a)->(o): o -> a
	RelSupplies    RelType = "SUPPLIES"     // (o1)->(o2): o1 -> o2
	RelOwnedBy     RelType = "OWNED_BY"     // (a)->(o): no flow
	RelImplements  RelType = "IMPLEMENTS"   // (o)->(Control) {status}
	RelProtectedBy RelType = "PROTECTED_BY" // (a)->(Control) {status}
)

// EdgeTypes lists the company relationship types that an Edge may carry
// (control statuses are ControlStatus values, not edges).
var EdgeTypes = []RelType{RelStoredOn, RelRunsOn, RelConnectsTo, RelOperatedBy, RelSuppliedBy, RelSupplies, RelOwnedBy}

// Flow tells how compromise flows along an edge of type t from (a) to (b):
// forward (a -> b), backward (b -> a), both, or none.
type Flow int

// Flow values.
const (
	FlowNone Flow = iota
	FlowForward
	FlowBackward
	FlowBoth
)

// FlowOf returns the compromise-flow direction of a relationship type.
func FlowOf(t RelType) Flow {
	switch t {
	case RelStoredOn, RelRunsOn, RelOperatedBy, RelSuppliedBy:
		return FlowBackward
	case RelSupplies:
		return FlowForward
	case RelConnectsTo:
		return FlowBoth
	default:
		return FlowNone
	}
}

// ValidEdgeType reports whether t is a company relationship type.
func ValidEdgeType(t RelType) bool {
	for _, e := range EdgeTypes {
		if e == t {
			return true
		}
	}
	return false
}

// Property keys shared by the stores (Neo4j property names, file fields).
const (
	PropWorkspace = "workspace"
	PropID        = "id"
	PropSource    = "source"
	PropRun       = "run"
	PropFirstSeen = "firstSeen"
	PropLastSeen  = "lastSeen"
	PropStatus    = "status"
	PropRationale = "rationale"
)

// SourceCpsfgraph marks catalog content authored by this project, as opposed
// to content taken from an official document.
const SourceCpsfgraph = "cpsfgraph"
