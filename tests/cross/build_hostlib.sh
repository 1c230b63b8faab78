#!/bin/sh
# build_hostlib.sh SRC_DIR BUILD_DIR TOOLCHAIN_FILE [JOBS]
# Configures (once) and builds kiln-hostlib-tests for another architecture:
# the runtime-only Kiln with hostlib (KILN_WITH_HOSTLIB; Eigen is
# header-only) and GoogleTest built from source, never LLVM. Only that
# target and what it links are built. Incremental, like build_runtime.sh.
set -eu
SRC=$1 DIR=$2 TC=$3 JOBS=${4:-2}
if [ ! -f "$DIR/build.ninja" ]; then
  cmake -S "$SRC" -B "$DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DKILN_RUNTIME_ONLY=ON -DKILN_WITH_HOSTLIB=ON -DKILN_BUILD_TESTS=ON \
    -DCMAKE_TOOLCHAIN_FILE="$TC" >/dev/null
fi
cmake --build "$DIR" -j "$JOBS" --target kiln-hostlib-tests
# The device build must not have picked up LLVM.
if grep -qi 'libLLVM' "$DIR/build.ninja"; then
  echo "build_hostlib.sh: the cross build links LLVM" >&2
  exit 1
fi
