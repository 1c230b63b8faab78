/*===- bench/kernels/kernel_common.h - Shared by every benchmark kernel ---===*
 *
 * Every kernel is plain C compiled twice from the same source: natively
 * (clang-19 -O2, linked into kiln-bench) and to wasm32 (clang-19 -O2, then
 * `kiln compile`). A kernel NAME provides
 *
 *   void NAME_init(void);      builds its fixed input (deterministic)
 *   uint32_t NAME_run(void);   one run over that input; returns a checksum
 *
 * NAME_run is idempotent: every call starts from the same input and returns
 * the same checksum, which must be identical natively and in Wasm. No libc:
 * the helpers below replace what the kernels need.
 *
 *===----------------------------------------------------------------------===*/
#ifndef KILN_BENCH_KERNEL_COMMON_H
#define KILN_BENCH_KERNEL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __wasm__
#define KERNEL_EXPORT(Name) __attribute__((export_name(#Name)))
#else
#define KERNEL_EXPORT(Name)
#endif

/* A small deterministic generator (xorshift32); never returns 0. */
static inline uint32_t kb_next(uint32_t *State) {
  uint32_t X = *State;
  X ^= X << 13;
  X ^= X >> 17;
  X ^= X << 5;
  *State = X;
  return X;
}

/* Uniform in [-1, 1). Exact in both float and double. */
static inline float kb_unit(uint32_t *State) {
  return (float)(int32_t)(kb_next(State) >> 8) * (1.0f / 8388608.0f) - 1.0f;
}

/* A word-at-a-time FNV-style hash step. */
static inline uint32_t kb_mix(uint32_t H, uint32_t V) {
  H = (H ^ V) * 16777619u;
  return H ^ (H >> 15);
}
#define KB_HASH_INIT 2166136261u

static inline uint32_t kb_f32_bits(float F) {
  union {
    float F;
    uint32_t U;
  } C;
  C.F = F;
  return C.U;
}

static inline uint64_t kb_f64_bits(double D) {
  union {
    double D;
    uint64_t U;
  } C;
  C.D = D;
  return C.U;
}

static inline uint32_t kb_hash_f32(uint32_t H, const float *P, size_t N) {
  for (size_t I = 0; I < N; ++I)
    H = kb_mix(H, kb_f32_bits(P[I]));
  return H;
}

#endif
