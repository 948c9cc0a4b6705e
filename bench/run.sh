#!/usr/bin/env bash
# Runs cpsfgraph's benchmarks on memstore over the synthetic enterprise and
# prints a summary with ratios against the plain-slice baseline measured in
# the same run (the machines are noisy; read the ratios, not the absolutes).
#
#   bench/run.sh                      # 100k assets, ~400k relationships, 50 suppliers
#   CPSF_BENCH_ASSETS=20000 bench/run.sh
#
# Knobs (environment): CPSF_BENCH_ASSETS, CPSF_BENCH_RELS, CPSF_BENCH_SUPPLIERS,
# CPSF_BENCH_SEED (see bench/bench_test.go), REACH_N (ThreatsReaching calls per
# count, default 200 = each sampled asset once), HEAT_N (heat-maps per count,
# default 3), IMPORT_N (register imports per count, default 2), COUNT
# (repetitions, default 2). Sized for 2 cores: a few minutes.
# Raw results go to bench/out/ (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw="$out/bench-$stamp.txt"
reach_n=${REACH_N:-200}
heat_n=${HEAT_N:-3}
count=${COUNT:-2}
import_n=${IMPORT_N:-2}
export CPSF_BENCH_ASSETS=${CPSF_BENCH_ASSETS:-100000}
# The cpsfgraph binary sets this soft memory limit unless GOMEMLIMIT is set
# (cmd/cpsfgraph/main.go); measure under the same setting.
export GOMEMLIMIT=${GOMEMLIMIT:-350MiB}

echo "cpsfgraph benchmarks: $CPSF_BENCH_ASSETS assets, $(nproc) cores, $(go version | cut -d' ' -f3), raw output $raw"
go test -c -o "$out/bench.test" ./bench/
run() { # benchmark regexp, benchtime
	echo "-- $1 ($2 x $count)" >&2
	"$out/bench.test" -test.run '^$' -test.bench "$1" -test.benchtime "$2" -test.count "$count" | tee -a "$raw" | grep -E '^Benchmark' >&2 || true
}
{
	echo "# $stamp assets=$CPSF_BENCH_ASSETS rels=${CPSF_BENCH_RELS:-default} suppliers=${CPSF_BENCH_SUPPLIERS:-default} seed=${CPSF_BENCH_SEED:-1}"
} >"$raw"
# One process per group: each loads the workspace once. Memory runs alone.
run 'ThreatsReaching|StoreWalk|AnalyzerLoad|WalkBaseline/reach' "${reach_n}x"
run 'Heatmap|WalkBaseline/heatmap|Write' "${heat_n}x"
run 'ImportRegister' "${import_n}x"
count=1 run 'ResidentMemory' 1x

# Summary: the median over the counts of each metric.
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i + 1 <= NF; i += 2) { k = name SUBSEP $(i + 1); n[k]++; v[k, n[k]] = $i }
}
function med(name, unit,   k, c, i, j, t, a) {
	k = name SUBSEP unit; c = n[k]
	if (c == 0) return -1
	for (i = 1; i <= c; i++) a[i] = v[k, i]
	for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return (c % 2) ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
}
function ms(name) { return med(name, "ns/op") / 1e6 }
function ratio(a, b) { return (b > 0 && a >= 0) ? sprintf("%.1fx", a / b) : "n/a" }
function verdict(x, limit) { return (x < 0) ? "n/a" : (x < limit ? "met" : sprintf("MISSED by %.1fx", x / limit)) }
END {
	tr50 = med("BenchmarkThreatsReaching", "ms/p50"); tr99 = med("BenchmarkThreatsReaching", "ms/p99")
	sw50 = med("BenchmarkStoreWalk", "ms/p50"); sw99 = med("BenchmarkStoreWalk", "ms/p99")
	bl50 = med("BenchmarkWalkBaseline/reach", "ms/p50"); bl99 = med("BenchmarkWalkBaseline/reach", "ms/p99")
	ipa = ms("BenchmarkHeatmapIPA"); cpsf = ms("BenchmarkHeatmapCPSF"); sup = ms("BenchmarkHeatmapSupply")
	blh = ms("BenchmarkWalkBaseline/heatmap")
	rss = med("BenchmarkResidentMemory", "rss-MB/loaded"); rssh = med("BenchmarkResidentMemory", "rss-MB/heatmap")
	trc = med("BenchmarkThreatsReaching", "cpu-ms/p50"); swc = med("BenchmarkStoreWalk", "cpu-ms/p50"); blc = med("BenchmarkWalkBaseline/reach", "cpu-ms/p50")
	ipac = med("BenchmarkHeatmapIPA", "cpu-ms/op"); blhc = med("BenchmarkWalkBaseline/heatmap", "cpu-ms/op")
	imp = ms("BenchmarkImportRegister/import-memstore"); xl = ms("BenchmarkImportRegister/excelize-rows")
	printf "\n== summary (median of runs; wall clock, and process CPU time, which a loaded machine disturbs less) ==\n"
	printf "threatsReaching        p50 %9.2f ms  p99 %9.2f ms  mean %9.2f ms | CPU p50 %8.2f ms  mean %8.2f ms  (%.1f threats, %.1f paths per call)\n", tr50, tr99, ms("BenchmarkThreatsReaching"), trc, med("BenchmarkThreatsReaching", "cpu-ms/op"), med("BenchmarkThreatsReaching", "threats/op"), med("BenchmarkThreatsReaching", "paths/op")
	printf "  its store walk       p50 %9.3f ms  p99 %9.3f ms                     | CPU p50 %8.3f ms  (%.0f nodes per 5-hop walk)\n", sw50, sw99, swc, med("BenchmarkStoreWalk", "nodes/op")
	printf "  its env load        mean %9.2f ms per call (workspace, catalog index, org statuses)\n", ms("BenchmarkAnalyzerLoad")
	printf "baseline reach (slices) p50 %9.3f ms  p99 %9.3f ms  mean %9.3f ms | CPU p50 %8.3f ms\n", bl50, bl99, ms("BenchmarkWalkBaseline/reach"), blc
	printf "heat-map IPA   %9.0f ms | CPU %9.0f ms  (%d pairs)\n", ipa, ipac, med("BenchmarkHeatmapIPA", "pairs")
	printf "heat-map CPSF  %9.0f ms | CPU %9.0f ms\n", cpsf, med("BenchmarkHeatmapCPSF", "cpu-ms/op")
	printf "heat-map supply %8.0f ms | CPU %9.0f ms\n", sup, med("BenchmarkHeatmapSupply", "cpu-ms/op")
	printf "baseline heat-map walks (slices) %7.1f ms | CPU %7.1f ms\n", blh, blhc
	printf "load (Write) whole workspace %9.0f ms (%d items)\n", ms("BenchmarkWrite"), med("BenchmarkWrite", "items")
	printf "register import (%d rows) %9.0f ms; bare excelize row iteration %9.0f ms\n", med("BenchmarkImportRegister/excelize-rows", "rows"), imp, xl
	printf "memory: heap %.0f MB, RSS %.0f MB loaded; RSS %.0f MB after a heat-map; peak RSS %.0f MB (incl. generation)\n", med("BenchmarkResidentMemory", "heap-MB/loaded"), rss, rssh, med("BenchmarkResidentMemory", "rss-MB/peak")
	printf "\n== ratios against the baseline of the same run ==\n"
	printf "threatsReaching / baseline reach: p50 %s, mean %s, CPU p50 %s\n", ratio(tr50, bl50), ratio(ms("BenchmarkThreatsReaching"), ms("BenchmarkWalkBaseline/reach")), ratio(trc, blc)
	printf "store walk / baseline reach:      p50 %s, mean %s\n", ratio(sw50, bl50), ratio(ms("BenchmarkStoreWalk"), ms("BenchmarkWalkBaseline/reach"))
	printf "threatsReaching / store walk:     p50 %s\n", ratio(tr50, sw50)
	printf "heat-map IPA / baseline walks:    %s, CPU %s\n", ratio(ipa, blh), ratio(ipac, blhc)
	printf "register import / excelize rows:  %s\n", ratio(imp, xl)
	printf "\n== targets (DESIGN.md section 7, memstore) ==\n"
	printf "threatsReaching p50 < 5 ms:         wall %s; CPU %s\n", verdict(tr50, 5), verdict(trc, 5)
	printf "whole-workspace IPA heat-map < 3 s: wall %s; CPU %s\n", verdict(ipa, 3000), verdict(ipac, 3000)
	printf "register import < 1.3x bare excelize iteration: %s\n", (imp < 0 || xl <= 0) ? "n/a" : verdict(imp / xl, 1.3)
	printf "resident memory < 400 MB: loaded %s; after a heat-map %s\n", verdict(rss, 400), verdict(rssh, 400)
}' "$raw" | tee "$out/summary-$stamp.txt"
