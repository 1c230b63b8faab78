//===- tools/kiln/cmd_agent.cc - kiln agent and kiln ctl ------------------===//
//
// `kiln agent` runs an application on the device (kiln/agent/daemon.h);
// `kiln ctl` talks to it over the control socket in its state directory.
// Both are in the runtime-only build: a device needs no compiler for them.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/duration.h"
#include "tools/kiln/host_modules.h"
#include "tools/kiln/key_files.h"

#include "kiln/agent/control.h"
#include "kiln/agent/daemon.h"
#include "kiln/agent/status_report.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <unistd.h>

namespace kiln::cli {

static const char *DefaultStateDir = "/var/lib/kiln";

static void printAgentHelp() {
  std::printf(
      "Run an application on this device\n\n"
      "Usage: kiln agent --state-dir <DIR> [OPTIONS] [MANIFEST]\n\n"
      "Runs the application installed in DIR (with MANIFEST: installs it "
      "first,\n"
      "after checking it as `kiln app check` does). Each periodic task runs "
      "on\n"
      "its own thread, released at absolute times, every call bounded by "
      "its\n"
      "deadline; failed modules restart by their policy; `kiln ctl` deploys,\n"
      "rolls back and reports through DIR/agent.sock. Every change to DIR is\n"
      "power-cut safe.\n\n"
      "Options:\n"
      "      --state-dir <DIR>    Where the application and its previous "
      "version\n"
      "                           are kept (default %s)\n"
      "      --trust <KEY.pub>    Run only artifacts (and bundles) signed by "
      "this\n"
      "                           key; repeatable. Unsigned or foreign ones "
      "are\n"
      "                           refused before any code is mapped\n"
      "      --probation <DUR>    How long a new version is watched before it "
      "is\n"
      "                           committed (default 200ms)\n"
      "      --run-for <DUR>      Stop after DUR and print the final figures\n"
      "      --no-realtime        Do not ask for SCHED_FIFO\n"
      "  -q, --quiet              Do not print the log to stderr\n"
      "  -h, --help               Print help\n",
      DefaultStateDir);
}

static void printCtlHelp() {
  std::printf(
      "Control a running agent\n\n"
      "Usage: kiln ctl [--state-dir <DIR>] <REQUEST>\n\n"
      "Requests:\n"
      "  status [--json]                   Modules, tasks and their latency\n"
      "  logs [N]                          The last N log lines (default 50)\n"
      "  stop <MODULE> | start <MODULE>    Stop a module's tasks / start it "
      "fresh\n"
      "  run <TASK>                        Run an on-demand task once\n"
      "  deploy <FILE.kiln> --module <M> [--version <V>]\n"
      "                                    Hot-update one module; rolled back\n"
      "                                    if its health check, a trap or a\n"
      "                                    missed deadline says it is bad\n"
      "  deploy <APP.kbundle>              Install a bundle (kiln bundle)\n"
      "  rollback <MODULE>                 Back to the module's previous "
      "version\n"
      "  shutdown                          Stop the agent\n\n"
      "Options:\n"
      "      --state-dir <DIR>  The agent's state directory (default %s)\n"
      "  -h, --help             Print help\n\n"
      "Exit status: 0 when the agent did what was asked, 1 when it refused "
      "or\n"
      "rolled back, 2 for a wrong command line.\n",
      DefaultStateDir);
}

namespace {
std::atomic<bool> StopSignal{false};
extern "C" void onStopSignal(int) { StopSignal.store(true); }

std::string timestamp() {
  timespec T;
  clock_gettime(CLOCK_REALTIME, &T);
  tm Tm;
  gmtime_r(&T.tv_sec, &Tm);
  char Buf[40];
  size_t N = std::strftime(Buf, sizeof(Buf), "%Y-%m-%dT%H:%M:%S", &Tm);
  std::snprintf(Buf + N, sizeof(Buf) - N, ".%03ldZ", T.tv_nsec / 1'000'000);
  return Buf;
}
} // namespace

int agentMain(const std::vector<std::string> &RawArgs) {
  const std::vector<std::string> Args = splitOptionValues(
      RawArgs, {"--state-dir", "--trust", "--probation", "--run-for"},
      /*StopAtPositional=*/false);
  agent::AgentConfig C;
  C.StateDir = DefaultStateDir;
  C.Sup.Env.DefineHostModules = [](Linker &L) { linkHostModules(L); };
  bool Quiet = false;
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    auto Value = [&](std::string &Out) {
      if (I + 1 >= Args.size())
        return false;
      Out = Args[++I];
      return true;
    };
    std::string V;
    if (isHelpFlag(A)) {
      printAgentHelp();
      return ExitOk;
    } else if (A == "--state-dir") {
      if (!Value(C.StateDir) || C.StateDir.empty())
        return usageError("agent", "--state-dir needs a directory");
    } else if (A == "--trust") {
      if (!Value(V))
        return usageError("agent", "--trust needs a public key file");
      Expected<format::PublicKey> Key = readPublicKeyFile(V);
      if (!Key) {
        printError("", Key.takeError());
        return ExitUsage;
      }
      C.Sup.Env.Load.TrustedKeys.push_back(*Key);
    } else if (A == "--probation" || A == "--run-for") {
      std::optional<std::chrono::nanoseconds> D;
      if (!Value(V) || !(D = parseDuration(V)))
        return usageError("agent", A + " needs a duration (e.g. 500ms, 10s)");
      (A == "--probation" ? C.Sup.Probation : C.RunFor) = *D;
    } else if (A == "--no-realtime") {
      C.Sup.RealTime = false;
    } else if (A == "-q" || A == "--quiet") {
      Quiet = true;
    } else if (A.size() > 1 && A[0] == '-') {
      return usageError("agent", "unknown option '" + A + "'");
    } else if (C.InstallManifest.empty()) {
      C.InstallManifest = A;
    } else {
      return usageError("agent", "more than one manifest");
    }
  }
  std::mutex PrintLock;
  if (!Quiet)
    C.Sup.Log = [&PrintLock](const std::string &Line) {
      std::lock_guard<std::mutex> L(PrintLock);
      std::fprintf(stderr, "%s %s\n", timestamp().c_str(), Line.c_str());
    };
  struct sigaction Sa {};
  Sa.sa_handler = onStopSignal;
  sigaction(SIGTERM, &Sa, nullptr);
  sigaction(SIGINT, &Sa, nullptr);

  Expected<agent::AppStatus> Final = agent::runAgent(std::move(C), StopSignal);
  if (!Final) {
    printErrorLines("agent", Final.takeError());
    return ExitFailure;
  }
  std::fputs(agent::statusText(*Final).c_str(), stdout);
  return ExitOk;
}

int ctlMain(const std::vector<std::string> &RawArgs) {
  std::vector<std::string> Args =
      splitOptionValues(RawArgs, {"--state-dir"}, /*StopAtPositional=*/true);
  std::string Dir = DefaultStateDir;
  size_t I = 0;
  for (; I < Args.size(); ++I) {
    if (isHelpFlag(Args[I])) {
      printCtlHelp();
      return ExitOk;
    }
    if (Args[I] != "--state-dir")
      break;
    if (I + 1 >= Args.size())
      return usageError("ctl", "--state-dir needs a directory");
    Dir = Args[++I];
  }
  std::vector<std::string> Words(Args.begin() + long(I), Args.end());
  if (Words.empty())
    return usageError("ctl", "no request (kiln ctl status)");
  const std::string &Cmd = Words[0];
  static const char *Known[] = {"status", "logs",   "stop",     "start",
                                "run",    "deploy", "rollback", "shutdown"};
  if (std::find_if(std::begin(Known), std::end(Known),
                   [&](const char *K) { return Cmd == K; }) == std::end(Known))
    return usageError("ctl", "unknown request '" + Cmd + "'");
  bool NeedsName = Cmd == "stop" || Cmd == "start" || Cmd == "run" ||
                   Cmd == "rollback";
  if (NeedsName && Words.size() != 2)
    return usageError("ctl", Cmd + " takes one name");
  if (Cmd == "deploy") {
    if (Words.size() < 2)
      return usageError("ctl", "deploy needs a .kiln or .kbundle file");
    // The agent reads the file itself: give it a path that does not depend
    // on this shell's directory.
    char *Abs = ::realpath(Words[1].c_str(), nullptr);
    if (!Abs) {
      printError("", Error::make(ErrorKind::Io, Words[1] + ": no such file"));
      return ExitFailure;
    }
    Words[1] = Abs;
    std::free(Abs);
  }
  Expected<agent::ControlReply> R =
      agent::controlRequest(Dir + "/agent.sock", Words);
  if (!R) {
    printError("", R.takeError());
    return ExitFailure;
  }
  std::fputs(R->Text.c_str(), R->Ok ? stdout : stderr);
  return R->Ok ? ExitOk : ExitFailure;
}

} // namespace kiln::cli
