//===- runtime/wasi/define_wasi.cc - WASI functions into a Linker ---------===//
//
// One host function per calls.def row, in both wasi_snapshot_preview1 and
// wasi_unstable. Each binds the shared context and, per call, the caller's
// memory as it is at that moment (memory.grow may have moved or resized it
// since the last call). proc_exit is the one call that does not return: it
// comes back to the embedder as an Error of kind Exit.
//
//===----------------------------------------------------------------------===//

#include "kiln/wasi.h"

#include "wasi/calls.h"

#include <string_view>

namespace kiln {

using namespace wasi;

static constexpr std::string_view Preview1 = "wasi_snapshot_preview1";
static constexpr std::string_view Unstable = "wasi_unstable";

static FuncSig sigOf(std::string_view Params) {
  FuncSig S;
  for (char P : Params)
    S.Params.push_back(P == 'I' ? ValType::I64 : ValType::I32);
  S.Results.push_back(ValType::I32);
  return S;
}

/// The caller's memory for this call; empty (every access EFAULT) if the
/// module has none.
static GuestMemory callerGuestMemory() {
  Memory *M = callerMemory();
  if (!M)
    return GuestMemory();
  return GuestMemory(memoryData(*M), memorySizeBytes(*M));
}

static void defineCall(Linker &L, std::string_view Module,
                       std::string_view Name, std::string_view Params,
                       WasiHandler H, const std::shared_ptr<WasiContext> &Ctx,
                       bool IsUnstable) {
  L.defineFunc(Module, Name, sigOf(Params),
               [Ctx, H, IsUnstable](std::span<const Value> Args,
                                    std::span<Value> Results) -> Error {
                 WasiCall C{*Ctx, callerGuestMemory(), Args, IsUnstable};
                 Results[0] = Value::i32(uint32_t(H(C)));
                 return Error::success();
               });
}

Error defineWasi(Linker &L, std::shared_ptr<WasiContext> Ctx) {
  if (!Ctx)
    return Error::make(ErrorKind::Usage, "defineWasi: no WASI context");
  for (std::string_view Module : {Preview1, Unstable}) {
    bool IsUnstable = Module == Unstable;
#define KILN_WASI_CALL(Name, Params, Handler)                                  \
  if (!IsUnstable || std::string_view(#Name) != "sock_accept")                 \
    defineCall(L, Module, #Name, Params, Handler, Ctx, IsUnstable);
#include "wasi/calls.def"
    L.defineFunc(Module, "proc_exit", {{ValType::I32}, {}},
                 [](std::span<const Value> Args, std::span<Value>) -> Error {
                   return Error::exit(Args[0].i32());
                 });
  }
  return Error::success();
}

bool importsWasi(const Module &M) {
  for (const format::ImportRec &I : M.artifact().Imports)
    if (I.Module == Preview1 || I.Module == Unstable)
      return true;
  return false;
}

} // namespace kiln
