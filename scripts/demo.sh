#!/usr/bin/env bash
# demo.sh - build Kiln and the example edge-analytics module, then run it.
#
# The module (examples/sensor_analytics/sensor_analytics.c) is compiled to
# wasm32 by clang-19, then ahead of time by `kiln compile`, and run by a small
# host program that embeds the runtime and prints what the module computed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${KILN_SKIP_SETUP:-0}" = 1 ] || scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target kiln-demo-sensor sensor_analytics_module
echo
build/bin/kiln inspect build/examples/sensor_analytics.kiln | sed -n 1,12p
echo
exec build/bin/kiln-demo-sensor build/examples/sensor_analytics.kiln
