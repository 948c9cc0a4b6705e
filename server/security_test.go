package server_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cpsfgraph/graph"
	"cpsfgraph/internal/demo"
	"cpsfgraph/server"
	"cpsfgraph/server/auth"
)

const setStatus = `mutation($s: String!) { setControlStatus(input: {workspace: "demo", subject: "MINATO", control: "IPA-SME-5:1", status: IMPLEMENTED, note: $s}) { subject status control { ref } } }`

func TestRoles(t *testing.T) {
	tests := []struct {
		name, token, op string
		vars            map[string]any
		wantCode        string // "" = success
		writes          bool
	}{
		{"viewer reads", "viewer", `{ assets(workspace: "demo", first: 1) { totalCount } }`, nil, "", false},
		{"viewer cannot set a status", "viewer", setStatus, map[string]any{"s": "x"}, "FORBIDDEN", false},
		{"viewer cannot add an edge", "viewer", `mutation { addRelationship(input: {workspace: "demo", type: CONNECTS_TO, from: "PC-CAD", to: "WEB"}) { type } }`, nil, "FORBIDDEN", false},
		{"viewer cannot issue tokens", "viewer", `mutation { issueToken(input: {workspace: "demo", role: ADMIN, name: "x"}) { token } }`, nil, "FORBIDDEN", false},
		{"viewer cannot read the audit log", "viewer", `{ auditLog(workspace: "demo") { totalCount } }`, nil, "FORBIDDEN", false},
		{"analyst sets a status", "analyst", setStatus, map[string]any{"s": "by analyst"}, "", true},
		{"analyst adds an edge", "analyst", `mutation { addRelationship(input: {workspace: "demo", type: CONNECTS_TO, from: "PC-CAD", to: "WEB"}) { type from to flow stamp { source } } }`, nil, "", true},
		{"analyst cannot delete the workspace", "analyst", `mutation { deleteWorkspace(id: "demo") }`, nil, "FORBIDDEN", false},
		{"analyst cannot issue tokens", "analyst", `mutation { issueToken(input: {workspace: "demo", role: VIEWER, name: "x"}) { token } }`, nil, "FORBIDDEN", false},
		{"analyst cannot create workspaces", "analyst", `mutation { createWorkspace(input: {id: "new", name: "New"}) { id } }`, nil, "FORBIDDEN", false},
		{"admin issues a token", "admin", `mutation { issueToken(input: {workspace: "demo", role: VIEWER, name: "auditor"}) { token info { role workspace } } }`, nil, "", false},
		{"admin reads the audit log", "admin", `{ auditLog(workspace: "demo") { totalCount } }`, nil, "", false},
		{"workspace admin cannot create workspaces", "admin", `mutation { createWorkspace(input: {id: "new", name: "New"}) { id } }`, nil, "FORBIDDEN", false},
		{"workspace admin cannot issue server-wide tokens", "admin", `mutation { issueToken(input: {workspace: "*", role: ADMIN, name: "x"}) { token } }`, nil, "FORBIDDEN", false},
		{"server admin creates a workspace", "root", `mutation { createWorkspace(input: {id: "new", name: "New"}) { id formulaVariant formulaFlagged } }`, nil, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			r := e.query(tc.token, tc.op, tc.vars)
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, r.Raw)
			}
			if tc.wantCode == "" {
				if len(r.Errors) > 0 {
					t.Fatalf("errors: %+v", r.Errors)
				}
			} else {
				if !slices.Equal(r.codes(), []string{tc.wantCode}) {
					t.Fatalf("codes %v, want [%s]: %s", r.codes(), tc.wantCode, r.Raw)
				}
				if r.hasData() {
					t.Errorf("refused operation returned data: %s", r.Data)
				}
			}
			if w := e.store.writes(); (w > 0) != tc.writes {
				t.Errorf("store writes %d, want writes %v", w, tc.writes)
			}
		})
	}
}

func TestWritesAreAudited(t *testing.T) {
	e := setup(t)
	e.ok("analyst", setStatus, map[string]any{"s": "audited"}, nil)
	var added struct {
		AddRelationship struct {
			Type, From, To, Flow string
			Stamp                struct{ Source string }
		}
	}
	e.ok("analyst", `mutation { addRelationship(input: {workspace: "demo", type: RUNS_ON, from: "WEB", to: "SRV-APP"}) { type from to flow stamp { source } } }`, nil, &added)
	if a := added.AddRelationship; a.Flow != "BACKWARD" || a.Stamp.Source != "api" {
		t.Errorf("added edge: %+v", a)
	}
	ctx := context.Background()
	es, _ := e.store.Store.Edges(ctx, demo.WorkspaceID, "WEB")
	if !slices.ContainsFunc(es, func(x graph.Edge) bool { return x.Type == graph.RelRunsOn && x.To == "SRV-APP" }) {
		t.Fatalf("edge not in the store: %+v", es)
	}
	var removed struct{ RemoveRelationship bool }
	e.ok("analyst", `mutation { removeRelationship(input: {workspace: "demo", type: RUNS_ON, from: "WEB", to: "SRV-APP"}) }`, nil, &removed)
	if !removed.RemoveRelationship {
		t.Error("removeRelationship: false")
	}
	var log struct {
		AuditLog struct {
			TotalCount int
			Nodes      []struct{ Actor, Action, Detail, Workspace, RequestID string }
		}
	}
	e.ok("admin", `{ auditLog(workspace: "demo") { totalCount nodes { actor action detail workspace requestId } } }`, nil, &log)
	var actions []string
	for _, n := range log.AuditLog.Nodes {
		actions = append(actions, n.Action)
		if !strings.Contains(n.Actor, "analyst") || n.Workspace != "demo" || n.RequestID == "" {
			t.Errorf("audit entry %+v", n)
		}
	}
	if !slices.Equal(actions, []string{"removeRelationship", "addRelationship", "setControlStatus"}) {
		t.Errorf("audit actions (newest first) %v", actions)
	}
	// The other workspace's admin sees none of it.
	r := e.query("otherAdmin", `{ auditLog(workspace: "demo") { totalCount } }`, nil)
	if !slices.Equal(r.codes(), []string{"NOT_FOUND"}) || r.hasData() {
		t.Errorf("other admin reading demo's audit log: %s", r.Raw)
	}
}

// TestCrossWorkspace checks that a token of workspace "other" learns
// nothing of workspace "demo": every attempt is NOT_FOUND, without data,
// and writes nothing.
func TestCrossWorkspace(t *testing.T) {
	e := setup(t)
	ops := []string{
		`{ workspace(id: "demo") { id name } }`,
		`{ organizations(workspace: "demo") { id } }`,
		`{ organization(workspace: "demo", id: "MINATO") { id } }`,
		`{ assets(workspace: "demo") { totalCount nodes { id } } }`,
		`{ asset(workspace: "demo", id: "D-DRAWINGS") { id } }`,
		`{ threatsReaching(workspace: "demo", asset: "D-DRAWINGS") { threats { threat { id } } } }`,
		`{ assetsReachedBy(workspace: "demo", threat: "x") { entries } }`,
		`{ ipaHeatmap(workspace: "demo") { pairCount } }`,
		`{ cpsfHeatmap(workspace: "demo") { cells { assets } } }`,
		`{ supplyHeatmap(workspace: "demo") { rows { tier } } }`,
		`{ coverage(workspace: "demo", framework: "IPA-SME-5") { workspace } }`,
		`{ tokens(workspace: "demo") { id } }`,
		`{ auditLog(workspace: "demo") { totalCount } }`,
		`mutation { deleteWorkspace(id: "demo") }`,
		`mutation { setControlStatus(input: {workspace: "demo", subject: "MINATO", control: "IPA-SME-5:1", status: NONE}) { status } }`,
		`mutation { removeControlStatus(input: {workspace: "demo", subject: "MINATO", control: "IPA-SME-5:1"}) }`,
		`mutation { addRelationship(input: {workspace: "demo", type: CONNECTS_TO, from: "WEB", to: "PC-CAD"}) { type } }`,
		`mutation { removeRelationship(input: {workspace: "demo", type: STORED_ON, from: "D-PROD", to: "SRV-ERP"}) }`,
		`mutation { issueToken(input: {workspace: "demo", role: ADMIN, name: "steal"}) { token } }`,
	}
	for _, op := range ops {
		r := e.query("otherAdmin", op, nil)
		if r.Status != 200 || !slices.Equal(r.codes(), []string{"NOT_FOUND"}) || r.hasData() {
			t.Errorf("%s\n  status %d codes %v data %s", op, r.Status, r.codes(), r.Data)
		}
		if strings.Contains(r.Raw, "Minato") || strings.Contains(r.Raw, "MINATO\"") {
			t.Errorf("%s leaks demo data: %s", op, r.Raw)
		}
	}
	if w := e.store.writes(); w != 0 {
		t.Errorf("cross-workspace attempts wrote %d times", w)
	}
	// The workspace list shows the token's own workspace only.
	var d struct{ Workspaces []struct{ ID string } }
	e.ok("otherAdmin", `{ workspaces { id } }`, nil, &d)
	if len(d.Workspaces) != 1 || d.Workspaces[0].ID != otherWS {
		t.Errorf("workspaces: %+v", d.Workspaces)
	}
	// Revoking a token of another workspace is as if it did not exist.
	toks, _ := e.auth.Tokens(context.Background(), demo.WorkspaceID)
	r := e.query("otherAdmin", `mutation($id: ID!) { revokeToken(id: $id) { id } }`, map[string]any{"id": toks[0].ID})
	if !slices.Equal(r.codes(), []string{"NOT_FOUND"}) || r.hasData() {
		t.Errorf("revoke another workspace's token: %s", r.Raw)
	}
	// And the demo admin cannot reach the other workspace either.
	r = e.query("admin", `{ asset(workspace: "other", id: "SECRET-ASSET") { id name } }`, nil)
	if !slices.Equal(r.codes(), []string{"NOT_FOUND"}) || strings.Contains(r.Raw, "secret") {
		t.Errorf("demo admin reading other: %s", r.Raw)
	}
}

func TestUnauthenticated(t *testing.T) {
	e := setup(t)
	tests := []struct {
		name string
		hdr  map[string]string
	}{
		{"no token", nil},
		{"unknown token", map[string]string{"Authorization": "Bearer cpsf_not-a-token"}},
		{"not bearer", map[string]string{"Authorization": "Basic " + e.tokens["admin"]}},
		{"expired token", map[string]string{"Authorization": "Bearer " + e.tokens["expired"]}},
		{"revoked token", map[string]string{"Authorization": "Bearer " + e.tokens["revoked"]}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, op := range []string{`{ assets(workspace: "demo") { totalCount } }`, `{ catalog { threats { id } } }`, setStatus} {
				body, _ := json.Marshal(map[string]any{"query": op, "variables": map[string]any{"s": "x"}})
				r := e.send("POST", "/graphql", "", "application/json", string(body), tc.hdr)
				if r.Status != 401 || !slices.Equal(r.codes(), []string{"UNAUTHENTICATED"}) || r.hasData() {
					t.Errorf("%s: status %d codes %v data %s", op, r.Status, r.codes(), r.Data)
				}
				if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate %q", r.Header.Get("WWW-Authenticate"))
				}
			}
			r := e.send("GET", "/graphql?query="+url.QueryEscape(`{ workspaces { id } }`), "", "", "", tc.hdr)
			if r.Status != 401 || r.hasData() {
				t.Errorf("GET: status %d data %s", r.Status, r.Data)
			}
		})
	}
	if w := e.store.writes(); w != 0 {
		t.Errorf("unauthenticated requests wrote %d times", w)
	}
}

func TestTokenLifecycle(t *testing.T) {
	e := setup(t)
	var d struct {
		IssueToken struct {
			Token string
			Info  struct{ ID, Role, Workspace string }
		}
	}
	e.ok("admin", `mutation { issueToken(input: {workspace: "demo", role: VIEWER, name: "auditor", expiresInDays: 30}) { token info { id role workspace } } }`, nil, &d)
	if !strings.HasPrefix(d.IssueToken.Token, auth.SecretPrefix) || d.IssueToken.Info.Role != "VIEWER" {
		t.Fatalf("issued %+v", d.IssueToken)
	}
	e.tokens["auditor"] = d.IssueToken.Token
	e.ok("auditor", `{ me { role workspace } }`, nil, nil)
	// The secret is never shown again, nor kept.
	r := e.query("admin", `{ tokens(workspace: "demo") { id name role } }`, nil)
	if strings.Contains(r.Raw, d.IssueToken.Token) || len(r.Errors) > 0 {
		t.Errorf("tokens list: %s", r.Raw)
	}
	e.ok("admin", `mutation($id: ID!) { revokeToken(id: $id) { revoked } }`, map[string]any{"id": d.IssueToken.Info.ID}, nil)
	if r := e.query("auditor", `{ me { role } }`, nil); r.Status != 401 {
		t.Errorf("revoked token: status %d", r.Status)
	}
	// Expiry: the clock moves past 30 days.
	e.ok("admin", `mutation { issueToken(input: {workspace: "demo", role: VIEWER, name: "short", expiresInDays: 1}) { token } }`, nil, &d)
	e.tokens["short"] = d.IssueToken.Token
	e.ok("short", `{ me { role } }`, nil, nil)
	e.now = e.now.Add(25 * time.Hour)
	if r := e.query("short", `{ me { role } }`, nil); r.Status != 401 || !slices.Equal(r.codes(), []string{"UNAUTHENTICATED"}) {
		t.Errorf("expired token: status %d codes %v", r.Status, r.codes())
	}
	// Deleting a workspace revokes its tokens.
	e.ok("admin", `mutation { deleteWorkspace(id: "demo") }`, nil, nil)
	if r := e.query("viewer", `{ me { role } }`, nil); r.Status != 401 {
		t.Errorf("token of a deleted workspace: status %d", r.Status)
	}
}

func TestTokenFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db.tokens.json")
	s, err := auth.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	secret, info, err := auth.Issue(ctx, s, "demo", auth.Analyst, "ci", "test", now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Record(ctx, auth.AuditEntry{ID: "a1", At: now, Actor: "x", Workspace: "demo", Action: "test"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), secret) || !strings.Contains(string(data), auth.Hash(secret)) {
		t.Fatal("token file keeps the secret or lacks its hash")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", fi.Mode().Perm())
	}
	s2, err := auth.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s2.Authenticate(ctx, auth.Hash(secret), now)
	if err != nil || got.ID != info.ID || got.Role != auth.Analyst {
		t.Fatalf("reopened: %+v %v", got, err)
	}
	if es, _ := s2.Audit(ctx, "demo"); len(es) != 1 {
		t.Errorf("audit after reopen: %d entries", len(es))
	}
	// A token issued by another process (the CLI while the server runs) is
	// seen, and the server's next write keeps it.
	other, _ := auth.OpenFile(path)
	secret2, _, err := auth.Issue(ctx, other, "demo", auth.Viewer, "cli", "test", now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Authenticate(ctx, auth.Hash(secret2), now); err != nil {
		t.Errorf("token issued by another process: %v", err)
	}
	if err := s2.Record(ctx, auth.AuditEntry{ID: "a2", At: now, Workspace: "demo", Action: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Authenticate(ctx, auth.Hash(secret2), now); err != nil {
		t.Errorf("token lost after the other store wrote: %v", err)
	}
	if _, err := auth.OpenFile(writeFile(t, "not json")); err == nil {
		t.Error("a broken token file opened without error")
	}
}

func writeFile(t *testing.T, s string) string {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte(s), 0o600)
	return p
}

func TestDevMode(t *testing.T) {
	if _, err := server.New(server.Config{Store: newStore(t), Auth: auth.NewMemoryStore(), Addr: "0.0.0.0:8080", Dev: true}); err == nil {
		t.Error("dev mode on 0.0.0.0 was accepted")
	}
	e := setup(t, func(c *server.Config) { c.Dev = true })
	body, _ := json.Marshal(map[string]any{"query": `{ me { dev role workspace } workspaces { id } }`})
	r := e.send("POST", "/graphql", "", "application/json", string(body), nil)
	if r.Status != 200 || len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"dev":true`) {
		t.Errorf("dev mode without token: %d %s", r.Status, r.Raw)
	}
	// A token still counts in dev mode.
	r = e.query("viewer", setStatus, map[string]any{"s": "x"})
	if !slices.Equal(r.codes(), []string{"FORBIDDEN"}) {
		t.Errorf("viewer token in dev mode: %s", r.Raw)
	}
}
