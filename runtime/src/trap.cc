//===- runtime/src/trap.cc - Calls into Wasm and traps --------------------===//

#include "src/trap.h"

#include "src/code_registry.h"
#include "src/instance.h"
#include "src/signals_posix.h"

#include <algorithm>
#include <memory>

namespace kiln::rt {

// Constant-initialized and defined in this file, so reading it is a plain
// TLS access (no init wrapper): safe in the signal handler.
static thread_local Activation *Current = nullptr;

/// Stack kept free below a call's limit for what runs there without a
/// prologue check: host functions called from Wasm, builtins, the trap path.
/// A quarter of the stack on threads with small stacks.
static constexpr uintptr_t StackSafetyMargin = 128 * 1024;

Activation *currentActivation() { return Current; }

void raiseTrap(TrapCode Code, const Module::Impl *Mod, uint32_t WasmOffset,
               uintptr_t Pc) {
  Activation *A = Current;
  if (!A)
    KILN_UNREACHABLE("a trap was raised outside any call into Wasm");
  A->Code = Code;
  A->Mod = Mod;
  A->WasmOffset = WasmOffset;
  A->Pc = Pc;
  siglongjmp(A->Jmp, 1);
}

void raiseTrapFromSignal(Activation *A, TrapCode Code, uintptr_t Pc) {
  A->Code = Code;
  A->Mod = nullptr;
  A->WasmOffset = 0;
  A->Pc = Pc;
  siglongjmp(A->Jmp, 1);
}

/// The only frame that calls sigsetjmp: kept small and out of line so that
/// no local of a caller lives in a register across the longjmp.
[[gnu::noinline]] static bool runGuarded(Activation &A, EntryTrampoline Entry,
                                         void *Code, VMContext *Ctx,
                                         ValSlot *Slots) {
  if (sigsetjmp(A.Jmp, ActivationsSaveSignalMask ? 1 : 0) != 0)
    return false;
  Entry(Code, Ctx, Slots);
  return true;
}

/// The lowest frame address generated code may use in this call: the
/// instance's budget below the current frame, never below the thread's real
/// stack (with a margin), and never more than an enclosing call allowed
/// (nested calls share the outermost budget).
static uintptr_t stackLimitFor(size_t MaxBytes) {
  auto Sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  uintptr_t Limit = Sp > MaxBytes ? Sp - MaxBytes : 0;
  const ThreadCallState &T = CurrentThreadCallState;
  if (T.StackLow)
    Limit = std::max(Limit, T.StackLow + std::min(StackSafetyMargin,
                                                  T.StackSize / 4));
  if (Current)
    Limit = std::max(Limit, Current->StackLimit);
  return Limit;
}

static Error trapError(const Activation &A) {
  const Module::Impl *Mod = A.Mod;
  if (A.Pc && (!Mod || Mod->funcIndexAtPc(A.Pc) == NoIndex))
    if (const void *Owner = codeRangeOwner(A.Pc))
      Mod = static_cast<const Module::Impl *>(Owner);
  uint32_t Func = A.FuncIndex;
  if (Mod && Func == NoIndex && A.Pc)
    Func = Mod->funcIndexAtPc(A.Pc);
  if (Mod && Func == NoIndex && A.WasmOffset)
    Func = Mod->funcIndexAtWasmOffset(A.WasmOffset);

  std::string Message = A.Code == TrapCode::HostError && !A.HostMessage.empty()
                            ? A.HostMessage
                            : std::string(trapMessage(A.Code));
  Error E = Error::trap(uint32_t(A.Code), std::move(Message));
  if (Func != NoIndex)
    E = std::move(E).inFunction(Func);
  if (A.WasmOffset)
    E = std::move(E).atOffset(A.WasmOffset);
  return E;
}

Error callWasm(InstanceState &S, EntryTrampoline Entry, void *Code,
               ValSlot *Slots) {
  ensureThreadReady();
  Activation A;
  A.Prev = Current;
  A.StackLimit = stackLimitFor(S.MaxStackBytes);

  // Every context this call can run in gets the limit; the old values come
  // back afterwards, so outside any call each limit is 0 (or an enclosing
  // call's) and a stale limit never outlives the call that set it.
  size_t N = S.StackCtxs.size();
  uintptr_t InlineSaved[8];
  std::unique_ptr<uintptr_t[]> HeapSaved;
  uintptr_t *Saved = InlineSaved;
  if (N > std::size(InlineSaved)) {
    HeapSaved = std::make_unique<uintptr_t[]>(N);
    Saved = HeapSaved.get();
  }
  for (size_t I = 0; I < N; ++I) {
    Saved[I] = S.StackCtxs[I]->StackLimit;
    S.StackCtxs[I]->StackLimit = A.StackLimit;
  }

  Current = &A;
  bool Returned = runGuarded(A, Entry, Code, &S.Ctx, Slots);
  Current = A.Prev;
  for (size_t I = 0; I < N; ++I)
    S.StackCtxs[I]->StackLimit = Saved[I];

  if (Returned)
    return Error::success();
  return trapError(A);
}

} // namespace kiln::rt
