/*===- bench/kernels/fir_filter.c - 64-tap FIR low-pass filter ------------===*
 * y[n] = sum_k h[k] * x[n + k] over 16,384 output samples (float).
 *===----------------------------------------------------------------------===*/
#include "fir_simd_common.h"

static float Taps[FIR_TAPS];
static float Input[FIR_OUT + FIR_TAPS];
static float Output[FIR_OUT];

KERNEL_EXPORT(fir_init) void fir_init(void) {
  fir_fill(Taps, Input);
}

KERNEL_EXPORT(fir_run) uint32_t fir_run(void) {
  for (int N = 0; N < FIR_OUT; ++N) {
    float Acc = 0.0f;
    for (int K = 0; K < FIR_TAPS; ++K)
      Acc += Taps[K] * Input[N + K];
    Output[N] = Acc;
  }
  return kb_hash_f32(KB_HASH_INIT, Output, FIR_OUT);
}
