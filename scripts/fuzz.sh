#!/usr/bin/env bash
# fuzz.sh - coverage-guided fuzzing of Kiln's untrusted-input parsers with
# libFuzzer (clang-19, ASan+UBSan).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
#   SECONDS   how long to fuzz each target (default 3600)
#   TARGET    decode (tests/fuzz/fuzz_decode.cc: decoder + validator) and/or
#             artifact (tests/fuzz/fuzz_artifact.cc: Module::load of .kiln
#             files) and/or wasi (tests/fuzz/fuzz_wasi.cc: WASI call
#             sequences against a scratch directory); default: all of them
#   JOBS=N    build parallelism (default: nproc)
#
# Configures and builds build-fuzz/ (-DKILN_FUZZ=ON: only the fuzz targets,
# kiln_wasm and kiln_runtime; no LLVM library). Each target runs on a copy of
# tests/fuzz/corpus/<target>/ in a scratch directory, so the repository's
# corpus never grows. For each target it prints executions, coverage (cov:
# and ft: of libFuzzer's last status line) and crashes; a crash, leak,
# timeout, out-of-memory or sanitizer report fails the target, and its
# reproducer is kept in build-fuzz/crashes/<target>/. To reproduce:
#   build-fuzz/bin/kiln-fuzz-<target> build-fuzz/crashes/<target>/crash-...
# Exit status 1 if any target failed. The last line is the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-3600}
[ $# -gt 0 ] && shift
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(decode artifact wasi app)
JOBS=${JOBS:-$(nproc)}
case "$SECONDS_PER_TARGET" in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac

# Longest input per target: a few times the largest seed. Artifacts are
# about 5 KB (the code image is page aligned); the decode seeds stay < 3 KB;
# a WASI input runs at most 32 calls, which fit in far less than 4 KB.
max_len() {
  case "$1" in
    decode) echo 16384 ;;
    artifact) echo 16384 ;;
    wasi) echo 4096 ;;
    app) echo 8192 ;;
    *) echo "" ;;
  esac
}

passed=0 failed=0 skipped=0
if ! command -v clang++-19 >/dev/null; then
  echo "fuzz: clang++-19 not found (scripts/setup.sh installs it): every target skipped"
  echo "0 passed, 0 failed, ${#TARGETS[@]} skipped"
  exit 0
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kiln-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

echo "fuzz: building build-fuzz/"
if ! { CC=clang-19 CXX=clang++-19 cmake -S . -B build-fuzz -G Ninja \
         -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKILN_FUZZ=ON &&
       cmake --build build-fuzz -j "$JOBS"; } >"$scratch/build.log" 2>&1; then
  cat "$scratch/build.log"
  echo "fuzz: build-fuzz/ failed to build"
  exit 1
fi

for t in "${TARGETS[@]}"; do
  bin=build-fuzz/bin/kiln-fuzz-$t
  corpus=tests/fuzz/corpus/$t
  len=$(max_len "$t")
  if [ ! -x "$bin" ] || [ ! -d "$corpus" ] || [ -z "$len" ]; then
    echo "fuzz $t: SKIPPED (no such target: expected $bin and $corpus/)"
    skipped=$((skipped + 1))
    continue
  fi
  work=$scratch/$t
  mkdir -p "$work/corpus" "$work/found"
  cp "$corpus"/* "$work/corpus/"
  log=$work/log
  # Sanitizer reports abort (-fno-sanitize-recover, abort_on_error) so that
  # libFuzzer saves the input; leaks are checked after every input.
  # TMPDIR: fuzz_wasi's scratch tree goes in the scratch directory too.
  status=0
  TMPDIR=$work ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$bin" -max_total_time="$SECONDS_PER_TARGET" -max_len="$len" -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$work/found/" "$work/corpus" \
      >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  crashes=$(find "$work/found" -type f | wc -l)
  printf 'fuzz %s: %s s, %s executions, cov: %s ft: %s, %s crashes\n' \
    "$t" "$SECONDS_PER_TARGET" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ] ||
     grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log"; then
    keep=build-fuzz/crashes/$t
    mkdir -p "$keep"
    cp "$log" "$keep/log"
    [ "$crashes" -ne 0 ] && cp "$work/found"/* "$keep/"
    echo "fuzz $t: FAILED (exit $status); log and reproducers in $keep/:"
    grep -E -m5 'ERROR:|runtime error:|SUMMARY:|sandbox escape' "$log" | sed 's/^/  /' || true
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
