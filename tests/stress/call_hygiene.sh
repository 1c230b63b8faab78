#!/usr/bin/env bash
# call_hygiene.sh - no heap allocation, no lock and no system call per call.
#
#   call_hygiene.sh KILN-CALL-HYGIENE CALL_HYGIENE.wasm [PROGRAM ARGS...]
#
# 1. Runs kiln-call-hygiene with 10^6 calls per way: its own checks count
#    allocations and locks over the measured calls (see call_hygiene.cc).
# 2. System calls, which the program cannot count itself: runs it twice
#    under `strace -f -C` (-c's summary, plus the log), with 1,000 and
#    10^6 calls per way, and checks
#      - per way, that the calling thread made no system call (and took no
#        signal) between the window's markers in the 10^6 run: the markers
#        are write(-1, "kiln-hygiene:begin:TAG") / "...:end:TAG";
#      - that the totals of the two runs, every thread included, differ by
#        less than $SLACK: no system call per call anywhere. The deadline
#        watchdog thread wakes on its own (every 100 ms with 1 s budgets)
#        while deadlines are armed, and the long run arms them for longer:
#        each of its timed waits that ran out (futex ... ETIMEDOUT) and the
#        condvar wake that follows it are taken out of the difference, as
#        clock events rather than calls.
#    Without a working strace that part is a printed, counted skip.
# The last line is "N passed, N failed, N skipped" over both parts; the exit
# status is 1 if anything failed.
set -u

if [ $# -lt 2 ]; then
  echo "usage: $0 KILN-CALL-HYGIENE FILE.wasm [ARGS...]" >&2
  exit 2
fi
prog=$1
shift
BIG=1000000
SMALL=1000
SLACK=${KILN_HYGIENE_SYSCALL_SLACK:-50}

passed=0 failed=0 skipped=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP $*"; skipped=$((skipped + 1)); }

finish() {
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ]
  exit $?
}

# Adds the program's own "N passed, N failed, N skipped" (its last line).
add_program_counts() {
  local last=$1
  if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    skipped=$((skipped + BASH_REMATCH[3]))
    return 0
  fi
  return 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- 1. allocations and locks -------------------------------------------
"$prog" "$@" --calls "$BIG" >"$tmp/plain.out" 2>&1
status=$?
sed '$d' "$tmp/plain.out"
if ! add_program_counts "$(tail -n 1 "$tmp/plain.out")"; then
  tail -n 1 "$tmp/plain.out"
  fail "kiln-call-hygiene ended without its summary line (exit status $status)"
elif [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  fail "kiln-call-hygiene exited with status $status"
fi

# --- 2. system calls ------------------------------------------------------
echo
if ! command -v strace >/dev/null 2>&1; then
  skip "system calls: strace is not installed (scripts/setup.sh installs it)"
  finish
fi
if ! strace -f -o /dev/null true >"$tmp/probe.err" 2>&1; then
  skip "system calls: strace cannot trace here: $(head -n 1 "$tmp/probe.err")"
  finish
fi

# LeakSanitizer cannot stop a traced process at exit: leaks are checked in
# the run above, not under strace.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
for n in "$SMALL" "$BIG"; do
  strace -f -qq -s 64 -C -o "$tmp/strace.$n" "$prog" "$@" --calls "$n" \
    >"$tmp/traced.$n.out" 2>&1
  status=$?
  last=$(tail -n 1 "$tmp/traced.$n.out")
  if ! [[ $last =~ ^[0-9]+\ passed,\ ([0-9]+)\ failed ]]; then
    cat "$tmp/traced.$n.out"
    fail "kiln-call-hygiene --calls $n under strace did not finish (exit status $status)"
    finish
  fi
  # Its checks are those of the run above, on another run: a failure
  # counts once more, as one check.
  if [ "${BASH_REMATCH[1]}" -ne 0 ]; then
    grep -A 2 '^FAIL' "$tmp/traced.$n.out"
    fail "kiln-call-hygiene --calls $n under strace: ${BASH_REMATCH[1]} of its checks failed"
  fi
done

# The total of -c's summary ("100.00 ... CALLS [ERRORS] total").
total() { awk '$NF == "total" && $1 ~ /^[0-9.]+$/ { t = $4 } END { print t + 0 }' "$1"; }
# Timed waits of other threads than the calling one that ran out.
timeouts() {
  awk 'NR == 1 { main = $1 } $1 != main && /futex/ && /= -1 ETIMEDOUT/ { n++ } END { print n + 0 }' "$1"
}
# Syscall starts per thread: "TID name(" lines (not "<... resumed>").
threads() {
  awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[a-z_0-9]+\(/ { n[$1]++ }
       END { for (t in n) printf "%s:%d ", t, n[t] }' "$1"
}

# Per way: what the calling thread (the first pid in the log) did between
# its markers, as "TAG COUNT" then up to 3 "      LINE"s. A system call
# interrupted by another thread's line is split into "<unfinished ...>" and
# "<... NAME resumed>": it counts once.
windows() {
  awk '
  NR == 1 { main = $1 }
  $1 != main { next }
  /kiln-hygiene:begin:/ {
    match($0, /kiln-hygiene:begin:[a-z-]+/)
    tag = substr($0, RSTART + 19, RLENGTH - 19)
    order[++ways] = tag; n[tag] = 0; inside = 1
    next
  }
  /kiln-hygiene:end:/ { inside = 0; next }
  !inside { next }
  /<\.\.\. [a-z_0-9]+ resumed>/ { next } # the rest of a call already counted
  { n[tag]++; if (n[tag] <= 3) seen[tag] = seen[tag] "\n      " $0 }
  END { for (i = 1; i <= ways; i++) printf "%s %d%s\n", order[i], n[order[i]], seen[order[i]] }
  ' "$1"
}
# The system calls of the exempt ways' windows in a log.
exempt_calls() {
  local sum=0 tag count
  while read -r tag count; do
    case " $exempt " in *" $tag "*) sum=$((sum + count)) ;; esac
  done < <(windows "$1" | grep -v '^ ')
  echo "$sum"
}

# Ways whose system calls are not the runtime's (ASan builds: the ways that
# allocate, through ASan's allocator), named by the program.
exempt_line=$(grep -m 1 '^syscall-exempt:' "$tmp/traced.$BIG.out")
exempt=$(sed 's/^syscall-exempt: *//; s/ *(.*//' <<<"$exempt_line")
exempt_why=$(sed -n 's/^[^(]*(\(.*\))$/\1/p' <<<"$exempt_line")

ways=0
while IFS= read -r line; do
  case $line in
  "      "*) echo "$line"; continue ;; # sample lines of the way above
  esac
  read -r tag count <<<"$line"
  ways=$((ways + 1))
  if [[ " $exempt " == *" $tag "* ]]; then
    skip "$tag: system calls not checked in this build: $exempt_why ($count seen in $BIG calls)"
  elif [ "$count" -eq 0 ]; then
    pass "$tag: 0 system calls on the calling thread in $BIG calls"
  else
    fail "$tag: $count system calls/signals on the calling thread in $BIG calls (the first ones below)"
  fi
done < <(windows "$tmp/strace.$BIG" | awk -v ex=" $exempt " '
  /^ / { if (!skip) print; next }
  { skip = index(ex, " " $1 " ") > 0; print }')
if [ "$ways" -eq 0 ]; then
  fail "no window markers found in the strace log of the $BIG-call run"
fi

small=$(total "$tmp/strace.$SMALL")
big=$(total "$tmp/strace.$BIG")
echo "system calls, all threads: $small with $SMALL calls per way, $big with $BIG"
echo "  per thread ($SMALL): $(threads "$tmp/strace.$SMALL")"
echo "  per thread ($BIG): $(threads "$tmp/strace.$BIG")"
diff=$((big - small))
if [ -n "$exempt" ]; then
  ex_small=$(exempt_calls "$tmp/strace.$SMALL")
  ex_big=$(exempt_calls "$tmp/strace.$BIG")
  diff=$((diff - ex_big + ex_small))
  echo "  without the exempt ways' windows ($ex_small and $ex_big): difference $diff"
fi
to_small=$(timeouts "$tmp/strace.$SMALL")
to_big=$(timeouts "$tmp/strace.$BIG")
diff=$((diff - 2 * (to_big - to_small)))
echo "  without the watchdog's clock wake-ups ($to_small and $to_big expired timed waits, 2 system calls each): difference $diff"
if [ -n "$exempt" ]; then
  # The exempt ways' allocations reach ASan's allocator, which recycles its
  # quarantine later, outside their windows (CI saw 75 such calls on the
  # calling thread): the total says nothing about the runtime in this build.
  # The per-way windows above still hold every other way to 0.
  skip "system calls: totals not compared in this build: $exempt_why (difference $diff)"
elif [ "$small" -gt 0 ] && [ "${diff#-}" -lt "$SLACK" ]; then
  pass "system calls: totals differ by $diff (< $SLACK) between $SMALL and $BIG calls per way: none per call"
else
  fail "system calls: totals differ by $diff (limit $SLACK) between $SMALL and $BIG calls per way"
fi
finish
