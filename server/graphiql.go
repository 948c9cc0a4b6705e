package server

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/playground"
)

// graphiQL returns the GraphiQL page. Queries need a token: set it in
// GraphiQL's Headers tab as {"Authorization": "Bearer <token>"}.
func graphiQL() http.Handler {
	return playground.Handler("cpsfgraph GraphQL (set Authorization: Bearer <token> in Headers)", "/graphql",
		playground.WithStoragePrefix("cpsfgraph"))
}
