#!/bin/sh
# bench_cli_test.sh KILN [CLANG WASM_LD CC] - the contract of `kiln bench`.
#
# Builds modules/bench_kernel.c to wasm32 (CLANG, WASM_LD), to a .kiln (KILN)
# and natively into a shared library (CC), then checks what kiln bench
# prints and its exit statuses. Never asserts a timing: budgets are either
# impossible (1ns) or generous (10s). Checks that need the wasm toolchain
# are skipped without it. Last line: "N passed, N failed, N skipped".
set -u
KILN=$1
CLANG=${2:-}
WASM_LD=${3:-}
CC=${4:-cc}
SRC=$(cd "$(dirname "$0")" && pwd)/modules/bench_kernel.c
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0 skipped=0
pass() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
skip() { echo "skip: $1"; skipped=$((skipped + 1)); }
# expect NAME EXPECTED_STATUS ACTUAL_STATUS
expect() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: exit $3, expected $2"; fi; }
# mentions NAME FILE PATTERN: the output names what is wrong
mentions() { if grep -q -- "$3" "$2"; then pass "$1"; else fail "$1: no '$3' in: $(cat "$2")"; fi; }

# Usage errors need no module.
"$KILN" bench --help > "$TMP/help" 2>&1
expect "bench --help exits 0" 0 $?
mentions "--help defines jitter" "$TMP/help" "p99 - p50"
"$KILN" bench > "$TMP/err" 2>&1
expect "no module exits 2" 2 $?

K=$TMP/bench_kernel.kiln
have_module=0
if [ -x "$CLANG" ] && [ -x "$WASM_LD" ] &&
   "$CLANG" --target=wasm32 -O2 -nostdlib -c "$SRC" -o "$TMP/k.o" &&
   "$WASM_LD" --no-entry --export-memory "$TMP/k.o" -o "$TMP/k.wasm" &&
   "$KILN" compile "$TMP/k.wasm" -o "$K"; then
  have_module=1
fi
have_native=0
if "$CC" -O2 -shared -fPIC "$SRC" -o "$TMP/libbench_kernel.so" 2>/dev/null; then
  have_native=1
fi

if [ $have_module = 0 ]; then
  for c in table json samples plot budget-miss budget-met period-nonsense \
           missing-invoke unknown-export native-missing native-ratios \
           periodic trap arg-count setup option-equals fifo mlock cpu; do
    skip "$c (no clang-19/wasm-ld to build the module)"
  done
  echo "$passed passed, $failed failed, $skipped skipped"
  [ $failed = 0 ]
  exit
fi

B="$KILN bench $K --setup init --invoke work 2000 --warmup 10 --count 300"

# The table: every statistic on its own row.
$B > "$TMP/table" 2>&1
expect "table run exits 0" 0 $?
for row in min p50 p90 p99 p99.9 max mean stddev jitter; do
  if grep -q "^  $row " "$TMP/table"; then pass "table has $row"; else fail "table has no $row row: $(cat "$TMP/table")"; fi
done

# --json: one object with the keys CI scripts read.
$B --budget 10s --json > "$TMP/json" 2>&1
expect "--json exits 0" 0 $?
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
keys = ["module", "export", "args", "mode", "period_ns", "count", "warmup",
        "budget_ns", "budget_met", "kiln", "wakeup"]
side = ["min_ns", "p50_ns", "p90_ns", "p99_ns", "p99_9_ns", "max_ns",
        "mean_ns", "stddev_ns", "jitter_ns", "budget_misses", "period_overruns"]
missing = [k for k in keys if k not in d] + [k for k in side if k not in d["kiln"]]
assert not missing, missing
k = d["kiln"]
assert d["count"] == 300 and d["export"] == "work" and d["budget_met"] is True
assert k["min_ns"] <= k["p50_ns"] <= k["p90_ns"] <= k["p99_ns"] <= k["p99_9_ns"] <= k["max_ns"]
assert all(isinstance(k[x], int) for x in side if x not in ("mean_ns", "stddev_ns", "period_overruns"))
' "$TMP/json"; then pass "--json parses and has every key"; else fail "--json: $(cat "$TMP/json")"; fi

# --samples: a header and one row per timed call.
$B --samples "$TMP/s.csv" > /dev/null 2>&1
expect "--samples exits 0" 0 $?
rows=$(($(wc -l < "$TMP/s.csv") - 1))
if [ "$rows" = 300 ] && head -1 "$TMP/s.csv" | grep -q '^index,start_ns,latency_ns$'; then
  pass "--samples has 300 rows"; else fail "--samples: $rows rows, header $(head -1 "$TMP/s.csv")"; fi

# --plot: well-formed SVG with the budget drawn on both panels.
$B --budget 10s --plot "$TMP/p.svg" > /dev/null 2>&1
expect "--plot exits 0" 0 $?
if python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
budget = [e for e in root.iter() if e.get("class") == "budget"]
assert len(budget) == 2, "one budget line per panel, found %d" % len(budget)
text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
for label in ("latency", "call index", "budget", "Kiln"):
    assert label in text, label
' "$TMP/p.svg"; then pass "--plot writes an SVG with the budget line"; else fail "--plot: SVG malformed or no budget line"; fi

# The budget decides the exit status.
$B --budget 1ns > "$TMP/out" 2> "$TMP/err"
expect "--budget 1ns exits 1" 1 $?
mentions "a missed budget says so" "$TMP/err" "budget 1 ns missed"
$B --budget 10s > /dev/null 2>&1
expect "--budget 10s exits 0" 0 $?
$B --budget=10s > /dev/null 2>&1
expect "--budget=10s (= form) exits 0" 0 $?
$B --count=50 --json > "$TMP/json" 2>&1
if python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["count"] == 50' "$TMP/json"; then
  pass "--count=50 (= form) is taken"; else fail "--count=50: $(cat "$TMP/json")"; fi

# Bad arguments name what is wrong.
$B --period nonsense > /dev/null 2> "$TMP/err"
expect "--period nonsense exits 2" 2 $?
mentions "--period nonsense is named" "$TMP/err" "nonsense"
"$KILN" bench "$K" 2000 > /dev/null 2> "$TMP/err"
expect "missing --invoke exits 2" 2 $?
mentions "missing --invoke is named" "$TMP/err" "--invoke"
"$KILN" bench "$K" --invoke no_such_export > /dev/null 2> "$TMP/err"
expect "unknown export exits 1" 1 $?
mentions "unknown export is named" "$TMP/err" "no_such_export"
$B --native nosuchlib.so:f > /dev/null 2> "$TMP/err"
expect "--native nosuchlib.so:f exits 1" 1 $?
mentions "--native names the library" "$TMP/err" "nosuchlib.so"
$B --native nocolon > /dev/null 2> "$TMP/err"
expect "--native without :SYMBOL exits 2" 2 $?
"$KILN" bench "$K" --invoke work 1 2 > /dev/null 2> "$TMP/err"
expect "wrong argument count exits 2" 2 $?
mentions "wrong argument count is named" "$TMP/err" "takes 1 argument"
$B --count 0 > /dev/null 2>&1
expect "--count 0 exits 2" 2 $?
$B --bogus > /dev/null 2>&1
expect "unknown option exits 2" 2 $?

# A trap ends the run as it ends kiln run --invoke: message, status 1.
"$KILN" bench "$K" --invoke boom 1 > /dev/null 2> "$TMP/err"
expect "a trapping export exits 1" 1 $?
mentions "the trap is reported" "$TMP/err" "wasm trap: .*unreachable"
mentions "the trap names the export" "$TMP/err" "<boom>"

# Periodic runs report overruns and wake-up delays.
$B --period 200us --count 50 > "$TMP/out" 2>&1
expect "--period 200us exits 0" 0 $?
mentions "periodic run reports overruns" "$TMP/out" "overrun"
mentions "periodic run reports wake-ups" "$TMP/out" "wake-up"

$B --setup no_such_init > /dev/null 2> "$TMP/err"
expect "unknown --setup export exits 2" 2 $?
mentions "unknown --setup export is named" "$TMP/err" "no_such_init"

# Real-time settings: done, or refused with a reason (never silently).
$B --count 20 --cpu 0 > /dev/null 2>&1
expect "--cpu 0 exits 0" 0 $?
$B --count 20 --fifo 1 > /dev/null 2> "$TMP/err"
st=$?
if [ $st = 0 ] || { [ $st = 1 ] && grep -q "SCHED_FIFO" "$TMP/err"; }; then
  pass "--fifo 1 runs or says SCHED_FIFO was refused"; else fail "--fifo 1: exit $st: $(cat "$TMP/err")"; fi
$B --count 20 --mlock > /dev/null 2> "$TMP/err"
st=$?
if [ $st = 0 ] || { [ $st = 1 ] && grep -q "mlockall" "$TMP/err"; }; then
  pass "--mlock runs or says mlockall was refused"; else fail "--mlock: exit $st: $(cat "$TMP/err")"; fi

# The native baseline: ratios next to each statistic, same results.
if [ $have_native = 1 ]; then
  $B --native "$TMP/libbench_kernel.so:work" --setup init > "$TMP/out" 2> "$TMP/err"
  expect "--native exits 0" 0 $?
  mentions "--native prints the ratio column" "$TMP/out" "kiln/native"
  if grep -Eq '^  p99 .*[0-9]\.[0-9][0-9]x$' "$TMP/out"; then pass "--native prints a p99 ratio"; else fail "--native: no p99 ratio: $(cat "$TMP/out")"; fi
  # work() reads Seed, which init sets: --setup ran on both sides, so the
  # results agree and there is no warning.
  if grep -q warning "$TMP/err"; then fail "--setup ran on both sides: $(cat "$TMP/err")"; else pass "--setup runs on both sides"; fi
  $B --native "$TMP/libbench_kernel.so:negate" > /dev/null 2> "$TMP/err"
  expect "--native with another function still runs" 0 $?
  mentions "a baseline that disagrees is reported" "$TMP/err" "warning: the native baseline"
  "$KILN" bench "$K" --invoke mix 3 2.5 -4 0.25 --count 50 --native "$TMP/libbench_kernel.so:mix" --json > "$TMP/json" 2> "$TMP/err"
  expect "--native with mixed i32/f64/i64/f32 arguments exits 0" 0 $?
  if ! grep -q warning "$TMP/err" && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert set(["min", "p50", "p90", "p99", "p99_9", "max"]) <= set(d["ratio_to_native"]), d
assert d["native"]["p50_ns"] > 0
' "$TMP/json"; then pass "--native mixed arguments agree and JSON has ratios"; else fail "--native mix: $(cat "$TMP/err" "$TMP/json")"; fi
else
  skip "--native (no host C compiler)"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
