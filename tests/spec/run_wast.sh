#!/bin/sh
# run_wast.sh KILN JSON_DIR FILTER [kiln wast options...]
#   FILTER: all | no-simd | simd-only  (which scripts of JSON_DIR to run)
# Runs `kiln wast` over the chosen scripts; its exit status is the result.
set -eu
KILN=$1 DIR=$2 FILTER=$3
shift 3
files=$("$(dirname "$0")/spec_files.sh" "$DIR" "$FILTER")
# shellcheck disable=SC2086  # one argument per script
exec "$KILN" wast "$@" $files
