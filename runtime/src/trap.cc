//===- runtime/src/trap.cc - Calls into Wasm and traps --------------------===//

#include "src/trap.h"

#include "src/code_registry.h"
#include "src/debug_map.h"
#include "src/instance.h"
#include "src/interrupt.h"
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

/// Follows the frame-pointer chain from `Fp` (a Wasm frame's frame pointer,
/// if the caller's register still held it) and records return addresses
/// into generated code. Never trusts a frame: each must lie in [Low, High)
/// (stack the call is known to use), be aligned, and move strictly upward;
/// the walk stops at the first return address outside generated code (the
/// entry trampoline returning to the host). Frames beyond MaxFrames are
/// counted, so that a backtrace can say how many it leaves out. A wrong
/// start gives a short backtrace, never a fault. Async-signal-safe.
static void walkWasmFrames(Activation &A, uintptr_t Fp, uintptr_t Low) {
  A.NumFramePcs = 0;
  A.FramesLeftOut = 0;
#if defined(__x86_64__) || defined(__aarch64__)
  // Both keep the frame record {saved frame pointer, return address} at
  // the frame pointer.
  uintptr_t High = reinterpret_cast<uintptr_t>(&A);
  for (;;) {
    if (Fp < Low || Fp > High - 2 * sizeof(uintptr_t) ||
        Fp % sizeof(uintptr_t))
      return;
    const uintptr_t *Record = reinterpret_cast<const uintptr_t *>(Fp);
    uintptr_t Next = Record[0], Ret = Record[1];
    if (!codeRangeContains(Ret - 1))
      return;
    if (A.NumFramePcs < Activation::MaxFrames) {
      A.FramePcs[A.NumFramePcs++] = Ret - 1; // inside the call instruction
    } else {
      ++A.FramesLeftOut;
      A.OutermostPc = Ret - 1;
    }
    if (Next <= Fp)
      return;
    Fp = Next;
  }
#else
  (void)Fp;
  (void)Low;
#endif
}

/// The frame pointer register as the caller of the current function left
/// it: this function keeps a frame pointer, so its saved copy is at its
/// frame address. Generated code always holds its frame pointer there; the
/// runtime's small trap builtins do not touch it, so for a trap raised by
/// a builtin this is the trapping Wasm function's frame.
#define KILN_CALLER_FP()                                                         (*reinterpret_cast<const uintptr_t *>(__builtin_frame_address(0)))

[[gnu::optimize("no-omit-frame-pointer"), gnu::noinline]] void
raiseTrap(TrapCode Code, const Module::Impl *Mod, uint32_t WasmOffset,
          uintptr_t Pc, uintptr_t WasmFp) {
  Activation *A = Current;
  if (!A)
    KILN_UNREACHABLE("a trap was raised outside any call into Wasm");
  if (Pc) {
    // Everything between this frame and the activation is live stack.
    walkWasmFrames(*A, WasmFp ? WasmFp : KILN_CALLER_FP(),
                   reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
  } else {
    A->NumFramePcs = 0;
    A->FramesLeftOut = 0;
  }
  A->Code = Code;
  A->Mod = Mod;
  A->WasmOffset = WasmOffset;
  A->Pc = Pc;
  siglongjmp(A->Jmp, 1);
}

void raiseTrapFromSignal(Activation *A, TrapCode Code, uintptr_t Pc,
                         uintptr_t Fp, uintptr_t Sp) {
  // On the signal stack. The walk starts at the faulting frame's own frame
  // pointer (from the signal context) and reads only the stack between the
  // faulting SP and the activation, which is live and mapped.
  walkWasmFrames(*A, Fp, Sp);
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

/// The Wasm frames of native PC `Pc` in module M: from the code map, or,
/// without one, the function whose code holds Pc. Empty when Pc is in none.
static std::vector<TrapFrame> framesAt(const Module::Impl &M, uintptr_t Pc) {
  std::vector<TrapFrame> Frames;
  appendFramesAtPc(M, Pc, Frames);
  if (Frames.empty())
    if (uint32_t F = M.funcIndexAtPc(Pc); F != NoIndex) {
      Frames.emplace_back();
      Frames.back().FuncIndex = F;
    }
  return Frames;
}

static Error trapError(Activation &A) {
  if (A.HostExit)
    return std::move(A.HostExit);
  const Module::Impl *Mod = A.Mod;
  if (A.Pc && (!Mod || Mod->funcIndexAtPc(A.Pc) == NoIndex))
    if (const void *Owner = codeRangeOwner(A.Pc))
      Mod = static_cast<const Module::Impl *>(Owner);

  // The trapping frame (and those Kiln inlined it into), then its callers
  // in the same module (frames of other modules or trampolines are left
  // out). A trap raised from a stub of the artifact that is no Wasm
  // function (the interruption polls' kiln_interrupt_check) belongs to the
  // first Wasm frame above it.
  std::vector<TrapFrame> Frames;
  // Where a trap builtin keeps a frame of its own (sanitizer builds), the
  // walk starts at that frame, and its return address is the trap's PC:
  // the trapping frame again, not a caller.
  unsigned NextPc = A.Pc && A.NumFramePcs && A.FramePcs[0] == A.Pc ? 1 : 0;
  if (Mod && A.Pc)
    Frames = framesAt(*Mod, A.Pc);
  if (Mod && Frames.empty() && A.FuncIndex == NoIndex && A.NumFramePcs)
    Frames = framesAt(*Mod, A.FramePcs[NextPc++]);
  // A trap builtin's own offset is exact, and names its function even
  // where the code map does not cover the PC (an artifact without one, in
  // code LLVM inlined): it wins over the map where they differ.
  uint32_t Func = A.FuncIndex;
  uint32_t ByOffset =
      Mod && A.WasmOffset ? Mod->funcIndexAtWasmOffset(A.WasmOffset) : NoIndex;
  if (!Frames.empty()) {
    if (ByOffset != NoIndex && (Frames[0].WasmOffset == NoOffset ||
                                ByOffset == Frames[0].FuncIndex)) {
      Frames[0].FuncIndex = ByOffset;
      Frames[0].WasmOffset = A.WasmOffset;
    }
    Func = Frames[0].FuncIndex;
  } else if (Func == NoIndex) {
    Func = ByOffset;
  }
  if (Frames.empty() && Func != NoIndex) {
    Frames.emplace_back();
    Frames.back().FuncIndex = Func;
    if (A.WasmOffset)
      Frames.back().WasmOffset = A.WasmOffset;
  }
  for (unsigned I = NextPc; Mod && I < A.NumFramePcs; ++I) {
    std::vector<TrapFrame> More = framesAt(*Mod, A.FramePcs[I]);
    Frames.insert(Frames.end(), std::make_move_iterator(More.begin()),
                  std::make_move_iterator(More.end()));
  }
  if (Mod)
    for (TrapFrame &F : Frames)
      describeFrame(*Mod, F);

  std::string Message = !A.HostMessage.empty()
                            ? A.HostMessage
                            : std::string(trapMessage(A.Code));
  Error E = Error::trap(uint32_t(A.Code), std::move(Message));
  if (Func != NoIndex)
    E = std::move(E).inFunction(Func);
  if (!Frames.empty() && Frames[0].WasmOffset != NoOffset)
    E = std::move(E).atOffset(Frames[0].WasmOffset);
  else if (A.WasmOffset)
    E = std::move(E).atOffset(A.WasmOffset);
  // The count includes the entry trampoline's frame, which is no Wasm
  // frame (recorded frames of trampolines are dropped above).
  uint32_t LeftOut = A.FramesLeftOut;
  if (LeftOut && Mod && Mod->funcIndexAtPc(A.OutermostPc) == NoIndex)
    --LeftOut;
  if (!Frames.empty())
    E = std::move(E).withFrames(std::move(Frames), LeftOut);
  return E;
}

Error callWasm(InstanceState &S, EntryTrampoline Entry, void *Code,
               ValSlot *Slots, const Deadline *D) {
  ensureThreadReady();
  Activation A;
  A.Prev = Current;
  A.StackLimit = stackLimitFor(S.MaxStackBytes);
  if (Error E = armCall(A, S, D))
    return E;

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
  // The fuel balance is not restored: a nested call either shares the
  // enclosing one or has its own, which disarmCall() charges back.
  for (size_t I = 0; I < N; ++I)
    S.StackCtxs[I]->Fuel = A.Fuel;

  Current = &A;
  bool Returned = runGuarded(A, Entry, Code, &S.Ctx, Slots);
  Current = A.Prev;
  for (size_t I = 0; I < N; ++I)
    S.StackCtxs[I]->StackLimit = Saved[I];
  if (A.Prev)
    for (size_t I = 0; I < N; ++I)
      S.StackCtxs[I]->Fuel = A.Prev->Fuel;
  disarmCall(A);

  if (Returned)
    return Error::success();
  return trapError(A);
}

} // namespace kiln::rt
