#!/bin/sh
# hostlib_prepare.sh KILN GUEST.wasm OUT_DIR TARGET MODE... [-- kiln compile options]
#   The host half of the cross hostlib tests: compiles the hostlib test
#   guest (built by the full build) for TARGET, once per memory MODE
#   (guard | bounds), into OUT_DIR/hostlib_guest.<mode>.kiln.
set -eu
KILN=$1 WASM=$2 OUT=$3 TARGET=$4
shift 4
modes=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do modes="$modes $1"; shift; done
[ $# -gt 0 ] && shift
[ -f "$WASM" ] || { echo "hostlib_prepare.sh: $WASM missing (build hostlib_guest_kiln first)" >&2; exit 2; }
rm -rf "$OUT"
mkdir -p "$OUT"
for m in $modes; do
  case "$m" in
    guard)  flag=--guard-pages ;;
    bounds) flag=--bounds-checks ;;
    *) echo "hostlib_prepare.sh: unknown mode $m" >&2; exit 2 ;;
  esac
  "$KILN" compile --target "$TARGET" $flag "$@" "$WASM" -o "$OUT/hostlib_guest.$m.kiln"
  echo "$OUT/hostlib_guest.$m.kiln ($TARGET, $m)"
done
