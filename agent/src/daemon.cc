//===- agent/src/daemon.cc - kiln agent ------------------------------------===//

#include "kiln/agent/daemon.h"

#include "kiln/agent/bundle.h"
#include "kiln/agent/control.h"
#include "kiln/agent/state_dir.h"
#include "kiln/agent/status_report.h"
#include "kiln/sha256.h"
#include "kiln/signature.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#if KILN_HAVE_SODIUM
#include <sodium.h>
#endif

namespace kiln::agent {

namespace {

constexpr size_t LogLines = 1000;

/// Removes a directory of plain files (the unpacked bundle).
void removeDirectory(const std::string &Dir) {
  if (DIR *D = ::opendir(Dir.c_str())) {
    while (dirent *E = ::readdir(D))
      if (E->d_name[0] != '.')
        ::unlink((Dir + "/" + E->d_name).c_str());
    ::closedir(D);
  }
  ::rmdir(Dir.c_str());
}

/// The manifest's shape: everything but which artifact each module runs.
/// Two manifests of one shape differ only by module updates.
std::string shapeOf(Manifest M) {
  for (ModuleSpec &S : M.Modules) {
    S.Artifact.clear();
    S.Sha256.clear();
    S.Version.clear();
  }
  return writeManifest(M);
}

/// A bundle's manifest signature against the trusted keys.
Error checkManifestSignature(const BundleFiles &Files,
                             const std::vector<format::PublicKey> &Keys) {
  if (Keys.empty())
    return Error::success();
  auto Sig = Files.find(BundleSignatureName);
  if (Sig == Files.end())
    return Error::make(ErrorKind::Refused,
                       "the bundle's manifest is not signed, and this agent "
                       "trusts only signed applications");
  const std::vector<uint8_t> &Manifest = Files.at(BundleManifestName);
  std::vector<uint8_t> Signed = Manifest;
  Signed.insert(Signed.end(), Sig->second.begin(), Sig->second.end());
  format::SignedFile F = format::splitSignature(Signed);
  if (!F.Block || F.Artifact.size() != Manifest.size())
    return Error::make(ErrorKind::Refused,
                       std::string(BundleSignatureName) +
                           " is not a signature block");
  if (std::find(Keys.begin(), Keys.end(), F.Block->Key) == Keys.end())
    return Error::make(ErrorKind::Refused,
                       "the bundle's manifest is signed by a key this agent "
                       "does not trust");
#if KILN_HAVE_SODIUM
  if (sodium_init() < 0 ||
      crypto_sign_verify_detached(F.Block->Signature.data(), Manifest.data(),
                                  Manifest.size(), F.Block->Key.data()) != 0)
    return Error::make(ErrorKind::Refused,
                       "the bundle's manifest signature does not verify: it "
                       "was changed after signing");
  return Error::success();
#else
  return Error::make(ErrorKind::Refused,
                     "this agent has no Ed25519 (built without libsodium)");
#endif
}

class Agent {
public:
  Agent(AgentConfig C, StateDir D) : Config(std::move(C)), Dir(std::move(D)) {
    auto Outer = Config.Sup.Log;
    Config.Sup.Log = [this, Outer](const std::string &Line) {
      std::lock_guard<std::mutex> L(LogLock);
      Logs.push_back(Line);
      if (Logs.size() > LogLines)
        Logs.pop_front();
      if (Outer)
        Outer(Line);
    };
  }

  Error start();
  ControlReply handle(const std::vector<std::string> &W);
  AppStatus finish() {
    if (!Sup)
      return AppStatus();
    AppStatus S = Sup->status();
    Sup->shutdown();
    return S;
  }
  std::atomic<bool> ShutdownRequested{false};

private:
  void log(const std::string &L) { Config.Sup.Log(L); }
  ControlReply deploy(const std::vector<std::string> &W);
  ControlReply deployModule(const std::string &Path, std::vector<uint8_t> Bytes,
                            const std::string &Module, std::string Version);
  ControlReply deployBundle(std::vector<uint8_t> Bytes);
  ControlReply rollback(const std::string &Module);
  Error restartWhole(Manifest New, ArtifactSet Arts);

  AgentConfig Config;
  StateDir Dir;
  std::unique_ptr<Supervisor> Sup; // null only if no application would start
  std::string NotRunning;          // why, then
  std::mutex LogLock;
  std::deque<std::string> Logs;
};

Error Agent::start() {
  bool UsedPrevious = false;
  Expected<Manifest> M = Dir.load(UsedPrevious);
  if (!M)
    return M.takeError();
  if (UsedPrevious)
    log("level=error event=state-fallback reason=\"manifest.toml unusable; "
        "running manifest.prev.toml\"");
  Expected<ArtifactSet> Arts = checkApplication(*M, Config.Sup.Env);
  if (!Arts)
    return Arts.takeError();
  Expected<std::unique_ptr<Supervisor>> S =
      Supervisor::start(std::move(*M), std::move(*Arts), Config.Sup);
  if (!S)
    return S.takeError();
  Sup = std::move(*S);
  return Error::success();
}

ControlReply Agent::handle(const std::vector<std::string> &W) {
  auto Fail = [](const Error &E) {
    return ControlReply{false, std::string(errorKindName(E.kind())) + ": " +
                                   E.str() + "\n"};
  };
  if (W.empty())
    return {false, "empty request\n"};
  const std::string &Cmd = W[0];
  if (Cmd == "shutdown") {
    ShutdownRequested = true;
    return {true, "agent stopping\n"};
  }
  // Null when neither a bundle's application nor the one before it would
  // start: only a bundle (a fix) can be deployed then, and logs read.
  if (!Sup && Cmd != "logs" && Cmd != "deploy")
    return {false, "no application is running: " + NotRunning + "\n"};
  if (Cmd == "status") {
    AppStatus S = Sup->status();
    bool Json = W.size() > 1 && W[1] == "--json";
    return {true, Json ? statusJson(S) : statusText(S)};
  }
  if (Cmd == "logs") {
    size_t N = 50;
    if (W.size() > 1)
      N = size_t(std::strtoul(W[1].c_str(), nullptr, 10));
    std::lock_guard<std::mutex> L(LogLock);
    std::string T;
    for (size_t I = Logs.size() > N ? Logs.size() - N : 0; I < Logs.size(); ++I)
      T += Logs[I] + "\n";
    return {true, T};
  }
  if ((Cmd == "stop" || Cmd == "start") && W.size() == 2) {
    Error E = Cmd == "stop" ? Sup->stopModule(W[1]) : Sup->startModule(W[1]);
    if (E)
      return Fail(E);
    return {true, "module '" + W[1] + "' " + Cmd +
                      (Cmd == "stop" ? "ped\n" : "ed\n")};
  }
  if (Cmd == "run" && W.size() == 2) {
    Expected<int64_t> R = Sup->runTask(W[1]);
    if (!R)
      return Fail(R.takeError());
    return {true, "task '" + W[1] + "' returned " + std::to_string(*R) + "\n"};
  }
  if (Cmd == "deploy")
    return deploy(W);
  if (Cmd == "rollback" && W.size() == 2)
    return rollback(W[1]);
  return {false, "unknown request '" + Cmd + "'\n"};
}

ControlReply Agent::deploy(const std::vector<std::string> &W) {
  std::string Path, Module, Version;
  for (size_t I = 1; I < W.size(); ++I) {
    if ((W[I] == "--module" || W[I] == "--version") && I + 1 < W.size()) {
      std::string &Out = W[I] == "--module" ? Module : Version;
      Out = W[++I];
    }
    else if (Path.empty())
      Path = W[I];
    else
      return {false, "deploy takes one file\n"};
  }
  Expected<std::vector<uint8_t>> Bytes = readInputFile(Path);
  if (!Bytes) {
    Error E = Bytes.takeError();
    return {false, std::string(errorKindName(E.kind())) + ": " + E.str() +
                       "\n"};
  }
  if (isBundle(*Bytes))
    return deployBundle(std::move(*Bytes));
  if (!Sup)
    return {false, "no application is running (" + NotRunning +
                       "): deploy a bundle\n"};
  if (Module.empty())
    return {false, "deploying an artifact needs --module NAME (the module "
                   "of the application it replaces)\n"};
  return deployModule(Path, std::move(*Bytes), Module, Version);
}

ControlReply Agent::deployModule(const std::string &Path,
                                 std::vector<uint8_t> Bytes,
                                 const std::string &Module,
                                 std::string Version) {
  VerifiedArtifact Art;
  Art.Path = Path;
  Art.Bytes = std::move(Bytes);
  Expected<format::Artifact> Rec = Module::verify(Art.Bytes, Config.Sup.Env.Load);
  if (!Rec) {
    Error E = Rec.takeError();
    log("level=error module=" + Module + " event=deploy-refused error=\"" +
        E.str() + "\"");
    return {false, "refused: " + Path + ": " + E.str() + "\n"};
  }
  Art.Record = std::move(*Rec);
  if (Version.empty())
    Version = "sha-" + sha256Hex(Art.Bytes).substr(0, 12);
  if (Error E = Dir.stage(Art))
    return {false, "io: " + E.str() + "\n"};
  crashPoint("staged");
  Expected<UpdateReport> R = Sup->update(Module, Art, Version);
  if (!R) {
    Error E = R.takeError();
    return {false, "refused: " + E.str() + "\n"};
  }
  if (R->Committed)
    crashPoint("probation-passed");
  if (R->Committed)
    if (Expected<Manifest> M = Dir.commitModule(Sup->manifest(), Module, Art);
        !M)
      return {false, "the update runs but was not saved: " +
                         M.takeError().str() + "\n"};
  return {R->Committed, updateReportText(Module, Version, *R)};
}

ControlReply Agent::rollback(const std::string &Module) {
  Expected<UpdateReport> R = Sup->rollback(Module);
  if (!R) {
    Error E = R.takeError();
    return {false, std::string(errorKindName(E.kind())) + ": " + E.str() +
                       "\n"};
  }
  std::optional<VerifiedArtifact> Now = Sup->currentArtifact(Module);
  if (R->Committed && Now)
    if (Expected<Manifest> M = Dir.commitModule(Sup->manifest(), Module, *Now);
        !M)
      return {false, "the rollback runs but was not saved: " +
                         M.takeError().str() + "\n"};
  std::string Version;
  for (const ModuleSpec &S : Sup->manifest().Modules)
    if (S.Name == Module)
      Version = S.Version;
  return {R->Committed, updateReportText(Module, Version, *R)};
}

Error Agent::restartWhole(Manifest New, ArtifactSet Arts) {
  Sup.reset(); // stops every task
  Expected<std::unique_ptr<Supervisor>> S =
      Supervisor::start(New, std::move(Arts), Config.Sup);
  if (S) {
    Sup = std::move(*S);
    NotRunning.clear();
    return Error::success();
  }
  Error E = S.takeError();
  // Back to the application that ran: it passed every check before.
  if (Error Back = start()) {
    NotRunning = Back.str();
    log("level=error event=restore-failed error=\"" + NotRunning + "\"");
  }
  return E;
}

ControlReply Agent::deployBundle(std::vector<uint8_t> Bytes) {
  Expected<BundleFiles> Files = readBundle(Bytes);
  if (!Files)
    return {false, "refused: " + Files.takeError().str() + "\n"};
  if (!Files->count(BundleManifestName))
    return {false, "refused: the bundle has no manifest.toml\n"};
  if (Error E = checkManifestSignature(*Files, Config.Sup.Env.Load.TrustedKeys))
    return {false, "refused: " + E.str() + "\n"};

  // Unpacked into the state directory, where the artifacts are read from
  // and checked like any manifest's; the install then copies them by digest.
  std::string Incoming = Dir.path() + "/incoming";
  removeDirectory(Incoming); // a bundle a cut interrupted
  ::mkdir(Incoming.c_str(), 0755);
  for (const auto &[Name, Data] : *Files) {
    std::ofstream Out(Incoming + "/" + Name, std::ios::binary);
    Out.write(reinterpret_cast<const char *>(Data.data()),
              std::streamsize(Data.size()));
    if (!Out)
      return {false, "io: cannot unpack " + Name + "\n"};
  }
  crashPoint("bundle-unpacked");
  const std::vector<uint8_t> &Text = Files->at(BundleManifestName);
  Expected<Manifest> New =
      parseManifest(std::string_view(reinterpret_cast<const char *>(Text.data()),
                                     Text.size()),
                    Incoming + "/manifest.toml");
  if (!New)
    return {false, "refused: " + New.takeError().str() + "\n"};
  Expected<ArtifactSet> Arts = checkApplication(*New, Config.Sup.Env);
  if (!Arts)
    return {false, "refused: " + Arts.takeError().str() + "\n"};

  std::optional<Manifest> Running;
  if (Sup)
    Running = Sup->manifest();
  std::string Report;
  if (Running && shapeOf(*Running) == shapeOf(*New) &&
      Running->Name == New->Name) {
    // Only artifacts changed: one hot update per changed module, in wiring
    // order; if one is rolled back, those before it go back too.
    std::vector<std::string> Done;
    for (const ModuleSpec *S : New->instantiationOrder()) {
      const ModuleSpec *Old = Running->module(S->Name);
      if (Old && Old->Sha256 == S->Sha256)
        continue;
      Expected<UpdateReport> R = Sup->update(S->Name, Arts->at(S->Name),
                                             S->Version);
      bool Ok = R && R->Committed;
      Report += R ? updateReportText(S->Name, S->Version, *R)
                  : "module '" + S->Name + "': " + R.takeError().str() + "\n";
      if (!Ok) {
        for (auto It = Done.rbegin(); It != Done.rend(); ++It)
          if (Expected<UpdateReport> Back = Sup->rollback(*It))
            Report += "module '" + *It + "' rolled back with the bundle\n";
          else
            Report += "module '" + *It + "' could not be rolled back: " +
                      Back.takeError().str() + "\n";
        return {false, Report};
      }
      Done.push_back(S->Name);
    }
    if (Done.empty())
      Report += "nothing to update: the bundle's artifacts already run\n";
  } else {
    if (Error E = restartWhole(*New, *Arts))
      return {false, "the new application did not start, the old one runs "
                     "again: " +
                         E.str() + "\n"};
    crashPoint("application-restarted");
    Report += "application '" + New->Name +
              "' restarted with the bundle's manifest (its wiring, tasks or "
              "limits changed)\n";
  }
  Expected<Manifest> Installed = Dir.install(*New, *Arts);
  removeDirectory(Incoming); // the install copied what it needs
  if (!Installed)
    return {false, Report + "not saved: " + Installed.takeError().str() + "\n"};
  return {true, Report};
}

} // namespace

Expected<AppStatus> runAgent(AgentConfig Config, const std::atomic<bool> &Stop) {
  Expected<StateDir> D = StateDir::open(Config.StateDir);
  if (!D)
    return D.takeError();
  if (!Config.InstallManifest.empty()) {
    Expected<Manifest> M = readManifest(Config.InstallManifest);
    if (!M)
      return M.takeError();
    Expected<ArtifactSet> Arts = checkApplication(*M, Config.Sup.Env);
    if (!Arts)
      return Arts.takeError();
    if (Expected<Manifest> I = D->install(*M, *Arts); !I)
      return I.takeError();
  } else if (!D->hasApplication()) {
    return Error::make(ErrorKind::Usage,
                       Config.StateDir +
                           " holds no application: give a manifest to "
                           "install (kiln agent --state-dir DIR app.toml)");
  }
  std::chrono::nanoseconds RunFor = Config.RunFor;
  std::string Socket = D->socketPath();
  Agent A(std::move(Config), std::move(*D));
  if (Error E = A.start())
    return E;
  Expected<std::unique_ptr<ControlServer>> Server = ControlServer::listen(
      Socket, [&A](const std::vector<std::string> &W) { return A.handle(W); });
  if (!Server) {
    A.finish();
    return Server.takeError();
  }
  uint64_t End = RunFor.count() ? steadyNowNs() + uint64_t(RunFor.count()) : 0;
  while (!Stop.load() && !A.ShutdownRequested.load() &&
         (!End || steadyNowNs() < End))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Server->reset(); // no request runs past this point
  return A.finish();
}

} // namespace kiln::agent
