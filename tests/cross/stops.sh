#!/bin/sh
# stops.sh WAT2WASM KILN_HOST OUT_DIR 'COMPILE OPTIONS' [RUNNER...] -- KILN_RUN
#   Compiles tests/cross/stops.wat with KILN_HOST (`kiln compile OPTIONS`,
#   e.g. --target aarch64-linux-gnu --bounds-checks) and runs every runaway
#   export with `KILN_RUN run --timeout 20ms` (under RUNNER, e.g. qemu):
#   each must exit 134 (a trap) with "interrupted: deadline exceeded"; finite calls
#   still give their results. Then the same module compiled with --fuel:
#   fib(20) needs exactly FibFuel instructions of fuel on every target, in
#   every mode (the figure x86-64 gives; interrupt_test.cc checks it across
#   modes and optimization levels). Correctness, not timing.
set -u
WAT2WASM=$1 KILN=$2 OUT=$3 OPTS=$4
shift 4
RUNNER=""
while [ "$1" != "--" ]; do RUNNER="$RUNNER $1"; shift; done
shift
RUN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
pass=0 fail=0
"$WAT2WASM" "$HERE/stops.wat" -o "$OUT/stops.wasm" || exit 1
# shellcheck disable=SC2086
"$KILN" compile $OPTS "$OUT/stops.wasm" -o "$OUT/stops.kiln" || exit 1
# shellcheck disable=SC2086
"$KILN" compile $OPTS --fuel "$OUT/stops.wasm" -o "$OUT/stops-fuel.kiln" || exit 1
FibFuel=240760

check() { # name expected-status expected-text command...
  name=$1 want=$2 text=$3
  shift 3
  out=$("$@" 2>&1)
  got=$?
  if [ "$got" = "$want" ] && printf '%s' "$out" | grep -q -- "$text"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: exit $got (want $want), output: $out"
  fi
}

for export in spin fib fill_forever host_loop sum_forever spin_indirect; do
  args=""
  [ "$export" = fib ] && args=60
  # shellcheck disable=SC2086
  check "$export" 134 "interrupted: deadline exceeded" \
    $RUNNER "$RUN" run --timeout 20ms "$OUT/stops.kiln" --invoke $export $args
done
# The same calls with time to spare: results unchanged by the polls.
# shellcheck disable=SC2086
check "fib 20" 0 "^6765" $RUNNER "$RUN" run --timeout 10s "$OUT/stops.kiln" --invoke fib 20
# shellcheck disable=SC2086
check "sum 0" 0 "^0" $RUNNER "$RUN" run --timeout 10s "$OUT/stops.kiln" --invoke sum 0
# Fuel: the same budget everywhere, and runaways stop on it.
# shellcheck disable=SC2086
check "fib 20, fuel $FibFuel" 0 "^6765" $RUNNER "$RUN" run --fuel $FibFuel "$OUT/stops-fuel.kiln" --invoke fib 20
# shellcheck disable=SC2086
check "fib 20, fuel $((FibFuel - 1))" 134 "all fuel consumed" $RUNNER "$RUN" run --fuel $((FibFuel - 1)) "$OUT/stops-fuel.kiln" --invoke fib 20
for export in spin sum_forever host_loop; do
  # shellcheck disable=SC2086
  check "$export, fuel" 134 "all fuel consumed" $RUNNER "$RUN" run -W fuel=100000 "$OUT/stops-fuel.kiln" --invoke $export
done
# shellcheck disable=SC2086
check "fuel refused without --fuel" 1 "compiled without --fuel" $RUNNER "$RUN" run --fuel 10 "$OUT/stops.kiln" --invoke spin
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" = 0 ]
