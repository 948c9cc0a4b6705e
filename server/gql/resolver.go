// Package gql holds the GraphQL resolvers of cpsfgraph's API. They stay
// thin: check who may see what, translate arguments, delegate to
// graph.Analyzer and graph.Store, and wrap the answers. The executable
// schema gqlgen generates from schema.graphql lives in gql/generated.
package gql

import (
	"context"
	"log/slog"
	"time"

	"cpsfgraph/graph"
	"cpsfgraph/server/auth"
)

// ImportFunc imports workbook files into a workspace. It is nil when the
// build has no importers.
type ImportFunc func(ctx context.Context, s graph.Store, req ImportRequest) (ImportResult, error)

// ImportRequest asks for one workbook import.
type ImportRequest struct {
	Workspace string
	Path      string // the uploaded workbook, written to a temporary file
	Name      string // the file name the client gave
	DryRun    bool
	Partial   bool
	Source    string
	Run       string
}

// ImportResult is what an import did.
type ImportResult struct {
	Written      bool
	Counts       graph.Counts
	CatalogItems int // catalog items the workbook holds (they change the shared catalog)
	Rejected     []Rejected
	Summary      string
}

// Rejected is one rejected cell of an import.
type Rejected struct {
	File, Sheet, Column, Value, Reason string
	Row                                int
}

// Resolver is the root resolver: what every resolver reaches.
type Resolver struct {
	Store    graph.Store
	Analyzer *graph.Analyzer
	Auth     auth.Store
	Import   ImportFunc
	Log      *slog.Logger
	// Now returns the current time (tests set it).
	Now func() time.Time
}

// New returns a root resolver over s.
func New(s graph.Store, a auth.Store, log *slog.Logger) *Resolver {
	if log == nil {
		log = slog.Default()
	}
	return &Resolver{Store: s, Analyzer: graph.NewAnalyzer(s), Auth: a, Log: log, Now: time.Now}
}

// need checks that the caller may act with role in workspace ws. A
// workspace the caller may not see is reported as not found, so tokens of
// one workspace learn nothing of another.
func need(ctx context.Context, ws string, role auth.Role) error {
	p := auth.FromContext(ctx)
	if p == nil {
		return Errorf(CodeUnauthenticated, "no token: send Authorization: Bearer <token>")
	}
	if !p.Sees(ws) {
		return Errorf(CodeNotFound, "workspace %q not found", ws)
	}
	if !p.Can(ws, role) {
		return Errorf(CodeForbidden, "role %s may not do this in workspace %q (needs %s)", p.Role, ws, role)
	}
	return nil
}

// needServerAdmin checks that the caller is a server-wide admin.
func needServerAdmin(ctx context.Context, what string) error {
	p := auth.FromContext(ctx)
	if p == nil {
		return Errorf(CodeUnauthenticated, "no token: send Authorization: Bearer <token>")
	}
	if p.Workspace != auth.AllWorkspaces || !p.Can(auth.AllWorkspaces, auth.Admin) {
		return Errorf(CodeForbidden, "%s needs a server-wide admin token", what)
	}
	return nil
}

// audit records a write in the audit log. The write has happened: a
// failure to record it is logged, not returned.
func (r *Resolver) audit(ctx context.Context, ws, action, detail string) {
	e := auth.AuditEntry{ID: auth.NewID("aud_"), At: r.Now().UTC(), Actor: auth.FromContext(ctx).Actor(), Workspace: ws, Action: action, Detail: detail, RequestID: RequestID(ctx)}
	if err := r.Auth.Record(ctx, e); err != nil {
		r.Log.ErrorContext(ctx, "audit log: record failed", "err", err, "action", action, "workspace", ws, "request", e.RequestID)
	}
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request's ID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request's ID ("" when none).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
