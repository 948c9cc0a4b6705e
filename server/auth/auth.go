// Package auth holds cpsfgraph's API security model: tokens with a role per
// workspace, the principal a request acts as, and the audit log of writes.
// Tokens are random, shown once when issued and kept only as SHA-256 hashes;
// Store is the persistence contract (a JSON file next to the graph store
// today, a Neo4j-backed one may follow).
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Role is what a token may do in its workspace.
type Role string

// Roles, weakest first.
const (
	Viewer  Role = "viewer"  // reads
	Analyst Role = "analyst" // also writes company data and imports
	Admin   Role = "admin"   // also deletes workspaces, issues tokens, reads the audit log
)

// ParseRole parses a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case Viewer, Analyst, Admin:
		return r, nil
	}
	return "", fmt.Errorf("role %q: want viewer, analyst or admin", s)
}

func (r Role) rank() int {
	switch r {
	case Viewer:
		return 1
	case Analyst:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// AllWorkspaces is the workspace of a server-wide token.
const AllWorkspaces = "*"

// Principal is who a request acts as.
type Principal struct {
	TokenID   string
	Name      string
	Workspace string // a workspace ID or AllWorkspaces
	Role      Role
	Dev       bool // --dev mode: no token, loopback only
}

// Can reports whether p may act with role need in workspace ws.
func (p *Principal) Can(ws string, need Role) bool {
	if p == nil {
		return false
	}
	return (p.Workspace == AllWorkspaces || p.Workspace == ws) && p.Role.rank() >= need.rank()
}

// Sees reports whether p may see workspace ws at all.
func (p *Principal) Sees(ws string) bool { return p.Can(ws, Viewer) }

// Actor names p in the audit log.
func (p *Principal) Actor() string {
	if p == nil {
		return "anonymous"
	}
	return p.TokenID + " (" + p.Name + ")"
}

// DevPrincipal is the principal of --dev mode: a server-wide admin.
func DevPrincipal() *Principal {
	return &Principal{TokenID: "dev", Name: "dev mode (no token)", Workspace: AllWorkspaces, Role: Admin, Dev: true}
}

type ctxKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the request's principal, nil when there is none.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// TokenInfo is what is kept of a token: never its secret, only its hash.
type TokenInfo struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Workspace string     `json:"workspace"`
	Role      Role       `json:"role"`
	Created   time.Time  `json:"created"`
	Expires   *time.Time `json:"expires,omitempty"`
	Revoked   *time.Time `json:"revoked,omitempty"`
	CreatedBy string     `json:"createdBy"`
	Hash      string     `json:"hash"` // hex SHA-256 of the secret
}

// Principal returns the principal a token acts as.
func (t TokenInfo) Principal() *Principal {
	return &Principal{TokenID: t.ID, Name: t.Name, Workspace: t.Workspace, Role: t.Role}
}

// Valid reports why a token cannot be used at now, or nil.
func (t TokenInfo) Valid(now time.Time) error {
	if t.Revoked != nil {
		return fmt.Errorf("%w: token %s was revoked", ErrUnauthenticated, t.ID)
	}
	if t.Expires != nil && !now.Before(*t.Expires) {
		return fmt.Errorf("%w: token %s expired", ErrUnauthenticated, t.ID)
	}
	return nil
}

// AuditEntry records one write: who, when, what.
type AuditEntry struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Workspace string    `json:"workspace"`
	Action    string    `json:"action"`
	Detail    string    `json:"detail"`
	RequestID string    `json:"requestId"`
}

// ErrUnauthenticated is wrapped by errors about missing, unknown, expired or
// revoked tokens.
var ErrUnauthenticated = errors.New("unauthenticated")

// ErrUnknownToken is wrapped when a token ID is not known.
var ErrUnknownToken = errors.New("unknown token")

// Store keeps tokens and the audit log.
type Store interface {
	// AddToken stores a new token (its hash, never its secret).
	AddToken(ctx context.Context, t TokenInfo) error
	// Authenticate finds the token whose secret hashes to hash and checks
	// that it is valid at now; errors wrap ErrUnauthenticated.
	Authenticate(ctx context.Context, hash string, now time.Time) (TokenInfo, error)
	// Token returns a token by ID (errors wrap ErrUnknownToken).
	Token(ctx context.Context, id string) (TokenInfo, error)
	// Tokens lists the tokens of workspace ws (all when ws is
	// AllWorkspaces), by creation time.
	Tokens(ctx context.Context, ws string) ([]TokenInfo, error)
	// RevokeToken marks token id revoked at at.
	RevokeToken(ctx context.Context, id string, at time.Time) (TokenInfo, error)
	// RevokeWorkspace revokes every token of workspace ws (when it is
	// deleted, so a workspace created later under the same ID starts clean).
	RevokeWorkspace(ctx context.Context, ws string, at time.Time) error
	// Record appends an entry to the audit log.
	Record(ctx context.Context, e AuditEntry) error
	// Audit lists the entries of workspace ws (all when AllWorkspaces),
	// newest first.
	Audit(ctx context.Context, ws string) ([]AuditEntry, error)
}

// SecretPrefix starts every token secret, so leaked tokens are easy to spot.
const SecretPrefix = "cpsf_"

// NewSecret returns a new random token secret (256 bits).
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random token: %w", err)
	}
	return SecretPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// NewID returns a new random ID with the given prefix.
func NewID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Hash returns the hex SHA-256 of a token secret.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Issue makes a new token for workspace ws with role r, stores it and
// returns its secret (to be shown once) and what is kept of it. ttl 0 means
// the token never expires.
func Issue(ctx context.Context, s Store, ws string, r Role, name, by string, now time.Time, ttl time.Duration) (string, TokenInfo, error) {
	if ws == "" {
		return "", TokenInfo{}, errors.New("auth: token needs a workspace (or * for server-wide)")
	}
	if r.rank() == 0 {
		return "", TokenInfo{}, fmt.Errorf("auth: role %q: want viewer, analyst or admin", r)
	}
	secret, err := NewSecret()
	if err != nil {
		return "", TokenInfo{}, err
	}
	t := TokenInfo{ID: NewID("tok_"), Name: name, Workspace: ws, Role: r, Created: now.UTC(), CreatedBy: by, Hash: Hash(secret)}
	if ttl > 0 {
		e := now.Add(ttl).UTC()
		t.Expires = &e
	}
	if err := s.AddToken(ctx, t); err != nil {
		return "", TokenInfo{}, err
	}
	return secret, t, nil
}
