//===- hostlib/src/activations.cc - Activations, softmax, layer norm ------===//

#include "src/activations.h"

#include <cmath>

namespace kiln::hostlib {

using Arr = Eigen::Map<Eigen::ArrayXf>;
using ConstArr = Eigen::Map<const Eigen::ArrayXf>;

void activationF32(Activation A, const float *In, float *Out, uint32_t N) {
  Arr O(Out, N);
  if (Out != In)
    O = ConstArr(In, N);
  applyActivation(A, O);
}

void softmaxF32(const float *In, float *Out, uint32_t Rows, uint32_t Cols) {
  for (uint32_t R = 0; R < Rows; ++R) {
    ConstArr X(In + size_t(R) * Cols, Cols);
    Arr Y(Out + size_t(R) * Cols, Cols);
    float Max = X.maxCoeff();
    Y = (X - Max).exp();
    Y *= 1.0f / Y.sum();
  }
}

void layerNormF32(const float *In, const float *Gamma, const float *Beta,
                  float Epsilon, float *Out, uint32_t Rows, uint32_t Cols) {
  ConstArr G(Gamma, Cols), B(Beta, Cols);
  for (uint32_t R = 0; R < Rows; ++R) {
    ConstArr X(In + size_t(R) * Cols, Cols);
    Arr Y(Out + size_t(R) * Cols, Cols);
    auto Xd = X.cast<double>();
    double Mean = Xd.sum() / Cols;
    double Var = (Xd - Mean).square().sum() / Cols;
    float Inv = float(1.0 / std::sqrt(Var + double(Epsilon)));
    Y = (X - float(Mean)) * Inv * G + B;
  }
}

} // namespace kiln::hostlib
