#!/bin/sh
# artifact_mutations.sh WAT2WASM KILN MUTATOR OUT_DIR COUNT SEED [signed]
#   Compiles tests/cross/stops.wat (a WASI import, a memory, a table,
#   globals, exports) and runs COUNT one-byte metadata mutants of it, digests
#   recomputed, with `kiln run MUTANT --invoke fib 20` (artifact_mutations.cc):
#   each must be refused or harmless, none may crash or hang. CI runs a
#   slice; the issue's experiment is COUNT=2048. With `signed`, the
#   artifact is signed by a fresh key and run under `kiln run --trust`:
#   every mutant must then be refused.
set -eu
WAT2WASM=$1 KILN=$2 MUTATOR=$3 OUT=$4 COUNT=$5 SEED=$6 MODE=${7:-}
mkdir -p "$OUT"
"$WAT2WASM" "$(dirname "$0")/../cross/stops.wat" -o "$OUT/stops.wasm"
"$KILN" compile "$OUT/stops.wasm" -o "$OUT/stops.kiln"
if [ "$MODE" = signed ]; then
  rm -f "$OUT/key.key" "$OUT/key.pub"
  "$KILN" keygen -o "$OUT/key" >/dev/null
  "$KILN" sign --key "$OUT/key.key" "$OUT/stops.kiln"
  exec "$MUTATOR" "$KILN" "$OUT/stops.kiln" "$COUNT" "$SEED" "$OUT" \
    --trust "$OUT/key.pub" -- --invoke fib 20
fi
exec "$MUTATOR" "$KILN" "$OUT/stops.kiln" "$COUNT" "$SEED" "$OUT" -- --invoke fib 20
