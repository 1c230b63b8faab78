//===- tools/kiln/cmd_bench.cc - kiln bench -------------------------------===//
//
// `kiln bench FILE --invoke NAME [ARGS...] [--period D] [--budget D] ...`
// holds one export to a latency budget the way a controller runs it: called
// periodically (or back to back), each call timed alone, and reported by
// its tail (p99, p99.9, max) and jitter rather than its mean. Exit status 1
// when any call missed the budget, so a CI job can gate on it. This file is
// the command line and the order of things; the loop is bench_runner.cc,
// the numbers bench_stats.cc, the outputs bench_report.cc and
// bench_plot.cc, the baseline native_baseline.cc.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/bench_plot.h"
#include "tools/kiln/bench_report.h"
#include "tools/kiln/bench_runner.h"
#include "tools/kiln/bench_stats.h"
#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/duration.h"
#include "tools/kiln/host_modules.h"
#include "tools/kiln/invoke_args.h"
#include "tools/kiln/module_loader.h"
#include "tools/kiln/native_baseline.h"
#include "tools/kiln/realtime.h"
#include "tools/kiln/trap_report.h"
#include "tools/kiln/wasm_names.h"

#include "kiln/wasi.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <optional>

namespace kiln::cli {

static void printBenchHelp() {
  std::printf(
      "Measure the latency of one export, call by call, against a budget.\n\n"
      "Usage: kiln bench [OPTIONS] <FILE.kiln|FILE.wasm> --invoke <NAME> "
      "[ARGS...]\n\n"
      "Calls the export NAME with ARGS (decimal integers or floats, one per\n"
      "parameter) COUNT times after WARMUP untimed calls, timing each call\n"
      "alone with the monotonic clock, and reports min, p50, p90, p99, p99.9\n"
      "and max (nearest-rank percentiles), mean, stddev and jitter. A WASI\n"
      "reactor's _initialize runs first; WASI and the host modules of this\n"
      "build are linked as for 'kiln run'.\n\n"
      "Jitter is p99 - p50: how much later than the typical call the slowest\n"
      "1 %% end, the margin a periodic task must leave. stddev is the standard\n"
      "deviation over all timed calls; p99/p50 is the tail relative to the\n"
      "typical call.\n\n"
      "Options:\n"
      "      --invoke <NAME>       The export to call (required)\n"
      "      --period <DURATION>   Release one call every DURATION (absolute\n"
      "                            sleeps: a late call does not shift the "
      "next;\n"
      "                            timer slack 1 ns); default: back to back\n"
      "      --count <N>           Timed calls (default 10000)\n"
      "      --warmup <N>          Untimed calls first (default 100)\n"
      "      --budget <DURATION>   Each call must end within DURATION; a call\n"
      "                            over it is a miss and any miss makes the\n"
      "                            exit status 1. Periodic runs also count\n"
      "                            overruns (calls that end after the next\n"
      "                            release) and the wake-up delay after each\n"
      "                            release; those are reported, the budget\n"
      "                            alone decides the exit status.\n"
      "      --setup <NAME>        Call export NAME (no arguments) once before\n"
      "                            the warm-up, e.g. an init, and with --native\n"
      "                            the library's void NAME(void) too.\n"
      "                            Repeatable.\n"
      "      --native <LIB.so:SYMBOL>\n"
      "                            Also call SYMBOL from the shared library\n"
      "                            LIB.so (the same C compiled natively) with\n"
      "                            the same arguments, interleaved call by call\n"
      "                            with the export (alternating which goes\n"
      "                            first), and print each statistic's ratio\n"
      "                            kiln/native. SYMBOL's C types must be the\n"
      "                            export's (int32_t, int64_t, float, double;\n"
      "                            up to 6 integer and 8 float arguments;\n"
      "                            x86-64, aarch64 and riscv64 hosts)\n"
      "      --cpu <N>             Pin to CPU N first (sched_setaffinity)\n"
      "      --fifo <PRIO>         Run as SCHED_FIFO at priority PRIO (1-99);\n"
      "                            needs root or CAP_SYS_NICE\n"
      "      --mlock               Lock all memory, current and future\n"
      "                            (mlockall), so no page fault lands in a "
      "call\n"
      "      --json                Print one JSON object instead of the table:\n"
      "                            module, export, args, mode, period_ns, "
      "count,\n"
      "                            warmup, cpu, fifo_priority, mlock, "
      "budget_ns,\n"
      "                            budget_met, wakeup {p50_ns, p99_ns, max_ns}\n"
      "                            (periodic runs), kiln {min_ns, p50_ns, p90_ns,\n"
      "                            p99_ns, p99_9_ns, max_ns, mean_ns, "
      "stddev_ns,\n"
      "                            jitter_ns, budget_misses, period_overruns}\n"
      "                            and with --native: native_symbol, native\n"
      "                            {...}, ratio_to_native {min, p50, p90, p99,\n"
      "                            p99_9, max, mean}\n"
      "      --samples <FILE.csv>  Write every timed call: index, start_ns\n"
      "                            (from the first timed release), latency_ns\n"
      "                            and with --native native_latency_ns\n"
      "      --plot <FILE.svg>     Draw the latency histogram (log axis) and\n"
      "                            the per-call timeline, budget as a line, as\n"
      "                            an SVG to open in a browser\n"
      "      --bounds-checks       For .wasm input: compile with explicit "
      "bounds\n"
      "                            checks\n"
      "  -h, --help                Print help\n\n"
      "Durations: a number and a unit (ns, us, ms, s, m), e.g. 10ns, 500us,\n"
      "1.5ms, 2s; a bare number is seconds.\n\n"
      "Exit status: 0 within budget (or no budget); 1 when a call missed the\n"
      "budget, a call trapped, or the module, the native library or a\n"
      "real-time setting was refused; 2 on usage errors.\n");
}

namespace {
struct BenchOptions {
  std::string File, Invoke, NativeSpec, SamplesPath, PlotPath;
  bool InvokeGiven = false, Json = false, Mlock = false;
  std::vector<std::string> Args, Setup;
  BenchPlan Plan;
  uint64_t BudgetNs = 0;
  int Cpu = -1, Fifo = 0;
  ModuleSource Src;
};
} // namespace

static bool parseCount(const std::string &S, size_t &Out, bool AllowZero) {
  if (S.empty() || S[0] < '0' || S[0] > '9')
    return false;
  char *End = nullptr;
  errno = 0;
  unsigned long long V = std::strtoull(S.c_str(), &End, 10);
  if (errno || *End || (!AllowZero && V == 0) || V > (1ull << 32))
    return false;
  Out = size_t(V);
  return true;
}

/// An argument of the export, not an option: "-5", "-0.5", "-inf", "-nan".
static bool looksLikeNumber(const std::string &A) {
  if (A.size() < 2 || A[0] != '-')
    return false;
  char C = A[1];
  return (C >= '0' && C <= '9') || C == '.' || A == "-inf" || A == "-nan" ||
         A == "-infinity";
}

/// Parses the command line; returns -1 to go on, or an exit code.
static int parseBenchArgs(const std::vector<std::string> &Args,
                          BenchOptions &O) {
  bool OptionsDone = false;
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    bool IsOption = !OptionsDone && A.size() > 1 && A[0] == '-' &&
                    !looksLikeNumber(A);
    if (!IsOption) {
      if (O.File.empty())
        O.File = A;
      else
        O.Args.push_back(A);
      continue;
    }
    if (A == "--") {
      OptionsDone = true;
      continue;
    }
    if (isHelpFlag(A)) {
      printBenchHelp();
      return ExitOk;
    }
    if (A == "--json") {
      O.Json = true;
      continue;
    }
    if (A == "--mlock") {
      O.Mlock = true;
      continue;
    }
    if (A == "--bounds-checks") {
#ifdef KILN_WITH_COMPILER
      O.Src.Compile.Mode = MemoryMode::BoundsChecked;
#endif
      continue;
    }
    static const char *const ValueOptions[] = {
        "--invoke", "--period", "--count", "--warmup",  "--budget", "--setup",
        "--native", "--cpu",    "--fifo",  "--samples", "--plot"};
    if (std::find(std::begin(ValueOptions), std::end(ValueOptions), A) ==
        std::end(ValueOptions))
      return usageError("bench", "unknown option '" + A + "'");
    if (I + 1 >= Args.size())
      return usageError("bench", A + " needs a value");
    const std::string &V = Args[++I];
    auto Duration = [&](uint64_t &Out, bool AllowZero) {
      std::optional<std::chrono::nanoseconds> D = parseDuration(V);
      if (!D || (!AllowZero && D->count() == 0))
        return usageError("bench", A + " '" + V +
                                       "' is not a duration (a number and a "
                                       "unit: 10ns, 500us, 1ms, 2s)");
      Out = uint64_t(D->count());
      return -1;
    };
    size_t N = 0;
    if (A == "--invoke") {
      O.Invoke = V;
      O.InvokeGiven = true;
    } else if (A == "--period") {
      if (int Code = Duration(O.Plan.PeriodNs, false); Code >= 0)
        return Code;
    } else if (A == "--budget") {
      if (int Code = Duration(O.BudgetNs, false); Code >= 0)
        return Code;
    } else if (A == "--count") {
      if (!parseCount(V, O.Plan.Count, /*AllowZero=*/false))
        return usageError("bench", "--count '" + V +
                                       "' is not a positive number of calls");
    } else if (A == "--warmup") {
      if (!parseCount(V, O.Plan.Warmup, /*AllowZero=*/true))
        return usageError("bench", "--warmup '" + V +
                                       "' is not a number of calls");
    } else if (A == "--cpu") {
      if (!parseCount(V, N, /*AllowZero=*/true) || N > 65535)
        return usageError("bench", "--cpu '" + V + "' is not a CPU number");
      O.Cpu = int(N);
    } else if (A == "--fifo") {
      if (!parseCount(V, N, /*AllowZero=*/false) || N > 99)
        return usageError("bench", "--fifo '" + V +
                                       "' is not a SCHED_FIFO priority "
                                       "(1-99)");
      O.Fifo = int(N);
    } else if (A == "--setup") {
      O.Setup.push_back(V);
    } else if (A == "--native") {
      O.NativeSpec = V;
    } else if (A == "--samples") {
      O.SamplesPath = V;
    } else if (A == "--plot") {
      O.PlotPath = V;
    }
  }
  if (O.File.empty())
    return usageError("bench", "no module given");
  if (!O.InvokeGiven || O.Invoke.empty())
    return usageError("bench", "name the export to measure with --invoke "
                               "NAME");
  return -1;
}

/// The exit status for an error before or during the run: a usage error is
/// the command line's fault, a trap is reported as `kiln run --invoke`
/// reports it (and exits 1 as it does), anything else is a refusal.
static int failed(const Error &E, const FuncNames &Names,
                  const std::string &What) {
  std::fflush(stdout);
  if (E.kind() == ErrorKind::Trap) {
    reportTrap(E, Names);
    return ExitFailure;
  }
  if (E.kind() == ErrorKind::Usage)
    return usageError("bench", E.message());
  printError(What, E);
  return ExitFailure;
}

static bool hasFuncExport(const Instance &I, const std::string &Name) {
  std::optional<Extern> E = I.exportOf(Name);
  return E && E->Kind == ExternKind::Func;
}

/// One untimed call of each side, comparing the results: a baseline that
/// computes something else (a wrong symbol, other arguments) would make
/// every ratio meaningless, so say so before measuring.
static void checkBaselineAgrees(WasmCall &Wasm, NativeBaseline &Native,
                                const FuncSig &Sig, const std::string &Spec) {
  if (Sig.Results.empty())
    return;
  Native.setArgs(Wasm.argSlots());
  Native.call();
  uint64_t W = Wasm.resultBits(), N = Native.resultBits();
  bool Same = W == N;
  if (!Same && Sig.Results[0] == ValType::F32) {
    float A, B;
    uint32_t WB = uint32_t(W), NB = uint32_t(N);
    std::memcpy(&A, &WB, 4);
    std::memcpy(&B, &NB, 4);
    Same = std::fabs(A - B) <= 1e-4f * std::fmax(std::fabs(A), std::fabs(B));
  } else if (!Same && Sig.Results[0] == ValType::F64) {
    double A, B;
    std::memcpy(&A, &W, 8);
    std::memcpy(&B, &N, 8);
    Same = std::fabs(A - B) <= 1e-9 * std::fmax(std::fabs(A), std::fabs(B));
  }
  if (Same)
    return;
  auto AsValue = [&](uint64_t Bits) {
    switch (Sig.Results[0]) {
    case ValType::I32:
      return Value::i32(uint32_t(Bits));
    case ValType::F32:
      return Value::f32Bits(uint32_t(Bits));
    case ValType::F64:
      return Value::f64Bits(Bits);
    default:
      return Value::i64(Bits);
    }
  };
  std::fprintf(stderr,
               "warning: the native baseline %s returned %s, the export %s: "
               "is it the same function, with the same arguments and "
               "setup?\n",
               Spec.c_str(), formatValue(AsValue(N)).c_str(),
               formatValue(AsValue(W)).c_str());
}

int benchMain(const std::vector<std::string> &Args) {
  BenchOptions O;
  if (int Code = parseBenchArgs(
          splitOptionValues(Args,
                            {"--invoke", "--period", "--count", "--warmup",
                             "--budget", "--setup", "--native", "--cpu",
                             "--fifo", "--samples", "--plot"},
                            /*StopAtPositional=*/false),
          O);
      Code >= 0)
    return Code;

  Expected<std::vector<uint8_t>> Bytes = readFile(O.File);
  if (!Bytes)
    return failed(Bytes.takeError(), {}, "");
  Expected<std::shared_ptr<Module>> M = loadModuleBytes(*Bytes, O.Src);
  if (!M)
    return failed(M.takeError(), {}, O.File);
  FuncNames Names = functionNames((*M)->artifact());

  WasiConfig Config;
  Config.Args.push_back(O.File);
  Expected<std::shared_ptr<WasiContext>> Wasi =
      createWasiContext(std::move(Config));
  if (!Wasi)
    return failed(Wasi.takeError(), Names, "");
  Linker L;
  linkHostModules(L);
  if (Error E = defineWasi(L, *Wasi))
    return failed(E, Names, "");
  Expected<std::unique_ptr<Instance>> Inst = L.instantiate(**M);
  if (!Inst)
    return failed(Inst.takeError(), Names, O.File);
  Instance &I = **Inst;

  std::optional<Extern> Export = I.exportOf(O.Invoke);
  if (!Export || Export->Kind != ExternKind::Func) {
    std::fprintf(stderr, "error: %s has no exported function '%s'\n",
                 O.File.c_str(), O.Invoke.c_str());
    return ExitFailure;
  }
  const FuncSig &Sig = funcSig(*Export->F);
  if (O.Args.size() != Sig.Params.size())
    return usageError("bench", formatString("'%s' takes %zu argument(s), %zu "
                                            "given",
                                            O.Invoke.c_str(),
                                            Sig.Params.size(), O.Args.size()));
  std::vector<Value> Vals(O.Args.size());
  for (size_t K = 0; K < O.Args.size(); ++K)
    if (!parseInvokeArg(O.Args[K], Sig.Params[K], Vals[K]))
      return usageError("bench", formatString("argument %zu ('%s') is not a "
                                              "valid %s",
                                              K + 1, O.Args[K].c_str(),
                                              valTypeName(Sig.Params[K])));
  for (const std::string &S : O.Setup)
    if (!hasFuncExport(I, S))
      return usageError("bench", "--setup: " + O.File +
                                     " has no exported function '" + S + "'");

  std::optional<NativeBaseline> Native;
  if (!O.NativeSpec.empty()) {
    Expected<NativeBaseline> B =
        NativeBaseline::open(O.NativeSpec, Sig.Params, Sig.Results);
    if (!B)
      return failed(B.takeError(), Names, "");
    Native.emplace(std::move(*B));
  }

  // A reactor is initialized once, then the user's setup exports run.
  if (O.Invoke != "_initialize" && hasFuncExport(I, "_initialize"))
    if (Expected<std::vector<Value>> R = I.call("_initialize", {}); !R)
      return failed(R.takeError(), Names, O.File);
  for (const std::string &S : O.Setup) {
    if (Expected<std::vector<Value>> R = I.call(S, {}); !R)
      return failed(R.takeError(), Names, O.File);
    // The same C compiled natively has the same init under the same name.
    if (Native && !Native->callSetup(S))
      std::fprintf(stderr,
                   "warning: the native library has no '%s': its side of "
                   "--setup is skipped\n",
                   S.c_str());
  }

  // The real-time settings come after loading and instantiation (their
  // page faults and allocations are not what is measured) and before the
  // first call.
  if (O.Cpu >= 0)
    if (Error E = pinToCpu(O.Cpu))
      return failed(E, Names, "");
  if (O.Fifo)
    if (Error E = useFifoScheduling(O.Fifo))
      return failed(E, Names, "");
  if (O.Mlock)
    if (Error E = lockAllMemory())
      return failed(E, Names, "");
  if (O.Plan.PeriodNs)
    if (Error E = minimizeTimerSlack())
      return failed(E, Names, "");

  WasmCall Wasm(Export->F, Vals);
  if (Error E = Wasm.call())
    return failed(E, Names, O.File);
  if (Native)
    checkBaselineAgrees(Wasm, *Native, Sig, O.NativeSpec);

  BenchSamples Samples;
  if (Error E = runBench(O.Plan, Wasm, Native ? &*Native : nullptr, Samples))
    return failed(E, Names, O.File);

  BenchReport R;
  R.File = O.File;
  R.Export = O.Invoke;
  R.Args = O.Args;
  R.NativeSpec = O.NativeSpec;
  R.PeriodNs = O.Plan.PeriodNs;
  R.BudgetNs = O.BudgetNs;
  R.Count = O.Plan.Count;
  R.Warmup = O.Plan.Warmup;
  R.Cpu = O.Cpu;
  R.FifoPriority = O.Fifo;
  R.Mlock = O.Mlock;
  R.Kiln = summarize(Samples.LatencyNs, O.BudgetNs);
  R.KilnOverruns =
      countPeriodOverruns(Samples.StartNs, Samples.LatencyNs, O.Plan.PeriodNs);
  if (O.Plan.PeriodNs)
    R.Wakeup = summarize(releaseDelays(Samples.StartNs, Samples.NativeStartNs,
                                       O.Plan.PeriodNs),
                         0);
  if (Native) {
    R.Native = summarize(Samples.NativeLatencyNs, O.BudgetNs);
    R.NativeOverruns = countPeriodOverruns(
        Samples.NativeStartNs, Samples.NativeLatencyNs, O.Plan.PeriodNs);
  }

  if (O.Json)
    printJson(stdout, R);
  else
    printTable(stdout, R);
  std::fflush(stdout);
  if (!O.SamplesPath.empty())
    if (Error E = writeSamplesCsv(O.SamplesPath, Samples))
      return failed(E, Names, "--samples");
  if (!O.PlotPath.empty())
    if (Error E = writeLatencySvg(O.PlotPath, R, Samples))
      return failed(E, Names, "--plot");
  if (R.budgetMissed()) {
    std::fprintf(stderr,
                 "kiln bench: budget %s missed: %zu of %zu calls over it "
                 "(max %s)\n",
                 formatDuration(double(R.BudgetNs)).c_str(),
                 R.Kiln.BudgetMisses, R.Count,
                 formatDuration(double(R.Kiln.Max)).c_str());
    return ExitFailure;
  }
  return ExitOk;
}

} // namespace kiln::cli
