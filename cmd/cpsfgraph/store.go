package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/graph/neo4jstore"
)

const storeHelp = "store URI: file:PATH (embedded store), bolt://HOST:PORT or neo4j://HOST:PORT (Neo4j; neo4j:// routes in a cluster); also $CPSFGRAPH_STORE"

// storeOptions are the flags that choose and reach a store.
type storeOptions struct {
	uri, user, password, database *string
}

// storeFlag registers --store and the Neo4j connection flags. Neo4j
// settings default to NEO4J_USERNAME, NEO4J_PASSWORD and NEO4J_DATABASE;
// the store URI to CPSFGRAPH_STORE, then NEO4J_URI, then file:./cpsfgraph.db.
func storeFlag(env *cli, fs *flag.FlagSet) *storeOptions {
	def := env.getenv("CPSFGRAPH_STORE")
	if def == "" {
		def = env.getenv("NEO4J_URI")
	}
	if def == "" {
		def = "file:./cpsfgraph.db"
	}
	return &storeOptions{
		uri:      fs.String("store", def, storeHelp),
		user:     fs.String("neo4j-user", env.getenv("NEO4J_USERNAME"), "Neo4j user ($NEO4J_USERNAME); empty for no authentication"),
		password: fs.String("neo4j-password", "", "Neo4j password (prefer $NEO4J_PASSWORD: flags show in process lists)"),
		database: fs.String("neo4j-database", env.getenv("NEO4J_DATABASE"), "Neo4j database ($NEO4J_DATABASE); empty for the server's default"),
	}
}

func (o *storeOptions) String() string { return *o.uri }

// openStore opens the store the options name. With create false, a file
// store must already exist: a query never writes a new file.
func openStore(ctx context.Context, env *cli, o *storeOptions, create bool) (graph.Store, error) {
	uri := *o.uri
	scheme, rest, ok := strings.Cut(uri, ":")
	if !ok {
		return nil, usagef("store %q: want file:PATH, bolt://HOST:PORT or neo4j://HOST:PORT", uri)
	}
	switch scheme {
	case "file":
		path := strings.TrimPrefix(rest, "//")
		if path == "" {
			return nil, usagef("store %q: empty path", uri)
		}
		if !create {
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("store file %s does not exist: run 'cpsfgraph demo' or import data first: %w", path, fs.ErrNotExist)
			}
		}
		return memstore.Open(path)
	case "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc":
		// The flags name the user and database; the variables give the
		// password (unless --neo4j-password does) and the tuning.
		vars, err := neo4jstore.ConfigFrom(env.getenv)
		if err != nil {
			return nil, usagef("%v", err)
		}
		cfg := neo4jstore.Config{URI: uri, Username: *o.user, Password: cmp.Or(*o.password, vars.Password), Database: *o.database,
			BatchSize: vars.BatchSize, Parallel: vars.Parallel}
		return neo4jstore.Open(ctx, cfg)
	}
	return nil, usagef("store %q: unknown scheme %q (want file:, bolt:// or neo4j://)", uri, scheme)
}
