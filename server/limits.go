package server

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"cpsfgraph/graph"
	"cpsfgraph/server/gql"
	"cpsfgraph/server/gql/generated"
	"cpsfgraph/server/gql/model"
)

// complexity returns the cost model of the schema: a connection costs
// first x the cost of what each node selects (STYLE.md 4), lists without
// paging cost an estimate of their length x their child, and the analyses
// cost a fixed amount for the work they do in the store.
func complexity() generated.ComplexityRoot {
	var c generated.ComplexityRoot
	page := func(first *int) int {
		if first == nil {
			return gql.DefaultFirst
		}
		return max(*first, 1)
	}
	conn := func(child int, first *int) int { return 1 + page(first)*child }
	list := func(n int) func(int) int { return func(child int) int { return 1 + n*child } }

	c.Query.Assets = func(child int, _ string, _ *model.AssetFilter, first *int, _ *string) int { return conn(child, first) }
	c.Query.AuditLog = func(child int, _ string, first *int, _ *string) int { return conn(child, first) }
	c.Query.Organizations = func(child int, _ string) int { return 1 + 50*child }
	c.Query.Workspaces = list(50)
	c.Query.Tokens = func(child int, _ string) int { return 1 + 50*child }
	c.Query.ThreatsReaching = func(child int, _, _ string, _ *int, paths *int) int {
		p := graph.DefaultPathLimit
		if paths != nil {
			p = max(*paths, 1)
		}
		return 100 + p*child // AssetReach.threats counts the threats
	}
	c.Query.AssetsReachedBy = func(child int, _, _ string, _ *int) int { return 200 + child }
	c.Query.IpaHeatmap = func(child int, _ string, _ *int) int { return 1000 + child }
	c.Query.CpsfHeatmap = func(child int, _ string, _ *int) int { return 1000 + child }
	c.Query.SupplyHeatmap = func(child int, _ string) int { return 200 + child }
	c.Query.Coverage = func(child int, _, _ string, _ *int) int { return 1000 + child }

	c.Catalog.Mappings = func(child int, _ *graph.RelType, first *int, _ *string) int { return conn(child, first) }
	c.Catalog.Controls = func(child int, _ *string) int { return 1 + 100*child }
	c.Catalog.RiskSources = list(100)
	c.Catalog.Requirements = list(100)
	c.Catalog.Threats = list(20)
	c.Catalog.Incidents = list(50)
	c.Catalog.Frameworks = list(10)
	c.Catalog.Completeness = list(20)
	c.Framework.Controls = list(50)
	c.Control.Mappings = list(10)
	c.Requirement.Mappings = list(10)
	c.RiskSource.Mappings = list(10)
	c.Threat.Mappings = list(10)

	c.Asset.Controls = list(10)
	c.Asset.Neighbours = list(10)
	c.Organization.Controls = list(50)

	c.AssetReach.Threats = list(10)
	c.ThreatReach.Paths = list(1) // counted by threatsReaching's paths
	c.Path.Hops = list(5)
	c.Hop.Gaps = list(3)
	c.Hop.Covering = list(3)
	c.Hop.RiskSources = list(3)
	c.Gap.Controls = list(3)
	c.Gap.Requirements = list(3)
	c.BlastRadius.Assets = func(child int, first *int, _ *string) int { return conn(child, first) }
	c.IPAHeatmap.Cells = list(9)
	c.IPACell.Pairs = func(child int, first *int, _ *string) int { return conn(child, first) }
	c.CPSFHeatmap.Cells = list(18)
	c.CPSFCell.Pairs = func(child int, first *int, _ *string) int { return conn(child, first) }
	c.SupplyHeatmap.Rows = list(50)
	c.SupplyRow.Cells = list(4)
	c.FrameworkCoverage.Controls = list(50)
	c.FrameworkCoverage.Organizations = list(50)
	c.FrameworkCoverage.Cells = list(18)
	c.ControlCoverage.Statuses = list(50)
	c.OrgReadiness.Missing = list(50)
	c.CellCoverage.Controls = list(20)
	return c
}

// depthLimit refuses operations nested deeper than max fields. Fragments
// add no depth of their own; introspection fields (__schema, __type) are
// not counted, so GraphiQL's introspection query passes.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                          { return "DepthLimit" }
func (depthLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	if n := depth(rc.Operation.SelectionSet, map[string]bool{}); n > d.max {
		return &gqlerror.Error{Message: "operation is nested " + itoa(n) + " fields deep; the limit is " + itoa(d.max),
			Extensions: map[string]any{"code": string(gql.CodeBadInput), "reason": "DEPTH_LIMIT"}}
	}
	return nil
}

func depth(set ast.SelectionSet, seen map[string]bool) int {
	deepest := 0
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			deepest = max(deepest, 1+depth(s.SelectionSet, seen))
		case *ast.InlineFragment:
			deepest = max(deepest, depth(s.SelectionSet, seen))
		case *ast.FragmentSpread:
			if seen[s.Name] || s.Definition == nil {
				continue
			}
			seen[s.Name] = true
			deepest = max(deepest, depth(s.Definition.SelectionSet, seen))
			delete(seen, s.Name)
		}
	}
	return deepest
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
