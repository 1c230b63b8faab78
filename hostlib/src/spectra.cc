//===- hostlib/src/spectra.cc - Windows and spectra -----------------------===//

#include "kiln/error.h"
#include "kiln/hostlib/kernels.h"
#include "src/fft.h"
#include "src/scratch.h"

#include <cmath>

namespace kiln::hostlib {

/// The window as a function of c1 = cos(x), c2 = cos(2x), x = 2*pi*i/N.
static inline float windowOf(Window W, double C1) {
  switch (W) {
  case Window::Hann:
    return float(0.5 - 0.5 * C1);
  case Window::Hamming:
    return float(0.54 - 0.46 * C1);
  case Window::Blackman:
    return float(0.42 - 0.5 * C1 + 0.08 * (2 * C1 * C1 - 1));
  }
  KILN_UNREACHABLE("bad window");
}

void windowF32(Window W, float *Out, uint32_t N) {
  // cos(2*pi*i/N) by a rotation recurrence in double, re-anchored every 64
  // samples so that the error stays at the level of a few ulps of double.
  const double Step = 2.0 * M_PI / double(N);
  const double Cs = std::cos(Step), Sn = std::sin(Step);
  double C = 1, S = 0;
  for (uint32_t I = 0; I < N; ++I) {
    if (I % 64 == 0) {
      C = std::cos(Step * I);
      S = std::sin(Step * I);
    }
    Out[I] = windowOf(W, C);
    double Nc = C * Cs - S * Sn;
    S = S * Cs + C * Sn;
    C = Nc;
  }
}

void windowApplyF32(Window W, const float *In, float *Out, uint32_t N) {
  float *Win = scratch<float>(SlotKernel, N);
  windowF32(W, Win, N);
  Eigen::Map<Eigen::ArrayXf>(Out, N) =
      Eigen::Map<const Eigen::ArrayXf>(In, N) *
      Eigen::Map<const Eigen::ArrayXf>(Win, N);
}

void magnitudeC32(const float *In, float *Out, uint32_t N) {
  for (uint32_t I = 0; I < N; ++I)
    Out[I] = std::sqrt(In[2 * I] * In[2 * I] + In[2 * I + 1] * In[2 * I + 1]);
}

void powerC32(const float *In, float *Out, uint32_t N) {
  for (uint32_t I = 0; I < N; ++I)
    Out[I] = In[2 * I] * In[2 * I] + In[2 * I + 1] * In[2 * I + 1];
}

void powerSpectrumF32(FftPlans &Plans, Window W, const float *In, float *Out,
                      uint32_t N) {
  // The window comes from the plan's twist table: cos(2*pi*k/N) for
  // k <= N/2, mirrored for the upper half.
  const uint32_t L = N / 2;
  const FftPlans::Plan &P = Plans.get(unsigned(__builtin_ctz(L)));
  const float *Cos = P.TwistRe.data();
  float *X = scratch<float>(SlotKernel, N);
  for (uint32_t I = 0; I <= L; ++I)
    X[I] = In[I] * windowOf(W, Cos[I]);
  for (uint32_t I = L + 1; I < N; ++I)
    X[I] = In[I] * windowOf(W, Cos[N - I]);
  float *Spec = scratch<float>(SlotAux, 2 * size_t(L) + 2);
  rfftF32(Plans, X, Spec, N);
  powerC32(Spec, Out, L + 1);
}

} // namespace kiln::hostlib
