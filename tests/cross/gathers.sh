#!/bin/sh
# gathers.sh SCRIPT_TOOL WAT ASSERTS WAST2JSON OUT_DIR FUNCS SEED
#   Writes ByteGatherPass's scripts for tests/cross/spec_cross.sh, in two
#   directories by memory mode:
#     OUT_DIR/bounds: byte_gather (WAT + ASSERTS) and random_gathers, every
#                     case, traps included;
#     OUT_DIR/guard:  byte_gather and random_gathers_results, the random
#                     cases that do not trap (kiln-random-gathers-script
#                     says why, and how many it leaves out).
set -eu
TOOL=$1 WAT=$2 ASSERTS=$3 WAST2JSON=$4 OUT=$5 FUNCS=$6 SEED=$7
rm -rf "$OUT"
mkdir -p "$OUT/bounds" "$OUT/guard" "$OUT/src"
cat "$WAT" "$ASSERTS" > "$OUT/src/byte_gather.wast"
"$TOOL" "$OUT/src" "$FUNCS" "$SEED"
for mode in bounds guard; do
  "$WAST2JSON" "$OUT/src/byte_gather.wast" -o "$OUT/$mode/byte_gather.json"
done
"$WAST2JSON" "$OUT/src/random_gathers.wast" -o "$OUT/bounds/random_gathers.json"
"$WAST2JSON" "$OUT/src/random_gathers_results.wast" \
  -o "$OUT/guard/random_gathers_results.json"
