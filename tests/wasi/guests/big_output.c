// Writes N lines "line <i>" (i = 0..N-1) to stdout: a large output through
// fd_write and libc's buffering.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  long N = argc > 1 ? atol(argv[1]) : 1000;
  for (long I = 0; I < N; ++I)
    printf("line %ld\n", I);
  return 0;
}
