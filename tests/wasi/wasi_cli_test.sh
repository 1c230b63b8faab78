#!/usr/bin/env bash
# WASI programs through `kiln run`: wasi_cli_test.sh CASE KILN GUEST_DIR.
# Exit 0 pass, 1 fail, 77 skipped (ctest SKIP_RETURN_CODE). Each case works
# in its own temporary directory, removed afterwards.
set -u
CASE=$1 KILN=$2 G=$3
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/kiln-wasi-$CASE.XXXXXX")
trap 'rm -rf "$T"' EXIT

fail() { echo "FAIL: $*"; exit 1; }
expect_rc() { # expect_rc WANT GOT WHAT
  [ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
  echo "ok - $3 (exit $2)"
}

case $CASE in
copy-100mb)
  head -c $((100 * 1024 * 1024)) /dev/urandom > "$T/src.bin" || fail "no input"
  start=$(date +%s.%N)
  "$KILN" run --dir "$T::/d" "$G/copy.kiln" /d/src.bin /d/dst.bin
  rc=$?
  end=$(date +%s.%N)
  expect_rc 0 $rc "copy 100 MiB"
  cmp "$T/src.bin" "$T/dst.bin" || fail "copy differs from the original"
  echo "ok - byte-identical; copy took $(awk "BEGIN{printf \"%.2f\", $end - $start}") s"
  ;;
fileops|fileops-portable)
  mkdir "$T/work"
  [ "$CASE" = fileops-portable ] && export KILN_WASI_PORTABLE_RESOLVE=1
  out=$("$KILN" run --dir "$T/work::/work" --env KILN_TEST=yes \
        "$G/fileops.kiln")
  rc=$?
  echo "$out"
  expect_rc 0 $rc "every file and clock check"
  grep -q '^0 failed$' <<<"$out" || fail "summary line missing"
  [ "$(cat "$T/work/a.txt")" = "Hello" ] || fail "host does not see the guest's file"
  ;;
exit-codes)
  # One policy (kiln run --help, as wasmtime): 0..125 pass through; 126 and
  # up are refused with a message (exit 1), so that 134 means a trap only.
  for n in 0 1 3 42 125; do
    "$KILN" run "$G/exit_code.kiln" $n
    expect_rc $n $? "proc_exit($n)"
  done
  for n in 126 134 255 256; do
    "$KILN" run "$G/exit_code.kiln" $n 2> "$T/err"
    expect_rc 1 $? "proc_exit($n) refused"
    grep -q "proc_exit($n): exit status outside \[0..126)" "$T/err" ||
      fail "proc_exit($n): the message does not say why: $(cat "$T/err")"
  done
  ;;
trap-backtrace)
  "$KILN" run "$G/exit_code.kiln" trap 2> "$T/err"
  rc=$?
  cat "$T/err"
  expect_rc 134 $rc "abort() traps"
  grep -q 'wasm trap: .*unreachable' "$T/err" || fail "no trap message"
  grep -q '^ *0: function [0-9]' "$T/err" || fail "no backtrace"
  # The artifact carries the name section, so the frames get names, from
  # the .kiln as from the .wasm (before: only from the .wasm).
  grep -q '<abort>' "$T/err" || fail ".kiln backtrace does not name abort"
  "$KILN" run "$G/exit_code.wasm" trap 2> "$T/err"
  grep -q '<abort>' "$T/err" || fail "backtrace does not name abort"
  "$KILN" run "$G/exit_code.wasm" deep 2> "$T/err"
  rc=$?
  cat "$T/err"
  expect_rc 134 $rc "__builtin_trap traps"
  # Innermost first, each caller below it, down to main and _start (kiln's
  # LLVM may inline innermost/middle/outer into main: native frames are
  # what can be walked).
  names=$(grep -o '<[._a-zA-Z]*>' "$T/err" | tr -d '<>' | tr '\n' ' ')
  case "$names" in
  *main\ __main_void\ *_start*) echo "ok - backtrace: $names" ;;
  *) fail "backtrace is '$names'" ;;
  esac
  ;;
trap-source-lines)
  # Built with clang -O2 -g (guests/backtrace.c): a trap from the .kiln
  # names the function, the Wasm offset and file:line of every level of
  # the chain, however clang and Kiln inlined them.
  src='backtrace\.c'
  check() { # check WHAT PATTERN...: each pattern matches a line of $T/err
    what=$1; shift
    for p in "$@"; do
      grep -Eq -- "$p" "$T/err" || fail "$what: no line matches /$p/"
    done
    echo "ok - $what"
  }
  for mode in "" --bounds-checks; do
    "$KILN" compile $mode "$G/backtrace.wasm" -o "$T/b.kiln" ||
      fail "compile $mode"
    "$KILN" run "$T/b.kiln" div 2> "$T/err"
    rc=$?
    cat "$T/err"
    expect_rc 134 $rc "division by zero ${mode:-guard}"
    check "division by zero ${mode:-guard}: the trap and its frames" \
      'wasm trap: offset 0x[0-9a-f]+, function [0-9]+: integer divide by zero' \
      "^ +0: function [0-9]+ <[_a-z]*main[_a-z]*> at offset 0x" \
      "^ +share at .*$src:14:" "^ +average at .*$src:21:" \
      "^ +report at .*$src:26:" "_start"
    "$KILN" run "$T/b.kiln" oob 2> "$T/err"
    rc=$?
    cat "$T/err"
    expect_rc 134 $rc "out-of-bounds load ${mode:-guard}"
    check "out-of-bounds load ${mode:-guard}: the trap and its frames" \
      'wasm trap: offset 0x[0-9a-f]+, function [0-9]+: out of bounds memory access' \
      "^ +peek at .*$src:30:" "^ +sample at .*$src:34:" \
      "^ +probe at .*$src:37:"
  done
  # The trap's offset is the instruction's: the same as the one wasm-objdump
  # shows for the division in the .wasm.
  "$KILN" run "$G/backtrace.kiln" div 2> "$T/err"
  off=$(grep -Eo 'wasm trap: offset 0x[0-9a-f]+' "$T/err" | grep -Eo '0x[0-9a-f]+')
  if command -v wasm-objdump > /dev/null; then
    wasm-objdump -d "$G/backtrace.wasm" |
      grep -Eq "^ 0*${off#0x}: .*i32.div_s" ||
      fail "offset $off is not an i32.div_s in the .wasm"
    echo "ok - offset $off is the i32.div_s"
  fi
  # Deep recursion: the trapping frame and the callers among the 64 native
  # frames kept are listed (65 recurse frames; 64 where a sanitizer build's
  # trap builtin takes one), the rest counted.
  "$KILN" run "$G/backtrace.kiln" recurse 100 2> "$T/err"
  expect_rc 134 $? "100 nested calls, then a trap"
  check "a long backtrace says what it leaves out" \
    "^ +63: function [0-9]+ <recurse>" "^  \.\.\. [0-9]+ more frames left out"
  n=$(grep -c '<recurse>' "$T/err")
  [ "$n" -ge 64 ] && [ "$n" -le 65 ] || fail "expected 65 recurse frames, got $n"
  # --strip-debug: no lines, no names; --strip-names: lines, no names.
  "$KILN" compile --strip-debug "$G/backtrace.wasm" -o "$T/s.kiln" || fail strip
  "$KILN" run "$T/s.kiln" div 2> "$T/err"
  expect_rc 134 $? "stripped artifact traps the same"
  grep -q "$src" "$T/err" && fail "--strip-debug kept source lines"
  grep -q "<recurse>\|<main>" "$T/err" && fail "--strip-debug kept names"
  "$KILN" compile --strip-names "$G/backtrace.wasm" -o "$T/n.kiln" || fail strip
  "$KILN" run "$T/n.kiln" div 2> "$T/err"
  grep -q "share at .*$src:14:" "$T/err" || fail "--strip-names lost the lines"
  grep -q "<__main_argc_argv>\|<__original_main>" "$T/err" &&
    fail "--strip-names kept names"
  [ "$(stat -c %s "$T/s.kiln")" -lt "$(stat -c %s "$G/backtrace.kiln")" ] ||
    fail "--strip-debug did not make the artifact smaller"
  echo "ok - --strip-debug and --strip-names"
  ;;
stdin)
  seq 1 200000 > "$T/in.txt"
  out=$("$KILN" run "$G/stdin_sum.kiln" < "$T/in.txt")
  expect_rc 0 $? "read stdin from a file"
  [ "$out" = "1288895 c9336b0c6291fce5" ] || fail "stdin checksum '$out'"
  out=$(cat "$T/in.txt" | "$KILN" run "$G/stdin_sum.kiln")
  [ "$out" = "1288895 c9336b0c6291fce5" ] || fail "stdin via pipe '$out'"
  echo "ok - stdin from a file and a pipe: $out"
  ;;
big-output)
  "$KILN" run "$G/big_output.kiln" 300000 > "$T/out.txt"
  expect_rc 0 $? "300,000 lines to stdout"
  seq -f 'line %.0f' 0 299999 > "$T/want.txt"
  cmp "$T/out.txt" "$T/want.txt" || fail "output differs"
  echo "ok - $(wc -c < "$T/out.txt") bytes identical"
  # A reader that goes away: the guest sees EPIPE, kiln does not die of
  # SIGPIPE and exits like the guest does.
  "$KILN" run "$G/big_output.kiln" 300000 | head -1 > /dev/null
  rc=${PIPESTATUS[0]}
  [ "$rc" -lt 128 ] || fail "kiln killed by a signal ($rc) on a closed pipe"
  echo "ok - closed pipe: exit $rc"
  ;;
escape|escape-portable)
  mkdir -p "$T/inside/sub" "$T/outside"
  echo inside > "$T/inside/file.txt"
  echo "SECRET data" > "$T/outside/secret.txt"
  ln -s ../outside/secret.txt "$T/inside/link_out"
  ln -s "$T/outside/secret.txt" "$T/inside/abs_link"
  ln -s ../outside "$T/inside/dirlink_out"
  ln -s chain2 "$T/inside/chain1"
  ln -s sub/../link_out "$T/inside/chain2"
  ln -s ../.. "$T/inside/sub/up_link"
  mkdir "$T/log"
  before=$(sha256sum "$T/outside/secret.txt"; stat -c '%s %Y %i %h' "$T/outside/secret.txt"; ls -a "$T/outside" "$T")
  [ "$CASE" = escape-portable ] && export KILN_WASI_PORTABLE_RESOLVE=1
  "$KILN" run --dir "$T/inside::/sb" "$G/escape.kiln" < /dev/null > "$T/log/out" 2>&1
  rc=$?
  cat "$T/log/out"
  expect_rc 0 $rc "no escape attempt succeeded"
  grep -q '^0 escaped$' "$T/log/out" || fail "summary line missing"
  after=$(sha256sum "$T/outside/secret.txt"; stat -c '%s %Y %i %h' "$T/outside/secret.txt"; ls -a "$T/outside" "$T")
  [ "$before" = "$after" ] || fail "the outside changed:
$before
---
$after"
  [ "$(cat "$T/outside/secret.txt")" = "SECRET data" ] || fail "secret changed"
  [ "$(cat "$T/inside/file.txt")" = "inside" ] || fail "inside file changed"
  echo "ok - outside file and directory untouched"
  ;;
reactor)
  out=$("$KILN" run "$G/reactor.kiln" --invoke add 2 3)
  expect_rc 0 $? "--invoke on a reactor"
  [ "$out" = "add called
105" ] || fail "reactor output '$out' (was _initialize run?)"
  out=$("$KILN" run --invoke add "$G/reactor.kiln" 2 3)
  [ "$out" = "add called
105" ] || fail "--invoke before the file: '$out'"
  "$KILN" run "$G/reactor.kiln" 2> "$T/err"
  rc=$?
  expect_rc 2 $rc "a reactor without --invoke is a usage error"
  grep -q reactor "$T/err" || fail "message does not say reactor"
  ;;
node-compare)
  if ! command -v node > /dev/null; then
    echo "SKIP: node not found; kiln vs node WASI comparison not run"
    exit 77
  fi
  mkdir "$T/k" "$T/n"
  "$KILN" run --dir "$T/k::/sb" "$G/compare.kiln" hello > "$T/kiln.out"
  krc=$?
  node --no-warnings --experimental-wasi-unstable-preview1 "$HERE/node_wasi.mjs" \
    "$G/compare.wasm" "$T/n" hello > "$T/node.out"
  nrc=$?
  cat "$T/kiln.out"
  # argv[0] is the path each was given; the rest must match byte for byte.
  diff "$T/kiln.out" "$T/node.out" || fail "kiln and node differ"
  expect_rc $nrc $krc "same exit status as node"
  cmp "$T/k/numbers.txt" "$T/n/numbers.txt" || fail "written files differ"
  echo "ok - identical stdout, exit status and file under kiln and node $(node --version)"
  ;;
usage)
  "$KILN" run > /dev/null 2>&1; expect_rc 2 $? "no module"
  "$KILN" run --dir > /dev/null 2>&1; expect_rc 2 $? "--dir without value"
  "$KILN" run --env =x "$G/exit_code.kiln" > /dev/null 2>&1; expect_rc 2 $? "--env =x"
  "$KILN" run --help > "$T/help"; expect_rc 0 $? "--help"
  grep -q -- '--dir <HOST\[::GUEST\]>' "$T/help" || fail "--help lacks --dir"
  "$KILN" run --dir "$T/nope" "$G/exit_code.kiln" 2> "$T/err"
  expect_rc 1 $? "missing preopen directory"
  grep -q "cannot pre-open directory" "$T/err" || fail "message: $(cat "$T/err")"
  "$KILN" run --argv0 myname "$G/exit_code.kiln" 9; expect_rc 9 $? "--argv0"
  # wasmtime's spelling: a long option's value after '=' too.
  "$KILN" run --argv0=myname --env=K=v --dir="$T" "$G/exit_code.kiln" 8
  expect_rc 8 $? "--argv0=, --env=, --dir="
  "$KILN" run --dir="$T/nope" "$G/exit_code.kiln" 2> /dev/null
  expect_rc 1 $? "--dir= of a missing directory"
  "$KILN" run --dir= "$G/exit_code.kiln" > /dev/null 2>&1; expect_rc 2 $? "--dir= without value"
  "$KILN" run --bounds-checks=yes "$G/exit_code.kiln" > /dev/null 2>&1
  expect_rc 2 $? "--bounds-checks= takes no value"
  ;;
readonly)
  mkdir -p "$T/ro/sub" "$T/rw"
  echo "read only" > "$T/ro/data.txt"
  echo "deeper" > "$T/ro/sub/data.txt"
  before=$(cd "$T" && find ro rw -exec stat -c '%n %s %Y %i %h' {} + | sort; sha256sum ro/data.txt ro/sub/data.txt)
  for spelling in "$T/ro::/ro:ro" "$T/ro::/ro::ro"; do
    "$KILN" run --dir "$spelling" --dir "$T/rw::/rw" "$G/readonly.kiln" > "$T/out"
    rc=$?
    cat "$T/out"
    expect_rc 0 $rc "nothing changed under --dir $spelling"
    grep -q '^0 wrong$' "$T/out" || fail "summary line missing"
    after=$(cd "$T" && find ro rw -exec stat -c '%n %s %Y %i %h' {} + | sort; sha256sum ro/data.txt ro/sub/data.txt)
    [ "$before" = "$after" ] || fail "the read-only directory changed:
$before
---
$after"
  done
  # Without :ro the same program changes things: the test can tell.
  "$KILN" run --dir "$T/ro::/ro" --dir "$T/rw::/rw" "$G/readonly.kiln" > "$T/out"
  [ $? -ne 0 ] || fail "a writable --dir refused everything too"
  echo "ok - a writable --dir lets the same program write"
  "$KILN" run --help | grep -q 'HOST::GUEST:ro' || fail "--help lacks :ro"
  ;;
*)
  fail "unknown case $CASE"
  ;;
esac
echo "PASS: $CASE"
