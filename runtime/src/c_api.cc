//===- runtime/src/c_api.cc - The C embedding API -------------------------===//
//
// kiln/kiln.h over kiln/runtime.h. Only the public C++ API is used here, so
// the C API cannot reach anything the C++ API does not allow.
//
//===----------------------------------------------------------------------===//

#include "kiln/kiln.h"

#include "kiln/runtime.h"

#include <cstring>
#include <new>

using namespace kiln;

struct kiln_module {
  std::shared_ptr<Module> M;
};
struct kiln_linker {
  Linker L;
};
struct kiln_instance {
  std::unique_ptr<Instance> I;
};

static void setError(char *Err, size_t Len, const std::string &Msg) {
  if (!Err || Len == 0)
    return;
  size_t N = Msg.size() < Len - 1 ? Msg.size() : Len - 1;
  std::memcpy(Err, Msg.data(), N);
  Err[N] = '\0';
}

static bool toValue(const kiln_val &C, Value &Out) {
  switch (C.kind) {
  case KILN_I32:
    Out = Value::i32(C.of.i32);
    return true;
  case KILN_I64:
    Out = Value::i64(C.of.i64);
    return true;
  case KILN_F32: {
    uint32_t B;
    std::memcpy(&B, &C.of.f32, 4);
    Out = Value::f32Bits(B);
    return true;
  }
  case KILN_F64: {
    uint64_t B;
    std::memcpy(&B, &C.of.f64, 8);
    Out = Value::f64Bits(B);
    return true;
  }
  default:
    return false;
  }
}

static bool fromValue(const Value &V, kiln_val &Out) {
  switch (V.Type) {
  case ValType::I32:
    Out.kind = KILN_I32;
    Out.of.i32 = V.i32();
    return true;
  case ValType::I64:
    Out.kind = KILN_I64;
    Out.of.i64 = V.i64();
    return true;
  case ValType::F32: {
    Out.kind = KILN_F32;
    uint32_t B = V.f32Bits();
    std::memcpy(&Out.of.f32, &B, 4);
    return true;
  }
  case ValType::F64: {
    Out.kind = KILN_F64;
    uint64_t B = V.f64Bits();
    std::memcpy(&Out.of.f64, &B, 8);
    return true;
  }
  default:
    return false; // v128 and references have no C representation here
  }
}

extern "C" {

kiln_module *kiln_module_load(const uint8_t *Bytes, size_t Len, char *Err,
                              size_t ErrLen) {
  if (!Bytes && Len) {
    setError(Err, ErrLen, "null artifact bytes");
    return nullptr;
  }
  Expected<std::shared_ptr<Module>> M = Module::load({Bytes, Len});
  if (!M) {
    setError(Err, ErrLen, M.takeError().str());
    return nullptr;
  }
  return new (std::nothrow) kiln_module{std::move(*M)};
}

kiln_module *kiln_module_load_trusted(const uint8_t *Bytes, size_t Len,
                                      const uint8_t (*Keys)[32], size_t NKeys,
                                      char *Err, size_t ErrLen) {
  if ((!Bytes && Len) || (!Keys && NKeys)) {
    setError(Err, ErrLen, !Keys && NKeys ? "null keys" : "null artifact bytes");
    return nullptr;
  }
  LoadOptions Opts;
  for (size_t I = 0; I < NKeys; ++I) {
    std::array<uint8_t, 32> K;
    std::memcpy(K.data(), Keys[I], K.size());
    Opts.TrustedKeys.push_back(K);
  }
  Expected<std::shared_ptr<Module>> M = Module::load({Bytes, Len}, Opts);
  if (!M) {
    setError(Err, ErrLen, M.takeError().str());
    return nullptr;
  }
  return new (std::nothrow) kiln_module{std::move(*M)};
}

void kiln_module_free(kiln_module *M) { delete M; }

kiln_linker *kiln_linker_new(void) { return new (std::nothrow) kiln_linker; }

void kiln_linker_free(kiln_linker *L) { delete L; }

void kiln_linker_define_func(kiln_linker *L, const char *Module,
                             const char *Field, const uint8_t *Params,
                             size_t NParams, const uint8_t *Results,
                             size_t NResults, kiln_host_fn Fn, void *Env) {
  if (!L || !Module || !Field || !Fn)
    return;
  FuncSig Sig;
  for (size_t K = 0; K < NParams; ++K)
    Sig.Params.push_back(ValType(Params[K]));
  for (size_t K = 0; K < NResults; ++K)
    Sig.Results.push_back(ValType(Results[K]));
  L->L.defineFunc(Module, Field, Sig,
                  [Fn, Env](std::span<const Value> Args,
                            std::span<Value> Res) -> Error {
                    kiln_val CArgs[16], CRes[16];
                    if (Args.size() > 16 || Res.size() > 16)
                      return Error::make(ErrorKind::Usage,
                                         "the C API passes at most 16 values");
                    for (size_t K = 0; K < Args.size(); ++K)
                      if (!fromValue(Args[K], CArgs[K]))
                        return Error::make(ErrorKind::Usage,
                                           "value type not in the C API");
                    if (Fn(Env, CArgs, CRes) != 0)
                      return Error::make(ErrorKind::Usage,
                                         "host function returned an error");
                    for (size_t K = 0; K < Res.size(); ++K) {
                      ValType Want = Res[K].Type;
                      if (!toValue(CRes[K], Res[K]) || Res[K].Type != Want)
                        return Error::make(ErrorKind::Usage,
                                           "host function result of the "
                                           "wrong kind");
                    }
                    return Error::success();
                  });
}

void kiln_limits_default(kiln_limits *Out) {
  if (!Out)
    return;
  ResourceLimits D = ResourceLimits::defaults();
  Out->max_memory_bytes = D.MaxMemoryBytes;
  Out->max_total_memory_bytes = D.MaxTotalMemoryBytes;
  Out->max_table_elements = D.MaxTableElements;
  Out->max_total_table_elements = D.MaxTotalTableElements;
  Out->max_instances = D.MaxInstances;
  Out->max_tables = D.MaxTables;
  Out->max_memories = D.MaxMemories;
}

void kiln_linker_set_limits(kiln_linker *L, const kiln_limits *In) {
  if (!L || !In)
    return;
  ResourceLimits R;
  R.MaxMemoryBytes = In->max_memory_bytes;
  R.MaxTotalMemoryBytes = In->max_total_memory_bytes;
  R.MaxTableElements = In->max_table_elements;
  R.MaxTotalTableElements = In->max_total_table_elements;
  R.MaxInstances = In->max_instances;
  R.MaxTables = In->max_tables;
  R.MaxMemories = In->max_memories;
  L->L.setLimits(R);
}

kiln_instance *kiln_linker_instantiate(kiln_linker *L, kiln_module *M,
                                       char *Err, size_t ErrLen) {
  if (!L || !M) {
    setError(Err, ErrLen, "null linker or module");
    return nullptr;
  }
  Expected<std::unique_ptr<Instance>> I = L->L.instantiate(*M->M);
  if (!I) {
    setError(Err, ErrLen, I.takeError().str());
    return nullptr;
  }
  return new (std::nothrow) kiln_instance{std::move(*I)};
}

void kiln_instance_free(kiln_instance *I) { delete I; }

static kiln_status callExport(kiln_instance *I, const char *Name,
                              const kiln_val *Args, size_t NArgs,
                              kiln_val *Results, size_t NResults,
                              const Deadline *D, kiln_trap *Trap, char *Err,
                              size_t ErrLen) {
  if (Trap)
    *Trap = kiln_trap{0, UINT32_MAX};
  if (!I || !Name || (NArgs && !Args) || (NResults && !Results)) {
    setError(Err, ErrLen, "null argument");
    return KILN_ERROR;
  }
  std::vector<Value> Vals(NArgs);
  for (size_t K = 0; K < NArgs; ++K)
    if (!toValue(Args[K], Vals[K])) {
      setError(Err, ErrLen, "argument of an unknown kind");
      return KILN_ERROR;
    }
  Expected<std::vector<Value>> R =
      D ? I->I->call(Name, Vals, *D) : I->I->call(Name, Vals);
  if (!R) {
    Error E = R.takeError();
    setError(Err, ErrLen, E.str());
    if (E.kind() != ErrorKind::Trap)
      return KILN_ERROR;
    if (Trap)
      *Trap = kiln_trap{E.trapCode(), E.funcIndex()};
    return KILN_TRAPPED;
  }
  if (R->size() != NResults) {
    setError(Err, ErrLen, "result count does not match the function");
    return KILN_ERROR;
  }
  for (size_t K = 0; K < NResults; ++K)
    if (!fromValue((*R)[K], Results[K])) {
      setError(Err, ErrLen, "result type not in the C API");
      return KILN_ERROR;
    }
  return KILN_OK;
}

kiln_status kiln_call(kiln_instance *I, const char *Name, const kiln_val *Args,
                      size_t NArgs, kiln_val *Results, size_t NResults,
                      kiln_trap *Trap, char *Err, size_t ErrLen) {
  return callExport(I, Name, Args, NArgs, Results, NResults, nullptr, Trap,
                    Err, ErrLen);
}

kiln_status kiln_call_with_deadline(kiln_instance *I, const char *Name,
                                    const kiln_val *Args, size_t NArgs,
                                    kiln_val *Results, size_t NResults,
                                    uint64_t BudgetNs, kiln_trap *Trap,
                                    char *Err, size_t ErrLen) {
  if (!BudgetNs)
    return kiln_call(I, Name, Args, NArgs, Results, NResults, Trap, Err,
                     ErrLen);
  Deadline D = Deadline::after(std::chrono::nanoseconds(BudgetNs));
  return callExport(I, Name, Args, NArgs, Results, NResults, &D, Trap, Err,
                    ErrLen);
}

kiln_status kiln_instance_set_deadline(kiln_instance *I, uint64_t BudgetNs,
                                       char *Err, size_t ErrLen) {
  if (!I) {
    setError(Err, ErrLen, "null argument");
    return KILN_ERROR;
  }
  Deadline D = BudgetNs ? Deadline::after(std::chrono::nanoseconds(BudgetNs))
                        : Deadline::none();
  if (Error E = I->I->setDefaultDeadline(D)) {
    setError(Err, ErrLen, E.str());
    return KILN_ERROR;
  }
  return KILN_OK;
}

void kiln_instance_interrupt(kiln_instance *I) {
  if (I)
    I->I->interrupt();
}

void kiln_epoch_increment(void) { incrementEpoch(); }

uint8_t *kiln_memory(kiln_instance *I, const char *Name, uint64_t *Size) {
  if (!I || !Name)
    return nullptr;
  std::optional<Extern> E = I->I->exportOf(Name);
  if (!E || E->Kind != ExternKind::Memory || !E->M)
    return nullptr;
  if (Size)
    *Size = memorySizeBytes(*E->M);
  return memoryData(*E->M);
}

} // extern "C"
