#!/usr/bin/env bash
# The short benchmark profile: warm-invoke latency against its direct /run baseline, the hot-path JMH benchmarks
# with allocation per operation, then the report. A few minutes on 2 cores; prints ratios, asserts nothing.
# Usage: benchmarks/profile.sh [results-dir]   (default benchmarks/results/<UTC date-time>)
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$HOME_DIR/benchmarks/results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
"$HOME_DIR/bin/whisk" bench "${WHISK_BENCH_CALLS:-3000}" "${WHISK_BENCH_WARMUP:-1500}" blocking "$OUT/warm-invoke.json" \
    | tee "$OUT/warm-invoke.txt"
"$HOME_DIR/bin/whisk" jmh 'dev.whisk.bench.jmh.(CodecBenchmark|RingBenchmark|AeronRoundTripBenchmark|JournalBenchmark)' \
    -f 1 -wi 2 -i 3 -w 1 -r 1 -prof gc -rf json -rff "$OUT/jmh.json" | grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark)' \
    | grep -vE 'gc\.(count|time|alloc\.rate )|churn' | tee "$OUT/jmh.txt"
"$HOME_DIR/bin/whisk" report "$OUT"
ln -sfn "$OUT" "$HOME_DIR/benchmarks/results/latest"
