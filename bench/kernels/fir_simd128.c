/*===- bench/kernels/fir_simd128.c - FIR filter with wasm_simd128.h -------===*
 * The 64-tap FIR of fir_filter.c, vectorized by hand over four output
 * samples at a time with Wasm SIMD intrinsics (clang -msimd128). Each lane
 * does exactly the scalar operations in the scalar order (multiply, then
 * add; no fused multiply-add), so the checksum equals fir_filter.c's.
 * fir_sse.c is the same kernel with SSE intrinsics, compiled natively.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"
#include "fir_simd_common.h"

#include <wasm_simd128.h>

static float Taps[FIR_TAPS];
static float Input[FIR_OUT + FIR_TAPS];
static float Output[FIR_OUT];

KERNEL_EXPORT(firsimd_init) void firsimd_init(void) {
  fir_fill(Taps, Input);
}

KERNEL_EXPORT(firsimd_run) uint32_t firsimd_run(void) {
  for (int N = 0; N < FIR_OUT; N += 4) {
    v128_t Acc = wasm_f32x4_splat(0.0f);
    for (int K = 0; K < FIR_TAPS; ++K)
      Acc = wasm_f32x4_add(Acc, wasm_f32x4_mul(wasm_f32x4_splat(Taps[K]),
                                               wasm_v128_load(&Input[N + K])));
    wasm_v128_store(&Output[N], Acc);
  }
  return kb_hash_f32(KB_HASH_INIT, Output, FIR_OUT);
}
