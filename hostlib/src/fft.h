//===- hostlib/src/fft.h - FFT plans (internal) -----------------*- C++ -*-===//
#ifndef KILN_HOSTLIB_FFT_H
#define KILN_HOSTLIB_FFT_H

#include "kiln/hostlib/kernels.h"

#include <Eigen/Core>

namespace kiln::hostlib {

/// Tables for complex size L = 2^Log2: the stage twiddles W_L^j
/// (j < L/2) and the real-transform twist W_{2L}^k (k <= L), both computed
/// in double and stored as f32 in Eigen arrays.
struct FftPlans::Plan {
  unsigned Log2;
  Eigen::ArrayXf TwRe, TwIm;       // L/2 entries
  Eigen::ArrayXf TwistRe, TwistIm; // L+1 entries
};

} // namespace kiln::hostlib

#endif // KILN_HOSTLIB_FFT_H
