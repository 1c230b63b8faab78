//===- runtime/src/timers_posix.cc - The deadline watchdog and epoch ticks ===//
//
// One watchdog thread serves every wall-clock deadline of the process. A
// call arms its deadline by storing it in its thread's slot: no lock and
// no system call, which a periodic task must not pay on every call. The
// watchdog therefore never waits for news; it looks at the slots:
//
//  - at the earliest armed deadline: sleeping until SpinNs before it and
//    spinning the rest, since a sleeping thread wakes tens of microseconds
//    late (on this kind of VM: 45 us at p50, a millisecond at p99) and a
//    deadline must stop a call within 50 us. A call that finishes earlier
//    disarms its slot and ends the spin; on the CPU of the call it guards
//    the watchdog does not spin (it would keep that call off the CPU), it
//    sleeps to the deadline;
//  - and, while deadlines are being armed, every half of the budget calls
//    typically arm with (a moving average), so that a deadline armed after
//    it went to sleep is seen in time without waking it. Only a deadline
//    earlier than its planned wake-up makes the arming call wake it (one
//    futex call), so the look period is a matter of cost, never of
//    correctness: the rare call released late, with little of its budget
//    left, pays a wake-up, instead of every later call paying the watchdog
//    a look every few tens of microseconds (what the shortest budget ever
//    seen cost: a fifth of a core at 1 kHz in a VM).
//
// A second of no arming and it sleeps until woken.
//
//===----------------------------------------------------------------------===//

#include "src/interrupt.h"
#include "src/stable_pool.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace kiln::rt {

namespace {

constexpr uint64_t Never = ~uint64_t(0);
constexpr uint64_t SpinNs = 300'000;
constexpr uint64_t MinLookNs = 50'000, MaxLookNs = 100'000'000;
constexpr uint64_t IdleAfterNs = 1'000'000'000;

struct ThreadSlot {
  std::atomic<uint64_t> DeadlineNs{0};
  /// The CPU the call armed on (sched_getcpu: glibc reads it from rseq,
  /// no system call), so the watchdog does not spin on that one.
  std::atomic<int> Cpu{-1};
  /// The deadline the watchdog last flagged for (its own bookkeeping).
  uint64_t FlaggedFor = 0;
};

class Watchdog {
public:
  void arm(ThreadSlot &S, uint64_t DeadlineNs, uint64_t BudgetNs,
           uint64_t NowNs) {
    S.DeadlineNs.store(DeadlineNs, std::memory_order_seq_cst);
    if (!DeadlineNs)
      return;
    S.Cpu.store(sched_getcpu(), std::memory_order_relaxed);
    std::call_once(Started, [this] { std::thread([this] { run(); }).detach(); });
    if (BudgetNs) {
      // A moving average over about 16 arms; racing updates lose one, which
      // only nudges the look period.
      uint64_t T = TypicalBudgetNs.load(std::memory_order_relaxed);
      TypicalBudgetNs.store(T ? T - T / 16 + BudgetNs / 16 : BudgetNs,
                            std::memory_order_relaxed);
    }
    if (NowNs) // 0: an enclosing call's deadline back in force, not news
      LastArmNs.store(NowNs, std::memory_order_relaxed);
    // Wake it only if it plans to look too late, and only once until it
    // has looked (calls arming meanwhile would each lock and signal).
    if (DeadlineNs < NextWakeNs.load(std::memory_order_seq_cst) &&
        !KickPending.exchange(1, std::memory_order_seq_cst)) {
      std::lock_guard<std::mutex> Lock(M);
      Kicked = true;
      CV.notify_one();
    }
  }

  StablePool<ThreadSlot, 32> Slots;

private:
  /// Flags the contexts if a slot's deadline passed; the earliest deadline
  /// still ahead.
  uint64_t scan(uint64_t Now, int *EarliestCpu = nullptr) {
    uint64_t Earliest = Never;
    bool Passed = false;
    Slots.forEach([&](ThreadSlot &S) {
      uint64_t D = S.DeadlineNs.load(std::memory_order_seq_cst);
      if (!D)
        return;
      if (D > Now) {
        if (D < Earliest && EarliestCpu)
          *EarliestCpu = S.Cpu.load(std::memory_order_relaxed);
        Earliest = std::min(Earliest, D);
      } else if (S.FlaggedFor != D) {
        S.FlaggedFor = D;
        Passed = true;
      }
    });
    if (Passed)
      flagAllContexts();
    return Earliest;
  }

  uint64_t lookPeriod(uint64_t Now) {
    // A call may have armed after Now was read: then Last is later.
    uint64_t Last = LastArmNs.load(std::memory_order_relaxed);
    if (Now > Last && Now - Last > IdleAfterNs)
      return Never;
    uint64_t Typical = TypicalBudgetNs.load(std::memory_order_relaxed);
    return Typical ? std::clamp(Typical / 2, MinLookNs, MaxLookNs) : MaxLookNs;
  }

  [[noreturn]] void run() {
    // Wake when asked to, not up to 50 us later (the default slack).
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    prctl(PR_SET_NAME, "kiln-watchdog", 0, 0, 0); // for top, ps -L, perf
    // And run at once when woken, even on the core where the runaway call
    // spins, whatever its priority: a normal thread may wait for the
    // scheduler's next slice (a millisecond and more), and a real-time task
    // would never let it run. So SCHED_FIFO just below the top, where the
    // process may use it (as the kernel's own watchdog threads); it runs
    // for microseconds, and spins at most SpinNs per deadline that expires.
    sched_param P{};
    P.sched_priority = sched_get_priority_max(SCHED_FIFO) - 1;
    Realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &P) == 0;
    // It was created by whichever thread armed the first deadline, and has
    // that thread's affinity: a task pinned to its core would pin the
    // watchdog there too, where it must not spin. It takes the process's
    // (the main thread's) instead: isolated cores stay out of it.
    cpu_set_t Cpus;
    if (sched_getaffinity(getpid(), sizeof Cpus, &Cpus) == 0)
      sched_setaffinity(0, sizeof Cpus, &Cpus);
    for (;;) {
      // Looking now: a call arming from here on may have to wake us again.
      KickPending.store(0, std::memory_order_seq_cst);
      uint64_t Now = steadyNowNs();
      int Cpu = -1;
      uint64_t Earliest = scan(Now, &Cpu);
      if (Earliest != Never && Earliest - Now <= SpinNs) {
        // Spin: each pass rescans, and flags once it passes. But not on the
        // CPU of the call it guards, which the spinning watchdog would hold
        // off the CPU: sleep to the deadline there instead.
        if (Cpu < 0 || Cpu != sched_getcpu())
          continue;
        sleepUntil(Earliest);
        continue;
      }
      uint64_t Look = lookPeriod(Now);
      uint64_t Wake = std::min(Earliest, Look == Never ? Never : Now + Look);
      NextWakeNs.store(Wake, std::memory_order_seq_cst);
      // A call that armed before the store may have read the old wake-up
      // and not woken us: look once more now that the store is visible.
      if (scan(steadyNowNs()) < Wake)
        continue;
      // Before a deadline: wake SpinNs early, to spin the rest. Before a
      // look: at the look, which is only there to see new deadlines.
      sleepUntil(Wake == Never ? Never
                 : Wake == Earliest ? Wake - SpinNs
                                    : Wake);
    }
  }

  /// Until `T` (steady clock, or Never) or a call wakes it.
  void sleepUntil(uint64_t T) {
    std::unique_lock<std::mutex> Lock(M);
    auto Ready = [this] { return Kicked; };
    if (T == Never)
      CV.wait(Lock, Ready);
    else
      CV.wait_until(Lock,
                    std::chrono::steady_clock::time_point(
                        std::chrono::nanoseconds(T)),
                    Ready);
    Kicked = false;
  }

  std::mutex M;
  std::condition_variable CV;
  bool Kicked = false;
  bool Realtime = false;
  std::once_flag Started;
  /// Until the thread has planned its first wake-up (0), arming calls need
  /// not wake it: it looks at the slots as soon as it starts.
  std::atomic<uint64_t> NextWakeNs{0};
  std::atomic<uint32_t> KickPending{0};
  std::atomic<uint64_t> TypicalBudgetNs{0}; // 0: none armed yet
  std::atomic<uint64_t> LastArmNs{0};
};

Watchdog &watchdog() {
  // Never destroyed: its thread runs until the process ends.
  static Watchdog *W = new Watchdog();
  return *W;
}

/// This thread's slot, taken at its first deadline, given back at its exit.
struct SlotHolder {
  ThreadSlot *S = nullptr;
  ~SlotHolder() {
    if (S) {
      S->DeadlineNs.store(0);
      watchdog().Slots.release(*S);
    }
  }
};
thread_local SlotHolder ThisThread;

} // namespace

void watchDeadline(uint64_t DeadlineNs, uint64_t BudgetNs, uint64_t NowNs) {
  if (!ThisThread.S) {
    if (!DeadlineNs)
      return;
    ThisThread.S = &watchdog().Slots.acquire();
  }
  watchdog().arm(*ThisThread.S, DeadlineNs, BudgetNs, NowNs);
}

} // namespace kiln::rt

namespace kiln {

struct EpochTicker::Impl {
  std::mutex M;
  std::condition_variable CV;
  bool Stop = false;
  std::thread T;
};

EpochTicker::EpochTicker(std::chrono::nanoseconds Period)
    : P(std::make_unique<Impl>()) {
  P->T = std::thread([I = P.get(), Period] {
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    auto Next = std::chrono::steady_clock::now() + Period;
    std::unique_lock<std::mutex> Lock(I->M);
    while (!I->CV.wait_until(Lock, Next, [I] { return I->Stop; })) {
      incrementEpoch();
      Next += Period;
    }
  });
}

EpochTicker::~EpochTicker() {
  {
    std::lock_guard<std::mutex> Lock(P->M);
    P->Stop = true;
  }
  P->CV.notify_one();
  P->T.join();
}

} // namespace kiln
