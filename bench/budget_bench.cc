//===- bench/budget_bench.cc - The example modules held to budgets --------===//
//
// kiln-budget-bench: the two example modules (examples/) as latency
// benchmarks with kiln/benchmark.h, each held to a budget, the way a user
// holds their own modules to theirs:
//
//   kiln-budget-bench [--no-budgets] [Google Benchmark flags]
//
// Exit status 1 when any benchmark failed (a missed budget, a trap). The
// budgets are about 5x the p99 measured on a 2-core x86-64 machine that was
// busy building (the numbers are next to each), so that a loaded machine
// does not miss them; they catch a regression of the code, not noise. --no-budgets runs
// the same benchmarks without limits (the smoke test: no timing checked).
//
//===----------------------------------------------------------------------===//

#include "kiln/benchmark.h"
#include "kiln/hostlib.h"
#include "kiln/runtime.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// The console output, remembering whether any reported run failed: Google
/// Benchmark reports only a benchmark's final run, so this is the verdict.
class VerdictReporter : public benchmark::ConsoleReporter {
public:
  // Colour only on a terminal: a reporter given to RunSpecifiedBenchmarks
  // does not see --benchmark_color.
  VerdictReporter()
      : ConsoleReporter(::isatty(1) ? OO_Defaults : OO_Tabular) {}
  void ReportRuns(const std::vector<Run> &Runs) override {
    for (const Run &R : Runs)
      Failed |= failed(R);
    ConsoleReporter::ReportRuns(Runs);
  }
  bool anyFailed() const { return Failed; }

private:
  // Google Benchmark 1.8 replaced error_occurred with skipped.
  template <typename RunT> static bool failed(const RunT &R) {
    if constexpr (requires { R.error_occurred; })
      return R.error_occurred;
    else
      return R.skipped != 0;
  }
  bool Failed = false;
};

std::vector<uint8_t> readAll(const std::string &Path) {
  std::vector<uint8_t> B;
  if (std::FILE *F = std::fopen(Path.c_str(), "rb")) {
    uint8_t Buf[65536];
    size_t N;
    while ((N = std::fread(Buf, 1, sizeof Buf, F)) > 0)
      B.insert(B.end(), Buf, Buf + N);
    std::fclose(F);
  }
  return B;
}

/// Loads and instantiates an example; hostlib is linked for the modules
/// that import kiln:dsp / kiln:nn.
std::unique_ptr<kiln::Instance> instantiate(const std::string &Path) {
  std::vector<uint8_t> Bytes = readAll(Path);
  auto M = kiln::Module::load(Bytes);
  if (!M) {
    std::fprintf(stderr, "kiln-budget-bench: %s: %s\n", Path.c_str(),
                 M.takeError().str().c_str());
    return nullptr;
  }
  kiln::Linker L;
  if (kiln::Error E = kiln::defineHostlib(L)) {
    std::fprintf(stderr, "kiln-budget-bench: hostlib: %s\n", E.str().c_str());
    return nullptr;
  }
  auto I = L.instantiate(**M);
  if (!I) {
    std::fprintf(stderr, "kiln-budget-bench: %s: %s\n", Path.c_str(),
                 I.takeError().str().c_str());
    return nullptr;
  }
  return std::move(*I);
}

} // namespace

int main(int Argc, char **Argv) {
  bool Budgets = true;
  std::vector<char *> Args;
  for (int I = 0; I < Argc; ++I) {
    if (std::strcmp(Argv[I], "--no-budgets") == 0)
      Budgets = false;
    else
      Args.push_back(Argv[I]);
  }
  auto Limit = [&](kiln::bench::Budget B) {
    return Budgets ? B : kiln::bench::Budget{};
  };

  // sensor_analytics: analyze() synthesizes 64 windows of 1,000 samples and
  // filters and summarizes each (plain C, no imports); one call is the
  // whole batch. Measured: p50 21.4 ms, p99 23.4-27.7 ms.
  std::unique_ptr<kiln::Instance> Sensor =
      instantiate(KILN_EXAMPLES_DIR "/sensor_analytics.kiln");
  // vibration_monitor: one 1,024-sample window through the spectrum, band
  // energies and the int8 classifier (kiln:dsp, kiln:nn); the call a
  // 20 kHz / 1024-sample monitor makes every 51 ms. Measured: p50 2.6 us,
  // p99 2.8-6.2 us, p99.9 27 us.
  std::unique_ptr<kiln::Instance> Vibration =
      instantiate(KILN_EXAMPLES_DIR "/vibration_monitor/vibration_monitor.kiln");
  if (!Sensor || !Vibration)
    return 1;

  kiln::bench::registerLatency("sensor/analyze", *Sensor, "analyze", {},
                               Limit({.P99 = 125ms}));

  auto Init = Vibration->call("init", {});
  auto Window =
      kiln::TypedFunc<uint32_t(uint32_t)>::wrap(*Vibration, "process_window");
  if (!Init || !Window) {
    std::fprintf(stderr, "kiln-budget-bench: vibration_monitor: %s\n",
                 (!Init ? Init.takeError() : Window.takeError()).str().c_str());
    return 1;
  }
  uint32_t Windows = (*Init)[0].i32();
  // Every window of the stream in turn (normal, imbalance, bearing fault),
  // as the monitor sees them.
  kiln::bench::registerLatency(
      "vibration/window",
      [F = *Window, Windows, W = uint32_t(0)]() mutable {
        W = W + 1 == Windows ? 0 : W + 1;
        return F(W);
      },
      Limit({.P99 = 30us}));
  // One window, the same every time: a fixed-argument TypedFunc.
  kiln::bench::registerLatency("vibration/window_fixed", *Window,
                               std::tuple<uint32_t>(20),
                               Limit({.P50 = 15us, .P99 = 30us}));

  int N = int(Args.size());
  benchmark::Initialize(&N, Args.data());
  if (benchmark::ReportUnrecognizedArguments(N, Args.data()))
    return 2;
  VerdictReporter Reporter;
  benchmark::RunSpecifiedBenchmarks(&Reporter);
  benchmark::Shutdown();
  return Reporter.anyFailed() ? 1 : 0;
}
