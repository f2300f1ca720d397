#!/usr/bin/env bash
# The benchmark profiles. Both print ratios and assert nothing: they fail only when something crashes.
#   benchmarks/profile.sh [results-dir]          warm-invoke latency against its direct /run baseline, the hot-path
#                                                 JMH benchmarks with allocation per operation, then the report
#                                                 (a few minutes on 2 cores).
#   benchmarks/profile.sh --short [results-dir]  the regression guard CI runs: `whisk bench profile` (added latency
#                                                 over direct, platform/direct throughput at 1 and 4 connections,
#                                                 CPU and bytes per invocation, front door vs Netty echo), then the
#                                                 report; about two minutes, bounded by WHISK_PROFILE_TIMEOUT_S (600).
# Default results-dir: benchmarks/results/<UTC date-time>.
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHORT=false
if [ "${1:-}" = "--short" ]; then
    SHORT=true
    shift
fi
OUT="${1:-$HOME_DIR/benchmarks/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT" "$HOME_DIR/benchmarks/results"
if $SHORT; then
    timeout "${WHISK_PROFILE_TIMEOUT_S:-600}" "$HOME_DIR/bin/whisk" bench profile "$OUT" | tee "$OUT/profile.txt"
    "$HOME_DIR/bin/whisk" report "$OUT"
    ln -sfn "$OUT" "$HOME_DIR/benchmarks/results/latest"
    exit 0
fi
"$HOME_DIR/bin/whisk" bench "${WHISK_BENCH_CALLS:-3000}" "${WHISK_BENCH_WARMUP:-1500}" blocking "$OUT/warm-invoke.json" \
    | tee "$OUT/warm-invoke.txt"
"$HOME_DIR/bin/whisk" jmh 'dev.whisk.bench.jmh.(CodecBenchmark|RingBenchmark|AeronRoundTripBenchmark|JournalBenchmark|FrontDoorBenchmark)|dev.whisk.pool.PoolBookBenchmark' \
    -f 1 -wi 2 -i 3 -w 1 -r 1 -prof gc -rf json -rff "$OUT/jmh.json" | grep -E '^(Benchmark|[A-Za-z.]*Benchmark)' \
    | grep -vE 'gc\.(count|time|alloc\.rate )|churn' | tee "$OUT/jmh.txt"
"$HOME_DIR/bin/whisk" report "$OUT"
ln -sfn "$OUT" "$HOME_DIR/benchmarks/results/latest"
