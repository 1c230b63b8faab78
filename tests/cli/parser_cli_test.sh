#!/bin/sh
# parser_cli_test.sh KILN WAT2WASM - the command line has no surprises
# (issue 24): usage errors exit 2 and name the culprit, a trap exits 134
# in every mode, nothing a flag says
# is silently dropped or taken the wrong way, and no output overwrites an
# input. Each case was measured wrong before the change (see its comment).
set -u
KILN=$1
WAT2WASM=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0 skipped=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# expect NAME STATUS PATTERN CMD...: CMD exits STATUS and its output
# (stdout and stderr) matches the extended regex PATTERN ("" for any).
expect() {
  name=$1 want=$2 pattern=$3
  shift 3
  "$@" >"$TMP/out" 2>&1
  got=$?
  if [ "$got" != "$want" ]; then
    fail "$name: exit $got, expected $want: $(head -c 300 "$TMP/out")"
  elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$TMP/out"; then
    fail "$name: output lacks /$pattern/: $(head -c 300 "$TMP/out")"
  else
    pass "$name"
  fi
}

cat >"$TMP/m.wat" <<'EOF'
(module
  (global $n (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (global.get $n))
  (func (export "twice") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2))))
EOF
"$WAT2WASM" "$TMP/m.wat" -o "$TMP/m.wasm" || { echo "wat2wasm failed"; exit 1; }
cp "$TMP/m.wasm" "$TMP/m.orig.wasm"

# --- kiln compile -----------------------------------------------------------
# Before: exit 1, as if the module were at fault.
expect "compile: unknown --target is a usage error" 2 "unsupported target 'nonsense'" \
  "$KILN" compile "$TMP/m.wasm" --target nonsense -o "$TMP/x.kiln"
expect "compile: malformed --features is a usage error" 2 "feature 'garbage'" \
  "$KILN" compile "$TMP/m.wasm" --features garbage -o "$TMP/x.kiln"
expect "compile: --guard-pages on armv7 is a usage error" 2 "needs a 64-bit target" \
  "$KILN" compile "$TMP/m.wasm" --target armv7-linux-gnueabihf --guard-pages -o "$TMP/x.kiln"
# Before: exit 0, the last one won.
expect "compile: --bounds-checks with --guard-pages is refused" 2 "contradict" \
  "$KILN" compile "$TMP/m.wasm" --bounds-checks --guard-pages -o "$TMP/x.kiln"
expect "compile: one memory-mode flag twice is fine" 0 "" \
  "$KILN" compile "$TMP/m.wasm" --bounds-checks --bounds-checks -o "$TMP/x.kiln"
# Before: --emit-asm took "-o" as its file, then "more than one input file".
expect "compile: --emit-asm does not swallow -o" 2 "--emit-asm needs a value, not the option '-o'" \
  "$KILN" compile "$TMP/m.wasm" --emit-asm -o "$TMP/x.kiln"
expect "compile: --features may start with -" 0 "" \
  "$KILN" compile "$TMP/m.wasm" --features -sse4.2 -o "$TMP/x.kiln"
# Before: exit 0, and the module was replaced by its artifact.
expect "compile: output over the input is refused" 2 "is the input" \
  "$KILN" compile "$TMP/m.wasm" -o "$TMP/m.wasm"
if cmp -s "$TMP/m.wasm" "$TMP/m.orig.wasm"; then
  pass "compile: the input is untouched"
else
  fail "compile: the input was overwritten"
fi
expect "compile: --emit-asm over the output is refused" 2 "would overwrite" \
  "$KILN" compile "$TMP/m.wasm" -o "$TMP/x.kiln" --emit-asm "$TMP/x.kiln"
# Before: "cannot write X" with no reason.
expect "compile: a write error says why" 1 "cannot write .*: No such file or directory" \
  "$KILN" compile "$TMP/m.wasm" -o "$TMP/no/such/dir/x.kiln"
expect "compile: --output=FILE" 0 "" \
  "$KILN" compile "$TMP/m.wasm" --output="$TMP/eq.kiln"
[ -s "$TMP/eq.kiln" ] && pass "compile: --output=FILE wrote FILE" ||
  fail "compile: --output=FILE wrote nothing"

# --- -W spellings -------------------------------------------------------------
# Before: "-W=relaxed-simd" was refused ("bad value 'relaxed-simd'").
expect "validate: -W=relaxed-simd" 0 "^ok" "$KILN" validate -W=relaxed-simd "$TMP/m.wasm"
expect "validate: -W relaxed-simd=y" 0 "^ok" "$KILN" validate -W relaxed-simd=y "$TMP/m.wasm"
expect "validate: -W unknown feature" 2 "unknown WebAssembly feature" \
  "$KILN" validate -W nonsense "$TMP/m.wasm"

# --- kiln run -----------------------------------------------------------------
# Before: "error: ... has no exported function 'nope'" and nothing else.
expect "run: an unknown export lists the exports" 1 "its functions: bump, twice" \
  "$KILN" run "$TMP/m.wasm" --invoke nope
# Before: "unknown option '--'".
expect "run: -- ends the options" 0 "^6$" "$KILN" run -- "$TMP/m.wasm" --invoke twice 3
# Before: "unknown option '-O3'" (and --cpu, -W relaxed-simd likewise).
expect "run: takes -O for .wasm input" 0 "^6$" "$KILN" run -O3 "$TMP/m.wasm" --invoke twice 3
expect "run: takes --cpu for .wasm input" 0 "^6$" \
  "$KILN" run --cpu x86-64 "$TMP/m.wasm" --invoke twice 3
expect "run: takes -W relaxed-simd" 0 "^6$" \
  "$KILN" run -W relaxed-simd "$TMP/m.wasm" --invoke twice 3
expect "run: --bounds-checks with --guard-pages is refused" 2 "contradict" \
  "$KILN" run --bounds-checks --guard-pages "$TMP/m.wasm" --invoke bump
# Before: the second --dir silently shadowed the first.
mkdir -p "$TMP/a" "$TMP/b"
expect "run: two --dir with one guest name are refused" 2 "two --dir give the guest the name 'data'" \
  "$KILN" run --dir "$TMP/a::data" --dir "$TMP/b::data" "$TMP/m.wasm" --invoke bump
expect "run: --dir=HOST::GUEST" 0 "^1$" \
  "$KILN" run --dir="$TMP/a::data" "$TMP/m.wasm" --invoke bump
expect "run: wrong argument count is a usage error" 2 "takes 1 argument" \
  "$KILN" run "$TMP/m.wasm" --invoke twice

# --- several calls in one instance ------------------------------------------
# Before: each --invoke was a fresh instance, and the second --invoke (or
# --invoke=NAME after FILE) went to the guest as an argument.
expect "run: two calls share the instance" 0 "^1$" "$KILN" run "$TMP/m.wasm" --invoke bump --invoke bump
grep -qx 2 "$TMP/out" && pass "run: the second call sees the first's global" ||
  fail "run: the second call did not see the first's global: $(cat "$TMP/out")"
expect "run: --invoke=NAME after FILE" 0 "^6$" "$KILN" run "$TMP/m.wasm" --invoke=twice 3
expect "run: every call is checked before the first runs" 2 "'twice' takes 1 argument" \
  "$KILN" run "$TMP/m.wasm" --invoke bump --invoke twice
grep -qx 1 "$TMP/out" && fail "run: the first call ran before the second was checked" ||
  pass "run: nothing ran before the check"

# --- one error vocabulary ----------------------------------------------------
# Before: "invalid module:" from validate, "invalid:" from compile, no kind
# from run; "refused artifact:" from inspect and none from run.
printf '%s\n' '(module (func (result i32) (i64.const 1)))' >"$TMP/bad.wat"
"$WAT2WASM" --no-check "$TMP/bad.wat" -o "$TMP/bad.wasm" || { echo "wat2wasm failed"; exit 1; }
for cmd in "validate" "compile -o $TMP/bad.kiln" "run"; do
  # shellcheck disable=SC2086  # cmd is a command and its options
  expect "$cmd: a type error reads 'error: FILE: invalid: offset'" 1 \
    "^error: $TMP/bad.wasm: invalid: offset 0x[0-9a-f]+, section code, function 0: type mismatch" \
    "$KILN" $cmd "$TMP/bad.wasm"
done
printf 'xx' >"$TMP/junk.kiln"
for cmd in inspect run; do
  expect "$cmd: a bad artifact reads 'error: FILE: refused: offset'" 1 \
    "^error: $TMP/junk.kiln: refused: offset 0x0: file is 2 bytes" "$KILN" $cmd "$TMP/junk.kiln"
done

# --- kiln inspect --json / --functions ---------------------------------------
"$KILN" compile "$TMP/m.wasm" -o "$TMP/m.kiln" >/dev/null 2>&1
expect "inspect --functions lists names, offsets and sizes" 0 \
  "^1 +twice +0x[0-9a-f]+ +[0-9]+ +0x[0-9a-f]+ +type [0-9]+ \(i32\) -> \(i32\)" \
  "$KILN" inspect --functions "$TMP/m.kiln"
"$KILN" inspect --json "$TMP/m.kiln" >"$TMP/m.json" 2>&1
if python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
names = [f["name"] for f in d["functions"]]
assert names == ["bump", "twice"], names
assert d["functions"][1]["signature"]["params"] == ["i32"]
assert d["runs_here"] is True and d["target"]["memory_mode"] in ("guard", "bounds-checked")
' "$TMP/m.json"; then
  pass "inspect --json is JSON with the functions, their names and signatures"
else
  fail "inspect --json: $(head -c 300 "$TMP/m.json")"
fi
printf '%s\n' '(module (func (export "we\"ird\n\\name")))' >"$TMP/odd.wat"
"$WAT2WASM" "$TMP/odd.wat" -o "$TMP/odd.wasm" && "$KILN" compile "$TMP/odd.wasm" -o "$TMP/odd.kiln"
"$KILN" inspect --json "$TMP/odd.kiln" >"$TMP/odd.json" 2>&1
if python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert d["exports"][0]["name"] == "we\"ird\n\\name", d["exports"]' "$TMP/odd.json"; then
  pass "inspect --json escapes an export name with a quote, a newline and a backslash"
else
  fail "inspect --json with an odd name: $(head -c 300 "$TMP/odd.json")"
fi
expect "inspect: --json with --functions is a usage error" 2 "give one of" \
  "$KILN" inspect --json --functions "$TMP/m.kiln"

# --- profilers -----------------------------------------------------------------
# Before: perf saw Kiln's code as anonymous addresses. --profile=perfmap
# appends the module's functions to /tmp/perf-PID.map ("START SIZE NAME").
sh -c 'echo $$ >"$1"; exec "$2" run --profile=perfmap "$3" --invoke bump' sh \
  "$TMP/pid" "$KILN" "$TMP/m.wasm" >"$TMP/out" 2>&1
rc=$?
map=/tmp/perf-$(cat "$TMP/pid").map
if [ $rc = 0 ] && grep -Eq '^[0-9a-f]+ [0-9a-f]+ wasm\[m\.wasm\] bump$' "$map" &&
  grep -Eq '^[0-9a-f]+ [0-9a-f]+ wasm\[m\.wasm\] twice$' "$map"; then
  pass "run: --profile=perfmap names every function in $map"
else
  fail "run: --profile=perfmap: exit $rc, map: $(cat "$map" 2>&1)"
fi
rm -f "$map"
expect "run: an unknown profiler is a usage error" 2 "unknown profiler 'vtune'" \
  "$KILN" run --profile=vtune "$TMP/m.wasm" --invoke bump

# --- one exit-status policy ---------------------------------------------------
# Before: a trap exited 1 from --invoke and 134 from a command.
printf '%s\n' '(module (func (export "boom") (result i32)' \
  '  (i32.div_u (i32.const 1) (i32.const 0))))' >"$TMP/trap.wat"
"$WAT2WASM" "$TMP/trap.wat" -o "$TMP/trap.wasm" || { echo "wat2wasm failed"; exit 1; }
expect "run: a trap under --invoke exits 134" 134 "integer divide by zero" \
  "$KILN" run "$TMP/trap.wasm" --invoke boom
expect "run: a missing module exits 1" 1 "cannot open" \
  "$KILN" run "$TMP/missing.wasm" --invoke bump

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
