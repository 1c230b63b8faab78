//===- kiln/agent/supervisor.h - Runs an application ------------*- C++ -*-===//
//
// The supervisor instantiates an application's modules in wiring order,
// runs its tasks (each periodic task on a thread of its own, released at
// absolute times, every call bounded by its deadline), restarts modules that
// fail according to their policy, and replaces one module while the others
// keep running:
//
//   * Imports between modules go through a forwarding function that calls
//     the exporting module's *current* instance, so importers call the new
//     version after an update without being restarted.
//   * A task run holds the application's run lock (shared); an update takes
//     it exclusively only to hand over state and switch, so a task run sees
//     either the old module or the new one, never both.
//   * Each instance is entered by one thread at a time (its own lock, with
//     priority inheritance): two tasks may call into one module.
//   * After a switch the new version is on probation: a failing health
//     check, a trap, or a missed deadline in any task rolls it back to the
//     previous version automatically.
//
// A trap, an interrupted call or a missed release is a result that is
// counted, never a crash of the agent.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_SUPERVISOR_H
#define KILN_AGENT_SUPERVISOR_H

#include "kiln/agent/app_check.h"
#include "kiln/agent/manifest.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiln::agent {

struct SupervisorOptions {
  HostEnvironment Env;
  /// How long a new version is watched before it is committed.
  std::chrono::nanoseconds Probation = std::chrono::milliseconds(200);
  /// Use SCHED_FIFO for tasks with a priority when the process may.
  bool RealTime = true;
  /// Where log lines go (one line each, no newline); called under a lock.
  std::function<void(const std::string &)> Log;
};

/// Latency and outcome figures of one task.
struct TaskStatus {
  std::string Name, Module, Export;
  TaskKind Kind = TaskKind::Periodic;
  uint64_t PeriodNs = 0, DeadlineNs = 0;
  uint64_t Runs = 0;          // calls made
  uint64_t Traps = 0;         // calls that trapped
  uint64_t Interruptions = 0; // calls stopped at their deadline
  /// Every period that did not end in time: Interruptions + LateStarts +
  /// LateEnds + Overruns.
  uint64_t Misses = 0;
  uint64_t LateStarts = 0; // released so late the deadline had passed: not run
  uint64_t LateEnds = 0;   // ended after the deadline, no poll saw it pass
  uint64_t Overruns = 0;   // releases skipped: the run before was still going
  uint64_t Skipped = 0;       // runs not made: the module was down
  /// Call latency over the last runs (up to 4096), ns.
  uint64_t P50Ns = 0, P99Ns = 0, MaxNs = 0;
  /// How late releases started (wake-up jitter), over the same window.
  uint64_t JitterP99Ns = 0, JitterMaxNs = 0;
  bool RealTime = false; // SCHED_FIFO was granted
  int64_t LastResult = 0; // of the last run that returned a value
};

enum class ModuleState : uint8_t { Running, Failed, Stopped, Probation };
const char *moduleStateName(ModuleState S);

struct ModuleStatus {
  std::string Name, Version, Sha256;
  ModuleState State = ModuleState::Running;
  uint64_t Restarts = 0;
  uint64_t Updates = 0, Rollbacks = 0;
  std::string PreviousVersion; // empty: none kept
  std::string LastError;
};

struct AppStatus {
  std::string Name;
  uint64_t UptimeNs = 0;
  std::vector<ModuleStatus> Modules;
  std::vector<TaskStatus> Tasks;
};

/// What an update did.
struct UpdateReport {
  bool Committed = false;   // false: rolled back (Reason says why)
  std::string Reason;
  bool StateCarried = false;
  uint64_t SwitchNs = 0;    // the exclusive section: save, copy, restore, swap
  /// Periods any task missed whose job the switch could have delayed: those
  /// released from one deadline before the exclusive section to its end.
  uint64_t MissesAtSwitch = 0;
  uint64_t RollbackNs = 0;  // from the fault to the old version back in place
};

class Supervisor {
public:
  /// Checks the application (checkApplication), instantiates every module
  /// and starts the tasks.
  static Expected<std::unique_ptr<Supervisor>>
  start(Manifest M, ArtifactSet Artifacts, SupervisorOptions Opts);
  ~Supervisor(); // stops everything

  AppStatus status() const;
  /// The manifest as it stands (updates change a module's artifact, digest
  /// and version).
  Manifest manifest() const;

  /// Replaces module `Module` by `Artifact` (verified and checked against
  /// the wiring first), hands over state, switches, runs the health check
  /// and watches the probation; rolls back on any failure. Blocks until
  /// committed or rolled back. An Error means nothing changed (refused
  /// before the switch).
  Expected<UpdateReport> update(const std::string &Module,
                                VerifiedArtifact Artifact,
                                const std::string &Version);
  /// Goes back to the version before the last committed update.
  Expected<UpdateReport> rollback(const std::string &Module);

  /// The artifact module `Module` runs now.
  std::optional<VerifiedArtifact> currentArtifact(const std::string &Module) const;

  /// Stops a module's tasks from calling it (importers' calls fail) / starts
  /// it again with a fresh instance.
  Error stopModule(const std::string &Module);
  Error startModule(const std::string &Module);
  /// Runs an on-demand task once, now; its result.
  Expected<int64_t> runTask(const std::string &Task);

  /// Stops every task and waits for them.
  void shutdown();

  struct Impl;

private:
  explicit Supervisor(std::unique_ptr<Impl> P);
  std::unique_ptr<Impl> P;
};

} // namespace kiln::agent

#endif // KILN_AGENT_SUPERVISOR_H
