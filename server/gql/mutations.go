package gql

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"cpsfgraph/graph"
	"cpsfgraph/server/auth"
	"cpsfgraph/server/gql/model"
)

// SourceAPI stamps what the API writes (never swept by an import).
const SourceAPI = "api"

var workspaceID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func (r *Resolver) spec(ctx context.Context, ws string) graph.WriteSpec {
	run := RequestID(ctx)
	if run == "" {
		run = auth.NewID("")
	}
	return graph.WriteSpec{Workspace: ws, Source: SourceAPI, Run: "api-" + run, Now: r.Now()}
}

func (r *Resolver) write(ctx context.Context, ws string, b graph.Batch) (graph.WriteReport, error) {
	return r.Store.Write(ctx, r.spec(ctx, ws), func(put func(graph.Batch) error) error { return put(b) })
}

func (r *Resolver) createWorkspace(ctx context.Context, in model.CreateWorkspaceInput) (*graph.Workspace, error) {
	if err := needServerAdmin(ctx, "createWorkspace"); err != nil {
		return nil, err
	}
	if !workspaceID.MatchString(in.ID) {
		return nil, Errorf(CodeBadInput, "workspace ID %q: want 1..64 letters, digits, '.', '_' or '-', starting with a letter or digit", in.ID)
	}
	if strings.TrimSpace(in.Name) == "" {
		return nil, Errorf(CodeBadInput, "workspace %q: name is empty", in.ID)
	}
	if _, err := r.Store.Workspace(ctx, in.ID); err == nil {
		return nil, Errorf(CodeBadInput, "workspace %q already exists", in.ID)
	} else if !errors.Is(err, graph.ErrNotFound) {
		return nil, err
	}
	w := graph.Workspace{ID: in.ID, Name: in.Name, FormulaVariant: deref(in.FormulaVariant, graph.FormulaIPA), Created: r.Now().UTC()}
	if err := r.Store.PutWorkspace(ctx, w); err != nil {
		return nil, err
	}
	r.audit(ctx, w.ID, "createWorkspace", fmt.Sprintf("name=%q formula=%s", w.Name, w.FormulaVariant))
	return &w, nil
}

func (r *Resolver) deleteWorkspace(ctx context.Context, id string) (string, error) {
	if err := need(ctx, id, auth.Admin); err != nil {
		return "", err
	}
	if _, err := r.Store.Workspace(ctx, id); err != nil {
		return "", err
	}
	if err := r.Store.DeleteWorkspace(ctx, id); err != nil {
		return "", err
	}
	if err := r.Auth.RevokeWorkspace(ctx, id, r.Now()); err != nil {
		r.Log.ErrorContext(ctx, "revoke tokens of deleted workspace", "workspace", id, "err", err)
	}
	r.audit(ctx, id, "deleteWorkspace", "workspace and its tokens removed")
	return id, nil
}

func parseRef(s string) (graph.ControlRef, error) {
	ref, err := graph.ParseControlRef(s)
	if err != nil {
		return ref, Errorf(CodeBadInput, "%v", err)
	}
	return ref, nil
}

func (r *Resolver) setControlStatus(ctx context.Context, in model.SetControlStatusInput) (*graph.ControlStatus, error) {
	if err := need(ctx, in.Workspace, auth.Analyst); err != nil {
		return nil, err
	}
	ref, err := parseRef(in.Control)
	if err != nil {
		return nil, err
	}
	s := graph.ControlStatus{Subject: in.Subject, Control: ref, Status: in.Status, Note: deref(in.Note, "")}
	if _, err := r.write(ctx, in.Workspace, graph.Batch{Statuses: []graph.ControlStatus{s}}); err != nil {
		return nil, err
	}
	r.audit(ctx, in.Workspace, "setControlStatus", fmt.Sprintf("subject=%s control=%s status=%s", in.Subject, ref, in.Status))
	sts, err := r.Store.Statuses(ctx, in.Workspace, []string{in.Subject})
	if err != nil {
		return nil, err
	}
	for _, x := range sts {
		if x.Control == ref {
			return &x, nil
		}
	}
	return &s, nil
}

func (r *Resolver) removeControlStatus(ctx context.Context, in model.ControlStatusKeyInput) (bool, error) {
	if err := need(ctx, in.Workspace, auth.Analyst); err != nil {
		return false, err
	}
	ref, err := parseRef(in.Control)
	if err != nil {
		return false, err
	}
	rep, err := r.write(ctx, in.Workspace, graph.Batch{RemoveStatuses: []graph.StatusKey{{Subject: in.Subject, Control: ref}}})
	if err != nil {
		return false, err
	}
	if rep.Statuses.Removed > 0 {
		r.audit(ctx, in.Workspace, "removeControlStatus", fmt.Sprintf("subject=%s control=%s", in.Subject, ref))
	}
	return rep.Statuses.Removed > 0, nil
}

func (r *Resolver) addRelationship(ctx context.Context, in model.RelationshipInput) (*graph.Edge, error) {
	if err := need(ctx, in.Workspace, auth.Analyst); err != nil {
		return nil, err
	}
	e := graph.Edge{Type: in.Type, From: in.From, To: in.To}
	if _, err := r.write(ctx, in.Workspace, graph.Batch{Edges: []graph.Edge{e}}); err != nil {
		return nil, err
	}
	r.audit(ctx, in.Workspace, "addRelationship", fmt.Sprintf("(%s)-[:%s]->(%s)", in.From, in.Type, in.To))
	es, err := r.Store.Edges(ctx, in.Workspace, in.From)
	if err != nil {
		return nil, err
	}
	for _, x := range es {
		if x.Key() == e.Key() {
			return &x, nil
		}
	}
	return &e, nil
}

func (r *Resolver) removeRelationship(ctx context.Context, in model.RelationshipInput) (bool, error) {
	if err := need(ctx, in.Workspace, auth.Analyst); err != nil {
		return false, err
	}
	rep, err := r.write(ctx, in.Workspace, graph.Batch{RemoveEdges: []graph.EdgeKey{{Type: in.Type, From: in.From, To: in.To}}})
	if err != nil {
		return false, err
	}
	if rep.Edges.Removed > 0 {
		r.audit(ctx, in.Workspace, "removeRelationship", fmt.Sprintf("(%s)-[:%s]->(%s)", in.From, in.Type, in.To))
	}
	return rep.Edges.Removed > 0, nil
}

// Token lifetimes.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 3650
)

func (r *Resolver) issueToken(ctx context.Context, in model.IssueTokenInput) (*model.IssuedToken, error) {
	if in.Workspace == auth.AllWorkspaces {
		if err := needServerAdmin(ctx, "a server-wide token"); err != nil {
			return nil, err
		}
	} else {
		if err := need(ctx, in.Workspace, auth.Admin); err != nil {
			return nil, err
		}
		if _, err := r.Store.Workspace(ctx, in.Workspace); err != nil {
			return nil, err
		}
	}
	days := deref(in.ExpiresInDays, DefaultTokenDays)
	if days < 0 || days > MaxTokenDays {
		return nil, Errorf(CodeBadInput, "expiresInDays %d out of range 0..%d", days, MaxTokenDays)
	}
	if strings.TrimSpace(in.Name) == "" {
		return nil, Errorf(CodeBadInput, "token name is empty: name who or what uses it")
	}
	secret, t, err := auth.Issue(ctx, r.Auth, in.Workspace, in.Role, in.Name, auth.FromContext(ctx).Actor(), r.Now(), time.Duration(days)*24*time.Hour)
	if err != nil {
		return nil, err
	}
	r.audit(ctx, in.Workspace, "issueToken", fmt.Sprintf("token=%s role=%s name=%q expiresInDays=%d", t.ID, t.Role, t.Name, days))
	return &model.IssuedToken{Token: secret, Info: &t}, nil
}

// visibleToken returns token id when the caller is admin of its workspace;
// others learn nothing of it.
func (r *Resolver) visibleToken(ctx context.Context, id string) (auth.TokenInfo, error) {
	t, err := r.Auth.Token(ctx, id)
	if errors.Is(err, auth.ErrUnknownToken) {
		return t, Errorf(CodeNotFound, "token %q not found", id)
	}
	if err != nil {
		return t, err
	}
	if t.Workspace == auth.AllWorkspaces {
		if err := needServerAdmin(ctx, "this token"); err != nil {
			if CodeOf(err) == CodeForbidden {
				return t, Errorf(CodeNotFound, "token %q not found", id)
			}
			return t, err
		}
		return t, nil
	}
	if err := need(ctx, t.Workspace, auth.Admin); err != nil {
		if CodeOf(err) == CodeForbidden && !auth.FromContext(ctx).Sees(t.Workspace) {
			return t, Errorf(CodeNotFound, "token %q not found", id)
		}
		return t, err
	}
	return t, nil
}

func (r *Resolver) revokeToken(ctx context.Context, id string) (*auth.TokenInfo, error) {
	if _, err := r.visibleToken(ctx, id); err != nil {
		return nil, err
	}
	t, err := r.Auth.RevokeToken(ctx, id, r.Now())
	if err != nil {
		return nil, err
	}
	r.audit(ctx, t.Workspace, "revokeToken", "token="+t.ID)
	return &t, nil
}

func (r *Resolver) tokens(ctx context.Context, ws string) ([]auth.TokenInfo, error) {
	if ws == auth.AllWorkspaces {
		if err := needServerAdmin(ctx, "listing all tokens"); err != nil {
			return nil, err
		}
	} else if err := need(ctx, ws, auth.Admin); err != nil {
		return nil, err
	}
	return r.Auth.Tokens(ctx, ws)
}

func (r *Resolver) auditLog(ctx context.Context, ws string, first *int, after *string) (*model.AuditConnection, error) {
	if ws == auth.AllWorkspaces {
		if err := needServerAdmin(ctx, "the whole audit log"); err != nil {
			return nil, err
		}
	} else if err := need(ctx, ws, auth.Admin); err != nil {
		return nil, err
	}
	es, err := r.Auth.Audit(ctx, ws)
	if err != nil {
		return nil, err
	}
	lo, hi, pi, cursors, err := offsetPage("audit", len(es), first, after)
	if err != nil {
		return nil, err
	}
	c := &model.AuditConnection{PageInfo: pi, TotalCount: len(es), Nodes: es[lo:hi]}
	for i := range c.Nodes {
		c.Edges = append(c.Edges, model.AuditEdge{Cursor: cursors[i], Node: &c.Nodes[i]})
	}
	return c, nil
}

// MaxUploadBytes bounds an uploaded workbook (the HTTP layer bounds the
// request body as well).
var MaxUploadBytes int64 = 32 << 20

func (r *Resolver) importWorkbook(ctx context.Context, ws string, f graphql.Upload, dryRun, partial bool) (*model.ImportReport, error) {
	if err := need(ctx, ws, auth.Analyst); err != nil {
		return nil, err
	}
	if _, err := r.Store.Workspace(ctx, ws); err != nil {
		return nil, err
	}
	if f.Size > MaxUploadBytes {
		return nil, Errorf(CodeBadInput, "upload %q is %d bytes; the limit is %d", f.Filename, f.Size, MaxUploadBytes)
	}
	name := filepath.Base(strings.ReplaceAll(f.Filename, "\\", "/"))
	if ext := strings.ToLower(filepath.Ext(name)); ext != ".xlsx" && ext != ".xlsm" || name == "" || strings.HasPrefix(name, ".") {
		return nil, Errorf(CodeBadInput, "upload %q: want an .xlsx workbook", f.Filename)
	}
	if r.Import == nil {
		return nil, Errorf(CodeBadInput, "this build has no workbook importer")
	}
	// The workbook keeps the client's file name: the importers stamp what
	// it writes with that name as its source, so a newer version of the
	// same file replaces what an older one wrote.
	dir, err := os.MkdirTemp("", "cpsfgraph-upload-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name)
	tmp, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(tmp, io.LimitReader(f.File, MaxUploadBytes+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if n > MaxUploadBytes {
		return nil, Errorf(CodeBadInput, "upload %q is over the limit of %d bytes", f.Filename, MaxUploadBytes)
	}
	if !isZip(path) {
		return nil, Errorf(CodeBadInput, "upload %q is not an .xlsx workbook (not a zip file)", f.Filename)
	}
	req := ImportRequest{Workspace: ws, Path: path, Name: name, DryRun: true, Partial: partial, Source: name, Run: r.spec(ctx, ws).Run}
	// A dry run first: catalog sheets change the catalog every workspace
	// shares, which only a server-wide admin may do.
	res, err := r.Import(ctx, r.Store, req)
	if err != nil {
		return nil, err
	}
	if res.CatalogItems > 0 {
		if err := needServerAdmin(ctx, "a workbook with catalog sheets"); err != nil {
			return nil, err
		}
	}
	if !dryRun {
		req.DryRun = false
		if res, err = r.Import(ctx, r.Store, req); err != nil {
			return nil, err
		}
	}
	rep := &model.ImportReport{Workspace: ws, DryRun: dryRun, Partial: partial, Written: res.Written, Files: []string{name},
		Created: res.Counts.Created, Updated: res.Counts.Updated, Unchanged: res.Counts.Unchanged, Removed: res.Counts.Removed, Summary: res.Summary, Rejected: []model.RejectedCell{}}
	for _, x := range res.Rejected {
		rep.Rejected = append(rep.Rejected, model.RejectedCell{File: x.File, Sheet: x.Sheet, Row: x.Row, Column: x.Column, Value: x.Value, Reason: x.Reason})
	}
	if res.Written {
		r.audit(ctx, ws, "importWorkbook", fmt.Sprintf("file=%q partial=%t created=%d updated=%d removed=%d rejected=%d catalogItems=%d", name, partial, res.Counts.Created, res.Counts.Updated, res.Counts.Removed, len(res.Rejected), res.CatalogItems))
	}
	return rep, nil
}

func isZip(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 4)
	if _, err := io.ReadFull(f, b); err != nil {
		return false
	}
	return slices.Equal(b, []byte("PK\x03\x04"))
}
