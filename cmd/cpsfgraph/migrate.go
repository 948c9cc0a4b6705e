package main

import (
	"context"
	"fmt"

	"cpsfgraph/graph/neo4jstore"
)

func runMigrate(ctx context.Context, env *cli, args []string) error {
	fs := newFlags(env, "migrate", "migrate [--store URI]")
	so := storeFlag(env, fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	// Opening a store upgrades an older layout and refuses a newer one.
	st, err := openStore(ctx, env, so, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if n, ok := st.(*neo4jstore.Store); ok {
		v, err := n.StoredSchemaVersion(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "store %s: schema version %d (this binary writes %d)\n", so, v, neo4jstore.SchemaVersion)
		return nil
	}
	fmt.Fprintf(env.stdout, "store %s: file format is current\n", so)
	return nil
}
