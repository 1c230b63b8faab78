/* bench_data.h - buffers and shapes shared by the guest and the native side
 * of the hostlib benchmark (C and C++), so both run the same calls. */
#ifndef KILN_BENCH_HOSTLIB_DATA_H
#define KILN_BENCH_HOSTLIB_DATA_H

#include <stdint.h>

typedef struct {
  float A[65536], B[65536], C[65536], D[65536];
  float Coeffs[20];
  int8_t I8a[65536], I8b[65536], I8c[65536];
  int32_t Bias[256], Mult[256], Shift[256], Quant[4];
  int32_t ConvP[16], DwP[16], PoolP[16], ConvQP[16];
} BenchData;

static inline void benchDataInit(BenchData *D) {
  uint32_t R = 0x9e3779b9u;
#define NEXT() (R ^= R << 13, R ^= R >> 17, R ^= R << 5, R)
  for (int I = 0; I < 65536; ++I) {
    D->A[I] = (float)(NEXT() & 0xffff) / 32768.0f - 1.0f;
    D->B[I] = (float)(NEXT() & 0xffff) / 32768.0f - 1.0f;
    D->C[I] = (float)(NEXT() & 0xffff) / 32768.0f - 1.0f;
    D->D[I] = 0.0f;
    D->I8a[I] = (int8_t)NEXT();
    D->I8b[I] = (int8_t)NEXT();
  }
  for (int I = 0; I < 256; ++I) {
    D->Bias[I] = (int32_t)(NEXT() % 2001) - 1000;
    D->Mult[I] = (1 << 30) + (int32_t)(NEXT() % (1 << 29));
    D->Shift[I] = -9;
  }
#undef NEXT
  const float Co[5] = {0.0675f, 0.135f, 0.0675f, -1.143f, 0.413f};
  for (int I = 0; I < 20; ++I)
    D->Coeffs[I] = Co[I % 5];
  const int32_t Q[4] = {-3, 2, -128, 127};
  const int32_t Conv[16] = {1, 16, 16, 8, 16, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 0};
  const int32_t Dw[16] = {1, 32, 32, 16, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 1, 0};
  const int32_t Pool[16] = {1, 32, 32, 16, 16, 16, 16, 2, 2, 2, 2, 1, 1, 0, 0, 0};
  const int32_t ConvQ[16] = {1, 16, 16, 16, 16, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 0};
  for (int I = 0; I < 16; ++I) {
    D->ConvP[I] = Conv[I];
    D->DwP[I] = Dw[I];
    D->PoolP[I] = Pool[I];
    D->ConvQP[I] = ConvQ[I];
  }
  for (int I = 0; I < 4; ++I)
    D->Quant[I] = Q[I];
}

#endif
