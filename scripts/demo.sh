#!/usr/bin/env bash
# demo.sh - build Kiln and the two example edge-analytics modules, run them.
#
# Each module (examples/*/*.c) is compiled to wasm32 by clang-19, then ahead
# of time by `kiln compile`, and run by a small host program that embeds the
# runtime and prints what the module computed:
#   1. sensor_analytics: FIR, RMS, crest factor, impact detection in plain C;
#   2. vibration_monitor: spectra, band energies and an int8 classifier
#      through hostlib's kiln:dsp and kiln:nn imports.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${KILN_SKIP_SETUP:-0}" = 1 ] || scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target kiln-demo-sensor sensor_analytics_module \
  kiln-vibration-monitor vibration_monitor_module
echo
build/bin/kiln inspect build/examples/sensor_analytics.kiln | sed -n 1,12p
echo
build/bin/kiln-demo-sensor build/examples/sensor_analytics.kiln
echo
exec build/bin/kiln-vibration-monitor build/examples/vibration_monitor/vibration_monitor.kiln
