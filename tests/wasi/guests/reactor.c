// A WASI reactor: _initialize runs the constructor, then exports are called
// with `kiln run --invoke`.
#include <stdio.h>

static int Base;

__attribute__((constructor)) static void init(void) { Base = 100; }

__attribute__((export_name("add"))) int add(int A, int B) {
  printf("add called\n");
  fflush(stdout);
  return Base + A + B;
}
