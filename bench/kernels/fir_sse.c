/*===- bench/kernels/fir_sse.c - FIR filter with SSE intrinsics -----------===*
 * fir_simd128.c written with the equivalent x86 SSE intrinsics, compiled
 * natively: the baseline for issue 4's SIMD target (Kiln within 1.15x).
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"
#include "fir_simd_common.h"

#include <xmmintrin.h>

static float Taps[FIR_TAPS];
static float Input[FIR_OUT + FIR_TAPS];
static float Output[FIR_OUT];

void firsimd_init(void) { fir_fill(Taps, Input); }

uint32_t firsimd_run(void) {
  for (int N = 0; N < FIR_OUT; N += 4) {
    __m128 Acc = _mm_set1_ps(0.0f);
    for (int K = 0; K < FIR_TAPS; ++K)
      Acc = _mm_add_ps(Acc, _mm_mul_ps(_mm_set1_ps(Taps[K]),
                                       _mm_loadu_ps(&Input[N + K])));
    _mm_storeu_ps(&Output[N], Acc);
  }
  return kb_hash_f32(KB_HASH_INIT, Output, FIR_OUT);
}
