//===- runtime/src/interrupt.cc - Stopping calls --------------------------===//

#include "src/interrupt.h"

#include "src/instance.h"
#include "src/stable_pool.h"
#include "src/trap.h"

#include <algorithm>

namespace kiln::rt {

namespace {
// Blocks of 64 contexts: an edge application has a handful of instances.
StablePool<VMContext, 64> &contextPool() {
  static StablePool<VMContext, 64> Pool;
  return Pool;
}

std::atomic<uint64_t> Epoch{0};
/// Calls (outermost ones with an epoch deadline) now running: a tick only
/// sets the words when one may have to stop.
std::atomic<uint32_t> EpochBoundCalls{0};

uint64_t earliest(uint64_t A, uint64_t B) {
  if (!A)
    return B;
  if (!B)
    return A;
  return std::min(A, B);
}
} // namespace

VMContext &acquireContext() {
  VMContext &C = contextPool().acquire();
  // Every field but the word, which flagAllContexts() may be setting now
  // (a set word costs the new instance one check).
  uintptr_t Word = std::atomic_ref<uintptr_t>(C.Interrupt).load();
  C = VMContext{};
  C.Interrupt = Word;
  return C;
}

void releaseContext(VMContext &C) { contextPool().release(C); }

void flagAllContexts() {
  contextPool().forEach([](VMContext &C) {
    std::atomic_ref<uintptr_t>(C.Interrupt).store(1,
                                                  std::memory_order_seq_cst);
  });
}

Error checkBoundable(const InstanceState &S, const Deadline &D,
                     const char *Subject) {
  if (D.hasFuel() && !S.Fueled)
    return Error::make(ErrorKind::Usage,
                       formatString("%s cannot be given fuel: code it can "
                                    "run was compiled without --fuel",
                                    Subject));
  if (!D.isNone() && !S.Interruptible)
    return Error::make(ErrorKind::Usage,
                       formatString("%s cannot be given a deadline: code it "
                                    "can run was compiled with --no-interrupt",
                                    Subject));
  return Error::success();
}

Error armCall(Activation &A, InstanceState &S, const Deadline *D) {
  Activation *Outer = A.Prev;
  A.Inst = &S;
  A.DeadlineNs = Outer ? Outer->DeadlineNs : 0;
  A.EpochDeadline = Outer ? Outer->EpochDeadline : 0;
  const Deadline &Own = D ? *D : S.DefaultDeadline;
  if (Outer)
    A.Fuel = Outer->Fuel; // nested calls charge the enclosing balance
  if (Error E = checkBoundable(S, Own, "this call"))
    return E;
  if (Own.hasFuel()) {
    // Its own balance, never more than what the enclosing call has left;
    // what it uses is charged to the enclosing one in disarmCall().
    A.FuelCell = int64_t(Own.fuelUnits());
    if (Outer)
      A.FuelCell = std::min(A.FuelCell, std::max<int64_t>(*Outer->Fuel, 0));
    A.FuelStart = A.FuelCell;
    A.Fuel = &A.FuelCell;
  }
  if (Own.isNone())
    return Error::success();
  if (Own.isEpochs()) {
    A.EpochDeadline =
        earliest(A.EpochDeadline, currentEpoch() + Own.epochTicks());
    if (!(Outer && Outer->EpochDeadline))
      EpochBoundCalls.fetch_add(1, std::memory_order_seq_cst);
    return Error::success();
  }
  uint64_t Now = steadyNowNs();
  uint64_t Ns = Own.clockNs(Now);
  if (A.DeadlineNs && A.DeadlineNs <= Ns)
    return Error::success(); // an enclosing call's deadline comes first
  A.DeadlineNs = Ns;
  A.OwnsDeadline = true;
  if (Ns <= Now)
    flagAllContexts(); // already past: stop at the first poll
  watchDeadline(Ns, Ns > Now ? Ns - Now : 0, Now);
  return Error::success();
}

void disarmCall(Activation &A) {
  Activation *Outer = A.Prev;
  if (Outer && A.Fuel == &A.FuelCell)
    *Outer->Fuel -= A.FuelStart - A.FuelCell;
  if (A.OwnsDeadline)
    watchDeadline(Outer ? Outer->DeadlineNs : 0, 0, 0);
  if (A.EpochDeadline && !(Outer && Outer->EpochDeadline))
    EpochBoundCalls.fetch_sub(1, std::memory_order_seq_cst);
}

/// Why the calls on this thread must stop now, or null. Consumes an
/// interrupt request it reports.
static const char *stopReason(Activation *Innermost, InstanceState &Running) {
  if (*Innermost->Fuel < 0)
    return "all fuel consumed";
  if (Running.InterruptRequested.exchange(0))
    return "interrupted: interrupt() was called";
  for (Activation *X = Innermost; X; X = X->Prev)
    if (X->Inst && X->Inst->InterruptRequested.exchange(0))
      return "interrupted: interrupt() was called";
  if (Innermost->DeadlineNs && steadyNowNs() >= Innermost->DeadlineNs)
    return "interrupted: deadline exceeded";
  if (Innermost->EpochDeadline && currentEpoch() >= Innermost->EpochDeadline)
    return "interrupted: epoch deadline reached";
  return nullptr;
}

TrapCode mustStop(VMContext *Ctx) {
  // Cleared before looking, so an event after the look sets it again.
  std::atomic_ref<uintptr_t>(Ctx->Interrupt).store(0,
                                                   std::memory_order_seq_cst);
  Activation *A = currentActivation();
  if (!A)
    return TrapCode::None;
  const char *Why = stopReason(A, InstanceState::of(Ctx));
  if (!Why)
    return TrapCode::None;
  A->HostMessage.assign(Why);
  return *A->Fuel < 0 ? TrapCode::OutOfFuel : TrapCode::Interrupted;
}

} // namespace kiln::rt

namespace kiln {

uint64_t currentEpoch() { return rt::Epoch.load(std::memory_order_seq_cst); }

void incrementEpoch() {
  rt::Epoch.fetch_add(1, std::memory_order_seq_cst);
  if (rt::EpochBoundCalls.load(std::memory_order_seq_cst))
    rt::flagAllContexts();
}

} // namespace kiln
