#!/bin/sh
# cpu_refusal.sh WAT2WASM KILN_HOST OUT_DIR TARGET FEATURES MISSING 'LACKING CPU' 'HAVING CPU' -- QEMU... -- KILN_RUN
#   Compiles tests/cross/stops.wat with `kiln compile --target TARGET
#   --features FEATURES`, and calls its fib(10)
#   and runs it with a target's runtime-only kiln KILN_RUN under QEMU
#   (qemu-user -L ...), first as a qemu CPU without the feature (-cpu LACKING CPU): the
#   loader must refuse it (exit 1) naming MISSING; then as one with it
#   (-cpu HAVING CPU): it must run. Prints 'N passed, N failed, N skipped'.
set -u
WAT2WASM=$1 KILN=$2 OUT=$3 TARGET=$4 FEATURES=$5 MISSING=$6 LACKING=$7 HAVING=$8
shift 8
[ "$1" = "--" ] || { echo "cpu_refusal.sh: expected -- QEMU... -- KILN_RUN" >&2; exit 2; }
shift
QEMU=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do QEMU="$QEMU $1"; shift; done
[ $# -eq 2 ] || { echo "cpu_refusal.sh: expected -- KILN_RUN" >&2; exit 2; }
RUN=$2
mkdir -p "$OUT"
"$WAT2WASM" "$(dirname "$0")/stops.wat" -o "$OUT/stops.wasm" || exit 2
"$KILN" compile --target "$TARGET" --features "$FEATURES" "$OUT/stops.wasm" \
  -o "$OUT/needs.kiln" || exit 2
pass=0 fail=0
# shellcheck disable=SC2086  # the qemu command and CPU options are words
out=$($QEMU -cpu $LACKING "$RUN" run "$OUT/needs.kiln" --invoke fib 10 2>&1)
status=$?
case "$status:$out" in
  1:*"with features this CPU lacks: "*"$MISSING"*)
    echo "refused on -cpu $LACKING: $out"; pass=$((pass + 1)) ;;
  *) echo "FAIL: -cpu $LACKING: status $status: $out"; fail=$((fail + 1)) ;;
esac
# shellcheck disable=SC2086
out=$($QEMU -cpu $HAVING "$RUN" run "$OUT/needs.kiln" --invoke fib 10 2>"$OUT/stderr")
status=$?
if [ "$status" -eq 0 ] && [ "$out" = 55 ]; then
  echo "ran on -cpu $HAVING: $out"; pass=$((pass + 1))
else
  echo "FAIL: -cpu $HAVING: status $status: $out $(cat "$OUT/stderr")"; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
