//===- runtime/src/func.cc - Function objects and calls from C++ ----------===//

#include "src/func.h"

#include "src/host_call.h"
#include "src/instance.h"
#include "src/trap.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace kiln {

static_assert(offsetof(Func, Entry) == 0,
              "a funcref (FuncRefEntry*) must be the address of its Func");

namespace rt {

Error checkArgs(const FuncSig &Sig, std::span<const Value> Args) {
  if (Args.size() != Sig.Params.size())
    return Error::make(ErrorKind::Usage,
                       formatString("expected %zu argument%s, got %zu",
                                    Sig.Params.size(),
                                    Sig.Params.size() == 1 ? "" : "s",
                                    Args.size()));
  for (size_t I = 0; I < Args.size(); ++I) {
    if (Args[I].Type != Sig.Params[I])
      return Error::make(ErrorKind::Usage,
                         formatString("argument %zu is %s, expected %s", I,
                                      valTypeName(Args[I].Type),
                                      valTypeName(Sig.Params[I])));
    if (Args[I].Type != ValType::FuncRef || !Args[I].ref())
      continue;
    const Func *F = funcFromRef(Args[I].ref());
    if (F->Kind == FuncKind::Host || F->Kind == FuncKind::None)
      return Error::make(ErrorKind::Usage,
                         formatString("argument %zu: a host function can be "
                                      "passed as a funcref only once a module "
                                      "imports it",
                                      I));
  }
  return Error::success();
}

} // namespace rt

std::shared_ptr<Func> createHostFunc(FuncSig Sig, HostFunc Fn) {
  auto F = std::make_shared<Func>();
  F->Kind = rt::FuncKind::Host;
  F->Host = std::make_shared<rt::HostFuncData>(
      rt::HostFuncData{std::move(Sig), std::move(Fn)});
  F->Sig = &F->Host->Sig;
  F->Entry.SigId = rt::canonicalSigId(F->Host->Sig);
  return F;
}

const FuncSig &funcSig(const Func &F) { return *F.Sig; }

Expected<std::vector<Value>> callFunc(const Func &F,
                                      std::span<const Value> Args) {
  if (F.Kind == rt::FuncKind::None || !F.Sig)
    return Error::make(ErrorKind::Usage, "not a function");
  const FuncSig &Sig = *F.Sig;
  if (Error E = rt::checkArgs(Sig, Args))
    return E;
  if (F.Kind != rt::FuncKind::Wasm)
    return rt::callHostDirect(F, Args);

  // The instance must outlive the call even if a host function it calls
  // drops the last handle to it.
  std::shared_ptr<rt::InstanceState> Keep = F.Owner->shared_from_this();
  const Module::Impl &M = *Keep->Mod;

  size_t N = std::max<size_t>({Sig.Params.size(), Sig.Results.size(), 1});
  rt::ValSlot Inline[16];
  std::unique_ptr<rt::ValSlot[]> Heap;
  rt::ValSlot *Slots = Inline;
  if (N > std::size(Inline)) {
    Heap = std::make_unique<rt::ValSlot[]>(N);
    Slots = Heap.get();
  }
  for (size_t I = 0; I < Args.size(); ++I)
    std::memcpy(Slots[I].Bytes, Args[I].Bits.data(), sizeof(Slots[I].Bytes));

  if (Error E = rt::callWasm(*Keep, M.entryTrampoline(F.TypeIndex),
                             F.Entry.Code, Slots))
    return E;

  std::vector<Value> Results;
  Results.reserve(Sig.Results.size());
  for (size_t I = 0; I < Sig.Results.size(); ++I)
    Results.push_back(rt::valueFromBytes(Sig.Results[I], Slots[I].Bytes));
  return Results;
}

} // namespace kiln
