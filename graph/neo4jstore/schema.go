package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph"
)

// SchemaVersion is the version of the Neo4j layout this binary writes. It is
// stored in the database on the one :CpsfgraphSchema node.
const SchemaVersion = 2

// ErrNewerSchema is wrapped by the error Open and Migrate return for a store
// written by a newer cpsfgraph.
var ErrNewerSchema = errors.New("store schema is newer than this binary")

// Internal labels and relationship-property names of this package (the
// graph's own labels and types come from graph/schema.go).
const (
	labelSchema = "CpsfgraphSchema"
	schemaKey   = "cpsfgraph"

	propHash   = "contentHash" // content hash: compares a put with what is stored
	propTx     = "writeTx"     // ID of the Write that last touched the item
	propText   = "searchText"  // lower-cased ID, name, category, media (AssetQuery.Text)
	propImp    = "effectiveImportance"
	propFw     = "framework" // control framework on status relationships
	propCtl    = "control"   // control ID on status relationships
	propKind   = "kind"
	propIDKey  = "idKey" // the ID in an encoding whose Cypher order is Go's byte order (see idKey)
	propFromID = "from"  // mapping keys on catalog relationships
	propToID   = "to"
)

// statusRels are the relationship types of control statuses.
var statusRels = []graph.RelType{graph.RelImplements, graph.RelProtectedBy}

// constraints and indexes, created idempotently at every Open. Names are
// fixed so that IF NOT EXISTS recognizes them.
func schemaStatements() []string {
	stmts := []string{
		"CREATE CONSTRAINT cpsfgraph_schema_key IF NOT EXISTS FOR (n:" + labelSchema + ") REQUIRE n.key IS UNIQUE",
		"CREATE CONSTRAINT cpsfgraph_workspace_id IF NOT EXISTS FOR (n:" + string(graph.LabelWorkspace) + ") REQUIRE n.id IS UNIQUE",
		"CREATE CONSTRAINT cpsfgraph_control_key IF NOT EXISTS FOR (n:" + string(graph.LabelControl) + ") REQUIRE (n.framework, n.id) IS UNIQUE",
	}
	for _, l := range []graph.Label{graph.LabelLayer, graph.LabelComponent, graph.LabelIncident, graph.LabelRiskSource,
		graph.LabelRequirement, graph.LabelFramework, graph.LabelThreat} {
		stmts = append(stmts, fmt.Sprintf("CREATE CONSTRAINT cpsfgraph_%s_id IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE", l, l))
	}
	for _, l := range []graph.Label{graph.LabelOrganization, graph.LabelAsset} {
		stmts = append(stmts,
			fmt.Sprintf("CREATE CONSTRAINT cpsfgraph_%s_key IF NOT EXISTS FOR (n:%s) REQUIRE (n.workspace, n.id) IS UNIQUE", l, l),
			fmt.Sprintf("CREATE INDEX cpsfgraph_%s_source IF NOT EXISTS FOR (n:%s) ON (n.workspace, n.source)", l, l))
	}
	stmts = append(stmts, "CREATE INDEX cpsfgraph_Asset_component IF NOT EXISTS FOR (n:"+string(graph.LabelAsset)+") ON (n.workspace, n.component)",
		"CREATE INDEX cpsfgraph_Asset_idKey IF NOT EXISTS FOR (n:"+string(graph.LabelAsset)+") ON (n.workspace, n."+propIDKey+")")
	for _, t := range append(append([]graph.RelType(nil), graph.EdgeTypes...), statusRels...) {
		stmts = append(stmts, fmt.Sprintf("CREATE INDEX cpsfgraph_%s_source IF NOT EXISTS FOR ()-[r:%s]-() ON (r.workspace, r.source)", t, t))
	}
	return stmts
}

// migrations[i] upgrades a store at version i to version i+1. Version 0 is
// a database without a schema node: empty, or written before versioning.
var migrations = []func(ctx context.Context, s *Store) error{
	// 0 -> 1: the constraints and indexes of schemaStatements (created by
	// ensureSchema just before); nothing to convert.
	func(ctx context.Context, s *Store) error { return nil },
	// 1 -> 2: assets get idKey, so that asset pages follow Go's byte order
	// of IDs (Cypher compares strings by UTF-16 code units).
	func(ctx context.Context, s *Store) error { return s.fillIDKeys(ctx) },
}

// idKey encodes id so that Cypher's string order on the result is the
// byte order of id's UTF-8 encoding (Go's order): each byte becomes the
// code point of the same value (U+0000..U+00FF, one UTF-16 unit each).
func idKey(id string) string {
	r := make([]rune, len(id))
	for i := 0; i < len(id); i++ {
		r[i] = rune(id[i])
	}
	return string(r)
}

// fillIDKeys sets idKey on the assets that lack it, in batches.
func (s *Store) fillIDKeys(ctx context.Context) error {
	for {
		out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			recs, err := run(ctx, tx, "MATCH (a:"+string(graph.LabelAsset)+") WHERE a."+propIDKey+" IS NULL RETURN elementId(a) AS e, a.id AS id LIMIT $limit",
				map[string]any{"limit": s.batch})
			if err != nil || len(recs) == 0 {
				return 0, err
			}
			rows := make([]map[string]any, len(recs))
			for i, r := range recs {
				rows[i] = map[string]any{"e": recStr(r, "e"), "k": idKey(recStr(r, "id"))}
			}
			return len(rows), exec(ctx, tx, "UNWIND $rows AS r MATCH (a) WHERE elementId(a) = r.e SET a."+propIDKey+" = r.k", map[string]any{"rows": rows})
		})
		if err != nil {
			return err
		}
		if out.(int) == 0 {
			return nil
		}
	}
}

func init() {
	if len(migrations) != SchemaVersion {
		panic("neo4jstore: migrations do not lead to SchemaVersion")
	}
}

// StoredSchemaVersion returns the schema version recorded in the database
// (0 when there is none).
func (s *Store) StoredSchemaVersion(ctx context.Context) (int, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := run(ctx, tx, "OPTIONAL MATCH (n:"+labelSchema+" {key: $key}) RETURN n.version AS v", map[string]any{"key": schemaKey})
		if err != nil {
			return 0, err
		}
		v, _ := recs[0].Get("v")
		n, _ := v.(int64)
		return int(n), nil
	})
	if err != nil {
		return 0, err
	}
	return out.(int), nil
}

// Migrate brings the database to SchemaVersion: it creates missing
// constraints and indexes and runs the upgrade steps from the stored
// version. It refuses a store whose version is newer than this binary's.
// Open calls it; it is safe to call again.
func (s *Store) Migrate(ctx context.Context) error {
	v, err := s.StoredSchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("neo4jstore: read schema version: %w", err)
	}
	if v > SchemaVersion {
		return fmt.Errorf("neo4jstore: Neo4j at %s (database %q): %w: store schema version %d is newer than this binary's %d; upgrade cpsfgraph",
			s.cfg.URI, s.dbName(), ErrNewerSchema, v, SchemaVersion)
	}
	if err := s.ensureSchema(ctx); err != nil {
		return err
	}
	for ; v < SchemaVersion; v++ {
		if err := migrations[v](ctx, s); err != nil {
			return fmt.Errorf("neo4jstore: migrate schema %d -> %d: %w", v, v+1, err)
		}
		if err := s.setSchemaVersion(ctx, v, v+1); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) dbName() string {
	if s.cfg.Database == "" {
		return "default"
	}
	return s.cfg.Database
}

// ensureSchema creates the constraints and indexes that are missing (all
// statements are IF NOT EXISTS; the ones whose name exists are skipped so
// that opening a ready store costs one query).
func (s *Store) ensureSchema(ctx context.Context) error {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		have := map[string]bool{}
		for _, q := range []string{"SHOW CONSTRAINTS YIELD name RETURN name", "SHOW INDEXES YIELD name RETURN name"} {
			recs, err := run(ctx, tx, q, nil)
			if err != nil {
				return nil, err
			}
			for _, r := range recs {
				have[recStr(r, "name")] = true
			}
		}
		return have, nil
	})
	if err != nil {
		return fmt.Errorf("neo4jstore: list schema: %w", err)
	}
	have := out.(map[string]bool)
	for _, stmt := range schemaStatements() {
		if f := strings.Fields(stmt); len(f) > 2 && have[f[2]] {
			continue
		}
		_, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return nil, exec(ctx, tx, stmt, nil)
		})
		if err != nil {
			return fmt.Errorf("neo4jstore: create schema (%s): %w", stmt, err)
		}
	}
	return nil
}

// setSchemaVersion moves the stored version from old to next; it fails if
// another process changed it meanwhile.
func (s *Store) setSchemaVersion(ctx context.Context, old, next int) error {
	_, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := run(ctx, tx, `MERGE (n:`+labelSchema+` {key: $key})
			WITH n, coalesce(n.version, 0) AS was
			SET n.version = CASE WHEN was = $old THEN $next ELSE was END
			RETURN was`, map[string]any{"key": schemaKey, "old": old, "next": next})
		if err != nil {
			return nil, err
		}
		was, _ := recs[0].Get("was")
		if w, _ := was.(int64); int(w) != old {
			return nil, fmt.Errorf("neo4jstore: schema version changed from %d to %d during the upgrade (another cpsfgraph?)", old, w)
		}
		return nil, nil
	})
	return err
}
