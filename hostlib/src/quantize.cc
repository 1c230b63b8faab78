//===- hostlib/src/quantize.cc - int8 dense and conv2d (TFLite scheme) ----===//
//
// Accumulation is exact in int32: inputs have the zero point removed into
// int16 (range [-255, 255]) and weights widened to int16, so each dot
// product is the multiply-add-pairs idiom (pmaddwd on x86, smlal on NEON)
// that GCC's vectorizer emits for this loop. Requantization is TFLite's
// MultiplyByQuantizedMultiplier, bit for bit.
//
//===----------------------------------------------------------------------===//

#include "kiln/hostlib/kernels.h"
#include "src/conv_geometry.h"
#include "src/scratch.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace kiln::hostlib {

// gemmlowp's SaturatingRoundingDoublingHighMul.
static int32_t roundingDoublingHighMul(int32_t A, int32_t B) {
  if (A == B && A == std::numeric_limits<int32_t>::min())
    return std::numeric_limits<int32_t>::max();
  int64_t AB = int64_t(A) * int64_t(B);
  int32_t Nudge = AB >= 0 ? (1 << 30) : (1 - (1 << 30));
  return int32_t((AB + Nudge) / (int64_t(1) << 31));
}

// gemmlowp's RoundingDivideByPOT.
static int32_t roundingDivideByPOT(int32_t X, int Exponent) {
  const int32_t Mask = int32_t((int64_t(1) << Exponent) - 1);
  const int32_t Remainder = X & Mask;
  const int32_t Threshold = (Mask >> 1) + (X < 0 ? 1 : 0);
  return (X >> Exponent) + (Remainder > Threshold ? 1 : 0);
}

int32_t multiplyByQuantizedMultiplier(int32_t X, int32_t Multiplier,
                                      int32_t Shift) {
  int LeftShift = Shift > 0 ? Shift : 0;
  int RightShift = Shift > 0 ? 0 : -Shift;
  // TFLite computes x * (1 << left_shift) in int32; wrap the same way
  // without signed overflow.
  int32_t Shifted = int32_t(uint32_t(X) << LeftShift);
  return roundingDivideByPOT(roundingDoublingHighMul(Shifted, Multiplier),
                             RightShift);
}

static inline int32_t dotI16(const int16_t *__restrict A,
                             const int16_t *__restrict B, size_t N) {
  int32_t Acc = 0;
  for (size_t I = 0; I < N; ++I)
    Acc += int32_t(A[I]) * int32_t(B[I]);
  return Acc;
}

/// Acc is bias + dot product; the dot product cannot overflow int32 (the
/// validator caps its length at MaxQuantDot), the bias add saturates.
static inline int8_t requantize(int64_t Acc, const QuantParams &Q,
                                int32_t Multiplier, int32_t Shift) {
  int32_t Sat = int32_t(std::clamp<int64_t>(
      Acc, std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int32_t>::max()));
  int32_t V = multiplyByQuantizedMultiplier(Sat, Multiplier, Shift);
  // Saturating add of the zero point, then the activation clamp.
  int64_t W = int64_t(V) + Q.OutputZeroPoint;
  W = std::clamp<int64_t>(W, Q.ActMin, Q.ActMax);
  return int8_t(W);
}

static int16_t *widenWeights(const int8_t *W, size_t N) {
  int16_t *W16 = scratch<int16_t>(SlotAux, N);
  for (size_t I = 0; I < N; ++I)
    W16[I] = W[I];
  return W16;
}

void denseI8(uint32_t Batch, uint32_t InF, uint32_t OutF, const int8_t *In,
             const int8_t *W, const int32_t *Bias, const QuantParams &Q,
             const int32_t *Multiplier, const int32_t *Shift, int8_t *Out) {
  const int16_t *W16 = widenWeights(W, size_t(OutF) * InF);
  int16_t *X16 = scratch<int16_t>(SlotKernel, InF);
  for (uint32_t B = 0; B < Batch; ++B) {
    const int8_t *X = In + size_t(B) * InF;
    for (uint32_t I = 0; I < InF; ++I)
      X16[I] = int16_t(X[I] - Q.InputZeroPoint);
    for (uint32_t O = 0; O < OutF; ++O) {
      int64_t Acc = int64_t(Bias ? Bias[O] : 0) + dotI16(X16, W16 + size_t(O) * InF, InF);
      Out[size_t(B) * OutF + O] = requantize(Acc, Q, Multiplier[O], Shift[O]);
    }
  }
}

void conv2dI8(const ConvShape &S, const int8_t *In, const int8_t *Filter,
              const int32_t *Bias, const QuantParams &Q,
              const int32_t *Multiplier, const int32_t *Shift, int8_t *Out) {
  const size_t KK = size_t(S.KH) * S.KW * S.InC;
  const int16_t *F16 = widenWeights(Filter, size_t(S.OutC) * KK);
  int16_t *Patch = scratch<int16_t>(SlotKernel, KK);
  for (uint32_t B = 0; B < S.Batch; ++B)
    for (uint32_t Oy = 0; Oy < S.OutH; ++Oy)
      for (uint32_t Ox = 0; Ox < S.OutW; ++Ox) {
        forEachTap(S, In, B, Oy, Ox, [&](uint32_t Tap, const int8_t *Px) {
          int16_t *Dst = Patch + size_t(Tap) * S.InC;
          if (!Px) { // padding holds the zero point, i.e. 0 once removed
            std::memset(Dst, 0, S.InC * sizeof(int16_t));
            return;
          }
          for (uint32_t C = 0; C < S.InC; ++C)
            Dst[C] = int16_t(Px[C] - Q.InputZeroPoint);
        });
        int8_t *O = Out + ((size_t(B) * S.OutH + Oy) * S.OutW + Ox) * S.OutC;
        for (uint32_t C = 0; C < S.OutC; ++C) {
          int64_t Acc = int64_t(Bias ? Bias[C] : 0) + dotI16(Patch, F16 + C * KK, KK);
          O[C] = requantize(Acc, Q, Multiplier[C], Shift[C]);
        }
      }
}

} // namespace kiln::hostlib
