/*===- bench/kernels/fft_radix2.c - 1024-point complex FFT, 16 frames -----===*
 * Iterative radix-2 decimation-in-time FFT (bit reversal, then butterflies)
 * over 16 frames of 1,024 complex float samples. Twiddles are computed once
 * in init by a sin/cos written here (no libm), identically in both builds.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

#define FFT_N 1024
#define FFT_LOG2N 10
#define FFT_FRAMES 16

static float InRe[FFT_FRAMES][FFT_N], InIm[FFT_FRAMES][FFT_N];
static float Re[FFT_N], Im[FFT_N];
static float TwRe[FFT_N / 2], TwIm[FFT_N / 2];
static uint16_t BitRev[FFT_N];

/* sin(x) for |x| <= pi by a Taylor series in double (enough terms). */
static double kb_sin(double X) {
  double Term = X, Sum = X, X2 = X * X;
  for (int K = 1; K < 14; ++K) {
    Term *= -X2 / (double)((2 * K) * (2 * K + 1));
    Sum += Term;
  }
  return Sum;
}

KERNEL_EXPORT(fft_init) void fft_init(void) {
  const double Pi = 3.14159265358979323846;
  for (int K = 0; K < FFT_N / 2; ++K) {
    double A = -2.0 * Pi * (double)K / FFT_N; /* in (-pi, 0] */
    TwIm[K] = (float)kb_sin(A);
    /* cos(a) = sin(a + pi/2); a + pi/2 stays within [-pi/2, pi/2]. */
    TwRe[K] = (float)kb_sin(A + Pi / 2);
  }
  for (int I = 0; I < FFT_N; ++I) {
    unsigned R = 0;
    for (int B = 0; B < FFT_LOG2N; ++B)
      R |= ((I >> B) & 1u) << (FFT_LOG2N - 1 - B);
    BitRev[I] = (uint16_t)R;
  }
  uint32_t S = 0xff7u;
  for (int F = 0; F < FFT_FRAMES; ++F)
    for (int I = 0; I < FFT_N; ++I) {
      InRe[F][I] = kb_unit(&S);
      InIm[F][I] = kb_unit(&S);
    }
}

KERNEL_EXPORT(fft_run) uint32_t fft_run(void) {
  uint32_t H = KB_HASH_INIT;
  for (int F = 0; F < FFT_FRAMES; ++F) {
    for (int I = 0; I < FFT_N; ++I) {
      Re[BitRev[I]] = InRe[F][I];
      Im[BitRev[I]] = InIm[F][I];
    }
    for (int Half = 1, Step = FFT_N / 2; Half < FFT_N; Half *= 2, Step /= 2) {
      for (int Base = 0; Base < FFT_N; Base += 2 * Half) {
        for (int J = 0; J < Half; ++J) {
          float Wr = TwRe[J * Step], Wi = TwIm[J * Step];
          int A = Base + J, B = A + Half;
          float Tr = Wr * Re[B] - Wi * Im[B];
          float Ti = Wr * Im[B] + Wi * Re[B];
          Re[B] = Re[A] - Tr;
          Im[B] = Im[A] - Ti;
          Re[A] += Tr;
          Im[A] += Ti;
        }
      }
    }
    H = kb_hash_f32(H, Re, FFT_N);
    H = kb_hash_f32(H, Im, FFT_N);
  }
  return H;
}
