#!/usr/bin/env bash
# agent_cross.sh WAT2WASM HOST_KILN MODULES_DIR OUT_DIR KILN_TARGET -- QEMU... -- TARGET_KILN
#
# `kiln agent` of a target's runtime-only build (no LLVM), under qemu-user,
# running the supervisor's test application (tests/agent/modules: a counter
# and a driver whose 2 ms task adds to it through the wiring), compiled on
# this machine for KILN_TARGET. The host's `kiln ctl` talks to it over the
# Unix socket: a hot update carries the counter's state, a version whose
# health check traps is rolled back, and the agent stops cleanly.
set -u
WAT2WASM=$1 HOST=$2 MODS=$3 OUT=$4 TARGET=$5
shift 5
[ "$1" = "--" ] && shift
QEMU=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do QEMU+=("$1"); shift; done
shift
TKILN=$1
pass=0 fail=0 skip=0
check() { # NAME CONDITION-EXIT-STATUS DETAILS
  if [ "$2" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1: $3"; fi
}

rm -rf "$OUT" && mkdir -p "$OUT"
for m in counter_v1 counter_v2 counter_bad_health driver; do
  "$WAT2WASM" "$MODS/$m.wat" -o "$OUT/$m.wasm" &&
    "$HOST" compile --target "$TARGET" "$OUT/$m.wasm" -o "$OUT/$m.kiln" ||
    { echo "cannot build $m for $TARGET"; exit 1; }
done
sha() { sha256sum "$1" | cut -d' ' -f1; }
cat > "$OUT/app.toml" <<EOF
manifest-version = 1
name = "counting"

[modules.counter]
artifact = "counter_v1.kiln"
sha256 = "$(sha "$OUT/counter_v1.kiln")"
version = "1"
health = "health"

[modules.driver]
artifact = "driver.kiln"
sha256 = "$(sha "$OUT/driver.kiln")"
version = "1"
imports = { counter = "counter" }

[tasks.tick]
module = "driver"
export = "tick"
kind = "periodic"
period = "2ms"

[tasks.read]
module = "driver"
export = "read"
kind = "on-demand"

[tasks.version]
module = "counter"
export = "version"
kind = "on-demand"
EOF

ST=$OUT/st
ctl() { "$HOST" ctl --state-dir "$ST" "$@"; }
value() { ctl run "$1" 2>/dev/null | sed -n "s/^task '$1' returned //p"; }
"${QEMU[@]}" "$TKILN" agent -q --no-realtime --state-dir "$ST" "$OUT/app.toml" \
  > "$OUT/agent.out" 2>&1 &
AGENT=$!
up=1
for _ in $(seq 1 400); do ctl status >/dev/null 2>&1 && { up=0; break; }; sleep 0.05; done
check agent-starts $up "$(cat "$OUT/agent.out")"
if [ $up = 0 ]; then
  # The task runs: the counter grows.
  grown=1
  for _ in $(seq 1 200); do
    v=$(value read); [ -n "$v" ] && [ "$v" -ge 20 ] && { grown=0; break; }; sleep 0.05
  done
  check task-runs $grown "counter at '$(value read)'"
  before=$(value read)
  out=$(ctl deploy "$OUT/counter_v2.kiln" --module counter --version 2 2>&1)
  echo "$out" | grep -q "now runs version 2 (state carried over"
  check update $? "$out"
  after=$(value read)
  [ "$(value version)" = 2 ] && [ -n "$after" ] && [ "$after" -ge "$before" ]
  check state-carried $? "version $(value version), total $before -> $after"
  out=$(ctl deploy "$OUT/counter_bad_health.kiln" --module counter --version 3 2>&1)
  echo "$out" | grep -q "version 3 rolled back: health check 'health' failed"
  check rollback $? "$out"
  [ "$(value version)" = 2 ]
  check still-v2 $? "version $(value version)"
  ctl shutdown >/dev/null 2>&1
fi
for _ in $(seq 1 400); do kill -0 $AGENT 2>/dev/null || break; sleep 0.05; done
kill -KILL $AGENT 2>/dev/null
wait $AGENT
check agent-exits $? "$(tail -5 "$OUT/agent.out")"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
