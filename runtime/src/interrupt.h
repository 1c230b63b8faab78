//===- runtime/src/interrupt.h - Stopping calls -----------------*- C++ -*-===//
//
// The runtime's half of interruption (kiln/interrupt.h, kiln/abi.h).
// Generated code polls its context's Interrupt word; the runtime sets the
// word of *every* context whenever some call may have to stop (a watchdog
// saw a deadline pass, interrupt(), an epoch tick while an epoch deadline
// is armed). Every context therefore lives in a pool that is never freed,
// so setting the words takes no lock and never touches freed memory: it is
// safe from another thread, a signal handler or a timer interrupt.
//
// The InterruptCheck builtin then decides, for its own thread only: it
// clears its context's word first (so a later event sets it again), then
// looks at what its thread's calls are bounded by (the activations'
// deadlines, their instances' interrupt requests). A word set for some other
// thread's call costs one such check.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_INTERRUPT_H
#define KILN_RUNTIME_INTERRUPT_H

#include "kiln/error.h"
#include "kiln/interrupt.h"
#include "kiln/trap.h"
#include "src/vmcontext.h"

#include <atomic>

namespace kiln::rt {

struct Activation;
struct InstanceState;

/// A zeroed context from the never-freed pool, and its return.
VMContext &acquireContext();
void releaseContext(VMContext &C);

/// Sets the Interrupt word of every context. Lock-free, allocation-free,
/// async-signal-safe.
void flagAllContexts();

inline bool isFlagged(VMContext *C) {
  return std::atomic_ref<uintptr_t>(C->Interrupt).load(
             std::memory_order_relaxed) != 0;
}

/// Whether the code `S` can run can honour `D` (polls for a time bound,
/// fuel counting for fuel): a Usage error naming what `Subject` ("this
/// call", "this instance") cannot be given, and why.
Error checkBoundable(const InstanceState &S, const Deadline &D,
                     const char *Subject);

/// Sets up the bounds of the call that activation `A` makes into `S`:
/// those of the calls it is nested in, narrowed by `D` (or, if null, S's
/// default deadline). Refuses a deadline on code without polls.
Error armCall(Activation &A, InstanceState &S, const Deadline *D);
/// Undoes armCall() once the call is over.
void disarmCall(Activation &A);

/// What the InterruptCheck builtin decides: clears Ctx's word, then
/// returns TrapCode::None if the running call may go on, or the trap to
/// raise (Interrupted, or OutOfFuel) after recording why in the innermost
/// activation (the caller raises it, see KILN_KEEPS_FRAME).
TrapCode mustStop(VMContext *Ctx);

/// Functions that raise the Interrupted trap keep a frame pointer, so that
/// their saved one is the calling Wasm function's (generated code always
/// keeps one): the backtrace starts there.
#define KILN_KEEPS_FRAME [[gnu::optimize("no-omit-frame-pointer"), gnu::noinline]]
#define KILN_WASM_FP()                                                         \
  (*reinterpret_cast<const uintptr_t *>(__builtin_frame_address(0)))

/// A poll for builtins that run long (bulk memory and table operations),
/// between chunks of their work; `Fp` is KILN_WASM_FP() of the builtin.
#define KILN_POLL_IN_BUILTIN(Ctx, Pc, Fp)                                      \
  do {                                                                         \
    if (__builtin_expect(::kiln::rt::isFlagged(Ctx), 0))                       \
      if (TrapCode Stop_ = ::kiln::rt::mustStop(Ctx); Stop_ != TrapCode::None) \
        ::kiln::rt::raiseTrap(Stop_, InstanceState::of(Ctx).Mod, 0, Pc, Fp);   \
  } while (0)

/// The watchdog (timers_posix.cc): this thread's calls must stop at
/// `DeadlineNs` (steady clock; 0: no deadline), set at `NowNs` with
/// `BudgetNs` to go, which tells the watchdog how often to look. No lock
/// and no system call unless the watchdog must wake earlier than it
/// planned to.
void watchDeadline(uint64_t DeadlineNs, uint64_t BudgetNs, uint64_t NowNs);

} // namespace kiln::rt

#endif // KILN_RUNTIME_INTERRUPT_H
