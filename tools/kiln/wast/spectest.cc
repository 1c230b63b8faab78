//===- tools/kiln/wast/spectest.cc - The "spectest" host module -----------===//

#include "tools/kiln/wast/spectest.h"

#include <cstring>

namespace kiln::wast {

Error defineSpectest(Linker &L, MemoryMode Mode) {
  using VT = ValType;
  auto Print = [&](const char *Name, std::vector<VT> Params) {
    // The suite only checks that these link and can be called.
    L.defineFunc("spectest", Name, FuncSig{std::move(Params), {}},
                 [](std::span<const Value>, std::span<Value>) {
                   return Error::success();
                 });
  };
  Print("print", {});
  Print("print_i32", {VT::I32});
  Print("print_i64", {VT::I64});
  Print("print_f32", {VT::F32});
  Print("print_f64", {VT::F64});
  Print("print_i32_f32", {VT::I32, VT::F32});
  Print("print_f64_f64", {VT::F64, VT::F64});

  float F32 = 666.6f;
  double F64 = 666.6;
  uint32_t F32Bits;
  uint64_t F64Bits;
  std::memcpy(&F32Bits, &F32, 4);
  std::memcpy(&F64Bits, &F64, 8);
  auto Global = [&](const char *Name, Value V) {
    Extern E;
    E.Kind = ExternKind::Global;
    E.G = createGlobal(V, /*Mutable=*/false);
    L.define("spectest", Name, E);
  };
  Global("global_i32", Value::i32(666));
  Global("global_i64", Value::i64(666));
  Global("global_f32", Value::f32Bits(F32Bits));
  Global("global_f64", Value::f64Bits(F64Bits));

  Expected<std::shared_ptr<Table>> T = createTable(VT::FuncRef, 10, 20);
  if (!T)
    return T.takeError();
  Extern TE;
  TE.Kind = ExternKind::Table;
  TE.T = *T;
  L.define("spectest", "table", TE);

  Expected<std::shared_ptr<Memory>> M = createMemory(1, 2, Mode);
  if (!M)
    return M.takeError();
  Extern ME;
  ME.Kind = ExternKind::Memory;
  ME.M = *M;
  L.define("spectest", "memory", ME);
  return Error::success();
}

} // namespace kiln::wast
