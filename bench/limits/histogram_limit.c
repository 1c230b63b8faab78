/*===- bench/limits/histogram_limit.c - How fast can a histogram go? ------===*
 * histogram_random.c's increment loop (1,048,576 increments of 65,536 bins
 * at pseudo-random bins) and the rewrites a compiler or a programmer could
 * try on it, natively only. kiln-bench times them as limit/histogram/...:
 * if none beats the plain loop, the kernel runs at the machine's speed, and
 * no engine, Kiln or a peer, can run it faster than native code does.
 *===----------------------------------------------------------------------===*/
#include "../kernels/kernel_common.h"

#define LIMIT_BINS 65536
#define LIMIT_SAMPLES (1 << 20)

void histogram_limit_init(uint16_t *Samples) {
  uint32_t S = 0x4157u; /* histogram_random.c's seed */
  for (int I = 0; I < LIMIT_SAMPLES; ++I)
    Samples[I] = (uint16_t)(kb_next(&S) >> 16);
}

/* The kernel's loop, as clang -O2 compiles it there. */
void histogram_limit_plain(uint32_t *Bins, const uint16_t *Samples) {
  for (int I = 0; I < LIMIT_SAMPLES; ++I)
    ++Bins[Samples[I]];
}

/* Software prefetch, for writing, of the bin Distance samples ahead: what
 * an indirect-prefetch pass (Ainsworth and Jones, CGO 2017) would insert. */
void histogram_limit_prefetch(uint32_t *Bins, const uint16_t *Samples,
                              int Distance) {
  int I = 0;
  for (; I < LIMIT_SAMPLES - Distance; ++I) {
    __builtin_prefetch(&Bins[Samples[I + Distance]], 1, 3);
    ++Bins[Samples[I]];
  }
  for (; I < LIMIT_SAMPLES; ++I)
    ++Bins[Samples[I]];
}

/* Eight samples read before their eight increments, so the loads of the
 * bins can issue together. */
void histogram_limit_batched(uint32_t *Bins, const uint16_t *Samples) {
  for (int I = 0; I < LIMIT_SAMPLES; I += 8) {
    uint32_t B[8];
    for (int J = 0; J < 8; ++J)
      B[J] = Samples[I + J];
    for (int J = 0; J < 8; ++J)
      ++Bins[B[J]];
  }
}
