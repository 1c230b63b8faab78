//===- hostlib/src/activations.h - Fused activations (internal) -*- C++ -*-===//
#ifndef KILN_HOSTLIB_ACTIVATIONS_H
#define KILN_HOSTLIB_ACTIVATIONS_H

#include "kiln/hostlib/kernels.h"

#include <Eigen/Core>

namespace kiln::hostlib {

/// Applies A in place to an Eigen array expression's storage.
template <typename ArrayT> void applyActivation(Activation A, ArrayT &&X) {
  switch (A) {
  case Activation::None:
    return;
  case Activation::Relu:
    X = X.max(0.0f);
    return;
  case Activation::Relu6:
    X = X.max(0.0f).min(6.0f);
    return;
  case Activation::Sigmoid:
    X = X.logistic();
    return;
  case Activation::Tanh:
    X = X.tanh();
    return;
  }
}

} // namespace kiln::hostlib

#endif // KILN_HOSTLIB_ACTIVATIONS_H
