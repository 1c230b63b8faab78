#!/bin/sh
# split_matches.sh KILN JSON_DIR FILTER OUT_DIR
# On this machine, runs the chosen spec scripts twice: in one process
# (kiln wast FILE.json...) and split (kiln wast --target <host> --emit-dir,
# then kiln wast OUT_DIR/*.json). The last lines ('N passed, N failed,
# N skipped') must be identical and report no failure.
set -eu
KILN=$1 DIR=$2 FILTER=$3 OUT=$4
here=$(dirname "$0")
one=$("$here/../spec/run_wast.sh" "$KILN" "$DIR" "$FILTER" | tail -n 1) || true
"$here/spec_cross.sh" prepare "$KILN" "$DIR" "$FILTER" "$OUT" \
  --target x86_64-linux-gnu >/dev/null
split=$("$KILN" wast "$OUT"/*.json | tail -n 1) || true
echo "one process: $one"
echo "split:       $split"
[ "$one" = "$split" ] || { echo "split_matches.sh: results differ" >&2; exit 1; }
case "$one" in *" 0 failed,"*) ;; *) exit 1 ;; esac
