package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph"
)

var _ graph.EnvReader = (*Store)(nil)

// ReadEnv implements graph.EnvReader: the workspace, the catalog, the
// organizations and their statuses in one read transaction, whose first
// query also reads the version tokens; while they are unchanged the rest
// comes from the caches, so an analysis starts with one query, not four
// transactions.
func (s *Store) ReadEnv(ctx context.Context, ws string) (graph.Workspace, *graph.Catalog, []graph.Org, []graph.ControlStatus, error) {
	type env struct {
		w    graph.Workspace
		cat  *graph.Catalog
		orgs []graph.Org
		sts  []graph.ControlStatus
	}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := run(ctx, tx, "MATCH (w:"+workspaceLabel+" {id: $ws}) OPTIONAL MATCH (c:"+labelSchema+" {key: $key}) "+
			"RETURN properties(w) AS p, coalesce(w.version, '') AS v, coalesce(c.catalogVersion, '') AS cv", map[string]any{"ws": ws, "key": schemaKey})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, &graph.NotFoundError{Kind: "workspace", ID: ws}
		}
		var e env
		if e.w, err = decWorkspace(recProps(recs[0], "p")); err != nil {
			return nil, err
		}
		if e.cat, err = s.catalogIn(ctx, tx, recStr(recs[0], "cv")); err != nil {
			return nil, fmt.Errorf("neo4jstore: read catalog: %w", err)
		}
		version := recStr(recs[0], "v")
		if e.orgs, err = s.orgsIn(ctx, tx, ws, version); err != nil {
			return nil, err
		}
		if e.sts, err = s.statusesIn(ctx, tx, ws, version, graph.OrgIDs(e.orgs)); err != nil {
			return nil, err
		}
		return e, nil
	})
	if err != nil {
		return graph.Workspace{}, nil, nil, nil, err
	}
	e := out.(env)
	return e.w, e.cat, e.orgs, e.sts, nil
}
