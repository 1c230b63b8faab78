#!/bin/sh
# build_runtime.sh SRC_DIR BUILD_DIR TOOLCHAIN_FILE [JOBS]
# Configures (once) and builds the runtime-only Kiln (libkiln + the kiln
# CLI, no LLVM) for another architecture with a cmake/toolchains/ file.
# Incremental: a second run only rebuilds what changed.
set -eu
SRC=$1 DIR=$2 TC=$3 JOBS=${4:-2}
if [ ! -f "$DIR/build.ninja" ]; then
  cmake -S "$SRC" -B "$DIR" -G Ninja -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DKILN_RUNTIME_ONLY=ON -DKILN_BUILD_TESTS=OFF \
    -DCMAKE_TOOLCHAIN_FILE="$TC" >/dev/null
fi
cmake --build "$DIR" -j "$JOBS"
