/* capi_smoke.c - the C API from C: load, link a host function, call, trap.
 *   kiln-capi-smoke TRAP_STORM_ARTIFACT.kiln
 * Uses the trap-storm module: host.fail is provided from C, "healthy"
 * returns N + 42, "div_by_zero" traps. */
#include "kiln/kiln.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int calls;

static int hostFail(void *env, const kiln_val *args, kiln_val *results) {
  (void)env, (void)args, (void)results;
  ++calls;
  return 1; /* make the guest trap */
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f)
    return 2;
  static uint8_t buf[1 << 20];
  size_t len = fread(buf, 1, sizeof buf, f);
  fclose(f);

  char err[256];
  kiln_module *m = kiln_module_load(buf, len, err, sizeof err);
  if (!m) {
    fprintf(stderr, "load: %s\n", err);
    return 1;
  }
  /* With a trusted key, the unsigned artifact is refused, and says why. */
  static const uint8_t key[1][32] = {{1, 2, 3}};
  if (kiln_module_load_trusted(buf, len, key, 1, err, sizeof err) ||
      !strstr(err, "not signed")) {
    fprintf(stderr, "an unsigned artifact loaded under a trusted key: %s\n",
            err);
    return 1;
  }
  kiln_module_free(kiln_module_load_trusted(buf, len, NULL, 0, err, sizeof err));

  kiln_linker *l = kiln_linker_new();
  kiln_linker_define_func(l, "host", "fail", NULL, 0, NULL, 0, hostFail, NULL);
  kiln_instance *i = kiln_linker_instantiate(l, m, err, sizeof err);
  if (!i) {
    fprintf(stderr, "instantiate: %s\n", err);
    return 1;
  }
  kiln_val arg = {KILN_I32, {.i32 = 8}}, res;
  kiln_trap trap;
  int failures = 0;
  if (kiln_call(i, "healthy", &arg, 1, &res, 1, &trap, err, sizeof err) !=
          KILN_OK ||
      res.of.i32 != 50) {
    fprintf(stderr, "healthy: %s\n", err);
    ++failures;
  }
  arg.of.i32 = 0;
  if (kiln_call(i, "div_by_zero", &arg, 1, &res, 1, &trap, err, sizeof err) !=
          KILN_TRAPPED ||
      trap.code != 4 /* IntegerDivideByZero */) {
    fprintf(stderr, "div_by_zero did not trap as expected: %s\n", err);
    ++failures;
  }
  if (kiln_call(i, "host_error", NULL, 0, NULL, 0, &trap, err, sizeof err) !=
          KILN_TRAPPED ||
      calls != 1) {
    fprintf(stderr, "host_error: %s\n", err);
    ++failures;
  }
  if (kiln_call(i, "no_such_export", NULL, 0, NULL, 0, &trap, err,
                sizeof err) != KILN_ERROR) {
    fprintf(stderr, "calling a missing export did not fail\n");
    ++failures;
  }
  uint64_t size = 0;
  if (!kiln_memory(i, "memory", &size) && size != 0)
    ++failures;
  kiln_instance_free(i);
  kiln_linker_free(l);
  kiln_module_free(m);
  printf("%s\n", failures ? "C API smoke test FAILED" : "C API smoke test ok");
  return failures != 0;
}
