#!/bin/sh
# gathers.sh SCRIPT_TOOL LOOPS_TOOL MODULES_DIR ASSERTS_DIR WAST2JSON OUT_DIR FUNCS SEED
#   Writes the code-generation scripts for tests/cross/spec_cross.sh into
#   OUT_DIR, as JSON: byte_gather and guard_traps (each MODULES_DIR/<name>.wat
#   with ASSERTS_DIR/<name>_asserts.wast appended), FUNCS random gathers
#   from SEED (kiln-random-gathers-script), and FUNCS random loops whose
#   loads nothing needs (kiln-dropped-loads-script).
set -eu
TOOL=$1 LOOPS_TOOL=$2 MODULES=$3 ASSERTS=$4 WAST2JSON=$5 OUT=$6 FUNCS=$7 SEED=$8
rm -rf "$OUT"
mkdir -p "$OUT/src"
for script in byte_gather guard_traps; do
  cat "$MODULES/$script.wat" "$ASSERTS/${script}_asserts.wast" > "$OUT/src/$script.wast"
done
"$TOOL" "$OUT/src" "$FUNCS" "$SEED"
"$LOOPS_TOOL" "$OUT/src" "$FUNCS" "$SEED"
for script in byte_gather random_gathers guard_traps dropped_loads; do
  "$WAST2JSON" "$OUT/src/$script.wast" -o "$OUT/$script.json"
done
