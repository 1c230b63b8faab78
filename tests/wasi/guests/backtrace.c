// backtrace div|oob|recurse N: the traps a backtrace must describe, built
// with -O2 -g (issue 24). clang inlines freely at -O2, so the three levels
// of each chain may share one Wasm function; the module's DWARF still
// names every one of them with its file:line.
//   div      an integer division by zero three calls deep
//   oob      an out-of-bounds load three calls deep (guard mode: a fault)
//   recurse  N nested calls that cannot be inlined, then a trap
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int share(int Total, int Parts) {
  return Total / Parts; // the division that traps
}

static int average(const int *Values, int N, int Parts) {
  int Sum = 0;
  for (int I = 0; I < N; ++I)
    Sum += Values[I];
  return share(Sum, Parts);
}

static int report(int Parts) {
  int Values[4] = {3, 5, 8, 13};
  return average(Values, 4, Parts);
}

static int peek(const volatile int *P) {
  return *P; // the load that faults
}

static int sample(uint32_t Address) {
  return peek((const volatile int *)(uintptr_t)Address) + 1;
}

static int probe(int Scale) { return sample(0x7ff00000u * (uint32_t)Scale); }

// The store after the call keeps it a real call (no tail-call or
// accumulator rewrite into a loop, by clang or by Kiln's LLVM).
volatile int Sink;
__attribute__((noinline)) int recurse(int Depth) {
  if (Depth == 0)
    __builtin_trap();
  int R = recurse(Depth - 1);
  Sink = R;
  return R * 3 + Depth;
}

int main(int argc, char **argv) {
  const char *Mode = argc > 1 ? argv[1] : "";
  // argc - 2 is 0 for "div" and "oob": a value the compiler cannot see.
  if (!strcmp(Mode, "div"))
    printf("%d\n", report(argc - 2));
  else if (!strcmp(Mode, "oob"))
    printf("%d\n", probe(argc - 1));
  else if (!strcmp(Mode, "recurse"))
    printf("%d\n", recurse(argc > 2 ? atoi(argv[2]) : 100));
  return 0;
}
