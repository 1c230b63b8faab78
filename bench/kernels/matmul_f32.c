/*===- bench/kernels/matmul_f32.c - 96x96 float matrix multiply -----------===*
 * C = A * B in i-k-j order (the inner loop streams a row of B into a row of
 * C, which compilers vectorize), repeated 2 times per run.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

#define MM_N 96

static float A[MM_N][MM_N], B[MM_N][MM_N], C[MM_N][MM_N];

KERNEL_EXPORT(matmul_init) void matmul_init(void) {
  uint32_t S = 0x3a7e1u;
  for (int I = 0; I < MM_N; ++I)
    for (int J = 0; J < MM_N; ++J) {
      A[I][J] = kb_unit(&S);
      B[I][J] = kb_unit(&S);
    }
}

KERNEL_EXPORT(matmul_run) uint32_t matmul_run(void) {
  uint32_t H = KB_HASH_INIT;
  for (int Rep = 0; Rep < 2; ++Rep) {
    for (int I = 0; I < MM_N; ++I) {
      for (int J = 0; J < MM_N; ++J)
        C[I][J] = 0.0f;
      for (int K = 0; K < MM_N; ++K) {
        float Aik = A[I][K];
        for (int J = 0; J < MM_N; ++J)
          C[I][J] += Aik * B[K][J];
      }
    }
    H = kb_hash_f32(H, &C[0][0], MM_N * MM_N);
  }
  return H;
}
