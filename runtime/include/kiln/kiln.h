/*===- kiln/kiln.h - The C embedding API ----------------------------------===*
 *
 * A small C interface over kiln/runtime.h, for firmware written in C:
 *
 *   char err[256];
 *   kiln_module *m = kiln_module_load(bytes, len, err, sizeof err);
 *   kiln_linker *l = kiln_linker_new();
 *   kiln_linker_define_func(l, "env", "log", params, 1, NULL, 0, log_cb, env);
 *   kiln_instance *i = kiln_linker_instantiate(l, m, err, sizeof err);
 *   kiln_val arg = {KILN_I32, {.i32 = 7}}, res;
 *   kiln_trap trap;
 *   if (kiln_call(i, "run", &arg, 1, &res, 1, &trap, err, sizeof err) == KILN_TRAPPED)
 *     printf("trap %d in function %u: %s\n", trap.code, trap.func_index, err);
 *
 * Every function that can fail writes a NUL-terminated message into `err`
 * (truncated to `err_len`); no function aborts on bad input.
 *
 *===----------------------------------------------------------------------===*/
#ifndef KILN_KILN_H
#define KILN_KILN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kiln_module kiln_module;
typedef struct kiln_linker kiln_linker;
typedef struct kiln_instance kiln_instance;

/* Value kinds use the Wasm binary encoding. */
typedef enum {
  KILN_I32 = 0x7f,
  KILN_I64 = 0x7e,
  KILN_F32 = 0x7d,
  KILN_F64 = 0x7c,
} kiln_valkind;

typedef struct {
  uint8_t kind; /* kiln_valkind */
  union {
    uint32_t i32;
    uint64_t i64;
    float f32;
    double f64;
  } of;
} kiln_val;

typedef struct {
  uint32_t code;       /* kiln/traps.def code (0: no trap) */
  uint32_t func_index; /* Wasm function index, or UINT32_MAX if unknown */
} kiln_trap;

typedef enum { KILN_OK = 0, KILN_TRAPPED = 1, KILN_ERROR = 2 } kiln_status;

/* A host function: reads args, writes results; returns 0, or non-zero to
 * make the calling guest trap with "host function error". */
typedef int (*kiln_host_fn)(void *env, const kiln_val *args,
                            kiln_val *results);

kiln_module *kiln_module_load(const uint8_t *bytes, size_t len, char *err,
                              size_t err_len);
/* The same, loading only an artifact signed (kiln sign) by one of the
 * n_keys Ed25519 public keys in `keys`, 32 bytes each: checked before
 * anything else of the file. Unsigned, foreign-key and changed artifacts
 * are refused, each with its own message. n_keys 0: as kiln_module_load. */
kiln_module *kiln_module_load_trusted(const uint8_t *bytes, size_t len,
                                      const uint8_t (*keys)[32], size_t n_keys,
                                      char *err, size_t err_len);
void kiln_module_free(kiln_module *m);

kiln_linker *kiln_linker_new(void);
void kiln_linker_free(kiln_linker *l);
/* params/results: arrays of kiln_valkind. */
void kiln_linker_define_func(kiln_linker *l, const char *module,
                             const char *field, const uint8_t *params,
                             size_t n_params, const uint8_t *results,
                             size_t n_results, kiln_host_fn fn, void *env);
kiln_instance *kiln_linker_instantiate(kiln_linker *l, kiln_module *m,
                                       char *err, size_t err_len);

/* What the instances of one linker may hold together (kiln/limits.h). An
 * instantiation over a limit fails before allocating anything, its message
 * naming the limit and the amount asked; a memory.grow or table.grow over
 * a limit returns -1 to the guest. A linker starts with the defaults. */
#define KILN_UNLIMITED UINT64_MAX
typedef struct {
  uint64_t max_memory_bytes;         /* one linear memory */
  uint64_t max_total_memory_bytes;   /* all linear memories */
  uint64_t max_table_elements;       /* one table */
  uint64_t max_total_table_elements; /* all tables */
  uint64_t max_instances;            /* alive at once */
  uint64_t max_tables;
  uint64_t max_memories;
} kiln_limits;

/* The defaults: half the machine's RAM for all memories, 10,000,000 table
 * elements per table and in total, 10,000 instances, tables, memories. */
void kiln_limits_default(kiln_limits *out);
void kiln_linker_set_limits(kiln_linker *l, const kiln_limits *limits);
void kiln_instance_free(kiln_instance *i);

/* Calls an exported function. Counts and kinds must match its signature. */
kiln_status kiln_call(kiln_instance *i, const char *name, const kiln_val *args,
                      size_t n_args, kiln_val *results, size_t n_results,
                      kiln_trap *trap, char *err, size_t err_len);

/* The same, stopped with the Interrupted trap (code 12) once it has run
 * budget_ns nanoseconds (0: the instance's default deadline). */
kiln_status kiln_call_with_deadline(kiln_instance *i, const char *name,
                                    const kiln_val *args, size_t n_args,
                                    kiln_val *results, size_t n_results,
                                    uint64_t budget_ns, kiln_trap *trap,
                                    char *err, size_t err_len);

/* Every later call into i that is not given a deadline stops after
 * budget_ns nanoseconds (0: no deadline). KILN_ERROR if some code the
 * instance runs was compiled with --no-interrupt. */
kiln_status kiln_instance_set_deadline(kiln_instance *i, uint64_t budget_ns,
                                       char *err, size_t err_len);

/* Stops the call running in i (or the next one). Any thread, any time. */
void kiln_instance_interrupt(kiln_instance *i);

/* One tick of the process-wide epoch (kiln/interrupt.h): lock-free, safe
 * in a timer interrupt or signal handler. */
void kiln_epoch_increment(void);

/* An exported memory's data and size in bytes, or NULL. */
uint8_t *kiln_memory(kiln_instance *i, const char *name, uint64_t *size);

#ifdef __cplusplus
}
#endif

#endif /* KILN_KILN_H */
