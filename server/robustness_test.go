package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"cpsfgraph/graph"
	"cpsfgraph/server"
)

// trapStore makes Orgs block until released (or the request's context
// ends), or panic.
type trapStore struct {
	graph.Store
	entered chan struct{}
	release chan struct{}
	panics  bool
}

func (s *trapStore) Orgs(ctx context.Context, ws string) ([]graph.Org, error) {
	if s.panics {
		panic("store exploded at /secret/path.go:42")
	}
	select {
	case s.entered <- struct{}{}:
	default:
	}
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Store.Orgs(ctx, ws)
}

func withTrap(trap *trapStore) func(*server.Config) {
	return func(c *server.Config) {
		trap.Store = c.Store
		c.Store = trap
	}
}

const orgsQuery = `{ organizations(workspace: "demo") { id } }`

func TestTimeoutPanicAndDrain(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		trap := &trapStore{entered: make(chan struct{}, 1), release: make(chan struct{})}
		e := setup(t, withTrap(trap), func(c *server.Config) { c.Limits.Timeout = 50 * time.Millisecond })
		r := e.query("viewer", orgsQuery, nil)
		if r.Status != 200 || !slices.Equal(r.codes(), []string{"INTERNAL"}) || !strings.Contains(r.Errors[0].Message, "timed out") || r.hasData() {
			t.Errorf("timed-out request: %d %s", r.Status, r.Raw)
		}
	})
	t.Run("panic", func(t *testing.T) {
		trap := &trapStore{panics: true}
		e := setup(t, withTrap(trap))
		r := e.query("viewer", orgsQuery, nil)
		if !slices.Equal(r.codes(), []string{"INTERNAL"}) || strings.Contains(r.Raw, "secret") || strings.Contains(r.Raw, "exploded") || r.hasData() {
			t.Errorf("panicking resolver: %d %s", r.Status, r.Raw)
		}
		// The server still answers.
		e.ok("viewer", `{ me { role } }`, nil, nil)
	})
	t.Run("drain", func(t *testing.T) {
		trap := &trapStore{entered: make(chan struct{}, 1), release: make(chan struct{})}
		e := setup(t, withTrap(trap))
		// A request in flight ...
		done := make(chan response, 1)
		go func() { done <- e.query("viewer", orgsQuery, nil) }()
		<-trap.entered
		// ... keeps Drain waiting, and readiness turns 503 meanwhile.
		drained := make(chan error, 1)
		go func() { drained <- e.server.Drain(context.Background()) }()
		time.Sleep(50 * time.Millisecond)
		select {
		case err := <-drained:
			t.Fatalf("Drain returned (%v) with a request in flight", err)
		default:
		}
		res, err := http.Get(e.url + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != 503 {
			t.Errorf("readyz while draining: %d %v", res.StatusCode, body)
		}
		close(trap.release)
		r := <-done
		if r.Status != 200 || len(r.Errors) > 0 {
			t.Errorf("request in flight: %d %s", r.Status, r.Raw)
		}
		select {
		case err := <-drained:
			if err != nil {
				t.Errorf("Drain: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Drain did not return after the request finished")
		}
	})
}
