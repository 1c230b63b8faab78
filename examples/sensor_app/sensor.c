// sensor.c - module "sensor" of the sensor app: a simulated accelerometer.
//
// Each tick produces the next sample of a deterministic 1 kHz signal and
// hands it to the filter module. The signal is a motor's vibration: the
// rotation line (29.5 Hz) and a blade-pass line (87 Hz), plus small noise
// from an LCG. From sample 3000 on, a bearing fault adds impacts (one every
// 32 samples) that ring a 320 Hz resonance for 12 samples: energy above
// 200 Hz that the healthy machine does not have.
//
// Imports: filter.push(f32).
// Exports: memory, tick(), samples() -> i64, health() -> i32 (0 when ok).

#include <stdint.h>

#define FAULT_START 3000
#define IMPACT_PERIOD 32
#define RING_SAMPLES 12

__attribute__((import_module("filter"), import_name("push"))) void
filter_push(float Sample);

// Phase step of a sine at `Hz` for a 1 kHz sample rate: the phase is a
// 32-bit fraction of a turn, so it wraps exactly and never drifts.
#define PHASE_STEP(Hz) ((uint32_t)((Hz) / 1000.0 * 4294967296.0))

static uint32_t RotationPhase, BladePassPhase, ResonancePhase;
static uint32_t NoiseState = 12345u;
static uint64_t SampleCount;
static float LastSample;

// sin(2*pi*Phase/2^32) without libm: the phase is folded onto a quarter
// turn either side of 0 (sin(pi - y) = sin(y)), where the Taylor series to
// y^9 is within 4e-6.
static float sinTurn(uint32_t Phase) {
  int32_t P = (int32_t)Phase;
  if (P > (1 << 30) || P < -(1 << 30))
    P = (int32_t)(0x80000000u - Phase);
  float Y = 6.28318531f * ((float)P * 2.32830644e-10f);
  float Y2 = Y * Y;
  return Y * (1 - Y2 / 6 * (1 - Y2 / 20 * (1 - Y2 / 42 * (1 - Y2 / 72))));
}

// Uniform in [-1, 1) from the Numerical Recipes LCG.
static float noise(void) {
  NoiseState = NoiseState * 1664525u + 1013904223u;
  return (float)(int32_t)NoiseState * 4.65661287e-10f;
}

static float bearingFault(uint64_t N) {
  uint32_t Since = (uint32_t)((N - FAULT_START) % IMPACT_PERIOD);
  if (Since >= RING_SAMPLES)
    return 0;
  float Decay = 1.0f - (float)Since / RING_SAMPLES;
  return 0.9f * Decay * sinTurn(ResonancePhase);
}

static float nextSample(void) {
  float X = 1.0f * sinTurn(RotationPhase) + 0.35f * sinTurn(BladePassPhase) +
            0.05f * noise();
  if (SampleCount >= FAULT_START)
    X += bearingFault(SampleCount);
  RotationPhase += PHASE_STEP(29.5);
  BladePassPhase += PHASE_STEP(87.0);
  ResonancePhase += PHASE_STEP(320.0);
  return X;
}

__attribute__((export_name("tick"))) void tick(void) {
  LastSample = nextSample();
  ++SampleCount;
  filter_push(LastSample);
}

__attribute__((export_name("samples"))) uint64_t samples(void) {
  return SampleCount;
}

// 1 if the last sample is not a finite value in the sensor's range.
__attribute__((export_name("health"))) int32_t health(void) {
  return LastSample >= -8.0f && LastSample <= 8.0f ? 0 : 1;
}
