package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
)

// openStore opens the store a URI names. With create false, a file store
// must already exist: a query never writes a new file.
func openStore(uri string, create bool) (graph.Store, error) {
	scheme, rest, ok := strings.Cut(uri, ":")
	if !ok {
		return nil, usagef("store %q: want file:PATH", uri)
	}
	switch scheme {
	case "file":
		path := strings.TrimPrefix(rest, "//")
		if path == "" {
			return nil, usagef("store %q: empty path", uri)
		}
		if !create {
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("store file %s does not exist: run 'cpsfgraph demo' or import data first", path)
			}
		}
		return memstore.Open(path)
	case "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc":
		return nil, fmt.Errorf("store %q: the Neo4j store is not part of this build yet", uri)
	}
	return nil, usagef("store %q: unknown scheme %q (want file:PATH)", uri, scheme)
}
