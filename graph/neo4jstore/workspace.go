package neo4jstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph"
)

const workspaceLabel = string(graph.LabelWorkspace)

// companyLabels are the labels of a workspace's nodes.
var companyLabels = []graph.Label{graph.LabelOrganization, graph.LabelAsset}

// PutWorkspace creates or updates a workspace. Created is kept from the
// first put; a zero Created on a new workspace is set to now.
func (s *Store) PutWorkspace(ctx context.Context, w graph.Workspace) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if w.ID == "" {
		return invalidf("workspace: empty ID")
	}
	for t, v := range w.ThreatLevels {
		if t == "" || v < 1 || v > 3 {
			return invalidf("workspace %q: threat level %q = %d: want a threat ID and a level 1..3", w.ID, t, v)
		}
	}
	levels := ""
	if len(w.ThreatLevels) > 0 {
		b, err := json.Marshal(w.ThreatLevels)
		if err != nil {
			return fmt.Errorf("neo4jstore: put workspace %q: %w", w.ID, err)
		}
		levels = string(b)
	}
	created := w.Created
	if created.IsZero() {
		created = time.Now()
	}
	_, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, exec(ctx, tx, "MERGE (w:"+workspaceLabel+" {id: $id}) ON CREATE SET w.created = $created "+
			"SET w.version = $version, w.name = $name, w.formulaVariant = $formula, w.threatLevels = $levels",
			map[string]any{"id": w.ID, "created": timeParam(created), "name": w.Name, "formula": w.FormulaVariant, "levels": levels, "version": newTxID()})
	})
	if err != nil {
		return fmt.Errorf("neo4jstore: put workspace %q: %w", w.ID, err)
	}
	return nil
}

func decWorkspace(p props) (graph.Workspace, error) {
	w := graph.Workspace{ID: p.str("id"), Name: p.str("name"), FormulaVariant: p.str("formulaVariant"), Created: p.time("created")}
	if l := p.str("threatLevels"); l != "" {
		if err := json.Unmarshal([]byte(l), &w.ThreatLevels); err != nil {
			return w, fmt.Errorf("neo4jstore: workspace %q: threat levels %q: %w", w.ID, l, err)
		}
		if len(w.ThreatLevels) == 0 {
			w.ThreatLevels = nil
		}
	}
	return w, nil
}

// Workspace returns one workspace or a *graph.NotFoundError.
func (s *Store) Workspace(ctx context.Context, id string) (graph.Workspace, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := run(ctx, tx, "MATCH (w:"+workspaceLabel+" {id: $id}) RETURN properties(w) AS p", map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, &graph.NotFoundError{Kind: "workspace", ID: id}
		}
		return decWorkspace(recProps(recs[0], "p"))
	})
	if err != nil {
		return graph.Workspace{}, err
	}
	return out.(graph.Workspace), nil
}

// Workspaces lists the workspaces sorted by ID.
func (s *Store) Workspaces(ctx context.Context) ([]graph.Workspace, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := run(ctx, tx, "MATCH (w:"+workspaceLabel+") RETURN properties(w) AS p", nil)
		if err != nil {
			return nil, err
		}
		ws := make([]graph.Workspace, 0, len(recs))
		for _, r := range recs {
			w, err := decWorkspace(recProps(r, "p"))
			if err != nil {
				return nil, err
			}
			ws = append(ws, w)
		}
		slices.SortFunc(ws, func(a, b graph.Workspace) int { return strings.Compare(a.ID, b.ID) })
		return ws, nil
	})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: list workspaces: %w", err)
	}
	return out.([]graph.Workspace), nil
}

// DeleteWorkspace removes a workspace and everything in it, in one
// transaction (bounded batches inside it).
func (s *Store) DeleteWorkspace(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := wsExists(ctx, tx, id); err != nil {
			return nil, err
		}
		for _, l := range companyLabels {
			q := "MATCH (n:" + string(l) + " {workspace: $ws}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
			if err := untilNone(ctx, tx, q, map[string]any{"ws": id, "limit": s.batch}); err != nil {
				return nil, err
			}
		}
		return nil, exec(ctx, tx, "MATCH (w:"+workspaceLabel+" {id: $ws}) DELETE w", map[string]any{"ws": id})
	})
	if err != nil {
		return fmt.Errorf("neo4jstore: delete workspace %q: %w", id, err)
	}
	return nil
}

// untilNone runs a batched delete that returns its count as n until it
// deletes nothing; it returns the total.
func untilNone(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) error {
	_, err := untilNoneCount(ctx, tx, q, params)
	return err
}

func untilNoneCount(ctx context.Context, tx neo4j.ManagedTransaction, q string, params map[string]any) (int, error) {
	total := 0
	for {
		recs, err := run(ctx, tx, q, params)
		if err != nil {
			return total, err
		}
		n := recInt(recs[0], "n")
		total += n
		if n == 0 {
			return total, nil
		}
	}
}

// wsExists returns a *graph.NotFoundError when workspace id does not exist.
func wsExists(ctx context.Context, tx neo4j.ManagedTransaction, id string) error {
	recs, err := run(ctx, tx, "MATCH (w:"+workspaceLabel+" {id: $id}) RETURN w.id AS id", map[string]any{"id": id})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return &graph.NotFoundError{Kind: "workspace", ID: id}
	}
	return nil
}
