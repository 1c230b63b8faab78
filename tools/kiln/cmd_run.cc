//===- tools/kiln/cmd_run.cc - kiln run -----------------------------------===//
//
// `kiln run [--dir H[::G][:ro]]... [--env K=V]... [--argv0 N] FILE [ARGS...]`
// runs a WASI command (its _start) with ARGS as its argv, the given
// directories pre-opened (read-only with :ro) and stdio passed through; the
// exit status is the guest's.
// `kiln run FILE --invoke NAME [ARGS...]` (or `--invoke NAME FILE ...`)
// calls one export with ARGS as its parameters and prints the results, after
// _initialize for WASI reactors. Files are .kiln artifacts or, in builds with
// the compiler, .wasm modules compiled in memory first. A trap prints the
// trap and the Wasm backtrace; the process never dies because the guest
// misbehaved.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/compile_flags.h"
#include "tools/kiln/duration.h"
#ifdef KILN_WITH_COMPILER
#include "tools/kiln/features_flag.h"
#endif
#include "tools/kiln/host_modules.h"
#include "tools/kiln/invoke_args.h"
#include "tools/kiln/limit_flags.h"
#include "tools/kiln/key_files.h"
#include "tools/kiln/module_loader.h"
#include "tools/kiln/trap_report.h"
#include "tools/kiln/wasm_names.h"

#include "kiln/profiling.h"
#include "kiln/wasi.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <signal.h>

namespace kiln::cli {

static void printRunHelp() {
  std::printf(
      "Run a WASI program, or call one export of a module.\n\n"
      "Usage: kiln run [OPTIONS] <FILE.kiln|FILE.wasm> [ARGS...]\n"
      "       kiln run [OPTIONS] <FILE> --invoke <NAME> [ARGS...]\n\n"
      "Without --invoke, FILE is a WASI command: its _start runs with ARGS as\n"
      "its argv (argv[0] is FILE unless --argv0 says otherwise), stdin, stdout\n"
      "and stderr are passed through, and kiln exits with the status the\n"
      "program gave proc_exit (0 if _start returns).\n\n"
      "With --invoke, the export NAME is called with ARGS as its parameters\n"
      "(decimal integers or floats; nan, inf accepted) and its results are\n"
      "printed one per line. A WASI reactor's _initialize runs first. More\n"
      "--invoke NAME ARGS after it call more exports, in order, on the same\n"
      "instance (kiln run m.wasm --invoke fill 9 --invoke sum): every call is\n"
      "checked before the first runs, and a trap ends the sequence.\n\n"
      "Options (before FILE):\n"
      "      --dir <HOST[::GUEST]>  Pre-open host directory HOST for the guest,\n"
      "                             named GUEST (default: HOST). Repeatable.\n"
      "                             The guest sees nothing outside them.\n"
      "                             With a ':ro' suffix (HOST::GUEST:ro, or\n"
      "                             HOST::GUEST::ro) the guest can read there\n"
      "                             but not write, create, remove, rename,\n"
      "                             link, truncate or set times (its calls\n"
      "                             fail with ENOTCAPABLE).\n"
      "      --env <NAME=VAL>       Set an environment variable for the guest\n"
      "                             (--env NAME passes the host's). Repeatable.\n"
      "      --argv0 <NAME>         The guest's argv[0]\n"
      "      --trust <KEY.pub>      Load only artifacts signed by this key\n"
      "                             (kiln keygen, kiln sign): an unsigned,\n"
      "                             changed or foreign one is refused before\n"
      "                             its code is mapped. Repeatable.\n"
      "      --profile=perfmap      Add the module's functions to\n"
      "                             /tmp/perf-PID.map, so that perf record\n"
      "                             and perf report name Wasm functions\n"
      "      --invoke <NAME>        Call this export instead of _start\n"
      "      --timeout <DURATION>   Stop the program (or the call) once it has\n"
      "                             run this long (10ms, 2s, 500us): it ends\n"
      "                             like a trap, 'interrupted: deadline\n"
      "                             exceeded'. Also -W timeout=DURATION.\n"
      "      --fuel <N>             Stop it after N Wasm instructions, the\n"
      "                             same on every run and target ('all fuel\n"
      "                             consumed'); needs kiln compile --fuel.\n"
      "                             Also -W fuel=N.\n"
      "  -O0 | -O1 | -O2 | -O3      For .wasm input, compiled in memory first:\n"
      "      --cpu <CPU>            the flags of kiln compile (default -O2,\n"
      "      --features <F>         the host's baseline CPU, guard pages on\n"
      "      --bounds-checks        64-bit targets)\n"
      "      --guard-pages\n"
      "  -W relaxed-simd[=y|n]      For .wasm input: the relaxed-SIMD proposal\n"
      "      --                     Ends the options: the next argument is "
      "FILE\n"
      "%s"
      "  -h, --help                 Print help\n\n"
      "%s\n"
      "Exit status (as wasmtime): the program's proc_exit status, 0..125;\n"
      "134 if it or an --invoke call traps (a missed --timeout or spent fuel\n"
      "too); 1 if the module is refused, on an error, or for a proc_exit\n"
      "status of 126 and up, which a process cannot report apart from the\n"
      "shell's and a trap's; 2 on usage errors.\n",
      maxFileSizeHelp(), limitOptionsHelp().c_str());
}

/// The exit-status policy of `kiln run` (wasmtime's): a guest's proc_exit
/// status in [0, 126) passes through; a trap, a missed deadline and spent
/// fuel included, exits 134 (128 + SIGABRT) whether the program ran as a
/// command or through --invoke, and no status a guest may give reads as
/// one; 1 is an input refused or an error; 2 a usage error. A status of 126
/// and up is refused with a message, as the shell owns 126..255.
static constexpr int ExitTrap = 134;
static constexpr uint32_t FirstReservedStatus = 126;

namespace {
struct RunOptions {
  std::string File, Invoke, Argv0;
  bool InvokeGiven = false;
  std::vector<std::string> GuestArgs; // the program's, or the first call's
  /// `--invoke A ARGS --invoke B ARGS`: the calls after the first, made in
  /// order on the same instance.
  struct Call {
    std::string Name;
    std::vector<std::string> Args;
  };
  std::vector<Call> MoreCalls;
  std::vector<std::string> Env;
  std::vector<WasiPreopen> Dirs;
  ModuleSource Src;
  Deadline Timeout;
  std::optional<uint64_t> Fuel;
  ResourceLimits Limits = ResourceLimits::defaults();
  bool PerfMap = false; // --profile=perfmap
  uint64_t MaxFileBytes = DefaultMaxInputBytes;
};

/// --dir HOST[::GUEST][:ro], or HOST::GUEST::ro (the spelling proposed for
/// wasmtime's CLI). "HOST::ro" alone names the guest directory "ro".
bool parseDir(std::string V, WasiPreopen &P) {
  auto EndsWith = [&](const char *Suffix) {
    size_t N = std::strlen(Suffix);
    return V.size() >= N && V.compare(V.size() - N, N, Suffix) == 0;
  };
  size_t FirstSep = V.find("::");
  if (EndsWith("::ro") && FirstSep + 4 < V.size()) {
    P.ReadOnly = true;
    V.resize(V.size() - 4);
  } else if (EndsWith(":ro") && !EndsWith("::ro")) {
    P.ReadOnly = true;
    V.resize(V.size() - 3);
  }
  size_t Sep = V.find("::");
  P.HostPath = V.substr(0, Sep);
  P.GuestPath = Sep == std::string::npos ? P.HostPath : V.substr(Sep + 2);
  return !P.HostPath.empty() && !P.GuestPath.empty();
}

bool parseFuel(const std::string &S, std::optional<uint64_t> &Out) {
  char *End = nullptr;
  errno = 0;
  unsigned long long V = std::strtoull(S.c_str(), &End, 10);
  if (S.empty() || S[0] == '-' || errno || *End)
    return false;
  Out = V;
  return true;
}
} // namespace

/// Parses the command line; returns -1 to go on, or an exit code.
static int parseRunArgs(const std::vector<std::string> &Args, RunOptions &O) {
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    if (!O.File.empty()) {
      // After FILE everything is the guest's, except "--invoke NAME" first
      // (the `FILE --invoke NAME ARGS` form) and, once calls are being
      // made, each further "--invoke NAME", which starts the next call.
      // "--invoke=NAME" too: the splitting of --flag=value stops at FILE.
      bool Joined = A.rfind("--invoke=", 0) == 0;
      if ((A == "--invoke" || Joined) &&
          (O.InvokeGiven || O.GuestArgs.empty())) {
        std::string Name;
        if (Joined)
          Name = A.substr(9);
        else if (I + 1 < Args.size())
          Name = Args[++I];
        if (Name.empty())
          return usageError("run", "--invoke needs a function name");
        if (!O.InvokeGiven) {
          O.Invoke = std::move(Name);
          O.InvokeGiven = true;
        } else {
          O.MoreCalls.push_back({std::move(Name), {}});
        }
        continue;
      }
      (O.MoreCalls.empty() ? O.GuestArgs : O.MoreCalls.back().Args)
          .push_back(A);
      continue;
    }
    if (isHelpFlag(A)) {
      printRunHelp();
      return ExitOk;
    }
    if (A == "--") { // ends the options: the next argument is FILE
      if (I + 1 >= Args.size())
        return usageError("run", "no module given after '--'");
      O.File = Args[++I];
      continue;
    }
    auto Value = [&](const char *Opt, std::string &Out) {
      if (I + 1 >= Args.size())
        return false;
      (void)Opt;
      Out = Args[++I];
      return true;
    };
    std::string V;
    bool MaxFileSize = false;
    if (int Rc = parseMaxFileSizeFlag("run", Args, I, O.MaxFileBytes,
                                      MaxFileSize);
        Rc >= 0)
      return Rc;
    if (MaxFileSize)
      continue;
    if (A.rfind("--", 0) == 0 && isLimitOption(A.substr(2))) {
      std::string Err;
      if (!Value(A.c_str(), V))
        return usageError("run", A + " needs a value");
      if (!applyLimitOption(A.substr(2), V, O.Limits, Err))
        return usageError("run", Err);
      continue;
    }
    if (A == "--invoke") {
      if (!Value("--invoke", O.Invoke))
        return usageError("run", "--invoke needs a function name");
      O.InvokeGiven = true;
    } else if (A == "--dir") {
      if (!Value("--dir", V) || V.empty())
        return usageError("run", "--dir needs HOST[::GUEST][:ro]");
      WasiPreopen P;
      if (!parseDir(V, P))
        return usageError("run",
                          "--dir needs HOST[::GUEST][:ro], got '" + V + "'");
      for (const WasiPreopen &Other : O.Dirs)
        if (Other.GuestPath == P.GuestPath)
          return usageError("run", "two --dir give the guest the name '" +
                                       P.GuestPath + "' (" + Other.HostPath +
                                       " and " + P.HostPath +
                                       "); name one with HOST::GUEST");
      O.Dirs.push_back(std::move(P));
    } else if (A == "--trust") {
      if (!Value("--trust", V) || V.empty())
        return usageError("run", "--trust needs a public key file "
                                 "(kiln keygen)");
      Expected<format::PublicKey> Key = readPublicKeyFile(V);
      if (!Key) {
        printError("", Key.takeError());
        return ExitUsage;
      }
      O.Src.Load.TrustedKeys.push_back(*Key);
    } else if (A == "--env") {
      if (!Value("--env", V) || V.empty() || V[0] == '=')
        return usageError("run", "--env needs NAME=VALUE or NAME");
      if (V.find('=') == std::string::npos) {
        const char *Host = std::getenv(V.c_str());
        if (!Host)
          continue; // not set on the host: not set for the guest either
        V += "=";
        V += Host;
      }
      O.Env.push_back(std::move(V));
    } else if (A == "--profile") {
      if (!Value("--profile", V))
        return usageError("run", "--profile needs a profiler (perfmap)");
      if (V != "perfmap")
        return usageError("run", "unknown profiler '" + V +
                                     "' for --profile (kiln writes "
                                     "perfmap)");
      O.PerfMap = true;
    } else if (A == "--argv0") {
      if (!Value("--argv0", O.Argv0))
        return usageError("run", "--argv0 needs a name");
    } else if (A == "--timeout" || A == "-W" || A == "--wasm" ||
               (A.rfind("-W", 0) == 0 && A.size() > 2)) {
      // --timeout D, or wasmtime's -W timeout=D / --wasm timeout=D.
      bool Wasmtime = A != "--timeout";
      if (A.size() > 2 && A[1] == 'W')
        V = A.substr(2);
      else if (!Value(A.c_str(), V))
        return usageError("run", A + " needs a value");
      if (size_t Eq = V.find('=');
          Wasmtime && Eq != std::string::npos &&
          isLimitOption(V.substr(0, Eq))) {
        std::string Err;
        if (!applyLimitOption(V.substr(0, Eq), V.substr(Eq + 1), O.Limits,
                              Err))
          return usageError("run", Err);
        continue;
      }
      if (Wasmtime && V.rfind("fuel=", 0) == 0) {
        V = V.substr(5);
        if (!parseFuel(V, O.Fuel))
          return usageError("run", "invalid fuel '" + V + "' (a count)");
        continue;
      }
#ifdef KILN_WITH_COMPILER
      if (Wasmtime && !V.empty() && V[0] == '=')
        V.erase(0, 1); // -W=NAME
      if (Wasmtime && V.rfind("relaxed-simd", 0) == 0) {
        std::string Err;
        if (!applyFeatureFlag(V, O.Src.Compile.WasmFeatures, Err))
          return usageError("run", Err);
        continue;
      }
#endif
      if (Wasmtime) {
        if (V.rfind("timeout=", 0) != 0)
          return usageError("run", "unsupported -W option '" + V +
                                       "' (kiln run takes -W timeout=D, "
                                       "-W fuel=N and the resource limits "
                                       "of --help)");
        V = V.substr(8);
      }
      std::optional<std::chrono::nanoseconds> D = parseDuration(V);
      if (!D || D->count() == 0)
        return usageError("run", "invalid timeout '" + V +
                                     "' (a duration such as 10ms, 2s, 500us)");
      O.Timeout = Deadline::after(*D);
    } else if (A == "--fuel") {
      if (!Value("--fuel", V) || !parseFuel(V, O.Fuel))
        return usageError("run", "--fuel needs a count of instructions");
    } else if (isCompileFlag(A)) {
#ifdef KILN_WITH_COMPILER
      if (int Rc = parseCompileFlag("run", Args, I, O.Src.Compile); Rc >= 0)
        return Rc;
#else
      return usageError("run", A + " compiles .wasm input, and this build "
                                   "of kiln has no compiler: run a .kiln "
                                   "artifact");
#endif
    } else if (A.size() > 1 && A[0] == '-') {
      return usageError("run", "unknown option '" + A + "'");
    } else {
      O.File = A;
    }
  }
  if (O.File.empty())
    return usageError("run", "no module given");
  if (O.InvokeGiven && O.Invoke.empty())
    return usageError("run", "--invoke needs a function name");
  return -1;
}

/// The exit code for a failed call or instantiation (trap, exit, other).
static int failureExit(Error Err, const FuncNames &Names,
                       const std::string &File) {
  std::fflush(stdout);
  if (Err.kind() == ErrorKind::Exit) {
    if (Err.exitCode() < FirstReservedStatus)
      return int(Err.exitCode());
    std::fprintf(stderr,
                 "error: %s: proc_exit(%u): exit status outside [0..126); "
                 "126 and up belong to the shell, and 134 means a trap\n",
                 File.c_str(), unsigned(Err.exitCode()));
    return ExitFailure;
  }
  if (Err.kind() == ErrorKind::Trap) {
    reportTrap(Err, Names);
    return ExitTrap;
  }
  printError(File, Err);
  return ExitFailure;
}

static bool hasFuncExport(const Instance &I, const char *Name) {
  std::optional<Extern> E = I.exportOf(Name);
  return E && E->Kind == ExternKind::Func;
}

int runMain(const std::vector<std::string> &Args) {
  RunOptions O;
  if (int Code = parseRunArgs(
          splitOptionValues(Args,
                            {"--invoke", "--dir", "--env", "--argv0",
                             "--timeout", "--wasm", "--fuel",
                             "--max-file-size", "--cpu", "--features",
                             "--profile", "--trust",
                             LimitLongOptions[0],
                             LimitLongOptions[1], LimitLongOptions[2],
                             LimitLongOptions[3], LimitLongOptions[4],
                             LimitLongOptions[5], LimitLongOptions[6]},
                            /*StopAtPositional=*/true),
          O);
      Code >= 0)
    return Code;
  // A guest writing to a closed pipe gets EPIPE, not the host a SIGPIPE.
  ::signal(SIGPIPE, SIG_IGN);

  Expected<std::vector<uint8_t>> Bytes = readFile(O.File, O.MaxFileBytes);
  if (!Bytes) {
    printError("", Bytes.takeError());
    return ExitFailure;
  }
  Expected<std::shared_ptr<Module>> M = loadModuleBytes(*Bytes, O.Src);
  if (!M) {
    printError(O.File, M.takeError());
    return ExitFailure;
  }
  FuncNames Names = functionNames((*M)->artifact());
  if (O.PerfMap) {
    std::string Module = O.File.substr(O.File.rfind('/') + 1);
    Expected<std::string> Map =
        appendPerfMap(**M, "wasm[" + Module + "]", [&](uint32_t F) {
          auto It = Names.find(F);
          return It != Names.end() ? It->second
                                   : formatString("function %u", F);
        });
    if (!Map) {
      printError("--profile=perfmap", Map.takeError());
      return ExitFailure;
    }
  }
  bool Command = !O.InvokeGiven;

  WasiConfig Config;
  Config.Args.push_back(O.Argv0.empty() ? O.File : O.Argv0);
  // With --invoke the arguments are the export's, not the program's.
  if (Command)
    Config.Args.insert(Config.Args.end(), O.GuestArgs.begin(),
                       O.GuestArgs.end());
  Config.Env = O.Env;
  Config.Preopens = O.Dirs;
  Config.ForcePortableResolve = std::getenv("KILN_WASI_PORTABLE_RESOLVE");
  Expected<std::shared_ptr<WasiContext>> Wasi =
      createWasiContext(std::move(Config));
  if (!Wasi) {
    printError("", Wasi.takeError());
    return ExitFailure;
  }

  Linker L;
  L.setLimits(O.Limits);
  linkHostModules(L);
  if (Error E = defineWasi(L, *Wasi)) {
    printError("", E);
    return ExitFailure;
  }
  Expected<std::unique_ptr<Instance>> Inst = L.instantiate(**M);
  if (!Inst)
    return failureExit(Inst.takeError(), Names, O.File);
  Instance &I = **Inst;
  if (O.Fuel)
    O.Timeout = O.Timeout.withFuel(*O.Fuel);
  if (Error E = I.setDefaultDeadline(O.Timeout)) {
    printError(O.File, E);
    return ExitFailure;
  }

  if (Command) {
    if (!hasFuncExport(I, "_start")) {
      if (hasFuncExport(I, "_initialize"))
        return usageError("run", O.File + " is a WASI reactor (it exports "
                                          "_initialize, not _start): name an "
                                          "export with --invoke");
      return usageError("run", O.File + " has no _start: name an export "
                                        "with --invoke");
    }
    Expected<std::vector<Value>> R = I.call("_start", {});
    if (!R)
      return failureExit(R.takeError(), Names, O.File);
    std::fflush(stdout);
    return ExitOk;
  }

  // Every call is checked (export, argument count and values) before the
  // first runs, so a typo in the last one costs no side effects.
  std::vector<RunOptions::Call> Calls{{O.Invoke, O.GuestArgs}};
  Calls.insert(Calls.end(), O.MoreCalls.begin(), O.MoreCalls.end());
  std::vector<std::vector<Value>> CallArgs;
  for (const RunOptions::Call &C : Calls) {
    std::optional<Extern> E = I.exportOf(C.Name);
    if (!E || E->Kind != ExternKind::Func) {
      std::string Funcs;
      for (const auto &[Name, X] : I.exports())
        if (X.Kind == ExternKind::Func)
          Funcs += (Funcs.empty() ? "" : ", ") + Name;
      std::fprintf(stderr, "error: %s has no exported function '%s' (%s%s)\n",
                   O.File.c_str(), C.Name.c_str(),
                   Funcs.empty() ? "it exports no functions"
                                 : "its functions: ",
                   Funcs.c_str());
      return ExitFailure;
    }
    const FuncSig &Sig = funcSig(*E->F);
    if (C.Args.size() != Sig.Params.size())
      return usageError("run", formatString("'%s' takes %zu argument(s), %zu "
                                            "given",
                                            C.Name.c_str(), Sig.Params.size(),
                                            C.Args.size()));
    std::vector<Value> Vals(C.Args.size());
    for (size_t K = 0; K < C.Args.size(); ++K)
      if (!parseInvokeArg(C.Args[K], Sig.Params[K], Vals[K]))
        return usageError("run", formatString("argument %zu of '%s' ('%s') "
                                              "is not a valid %s",
                                              K + 1, C.Name.c_str(),
                                              C.Args[K].c_str(),
                                              valTypeName(Sig.Params[K])));
    CallArgs.push_back(std::move(Vals));
  }
  // A reactor is initialized once before any of its exports is called.
  if (O.Invoke != "_initialize" && hasFuncExport(I, "_initialize")) {
    Expected<std::vector<Value>> Init = I.call("_initialize", {});
    if (!Init)
      return failureExit(Init.takeError(), Names, O.File);
  }
  for (size_t K = 0; K < Calls.size(); ++K) {
    Expected<std::vector<Value>> R = I.call(Calls[K].Name, CallArgs[K]);
    if (!R)
      return failureExit(R.takeError(), Names, O.File);
    for (const Value &V : *R)
      std::printf("%s\n", formatValue(V).c_str());
  }
  return ExitOk;
}

} // namespace kiln::cli
