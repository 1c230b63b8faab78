// bench_kernel.c - the module tests/cli/bench_cli_test.sh measures, compiled
// twice from this one source: to wasm32 (then a .kiln) and natively into a
// shared library, the baseline of `kiln bench --native`.
#include <stdint.h>

#ifdef __wasm__
#define EXPORT(Name) __attribute__((export_name(Name)))
#else
#define EXPORT(Name) __attribute__((visibility("default")))
#endif

static int32_t Seed;

// A --setup export: work() depends on it having run.
EXPORT("init") void init(void) { Seed = 7; }

// A few microseconds of integer work for N = 2000.
EXPORT("work") int32_t work(int32_t N) {
  int32_t Acc = Seed;
  for (int32_t I = 0; I < N; ++I)
    Acc = Acc * 31 + (I ^ (Acc >> 3));
  return Acc;
}

// Same type as work(), another result: a baseline that is not the same
// function, which kiln bench must notice.
EXPORT("negate") int32_t negate(int32_t N) { return -N; }

// Mixed argument classes, in an order that interleaves them: the native
// baseline must pass each where the C calling convention expects it.
EXPORT("mix") double mix(int32_t A, double X, int64_t B, float Y) {
  return A + X * (double)B - Y;
}

// Traps when N >= 0 (unreachable): the run stops and reports the trap.
EXPORT("boom") int32_t boom(int32_t N) {
  if (N >= 0)
    __builtin_trap();
  return N;
}
