#!/bin/sh
# gathers.sh SCRIPT_TOOL WAT ASSERTS GUARD_TRAPS WAST2JSON OUT_DIR FUNCS SEED
#   Writes the code-generation scripts for tests/cross/spec_cross.sh into
#   OUT_DIR, as JSON: byte_gather (WAT with ASSERTS appended), FUNCS random
#   gathers from SEED (kiln-random-gathers-script), and GUARD_TRAPS.
set -eu
TOOL=$1 WAT=$2 ASSERTS=$3 GUARD_TRAPS=$4 WAST2JSON=$5 OUT=$6 FUNCS=$7 SEED=$8
rm -rf "$OUT"
mkdir -p "$OUT/src"
cat "$WAT" "$ASSERTS" > "$OUT/src/byte_gather.wast"
cp "$GUARD_TRAPS" "$OUT/src/guard_traps.wast"
"$TOOL" "$OUT/src" "$FUNCS" "$SEED"
for script in byte_gather random_gathers guard_traps; do
  "$WAST2JSON" "$OUT/src/$script.wast" -o "$OUT/$script.json"
done
