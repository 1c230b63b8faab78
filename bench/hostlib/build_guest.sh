#!/bin/sh
# build_guest.sh CLANG WASM_LD KILN SRC OUT_STEM [CFLAGS...]
# Compiles SRC to OUT_STEM.wasm / OUT_STEM.kiln, with -msimd128 if this kiln
# compiles Wasm SIMD, else scalar; OUT_STEM.variant says which.
set -e
CLANG=$1 LD=$2 KILN=$3 SRC=$4 OUT=$5
shift 5
build() {
  "$CLANG" --target=wasm32 -O2 -nostdlib -mbulk-memory "$@" -c "$SRC" -o "$OUT.o" &&
  "$LD" --no-entry --export-memory --allow-undefined "$OUT.o" -o "$OUT.wasm" &&
  "$KILN" compile "$OUT.wasm" -o "$OUT.kiln"
}
if build -msimd128 "$@" 2>"$OUT.simd.log"; then
  echo "wasm -O2 -msimd128" > "$OUT.variant"
else
  build "$@"
  echo "wasm -O2 scalar (this kiln cannot compile -msimd128: $(tail -1 "$OUT.simd.log"))" > "$OUT.variant"
fi
