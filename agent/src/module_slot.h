//===- agent/src/module_slot.h - One module of a running application -*- C++ -*-===//
//
// A slot is a module of the application as the supervisor sees it: a name
// other modules import from, holding the instance that currently answers
// (a Generation), the one before it (for rollback), and the lock that lets
// one thread at a time into the instance.
//
// Importers never hold an instance of the slot. Each function they import
// from it is a forwarder bound to (slot, export): every call finds the
// slot's current generation, so replacing it needs nothing from them.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_MODULE_SLOT_H
#define KILN_AGENT_MODULE_SLOT_H

#include "agent/src/rt_locks.h"
#include "kiln/agent/app_check.h"
#include "kiln/agent/manifest.h"
#include "kiln/agent/supervisor.h"
#include "kiln/runtime.h"
#include "kiln/wasi.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kiln::agent {

class ModuleSlot;

/// One instance of one version of a module, with what it needs to live.
struct Generation {
  VerifiedArtifact Artifact;
  std::string Version;
  std::shared_ptr<Module> Mod;
  std::unique_ptr<Linker> Store; // owns the instance's memories' limits
  std::shared_ptr<WasiContext> Wasi;
  std::unique_ptr<Instance> Inst;
  /// The exports called from outside the instance, resolved once when it is
  /// made (by the slot's exportIndex): those importers are wired to and
  /// those tasks call. Nothing looks an export up by name per call.
  std::vector<std::shared_ptr<Func>> Resolved;
};

/// Which module, and which instance of it, a failed call failed in: set by
/// the forwarder that saw a callee fail, so that a task blames the callee,
/// not its own module. Per thread: each task runs on its own.
struct FailedCallee {
  ModuleSlot *Slot = nullptr;
  const Generation *Gen = nullptr;
};
FailedCallee &failedCallee();

/// The module on probation that the running task's call entered, if any
/// (set by the task and by forwarders; per thread).
ModuleSlot *&enteredProbation();

class ModuleSlot {
public:
  ModuleSlot(ModuleSpec Spec, const std::vector<std::string> &ResolvedNames)
      : Spec(std::move(Spec)), ResolvedNames(ResolvedNames) {}

  const ModuleSpec &spec() const { return Spec; }
  const std::string &name() const { return Spec.Name; }

  /// Instantiates `Art` as a new generation: its imports from other modules
  /// become forwarders to `Slots`, its host imports come from `Env`, its
  /// limits from the manifest. Runs its start function.
  Expected<std::shared_ptr<Generation>>
  instantiate(VerifiedArtifact Art, std::string Version,
              const std::map<std::string, ModuleSlot *> &Slots,
              const HostEnvironment &Env) const;

  /// The index of export `Name` in every generation's Resolved (the names
  /// are registered at start: other modules' imports, the tasks' exports).
  std::optional<size_t> exportIndex(std::string_view Name) const;

  // Everything below is read by task threads under the application's run
  // lock (shared) and changed by the supervisor under it (exclusive).
  std::shared_ptr<Generation> Current;
  /// While a new version is on probation: the version it replaced, still
  /// instantiated, so that a rollback is a switch back and nothing more.
  std::shared_ptr<Generation> Standby;
  std::atomic<ModuleState> State{ModuleState::Running};

  /// The version before the last committed update (`kiln ctl rollback`
  /// installs it again like any update).
  std::optional<VerifiedArtifact> PreviousArtifact;
  std::string PreviousVersion;

  /// One thread at a time inside the instance (tasks on several threads may
  /// call the same module).
  PiMutex CallLock;

  // Bookkeeping for status and the restart policy (supervisor's lock).
  uint64_t Restarts = 0, Updates = 0, Rollbacks = 0;
  uint64_t FailedAtNs = 0;    // when it last failed
  uint64_t StartedAtNs = 0;   // when its current instance started
  uint64_t NextBackoffNs = 0; // the wait before the next restart
  std::string LastError;

  /// While on probation: calls into this module stopped at their deadline
  /// although they started with at least half of it ahead of them, and
  /// when the first such fault (or a trap) was seen.
  std::atomic<uint64_t> ProbationFaults{0};
  std::atomic<uint64_t> FaultAtNs{0};

private:
  ModuleSpec Spec;
  std::vector<std::string> ResolvedNames;
};

/// The state hand-over convention (docs/manifest.md): asks `From` to save
/// its state, copies it into `To`'s state area and asks `To` to restore it.
/// False with a reason when either side lacks the convention or refuses.
Error handOverState(Generation &From, Generation &To);

/// Whether a generation exports the state hand-over functions.
bool handsOverState(const Generation &G);

/// Runs the health check of `G` if its module has one: an Error when it
/// traps or returns non-zero.
Error checkHealth(const ModuleSpec &Spec, Generation &G,
                  std::chrono::nanoseconds Bound);

} // namespace kiln::agent

#endif // KILN_AGENT_MODULE_SLOT_H
