// portable.c - the baseline: hostlib's algorithms written in portable C, as
// a module would ship them without kiln:dsp / kiln:nn. Same algorithms as
// hostlib (Stockham radix-2 real FFT with precomputed twiddles and the
// half-size twist; FIR as a dot product per output over [state | input];
// int8 conv2d as per-pixel int32 dot products with TFLite requantization),
// compiled to wasm32 with -O2 (and -msimd128 where Kiln can run it).

#include <stdint.h>


// ---- real FFT, n = 1024 ----------------------------------------------------
#define FFT_N 1024
#define FFT_L (FFT_N / 2)
static float TwRe[FFT_L / 2], TwIm[FFT_L / 2];       // W_L^j
static float TwistRe[FFT_L + 1], TwistIm[FFT_L + 1]; // W_N^k
static float Xr[FFT_L], Xi[FFT_L], Yr[FFT_L], Yi[FFT_L];

// cos/sin without libm: Taylor series after range reduction (setup only).
static double cosSeries(double X) {
  double T = 1, S = 1;
  for (int K = 1; K < 30; ++K) {
    T *= -X * X / ((2 * K - 1) * (2 * K));
    S += T;
  }
  return S;
}
static double sinSeries(double X) { return cosSeries(X - 1.57079632679489661923); }

void portable_fft_init(void) {
  const double Pi = 3.14159265358979323846;
  for (int J = 0; J < FFT_L / 2; ++J) {
    TwRe[J] = (float)cosSeries(-2 * Pi * J / FFT_L);
    TwIm[J] = (float)sinSeries(-2 * Pi * J / FFT_L);
  }
  for (int K = 0; K <= FFT_L; ++K) {
    TwistRe[K] = (float)cosSeries(-2 * Pi * K / FFT_N);
    TwistIm[K] = (float)sinSeries(-2 * Pi * K / FFT_N);
  }
}

void portable_rfft(const float *In, float *Out) {
  float *xr = Xr, *xi = Xi, *yr = Yr, *yi = Yi, *t;
  for (int I = 0; I < FFT_L; ++I) {
    xr[I] = In[2 * I];
    xi[I] = In[2 * I + 1];
  }
  for (int Len = FFT_L, S = 1; Len >= 2; Len /= 2, S *= 2) {
    int M = Len / 2;
    for (int P = 0; P < M; ++P) {
      float Cr = TwRe[P * S], Ci = TwIm[P * S];
      for (int Q = 0; Q < S; ++Q) {
        float Ar = xr[Q + S * P], Ai = xi[Q + S * P];
        float Br = xr[Q + S * (P + M)], Bi = xi[Q + S * (P + M)];
        float Dr = Ar - Br, Di = Ai - Bi;
        yr[Q + S * 2 * P] = Ar + Br;
        yi[Q + S * 2 * P] = Ai + Bi;
        yr[Q + S * (2 * P + 1)] = Dr * Cr - Di * Ci;
        yi[Q + S * (2 * P + 1)] = Dr * Ci + Di * Cr;
      }
    }
    t = xr; xr = yr; yr = t;
    t = xi; xi = yi; yi = t;
  }
  for (int K = 0; K <= FFT_L; ++K) {
    int A = K == FFT_L ? 0 : K, B = K == 0 ? 0 : FFT_L - K;
    float Ar = xr[A], Ai = xi[A], Br = xr[B], Bi = -xi[B];
    float Er = 0.5f * (Ar + Br), Ei = 0.5f * (Ai + Bi);
    float Or = 0.5f * (Ai - Bi), Oi = -0.5f * (Ar - Br);
    Out[2 * K] = Er + TwistRe[K] * Or - TwistIm[K] * Oi;
    Out[2 * K + 1] = Ei + TwistRe[K] * Oi + TwistIm[K] * Or;
  }
}

// ---- FIR, 64 taps ------------------------------------------------------------
#define FIR_MAX (4096 + 64)
static float Ext[FIR_MAX], Rev[64];

void portable_fir(const float *Taps, int NTaps, float *State, const float *In,
                  float *Out, int N) {
  int H = NTaps - 1;
  __builtin_memcpy(Ext, State, H * sizeof(float));
  __builtin_memcpy(Ext + H, In, N * sizeof(float));
  for (int K = 0; K < NTaps; ++K)
    Rev[K] = Taps[NTaps - 1 - K];
  __builtin_memcpy(State, Ext + N, H * sizeof(float));
  for (int I = 0; I < N; ++I) {
    float S = 0;
    for (int K = 0; K < NTaps; ++K)
      S += Rev[K] * Ext[I + K];
    Out[I] = S;
  }
}

// ---- int8 conv2d (NHWC, OHWI, TFLite requantization) ------------------------
static int32_t srdhm(int32_t A, int32_t B) {
  if (A == B && A == INT32_MIN)
    return INT32_MAX;
  int64_t AB = (int64_t)A * B;
  int32_t Nudge = AB >= 0 ? (1 << 30) : (1 - (1 << 30));
  return (int32_t)((AB + Nudge) / ((int64_t)1 << 31));
}
static int32_t rdpot(int32_t X, int E) {
  int32_t Mask = (int32_t)(((int64_t)1 << E) - 1);
  int32_t R = X & Mask, T = (Mask >> 1) + (X < 0 ? 1 : 0);
  return (X >> E) + (R > T ? 1 : 0);
}
static int32_t mbqm(int32_t X, int32_t M, int32_t Shift) {
  int L = Shift > 0 ? Shift : 0, R = Shift > 0 ? 0 : -Shift;
  return rdpot(srdhm((int32_t)((uint32_t)X << L), M), R);
}

void portable_conv2d_i8(const int32_t *P, const int8_t *In, const int8_t *F,
                        const int32_t *Bias, const int32_t *Q,
                        const int32_t *Mult, const int32_t *Shift, int8_t *Out) {
  int H = P[1], W = P[2], C = P[3], OH = P[4], OW = P[5], OC = P[6];
  int KH = P[7], KW = P[8], SH = P[9], SW = P[10], DH = P[11], DW = P[12];
  int PT = P[13], PL = P[14];
  for (int B = 0; B < P[0]; ++B)
    for (int Oy = 0; Oy < OH; ++Oy)
      for (int Ox = 0; Ox < OW; ++Ox)
        for (int Oc = 0; Oc < OC; ++Oc) {
          int32_t Acc = Bias[Oc];
          for (int Ky = 0; Ky < KH; ++Ky) {
            int Y = Oy * SH - PT + Ky * DH;
            if (Y < 0 || Y >= H)
              continue;
            for (int Kx = 0; Kx < KW; ++Kx) {
              int X = Ox * SW - PL + Kx * DW;
              if (X < 0 || X >= W)
                continue;
              const int8_t *Px = In + ((B * H + Y) * W + X) * C;
              const int8_t *Fw = F + ((Oc * KH + Ky) * KW + Kx) * C;
              for (int Ci = 0; Ci < C; ++Ci)
                Acc += (Px[Ci] - Q[0]) * Fw[Ci];
            }
          }
          int32_t V = mbqm(Acc, Mult[Oc], Shift[Oc]) + Q[1];
          V = V < Q[2] ? Q[2] : V > Q[3] ? Q[3] : V;
          Out[((B * OH + Oy) * OW + Ox) * OC + Oc] = (int8_t)V;
        }
}
