#!/bin/sh
# refuse_on_host.sh KILN IN.wasm OUT.kiln [kiln compile options...]
# Compiles IN.wasm for another target and runs the artifact with this
# machine's kiln, which must refuse it (exit 1) and say why.
set -u
KILN=$1 IN=$2 OUT=$3
shift 3
mkdir -p "$(dirname "$OUT")"
"$KILN" compile "$@" "$IN" -o "$OUT" || exit 2
"$KILN" run "$OUT" --invoke run 2>&1
[ $? -eq 1 ] || { echo "refuse_on_host.sh: expected exit status 1" >&2; exit 3; }
