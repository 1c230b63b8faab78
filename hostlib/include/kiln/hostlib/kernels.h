//===- kiln/hostlib/kernels.h - hostlib's native kernels --------*- C++ -*-===//
//
// The code behind kiln:dsp and kiln:nn, callable directly from C++ (tests and
// benchmarks compare it with the same call made from a Wasm module). These
// take native pointers and trust them: every precondition written here is
// what the guest-facing layer (src/guest_args.h) checks before calling.
// Complex data is interleaved (re, im) f32. Tensors are row-major / NHWC.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_HOSTLIB_KERNELS_H
#define KILN_HOSTLIB_KERNELS_H

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace kiln::hostlib {

//===-- kiln:dsp ----------------------------------------------------------===//

/// Streaming FIR: Out[i] = sum_k Taps[k] * x[i - k], where x continues the
/// NTaps-1 samples held in State (oldest first), which is updated to the
/// last NTaps-1 inputs. Out may be In.
void firF32(const float *Taps, uint32_t NTaps, float *State, const float *In,
            float *Out, uint32_t N);

/// Biquad cascade, direct form II transposed. Coeffs: per section b0 b1 b2
/// a1 a2 (a0 = 1); State: per section s1 s2. Out may be In.
void biquadF32(const float *Coeffs, uint32_t Sections, float *State,
               const float *In, float *Out, uint32_t N);

/// Streaming moving average over Width samples; State holds the previous
/// Width-1 inputs. Out may be In.
void movingAverageF32(uint32_t Width, float *State, const float *In,
                      float *Out, uint32_t N);

/// FIR anti-aliasing filter (State as for firF32) then keep every Factor-th
/// output: Out has N / Factor samples, N a multiple of Factor.
void decimateF32(const float *Taps, uint32_t NTaps, uint32_t Factor,
                 float *State, const float *In, float *Out, uint32_t N);

/// Windowed-sinc low-pass (Hamming), unity DC gain; Cutoff in cycles per
/// sample, 0 < Cutoff < 0.5.
void designLowpassF32(float Cutoff, float *Taps, uint32_t NTaps);

enum class Window : uint32_t { Hann = 0, Hamming = 1, Blackman = 2 };
inline constexpr uint32_t NumWindows = 3;
/// Periodic (DFT-even) windows: w[i] = f(2*pi*i/N).
void windowF32(Window W, float *Out, uint32_t N);
/// Out[i] = In[i] * w[i]. Out may be In.
void windowApplyF32(Window W, const float *In, float *Out, uint32_t N);

/// |X| and |X|^2 of N complex values.
void magnitudeC32(const float *In, float *Out, uint32_t N);
void powerC32(const float *In, float *Out, uint32_t N);

/// Transform sizes: complex 1..65536, real 2..65536, powers of two.
inline constexpr uint32_t MaxFftLog2 = 16;

/// Twiddle tables per size, built on first use and kept until destruction.
/// Lookups are lock-free; building takes a mutex. Thread-safe.
class FftPlans {
public:
  FftPlans();
  ~FftPlans();
  FftPlans(const FftPlans &) = delete;
  FftPlans &operator=(const FftPlans &) = delete;
  struct Plan;
  /// The plan for complex size 2^Log2 (Log2 <= MaxFftLog2).
  const Plan &get(unsigned Log2);

private:
  std::atomic<const Plan *> Plans[MaxFftLog2 + 1];
  std::mutex Building;
};

/// Complex FFT of N (power of two, <= 65536) interleaved values. Forward is
/// unscaled (X[k] = sum x[n] e^{-2 pi i k n / N}); inverse scales by 1/N.
/// Out may be In.
void fftC32(FftPlans &P, const float *In, float *Out, uint32_t N,
            bool Inverse);
/// Real FFT: N real samples -> N/2+1 complex bins.
void rfftF32(FftPlans &P, const float *In, float *Out, uint32_t N);
/// Inverse real FFT: N/2+1 bins -> N real samples (scaled by 1/N).
void irfftF32(FftPlans &P, const float *In, float *Out, uint32_t N);
/// Windowed power spectrum: |rfft(In * w)|^2, N/2+1 bins.
void powerSpectrumF32(FftPlans &P, Window W, const float *In, float *Out,
                      uint32_t N);

struct Stats {
  float Mean, Variance, Rms, Min, Max, PeakToPeak;
  uint32_t ZeroCrossings;
};
/// Population statistics (N >= 1). Zero crossings count sign changes
/// between consecutive samples (x[i-1] < 0) != (x[i] < 0).
Stats statsF32(const float *In, uint32_t N);
float meanF32(const float *In, uint32_t N);
float varianceF32(const float *In, uint32_t N);
float rmsF32(const float *In, uint32_t N);
float minF32(const float *In, uint32_t N);
float maxF32(const float *In, uint32_t N);
float peakToPeakF32(const float *In, uint32_t N);
uint32_t zeroCrossingsF32(const float *In, uint32_t N);

//===-- kiln:nn -----------------------------------------------------------===//

enum class Activation : uint32_t { None = 0, Relu, Relu6, Sigmoid, Tanh };
inline constexpr uint32_t NumActivations = 5;

/// C[MxN] = Alpha * A[MxK] * B[KxN] + Beta * C (row-major). With Beta == 0
/// C is not read.
void gemmF32(uint32_t M, uint32_t N, uint32_t K, float Alpha, const float *A,
             const float *B, float Beta, float *C);
/// Y[M] = A[MxN] * X[N].
void gemvF32(uint32_t M, uint32_t N, const float *A, const float *X, float *Y);
/// Out[B x OutF] = act(In[B x InF] * W^T + Bias); W is [OutF x InF] (the
/// TFLite FullyConnected layout); Bias may be null.
void denseF32(uint32_t Batch, uint32_t InF, uint32_t OutF, const float *In,
              const float *W, const float *Bias, float *Out, Activation Act);

/// Shapes of a 2-D convolution or pooling, NHWC. Filters are OHWI
/// ([OutC][KH][KW][InC]) for conv2d and [1][KH][KW][OutC] for depthwise
/// (OutC = InC * multiplier). Output pixel (oy, ox) reads input row
/// oy*StrideH - PadTop + ky*DilH; taps outside the input are padding
/// (zero, or the input zero point when quantized).
struct ConvShape {
  uint32_t Batch, InH, InW, InC, OutH, OutW, OutC, KH, KW, StrideH, StrideW,
      DilH, DilW, PadTop, PadLeft;
  Activation Act;
};
void conv2dF32(const ConvShape &S, const float *In, const float *Filter,
               const float *Bias, float *Out);
void depthwiseConv2dF32(const ConvShape &S, const float *In,
                        const float *Filter, const float *Bias, float *Out);
/// Max / average over each window (taps in the padding are skipped; the
/// average divides by the number of taps inside the input). OutC == InC.
void maxPool2dF32(const ConvShape &S, const float *In, float *Out);
void avgPool2dF32(const ConvShape &S, const float *In, float *Out);

/// TFLite's int8 scheme: real = scale * (q - zero_point); weights symmetric
/// (zero point 0) with per-output-channel scales; bias int32 with scale
/// in_scale * w_scale[c]; the real multiplier in_scale * w_scale[c] /
/// out_scale is given as (Multiplier[c], Shift[c]) exactly as TFLite's
/// QuantizeMultiplier produces it (Multiplier in [2^30, 2^31), or 0; Shift
/// in [-31, 30]).
struct QuantParams {
  int32_t InputZeroPoint, OutputZeroPoint, ActMin, ActMax;
};
/// Longest int8 dot product (InF, or KH*KW*InC): 65536 * 255 * 128 fits
/// int32, so accumulation never overflows.
inline constexpr uint32_t MaxQuantDot = 65536;
/// TFLite's MultiplyByQuantizedMultiplier (gemmlowp rounding).
int32_t multiplyByQuantizedMultiplier(int32_t X, int32_t Multiplier,
                                      int32_t Shift);
void denseI8(uint32_t Batch, uint32_t InF, uint32_t OutF, const int8_t *In,
             const int8_t *W, const int32_t *Bias, const QuantParams &Q,
             const int32_t *Multiplier, const int32_t *Shift, int8_t *Out);
void conv2dI8(const ConvShape &S, const int8_t *In, const int8_t *Filter,
              const int32_t *Bias, const QuantParams &Q,
              const int32_t *Multiplier, const int32_t *Shift, int8_t *Out);

/// Element-wise activations. Out may be In.
void activationF32(Activation A, const float *In, float *Out, uint32_t N);
/// Row-wise softmax and layer normalization of Rows x Cols. Out may be In.
void softmaxF32(const float *In, float *Out, uint32_t Rows, uint32_t Cols);
void layerNormF32(const float *In, const float *Gamma, const float *Beta,
                  float Epsilon, float *Out, uint32_t Rows, uint32_t Cols);

} // namespace kiln::hostlib

#endif // KILN_HOSTLIB_KERNELS_H
