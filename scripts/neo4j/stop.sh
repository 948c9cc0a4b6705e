#!/usr/bin/env bash
# Stop the Neo4j started by start.sh: SIGTERM, wait (bounded), then SIGKILL if needed.
set -euo pipefail

RUN_DIR="${NEO4J_RUN_DIR:-${TMPDIR:-/tmp}/cpsfgraph-neo4j}"
TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
PID_FILE="$RUN_DIR/neo4j.pid"
PORT_FILE="$RUN_DIR/neo4j.port"
LOG="$RUN_DIR/neo4j.log"

log() { echo "neo4j/stop.sh: $*" >&2; }

if [[ ! -s "$PID_FILE" ]]; then
  log "not running (no $PID_FILE)"
  exit 0
fi
PID="$(cat "$PID_FILE")"

# Only signal the process if it is still our launcher (the PID may have been reused).
if ! kill -0 "$PID" 2>/dev/null || ! tr '\0' ' ' <"/proc/$PID/cmdline" 2>/dev/null | grep -q 'neo4j-launcher.jar'; then
  log "pid $PID is not running (stale pid file)"
  rm -f "$PID_FILE" "$PORT_FILE"
  exit 0
fi

kill -TERM "$PID"
deadline=$((SECONDS + TIMEOUT))
while kill -0 "$PID" 2>/dev/null && ((SECONDS < deadline)); do
  sleep 0.2
done

if kill -0 "$PID" 2>/dev/null; then
  log "pid $PID still alive after ${TIMEOUT}s, sending SIGKILL"
  kill -KILL "$PID" 2>/dev/null || true
  sleep 0.5
  # The launcher could not delete its temporary data folder; do it here.
  tmp="$(sed -n 's/^neo4j-launcher: data in \(.*cpsfgraph-neo4j-[0-9]*\) (temporary)$/\1/p' "$LOG" 2>/dev/null | tail -n 1)"
  [[ -n "$tmp" && -d "$tmp" ]] && rm -rf -- "$tmp"
fi

rm -f "$PID_FILE" "$PORT_FILE"
log "stopped (pid $PID)"
