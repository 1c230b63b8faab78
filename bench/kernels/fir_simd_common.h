/*===- bench/kernels/fir_simd_common.h - Input of the FIR kernels ---------===*
 * fir_filter.c, fir_simd128.c and fir_sse.c filter the same signal with the
 * same taps, so all three return the same checksum.
 *===----------------------------------------------------------------------===*/
#ifndef KILN_BENCH_FIR_SIMD_COMMON_H
#define KILN_BENCH_FIR_SIMD_COMMON_H

#include "kernel_common.h"

#define FIR_TAPS 64
#define FIR_OUT 16384

static inline void fir_fill(float *Taps, float *Input) {
  uint32_t S = 0x1234567u;
  for (int K = 0; K < FIR_TAPS; ++K)
    Taps[K] = kb_unit(&S) * (1.0f / FIR_TAPS);
  for (int I = 0; I < FIR_OUT + FIR_TAPS; ++I)
    Input[I] = kb_unit(&S);
}

#endif
