package auth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// FileStore keeps tokens and the audit log in memory and, when it has a
// path, in one JSON file replaced atomically (write a temporary file, fsync,
// rename) after every change.
type FileStore struct {
	path string
	mu   sync.RWMutex
	st   fileState
	seen fileStamp // the file as last read or written
}

// fileStamp identifies a version of the file, so that tokens issued by
// another process (cpsfgraph token issue while the server runs) are seen.
type fileStamp struct {
	mod  time.Time
	size int64
}

type fileState struct {
	Version int          `json:"version"`
	Tokens  []TokenInfo  `json:"tokens"`
	Audit   []AuditEntry `json:"audit"`
}

// NewMemoryStore returns a store that keeps nothing on disk (tests).
func NewMemoryStore() *FileStore { return &FileStore{} }

// OpenFile opens (or starts) the token and audit file at path.
func OpenFile(path string) (*FileStore, error) {
	s := &FileStore{path: path}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// load reads the file; the caller holds mu (or owns s).
func (s *FileStore) load() error {
	fi, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.st, s.seen = fileState{}, fileStamp{}
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: read %s: %w", s.path, err)
	}
	data, err := os.ReadFile(s.path)
	if err != nil {
		return fmt.Errorf("auth: read %s: %w", s.path, err)
	}
	var st fileState
	if err := json.Unmarshal(data, &st); err != nil {
		return fmt.Errorf("auth: %s is not a token file: %w", s.path, err)
	}
	s.st, s.seen = st, fileStamp{fi.ModTime(), fi.Size()}
	return nil
}

// changed reports whether another process replaced the file.
func (s *FileStore) changed() bool {
	if s.path == "" {
		return false
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		return s.seen != fileStamp{}
	}
	return (fileStamp{fi.ModTime(), fi.Size()}) != s.seen
}

// fresh reloads the file when another process changed it.
func (s *FileStore) fresh() error {
	s.mu.RLock()
	c := s.changed()
	s.mu.RUnlock()
	if !c {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.changed() {
		return nil
	}
	return s.load()
}

// save writes the state; the caller holds mu.
func (s *FileStore) save() error {
	if s.path == "" {
		return nil
	}
	s.st.Version = 1
	data, err := json.MarshalIndent(&s.st, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(s.path)+".tmp-")
	if err != nil {
		return fmt.Errorf("auth: save %s: %w", s.path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("auth: save %s: %w", s.path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("auth: save %s: %w", s.path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("auth: save %s: %w", s.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("auth: save %s: %w", s.path, err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("auth: save %s: %w", s.path, err)
	}
	if fi, err := os.Stat(s.path); err == nil {
		s.seen = fileStamp{fi.ModTime(), fi.Size()}
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// change applies f to a copy of the state and saves it; on failure the
// state is left as it was.
func (s *FileStore) change(f func(st *fileState) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed() {
		if err := s.load(); err != nil {
			return err
		}
	}
	old := fileState{Tokens: slices.Clone(s.st.Tokens), Audit: slices.Clone(s.st.Audit)}
	if err := f(&s.st); err != nil {
		s.st = old
		return err
	}
	if err := s.save(); err != nil {
		s.st = old
		return err
	}
	return nil
}

// AddToken implements Store.
func (s *FileStore) AddToken(ctx context.Context, t TokenInfo) error {
	return s.change(func(st *fileState) error {
		for _, o := range st.Tokens {
			if o.ID == t.ID || o.Hash == t.Hash {
				return fmt.Errorf("auth: token %s already exists", t.ID)
			}
		}
		st.Tokens = append(st.Tokens, t)
		return nil
	})
}

// Authenticate implements Store.
func (s *FileStore) Authenticate(ctx context.Context, hash string, now time.Time) (TokenInfo, error) {
	if err := s.fresh(); err != nil {
		return TokenInfo{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, t := range s.st.Tokens {
		if subtle.ConstantTimeCompare([]byte(t.Hash), []byte(hash)) == 1 {
			if err := t.Valid(now); err != nil {
				return TokenInfo{}, err
			}
			return t, nil
		}
	}
	return TokenInfo{}, fmt.Errorf("%w: unknown token", ErrUnauthenticated)
}

// Token implements Store.
func (s *FileStore) Token(ctx context.Context, id string) (TokenInfo, error) {
	if err := s.fresh(); err != nil {
		return TokenInfo{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, t := range s.st.Tokens {
		if t.ID == id {
			return t, nil
		}
	}
	return TokenInfo{}, fmt.Errorf("%w: %q", ErrUnknownToken, id)
}

// Tokens implements Store.
func (s *FileStore) Tokens(ctx context.Context, ws string) ([]TokenInfo, error) {
	if err := s.fresh(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []TokenInfo
	for _, t := range s.st.Tokens {
		if ws == AllWorkspaces || t.Workspace == ws {
			out = append(out, t)
		}
	}
	return out, nil
}

// RevokeToken implements Store.
func (s *FileStore) RevokeToken(ctx context.Context, id string, at time.Time) (TokenInfo, error) {
	var out TokenInfo
	err := s.change(func(st *fileState) error {
		for i := range st.Tokens {
			if st.Tokens[i].ID == id {
				if st.Tokens[i].Revoked == nil {
					at := at.UTC()
					st.Tokens[i].Revoked = &at
				}
				out = st.Tokens[i]
				return nil
			}
		}
		return fmt.Errorf("%w: %q", ErrUnknownToken, id)
	})
	return out, err
}

// RevokeWorkspace implements Store.
func (s *FileStore) RevokeWorkspace(ctx context.Context, ws string, at time.Time) error {
	return s.change(func(st *fileState) error {
		for i := range st.Tokens {
			if st.Tokens[i].Workspace == ws && st.Tokens[i].Revoked == nil {
				at := at.UTC()
				st.Tokens[i].Revoked = &at
			}
		}
		return nil
	})
}

// Record implements Store.
func (s *FileStore) Record(ctx context.Context, e AuditEntry) error {
	return s.change(func(st *fileState) error {
		st.Audit = append(st.Audit, e)
		return nil
	})
}

// Audit implements Store.
func (s *FileStore) Audit(ctx context.Context, ws string) ([]AuditEntry, error) {
	if err := s.fresh(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []AuditEntry
	for i := len(s.st.Audit) - 1; i >= 0; i-- {
		if e := s.st.Audit[i]; ws == AllWorkspaces || e.Workspace == ws {
			out = append(out, e)
		}
	}
	return out, nil
}
