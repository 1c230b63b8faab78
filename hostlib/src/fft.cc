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

/// Forward FFT of the split arrays (Xr, Xi); Y is the second buffer. Returns
/// true when the result ended up in Y.
static bool stockham(const FftPlans::Plan &P, float *__restrict Xr,
                     float *__restrict Xi, float *__restrict Yr,
                     float *__restrict Yi) {
  const size_t N = size_t(1) << P.Log2;
  const float *Wr = P.TwRe.data(), *Wi = P.TwIm.data();
  bool InY = false;
  size_t Len = N, S = 1;
  // Stride 1: y[2p] = a + b, y[2p+1] = (a - b) * W_N^p.
  if (Len >= 2) {
    const size_t M = Len / 2;
    for (size_t Pi = 0; Pi < M; ++Pi) {
      float Ar = Xr[Pi], Ai = Xi[Pi], Br = Xr[Pi + M], Bi = Xi[Pi + M];
      float Dr = Ar - Br, Di = Ai - Bi;
      Yr[2 * Pi] = Ar + Br;
      Yi[2 * Pi] = Ai + Bi;
      Yr[2 * Pi + 1] = Dr * Wr[Pi] - Di * Wi[Pi];
      Yi[2 * Pi + 1] = Dr * Wi[Pi] + Di * Wr[Pi];
    }
    std::swap(Xr, Yr);
    std::swap(Xi, Yi);
    InY = !InY;
    Len = M;
    S = 2;
  }
  // Stride S >= 2: twiddle W_Len^p = W_N^(p*S), fixed over q.
  for (; Len >= 2; Len /= 2, S *= 2) {
    const size_t M = Len / 2;
    for (size_t Pi = 0; Pi < M; ++Pi) {
      const float Cr = Wr[Pi * S], Ci = Wi[Pi * S];
      const float *__restrict Ar = Xr + S * Pi, *__restrict Ai = Xi + S * Pi;
      const float *__restrict Br = Xr + S * (Pi + M),
                              *__restrict Bi = Xi + S * (Pi + M);
      float *__restrict Er = Yr + S * 2 * Pi, *__restrict Ei = Yi + S * 2 * Pi;
      float *__restrict Or = Er + S, *__restrict Oi = Ei + S;
      for (size_t Q = 0; Q < S; ++Q) {
        float Dr = Ar[Q] - Br[Q], Di = Ai[Q] - Bi[Q];
        Er[Q] = Ar[Q] + Br[Q];
        Ei[Q] = Ai[Q] + Bi[Q];
        Or[Q] = Dr * Cr - Di * Ci;
        Oi[Q] = Dr * Ci + Di * Cr;
      }
    }
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
  for (uint32_t I = 0; I < N; ++I) {
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
  for (uint32_t K = 0; K <= L; ++K) {
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
