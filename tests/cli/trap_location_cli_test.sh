#!/bin/sh
# trap_location_cli_test.sh KILN WAT2WASM - a trap names the function and
# Wasm offset where it happened, with every frame Kiln's compiler inlined
# (issue 24). Before the code map, at -O2 the division in $divide was
# reported in $outer, the function it was inlined into, with $divide's
# offset, and the backtrace had one frame.
set -u
KILN=$1
WAT2WASM=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0 skipped=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# has NAME PATTERN: a line of $TMP/err matches the extended regex.
has() {
  if grep -Eq -- "$2" "$TMP/err"; then pass "$1"; else
    fail "$1: no line matches /$2/: $(cat "$TMP/err")"; fi
}

cat >"$TMP/m.wat" <<'WAT'
(module
  (func $divide (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.div_s)
  (func $middle (param i32) (result i32)
    i32.const 100
    local.get 0
    call $divide
    i32.const 1
    i32.add)
  (func $outer (export "outer") (param i32) (result i32)
    local.get 0
    call $middle
    i32.const 2
    i32.mul)
  (memory 1)
  (func $load (param i32) (result i32)
    local.get 0
    i32.load offset=4)
  (func $reader (export "reader") (param i32) (result i32)
    local.get 0
    call $load
    i32.const 7
    i32.xor))
WAT
"$WAT2WASM" --debug-names "$TMP/m.wat" -o "$TMP/m.wasm" || exit 1
# The offsets wasm-objdump gives the trapping instructions and the calls.
if command -v wasm-objdump >/dev/null; then
  DUMP=$(wasm-objdump -d "$TMP/m.wasm")
  at() { echo "$DUMP" | grep -E "$1" | head -1 | sed -E 's/^ *0*([0-9a-f]+):.*/0x\1/'; }
  DIV=$(at 'i32.div_s') LOAD=$(at 'i32.load')
  CALL_DIVIDE=$(at 'call 0 ') CALL_MIDDLE=$(at 'call 1 ') CALL_LOAD=$(at 'call 3 ')
else
  DIV= LOAD= CALL_DIVIDE= CALL_MIDDLE= CALL_LOAD=
fi

for opt in -O0 -O2; do
  for mem in --guard-pages --bounds-checks; do
    what="$opt $mem"
    "$KILN" compile $opt $mem "$TMP/m.wasm" -o "$TMP/m.kiln" || {
      fail "$what: compile"; continue; }
    "$KILN" run "$TMP/m.kiln" --invoke outer 0 >/dev/null 2>"$TMP/err"
    [ $? = 134 ] && pass "$what: division traps (134)" ||
      fail "$what: division: $(cat "$TMP/err")"
    has "$what: the trap is in \$divide at the i32.div_s" \
      "wasm trap: offset ${DIV:-0x[0-9a-f]+}, function 0: integer divide by zero"
    has "$what: frame 0 is \$divide" "^ +0: function 0 <divide> at offset ${DIV:-0x}"
    has "$what: frame 1 is the call in \$middle" \
      "^ +1: function 1 <middle> at offset ${CALL_DIVIDE:-0x}"
    has "$what: frame 2 is the call in \$outer" \
      "^ +2: function 2 <outer> at offset ${CALL_MIDDLE:-0x}"
    if [ "$opt" = -O2 ]; then
      has "$what: inlined frames are marked" "^ +0: .*inlined into the next frame"
    fi
    "$KILN" run "$TMP/m.kiln" --invoke reader 65534 >/dev/null 2>"$TMP/err"
    [ $? = 134 ] && pass "$what: load traps (134)" ||
      fail "$what: load: $(cat "$TMP/err")"
    has "$what: the out-of-bounds load has its offset" \
      "wasm trap: offset ${LOAD:-0x[0-9a-f]+}, function 3: out of bounds memory access"
    has "$what: the load's caller" \
      "^ +1: function 4 <reader> at offset ${CALL_LOAD:-0x}"
  done
done

# --strip-debug: no map, no names. A trap builtin's own offset still names
# the function and instruction; a guard fault only the native function's.
"$KILN" compile --strip-debug "$TMP/m.wasm" -o "$TMP/s.kiln"
"$KILN" run "$TMP/s.kiln" --invoke outer 0 >/dev/null 2>"$TMP/err"
[ $? = 134 ] && pass "--strip-debug: still traps" || fail "--strip-debug"
has "--strip-debug: the trap's function from its offset" \
  "wasm trap: offset ${DIV:-0x[0-9a-f]+}, function 0: integer divide by zero"
if grep -q "<divide>" "$TMP/err"; then
  fail "--strip-debug kept the name section"; else pass "--strip-debug drops names"; fi
"$KILN" run "$TMP/s.kiln" --invoke reader 65534 >/dev/null 2>"$TMP/err"
has "--strip-debug: a fault is named by its native function's export" \
  "^ +0: function 4 <reader>"

if [ -z "$DIV" ]; then
  echo "SKIP offsets checked against wasm-objdump (not installed)"
  skipped=$((skipped + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
