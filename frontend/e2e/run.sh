#!/usr/bin/env bash
# End-to-end tests of the UI in headless Chromium against a real server on
# the demo workspace. Needs Go, Node (npm ci is run when node_modules is
# missing) and Debian's chromium (/usr/bin/chromium, or $CHROMIUM).
#
#   frontend/e2e/run.sh            # screenshots and perf.json in frontend/e2e/artifacts
#   E2E_ARTIFACTS=/x frontend/e2e/run.sh
#   E2E_SYNTH=100000 frontend/e2e/run.sh   # also time the dashboard on the synthetic enterprise
#                                          # (E2E_SYNTH_STRICT=1 holds it to the 1.5 s budget)
#
# Steps: build cpsfgraph and the e2e server; `cpsfgraph demo` into a
# temporary file store; start the e2e server (frontend/e2e/server: the
# server package's GraphQL API, the importers and exports, and the embedded
# UI, wired as `cpsfgraph serve` is to wire them; it issues admin, analyst,
# viewer and expired tokens) on 127.0.0.1 with a free port; when `cpsfgraph
# serve` itself serves the UI, a smoke test of it too; then the browser tests
# (node --test e2e/ui.test.mjs). Servers are stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
front="$(dirname "$here")"
root="$(dirname "$front")"
art="${E2E_ARTIFACTS:-$here/artifacts}"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
	echo "e2e: $chromium not found: apt-get install -y chromium (Debian's), or set CHROMIUM" >&2
	exit 1
fi
tmp="$(mktemp -d)"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

cd "$front"
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error

cd "$root"
echo "e2e: building cpsfgraph and the e2e server"
go build -o "$tmp/cpsfgraph" ./cmd/cpsfgraph
go build -o "$tmp/e2eserver" ./frontend/e2e/server
"$tmp/cpsfgraph" demo --store "file:$tmp/demo.db" >"$tmp/demo.out"
head -3 "$tmp/demo.out"

"$tmp/e2eserver" -store "$tmp/demo.db" -addr 127.0.0.1:0 -out "$tmp/e2e.json" -register "$tmp/register.xlsx" -synth "${E2E_SYNTH:-0}" >"$tmp/e2eserver.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 1200); do [ -s "$tmp/e2e.json" ] && break; sleep 0.1; done
[ -s "$tmp/e2e.json" ] || { echo "e2e: the e2e server did not start:" >&2; cat "$tmp/e2eserver.log" >&2; exit 1; }
url="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).url)' "$tmp/e2e.json")"
echo "e2e: server on $url"

# `cpsfgraph serve` itself: when it serves the UI at /, check that it does
# (index.html for a client route, and the GraphQL endpoint asking for a token).
port="$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
"$tmp/cpsfgraph" serve --store "file:$tmp/demo.db" --addr "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
if curl -fs "http://127.0.0.1:$port/w/demo" 2>/dev/null | grep -q '<div id="app">'; then
	code="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{"query":"{ me { role } }"}' "http://127.0.0.1:$port/graphql")"
	[ "$code" = 401 ] || { echo "e2e: cpsfgraph serve: POST /graphql without a token answered $code, want 401" >&2; exit 1; }
	echo "e2e: cpsfgraph serve serves the UI at / and /graphql wants a token: ok"
else
	echo "e2e: NOTE: cpsfgraph serve does not serve the UI at / yet (cmd/cpsfgraph/serve.go: mount frontend.Handler() at /); the browser tests use the e2e server"
fi

mkdir -p "$art"
rm -f "$art"/*.png "$art"/perf.json
echo "e2e: screenshots and perf.json go to $art"
cd "$front"
E2E_URL="$url" E2E_TOKENS="$tmp/e2e.json" E2E_REGISTER="$tmp/register.xlsx" E2E_ARTIFACTS="$art" CHROMIUM="$chromium" \
	node --test --test-concurrency=1 e2e/ui.test.mjs
echo "e2e: artifacts in $art"
