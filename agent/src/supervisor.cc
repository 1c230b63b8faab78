//===- agent/src/supervisor.cc - Runs an application ----------------------===//

#include "agent/src/supervisor_impl.h"

#include "kiln/agent/state_dir.h"
#include "kiln/sha256.h"

#include <algorithm>
#include <set>
#include <shared_mutex>
#include <sys/prctl.h>

namespace kiln::agent {

const char *moduleStateName(ModuleState S) {
  switch (S) {
  case ModuleState::Running:
    return "running";
  case ModuleState::Failed:
    return "failed";
  case ModuleState::Stopped:
    return "stopped";
  case ModuleState::Probation:
    return "probation";
  }
  return "?";
}

void Supervisor::Impl::log(const std::string &Line) {
  if (Opts.Log)
    Opts.Log(Line);
}

namespace {

/// For each module, the names of its exports called from outside it: those
/// other modules import and those its tasks call (each gets an index into
/// every generation's Resolved).
std::map<std::string, std::vector<std::string>>
resolvedExports(const Manifest &M, const ArtifactSet &Arts) {
  std::map<std::string, std::set<std::string>> Sets;
  for (const ModuleSpec &S : M.Modules)
    for (const format::ImportRec &I : Arts.at(S.Name).Record.Imports)
      for (const Binding &B : S.Imports)
        if (B.ImportModule == I.Module &&
            B.Kind == Binding::Provider::AppModule)
          Sets[B.Target].insert(I.Field);
  for (const TaskSpec &T : M.Tasks)
    Sets[T.Module].insert(T.Export);
  std::map<std::string, std::vector<std::string>> Out;
  for (auto &[Name, Set] : Sets)
    Out[Name].assign(Set.begin(), Set.end());
  return Out;
}

std::chrono::nanoseconds healthBound(const ModuleSpec &S) {
  return S.Limits.Deadline ? *S.Limits.Deadline : std::chrono::seconds(1);
}

} // namespace

Expected<std::unique_ptr<Supervisor>>
Supervisor::start(Manifest M, ArtifactSet Arts, SupervisorOptions Opts) {
  if (Error E = checkWiring(M, Arts, Opts.Env))
    return E;
  auto P = std::make_unique<Impl>();
  P->M = std::move(M);
  P->Opts = std::move(Opts);
  P->StartNs = steadyNowNs();

  std::map<std::string, std::vector<std::string>> Resolved =
      resolvedExports(P->M, Arts);
  for (const ModuleSpec &S : P->M.Modules) {
    auto Slot = std::make_unique<ModuleSlot>(S, Resolved[S.Name]);
    P->SlotIndex[S.Name] = Slot.get();
    P->Slots[S.Name] = std::move(Slot);
  }
  // Exporters first: a start function may call what its module imports.
  for (const ModuleSpec *S : P->M.instantiationOrder()) {
    ModuleSlot &Slot = *P->Slots[S->Name];
    std::shared_lock<WriterFirstRwLock> Run(P->RunLock);
    Expected<std::shared_ptr<Generation>> G = Slot.instantiate(
        std::move(Arts.at(S->Name)), S->Version, P->SlotIndex, P->Opts.Env);
    if (!G) {
      Error E = G.takeError();
      ErrorKind K = E.kind();
      return Error::make(K, "module '" + S->Name + "': " + E.str());
    }
    Slot.Current = std::move(*G);
    Slot.StartedAtNs = steadyNowNs();
    Slot.NextBackoffNs = uint64_t(S->Backoff.count());
    P->log("level=info module=" + S->Name + " event=started version=" +
           S->Version);
  }
  for (const TaskSpec &T : P->M.Tasks) {
    auto Run = std::make_unique<TaskRun>();
    Run->Spec = &T;
    Run->Slot = P->Slots.at(T.Module).get();
    Run->ExportIndex = *Run->Slot->exportIndex(T.Export);
    Run->Figures.Name = T.Name;
    Run->Figures.Module = T.Module;
    Run->Figures.Export = T.Export;
    Run->Figures.Kind = T.Kind;
    Run->Figures.PeriodNs = uint64_t(T.Period.count());
    Run->Figures.DeadlineNs = uint64_t(T.Deadline.count());
    P->Tasks.push_back(std::move(Run));
  }
  for (auto &T : P->Tasks)
    if (T->Spec->Kind == TaskKind::OnStart)
      if (Expected<int64_t> R = P->runOnce(*T, steadyNowNs()); !R)
        P->log("level=error task=" + T->Spec->Name +
               " event=on-start-failed error=\"" + R.takeError().str() +
               "\"");
  P->Monitor = std::thread([Raw = P.get()] { Raw->monitorLoop(); });
  P->startTaskThreads();
  return std::unique_ptr<Supervisor>(new Supervisor(std::move(P)));
}

Supervisor::Supervisor(std::unique_ptr<Impl> P) : P(std::move(P)) {}
Supervisor::~Supervisor() { shutdown(); }

void Supervisor::shutdown() {
  if (P->Stopping.exchange(1))
    return;
  {
    std::lock_guard<std::mutex> L(P->WakeLock);
    P->Wake.notify_all();
  }
  for (auto &T : P->Tasks)
    if (T->Thread.joinable())
      T->Thread.join();
  if (P->Monitor.joinable())
    P->Monitor.join();
}

void Supervisor::Impl::markFailed(ModuleSlot &S, const Generation *Gen,
                                  const std::string &Why, bool CleanExit) {
  std::shared_lock<WriterFirstRwLock> Run(RunLock); // S.Current is stable
  if (S.Current.get() != Gen)
    return;
  ModuleState Old = S.State.load();
  if (Old == ModuleState::Failed || Old == ModuleState::Stopped)
    return;
  bool Restart = S.spec().Restart == RestartPolicy::Always ||
                 (S.spec().Restart == RestartPolicy::OnFailure && !CleanExit);
  {
    std::lock_guard<std::mutex> Book(BookLock);
    uint64_t Now = steadyNowNs();
    // A module that ran longer than its longest back-off since its last
    // restart starts again from the shortest one.
    if (Now - S.StartedAtNs > uint64_t(S.spec().MaxBackoff.count()))
      S.NextBackoffNs = uint64_t(S.spec().Backoff.count());
    S.FailedAtNs = Now;
    S.LastError = Why;
  }
  // Probation failures are the updater's to handle (it rolls back).
  if (Old != ModuleState::Probation)
    S.State.store(CleanExit && !Restart ? ModuleState::Stopped
                                        : ModuleState::Failed);
  else
    S.State.store(ModuleState::Failed);
  log(std::string("level=error module=") + S.name() + " event=" +
      (CleanExit ? "exited" : "failed") + " restart=" +
      (Restart && Old != ModuleState::Probation ? "yes" : "no") +
      " error=\"" + Why + "\"");
  std::lock_guard<std::mutex> L(WakeLock);
  Wake.notify_all();
}

Error Supervisor::Impl::restart(ModuleSlot &S) {
  std::shared_ptr<Generation> Old = S.Current;
  Expected<std::shared_ptr<Generation>> G = [&] {
    std::shared_lock<WriterFirstRwLock> Run(RunLock);
    return S.instantiate(Old->Artifact, Old->Version, SlotIndex, Opts.Env);
  }();
  if (!G)
    return G.takeError();
  {
    std::unique_lock<WriterFirstRwLock> Run(RunLock);
    S.Current = std::move(*G);
    S.State.store(ModuleState::Running);
  }
  std::lock_guard<std::mutex> Book(BookLock);
  ++S.Restarts;
  S.StartedAtNs = steadyNowNs();
  return Error::success();
}

void Supervisor::Impl::monitorLoop() {
  prctl(PR_SET_NAME, "kiln-monitor", 0, 0, 0);
  while (!Stopping.load()) {
    // Asleep until a module fails (markFailed wakes it) or a restart falls
    // due: an idle agent does not poll.
    uint64_t Due = steadyNowNs() + 1'000'000'000;
    {
      std::lock_guard<std::mutex> Book(BookLock);
      for (auto &[Name, S] : Slots)
        if (S->State.load() == ModuleState::Failed &&
            S->spec().Restart != RestartPolicy::Never)
          Due = std::min(Due, S->FailedAtNs + S->NextBackoffNs);
    }
    {
      std::unique_lock<std::mutex> L(WakeLock);
      Wake.wait_until(L, std::chrono::steady_clock::time_point(
                             std::chrono::nanoseconds(Due)));
    }
    if (Stopping.load())
      break;
    std::lock_guard<std::mutex> Admin(AdminLock);
    for (auto &[Name, S] : Slots) {
      if (S->State.load() != ModuleState::Failed ||
          S->spec().Restart == RestartPolicy::Never)
        continue;
      uint64_t Due;
      {
        std::lock_guard<std::mutex> Book(BookLock);
        Due = S->FailedAtNs + S->NextBackoffNs;
      }
      if (steadyNowNs() < Due)
        continue;
      Error E = restart(*S);
      std::lock_guard<std::mutex> Book(BookLock);
      S->NextBackoffNs = std::min<uint64_t>(
          S->NextBackoffNs * 2, uint64_t(S->spec().MaxBackoff.count()));
      if (E) {
        S->FailedAtNs = steadyNowNs();
        S->LastError = "restart failed: " + E.str();
        log("level=error module=" + Name + " event=restart-failed error=\"" +
            S->LastError + "\"");
      } else {
        log("level=info module=" + Name + " event=restarted restarts=" +
            std::to_string(S->Restarts));
      }
    }
  }
}

Expected<UpdateReport> Supervisor::Impl::install(ModuleSlot &S,
                                                 VerifiedArtifact Art,
                                                 const std::string &Version) {
  // The wiring with the new artifact in place of the old one.
  {
    ArtifactSet Arts;
    for (auto &[Name, Slot] : Slots)
      Arts[Name] = Slot->Current->Artifact;
    Arts[S.name()] = Art;
    if (Error E = checkWiring(M, Arts, Opts.Env))
      return E;
  }
  ModuleState Before = S.State.load();
  if (Before == ModuleState::Probation)
    return Error::make(ErrorKind::Usage,
                       "module '" + S.name() + "' is on probation already");

  Expected<std::shared_ptr<Generation>> New = [&] {
    std::shared_lock<WriterFirstRwLock> Run(RunLock);
    return S.instantiate(Art, Version, SlotIndex, Opts.Env);
  }();
  if (!New)
    return New.takeError();

  UpdateReport R;
  std::shared_ptr<Generation> Old = S.Current;
  const uint64_t AskedNs = steadyNowNs(); // before waiting for the boundary
  uint64_t SwitchedNs;
  {
    // The task boundary: no task run is inside the application now.
    std::unique_lock<WriterFirstRwLock> Run(RunLock);
    uint64_t T0 = steadyNowNs();
    if (Before == ModuleState::Running && handsOverState(*Old) &&
        handsOverState(**New)) {
      if (Error E = handOverState(*Old, **New))
        return Error::make(ErrorKind::Refused,
                           "state hand-over failed, nothing changed: " +
                               E.str());
      R.StateCarried = true;
    }
    S.Standby = Old;
    S.Current = *New;
    S.ProbationFaults.store(0);
    S.FaultAtNs.store(0);
    S.State.store(ModuleState::Probation);
    ++OnProbationCount;
    SwitchedNs = steadyNowNs();
    R.SwitchNs = SwitchedNs - T0;
  }
  crashPoint("switched");
  log("level=info module=" + S.name() + " event=switched version=" + Version +
      " switch_ns=" + std::to_string(R.SwitchNs) +
      " state=" + (R.StateCarried ? "carried" : "fresh"));

  // Health, then the probation window: a trap in the new version, or a
  // call into it stopped at its deadline, rolls back.
  std::string Failure;
  uint64_t FailureNs = 0; // when the fault happened
  {
    std::shared_lock<WriterFirstRwLock> Run(RunLock);
    std::lock_guard<PiMutex> Call(S.CallLock);
    if (Error E = checkHealth(S.spec(), *S.Current, healthBound(S.spec()))) {
      Failure = E.str();
      FailureNs = steadyNowNs();
    }
  }
  uint64_t End = steadyNowNs() + uint64_t(Opts.Probation.count());
  while (Failure.empty() && !Stopping.load()) {
    if (S.State.load() == ModuleState::Failed) {
      std::lock_guard<std::mutex> Book(BookLock);
      Failure = S.LastError;
      FailureNs = S.FailedAtNs;
    } else if (uint64_t F = S.ProbationFaults.load()) {
      Failure = std::to_string(F) +
                " call(s) into the new version stopped at their deadline";
      FailureNs = S.FaultAtNs.load();
    } else if (steadyNowNs() >= End) {
      break;
    } else {
      // Woken by markFailed; a deadline fault is seen within 1 ms.
      std::unique_lock<std::mutex> L(WakeLock);
      Wake.wait_for(L, std::chrono::milliseconds(1));
    }
  }

  // By now (the probation is longer than any deadline of the 1 kHz kind it
  // matters for) every job the switch could have delayed has ended.
  for (const auto &T : Tasks) {
    std::lock_guard<std::mutex> Book(T->BookLock);
    uint64_t Deadline = T->Figures.DeadlineNs;
    R.MissesAtSwitch += T->missesReleasedIn(
        AskedNs > Deadline ? AskedNs - Deadline : 0, SwitchedNs);
  }

  if (!Failure.empty()) {
    {
      std::unique_lock<WriterFirstRwLock> Run(RunLock);
      S.Current = S.Standby;
      S.Standby.reset();
      --OnProbationCount;
      S.State.store(Before == ModuleState::Probation ? ModuleState::Running
                                                     : Before);
    }
    uint64_t Back = steadyNowNs();
    R.RollbackNs = Back > FailureNs ? Back - FailureNs : 0;
    R.Reason = Failure;
    std::lock_guard<std::mutex> Book(BookLock);
    ++S.Rollbacks;
    log("level=error module=" + S.name() + " event=rolled-back version=" +
        Version + " back_to=" + S.Current->Version + " rollback_ns=" +
        std::to_string(R.RollbackNs) + " reason=\"" + Failure + "\"");
    return R;
  }

  {
    std::unique_lock<WriterFirstRwLock> Run(RunLock);
    S.Standby.reset();
    S.State.store(ModuleState::Running);
    --OnProbationCount;
  }
  std::lock_guard<std::mutex> Book(BookLock);
  S.PreviousArtifact = Old->Artifact;
  S.PreviousVersion = Old->Version;
  ++S.Updates;
  S.StartedAtNs = steadyNowNs();
  for (ModuleSpec &Spec : M.Modules)
    if (Spec.Name == S.name()) {
      Spec.Sha256 = sha256Hex(S.Current->Artifact.Bytes);
      Spec.Version = Version;
      Spec.Artifact = S.Current->Artifact.Path;
    }
  R.Committed = true;
  log("level=info module=" + S.name() + " event=committed version=" + Version +
      " misses_at_switch=" + std::to_string(R.MissesAtSwitch));
  return R;
}

Expected<UpdateReport> Supervisor::update(const std::string &Module,
                                          VerifiedArtifact Art,
                                          const std::string &Version) {
  std::lock_guard<std::mutex> Admin(P->AdminLock);
  auto It = P->Slots.find(Module);
  if (It == P->Slots.end())
    return Error::make(ErrorKind::Usage,
                       "no module named '" + Module + "' in the application");
  return P->install(*It->second, std::move(Art), Version);
}

Expected<UpdateReport> Supervisor::rollback(const std::string &Module) {
  std::lock_guard<std::mutex> Admin(P->AdminLock);
  auto It = P->Slots.find(Module);
  if (It == P->Slots.end())
    return Error::make(ErrorKind::Usage,
                       "no module named '" + Module + "' in the application");
  ModuleSlot &S = *It->second;
  std::optional<VerifiedArtifact> Prev;
  std::string Version;
  {
    std::lock_guard<std::mutex> Book(P->BookLock);
    Prev = S.PreviousArtifact;
    Version = S.PreviousVersion;
  }
  if (!Prev)
    return Error::make(ErrorKind::Usage,
                       "module '" + Module + "' has no previous version");
  return P->install(S, std::move(*Prev), Version);
}

Error Supervisor::stopModule(const std::string &Module) {
  std::lock_guard<std::mutex> Admin(P->AdminLock);
  auto It = P->Slots.find(Module);
  if (It == P->Slots.end())
    return Error::make(ErrorKind::Usage, "no module named '" + Module + "'");
  std::unique_lock<WriterFirstRwLock> Run(P->RunLock);
  It->second->State.store(ModuleState::Stopped);
  P->log("level=info module=" + Module + " event=stopped");
  return Error::success();
}

Error Supervisor::startModule(const std::string &Module) {
  std::lock_guard<std::mutex> Admin(P->AdminLock);
  auto It = P->Slots.find(Module);
  if (It == P->Slots.end())
    return Error::make(ErrorKind::Usage, "no module named '" + Module + "'");
  ModuleState St = It->second->State.load();
  if (St == ModuleState::Running || St == ModuleState::Probation)
    return Error::make(ErrorKind::Usage,
                       "module '" + Module + "' is " + moduleStateName(St));
  if (Error E = P->restart(*It->second))
    return E;
  P->log("level=info module=" + Module + " event=started-by-request");
  return Error::success();
}

Expected<int64_t> Supervisor::runTask(const std::string &Task) {
  for (auto &T : P->Tasks)
    if (T->Spec->Name == Task)
      return P->runOnce(*T, steadyNowNs());
  return Error::make(ErrorKind::Usage, "no task named '" + Task + "'");
}

AppStatus Supervisor::status() const {
  AppStatus A;
  A.Name = P->M.Name;
  A.UptimeNs = steadyNowNs() - P->StartNs;
  {
    std::shared_lock<WriterFirstRwLock> Run(P->RunLock);
    std::lock_guard<std::mutex> Book(P->BookLock);
    for (const ModuleSpec &Spec : P->M.Modules) {
      const ModuleSlot &S = *P->Slots.at(Spec.Name);
      ModuleStatus M;
      M.Name = Spec.Name;
      M.Version = S.Current ? S.Current->Version : "";
      M.Sha256 = S.Current ? sha256Hex(S.Current->Artifact.Bytes) : "";
      M.State = S.State.load();
      M.Restarts = S.Restarts;
      M.Updates = S.Updates;
      M.Rollbacks = S.Rollbacks;
      M.PreviousVersion = S.PreviousVersion;
      M.LastError = S.LastError;
      A.Modules.push_back(std::move(M));
    }
  }
  for (const auto &T : P->Tasks) {
    std::lock_guard<std::mutex> Book(T->BookLock);
    TaskStatus S = T->Figures;
    S.P50Ns = T->Latency.percentile(50);
    S.P99Ns = T->Latency.percentile(99);
    S.MaxNs = T->Latency.max();
    S.JitterP99Ns = T->Jitter.percentile(99);
    S.JitterMaxNs = T->Jitter.max();
    A.Tasks.push_back(std::move(S));
  }
  return A;
}

std::optional<VerifiedArtifact>
Supervisor::currentArtifact(const std::string &Module) const {
  auto It = P->Slots.find(Module);
  if (It == P->Slots.end())
    return std::nullopt;
  std::shared_lock<WriterFirstRwLock> Run(P->RunLock);
  return It->second->Current->Artifact;
}

Manifest Supervisor::manifest() const {
  std::lock_guard<std::mutex> Book(P->BookLock);
  return P->M;
}

} // namespace kiln::agent
