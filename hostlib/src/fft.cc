//===- hostlib/src/fft.cc - Complex and real FFTs -------------------------===//
//
// A Stockham autosort radix-2 FFT on split (re, im) arrays: no bit reversal,
// and every stage is a loop over contiguous data that the compiler turns
// into SIMD (SSE2 on x86-64, NEON on AArch64). The first stage (stride 1)
// varies the twiddle per element; later stages hold it fixed across a
// contiguous run. Real transforms use the half-size complex FFT and a twist.
//
//===----------------------------------------------------------------------===//

#include "src/fft.h"
#include "src/scratch.h"

#include <cmath>
#include <cstring>
#include <utility>

namespace kiln::hostlib {

using Eigen::Index;

FftPlans::FftPlans() {
  for (auto &P : Plans)
    P.store(nullptr, std::memory_order_relaxed);
}

FftPlans::~FftPlans() {
  for (auto &P : Plans)
    delete P.load(std::memory_order_relaxed);
}

const FftPlans::Plan &FftPlans::get(unsigned Log2) {
  if (const Plan *P = Plans[Log2].load(std::memory_order_acquire))
    return *P;
  std::lock_guard<std::mutex> Lock(Building);
  if (const Plan *P = Plans[Log2].load(std::memory_order_acquire))
    return *P;
  auto *P = new Plan;
  P->Log2 = Log2;
  size_t L = size_t(1) << Log2;
  size_t Half = L / 2;
  P->TwRe.resize(Index(Half));
  P->TwIm.resize(Index(Half));
  for (size_t J = 0; J < Half; ++J) {
    double A = -2.0 * M_PI * double(J) / double(L);
    P->TwRe[Index(J)] = float(std::cos(A));
    P->TwIm[Index(J)] = float(std::sin(A));
  }
  P->TwistRe.resize(Index(L + 1));
  P->TwistIm.resize(Index(L + 1));
  for (size_t K = 0; K <= L; ++K) {
    double A = -2.0 * M_PI * double(K) / double(2 * L);
    P->TwistRe[Index(K)] = float(std::cos(A));
    P->TwistIm[Index(K)] = float(std::sin(A));
  }
  Plans[Log2].store(P, std::memory_order_release);
  return *P;
}

static unsigned log2Of(uint32_t N) { return unsigned(__builtin_ctz(N)); }

// Four-lane vectors through GCC/Clang vector extensions: SSE2 on x86-64,
// NEON on AArch64, scalarized by the compiler where there is no vector unit.
typedef float V4 __attribute__((vector_size(16)));
static inline V4 load4(const float *P) {
  V4 V;
  std::memcpy(&V, P, sizeof V);
  return V;
}
static inline void store4(float *P, V4 V) { std::memcpy(P, &V, sizeof V); }
static inline V4 splat(float F) { return V4{F, F, F, F}; }

/// Stage with stride 1 (first stage): y[2p] = a + b, y[2p+1] = (a - b) w[p].
static void stageS1(const float *__restrict Xr, const float *__restrict Xi,
                    float *__restrict Yr, float *__restrict Yi, size_t M,
                    const float *Wr, const float *Wi) {
  size_t P = 0;
  for (; P + 4 <= M; P += 4) {
    V4 Ar = load4(Xr + P), Ai = load4(Xi + P), Br = load4(Xr + P + M),
       Bi = load4(Xi + P + M), Cr = load4(Wr + P), Ci = load4(Wi + P);
    V4 Er = Ar + Br, Ei = Ai + Bi, Dr = Ar - Br, Di = Ai - Bi;
    V4 Or = Dr * Cr - Di * Ci, Oi = Dr * Ci + Di * Cr;
    store4(Yr + 2 * P, __builtin_shufflevector(Er, Or, 0, 4, 1, 5));
    store4(Yr + 2 * P + 4, __builtin_shufflevector(Er, Or, 2, 6, 3, 7));
    store4(Yi + 2 * P, __builtin_shufflevector(Ei, Oi, 0, 4, 1, 5));
    store4(Yi + 2 * P + 4, __builtin_shufflevector(Ei, Oi, 2, 6, 3, 7));
  }
  for (; P < M; ++P) {
    float Ar = Xr[P], Ai = Xi[P], Br = Xr[P + M], Bi = Xi[P + M];
    float Dr = Ar - Br, Di = Ai - Bi;
    Yr[2 * P] = Ar + Br;
    Yi[2 * P] = Ai + Bi;
    Yr[2 * P + 1] = Dr * Wr[P] - Di * Wi[P];
    Yi[2 * P + 1] = Dr * Wi[P] + Di * Wr[P];
  }
}

/// Stage with stride 2: pairs (q = 0, 1) share twiddle w[2p].
static void stageS2(const float *__restrict Xr, const float *__restrict Xi,
                    float *__restrict Yr, float *__restrict Yi, size_t M,
                    const float *Wr, const float *Wi) {
  size_t P = 0;
  for (; P + 2 <= M; P += 2) {
    V4 Ar = load4(Xr + 2 * P), Ai = load4(Xi + 2 * P),
       Br = load4(Xr + 2 * (P + M)), Bi = load4(Xi + 2 * (P + M));
    V4 Cr = {Wr[2 * P], Wr[2 * P], Wr[2 * P + 2], Wr[2 * P + 2]};
    V4 Ci = {Wi[2 * P], Wi[2 * P], Wi[2 * P + 2], Wi[2 * P + 2]};
    V4 Er = Ar + Br, Ei = Ai + Bi, Dr = Ar - Br, Di = Ai - Bi;
    V4 Or = Dr * Cr - Di * Ci, Oi = Dr * Ci + Di * Cr;
    store4(Yr + 4 * P, __builtin_shufflevector(Er, Or, 0, 1, 4, 5));
    store4(Yr + 4 * P + 4, __builtin_shufflevector(Er, Or, 2, 3, 6, 7));
    store4(Yi + 4 * P, __builtin_shufflevector(Ei, Oi, 0, 1, 4, 5));
    store4(Yi + 4 * P + 4, __builtin_shufflevector(Ei, Oi, 2, 3, 6, 7));
  }
  for (; P < M; ++P)
    for (size_t Q = 0; Q < 2; ++Q) {
      float Ar = Xr[Q + 2 * P], Ai = Xi[Q + 2 * P];
      float Br = Xr[Q + 2 * (P + M)], Bi = Xi[Q + 2 * (P + M)];
      float Dr = Ar - Br, Di = Ai - Bi, Cr = Wr[2 * P], Ci = Wi[2 * P];
      Yr[Q + 4 * P] = Ar + Br;
      Yi[Q + 4 * P] = Ai + Bi;
      Yr[Q + 4 * P + 2] = Dr * Cr - Di * Ci;
      Yi[Q + 4 * P + 2] = Dr * Ci + Di * Cr;
    }
}

/// Stage with stride S >= 4 (a multiple of 4): twiddle W_N^(p*S) is fixed
/// over each contiguous run of S.
static void stageWide(const float *__restrict Xr, const float *__restrict Xi,
                      float *__restrict Yr, float *__restrict Yi, size_t M,
                      size_t S, const float *Wr, const float *Wi) {
  for (size_t P = 0; P < M; ++P) {
    const V4 Cr = splat(Wr[P * S]), Ci = splat(Wi[P * S]);
    const float *Ar = Xr + S * P, *Ai = Xi + S * P;
    const float *Br = Xr + S * (P + M), *Bi = Xi + S * (P + M);
    float *Er = Yr + S * 2 * P, *Ei = Yi + S * 2 * P;
    for (size_t Q = 0; Q < S; Q += 4) {
      V4 A_r = load4(Ar + Q), A_i = load4(Ai + Q), B_r = load4(Br + Q),
         B_i = load4(Bi + Q);
      V4 Dr = A_r - B_r, Di = A_i - B_i;
      store4(Er + Q, A_r + B_r);
      store4(Ei + Q, A_i + B_i);
      store4(Er + S + Q, Dr * Cr - Di * Ci);
      store4(Ei + S + Q, Dr * Ci + Di * Cr);
    }
  }
}

/// Forward FFT of the split arrays (Xr, Xi); Y is the second buffer. Returns
/// true when the result ended up in Y.
static bool stockham(const FftPlans::Plan &P, float *Xr, float *Xi, float *Yr,
                     float *Yi) {
  const size_t N = size_t(1) << P.Log2;
  const float *Wr = P.TwRe.data(), *Wi = P.TwIm.data();
  bool InY = false;
  for (size_t Len = N, S = 1; Len >= 2; Len /= 2, S *= 2) {
    const size_t M = Len / 2;
    if (S == 1)
      stageS1(Xr, Xi, Yr, Yi, M, Wr, Wi);
    else if (S == 2)
      stageS2(Xr, Xi, Yr, Yi, M, Wr, Wi);
    else
      stageWide(Xr, Xi, Yr, Yi, M, S, Wr, Wi);
    std::swap(Xr, Yr);
    std::swap(Xi, Yi);
    InY = !InY;
  }
  return InY;
}

/// Complex FFT of N interleaved values at In into split arrays; returns the
/// (re, im) pointers of the result inside the FFT scratch slot.
static std::pair<float *, float *> fftToSplit(FftPlans &Plans, const float *In,
                                              uint32_t N, bool Conj) {
  const FftPlans::Plan &P = Plans.get(log2Of(N));
  float *Buf = scratch<float>(SlotFft, 4 * size_t(N) + 64);
  float *Xr = Buf, *Xi = Buf + N, *Yr = Buf + 2 * size_t(N),
        *Yi = Buf + 3 * size_t(N);
  const float Sign = Conj ? -1.0f : 1.0f;
  uint32_t I0 = 0;
  for (const V4 Sg = splat(Sign); I0 + 4 <= N; I0 += 4) {
    V4 Lo = load4(In + 2 * I0), Hi = load4(In + 2 * I0 + 4);
    store4(Xr + I0, __builtin_shufflevector(Lo, Hi, 0, 2, 4, 6));
    store4(Xi + I0, Sg * __builtin_shufflevector(Lo, Hi, 1, 3, 5, 7));
  }
  for (uint32_t I = I0; I < N; ++I) {
    Xr[I] = In[2 * I];
    Xi[I] = Sign * In[2 * I + 1];
  }
  if (stockham(P, Xr, Xi, Yr, Yi))
    return {Yr, Yi};
  return {Xr, Xi};
}

void fftC32(FftPlans &Plans, const float *In, float *Out, uint32_t N,
            bool Inverse) {
  auto [Zr, Zi] = fftToSplit(Plans, In, N, Inverse);
  if (!Inverse) {
    for (uint32_t I = 0; I < N; ++I) {
      Out[2 * I] = Zr[I];
      Out[2 * I + 1] = Zi[I];
    }
    return;
  }
  // ifft(X) = conj(fft(conj(X))) / N.
  const float Scale = 1.0f / float(N);
  for (uint32_t I = 0; I < N; ++I) {
    Out[2 * I] = Zr[I] * Scale;
    Out[2 * I + 1] = -Zi[I] * Scale;
  }
}

void rfftF32(FftPlans &Plans, const float *In, float *Out, uint32_t N) {
  // z[k] = x[2k] + i x[2k+1] is In itself viewed as N/2 complex values.
  const uint32_t L = N / 2;
  auto [Zr, Zi] = fftToSplit(Plans, In, L, false);
  const FftPlans::Plan &P = Plans.get(log2Of(L));
  const float *Tr = P.TwistRe.data(), *Ti = P.TwistIm.data();
  // Bins 1 .. L-1 four at a time (Z[L-k] read backwards), then the rest.
  uint32_t K0 = 1;
  for (const V4 Half = splat(0.5f); K0 + 4 <= L; K0 += 4) {
    V4 Ar = load4(Zr + K0), Ai = load4(Zi + K0);
    V4 Br = load4(Zr + L - K0 - 3), Bi = load4(Zi + L - K0 - 3);
    Br = __builtin_shufflevector(Br, Br, 3, 2, 1, 0);
    Bi = -__builtin_shufflevector(Bi, Bi, 3, 2, 1, 0);
    V4 Er = Half * (Ar + Br), Ei = Half * (Ai + Bi);
    V4 Or = Half * (Ai - Bi), Oi = -Half * (Ar - Br);
    V4 Cr = load4(Tr + K0), Ci = load4(Ti + K0);
    V4 Re = Er + Cr * Or - Ci * Oi, Im = Ei + Cr * Oi + Ci * Or;
    store4(Out + 2 * K0, __builtin_shufflevector(Re, Im, 0, 4, 1, 5));
    store4(Out + 2 * K0 + 4, __builtin_shufflevector(Re, Im, 2, 6, 3, 7));
  }
  for (uint32_t K = 0; K <= L; K = K == 0 ? K0 : K + 1) {
    uint32_t A = K == L ? 0 : K, B = K == 0 ? 0 : L - K;
    float Ar = Zr[A], Ai = Zi[A], Br = Zr[B], Bi = -Zi[B]; // B = conj(Z[L-k])
    float Er = 0.5f * (Ar + Br), Ei = 0.5f * (Ai + Bi);
    // Fo = (Zk - conj(Z[L-k])) / 2i
    float Or = 0.5f * (Ai - Bi), Oi = -0.5f * (Ar - Br);
    Out[2 * K] = Er + Tr[K] * Or - Ti[K] * Oi;
    Out[2 * K + 1] = Ei + Tr[K] * Oi + Ti[K] * Or;
  }
}

void irfftF32(FftPlans &Plans, const float *In, float *Out, uint32_t N) {
  const uint32_t L = N / 2;
  const FftPlans::Plan &P = Plans.get(log2Of(L));
  const float *Tr = P.TwistRe.data(), *Ti = P.TwistIm.data();
  // Z[k] = Fe + i Fo, Fe = (X[k] + conj(X[L-k])) / 2,
  // Fo = (X[k] - conj(X[L-k])) / 2 * conj(W_N^k); built interleaved, then
  // an inverse complex FFT of size L gives x as interleaved pairs.
  float *Z = scratch<float>(SlotAux, 2 * size_t(L) + 16);
  for (uint32_t K = 0; K < L; ++K) {
    float Ar = In[2 * K], Ai = In[2 * K + 1];
    float Br = In[2 * (L - K)], Bi = -In[2 * (L - K) + 1];
    float Er = 0.5f * (Ar + Br), Ei = 0.5f * (Ai + Bi);
    float Dr = 0.5f * (Ar - Br), Di = 0.5f * (Ai - Bi);
    float Or = Dr * Tr[K] + Di * Ti[K], Oi = Di * Tr[K] - Dr * Ti[K];
    Z[2 * K] = Er - Oi;
    Z[2 * K + 1] = Ei + Or;
  }
  auto [Zr, Zi] = fftToSplit(Plans, Z, L, true);
  const float Scale = 1.0f / float(L);
  for (uint32_t K = 0; K < L; ++K) {
    Out[2 * K] = Zr[K] * Scale;
    Out[2 * K + 1] = -Zi[K] * Scale;
  }
}

} // namespace kiln::hostlib
