#!/usr/bin/env bash
# Start an embedded Neo4j (real Neo4j 5.26, community) with Bolt on 127.0.0.1, auth disabled.
#
#   eval "$(scripts/neo4j/start.sh)"     # sets NEO4J_URI, NEO4J_BOLT_PORT
#   ...go test ./...
#   scripts/neo4j/stop.sh
#
# Only `export` lines go to stdout; everything else (build output, progress, errors) goes to stderr.
# See README.md for the environment variables.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_DIR="${NEO4J_RUN_DIR:-${TMPDIR:-/tmp}/cpsfgraph-neo4j}"
PORT="${NEO4J_PORT:-0}"
HEAP="${NEO4J_HEAP:-1g}"
PAGECACHE_MB="${NEO4J_PAGECACHE_MB:-256}"
TX_MEMORY_MB="${NEO4J_TX_MEMORY_MB:-512}"
TIMEOUT="${NEO4J_START_TIMEOUT:-180}"
JAR="$DIR/target/neo4j-launcher.jar"
PID_FILE="$RUN_DIR/neo4j.pid"
PORT_FILE="$RUN_DIR/neo4j.port"
LOG="$RUN_DIR/neo4j.log"

log() { echo "neo4j/start.sh: $*" >&2; }
emit() {
  echo "export NEO4J_URI=bolt://127.0.0.1:$1"
  echo "export NEO4J_BOLT_PORT=$1"
}

command -v java >/dev/null || { log "java not found (need a JDK/JRE 17+)"; exit 1; }
mkdir -p "$RUN_DIR"

# Already running? Reuse it.
if [[ -s "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null && [[ -s "$PORT_FILE" ]]; then
  log "already running (pid $(cat "$PID_FILE")), log: $LOG"
  emit "$(cat "$PORT_FILE")"
  exit 0
fi
rm -f "$PID_FILE" "$PORT_FILE"

# Build the launcher if the jar is missing or older than its sources.
if [[ ! -f "$JAR" || ! -d "$DIR/target/lib" || -n "$(find "$DIR/pom.xml" "$DIR/src" -newer "$JAR" -print -quit)" ]]; then
  command -v mvn >/dev/null || { log "mvn not found (apt-get install maven)"; exit 1; }
  log "building launcher with Maven ..."
  rm -rf "$DIR/target"
  MVN=(mvn -q -B -Dstyle.color=never -f "$DIR/pom.xml")
  if ! "${MVN[@]}" -o package >/dev/null 2>&1; then
    log "offline build failed (local Maven repository incomplete?), retrying online"
    # (Debian's Maven 3.8 prints stray ESC[0m sequences even with -q -B; strip them.)
    "${MVN[@]}" package 2>&1 | sed 's/\x1b\[0m//g' >&2
  fi
  [[ -f "$JAR" ]] || { log "build produced no $JAR"; exit 1; }
fi

ARGS=(--port "$PORT" --port-file "$PORT_FILE" --pagecache-mb "$PAGECACHE_MB" --tx-memory-mb "$TX_MEMORY_MB")
[[ -n "${NEO4J_DATA_DIR:-}" ]] && ARGS+=(--data-dir "$NEO4J_DATA_DIR")
# NEO4J_AUTH_PASSWORD reaches the launcher through the environment (not argv, not ps).

log "starting Neo4j, log: $LOG"
# shellcheck disable=SC2086 # NEO4J_JAVA_OPTS is a word list on purpose
nohup java -Xms256m -Xmx"$HEAP" ${NEO4J_JAVA_OPTS:-} -jar "$JAR" "${ARGS[@]}" >"$LOG" 2>&1 </dev/null &
PID=$!
echo "$PID" >"$PID_FILE"

# Wait until the launcher reports its port and the port accepts TCP connections.
deadline=$((SECONDS + TIMEOUT))
while :; do
  if ! kill -0 "$PID" 2>/dev/null; then
    log "Neo4j exited during startup; last log lines:"
    tail -n 30 "$LOG" >&2
    rm -f "$PID_FILE"
    exit 1
  fi
  if [[ -s "$PORT_FILE" ]]; then
    BOLT_PORT="$(cat "$PORT_FILE")"
    if (exec 3<>"/dev/tcp/127.0.0.1/$BOLT_PORT") 2>/dev/null; then
      break
    fi
  fi
  if ((SECONDS >= deadline)); then
    log "Bolt not ready after ${TIMEOUT}s; stopping pid $PID. Last log lines:"
    tail -n 30 "$LOG" >&2
    "$DIR/stop.sh" >&2 || true
    exit 1
  fi
  sleep 0.2
done

log "ready: bolt://127.0.0.1:$BOLT_PORT (pid $PID)"
emit "$BOLT_PORT"
