//===- hostlib/src/register_dsp.cc - The kiln:dsp import table ------------===//
//
// Each handler declares the call's buffers (argument index of the offset;
// the length follows it), validates them, checks the lengths against each
// other, and runs the kernel. Argument order is kiln/dsp.h's.
//
//===----------------------------------------------------------------------===//

#include "src/registry.h"

#include <cmath>
#include <cstring>

namespace kiln::hostlib {

static Error needAtLeast(GuestCall &C, const char *Name, uint32_t V,
                         uint32_t Min) {
  if (V >= Min)
    return Error::success();
  return C.fail("argument '%s' is %u, needs at least %u", Name, V, Min);
}

static Error needPow2(GuestCall &C, const char *Name, uint32_t N, uint32_t Min) {
  if (N >= Min && N <= (1u << MaxFftLog2) && (N & (N - 1)) == 0)
    return Error::success();
  return C.fail("argument '%s' has length %u, needs a power of two in [%u, %u]",
                Name, N, Min, 1u << MaxFftLog2);
}

static Error windowKind(GuestCall &C, unsigned Arg, Window &W) {
  uint32_t K = C.u32(Arg);
  if (K >= NumWindows)
    return C.fail("argument 'window' is %u, needs 0 (Hann), 1 (Hamming) or "
                  "2 (Blackman)",
                  K);
  W = Window(K);
  return Error::success();
}

// fir_f32(taps, state, in, out)
static Error fir(GuestCall &C, HostlibState &) {
  auto Taps = C.in<const float>(0, "taps");
  auto State = C.out<float>(2, "state");
  auto In = C.in<const float>(4, "in");
  auto Out = C.out<float>(6, "out", In.Id);
  KILN_CHECK(C.validate());
  KILN_CHECK(needAtLeast(C, "taps_len", Taps.Len, 1));
  KILN_CHECK(C.needLen(State, uint64_t(Taps.Len) - 1, "taps_len - 1"));
  KILN_CHECK(C.needLen(Out, In.Len, "in_len"));
  firF32(Taps.Data, Taps.Len, State.Data, In.Data, Out.Data, In.Len);
  return Error::success();
}

// biquad_f32(coeffs, state, in, out)
static Error biquad(GuestCall &C, HostlibState &) {
  auto Coeffs = C.in<const float>(0, "coeffs");
  auto State = C.out<float>(2, "state");
  auto In = C.in<const float>(4, "in");
  auto Out = C.out<float>(6, "out", In.Id);
  KILN_CHECK(C.validate());
  if (Coeffs.Len == 0 || Coeffs.Len % 5)
    return C.fail("argument 'coeffs' has %u floats, needs 5 per section "
                  "(b0 b1 b2 a1 a2)",
                  Coeffs.Len);
  uint32_t Sections = Coeffs.Len / 5;
  KILN_CHECK(C.needLen(State, uint64_t(Sections) * 2, "2 per section"));
  KILN_CHECK(C.needLen(Out, In.Len, "in_len"));
  biquadF32(Coeffs.Data, Sections, State.Data, In.Data, Out.Data, In.Len);
  return Error::success();
}

// moving_average_f32(width, state, in, out)
static Error movingAverage(GuestCall &C, HostlibState &) {
  uint32_t Width = C.u32(0);
  auto State = C.out<float>(1, "state");
  auto In = C.in<const float>(3, "in");
  auto Out = C.out<float>(5, "out", In.Id);
  KILN_CHECK(C.validate());
  KILN_CHECK(needAtLeast(C, "width", Width, 1));
  KILN_CHECK(C.needLen(State, uint64_t(Width) - 1, "width - 1"));
  KILN_CHECK(C.needLen(Out, In.Len, "in_len"));
  movingAverageF32(Width, State.Data, In.Data, Out.Data, In.Len);
  return Error::success();
}

// decimate_f32(taps, factor, state, in, out)
static Error decimate(GuestCall &C, HostlibState &) {
  auto Taps = C.in<const float>(0, "taps");
  uint32_t Factor = C.u32(2);
  auto State = C.out<float>(3, "state");
  auto In = C.in<const float>(5, "in");
  auto Out = C.out<float>(7, "out", In.Id);
  KILN_CHECK(C.validate());
  KILN_CHECK(needAtLeast(C, "taps_len", Taps.Len, 1));
  KILN_CHECK(needAtLeast(C, "factor", Factor, 1));
  if (In.Len % Factor)
    return C.fail("argument 'in' has %u floats, not a multiple of factor %u",
                  In.Len, Factor);
  KILN_CHECK(C.needLen(State, uint64_t(Taps.Len) - 1, "taps_len - 1"));
  KILN_CHECK(C.needLen(Out, In.Len / Factor, "in_len / factor"));
  decimateF32(Taps.Data, Taps.Len, Factor, State.Data, In.Data, Out.Data,
              In.Len);
  return Error::success();
}

// design_lowpass_f32(cutoff, taps)
static Error designLowpass(GuestCall &C, HostlibState &) {
  float Cutoff = C.f32(0);
  auto Taps = C.out<float>(1, "taps");
  KILN_CHECK(C.validate());
  if (!(Cutoff > 0.0f && Cutoff < 0.5f))
    return C.fail("argument 'cutoff' is %g, needs 0 < cutoff < 0.5 (cycles "
                  "per sample)",
                  double(Cutoff));
  KILN_CHECK(needAtLeast(C, "taps_len", Taps.Len, 1));
  designLowpassF32(Cutoff, Taps.Data, Taps.Len);
  return Error::success();
}

// window_f32(window, out)
static Error window(GuestCall &C, HostlibState &) {
  Window W = Window::Hann;
  KILN_CHECK(windowKind(C, 0, W));
  auto Out = C.out<float>(1, "out");
  KILN_CHECK(C.validate());
  windowF32(W, Out.Data, Out.Len);
  return Error::success();
}

// window_apply_f32(window, in, out)
static Error windowApply(GuestCall &C, HostlibState &) {
  Window W = Window::Hann;
  KILN_CHECK(windowKind(C, 0, W));
  auto In = C.in<const float>(1, "in");
  auto Out = C.out<float>(3, "out", In.Id);
  KILN_CHECK(C.validate());
  KILN_CHECK(C.needLen(Out, In.Len, "in_len"));
  windowApplyF32(W, In.Data, Out.Data, In.Len);
  return Error::success();
}

// fft_c32(in, out, inverse)
static Error fft(GuestCall &C, HostlibState &S) {
  auto In = C.in<const Complex32>(0, "in");
  auto Out = C.out<Complex32>(2, "out", In.Id);
  uint32_t Inverse = C.u32(4);
  KILN_CHECK(C.validate());
  KILN_CHECK(needPow2(C, "in", In.Len, 1));
  KILN_CHECK(C.needLen(Out, In.Len, "in_len"));
  if (Inverse > 1)
    return C.fail("argument 'inverse' is %u, needs 0 or 1", Inverse);
  fftC32(S.Fft, In.Data, Out.Data, In.Len, Inverse == 1);
  return Error::success();
}

// rfft_f32(in, out)
static Error rfft(GuestCall &C, HostlibState &S) {
  auto In = C.in<const float>(0, "in");
  auto Out = C.out<Complex32>(2, "out");
  KILN_CHECK(C.validate());
  KILN_CHECK(needPow2(C, "in", In.Len, 2));
  KILN_CHECK(C.needLen(Out, In.Len / 2 + 1, "in_len / 2 + 1"));
  rfftF32(S.Fft, In.Data, Out.Data, In.Len);
  return Error::success();
}

// irfft_f32(in, out)
static Error irfft(GuestCall &C, HostlibState &S) {
  auto In = C.in<const Complex32>(0, "in");
  auto Out = C.out<float>(2, "out");
  KILN_CHECK(C.validate());
  KILN_CHECK(needPow2(C, "out", Out.Len, 2));
  KILN_CHECK(C.needLen(In, Out.Len / 2 + 1, "out_len / 2 + 1"));
  irfftF32(S.Fft, In.Data, Out.Data, Out.Len);
  return Error::success();
}

// magnitude_c32(in, out) and power_c32(in, out)
template <void (*Kernel)(const float *, float *, uint32_t)>
static Error perBin(GuestCall &C, HostlibState &) {
  auto In = C.in<const Complex32>(0, "in");
  auto Out = C.out<float>(2, "out");
  KILN_CHECK(C.validate());
  KILN_CHECK(C.needLen(Out, In.Len, "in_len"));
  Kernel(In.Data, Out.Data, In.Len);
  return Error::success();
}

// power_spectrum_f32(window, in, out)
static Error powerSpectrum(GuestCall &C, HostlibState &S) {
  Window W = Window::Hann;
  KILN_CHECK(windowKind(C, 0, W));
  auto In = C.in<const float>(1, "in");
  auto Out = C.out<float>(3, "out");
  KILN_CHECK(C.validate());
  KILN_CHECK(needPow2(C, "in", In.Len, 2));
  KILN_CHECK(C.needLen(Out, In.Len / 2 + 1, "in_len / 2 + 1"));
  powerSpectrumF32(S.Fft, W, In.Data, Out.Data, In.Len);
  return Error::success();
}

// <stat>_f32(in) -> f32
template <float (*Kernel)(const float *, uint32_t)>
static Error statistic(GuestCall &C, HostlibState &) {
  auto In = C.in<const float>(0, "in");
  KILN_CHECK(C.validate());
  KILN_CHECK(needAtLeast(C, "in_len", In.Len, 1));
  C.returnF32(Kernel(In.Data, In.Len));
  return Error::success();
}

// zero_crossings_f32(in) -> i32
static Error zeroCrossings(GuestCall &C, HostlibState &) {
  auto In = C.in<const float>(0, "in");
  KILN_CHECK(C.validate());
  C.returnI32(zeroCrossingsF32(In.Data, In.Len));
  return Error::success();
}

// stats_f32(in, out[7]): mean variance rms min max peak_to_peak
// zero_crossings(u32)
static Error stats(GuestCall &C, HostlibState &) {
  auto In = C.in<const float>(0, "in");
  auto Out = C.out<float>(2, "out");
  KILN_CHECK(C.validate());
  KILN_CHECK(needAtLeast(C, "in_len", In.Len, 1));
  KILN_CHECK(C.needLen(Out, 7, "sizeof(kiln_stats) / 4"));
  Stats S = statsF32(In.Data, In.Len);
  static_assert(sizeof(Stats) == 7 * 4);
  std::memcpy(Out.Data, &S, sizeof S);
  return Error::success();
}

static const HostFnDef DspFunctions[] = {
    {"fir_f32", "iiiiiiii", "", fir},
    {"biquad_f32", "iiiiiiii", "", biquad},
    {"moving_average_f32", "iiiiiii", "", movingAverage},
    {"decimate_f32", "iiiiiiiii", "", decimate},
    {"design_lowpass_f32", "fii", "", designLowpass},
    {"window_f32", "iii", "", window},
    {"window_apply_f32", "iiiii", "", windowApply},
    {"fft_c32", "iiiii", "", fft},
    {"rfft_f32", "iiii", "", rfft},
    {"irfft_f32", "iiii", "", irfft},
    {"magnitude_c32", "iiii", "", perBin<magnitudeC32>},
    {"power_c32", "iiii", "", perBin<powerC32>},
    {"power_spectrum_f32", "iiiii", "", powerSpectrum},
    {"mean_f32", "ii", "f", statistic<meanF32>},
    {"variance_f32", "ii", "f", statistic<varianceF32>},
    {"rms_f32", "ii", "f", statistic<rmsF32>},
    {"min_f32", "ii", "f", statistic<minF32>},
    {"max_f32", "ii", "f", statistic<maxF32>},
    {"peak_to_peak_f32", "ii", "f", statistic<peakToPeakF32>},
    {"zero_crossings_f32", "ii", "i", zeroCrossings},
    {"stats_f32", "iiii", "", stats},
};

std::span<const HostFnDef> dspFunctions() { return DspFunctions; }

} // namespace kiln::hostlib
