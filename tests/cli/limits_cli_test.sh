#!/bin/sh
# limits_cli_test.sh KILN GEN_WASM_PY - input files are read with a bound,
# and kiln run's resource limits (-W max-*=N, --max-* N) hold.
set -u
KILN=$1
GEN="python3 $2"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }
check() { # check NAME EXPECTED_STATUS ACTUAL_STATUS
  if [ "$2" != "$3" ]; then fail "$1: exit $3, expected $2"; else echo "ok: $1"; fi
}
has() { # has NAME TEXT NEEDLE
  case "$2" in *"$3"*) ;; *) fail "$1: '$3' not in: $2" ;; esac
}
# Every command runs under a timeout: reading /dev/zero used to never end.
k() { timeout 60 "$KILN" "$@"; }

# Not files: refused before a byte is read, whatever the command.
for cmd in run inspect validate compile; do
  err=$(k $cmd /dev/zero 2>&1); check "$cmd /dev/zero exits 1" 1 $?
  has "$cmd /dev/zero" "$err" "/dev/zero is a character device, not a file"
  err=$(k $cmd "$TMP" 2>&1); check "$cmd DIR exits 1" 1 $?
  has "$cmd DIR" "$err" "is a directory, not a file"
done

# Larger than the default cap (a sparse file: nothing is written or read).
truncate -s 300M "$TMP/big.wasm"
for cmd in run inspect validate compile; do
  err=$(k $cmd "$TMP/big.wasm" 2>&1); check "$cmd 300 MiB file exits 1" 1 $?
  has "$cmd 300 MiB file" "$err" \
    "$TMP/big.wasm is too large: 300 MiB, the limit is 256 MiB (--max-file-size)"
done

# --max-file-size moves the cap, both ways.
$GEN "$TMP/f.wasm" funcs 1000
size=$(wc -c < "$TMP/f.wasm")
err=$(k validate --max-file-size 1K "$TMP/f.wasm" 2>&1); check "validate over --max-file-size exits 1" 1 $?
has "validate --max-file-size 1K" "$err" "is too large: $size bytes, the limit is 1024 bytes"
out=$(k validate --max-file-size=1M "$TMP/f.wasm"); check "validate under --max-file-size exits 0" 0 $?
has "validate under --max-file-size" "$out" "ok"
err=$(k compile --max-file-size 1K "$TMP/f.wasm" -o "$TMP/f.kiln" 2>&1); check "compile over --max-file-size exits 1" 1 $?
has "compile --max-file-size 1K" "$err" "is too large"
k compile "$TMP/f.wasm" -o "$TMP/f.kiln"; check "compile f.wasm" 0 $?
asize=$(wc -c < "$TMP/f.kiln")
err=$(k inspect --max-file-size 1K "$TMP/f.kiln" 2>&1); check "inspect over --max-file-size exits 1" 1 $?
has "inspect --max-file-size 1K" "$err" "is too large: $asize bytes"
err=$(k run --max-file-size 1K "$TMP/f.kiln" --invoke f 2>&1); check "run over --max-file-size exits 1" 1 $?
has "run --max-file-size 1K" "$err" "is too large: $asize bytes"
k validate --max-file-size 0 "$TMP/f.wasm" 2>/dev/null; check "--max-file-size 0 is a usage error" 2 $?
k validate --max-file-size lots "$TMP/f.wasm" 2>/dev/null; check "--max-file-size lots is a usage error" 2 $?

# A pipe is read up to the bound: a module through one still works, and an
# endless one is cut off at the cap.
out=$(k validate /dev/stdin < "$TMP/f.wasm"); check "validate a pipe exits 0" 0 $?
has "validate a pipe" "$out" "ok"
err=$(head -c 5000000 /dev/zero | k validate --max-file-size 1M /dev/stdin 2>&1); check "validate an oversized pipe exits 1" 1 $?
has "oversized pipe" "$err" "/dev/stdin is too large: more than the limit, the limit is 1 MiB"

# kiln run's resource limits: a refused grow is -1 to the guest.
$GEN "$TMP/grow.wasm" grow 1
out=$(k run "$TMP/grow.wasm" --invoke grow 1); check "grow within the defaults" 0 $?
[ "$out" = "1" ] || fail "grow 1 printed '$out', not 1"
out=$(k run -W max-memory-size=128K "$TMP/grow.wasm" --invoke grow 2); check "grow past -W max-memory-size" 0 $?
[ "$out" = "-1" ] || fail "grow past -W max-memory-size printed '$out', not -1"
out=$(k run --max-memory-size 128K "$TMP/grow.wasm" --invoke grow 1); check "grow to --max-memory-size" 0 $?
[ "$out" = "1" ] || fail "grow to --max-memory-size printed '$out', not 1"
out=$(k run -W max-total-memory-size=64K "$TMP/grow.wasm" --invoke grow 1); check "grow past -W max-total-memory-size" 0 $?
[ "$out" = "-1" ] || fail "grow past -W max-total-memory-size printed '$out', not -1"
out=$(k run -Wmax-memory-size=unlimited "$TMP/grow.wasm" --invoke grow 3); check "-W max-memory-size=unlimited" 0 $?
[ "$out" = "1" ] || fail "unlimited grow printed '$out', not 1"
# The guest that grows to 4 GiB: refused by a total below it.
out=$(k run -W max-total-memory-size=1G "$TMP/grow.wasm" --invoke grow 65534); check "grow to 4 GiB" 0 $?
[ "$out" = "-1" ] || fail "grow to 4 GiB printed '$out', not -1"

$GEN "$TMP/tgrow.wasm" tablegrow 1
out=$(k run -W max-table-elements=10 "$TMP/tgrow.wasm" --invoke grow 10); check "table.grow past -W max-table-elements" 0 $?
[ "$out" = "-1" ] || fail "table.grow past the limit printed '$out', not -1"
out=$(k run -W max-table-elements=10 "$TMP/tgrow.wasm" --invoke grow 9); check "table.grow to -W max-table-elements" 0 $?
[ "$out" = "1" ] || fail "table.grow to the limit printed '$out', not 1"

# The 6 KB module of 1,000 tables of 10M elements: refused, quickly, by
# the defaults (it used to hang the host).
$GEN "$TMP/tables.wasm" tables 1000 10000000
k compile "$TMP/tables.wasm" -o "$TMP/tables.kiln"; check "compile 1000 tables" 0 $?
err=$(k run "$TMP/tables.kiln" --invoke f 2>&1); check "1000 tables of 10M refused" 1 $?
has "1000 tables" "$err" "instantiation refused: table 1 needs 10000000 elements, but only 0 of the 10000000 elements all tables may hold are left (max-total-table-elements)"
err=$(k run -W max-tables=10 "$TMP/tables.kiln" --invoke f 2>&1); check "-W max-tables=10" 1 $?
has "-W max-tables" "$err" "the module defines 1000 tables, 0 are live, the limit is 10 (max-tables)"
err=$(k run --max-instances 0 "$TMP/grow.wasm" --invoke grow 0 2>&1); check "--max-instances 0" 1 $?
has "--max-instances 0" "$err" "0 instances are live, the limit is 0 (max-instances)"

# Bad limits are usage errors; --help documents the limits and defaults.
k run -W max-memory-size=lots "$TMP/grow.wasm" --invoke grow 1 2>/dev/null; check "-W max-memory-size=lots" 2 $?
k run -W max-instances=1K "$TMP/grow.wasm" --invoke grow 1 2>/dev/null; check "-W max-instances=1K (a count)" 2 $?
k run --max-tables "$TMP/grow.wasm" 2>/dev/null; check "--max-tables without a value" 2 $?
help=$(k run --help); check "run --help" 0 $?
for name in max-memory-size max-total-memory-size max-table-elements \
            max-total-table-elements max-instances max-tables max-memories \
            max-file-size; do
  has "run --help names $name" "$help" "$name"
done
has "run --help gives the table default" "$help" "(default 10000000)"

[ $fails = 0 ] && echo "all limits CLI checks passed" || { echo "$fails limits CLI check(s) failed"; exit 1; }
