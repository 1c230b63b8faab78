//===- hostlib/src/stats.cc - Statistics over a signal --------------------===//
//
// Sums run in double (Eigen vectorizes the cast and the reduction), so mean,
// variance and RMS stay accurate over long windows; variance is two-pass.
//
//===----------------------------------------------------------------------===//

#include "kiln/hostlib/kernels.h"

#include <Eigen/Core>

#include <cmath>

namespace kiln::hostlib {

using ConstArr = Eigen::Map<const Eigen::ArrayXf>;

static double meanD(const float *In, uint32_t N) {
  return ConstArr(In, N).cast<double>().sum() / double(N);
}

float meanF32(const float *In, uint32_t N) { return float(meanD(In, N)); }

float varianceF32(const float *In, uint32_t N) {
  double M = meanD(In, N);
  return float((ConstArr(In, N).cast<double>() - M).square().sum() / N);
}

float rmsF32(const float *In, uint32_t N) {
  return float(std::sqrt(ConstArr(In, N).cast<double>().square().sum() / N));
}

float minF32(const float *In, uint32_t N) { return ConstArr(In, N).minCoeff(); }
float maxF32(const float *In, uint32_t N) { return ConstArr(In, N).maxCoeff(); }
float peakToPeakF32(const float *In, uint32_t N) {
  return maxF32(In, N) - minF32(In, N);
}

uint32_t zeroCrossingsF32(const float *In, uint32_t N) {
  uint32_t Count = 0;
  for (uint32_t I = 1; I < N; ++I)
    Count += (In[I - 1] < 0.0f) != (In[I] < 0.0f);
  return Count;
}

Stats statsF32(const float *In, uint32_t N) {
  Stats S;
  double M = meanD(In, N);
  auto X = ConstArr(In, N).cast<double>();
  S.Mean = float(M);
  S.Variance = float((X - M).square().sum() / N);
  S.Rms = float(std::sqrt(X.square().sum() / N));
  S.Min = minF32(In, N);
  S.Max = maxF32(In, N);
  S.PeakToPeak = S.Max - S.Min;
  S.ZeroCrossings = zeroCrossingsF32(In, N);
  return S;
}

} // namespace kiln::hostlib
