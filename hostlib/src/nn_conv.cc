//===- hostlib/src/nn_conv.cc - f32 convolutions and pooling --------------===//
//
// conv2d is im2col in blocks of output pixels (bounded scratch) followed by
// one Eigen GEMM per block against the OHWI filter, which is already the
// [OutC x KH*KW*InC] matrix; 1x1 stride-1 convolutions skip im2col.
// Depthwise convolution and pooling accumulate across channels, which are
// contiguous in NHWC, so the inner loops vectorize.
//
//===----------------------------------------------------------------------===//

#include "src/activations.h"
#include "src/conv_geometry.h"
#include "src/scratch.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace kiln::hostlib {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatMap = Eigen::Map<RowMat>;
using ConstMatMap = Eigen::Map<const RowMat>;

static void biasAndActivate(const ConvShape &S, const float *Bias, float *Out,
                            size_t Pixels) {
  MatMap O(Out, Eigen::Index(Pixels), S.OutC);
  if (Bias)
    O.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(Bias, S.OutC);
  applyActivation(S.Act, Eigen::Map<Eigen::ArrayXf>(Out, Pixels * S.OutC));
}

void conv2dF32(const ConvShape &S, const float *In, const float *Filter,
               const float *Bias, float *Out) {
  const size_t KK = size_t(S.KH) * S.KW * S.InC;
  const size_t Pixels = size_t(S.Batch) * S.OutH * S.OutW;
  ConstMatMap F(Filter, S.OutC, Eigen::Index(KK));
  if (S.KH == 1 && S.KW == 1 && S.StrideH == 1 && S.StrideW == 1 &&
      S.PadTop == 0 && S.PadLeft == 0 && S.OutH == S.InH && S.OutW == S.InW) {
    MatMap(Out, Eigen::Index(Pixels), S.OutC).noalias() =
        ConstMatMap(In, Eigen::Index(Pixels), S.InC) * F.transpose();
    biasAndActivate(S, Bias, Out, Pixels);
    return;
  }
  const size_t Block = std::clamp<size_t>((64 * 1024) / KK, 1, 256);
  float *Patches = scratch<float>(SlotKernel, Block * KK);
  const size_t PerImage = size_t(S.OutH) * S.OutW;
  for (size_t P0 = 0; P0 < Pixels; P0 += Block) {
    size_t NP = std::min(Block, Pixels - P0);
    for (size_t P = 0; P < NP; ++P) {
      size_t Pix = P0 + P;
      uint32_t B = uint32_t(Pix / PerImage);
      uint32_t Oy = uint32_t(Pix % PerImage / S.OutW),
               Ox = uint32_t(Pix % S.OutW);
      float *Row = Patches + P * KK;
      forEachTap(S, In, B, Oy, Ox, [&](uint32_t Tap, const float *Px) {
        float *Dst = Row + size_t(Tap) * S.InC;
        if (Px)
          std::memcpy(Dst, Px, S.InC * sizeof(float));
        else
          std::memset(Dst, 0, S.InC * sizeof(float));
      });
    }
    MatMap(Out + P0 * S.OutC, Eigen::Index(NP), S.OutC).noalias() =
        ConstMatMap(Patches, Eigen::Index(NP), Eigen::Index(KK)) *
        F.transpose();
    biasAndActivate(S, Bias, Out + P0 * S.OutC, NP);
  }
}

void depthwiseConv2dF32(const ConvShape &S, const float *In,
                        const float *Filter, const float *Bias, float *Out) {
  const uint32_t Mult = S.OutC / S.InC;
  for (uint32_t B = 0; B < S.Batch; ++B)
    for (uint32_t Oy = 0; Oy < S.OutH; ++Oy)
      for (uint32_t Ox = 0; Ox < S.OutW; ++Ox) {
        float *__restrict Acc =
            Out + ((size_t(B) * S.OutH + Oy) * S.OutW + Ox) * S.OutC;
        if (Bias)
          std::memcpy(Acc, Bias, S.OutC * sizeof(float));
        else
          std::memset(Acc, 0, S.OutC * sizeof(float));
        forEachTap(S, In, B, Oy, Ox, [&](uint32_t Tap, const float *Px) {
          if (!Px)
            return;
          const float *__restrict Fw = Filter + size_t(Tap) * S.OutC;
          if (Mult == 1) {
            for (uint32_t C = 0; C < S.OutC; ++C)
              Acc[C] += Px[C] * Fw[C];
            return;
          }
          for (uint32_t C = 0; C < S.InC; ++C)
            for (uint32_t M = 0; M < Mult; ++M)
              Acc[C * Mult + M] += Px[C] * Fw[C * Mult + M];
        });
      }
  applyActivation(S.Act,
                  Eigen::Map<Eigen::ArrayXf>(Out, size_t(S.Batch) * S.OutH *
                                                      S.OutW * S.OutC));
}

template <bool IsMax>
static void pool(const ConvShape &S, const float *In, float *Out) {
  for (uint32_t B = 0; B < S.Batch; ++B)
    for (uint32_t Oy = 0; Oy < S.OutH; ++Oy)
      for (uint32_t Ox = 0; Ox < S.OutW; ++Ox) {
        float *__restrict Acc =
            Out + ((size_t(B) * S.OutH + Oy) * S.OutW + Ox) * S.OutC;
        std::fill(Acc, Acc + S.OutC,
                  IsMax ? -std::numeric_limits<float>::infinity() : 0.0f);
        uint32_t Count = 0;
        forEachTap(S, In, B, Oy, Ox, [&](uint32_t, const float *Px) {
          if (!Px)
            return;
          ++Count;
          for (uint32_t C = 0; C < S.OutC; ++C)
            Acc[C] = IsMax ? std::max(Acc[C], Px[C]) : Acc[C] + Px[C];
        });
        // A window entirely in the padding gives 0.
        float Scale = Count == 0 ? 0.0f : IsMax ? 1.0f : 1.0f / float(Count);
        for (uint32_t C = 0; C < S.OutC; ++C)
          Acc[C] = Count == 0 ? 0.0f : Acc[C] * Scale;
      }
  applyActivation(S.Act,
                  Eigen::Map<Eigen::ArrayXf>(Out, size_t(S.Batch) * S.OutH *
                                                      S.OutW * S.OutC));
}

void maxPool2dF32(const ConvShape &S, const float *In, float *Out) {
  pool<true>(S, In, Out);
}
void avgPool2dF32(const ConvShape &S, const float *In, float *Out) {
  pool<false>(S, In, Out);
}

} // namespace kiln::hostlib
