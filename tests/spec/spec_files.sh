#!/bin/sh
# spec_files.sh JSON_DIR FILTER
#   FILTER: all | no-simd | simd-only
# Prints the wast2json scripts of JSON_DIR that FILTER selects, one per line;
# the one place run_wast.sh and tests/cross/spec_cross.sh choose them.
set -eu
DIR=$1 FILTER=$2
case "$FILTER" in
  all)       ls "$DIR"/*.json ;;
  no-simd)   ls "$DIR"/*.json | grep -v '/simd_' ;;
  simd-only) ls "$DIR"/*.json | grep '/simd_' ;;
  *) echo "spec_files.sh: unknown filter $FILTER" >&2; exit 2 ;;
esac
