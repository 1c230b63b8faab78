//===- agent/src/supervisor_impl.h - The supervisor's insides ----*- C++ -*-===//
//
// Shared by supervisor.cc (lifecycle, restarts, updates) and tasks.cc (the
// task threads and their figures).
//
// Locks, always taken in this order:
//   AdminLock   one administrative operation at a time (update, rollback,
//               stop, start, restart);
//   RunLock     shared by every call into the application (task runs,
//               health checks, start functions), exclusive for a switch;
//   CallLock    of each module, in wiring order (importer before exporter:
//               the wiring has no cycle, so neither have the locks);
//   BookLock    short: a slot's bookkeeping, a task's figures.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_SUPERVISOR_IMPL_H
#define KILN_AGENT_SUPERVISOR_IMPL_H

#include "agent/src/latency_window.h"
#include "agent/src/module_slot.h"
#include "agent/src/rt_locks.h"
#include "kiln/agent/supervisor.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace kiln::agent {

struct TaskRun {
  const TaskSpec *Spec = nullptr;
  ModuleSlot *Slot = nullptr;
  size_t ExportIndex = 0; // of Spec->Export in Slot's generations' Resolved
  std::thread Thread; // periodic tasks only

  mutable std::mutex BookLock; // the figures below
  TaskStatus Figures;
  LatencyWindow Latency, Jitter;
  uint64_t LastMissLogNs = 0, MissesUnlogged = 0; // log rate limit

  /// The release times of the latest misses, so that an update can say
  /// whether its switch made any task miss a period.
  std::array<uint64_t, 64> MissReleases{};
  size_t MissCount = 0;
  void recordMiss(uint64_t ReleaseNs) { // under BookLock
    MissReleases[MissCount++ % MissReleases.size()] = ReleaseNs;
  }
  /// Misses released in [From, To] among the latest (under BookLock).
  uint64_t missesReleasedIn(uint64_t From, uint64_t To) const {
    uint64_t N = 0;
    size_t Kept = std::min(MissCount, MissReleases.size());
    for (size_t I = 0; I < Kept; ++I)
      N += MissReleases[I] >= From && MissReleases[I] <= To;
    return N;
  }
};

struct Supervisor::Impl {
  Manifest M;
  SupervisorOptions Opts;
  uint64_t StartNs = 0;

  std::map<std::string, std::unique_ptr<ModuleSlot>> Slots;
  std::map<std::string, ModuleSlot *> SlotIndex; // for forwarders
  std::vector<std::unique_ptr<TaskRun>> Tasks;

  std::mutex AdminLock;
  WriterFirstRwLock RunLock;
  mutable std::mutex BookLock; // slots' bookkeeping, the manifest copy

  // int, not bool: a one-byte exchange needs libatomic on RISC-V.
  std::atomic<int> Stopping{0};
  /// Modules on probation now (tasks measure their calls' CPU time then).
  std::atomic<int> OnProbationCount{0};
  std::mutex WakeLock;
  std::condition_variable Wake; // a module failed; or stopping
  std::thread Monitor;

  void log(const std::string &Line);

  // tasks.cc
  void startTaskThreads();
  void periodicLoop(TaskRun &T);
  /// One run of T released at `ReleaseNs`; the call's result (0 for a
  /// task without one, an i32 sign-extended).
  Expected<int64_t> runOnce(TaskRun &T, uint64_t ReleaseNs);
  /// Logs a stopped call, at most once a second per task.
  void logMiss(TaskRun &T, const std::string &What);

  // supervisor.cc
  /// Marks `S` failed because its instance `Gen` failed; nothing if `S` no
  /// longer runs `Gen` (another thread's failure restarted it already).
  void markFailed(ModuleSlot &S, const Generation *Gen, const std::string &Why,
                  bool CleanExit);
  void monitorLoop();
  Error restart(ModuleSlot &S);
  Expected<UpdateReport> install(ModuleSlot &S, VerifiedArtifact Art,
                                 const std::string &Version);
};

} // namespace kiln::agent

#endif // KILN_AGENT_SUPERVISOR_IMPL_H
