/*===- bench/kernels/histogram_random.c - Random-access histogram ---------===*
 * 1,048,576 increments of a 65,536-bin (256 KiB) histogram at pseudo-random
 * bins: dominated by loads and stores at unpredictable addresses, which is
 * where per-access bounds checks cost the most.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

#define HIST_BINS 65536
#define HIST_SAMPLES (1 << 20)

static uint32_t Bins[HIST_BINS];
static uint16_t Samples[HIST_SAMPLES];

KERNEL_EXPORT(histogram_init) void histogram_init(void) {
  uint32_t S = 0x4157u;
  for (int I = 0; I < HIST_SAMPLES; ++I)
    Samples[I] = (uint16_t)(kb_next(&S) >> 16);
}

KERNEL_EXPORT(histogram_run) uint32_t histogram_run(void) {
  for (int I = 0; I < HIST_BINS; ++I)
    Bins[I] = 0;
  for (int I = 0; I < HIST_SAMPLES; ++I)
    ++Bins[Samples[I]];
  uint32_t H = KB_HASH_INIT, Max = 0;
  for (int I = 0; I < HIST_BINS; I += 16)
    H = kb_mix(H, Bins[I]);
  for (int I = 0; I < HIST_BINS; ++I)
    Max = Bins[I] > Max ? Bins[I] : Max;
  return kb_mix(H, Max);
}
