#!/usr/bin/env bash
# demo.sh BUILD_DIR - the vibration line as an application under kiln agent.
#
# Three modules (sensor -> filter -> classifier, built by the example's
# CMakeLists with the manifest app.toml) run by `kiln agent`: a 1 kHz
# sampling task and a 10 Hz classification task. While they run, the filter
# is replaced twice with its state carried over (band-pass version 2, then
# version 1 again), and two bad versions are refused by the agent on its
# own: one whose health check traps, one that misses its deadline. The
# application never stops; the figures come from `kiln ctl status`.
set -euo pipefail
B=$1
APP=$B/examples/sensor_app
KILN=$B/bin/kiln
ST=$(mktemp -d /tmp/kiln-demo-app.XXXXXX)
trap '"$KILN" ctl --state-dir "$ST" shutdown >/dev/null 2>&1 || true; rm -rf "$ST"' EXIT
ctl() { "$KILN" ctl --state-dir "$ST" "$@"; }
value() { ctl run "$1" | sed -n "s/^task '$1' returned //p"; }

echo "\$ kiln app check app.toml"
"$KILN" app check "$APP/app.toml"
echo
echo "\$ kiln agent --state-dir $ST app.toml &"
"$KILN" agent --state-dir "$ST" "$APP/app.toml" 2>"$ST.log" >/dev/null &
for _ in $(seq 1 100); do ctl status >/dev/null 2>&1 && break; sleep 0.05; done
sleep 2
echo "after 2 s: filter v$(value filter-version), $(value windows) windows filtered, $(value faults) fault verdicts"
echo
for step in "filter_v2.kiln 2" "filter.kiln 1.1" "filter_bad_health.kiln 3" "filter_slow.kiln 4"; do
  set -- $step
  before=$(value windows)
  echo "\$ kiln ctl deploy $1 --module filter --version $2"
  ctl deploy "$APP/$1" --module filter --version "$2" 2>&1 || true
  echo "  filter v$(value filter-version), windows $before -> $(value windows) (state kept)"
  sleep 1
done
echo
echo "\$ kiln ctl status"
ctl status
echo
echo "The agent's log:"
sed -e 's/^/  /' "$ST.log" | grep -v deadline-miss || true
rm -f "$ST.log"
