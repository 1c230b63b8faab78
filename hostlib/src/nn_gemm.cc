//===- hostlib/src/nn_gemm.cc - GEMM, GEMV, dense layers ------------------===//

#include "src/activations.h"

namespace kiln::hostlib {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatMap = Eigen::Map<RowMat>;
using ConstMatMap = Eigen::Map<const RowMat>;

void gemmF32(uint32_t M, uint32_t N, uint32_t K, float Alpha, const float *A,
             const float *B, float Beta, float *C) {
  MatMap Cm(C, M, N);
  ConstMatMap Am(A, M, K), Bm(B, K, N);
  if (Beta == 0.0f) {
    Cm.noalias() = Alpha * (Am * Bm);
    return;
  }
  if (Beta != 1.0f)
    Cm *= Beta;
  Cm.noalias() += Alpha * (Am * Bm);
}

void gemvF32(uint32_t M, uint32_t N, const float *A, const float *X,
             float *Y) {
  Eigen::Map<Eigen::VectorXf>(Y, M).noalias() =
      ConstMatMap(A, M, N) * Eigen::Map<const Eigen::VectorXf>(X, N);
}

void denseF32(uint32_t Batch, uint32_t InF, uint32_t OutF, const float *In,
              const float *W, const float *Bias, float *Out, Activation Act) {
  MatMap O(Out, Batch, OutF);
  ConstMatMap X(In, Batch, InF), Wm(W, OutF, InF);
  if (Batch == 1) // GEMV with the row-major weights
    O.row(0).transpose().noalias() = Wm * X.row(0).transpose();
  else
    O.noalias() = X * Wm.transpose();
  if (Bias)
    O.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(Bias, OutF);
  applyActivation(Act, Eigen::Map<Eigen::ArrayXf>(Out, size_t(Batch) * OutF));
}

} // namespace kiln::hostlib
