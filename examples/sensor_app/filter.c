// filter.c - module "filter" of the sensor app: windowed FIR features.
//
// The sensor pushes samples into a ring of the last 256. Every 64 pushes
// the latest window is filtered by a 31-tap FIR (kiln:dsp fir_f32, taps in
// filter_taps.h) that keeps the bearing resonance and drops the running
// lines, and four features are updated: RMS of the filtered window, its
// peak absolute value, the crest factor (peak / RMS, 0 when RMS is 0) and
// the energy ratio of the filtered vs the unfiltered window. The ring
// starts as zeros, so the first three windows are partly silence.
//
// Imports: kiln:dsp fir_f32, stats_f32, rms_f32.
// Exports: memory, push(f32), feature(i32) -> f32, feature_count() -> i32,
// windows() -> i64, version() -> i32, health() -> i32, and the state
// hand-over convention of hot updates: kiln_state_area() -> i32,
// kiln_state_save() -> i32, kiln_state_restore(i32) -> i32.
//
// One source, four builds (-D flags, see CMakeLists.txt):
//   FILTER_VERSION=N        what version() returns;
//   FILTER_BANDPASS         band-pass taps instead of high-pass;
//   FILTER_TRAP_IN_HEALTH   health() traps (unreachable);
//   FILTER_SLOW_PUSH        push() first spins ~50 M iterations (about
//                           0.1 s on x86-64), so it misses a 1 ms deadline.

#include "filter_taps.h"
#include "kiln/dsp.h"

#ifndef FILTER_VERSION
#define FILTER_VERSION 1
#endif

#define RING 256
#define WINDOW_EVERY 64
#define FEATURES 4
// The FIR's delay line is the window's first FIR_TAPS - 1 samples, so the
// filtered part has no start-up transient.
#define DELAY (FIR_TAPS - 1)
#define FILTERED (RING - DELAY)

#define STATE_MAGIC 0x544c464bu // "KFLT"
#define STATE_LAYOUT 1u

// Everything that must survive a hot update, in one block that the
// supervisor copies from the old instance's memory to the new one's. Bump
// STATE_LAYOUT whenever this layout changes.
struct FilterState {
  uint32_t Magic;
  uint32_t Layout;
  uint32_t WriteIndex; // next slot of Ring to write: the oldest sample
  uint32_t Reserved;
  uint64_t Pushes;
  uint64_t Windows;
  float Features[FEATURES];
  float Ring[RING];
};
_Static_assert(sizeof(struct FilterState) == 1072,
               "the hand-over layout changed: bump STATE_LAYOUT");

static struct FilterState State = {.Magic = STATE_MAGIC,
                                   .Layout = STATE_LAYOUT};

// Scratch of one window computation, rebuilt from State every time.
static float Window[RING];
static float Filtered[FILTERED];

static void computeFeatures(void) {
  for (uint32_t I = 0; I < RING; ++I)
    Window[I] = State.Ring[(State.WriteIndex + I) % RING];
  kiln_fir_f32(Taps, FIR_TAPS, Window, DELAY, Window + DELAY, FILTERED,
               Filtered, FILTERED);

  kiln_stats Stats;
  kiln_stats_f32(Filtered, FILTERED, &Stats, sizeof(Stats) / 4);
  float Rms = Stats.rms;
  float Peak = Stats.max > -Stats.min ? Stats.max : -Stats.min;
  float RawRms = kiln_rms_f32(Window + DELAY, FILTERED);

  State.Features[0] = Rms;
  State.Features[1] = Peak;
  State.Features[2] = Rms > 0 ? Peak / Rms : 0;
  State.Features[3] = RawRms > 0 ? (Rms * Rms) / (RawRms * RawRms) : 0;
  ++State.Windows;
}

#ifdef FILTER_SLOW_PUSH
// ~50 M steps of a xorshift chain (tens of milliseconds). Not a plain
// volatile counter: Wasm has no volatile, so kiln's optimizer may fold a
// counting loop to its final value, and it does. Nothing folds this chain,
// and its result goes to memory the host can read, so the loop stays.
static volatile uint32_t SpinResult;
static void spin(void) {
  uint32_t X = 2463534242u;
  for (uint32_t I = 0; I < 50000000u; ++I) {
    X ^= X << 13;
    X ^= X >> 17;
    X ^= X << 5;
  }
  SpinResult = X;
}
#endif

__attribute__((export_name("push"))) void push(float X) {
#ifdef FILTER_SLOW_PUSH
  spin();
#endif
  State.Ring[State.WriteIndex] = X;
  State.WriteIndex = (State.WriteIndex + 1) % RING;
  if (++State.Pushes % WINDOW_EVERY == 0)
    computeFeatures();
}

__attribute__((export_name("feature"))) float feature(int32_t I) {
  return I >= 0 && I < FEATURES ? State.Features[I] : 0;
}

__attribute__((export_name("feature_count"))) int32_t feature_count(void) {
  return FEATURES;
}

__attribute__((export_name("windows"))) uint64_t windows(void) {
  return State.Windows;
}

__attribute__((export_name("version"))) int32_t version(void) {
  return FILTER_VERSION;
}

// 0 when ok; 1 if the state block is damaged, 2 if a feature is not finite.
__attribute__((export_name("health"))) int32_t health(void) {
#ifdef FILTER_TRAP_IN_HEALTH
  __builtin_trap();
#else
  if (State.Magic != STATE_MAGIC || State.WriteIndex >= RING)
    return 1;
  for (int I = 0; I < FEATURES; ++I)
    if (!(State.Features[I] >= 0 && State.Features[I] < 1e30f))
      return 2;
  return 0;
#endif
}

// Hot update: the supervisor calls kiln_state_save() on the old instance,
// copies that many bytes from its kiln_state_area() to the new instance's,
// then calls kiln_state_restore(len) on the new one.
__attribute__((export_name("kiln_state_area"))) int32_t kiln_state_area(void) {
  return (int32_t)(uintptr_t)&State;
}

// The state block is always current (every push updates it in place).
__attribute__((export_name("kiln_state_save"))) int32_t kiln_state_save(void) {
  return (int32_t)sizeof(State);
}

static void resetState(void) {
  State.Magic = STATE_MAGIC;
  State.Layout = STATE_LAYOUT;
  State.WriteIndex = 0;
  State.Reserved = 0;
  State.Pushes = 0;
  State.Windows = 0;
  for (int I = 0; I < FEATURES; ++I)
    State.Features[I] = 0;
  for (int I = 0; I < RING; ++I)
    State.Ring[I] = 0;
}

// 0: accepted. Refused (and this instance starts afresh): 1 wrong length,
// 2 not a filter state, 3 another layout, 4 inconsistent write index.
__attribute__((export_name("kiln_state_restore"))) int32_t
kiln_state_restore(int32_t Len) {
  int32_t Refusal = 0;
  if (Len != (int32_t)sizeof(State))
    Refusal = 1;
  else if (State.Magic != STATE_MAGIC)
    Refusal = 2;
  else if (State.Layout != STATE_LAYOUT)
    Refusal = 3;
  else if (State.WriteIndex >= RING)
    Refusal = 4;
  if (Refusal)
    resetState();
  return Refusal;
}
