#!/usr/bin/env bash
# differential.sh - Kiln against binaryen's interpreter on random modules.
#
#   scripts/differential.sh [COUNT] [FIRST_SEED]
#
#   COUNT       modules to generate and compare (default 10000)
#   FIRST_SEED  first seed (default 1); seeds FIRST_SEED .. +COUNT-1
#   JOBS=N      shards run in parallel (default: nproc)
#
# Each module comes from `wasm-opt -ttf` (Wasm 2.0 + SIMD), is run by
# binaryen's interpreter and by Kiln in guard and bounds-checked mode at
# -O0..-O3, and every call, logged value, result and trap must agree
# (tests/stress/differential.cc). Builds build/bin/kiln-differential first.
# Divergent modules are kept in build/differential-run/; each shard's log is
# build/differential-run/shard-N.log. The last line is the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-10000}
FIRST=${2:-1}
JOBS=${JOBS:-$(nproc)}
case "$COUNT$FIRST$JOBS" in
  *[!0-9]*) echo "usage: scripts/differential.sh [COUNT] [FIRST_SEED]" >&2; exit 2 ;;
esac
WASM_OPT=$(command -v wasm-opt) || { echo "differential.sh: wasm-opt not found (scripts/setup.sh installs binaryen)" >&2; exit 2; }

[ -f build/build.ninja ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target kiln-differential >/dev/null

OUT=build/differential-run
mkdir -p "$OUT"
PER=$(( (COUNT + JOBS - 1) / JOBS ))
pids=()
for ((j = 0; j < JOBS; j++)); do
  start=$(( FIRST + j * PER ))
  n=$(( COUNT - j * PER )); [ "$n" -gt "$PER" ] && n=$PER
  [ "$n" -le 0 ] && break
  build/bin/kiln-differential "$WASM_OPT" "$OUT" "$n" "$start" >"$OUT/shard-$j.log" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done

grep -h "DIVERGENCE\|missed\|kept" "$OUT"/shard-*.log || true
grep -h "compared in" "$OUT"/shard-*.log
awk '/ passed, .* failed, .* skipped$/ { p += $1; f += $3; s += $5; n++ }
     END { if (n == 0) { print "0 passed, 1 failed, 0 skipped"; exit 1 }
           printf "%d passed, %d failed, %d skipped\n", p, f, s; exit f > 0 }' \
  "$OUT"/shard-*.log
