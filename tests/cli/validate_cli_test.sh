#!/bin/sh
# validate_cli_test.sh KILN SPEC_JSON_DIR - the contract of `kiln validate`.
set -u
KILN=$1
DIR=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
check() { # check NAME EXPECTED_STATUS ACTUAL_STATUS
  if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, expected $2"; fails=$((fails + 1)); else echo "ok: $1"; fi
}

out=$("$KILN" validate "$DIR/fac.0.wasm"); check "valid module exits 0" 0 $?
[ "$out" = "ok" ] || { echo "FAIL: valid module printed '$out', not 'ok'"; fails=$((fails + 1)); }

printf '\000asm\001\000\000\000\001\005\001\140\000' > "$TMP/trunc.wasm"
err=$("$KILN" validate "$TMP/trunc.wasm" 2>&1); check "truncated module exits 1" 1 $?
echo "$err" | grep -q "offset 0x" || { echo "FAIL: error does not name the offset: $err"; fails=$((fails + 1)); }
echo "$err" | grep -q "trunc.wasm" || { echo "FAIL: error does not name the file: $err"; fails=$((fails + 1)); }

"$KILN" validate "$TMP/does-not-exist.wasm" 2>/dev/null; check "missing file exits 1" 1 $?
"$KILN" validate --bogus-flag 2>/dev/null; check "unknown flag exits 2" 2 $?
"$KILN" validate 2>/dev/null; check "no input exits 2" 2 $?
"$KILN" validate --help >/dev/null; check "validate --help exits 0" 0 $?
"$KILN" --help >/dev/null; check "kiln --help exits 0" 0 $?
"$KILN" no-such-command 2>/dev/null; check "unknown command exits 2" 2 $?

[ $fails = 0 ] && echo "all CLI checks passed" || { echo "$fails CLI check(s) failed"; exit 1; }
