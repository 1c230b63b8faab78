// sensor_analytics.c - an edge-analytics kernel, compiled to wasm32.
//
// A vibration sensor on a motor delivers 50 ms windows of acceleration
// samples. For each window the module removes the DC offset, low-pass filters
// the signal with a 31-tap FIR, and computes the features a condition monitor
// watches: RMS, peak-to-peak, crest factor, zero-crossing rate, and the count
// of samples beyond 4 sigma of a running baseline (bearing impacts). The
// default input is synthetic but realistic: a 50 Hz rotation with harmonics,
// noise, and periodic impacts that a fault would cause.
//
// No libc: the module is freestanding, exports `analyze` and its result
// buffer, and is deterministic, so every engine must print the same numbers.

#include <stdint.h>

#define SAMPLE_RATE 20000
#define WINDOW 1000 // 50 ms
#define WINDOWS 64
#define TAPS 31

typedef struct {
  float Rms;
  float PeakToPeak;
  float Crest;
  float ZeroCrossRate; // crossings per second
  uint32_t Impacts;
  uint32_t Pad;
} WindowFeatures;

static float Signal[WINDOW * WINDOWS];
static float Filtered[WINDOW];
static float Taps[TAPS];
static WindowFeatures Features[WINDOWS];

static float absf(float X) { return X < 0 ? -X : X; }

static float sqrtf_(float X) { return __builtin_sqrtf(X); }

// A xorshift generator: deterministic "noise" with no libc.
static uint32_t Rng = 0x12345678u;
static float noise(void) {
  Rng ^= Rng << 13;
  Rng ^= Rng >> 17;
  Rng ^= Rng << 5;
  return (float)(Rng & 0xffff) / 32768.0f - 1.0f;
}

// sin via a 7th-order polynomial on [-pi, pi]; good to ~1e-4, plenty here.
static float sinf_(float X) {
  const float Pi = 3.14159265f;
  while (X > Pi)
    X -= 2 * Pi;
  while (X < -Pi)
    X += 2 * Pi;
  float X2 = X * X;
  return X * (1 - X2 / 6 * (1 - X2 / 20 * (1 - X2 / 42)));
}

static void synthesize(void) {
  const float TwoPi = 6.28318531f;
  for (int I = 0; I < WINDOW * WINDOWS; ++I) {
    float T = (float)I / SAMPLE_RATE;
    float Phase = TwoPi * 50.0f * T;
    float V = 0.8f * sinf_(Phase) + 0.25f * sinf_(2 * Phase) +
              0.1f * sinf_(3 * Phase) + 0.05f * noise() + 0.3f; // DC offset
    // A developing bearing fault: impacts every 7.3 ms, growing over time.
    if (I % 146 == 0)
      V += 0.06f * (float)(I / (WINDOW * 8));
    Signal[I] = V;
  }
}

static void designLowPass(void) {
  // Windowed-sinc low-pass at 2 kHz (Hamming window), normalized to unit gain.
  const float Pi = 3.14159265f;
  const float Fc = 2000.0f / SAMPLE_RATE;
  float Sum = 0;
  for (int K = 0; K < TAPS; ++K) {
    int M = K - TAPS / 2;
    float H = M == 0 ? 2 * Fc : sinf_(2 * Pi * Fc * M) / (Pi * M);
    float W = 0.54f - 0.46f * sinf_(2 * Pi * K / (TAPS - 1) + Pi / 2);
    Taps[K] = H * W;
    Sum += Taps[K];
  }
  for (int K = 0; K < TAPS; ++K)
    Taps[K] /= Sum;
}

static void analyzeWindow(const float *X, WindowFeatures *Out, float *Baseline) {
  float Mean = 0;
  for (int I = 0; I < WINDOW; ++I)
    Mean += X[I];
  Mean /= WINDOW;
  for (int I = 0; I < WINDOW; ++I) {
    float Acc = 0;
    for (int K = 0; K < TAPS; ++K) {
      int J = I - K;
      Acc += Taps[K] * (J >= 0 ? X[J] - Mean : 0.0f);
    }
    Filtered[I] = Acc;
  }
  float SumSq = 0, Min = Filtered[0], Max = Filtered[0];
  uint32_t Crossings = 0;
  for (int I = 0; I < WINDOW; ++I) {
    float V = Filtered[I];
    SumSq += V * V;
    Min = V < Min ? V : Min;
    Max = V > Max ? V : Max;
    if (I > 0 && (Filtered[I - 1] < 0) != (V < 0))
      ++Crossings;
  }
  float Rms = sqrtf_(SumSq / WINDOW);
  // Impacts: short spikes the low-pass removed. Count residual samples beyond
  // 5 sigma of the residual noise floor learned while the motor is healthy.
  // The FIR is linear-phase: its output lags the input by TAPS/2 samples.
  const int Delay = TAPS / 2;
  float ResidualSq = 0;
  for (int I = Delay; I < WINDOW; ++I) {
    float R = X[I - Delay] - Mean - Filtered[I];
    ResidualSq += R * R;
  }
  float Floor = sqrtf_(ResidualSq / (WINDOW - Delay));
  if (*Baseline == 0)
    *Baseline = Floor;
  uint32_t Impacts = 0;
  for (int I = Delay; I < WINDOW; ++I)
    if (absf(X[I - Delay] - Mean - Filtered[I]) > 5 * *Baseline)
      ++Impacts;
  if (Impacts == 0) // learn only from quiet windows
    *Baseline = 0.9f * *Baseline + 0.1f * Floor;
  Out->Rms = Rms;
  Out->PeakToPeak = Max - Min;
  Out->Crest = absf(Max) > absf(Min) ? absf(Max) / Rms : absf(Min) / Rms;
  Out->ZeroCrossRate = (float)Crossings * SAMPLE_RATE / WINDOW;
  Out->Impacts = Impacts;
}

// Analyzes every window of the embedded input; returns the number of
// windows whose impact count says "inspect this motor".
__attribute__((export_name("analyze"))) uint32_t analyze(void) {
  synthesize();
  designLowPass();
  float Baseline = 0;
  uint32_t Alarms = 0;
  for (int W = 0; W < WINDOWS; ++W) {
    analyzeWindow(&Signal[W * WINDOW], &Features[W], &Baseline);
    Alarms += Features[W].Impacts >= 4;
  }
  return Alarms;
}

__attribute__((export_name("window_count"))) uint32_t windowCount(void) {
  return WINDOWS;
}

// Where the per-window features are, in linear memory (WindowFeatures[]).
__attribute__((export_name("features"))) const WindowFeatures *features(void) {
  return Features;
}
