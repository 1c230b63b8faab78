//===- hostlib/src/dsp_filters.cc - FIR, biquad, moving average, decimate -===//
//
// Streaming filters whose state lives in guest buffers. FIR-type filters
// work on an extended line [state | input] in scratch, so the output may be
// the input buffer, and each output is one contiguous dot product with the
// reversed taps (Eigen vectorizes it).
//
//===----------------------------------------------------------------------===//

#include "kiln/error.h"
#include "kiln/hostlib/kernels.h"
#include "src/scratch.h"

#include <Eigen/Core>

#include <cmath>
#include <cstring>

namespace kiln::hostlib {

using ConstVec = Eigen::Map<const Eigen::VectorXf>;

/// Copies [State (H) | In (N)] into scratch and the reversed taps after it;
/// updates State to the last H samples. Returns the extended line.
static float *extendLine(const float *Taps, uint32_t NTaps, float *State,
                         const float *In, uint32_t N, float **RevTaps) {
  const size_t H = NTaps - 1;
  float *Ext = scratch<float>(SlotKernel, H + size_t(N) + NTaps + 16);
  float *Rev = Ext + H + N;
  std::memcpy(Ext, State, H * sizeof(float));
  std::memcpy(Ext + H, In, size_t(N) * sizeof(float));
  for (uint32_t K = 0; K < NTaps; ++K)
    Rev[K] = Taps[NTaps - 1 - K];
  std::memcpy(State, Ext + N, H * sizeof(float));
  *RevTaps = Rev;
  return Ext;
}

void firF32(const float *Taps, uint32_t NTaps, float *State, const float *In,
            float *Out, uint32_t N) {
  float *Rev;
  const float *Ext = extendLine(Taps, NTaps, State, In, N, &Rev);
  ConstVec R(Rev, NTaps);
  // y[i] = sum_k taps[k] x[i-k] = dot(rev, ext[i .. i+NTaps)).
  for (uint32_t I = 0; I < N; ++I)
    Out[I] = R.dot(ConstVec(Ext + I, NTaps));
}

void decimateF32(const float *Taps, uint32_t NTaps, uint32_t Factor,
                 float *State, const float *In, float *Out, uint32_t N) {
  float *Rev;
  const float *Ext = extendLine(Taps, NTaps, State, In, N, &Rev);
  ConstVec R(Rev, NTaps);
  for (uint32_t J = 0, E = N / Factor; J < E; ++J)
    Out[J] = R.dot(ConstVec(Ext + size_t(J) * Factor, NTaps));
}

void biquadF32(const float *Coeffs, uint32_t Sections, float *State,
               const float *In, float *Out, uint32_t N) {
  const float *Src = In;
  for (uint32_t S = 0; S < Sections; ++S) {
    const float B0 = Coeffs[5 * S], B1 = Coeffs[5 * S + 1],
                B2 = Coeffs[5 * S + 2], A1 = Coeffs[5 * S + 3],
                A2 = Coeffs[5 * S + 4];
    float S1 = State[2 * S], S2 = State[2 * S + 1];
    for (uint32_t I = 0; I < N; ++I) {
      float X = Src[I];
      float Y = B0 * X + S1;
      S1 = B1 * X - A1 * Y + S2;
      S2 = B2 * X - A2 * Y;
      Out[I] = Y;
    }
    State[2 * S] = S1;
    State[2 * S + 1] = S2;
    Src = Out;
  }
  if (Sections == 0 && Out != In)
    std::memmove(Out, In, size_t(N) * sizeof(float));
}

void movingAverageF32(uint32_t Width, float *State, const float *In,
                      float *Out, uint32_t N) {
  const size_t H = Width - 1;
  float *Ext = scratch<float>(SlotKernel, H + size_t(N) + 16);
  std::memcpy(Ext, State, H * sizeof(float));
  std::memcpy(Ext + H, In, size_t(N) * sizeof(float));
  std::memcpy(State, Ext + N, H * sizeof(float));
  // A running sum in double, re-summed every 4096 outputs so that
  // cancellation error cannot build up over a long call.
  const double Inv = 1.0 / double(Width);
  double Sum = 0;
  for (uint32_t I = 0; I < N; ++I) {
    if (I % 4096 == 0) {
      Sum = 0;
      for (size_t K = 0; K < Width; ++K)
        Sum += Ext[I + K];
    } else {
      Sum += double(Ext[I + H]) - double(Ext[I - 1]);
    }
    Out[I] = float(Sum * Inv);
  }
}

void designLowpassF32(float Cutoff, float *Taps, uint32_t NTaps) {
  const double Mid = double(NTaps - 1) / 2.0;
  double Sum = 0;
  for (uint32_t K = 0; K < NTaps; ++K) {
    double T = double(K) - Mid;
    double Sinc = T == 0 ? 2.0 * Cutoff
                         : std::sin(2.0 * M_PI * Cutoff * T) / (M_PI * T);
    double W = NTaps == 1
                   ? 1.0
                   : 0.54 - 0.46 * std::cos(2.0 * M_PI * K / (NTaps - 1));
    Taps[K] = float(Sinc * W);
    Sum += Sinc * W;
  }
  for (uint32_t K = 0; K < NTaps; ++K)
    Taps[K] = float(Taps[K] / Sum);
}

} // namespace kiln::hostlib
