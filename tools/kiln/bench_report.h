//===- tools/kiln/bench_report.h - What kiln bench prints -------*- C++ -*-===//
//
// The results of a run as a table (for people), one JSON object (for CI
// and scripts; durations in integer nanoseconds) and the raw samples as
// CSV. The report carries the run's settings so that each output says what
// was measured.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_BENCH_REPORT_H
#define KILN_TOOLS_BENCH_REPORT_H

#include "tools/kiln/bench_stats.h"

#include "kiln/error.h"

#include <cstdio>
#include <string>
#include <vector>

namespace kiln::cli {

struct BenchReport {
  std::string File, Export, NativeSpec; // NativeSpec empty: no baseline
  std::vector<std::string> Args;
  uint64_t PeriodNs = 0, BudgetNs = 0; // 0: back to back / no budget
  size_t Count = 0, Warmup = 0;
  int Cpu = -1, FifoPriority = 0;
  bool Mlock = false;
  LatencySummary Kiln, Native;
  size_t KilnOverruns = 0, NativeOverruns = 0; // periodic runs only
  LatencySummary Wakeup; // periodic runs: releaseDelays()

  bool hasNative() const { return !NativeSpec.empty(); }
  /// The run fails its budget when any timed call is over it.
  bool budgetMissed() const { return BudgetNs && Kiln.BudgetMisses; }
};

/// A duration for people: "850 ns", "12.4 us", "1.250 ms", "2.000 s" (three
/// significant digits or more).
std::string formatDuration(double Ns);

/// The table: one row per statistic, Kiln, native and the ratio side by
/// side, then the budget line.
void printTable(std::FILE *Out, const BenchReport &R);

/// One JSON object; see `kiln bench --help` for the keys.
void printJson(std::FILE *Out, const BenchReport &R);

/// "index,start_ns,latency_ns[,native_latency_ns]", one row per call.
Error writeSamplesCsv(const std::string &Path, const BenchSamples &S);

} // namespace kiln::cli

#endif // KILN_TOOLS_BENCH_REPORT_H
