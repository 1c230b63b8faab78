//===- tests/hostlib/reference.h - Scalar double references -----*- C++ -*-===//
//
// Straightforward double-precision definitions that every hostlib result is
// compared with. No SIMD, no tricks: the formulas of the documentation.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TESTS_HOSTLIB_REFERENCE_H
#define KILN_TESTS_HOSTLIB_REFERENCE_H

#include <cmath>
#include <complex>
#include <cstdint>
#include <vector>

namespace kiln::hostlib::ref {

using C = std::complex<double>;

inline std::vector<double> fir(const std::vector<float> &Taps,
                               const std::vector<float> &X) {
  std::vector<double> Y(X.size());
  for (size_t I = 0; I < X.size(); ++I)
    for (size_t K = 0; K < Taps.size() && K <= I; ++K)
      Y[I] += double(Taps[K]) * X[I - K];
  return Y;
}

/// Recursive radix-2 DFT in double (checked against the O(n^2) sum).
inline void fft(std::vector<C> &A, bool Inverse) {
  size_t N = A.size();
  if (N <= 1)
    return;
  std::vector<C> E(N / 2), O(N / 2);
  for (size_t I = 0; I < N / 2; ++I) {
    E[I] = A[2 * I];
    O[I] = A[2 * I + 1];
  }
  fft(E, Inverse);
  fft(O, Inverse);
  double Sign = Inverse ? 1 : -1;
  for (size_t K = 0; K < N / 2; ++K) {
    C W = std::polar(1.0, Sign * 2 * M_PI * double(K) / double(N)) * O[K];
    A[K] = E[K] + W;
    A[K + N / 2] = E[K] - W;
  }
}

inline std::vector<C> dft(const std::vector<C> &X) {
  size_t N = X.size();
  std::vector<C> Y(N);
  for (size_t K = 0; K < N; ++K)
    for (size_t J = 0; J < N; ++J)
      Y[K] += X[J] * std::polar(1.0, -2 * M_PI * double(K * J % N) / double(N));
  return Y;
}

inline std::vector<double> interleave(const std::vector<C> &V) {
  std::vector<double> R;
  for (const C &Z : V) {
    R.push_back(Z.real());
    R.push_back(Z.imag());
  }
  return R;
}

inline double window(unsigned Kind, size_t I, size_t N) {
  double X = 2 * M_PI * double(I) / double(N);
  switch (Kind) {
  case 0:
    return 0.5 - 0.5 * std::cos(X);
  case 1:
    return 0.54 - 0.46 * std::cos(X);
  default:
    return 0.42 - 0.5 * std::cos(X) + 0.08 * std::cos(2 * X);
  }
}

/// TFLite's MultiplyByQuantizedMultiplier, in the real numbers: the exact
/// value Acc * Multiplier * 2^(Shift - 31), rounded half away from zero.
inline double requantizeReal(int64_t Acc, int32_t Multiplier, int32_t Shift) {
  return double(Acc) * double(Multiplier) * std::ldexp(1.0, Shift - 31);
}

} // namespace kiln::hostlib::ref

#endif // KILN_TESTS_HOSTLIB_REFERENCE_H
