#!/usr/bin/env bash
# Runs every test of cpsfgraph: the Go tests on the embedded store and on a
# real Neo4j. When NEO4J_URI is not set, it starts the embedded Neo4j 5.26
# launcher of scripts/neo4j (built with Maven on first use) and stops it
# afterwards. Set CPSF_NO_NEO4J=1 to run without Neo4j (its tests then skip).
set -euo pipefail
cd "$(dirname "$0")/.."

started=""
cleanup() {
	if [ -n "$started" ]; then scripts/neo4j/stop.sh >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if [ -z "${NEO4J_URI:-}" ] && [ -z "${CPSF_NO_NEO4J:-}" ]; then
	echo "test.sh: starting the embedded Neo4j (scripts/neo4j/start.sh)" >&2
	eval "$(scripts/neo4j/start.sh)"
	started=1
	echo "test.sh: NEO4J_URI=$NEO4J_URI" >&2
fi

go test -count=1 -timeout 20m ./...
go test -count=1 -race -timeout 10m ./graph/memstore/ ./graph/
