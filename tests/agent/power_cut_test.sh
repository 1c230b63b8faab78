#!/usr/bin/env bash
# power_cut_test.sh KILN APP_DIR [RANDOM_KILLS]
#
# Kills the agent with SIGKILL at every step of an update (the agent's
# crash points, kiln/agent/state_dir.h), as a power cut would stop it, then
# starts it again on the same state directory and checks that the
# application runs either the old version or the new one, whole: the
# installed manifest passes `kiln app check`, every module is running, the
# periodic task runs, no temporary file is left, and the version is the one
# the step implies (old before the manifest's rename, new after it). Then
# RANDOM_KILLS more updates are killed at random moments and checked the
# same way (default 10).
#
# APP_DIR is the example application's build directory
# (build/examples/sensor_app: app.toml, filter.kiln, filter_v2.kiln, ...).
set -u
KILN=$1 APP=$2 RANDOM_KILLS=${3:-10}
T=$(mktemp -d /tmp/kiln-power-cut.XXXXXX)
trap 'pkill -KILL -f "kiln agent --state-dir $T" 2>/dev/null; rm -rf "$T"' EXIT
pass=0 fail=0 skip=0
# Waits for the agent PID to end (20 s at most, then kills it); its status.
wait_exit() {
  for _ in $(seq 1 400); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$1" 2>/dev/null
  wait "$1"
}
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

ST=$T/st
ctl() { "$KILN" ctl --state-dir "$ST" "$@"; }

# Waits until the agent answers (or 10 s).
wait_agent() {
  for _ in $(seq 1 200); do
    ctl status >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

# A state directory with version 1 installed, no agent running.
fresh() {
  rm -rf "$ST"
  "$KILN" agent -q --state-dir "$ST" --run-for 100ms "$APP/app.toml" >/dev/null 2>&1
}

# Starts the agent on $ST (extra environment in $1), in the background.
start_agent() {
  env $1 "$KILN" agent -q --state-dir "$ST" >"$T/agent.out" 2>&1 &
  AGENT=$!
}

# After a cut: restarts the agent and checks the application. $1: the
# filter version expected ("1", "2" or "either"); $2: what was cut.
check_after_cut() {
  local want=$1 what=$2
  if ls "$ST"/*.tmp "$ST"/artifacts/*.tmp >/dev/null 2>&1; then
    : # left by the cut; the agent removes them when it opens the directory
  fi
  start_agent ""
  if ! wait_agent; then
    bad "$what: the agent did not start again: $(cat "$T/agent.out")"
    return
  fi
  if ls "$ST"/*.tmp "$ST"/artifacts/*.tmp >/dev/null 2>&1; then
    bad "$what: temporary files left after restart"
  fi
  if ! "$KILN" app check "$ST/manifest.toml" >/dev/null 2>"$T/check.err"; then
    bad "$what: installed manifest does not check: $(cat "$T/check.err")"
  fi
  local json
  json=$(ctl status --json)
  local states
  states=$(echo "$json" | grep -o '"state":"[a-z]*"' | sort | uniq -c | tr -s ' ')
  if [ "$states" != " 3 \"state\":\"running\"" ]; then
    bad "$what: modules not all running: $states"
  fi
  local v
  v=$(ctl run filter-version | sed -n "s/^task 'filter-version' returned //p")
  case "$want" in
    either) [ "$v" = 1 ] || [ "$v" = 2 ] || bad "$what: filter version '$v'" ;;
    *) [ "$v" = "$want" ] || bad "$what: filter version '$v', expected $want" ;;
  esac
  # The periodic task runs after the restart.
  local r1 r2
  r1=$(ctl run samples | sed -n "s/^task 'samples' returned //p")
  sleep 0.1
  r2=$(ctl run samples | sed -n "s/^task 'samples' returned //p")
  if [ -z "$r1" ] || [ -z "$r2" ] || [ "$r2" -le "$r1" ]; then
    bad "$what: the sample task does not run ($r1 -> $r2)"
  fi
  ctl shutdown >/dev/null 2>&1
  wait_exit "$AGENT" 2>/dev/null
  ok
}

# Every step of a module update, and the version a restart must find.
for step_want in artifact-written:1 staged:1 switched:1 probation-passed:1 \
                 artifacts-installed:1 previous-manifest-written:1 \
                 previous-manifest-renamed:1 manifest-written:1 committed:2; do
  step=${step_want%%:*} want=${step_want##*:}
  fresh
  start_agent "KILN_AGENT_CRASH_AT=$step"
  if ! wait_agent; then bad "$step: agent did not start"; continue; fi
  ctl deploy "$APP/filter_v2.kiln" --module filter --version 2 >/dev/null 2>&1
  wait_exit "$AGENT" 2>/dev/null
  rc=$?
  if [ "$rc" != 137 ]; then
    bad "$step: the agent was not killed at the step (exit $rc)"
    continue
  fi
  check_after_cut "$want" "update cut at $step"
done

# A bundle that changes the application's shape (a task's period): it is
# installed whole, by restarting the application.
mkdir -p "$T/b"
cp "$APP"/*.kiln "$T/b/"
sed -e 's/period = "100ms"/period = "50ms"/' \
    -e "s/^artifact = \"filter.kiln\"/artifact = \"filter_v2.kiln\"/" \
    -e "s/^sha256 = \"$(sha256sum "$APP/filter.kiln" | cut -d' ' -f1)\"/sha256 = \"$(sha256sum "$APP/filter_v2.kiln" | cut -d' ' -f1)\"/" \
    "$APP/app.toml" > "$T/b/app.toml"
"$KILN" bundle "$T/b/app.toml" -o "$T/v2.kbundle" >/dev/null
for step_want in bundle-unpacked:1 application-restarted:1 artifacts-installed:1 \
                 manifest-written:1 committed:2; do
  step=${step_want%%:*} want=${step_want##*:}
  fresh
  start_agent "KILN_AGENT_CRASH_AT=$step"
  if ! wait_agent; then bad "$step: agent did not start"; continue; fi
  ctl deploy "$T/v2.kbundle" >/dev/null 2>&1
  wait_exit "$AGENT" 2>/dev/null
  rc=$?
  if [ "$rc" != 137 ]; then
    bad "bundle $step: the agent was not killed at the step (exit $rc)"
    continue
  fi
  check_after_cut "$want" "bundle cut at $step"
done

# Cuts at random moments of an update (kill -9 from outside).
for i in $(seq 1 "$RANDOM_KILLS"); do
  fresh
  start_agent ""
  if ! wait_agent; then bad "random $i: agent did not start"; continue; fi
  ctl deploy "$APP/filter_v2.kiln" --module filter --version 2 >/dev/null 2>&1 &
  sleep "0.$(printf '%03d' $((RANDOM % 300)))"
  kill -KILL "$AGENT" 2>/dev/null
  wait "$AGENT" 2>/dev/null
  wait 2>/dev/null
  check_after_cut either "random cut $i"
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
