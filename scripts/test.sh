#!/usr/bin/env bash
# Runs every test of cpsfgraph: the Go tests on the embedded store and on a
# real Neo4j. When NEO4J_URI is not set, it starts the embedded Neo4j 5.26
# launcher of scripts/neo4j (built with Maven on first use) in a folder of its
# own and stops it afterwards. Set CPSF_NO_NEO4J=1 to run without Neo4j (its
# tests then skip, or fail when CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."

started=""
cleanup() {
	if [ -n "$started" ]; then scripts/neo4j/stop.sh >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if [ -z "${NEO4J_URI:-}" ] && [ -z "${CPSF_NO_NEO4J:-}" ]; then
	export NEO4J_RUN_DIR="${NEO4J_RUN_DIR:-$(mktemp -d /tmp/cpsfgraph-test-neo4j.XXXXXX)}"
	echo "test.sh: starting the embedded Neo4j (scripts/neo4j/start.sh, run dir $NEO4J_RUN_DIR)" >&2
	eval "$(scripts/neo4j/start.sh)"
	started=1
	echo "test.sh: NEO4J_URI=$NEO4J_URI" >&2
fi

# Community Neo4j has one database, so the packages whose tests use it run
# one after another; all others run in parallel.
all=$(go list ./...)
neo=$(grep -l -r --include='*_test.go' -e 'NEO4J_URI' -e 'neo4jstore' . | xargs -r -n1 dirname | sort -u | sed 's|^\.|cpsfgraph|' || true)
rest=$(comm -23 <(echo "$all" | sort) <(echo "$neo" | sort))

go test -count=1 -timeout 20m $rest
if [ -n "$neo" ]; then
	go test -count=1 -p 1 -timeout 20m $neo
fi
go test -count=1 -race -timeout 10m ./graph/memstore/ ./graph/

# The web UI: the committed build matches its sources (and its unit tests
# pass), then the end-to-end tests in headless Chromium. CI requires both;
# elsewhere they run when Node and Chromium are present.
if command -v npm >/dev/null 2>&1 && [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	frontend/check-dist.sh
	frontend/e2e/run.sh
elif [ "${CI:-}" = true ]; then
	echo "test.sh: CI needs npm and Chromium for the UI tests" >&2
	exit 1
else
	echo "test.sh: skipping the UI tests (no npm or no Chromium)" >&2
fi
