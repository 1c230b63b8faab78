#!/bin/sh
# run_wast.sh KILN JSON_DIR FILTER [kiln wast options...]
#   FILTER: all | no-simd | simd-only  (which scripts of JSON_DIR to run)
# Runs `kiln wast` over the chosen scripts; its exit status is the result.
set -eu
KILN=$1 DIR=$2 FILTER=$3
shift 3
case "$FILTER" in
  all)       files=$(ls "$DIR"/*.json) ;;
  no-simd)   files=$(ls "$DIR"/*.json | grep -v '/simd_') ;;
  simd-only) files=$(ls "$DIR"/*.json | grep '/simd_') ;;
  *) echo "run_wast.sh: unknown filter $FILTER" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086  # one argument per script
exec "$KILN" wast "$@" $files
