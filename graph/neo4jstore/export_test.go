package neo4jstore

import "cpsfgraph/graph"

// WaitWarm waits for the background warms running now.
func (s *Store) WaitWarm() { s.bg.Wait() }

// CachedFacts returns a copy of the facts cached for workspace ws, by node
// ID, and the data version they are cached under.
func (s *Store) CachedFacts(ws string) (map[string]graph.NodeFacts, string) {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	w := s.cache.ws[ws]
	if w == nil {
		return nil, ""
	}
	out := make(map[string]graph.NodeFacts, len(w.byElem))
	for _, f := range w.byElem {
		out[f.ID] = f
	}
	return out, w.version
}
