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
      rt::HostFuncData{std::move(Sig), std::move(Fn), nullptr});
  F->Sig = &F->Host->Sig;
  F->Entry.SigId = rt::canonicalSigId(F->Host->Sig);
  return F;
}

std::shared_ptr<Func> createRawHostFunc(FuncSig Sig, RawHostFunc Fn) {
  auto F = std::make_shared<Func>();
  F->Kind = rt::FuncKind::Host;
  F->Host = std::make_shared<rt::HostFuncData>(
      rt::HostFuncData{std::move(Sig), nullptr, std::move(Fn)});
  F->Sig = &F->Host->Sig;
  F->Entry.SigId = rt::canonicalSigId(F->Host->Sig);
  return F;
}

const FuncSig &funcSig(const Func &F) { return *F.Sig; }

Expected<std::vector<Value>> callFunc(const Func &F,
                                      std::span<const Value> Args,
                                      const Deadline *D) {
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

  if (Error E =
          rt::callWasm(*Keep, F.EntryTrampoline, F.Entry.Code, Slots, D))
    return E;

  std::vector<Value> Results;
  Results.reserve(Sig.Results.size());
  for (size_t I = 0; I < Sig.Results.size(); ++I)
    Results.push_back(rt::valueFromBytes(Sig.Results[I], Slots[I].Bytes));
  return Results;
}

} // namespace kiln

namespace kiln::detail {

Error checkTypedSig(const Func &F, std::span<const ValType> Params,
                    std::span<const ValType> Results) {
  if (F.Kind == rt::FuncKind::None || !F.Sig)
    return Error::make(ErrorKind::Usage, "not a function");
  auto Show = [](std::span<const ValType> Ts) {
    std::string S = "(";
    for (ValType T : Ts)
      S += std::string(S.size() > 1 ? " " : "") + valTypeName(T);
    return S + ")";
  };
  const FuncSig &Sig = *F.Sig;
  if (std::equal(Params.begin(), Params.end(), Sig.Params.begin(),
                 Sig.Params.end()) &&
      std::equal(Results.begin(), Results.end(), Sig.Results.begin(),
                 Sig.Results.end()))
    return Error::success();
  return Error::make(ErrorKind::Usage,
                     "function type " + Show(Sig.Params) + " -> " +
                         Show(Sig.Results) + " does not match the typed " +
                         Show(Params) + " -> " + Show(Results));
}

Error callWithSlots(const Func &F, void *SlotsPtr, const Deadline *D) {
  auto *Slots = static_cast<rt::ValSlot *>(SlotsPtr);
  const FuncSig &Sig = *F.Sig;
  if (F.Kind == rt::FuncKind::Wasm)
    return rt::callWasm(*F.Owner, F.EntryTrampoline, F.Entry.Code, Slots, D);
  // A host function: through Values, as callFunc does.
  std::vector<Value> Args;
  for (size_t I = 0; I < Sig.Params.size(); ++I)
    Args.push_back(rt::valueFromBytes(Sig.Params[I], Slots[I].Bytes));
  Expected<std::vector<Value>> R = rt::callHostDirect(F, Args);
  if (!R)
    return R.takeError();
  for (size_t I = 0; I < R->size(); ++I)
    std::memcpy(Slots[I].Bytes, (*R)[I].Bits.data(), sizeof(Slots[I].Bytes));
  return Error::success();
}

} // namespace kiln::detail
