// exit_code N: exits with status N; exit_code trap: aborts (a Wasm trap);
// exit_code deep: traps three calls deep (for the backtrace).
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void innermost(int X) {
  if (X > 0)
    __builtin_trap();
}
__attribute__((noinline)) void middle(int X) { innermost(X + 1); }
__attribute__((noinline)) void outer(int X) { middle(X + 1); }

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "trap"))
    abort();
  if (argc > 1 && !strcmp(argv[1], "deep"))
    outer(argc);
  exit(argc > 1 ? atoi(argv[1]) : 0);
}
