#!/usr/bin/env bash
# demo.sh - build Kiln and the two example edge-analytics modules, run them.
#
# Each module (examples/*/*.c) is compiled to wasm32 by clang-19, then ahead
# of time by `kiln compile`, and run by a small host program that embeds the
# runtime and prints what the module computed:
#   1. sensor_analytics: FIR, RMS, crest factor, impact detection in plain C;
#   2. vibration_monitor: spectra, band energies and an int8 classifier
#      through hostlib's kiln:dsp and kiln:nn imports, run as a periodic
#      task (one window per 1 ms, each call bounded by a 500 us deadline)
#      for about 2 s; one corrupted window sends the module into an endless
#      loop, which its deadline stops while the task goes on;
#   3. sensor_app: the same analytics as an application of three modules
#      (sensor -> filter -> classifier) under `kiln agent`, the filter
#      hot-updated twice with its state, two bad versions rolled back.
#
# Builds into build/ (KILN_BUILD_DIR=DIR for another one);
# KILN_SKIP_SETUP=1 skips installing packages.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${KILN_BUILD_DIR:-build}
[ "${KILN_SKIP_SETUP:-0}" = 1 ] || scripts/setup.sh
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$B" --target kiln-demo-sensor sensor_analytics_module \
  kiln-vibration-monitor vibration_monitor_module sensor_app_modules
echo
"$B"/bin/kiln inspect "$B"/examples/sensor_analytics.kiln | sed -n 1,12p
echo
"$B"/bin/kiln-demo-sensor "$B"/examples/sensor_analytics.kiln
echo
"$B"/bin/kiln-vibration-monitor \
  "$B"/examples/vibration_monitor/vibration_monitor.kiln
echo
exec examples/sensor_app/demo.sh "$B"
