//===- bench/kiln_bench.cc - kiln-bench: Kiln's benchmark suite -----------===//
//
//   kiln-bench [Google Benchmark flags]
//
// Runs every kernel natively and under Kiln (guard, bounds-checked), the
// SIMD FIR (wasm_simd128 vs SSE), the micro-benchmarks and the compile-time
// benchmarks, then prints a summary of ratios to native computed from the
// medians of this run (from the per-repetition times when aggregates are not
// reported). Times are the calling thread's CPU time, which a busy shared
// machine disturbs far less than wall time. Exits 1 when a checksum disagrees
// or anything failed.
//
// Final figures: taskset -c 1 kiln-bench --benchmark_repetitions=5
//                --benchmark_report_aggregates_only=true
//                --benchmark_enable_random_interleaving=true
//
//===----------------------------------------------------------------------===//

#include "bench/kiln_bench.h"
#include "bench/bench_util.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace kiln::bench {
namespace {

double toNanos(double T, benchmark::TimeUnit U) {
  switch (U) {
  case benchmark::kNanosecond:
    return T;
  case benchmark::kMicrosecond:
    return T * 1e3;
  case benchmark::kMillisecond:
    return T * 1e6;
  case benchmark::kSecond:
    return T * 1e9;
  }
  return T;
}

/// The console reporter, plus the CPU time per iteration of every run,
/// from which it prints the ratio summary.
class SummaryReporter : public benchmark::ConsoleReporter {
public:
  void ReportRuns(const std::vector<Run> &Runs) override {
    for (const Run &R : Runs) {
      if (R.error_occurred)
        continue;
      const std::string &Name = R.run_name.function_name;
      double Ns = toNanos(R.GetAdjustedCPUTime(), R.time_unit);
      if (R.run_type == Run::RT_Aggregate) {
        if (R.aggregate_name == "median")
          Medians[Name] = Ns;
      } else {
        Samples[Name].push_back(Ns);
      }
    }
    ConsoleReporter::ReportRuns(Runs);
  }

  /// Median of the run named `Name`, or NAN when it did not run.
  double median(const std::string &Name) const {
    if (auto It = Medians.find(Name); It != Medians.end())
      return It->second;
    auto It = Samples.find(Name);
    if (It == Samples.end() || It->second.empty())
      return NAN;
    std::vector<double> V = It->second;
    std::sort(V.begin(), V.end());
    size_t N = V.size();
    return N % 2 ? V[N / 2] : (V[N / 2 - 1] + V[N / 2]) / 2;
  }

  /// Issue 17: code with interruption polls (the default) over the same
  /// code compiled with --no-interrupt, per kernel and memory mode.
  void printInterruptOverhead(const std::vector<std::string> &Kernels) const {
    if (Kernels.empty() || !std::isfinite(median("kernel/" + Kernels[0] +
                                                 "/guard-nointr")))
      return;
    std::printf("\nInterruption polls: default / --no-interrupt, median CPU "
                "time\n%-12s %10s %10s\n",
                "kernel", "guard", "bounds");
    double Log[2] = {0, 0}, Worst[2] = {0, 0};
    unsigned N[2] = {0, 0};
    for (const std::string &K : Kernels) {
      double R[2];
      for (int M = 0; M < 2; ++M) {
        std::string Mode = M == 0 ? "guard" : "bounds";
        R[M] = median("kernel/" + K + "/" + Mode) /
               median("kernel/" + K + "/" + Mode + "-nointr");
        if (std::isfinite(R[M])) {
          Log[M] += std::log(R[M]);
          Worst[M] = std::max(Worst[M], R[M]);
          ++N[M];
        }
      }
      std::printf("%-12s %9.3fx %9.3fx\n", K.c_str(), R[0], R[1]);
    }
    std::printf("%-12s %9.3fx %9.3fx\n%-12s %9.3fx %9.3fx\n(targets: geomean "
                "<= 1.03x, no kernel > 1.08x)\n",
                "geomean", N[0] ? std::exp(Log[0] / N[0]) : NAN,
                N[1] ? std::exp(Log[1] / N[1]) : NAN, "worst", Worst[0],
                Worst[1]);
  }

  void printSummary() const {
    std::vector<std::string> Kernels;
    for (const auto &[Name, _] : allNames())
      if (Name.rfind("kernel/", 0) == 0 && Name.ends_with("/native"))
        Kernels.push_back(Name.substr(7, Name.size() - 7 - 7));
    if (!Kernels.empty()) {
      std::printf("\nKiln vs native (clang-19 -O2), median CPU time; "
                  "ratio = Kiln / native\n");
      std::printf("%-12s %12s %10s %10s\n", "kernel", "native us", "guard",
                  "bounds");
      double LogG = 0, LogB = 0;
      unsigned NG = 0, NB = 0;
      double WorstG = 0;
      std::string WorstName;
      for (const std::string &K : Kernels) {
        double N = median("kernel/" + K + "/native");
        double G = median("kernel/" + K + "/guard") / N;
        double B = median("kernel/" + K + "/bounds") / N;
        std::printf("%-12s %12.1f %9.3fx %9.3fx\n", K.c_str(), N / 1e3, G, B);
        if (std::isfinite(G)) {
          LogG += std::log(G);
          ++NG;
          if (G > WorstG) {
            WorstG = G;
            WorstName = K;
          }
        }
        if (std::isfinite(B)) {
          LogB += std::log(B);
          ++NB;
        }
      }
      std::printf("%-12s %12s %9.3fx %9.3fx\n", "geomean", "",
                  NG ? std::exp(LogG / NG) : NAN,
                  NB ? std::exp(LogB / NB) : NAN);
      if (NG)
        std::printf("worst guard ratio: %s %.3fx (targets: guard geomean <= "
                    "1.10x, no kernel > 1.30x, bounds geomean <= 1.25x)\n",
                    WorstName.c_str(), WorstG);
    }
    printInterruptOverhead(Kernels);
    double Sse = median("simd/fir/native");
    if (std::isfinite(Sse)) {
      double G = median("simd/fir/guard"), B = median("simd/fir/bounds");
      std::printf("\nSIMD FIR (issue 4): SSE native %.1f us; wasm_simd128 "
                  "under Kiln: ",
                  Sse / 1e3);
      if (std::isfinite(G) || std::isfinite(B))
        std::printf("guard %.3fx, bounds %.3fx (target <= 1.15x)\n", G / Sse,
                    B / Sse);
      else
        std::printf("not run (see the SKIPPED line at the top)\n");
      double Scalar = median("kernel/fir/native");
      if (std::isfinite(Scalar))
        std::printf("(scalar fir native %.1f us: SSE speedup %.2fx)\n",
                    Scalar / 1e3, Scalar / Sse);
    }
    bool Micro = false;
    for (const auto &[Name, _] : allNames()) {
      if (Name.rfind("micro/", 0) != 0)
        continue;
      if (!Micro)
        std::printf("\nmicro-benchmarks, median ns per iteration\n");
      Micro = true;
      double T = median(Name);
      if (Name.rfind("micro/wasm_to_host", 0) == 0)
        std::printf("  %-44s %10.1f  (%.2f ns per host call)\n", Name.c_str(),
                    T, T / 1000);
      else
        std::printf("  %-44s %10.1f\n", Name.c_str(), T);
    }
  }

private:
  std::map<std::string, int> allNames() const {
    std::map<std::string, int> Names;
    for (const auto &[N, _] : Medians)
      Names[N];
    for (const auto &[N, _] : Samples)
      Names[N];
    return Names;
  }

  std::map<std::string, double> Medians;
  std::map<std::string, std::vector<double>> Samples;
};

} // namespace
} // namespace kiln::bench

int main(int Argc, char **Argv) {
  using namespace kiln::bench;
  benchmark::Initialize(&Argc, Argv);
  if (benchmark::ReportUnrecognizedArguments(Argc, Argv))
    return 2;
  bool Ok = registerKernelBenchmarks();
  Ok = registerMicroBenchmarks() && Ok;
  Ok = registerCompileBenchmarks() && Ok;
  Ok = registerLimitBenchmarks() && Ok;
  if (!Ok) {
    std::fprintf(stderr, "kiln-bench: setup failed (see above); no "
                         "benchmarks run\n");
    return 1;
  }
  SummaryReporter Reporter;
  benchmark::RunSpecifiedBenchmarks(&Reporter);
  Reporter.printSummary();
  benchmark::Shutdown();
  if (anyFailure()) {
    std::fprintf(stderr, "kiln-bench: FAILED (see the FAILURE lines)\n");
    return 1;
  }
  return 0;
}
