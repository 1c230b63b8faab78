#!/usr/bin/env bash
# test.sh - set up a fresh machine, build Kiln, and run the whole test suite.
#
#   scripts/test.sh            everything (what CI runs)
#   KILN_SKIP_SETUP=1 ...      skip the package check (machine already set up)
#
# Stages, each must pass:
#   1. scripts/setup.sh: install the Debian packages Kiln needs (idempotent)
#   2. full build (compiler + runtime + tools) in build/, and ctest there:
#      unit tests, the spec suite, CLI contract tests, the corpus fuzz run,
#      the hostlib tests, and the cross-architecture runs under qemu-user
#      (label cross: the spec suite and the hostlib tests per target)
#   3. the decoder and its fuzz driver again under ASan+UBSan in build-asan/,
#      with the corpus fuzz run (every prefix, 10,000 mutants), unit tests and
#      the hostlib tests (native kernels and the wasm guest, both modes)
#   4. coverage-guided fuzzing, briefly: scripts/fuzz.sh 30 builds the
#      libFuzzer targets in build-fuzz/ (clang-19, ASan+UBSan) and fuzzes the
#      decoder, the artifact loader and the WASI layer for 30 s each from
#      their seed corpora
#   5. the runtime-only build (no LLVM) in build-runtime/, which must not link
#      LLVM and must say that it has no compiler
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}

step() { printf '\n=== %s\n' "$*"; }

if [ "${KILN_SKIP_SETUP:-0}" != 1 ]; then
  step "setup"
  scripts/setup.sh
fi

step "build (build/)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$JOBS"

step "test (build/)"
ctest --test-dir build --output-on-failure -j "$JOBS"

step "sanitizers: ASan+UBSan (build-asan/)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKILN_SANITIZE=address,undefined >/dev/null
cmake --build build-asan -j "$JOBS" --target kiln kiln-unit-tests kiln-fuzz-corpus kiln-trap-storm \
  kiln-capi-smoke trap_storm_kiln kiln-hostlib-tests hostlib_guest_kiln kiln-hostlib-bench \
  kiln-call-hygiene kiln-artifact-mutations kiln-differential kiln_differential_regressions \
  kiln-agent-tests
# (kiln-hostlib-bench: label hostlib also selects hostlib.bench.smoke, whose
# portable-C baselines check the kernels once more.)
# Guard-mode memory turns SIGSEGV into traps, so ASan must leave that signal
# to the runtime (handle_segv=0); LeakSanitizer runs at every exit.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS" -L 'unit|fuzz|spec|stress|hostlib'

step "fuzzing: libFuzzer, 30 s per target (build-fuzz/)"
JOBS="$JOBS" scripts/fuzz.sh 30

step "runtime-only build, no LLVM (build-runtime/)"
cmake -S . -B build-runtime -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DKILN_RUNTIME_ONLY=ON >/dev/null
cmake --build build-runtime -j "$JOBS"
if ldd build-runtime/bin/kiln | grep -qi llvm; then
  echo "runtime-only kiln links LLVM:"; ldd build-runtime/bin/kiln; exit 1
fi
# (its exit status is 1 by design; pipefail must not hide the message check)
out=$(build-runtime/bin/kiln validate x.wasm 2>&1 || true)
case "$out" in
  *"no compiler"*) echo "runtime-only kiln: 'validate' reports that this build has no compiler" ;;
  *) echo "runtime-only kiln did not refuse 'validate': $out"; exit 1 ;;
esac
ctest --test-dir build-runtime --output-on-failure -j "$JOBS"

step "all tests passed"
