#!/bin/sh
# checked_loops.sh SCRIPT_TOOL WAT WAST2JSON OUT_DIR PER_FUNC
#   Writes OUT_DIR/checked_loops.json: bounds_check_versioning_test's loop
#   placements as a spec-test script (kiln-checked-loops-script), converted
#   by wast2json, for tests/cross/spec_cross.sh to prepare for a target.
set -eu
TOOL=$1 WAT=$2 WAST2JSON=$3 OUT=$4 PER_FUNC=$5
rm -rf "$OUT"
mkdir -p "$OUT"
"$TOOL" "$WAT" "$OUT/checked_loops.wast" "$PER_FUNC"
"$WAST2JSON" "$OUT/checked_loops.wast" -o "$OUT/checked_loops.json"
