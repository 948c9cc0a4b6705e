package memstore_test

import (
	"path/filepath"
	"testing"

	"cpsfgraph/graph"
	"cpsfgraph/graph/memstore"
	"cpsfgraph/graph/storetest"
)

func TestConformance(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) graph.Store {
			s := memstore.New()
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	// The same suite on a file-backed store: every change goes through a
	// save, and a reopen of the file must answer the same.
	t.Run("file", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) graph.Store {
			s, err := memstore.Open(filepath.Join(t.TempDir(), "store.cpsf"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
}
