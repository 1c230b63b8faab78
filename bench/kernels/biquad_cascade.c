/*===- bench/kernels/biquad_cascade.c - 8-section IIR biquad cascade ------===*
 * Direct form II transposed, 8 second-order sections in series, over 32,768
 * float samples: a serial dependency chain, no vectorization possible.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

#define BQ_SECTIONS 8
#define BQ_SAMPLES 32768

typedef struct {
  float B0, B1, B2, A1, A2;
} Biquad;

static Biquad Sections[BQ_SECTIONS];
static float Input[BQ_SAMPLES];
static float Output[BQ_SAMPLES];

KERNEL_EXPORT(biquad_init) void biquad_init(void) {
  uint32_t S = 0xb1c0ad5u;
  for (int I = 0; I < BQ_SECTIONS; ++I) {
    /* Stable low-pass-like sections: poles well inside the unit circle. */
    float R = 0.5f + 0.05f * (float)I;
    Sections[I].B0 = 0.2f;
    Sections[I].B1 = 0.3f;
    Sections[I].B2 = 0.2f;
    Sections[I].A1 = -R;
    Sections[I].A2 = 0.25f * R * R;
  }
  for (int I = 0; I < BQ_SAMPLES; ++I)
    Input[I] = kb_unit(&S);
}

KERNEL_EXPORT(biquad_run) uint32_t biquad_run(void) {
  float Z1[BQ_SECTIONS] = {0}, Z2[BQ_SECTIONS] = {0};
  for (int N = 0; N < BQ_SAMPLES; ++N) {
    float X = Input[N];
    for (int I = 0; I < BQ_SECTIONS; ++I) {
      const Biquad *Q = &Sections[I];
      float Y = Q->B0 * X + Z1[I];
      Z1[I] = Q->B1 * X - Q->A1 * Y + Z2[I];
      Z2[I] = Q->B2 * X - Q->A2 * Y;
      X = Y;
    }
    Output[N] = X;
  }
  return kb_hash_f32(KB_HASH_INIT, Output, BQ_SAMPLES);
}
