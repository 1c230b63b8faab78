//===- runtime/src/host_call.cc - Calls from Wasm to the host -------------===//

#include "src/host_call.h"

#include "src/func.h"
#include "src/instance.h"
#include "src/trap.h"

#include <algorithm>
#include <cstring>

namespace kiln::rt {

static thread_local InstanceState *Caller = nullptr;

InstanceState *hostCaller() { return Caller; }

Memory *callerMemory() { return Caller ? Caller->memory0() : nullptr; }

namespace {
/// Args followed by Results, on the stack for the common small signatures.
class ValueBuffer {
public:
  explicit ValueBuffer(size_t N) {
    if (N > std::size(Inline)) {
      Heap.resize(N);
      Data = Heap.data();
    }
  }
  Value *data() { return Data; }

private:
  Value Inline[12];
  std::vector<Value> Heap;
  Value *Data = Inline;
};

/// Sets hostCaller() for the duration of one host function.
class CallerScope {
public:
  explicit CallerScope(InstanceState *S) : Saved(Caller) { Caller = S; }
  ~CallerScope() { Caller = Saved; }

private:
  InstanceState *Saved;
};
} // namespace

/// Records host function F's failure in the current activation for the
/// caller to raise: proc_exit's ErrorKind::Exit unwinds and keeps its
/// status, anything else becomes a HostError trap naming the imported
/// function (its Wasm caller is up the stack, past the exit trampoline,
/// where no PC can be had). Returns false, for the callers' convenience.
static bool recordHostFailure(Func &F, Error E) {
  Activation *A = currentActivation();
  if (E.kind() == ErrorKind::Exit) {
    A->HostExit = std::move(E);
    return false;
  }
  A->HostMessage = E.message();
  A->FuncIndex = F.Index;
  if (E.kind() == ErrorKind::Trap &&
      (E.trapCode() == uint32_t(TrapCode::Interrupted) ||
       E.trapCode() == uint32_t(TrapCode::OutOfFuel)))
    A->HostTrap = TrapCode(E.trapCode());
  return false;
}

/// Runs the host function of HostImport `F` on the slots. On failure the
/// message goes to the current activation and false comes back; every
/// object with a destructor is gone when this returns, so the caller can
/// raise the trap.
static bool invokeFromSlots(Func &F, ValSlot *Slots) {
  const FuncSig &Sig = *F.Sig;
  size_t NP = Sig.Params.size(), NR = Sig.Results.size();
  ValueBuffer Buf(NP + NR);
  Value *Args = Buf.data(), *Results = Buf.data() + NP;
  for (size_t I = 0; I < NP; ++I)
    Args[I] = valueFromBytes(Sig.Params[I], Slots[I].Bytes);
  for (size_t I = 0; I < NR; ++I)
    Results[I] = Value{Sig.Results[I], {}};

  Error E = Error::success();
  {
    CallerScope Scope(F.Owner);
    E = F.Host->Fn(std::span<const Value>(Args, NP),
                   std::span<Value>(Results, NR));
  }
  if (E)
    return recordHostFailure(F, std::move(E));
  for (size_t I = 0; I < NR; ++I)
    std::memcpy(Slots[I].Bytes, Results[I].Bits.data(), sizeof(Slots[I].Bytes));
  return true;
}

/// A raw (typed) host function: the slots are its arguments and results
/// as they are, so nothing is converted. Same failure contract as
/// invokeFromSlots.
static bool invokeRaw(Func &F, ValSlot *Slots) {
  Error E = Error::success();
  {
    CallerScope Scope(F.Owner);
    E = F.Host->Raw(reinterpret_cast<uint8_t(*)[16]>(Slots));
  }
  return E ? recordHostFailure(F, std::move(E)) : true;
}

void builtinHostCall(VMContext *HostCtx, void *Slots) {
  Func &F = *static_cast<Func *>(HostCtx->Instance);
  auto *S = static_cast<ValSlot *>(Slots);
  if (!(F.Host->Raw ? invokeRaw(F, S) : invokeFromSlots(F, S)))
    raiseTrap(currentActivation()->HostTrap, F.Owner ? F.Owner->Mod : nullptr,
              0, 0);
}

Expected<std::vector<Value>> callHostDirect(const Func &F,
                                            std::span<const Value> Args) {
  const FuncSig &Sig = *F.Sig;
  std::vector<Value> Results(Sig.Results.size());
  for (size_t I = 0; I < Results.size(); ++I)
    Results[I].Type = Sig.Results[I];
  CallerScope Scope(F.Kind == FuncKind::HostImport ? F.Owner : nullptr);
  if (F.Host->Raw) {
    size_t N = std::max(Args.size(), Results.size());
    std::vector<ValSlot> Slots(std::max<size_t>(N, 1));
    for (size_t I = 0; I < Args.size(); ++I)
      std::memcpy(Slots[I].Bytes, Args[I].Bits.data(), sizeof(Slots[I].Bytes));
    if (Error E = F.Host->Raw(reinterpret_cast<uint8_t(*)[16]>(Slots.data())))
      return E;
    for (size_t I = 0; I < Results.size(); ++I)
      Results[I] = valueFromBytes(Sig.Results[I], Slots[I].Bytes);
    return Results;
  }
  if (Error E = F.Host->Fn(Args, Results))
    return E;
  return Results;
}

} // namespace kiln::rt

kiln::Memory *kiln::callerMemory() { return rt::callerMemory(); }
