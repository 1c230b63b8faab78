/*===- bench/kernels/nbody_step.c - Gravitational n-body steps (double) ---===*
 * 64 bodies, all-pairs forces with a softening term, 8 leapfrog steps per
 * run in double precision: divisions and square roots.
 *===----------------------------------------------------------------------===*/
#include "kernel_common.h"

#define NB_N 64
#define NB_STEPS 8

typedef struct {
  double X, Y, Z, Vx, Vy, Vz, Mass;
} Body;

static Body Initial[NB_N];
static Body Bodies[NB_N];

KERNEL_EXPORT(nbody_init) void nbody_init(void) {
  uint32_t S = 0xb0d1e5u;
  for (int I = 0; I < NB_N; ++I) {
    Initial[I].X = kb_unit(&S) * 10.0;
    Initial[I].Y = kb_unit(&S) * 10.0;
    Initial[I].Z = kb_unit(&S) * 10.0;
    Initial[I].Vx = kb_unit(&S) * 0.1;
    Initial[I].Vy = kb_unit(&S) * 0.1;
    Initial[I].Vz = kb_unit(&S) * 0.1;
    Initial[I].Mass = 1.0 + kb_unit(&S) * 0.5;
  }
}

KERNEL_EXPORT(nbody_run) uint32_t nbody_run(void) {
  const double Dt = 0.01, Soft = 0.01;
  for (int I = 0; I < NB_N; ++I)
    Bodies[I] = Initial[I];
  for (int Step = 0; Step < NB_STEPS; ++Step) {
    for (int I = 0; I < NB_N; ++I) {
      double Ax = 0, Ay = 0, Az = 0;
      for (int J = 0; J < NB_N; ++J) {
        double Dx = Bodies[J].X - Bodies[I].X;
        double Dy = Bodies[J].Y - Bodies[I].Y;
        double Dz = Bodies[J].Z - Bodies[I].Z;
        double D2 = Dx * Dx + Dy * Dy + Dz * Dz + Soft;
        double Inv = 1.0 / (D2 * __builtin_sqrt(D2));
        double F = Bodies[J].Mass * Inv;
        Ax += Dx * F;
        Ay += Dy * F;
        Az += Dz * F;
      }
      Bodies[I].Vx += Ax * Dt;
      Bodies[I].Vy += Ay * Dt;
      Bodies[I].Vz += Az * Dt;
    }
    for (int I = 0; I < NB_N; ++I) {
      Bodies[I].X += Bodies[I].Vx * Dt;
      Bodies[I].Y += Bodies[I].Vy * Dt;
      Bodies[I].Z += Bodies[I].Vz * Dt;
    }
  }
  uint32_t H = KB_HASH_INIT;
  for (int I = 0; I < NB_N; ++I) {
    uint64_t B = kb_f64_bits(Bodies[I].X) ^ kb_f64_bits(Bodies[I].Vy);
    H = kb_mix(H, (uint32_t)B);
    H = kb_mix(H, (uint32_t)(B >> 32));
  }
  return H;
}
