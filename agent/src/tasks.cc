//===- agent/src/tasks.cc - Task threads and their figures ----------------===//
//
// A periodic task is released at absolute times on CLOCK_MONOTONIC (the
// clock kiln::steadyNowNs and Deadline::at use), so a late wake-up or a long
// run never shifts the releases after it. A release that comes while the
// previous run is still going is not queued: it is skipped and counted as a
// miss, as a controller's cyclic executive would.
//
//===----------------------------------------------------------------------===//

#include "agent/src/supervisor_impl.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <pthread.h>
#include <sched.h>
#include <shared_mutex>
#include <sys/prctl.h>

namespace kiln::agent {

namespace {

void sleepUntilNs(uint64_t Ns) {
  timespec T;
  T.tv_sec = time_t(Ns / 1'000'000'000);
  T.tv_nsec = long(Ns % 1'000'000'000);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &T, nullptr) == EINTR)
    ;
}

/// SCHED_FIFO at `Priority` for the calling thread, if the process may
/// (root, CAP_SYS_NICE or an RLIMIT_RTPRIO): false when refused.
bool useFifo(int Priority) {
  sched_param P{};
  P.sched_priority = Priority;
  return pthread_setschedparam(pthread_self(), SCHED_FIFO, &P) == 0;
}

/// CPU time of the calling thread: what a call cost, without the time it
/// spent preempted.
uint64_t threadCpuNs() {
  timespec T;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &T);
  return uint64_t(T.tv_sec) * 1'000'000'000 + uint64_t(T.tv_nsec);
}

bool isStopTrap(const Error &E) {
  return E.kind() == ErrorKind::Trap &&
         (E.trapCode() == uint32_t(TrapCode::Interrupted) ||
          E.trapCode() == uint32_t(TrapCode::OutOfFuel));
}

} // namespace

void Supervisor::Impl::logMiss(TaskRun &T, const std::string &What) {
  // At most one line a second per task: a task that misses every period
  // must not flood the log (the figures count every miss).
  uint64_t Now = steadyNowNs(), Unlogged;
  {
    std::lock_guard<std::mutex> Book(T.BookLock);
    ++T.MissesUnlogged;
    if (T.LastMissLogNs && Now - T.LastMissLogNs < 1'000'000'000)
      return;
    T.LastMissLogNs = Now;
    Unlogged = T.MissesUnlogged;
    T.MissesUnlogged = 0;
  }
  log("level=warn task=" + T.Spec->Name + " event=deadline-miss module=" +
      T.Slot->name() + " count=" + std::to_string(Unlogged) + " error=\"" +
      What + "\"");
}

Expected<int64_t> Supervisor::Impl::runOnce(TaskRun &T, uint64_t ReleaseNs) {
  const TaskSpec &Spec = *T.Spec;
  ModuleSlot &S = *T.Slot;
  std::shared_lock<WriterFirstRwLock> Run(RunLock);
  ModuleState St = S.State.load(std::memory_order_acquire);
  std::shared_ptr<Generation> G = S.Current;
  if (!G || St == ModuleState::Failed || St == ModuleState::Stopped) {
    std::lock_guard<std::mutex> Book(T.BookLock);
    ++T.Figures.Skipped;
    return Error::make(ErrorKind::Usage, "module '" + S.name() + "' is " +
                                             moduleStateName(St));
  }
  const Func &F = *G->Resolved[T.ExportIndex];

  const uint64_t Budget = uint64_t(Spec.Deadline.count());
  const uint64_t DeadlineAt = ReleaseNs + Budget;
  Deadline D = Deadline::none();
  if (Budget) {
    // A job released so late that its deadline has passed is not started:
    // it is a miss of the release, and running it would only delay the next.
    if (steadyNowNs() >= DeadlineAt) {
      std::lock_guard<std::mutex> Book(T.BookLock);
      ++T.Figures.Misses;
      ++T.Figures.LateStarts;
      T.recordMiss(ReleaseNs);
      return Error::make(ErrorKind::Usage, "released after its deadline");
    }
    D = Deadline::at(std::chrono::steady_clock::time_point(
        std::chrono::nanoseconds(DeadlineAt)));
  }
  if (S.spec().Limits.Fuel)
    D = D.withFuel(*S.spec().Limits.Fuel);

  alignas(16) uint8_t Slots[1][16] = {};
  failedCallee() = {};
  enteredProbation() = St == ModuleState::Probation ? &S : nullptr;
  // While a new version is on probation, what each call costs in CPU time
  // tells its slowness apart from time the thread spent preempted.
  const bool Watch = OnProbationCount.load(std::memory_order_relaxed) != 0;
  const uint64_t StartCpu = Watch ? threadCpuNs() : 0;
  uint64_t StartNs = steadyNowNs();
  Error E = Error::success();
  {
    std::lock_guard<PiMutex> Call(S.CallLock);
    E = detail::callWithSlots(F, Slots, &D);
  }
  uint64_t EndNs = steadyNowNs();
  const uint64_t CpuNs = Watch ? threadCpuNs() - StartCpu : 0;
  FailedCallee Blamed = failedCallee().Slot ? failedCallee()
                                            : FailedCallee{&S, G.get()};
  ModuleSlot *OnProbation = enteredProbation();
  failedCallee() = {};
  enteredProbation() = nullptr;

  int64_t Result = 0;
  const FuncSig &Sig = funcSig(F);
  if (!Sig.Results.empty() && Sig.Results[0] == ValType::I64) {
    std::memcpy(&Result, Slots[0], sizeof(Result));
  } else if (!Sig.Results.empty()) {
    int32_t R32;
    std::memcpy(&R32, Slots[0], sizeof(R32));
    Result = R32;
  }
  bool Late = Budget && EndNs > DeadlineAt;
  // A new version on probation is blamed for a stop or a late end only when
  // the call itself used at least half of the budget in CPU time: a late
  // release or a preempted thread (the platform's doing) is not held
  // against it.
  if (OnProbation && Budget && ((E && isStopTrap(E)) || (!E && Late)) &&
      CpuNs >= Budget / 2 && OnProbation->ProbationFaults.fetch_add(1) == 0)
    OnProbation->FaultAtNs.store(EndNs);
  {
    std::lock_guard<std::mutex> Book(T.BookLock);
    ++T.Figures.Runs;
    T.Latency.add(EndNs - StartNs);
    T.Jitter.add(StartNs > ReleaseNs ? StartNs - ReleaseNs : 0);
    if (E && isStopTrap(E)) {
      ++T.Figures.Interruptions;
      ++T.Figures.Misses;
      T.recordMiss(ReleaseNs);
    } else if (E) {
      ++T.Figures.Traps;
    } else {
      T.Figures.LastResult = Result;
      if (Late) { // ended past its deadline without a poll seeing it
        ++T.Figures.Misses;
        ++T.Figures.LateEnds;
        T.recordMiss(ReleaseNs);
      }
    }
  }
  if (!E)
    return Result;
  if (!isStopTrap(E)) {
    bool CleanExit = E.kind() == ErrorKind::Exit && E.exitCode() == 0;
    std::string Why = "task '" + Spec.Name + "': " + E.str();
    Run.unlock(); // markFailed may wake the monitor, which takes RunLock
    markFailed(*Blamed.Slot, Blamed.Gen, Why, CleanExit);
  } else {
    logMiss(T, E.str());
  }
  return E;
}

void Supervisor::Impl::periodicLoop(TaskRun &T) {
  const TaskSpec &Spec = *T.Spec;
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); // release on time, not batched
  // "t:NAME" in top -H, ps -L and perf (15 characters at most).
  prctl(PR_SET_NAME, ("t:" + Spec.Name.substr(0, 13)).c_str(), 0, 0, 0);
  bool Fifo = Spec.Priority > 0 && Opts.RealTime && useFifo(Spec.Priority);
  {
    std::lock_guard<std::mutex> Book(T.BookLock);
    T.Figures.RealTime = Fifo;
  }
  if (Spec.Priority > 0 && !Fifo)
    log("level=warn task=" + Spec.Name +
        " event=no-realtime reason=\"SCHED_FIFO refused (needs root, "
        "CAP_SYS_NICE or RLIMIT_RTPRIO); running at normal priority\"");

  const uint64_t Period = uint64_t(Spec.Period.count());
  uint64_t Next = steadyNowNs() + Period;
  // Long periods sleep in slices so that shutdown is never kept waiting.
  constexpr uint64_t Slice = 100'000'000;
  while (!Stopping.load(std::memory_order_relaxed)) {
    uint64_t Now = steadyNowNs();
    if (Next > Now + Slice) {
      sleepUntilNs(Now + Slice);
      continue;
    }
    sleepUntilNs(Next);
    if (Stopping.load(std::memory_order_relaxed))
      break;
    // Its outcome is in the figures already; a failure went to markFailed.
    if (Expected<int64_t> R = runOnce(T, Next); !R)
      R.takeError().consume();
    Next += Period;
    Now = steadyNowNs();
    if (Now >= Next) {
      uint64_t Missed = (Now - Next) / Period + 1;
      std::lock_guard<std::mutex> Book(T.BookLock);
      for (uint64_t I = 0; I < std::min<uint64_t>(Missed, 64); ++I)
        T.recordMiss(Next + I * Period);
      Next += Missed * Period;
      T.Figures.Misses += Missed;
      T.Figures.Overruns += Missed;
    }
  }
}

void Supervisor::Impl::startTaskThreads() {
  for (auto &T : Tasks)
    if (T->Spec->Kind == TaskKind::Periodic)
      T->Thread = std::thread([this, Raw = T.get()] { periodicLoop(*Raw); });
}

} // namespace kiln::agent
