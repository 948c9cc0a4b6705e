// Package neo4jstore is cpsfgraph's Neo4j backend: a graph.Store over Bolt
// (github.com/neo4j/neo4j-go-driver/v5) that gives the same answers as the
// embedded memstore on the same data (DESIGN.md section 4).
//
// Layout in Neo4j:
//
//   - Catalog nodes (:Layer, :Component, :Incident, :RiskSource,
//     :Requirement, :Framework, :Threat keyed by id; :Control keyed by
//     (framework, id)) and mappings as :MAPS_TO, :MITIGATES, :EXPLOITS
//     relationships carrying their own from/to keys.
//   - Company nodes (:Workspace keyed by id; :Organization and :Asset keyed
//     by (workspace, id)), company edges as the typed relationships of
//     graph.EdgeTypes exactly as given, and control statuses as
//     :IMPLEMENTS (organization) or :PROTECTED_BY (asset) relationships to
//     the :Control node. Every company node and relationship carries its
//     workspace, its stamp (source, run, firstSeen, lastSeen) and a content
//     hash used to count updated and unchanged items.
//   - One :CpsfgraphSchema node holds the schema version (see Migrate).
//
// Compromise flows are not materialized: a walk follows the typed
// relationships in the directions graph.FlowOf gives (for example
// (a)-[:STORED_ON]->(b) is followed from b to a downstream). Writes stay one
// relationship per edge, and a level of a walk is one query over the frontier
// with a fixed list of relationship types on each side.
//
// Every value is a query parameter; labels and relationship types in query
// text come only from the constants of graph/schema.go and this package.
package neo4jstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"cpsfgraph/graph"
)

// DefaultBatchSize is the number of rows per UNWIND batch when
// Config.BatchSize is zero.
const DefaultBatchSize = 5000

// Config says where the store lives.
type Config struct {
	URI      string // bolt://host:port, neo4j://host:port (cluster routing), +s / +ssc variants
	Username string // "" = no authentication
	Password string
	Database string // "" = the server's default (home) database
	// BatchSize is the number of rows per UNWIND batch (0 = DefaultBatchSize).
	BatchSize int
	// RetryTime bounds the retries of a transaction on transient errors
	// (0 = DefaultRetryTime).
	RetryTime time.Duration
	// Parallel is how many read transactions one walk level may run at
	// once on parts of a large frontier (0 = DefaultParallel, 1 = one at a
	// time).
	Parallel int
	// NoWarm turns off the background load of a workspace's node facts
	// that the first cache miss of its data version starts (see cache.go).
	NoWarm bool
}

// DefaultParallel is the number of read transactions a walk level runs at
// once by default: the server expands the parts on as many cores while the
// driver decodes the answers.
const DefaultParallel = 2

// DefaultRetryTime is how long a transaction is retried on transient
// errors (lost connection, leader switch, deadlock) before failing.
const DefaultRetryTime = 30 * time.Second

// ConfigFromEnv reads NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD,
// NEO4J_DATABASE, NEO4J_BATCH_SIZE and NEO4J_PARALLEL.
func ConfigFromEnv() (Config, error) { return ConfigFrom(os.Getenv) }

// ConfigFrom is ConfigFromEnv reading the variables through getenv (the
// command line passes its own, so that its tests need no environment).
func ConfigFrom(getenv func(string) string) (Config, error) {
	c := Config{
		URI:      getenv("NEO4J_URI"),
		Username: getenv("NEO4J_USERNAME"),
		Password: getenv("NEO4J_PASSWORD"),
		Database: getenv("NEO4J_DATABASE"),
	}
	for _, v := range []struct {
		name string
		to   *int
	}{{"NEO4J_BATCH_SIZE", &c.BatchSize}, {"NEO4J_PARALLEL", &c.Parallel}} {
		if x := getenv(v.name); x != "" {
			n, err := strconv.Atoi(x)
			if err != nil || n < 1 {
				return c, fmt.Errorf("neo4jstore: %s=%q: want a positive integer", v.name, x)
			}
			*v.to = n
		}
	}
	return c, nil
}

// Store is the Neo4j store. It implements graph.Store and is safe for
// concurrent use.
type Store struct {
	cfg      Config
	driver   neo4j.DriverWithContext
	batch    int
	parallel int // Config.Parallel or its default
	cache    factsCache
	noWarm   bool // Config.NoWarm

	bgCtx  context.Context // background work (warming the facts cache), cancelled by Close
	bgStop context.CancelFunc
	bg     sync.WaitGroup

	catMu      sync.Mutex
	cat        *graph.Catalog // cached catalog of version catVersion
	catVersion string
}

var _ graph.Store = (*Store)(nil)

// Open connects to Neo4j, checks the schema version and brings the schema
// up to date (constraints and indexes are created if missing). It fails
// with a clear error when the server cannot be reached, rejects the
// credentials, has no such database, or holds a store written by a newer
// cpsfgraph.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, errors.New("neo4jstore: no URI (set --store bolt://host:7687 or NEO4J_URI)")
	}
	if cfg.BatchSize < 0 {
		return nil, fmt.Errorf("neo4jstore: batch size %d is negative", cfg.BatchSize)
	}
	if cfg.Parallel < 0 {
		return nil, fmt.Errorf("neo4jstore: parallel %d is negative", cfg.Parallel)
	}
	auth := neo4j.NoAuth()
	if cfg.Username != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *neo4j.Config) {
		c.SocketConnectTimeout = 5 * time.Second
		c.ConnectionAcquisitionTimeout = 30 * time.Second
		c.MaxTransactionRetryTime = cmp.Or(cfg.RetryTime, DefaultRetryTime)
	})
	if err != nil {
		return nil, fmt.Errorf("neo4jstore: Neo4j URI %q: %w", cfg.URI, err)
	}
	s := &Store{cfg: cfg, driver: drv, batch: cfg.BatchSize, parallel: cmp.Or(cfg.Parallel, DefaultParallel), noWarm: cfg.NoWarm}
	s.bgCtx, s.bgStop = context.WithCancel(context.Background())
	if s.batch == 0 {
		s.batch = DefaultBatchSize
	}
	if err := drv.VerifyConnectivity(ctx); err != nil {
		s.Close()
		return nil, s.connError(err)
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// connError turns a driver error met while connecting into a clear one.
func (s *Store) connError(err error) error {
	var nerr *neo4j.Neo4jError
	switch {
	case errors.As(err, &nerr) && nerr.Code == "Neo.ClientError.Security.Unauthorized" && s.cfg.Username == "":
		return fmt.Errorf("neo4jstore: Neo4j at %s requires authentication: set NEO4J_USERNAME and NEO4J_PASSWORD: %w", s.cfg.URI, err)
	case errors.As(err, &nerr) && nerr.Code == "Neo.ClientError.Security.Unauthorized":
		return fmt.Errorf("neo4jstore: Neo4j at %s rejected the credentials of user %q (check NEO4J_USERNAME / NEO4J_PASSWORD): %w", s.cfg.URI, s.cfg.Username, err)
	case errors.As(err, &nerr) && nerr.Code == "Neo.ClientError.Database.DatabaseNotFound":
		return fmt.Errorf("neo4jstore: Neo4j at %s has no database %q (check NEO4J_DATABASE): %w", s.cfg.URI, s.cfg.Database, err)
	case errors.As(err, &nerr) && nerr.Code == "Neo.ClientError.Security.AuthenticationRateLimit":
		return fmt.Errorf("neo4jstore: Neo4j at %s locked user %q out after failed logins: %w", s.cfg.URI, s.cfg.Username, err)
	}
	return fmt.Errorf("neo4jstore: cannot reach Neo4j at %s: %w", s.cfg.URI, err)
}

// Close releases the driver and its connections.
func (s *Store) Close() error {
	s.bgStop()
	s.bg.Wait()
	return s.driver.Close(context.Background())
}

// BatchSize returns the number of rows per UNWIND batch.
func (s *Store) BatchSize() int { return s.batch }

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.cfg.Database, AccessMode: mode})
}

// read runs work in a managed read transaction (retried on transient
// errors).
func (s *Store) read(ctx context.Context, work func(tx neo4j.ManagedTransaction) (any, error)) (any, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	out, err := sess.ExecuteRead(ctx, work)
	return out, s.wrapDBError(err)
}

// write runs work in one managed write transaction (retried on transient
// errors; rolled back when work fails).
func (s *Store) write(ctx context.Context, work func(tx neo4j.ManagedTransaction) (any, error)) (any, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	out, err := sess.ExecuteWrite(ctx, work)
	return out, s.wrapDBError(err)
}

// wrapDBError names the server in errors that come from the driver, and
// leaves the store's own errors (validation, not found) as they are.
func (s *Store) wrapDBError(err error) error {
	if err == nil {
		return nil
	}
	var nerr *neo4j.Neo4jError
	var cerr *neo4j.ConnectivityError
	var lerr *neo4j.TransactionExecutionLimit
	if errors.As(err, &nerr) && (nerr.Code == "Neo.ClientError.Database.DatabaseNotFound" || nerr.Code == "Neo.ClientError.Security.Unauthorized") {
		return s.connError(err)
	}
	if errors.As(err, &nerr) || errors.As(err, &cerr) || errors.As(err, &lerr) {
		return fmt.Errorf("neo4jstore: Neo4j at %s: %w", s.cfg.URI, err)
	}
	return err
}

// run runs one query in tx and collects its records.
func run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// exec runs one query in tx and discards its records.
func exec(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) error {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// chunks calls fn on consecutive slices of at most n items of xs.
func chunks[T any](xs []T, n int, fn func([]T) error) error {
	for i := 0; i < len(xs); i += n {
		if err := fn(xs[i:min(i+n, len(xs))]); err != nil {
			return err
		}
	}
	return nil
}

// invalidf returns an error that wraps graph.ErrInvalid (graph.Invalidf,
// as memstore).
func invalidf(format string, args ...any) error { return graph.Invalidf(format, args...) }
