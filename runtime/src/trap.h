//===- runtime/src/trap.h - Calls into Wasm and traps -----------*- C++ -*-===//
//
// Every call from C++ into generated code runs inside an Activation: a
// sigsetjmp point on the calling thread. A trap (the Trap builtin, a
// builtin's bounds check, a host function's error, or a fault in generated
// code caught by the signal handler) records its code and where it happened
// in the innermost activation and siglongjmps there; callWasm then returns
// the trap as an Error. Activations nest (host -> Wasm -> host -> Wasm), one
// chain per thread.
//
// Nothing between an activation's sigsetjmp and a trap may need unwinding:
// generated code has no destructors, and the runtime's builtins raise traps
// only when no object with a destructor is alive in their frames.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_TRAP_H
#define KILN_RUNTIME_TRAP_H

#include "kiln/runtime.h"
#include "src/module.h"
#include "src/vmcontext.h"

#include <csetjmp>
#include <string>

namespace kiln::rt {

struct InstanceState;

struct Activation {
  sigjmp_buf Jmp;
  Activation *Prev = nullptr;
  uintptr_t StackLimit = 0; // the limit this activation's contexts got
  InstanceState *Inst = nullptr; // the instance called into

  // What bounds the call (interrupt.h): the earliest of its own deadline and
  // those of the calls it is nested in; 0 is none.
  uint64_t DeadlineNs = 0;    // steady clock
  uint64_t EpochDeadline = 0; // kiln::currentEpoch() value
  bool OwnsDeadline = false;  // DeadlineNs is this call's own
  /// The fuel balance --fuel code charges (VMContext::Fuel): this call's
  /// own cell, or the enclosing call's.
  int64_t FuelCell = INT64_MAX;
  int64_t *Fuel = &FuelCell;
  int64_t FuelStart = 0;

  // Filled in by the trap path.
  TrapCode Code = TrapCode::None;
  uintptr_t Pc = 0;                  // in generated code, when known
  uint32_t WasmOffset = 0;           // of the trapping instruction, or 0
  const Module::Impl *Mod = nullptr; // module of the trapping code, if known
  uint32_t FuncIndex = NoIndex;      // set directly when Pc cannot tell
  /// HostError: the host function's message; Interrupted: why.
  std::string HostMessage;
  /// How a failed host function makes its caller trap: HostError, or
  /// Interrupted (OutOfFuel) when it failed because a Wasm call it made was
  /// stopped (Wasm -> host -> Wasm under one bound stops as a whole).
  TrapCode HostTrap = TrapCode::HostError;
  /// Return addresses of the Wasm frames above the trapping one, innermost
  /// first, from the frame-pointer chain (x86-64 and AArch64; generated code
  /// keeps frame pointers). Filled without allocating, so the signal
  /// handler can do it too.
  static constexpr unsigned MaxFrames = 64;
  uintptr_t FramePcs[MaxFrames];
  unsigned NumFramePcs = 0;
  /// Frames of generated code the walk found beyond MaxFrames (counted,
  /// not recorded), and the return address of the outermost one.
  uint32_t FramesLeftOut = 0;
  uintptr_t OutermostPc = 0;
  /// A host function's Error that is not a failure of the guest (proc_exit's
  /// ErrorKind::Exit): unwinds like a trap but comes back unchanged.
  Error HostExit;
};

/// The innermost activation of this thread, or null. Async-signal-safe.
Activation *currentActivation();

/// Records the trap in the innermost activation and unwinds to it. `Pc` is
/// a return address into generated code (0 if unknown), `Mod` the module of
/// the trapping code (null if unknown; found from Pc then).
/// `WasmFp`, if known, is the trapping Wasm function's frame pointer (by
/// default the frame pointer register as raiseTrap's caller left it).
[[noreturn]] void raiseTrap(TrapCode Code, const Module::Impl *Mod,
                            uint32_t WasmOffset, uintptr_t Pc,
                            uintptr_t WasmFp = 0);

/// The signal handler's version: only async-signal-safe steps. `Fp` and
/// `Sp` are the faulting frame's frame and stack pointers from the signal
/// context (0 if unknown), where the Wasm backtrace starts.
[[noreturn]] void raiseTrapFromSignal(Activation *A, TrapCode Code,
                                      uintptr_t Pc, uintptr_t Fp,
                                      uintptr_t Sp);

/// Calls `Code` of instance S through entry trampoline `Entry` with the
/// argument/result slots, inside a new activation with the instance's stack
/// limit, bounded by `D` (null: the instance's default deadline). A trap
/// comes back as Error::trap(code, spec message) naming the function.
Error callWasm(InstanceState &S, EntryTrampoline Entry, void *Code,
               ValSlot *Slots, const Deadline *D = nullptr);

} // namespace kiln::rt

#endif // KILN_RUNTIME_TRAP_H
