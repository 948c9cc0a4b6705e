package neo4jstore

// Validation and staging of a Write, with the same rules and messages as
// graph/memstore (write.go there; graph/validate.go holds the shared
// checks): both stores must accept and reject the same input.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"cpsfgraph/graph"
)

// txn stages one Write: the run's upserts and removals in the order they
// came, the later of two puts of the same key winning.
type txn struct {
	spec     graph.WriteSpec
	now      time.Time
	controls map[graph.ControlRef]bool
	err      error // first put error; sticks

	orgs        map[string]*graph.Org
	orgOrder    []string
	assets      map[string]*graph.Asset
	assetOrder  []string
	edges       map[graph.EdgeKey]*graph.Edge // nil = remove
	edgeOrder   []graph.EdgeKey
	statuses    map[graph.StatusKey]*graph.ControlStatus // nil = remove
	statusOrder []graph.StatusKey
}

func newTxn(spec graph.WriteSpec, now time.Time, controls map[graph.ControlRef]bool) *txn {
	return &txn{
		spec: spec, now: now, controls: controls,
		orgs: map[string]*graph.Org{}, assets: map[string]*graph.Asset{},
		edges: map[graph.EdgeKey]*graph.Edge{}, statuses: map[graph.StatusKey]*graph.ControlStatus{},
	}
}

// put validates and stages one batch. Items are copied: the caller may
// reuse the batch.
func (t *txn) put(b graph.Batch) error {
	if t.err != nil {
		return t.err
	}
	if err := t.stage(b); err != nil {
		t.err = err
		return err
	}
	return nil
}

func (t *txn) stamp() graph.Stamp {
	return graph.Stamp{Source: t.spec.Source, Run: t.spec.Run, LastSeen: t.now}
}

func (t *txn) stage(b graph.Batch) error {
	for _, o := range b.Orgs {
		if err := graph.CheckOrg(&o); err != nil {
			return err
		}
		o.Stamp = t.stamp()
		if _, ok := t.orgs[o.ID]; !ok {
			t.orgOrder = append(t.orgOrder, o.ID)
		}
		t.orgs[o.ID] = &o
	}
	for i := range b.Assets {
		a, err := graph.NormalizeAsset(&b.Assets[i])
		if err != nil {
			return err
		}
		a.Stamp = t.stamp()
		if _, ok := t.assets[a.ID]; !ok {
			t.assetOrder = append(t.assetOrder, a.ID)
		}
		t.assets[a.ID] = &a
	}
	for _, e := range b.Edges {
		if !graph.ValidEdgeType(e.Type) {
			return invalidf("edge %s %q -> %q: type %q is not a company relationship type", e.Type, e.From, e.To, e.Type)
		}
		e.Stamp = t.stamp()
		t.stageEdge(e.Key(), &e)
	}
	for _, c := range b.Statuses {
		if !graph.ValidStatus(c.Status) {
			return invalidf("status of %q on control %s: status %q is not implemented, partial, planned or none", c.Subject, c.Control, c.Status)
		}
		if !t.controls[c.Control] {
			return invalidf("status of %q on control %s: control %s is not in the catalog", c.Subject, c.Control, c.Control)
		}
		c.Stamp = t.stamp()
		t.stageStatus(c.Key(), &c)
	}
	for _, k := range b.RemoveEdges {
		t.stageEdge(k, nil)
	}
	for _, k := range b.RemoveStatuses {
		t.stageStatus(k, nil)
	}
	return nil
}

func (t *txn) stageEdge(k graph.EdgeKey, e *graph.Edge) {
	if _, ok := t.edges[k]; !ok {
		t.edgeOrder = append(t.edgeOrder, k)
	}
	t.edges[k] = e
}

func (t *txn) stageStatus(k graph.StatusKey, c *graph.ControlStatus) {
	if _, ok := t.statuses[k]; !ok {
		t.statusOrder = append(t.statusOrder, k)
	}
	t.statuses[k] = c
}

// maxErrors bounds the reference errors one write reports.
const maxErrors = 20

// nodeKinds says which IDs are organizations and assets of the workspace
// once the run's puts are applied (before the sweep).
type nodeKinds struct {
	orgs, assets map[string]bool
}

func (k *nodeKinds) isOrg(id string) bool  { return k.orgs[id] }
func (k *nodeKinds) exists(id string) bool { return k.orgs[id] || k.assets[id] }

// check verifies the references of everything the run put.
func (t *txn) check(d *nodeKinds) error {
	var errs []error
	add := func(err error) bool {
		errs = append(errs, err)
		return len(errs) < maxErrors
	}
	for _, id := range t.orgOrder {
		if d.assets[id] {
			if !add(invalidf("organization %q: an asset has the same ID (assets and organizations share one ID space)", id)) {
				break
			}
		}
	}
	for _, id := range t.assetOrder {
		a := t.assets[id]
		if d.orgs[id] {
			if !add(invalidf("asset %q: an organization has the same ID (assets and organizations share one ID space)", id)) {
				break
			}
		}
		if a.Owner != "" && !d.orgs[a.Owner] {
			if !add(invalidf("asset %q: owner %q is not an organization of the workspace", id, a.Owner)) {
				break
			}
		}
	}
	for _, k := range t.edgeOrder {
		if t.edges[k] == nil {
			continue
		}
		what := fmt.Sprintf("edge %s %q -> %q", k.Type, k.From, k.To)
		var err error
		switch {
		case !d.exists(k.From):
			err = invalidf("%s: node %q is not in the workspace", what, k.From)
		case !d.exists(k.To):
			err = invalidf("%s: node %q is not in the workspace", what, k.To)
		case k.Type == graph.RelSupplies && !d.isOrg(k.From):
			err = invalidf("%s: SUPPLIES links organizations; %q is an asset", what, k.From)
		case (k.Type == graph.RelSupplies || k.Type == graph.RelSuppliedBy || k.Type == graph.RelOwnedBy) && !d.isOrg(k.To):
			err = invalidf("%s: %s must point to an organization; %q is an asset", what, k.Type, k.To)
		}
		if err != nil && !add(err) {
			break
		}
	}
	for _, k := range t.statusOrder {
		if t.statuses[k] == nil {
			continue
		}
		if !d.exists(k.Subject) {
			if !add(invalidf("status of %q on control %s: %q is not an asset or organization of the workspace", k.Subject, k.Control, k.Subject)) {
				break
			}
		}
	}
	return errors.Join(errs...)
}

// ---- content hashes: equal hashes = memstore's sameOrg / sameAsset / sameStatus ----

func hashOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs of strings and ints
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

func orgHash(o *graph.Org) string {
	return hashOf([]any{o.ID, o.Name, o.Role, o.Size})
}

func assetHash(a *graph.Asset) string {
	return hashOf([]any{a.ID, a.Name, a.Component, a.Layers, a.C, a.I, a.A, a.Importance, a.Category, a.Media, a.Owner, a.PersonalInfo, a.Exposure})
}

func statusHash(c *graph.ControlStatus) string {
	return hashOf([]any{c.Subject, c.Control.Framework, c.Control.ID, c.Status, c.Note})
}

// assetText is the lower-cased searchable text of an asset (AssetQuery.Text).
func assetText(a *graph.Asset) string {
	return strings.ToLower(a.ID + "\x00" + a.Name + "\x00" + a.Category + "\x00" + a.Media)
}
