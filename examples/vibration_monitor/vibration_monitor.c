// vibration_monitor.c - vibration monitoring with kiln:dsp and kiln:nn.
//
// A motor's accelerometer (20 kHz) is cut into 1024-sample windows. For each
// window the module takes a Hann-windowed power spectrum, sums it into 8
// frequency bands, quantizes the log band energies to int8 and classifies
// the window with a small int8 network (8 -> 8 -> 3, TFLite quantization,
// fixed weights below): normal, imbalance (strong 1x rotation line) or
// bearing fault (impacts exciting a high-frequency resonance). The math runs
// as native SIMD code in the host (kiln/dsp.h, kiln/nn.h); the module is
// freestanding C. The synthetic stream holds 16 normal windows, 16 with
// imbalance and 16 with a bearing fault.
//
// The module also has a bug, left in on purpose for the demo: the Newton
// iteration of sqrt_newton() (for the RMS level) ends only when it
// converges, and on a NaN sample it never does. A corrupted sensor frame (the host injects one) therefore makes
// process_window spin forever; the host's deadline stops it, as it would
// stop any runaway module.

#include "kiln/dsp.h"
#include "kiln/nn.h"

#define RATE 20000
#define N 1024
#define BINS (N / 2 + 1)
#define WINDOWS 48
#define BANDS 8
#define HIDDEN 8
#define CLASSES 3

static float Stream[N * WINDOWS];
static float Spectrum[BINS];
static int8_t Features[BANDS], Hidden[HIDDEN], Scores[CLASSES];
static float Level; // RMS of the last window
static uint32_t Result[WINDOWS];

// Band edges in bins (19.5 Hz per bin): 0-60, 60-160, 160-400, 400-1000,
// 1000-2000, 2000-3500, 3500-5500, 5500-10000 Hz.
static const int Edges[BANDS + 1] = {1, 3, 8, 20, 51, 102, 179, 282, 513};

// Layer 1: hidden units read low (0-1), mid (2-4) and high (5-7) bands.
static const int8_t W1[HIDDEN * BANDS] = {
    64, 64, 0, 0, 0, 0, 0, 0,  // low-frequency energy
    0, 0, 0, 0, 0, 64, 64, 64, // high-frequency energy
    0, 0, 48, 48, 48, 0, 0, 0, // mid-band energy
    64, -64, 0, 0, 0, 0, 0, 0, // 1x line above its neighbour band
    0, 0, 0, 0, 0, 0, 64, 0,   // the resonance band alone
    0, 0, 0, 0, 0, 0, 0, 64,   // top band
    32, 32, 32, 32, 32, 32, 32, 32, // total
    0, 0, 0, 0, 64, -64, 0, 0,
};
static const int32_t B1[HIDDEN] = {0, 0, 0, 0, 0, 0, 0, 0};
static const int32_t M1[HIDDEN] = {1 << 30, 1 << 30, 1 << 30, 1 << 30,
                                   1 << 30, 1 << 30, 1 << 30, 1 << 30};
static const int32_t S1[HIDDEN] = {-6, -6, -6, -6, -6, -6, -6, -6};
// ReLU through the activation range: [zero point, 127].
static const kiln_quant_params Q1 = {0, -128, -128, 127};

// Layer 2: scores for normal, imbalance, bearing fault.
static const int8_t W2[CLASSES * HIDDEN] = {
    -40, -40, 0, 0, 0, -40, 0, 0, // normal: little low and high energy
    80, 0, 0, 40, 0, 0, 0, 0,     // imbalance: strong low band
    0, 60, 0, 0, 40, 0, 0, 0,     // bearing: strong high bands
};
static const int32_t B2[CLASSES] = {2600, -5000, -2900};
static const int32_t M2[CLASSES] = {1 << 30, 1 << 30, 1 << 30};
static const int32_t S2[CLASSES] = {-6, -6, -6};
static const kiln_quant_params Q2 = {-128, 0, -128, 127};

static uint32_t Rng = 0x2545f491u;
static float noise(void) {
  Rng ^= Rng << 13;
  Rng ^= Rng >> 17;
  Rng ^= Rng << 5;
  return (float)(Rng & 0xffff) / 32768.0f - 1.0f;
}

static float sin2pi(float T) { // sin(2*pi*T), polynomial, |error| < 1e-3
  T -= (float)(int)T;
  if (T < 0)
    T += 1;
  float X = T < 0.5f ? T : T - 1.0f; // [-0.5, 0.5)
  float Y = 6.2831853f * X, Y2 = Y * Y;
  return Y * (1 - Y2 / 6 * (1 - Y2 / 20 * (1 - Y2 / 42 * (1 - Y2 / 72))));
}

static void synthesize(void) {
  const float Rot = 49.7f; // Hz
  for (int I = 0; I < N * WINDOWS; ++I) {
    int W = I / N;
    float T = (float)I / RATE;
    float Imb = W >= 16 && W < 32 ? 2.5f : 0.3f;
    float X = Imb * sin2pi(Rot * T) + 0.2f * sin2pi(2 * Rot * T) +
              0.08f * sin2pi(150.0f * T) + 0.05f * noise();
    if (W >= 32) { // bearing fault: impacts at 7.3x rotation ring at 4.2 kHz
      float Period = RATE / (7.3f * Rot);
      float Since = (float)I - Period * (float)(int)((float)I / Period);
      X += 1.2f * sin2pi(4200.0f * T) * (Since < 40 ? 1.0f - Since / 40 : 0);
    }
    Stream[I] = X;
  }
}

// log2 from the float's exponent and a linear mantissa: plenty for features.
static float log2f_(float X) {
  union {
    float F;
    uint32_t U;
  } V = {X};
  return (float)((int)((V.U >> 23) & 255) - 127) +
         (float)(V.U & 0x7fffff) / 8388608.0f;
}

// sqrt by Newton's method: the module is freestanding (no libm). The guard
// covers 0, whose iteration would halve towards 0 forever, but not NaN:
// `!(X > 0)` was the check needed. With a NaN, Next is NaN, no comparison
// is true, and the loop never ends (the bug the demo's deadline catches).
static float sqrt_newton(float X) {
  if (X == 0)
    return 0;
  float Y = X > 1 ? X : 1;
  int Converged = 0;
  while (!Converged) {
    float Next = 0.5f * (Y + X / Y);
    Converged = __builtin_fabsf(Next - Y) <= 1e-6f * Next;
    Y = Next;
  }
  return Y;
}

// Overall vibration level (ISO 10816 rates machines by it).
static float rms(const float *Window) {
  float Sum = 0;
  for (int I = 0; I < N; ++I)
    Sum += Window[I] * Window[I];
  return sqrt_newton(Sum / N);
}

static void features(const float *Window) {
  kiln_power_spectrum_f32(KILN_WINDOW_HANN, Window, N, Spectrum, BINS);
  for (int B = 0; B < BANDS; ++B) {
    float E = 1e-12f;
    for (int K = Edges[B]; K < Edges[B + 1]; ++K)
      E += Spectrum[K];
    // int8 feature: 6 steps per octave of energy, 0 at 2^4.
    float Q = (log2f_(E) - 4.0f) * 6.0f;
    Features[B] = (int8_t)(Q < -128 ? -128 : Q > 127 ? 127 : (int)Q);
  }
}

static uint32_t classify(void) {
  kiln_dense_i8(Features, BANDS, W1, HIDDEN * BANDS, B1, HIDDEN, &Q1,
                KILN_QUANT_PARAMS_LEN, M1, HIDDEN, S1, HIDDEN, Hidden, HIDDEN,
                1, BANDS, HIDDEN);
  kiln_dense_i8(Hidden, HIDDEN, W2, CLASSES * HIDDEN, B2, CLASSES, &Q2,
                KILN_QUANT_PARAMS_LEN, M2, CLASSES, S2, CLASSES, Scores,
                CLASSES, 1, HIDDEN, CLASSES);
  uint32_t Best = 0;
  for (uint32_t C = 1; C < CLASSES; ++C)
    if (Scores[C] > Scores[Best])
      Best = C;
  return Best;
}

__attribute__((export_name("init"))) uint32_t init(void) {
  synthesize();
  return WINDOWS;
}

// Processes window W; returns its class (0 normal, 1 imbalance, 2 bearing).
__attribute__((export_name("process_window"))) uint32_t process_window(uint32_t W) {
  if (W >= WINDOWS)
    __builtin_trap();
  Level = rms(Stream + W * N);
  features(Stream + W * N);
  Result[W] = classify();
  return Result[W];
}

// The last window's features, scores and level, for the host to print.
__attribute__((export_name("features"))) int8_t *features_ptr(void) { return Features; }
__attribute__((export_name("scores"))) int8_t *scores_ptr(void) { return Scores; }
__attribute__((export_name("level"))) float *level_ptr(void) { return &Level; }

// Window W's samples, where the sensor's frames land: the host writes into
// them to replay a corrupted frame.
__attribute__((export_name("window"))) float *window_ptr(uint32_t W) {
  return W < WINDOWS ? Stream + W * N : 0;
}
