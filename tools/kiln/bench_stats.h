//===- tools/kiln/bench_stats.h - Latency statistics for kiln bench -*- C++ -*-===//
//
// What `kiln bench` reports about a run, computed from its raw samples after
// the run (never on the timed path): percentiles by the nearest-rank rule,
// jitter, deadline misses and period overruns, and the log-scale histogram
// the plot draws. Pure functions of their inputs.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_BENCH_STATS_H
#define KILN_TOOLS_BENCH_STATS_H

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kiln::cli {

/// The raw samples of a run, in nanoseconds; preallocated before the first
/// call so that recording one is a store. Start offsets are measured from
/// the release of the first timed call (periodic runs) or from its start
/// (back to back). The native vectors are empty without a baseline.
struct BenchSamples {
  std::vector<uint64_t> StartNs, LatencyNs;
  std::vector<uint64_t> NativeStartNs, NativeLatencyNs;
};

/// Latencies in nanoseconds.
struct LatencySummary {
  size_t Count = 0;
  uint64_t Min = 0, P50 = 0, P90 = 0, P99 = 0, P999 = 0, Max = 0;
  double Mean = 0, StdDev = 0; // population standard deviation
  /// P99 - P50: how much later than usual the slowest 1 % of calls end,
  /// which is what a periodic task must leave room for.
  uint64_t Jitter = 0;
  /// Samples strictly over the budget (0 without one).
  size_t BudgetMisses = 0;
};

/// The nearest-rank Q-th percentile (0 < Q <= 100) of sorted samples: the
/// smallest sample with at least Q % of the samples at or below it, so it
/// is always a measured value (p100 is the max). 0 for no samples.
uint64_t percentileOfSorted(std::span<const uint64_t> Sorted, double Q);

/// Summarizes unsorted samples; BudgetNs == 0 means no budget.
LatencySummary summarize(std::span<const uint64_t> Latencies,
                         uint64_t BudgetNs);

/// Calls of a periodic run that ended after the next period began: call I
/// is released at I * PeriodNs and started StartNs[I] (same origin) and
/// took LatencyNs[I].
size_t countPeriodOverruns(std::span<const uint64_t> StartNs,
                           std::span<const uint64_t> LatencyNs,
                           uint64_t PeriodNs);

/// How late each release of a periodic run was served: the start of its
/// first call (Kiln's or, when it went first, the native one's) minus the
/// release time I * PeriodNs. The scheduler's latency, not the module's.
std::vector<uint64_t> releaseDelays(std::span<const uint64_t> StartNs,
                                    std::span<const uint64_t> NativeStartNs,
                                    uint64_t PeriodNs);

/// Value / Base, or 0 when Base is 0 (no baseline to compare with).
double ratioTo(double Value, double Base);

/// Counts of samples in Bins equal-width bins of log(latency) over [Lo, Hi]
/// (Lo > 0); samples outside the range go to the first or last bin.
std::vector<size_t> logHistogram(std::span<const uint64_t> Latencies,
                                 double Lo, double Hi, size_t Bins);

} // namespace kiln::cli

#endif // KILN_TOOLS_BENCH_STATS_H
