//===- tools/kiln/bench_stats.cc - Latency statistics for kiln bench ------===//

#include "tools/kiln/bench_stats.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace kiln::cli {

uint64_t percentileOfSorted(std::span<const uint64_t> Sorted, double Q) {
  assert(Q > 0 && Q <= 100 && "a percentile is in (0, 100]");
  if (Sorted.empty())
    return 0;
  // Rank ceil(Q/100 * N), 1-based. The small epsilon keeps 99.9 % of 1000
  // at rank 999 despite 99.9/100*1000 being 999.0000000000001 in binary.
  double Rank = std::ceil(Q / 100.0 * double(Sorted.size()) - 1e-9);
  size_t Index = Rank < 1 ? 0 : size_t(Rank) - 1;
  return Sorted[std::min(Index, Sorted.size() - 1)];
}

LatencySummary summarize(std::span<const uint64_t> Latencies,
                         uint64_t BudgetNs) {
  LatencySummary S;
  S.Count = Latencies.size();
  if (Latencies.empty())
    return S;
  std::vector<uint64_t> Sorted(Latencies.begin(), Latencies.end());
  std::sort(Sorted.begin(), Sorted.end());
  S.Min = Sorted.front();
  S.Max = Sorted.back();
  S.P50 = percentileOfSorted(Sorted, 50);
  S.P90 = percentileOfSorted(Sorted, 90);
  S.P99 = percentileOfSorted(Sorted, 99);
  S.P999 = percentileOfSorted(Sorted, 99.9);
  S.Jitter = S.P99 - S.P50;
  double Sum = 0;
  for (uint64_t V : Sorted)
    Sum += double(V);
  S.Mean = Sum / double(S.Count);
  double Squares = 0;
  for (uint64_t V : Sorted)
    Squares += (double(V) - S.Mean) * (double(V) - S.Mean);
  S.StdDev = std::sqrt(Squares / double(S.Count));
  if (BudgetNs)
    S.BudgetMisses = size_t(Sorted.end() - std::upper_bound(Sorted.begin(),
                                                            Sorted.end(),
                                                            BudgetNs));
  return S;
}

size_t countPeriodOverruns(std::span<const uint64_t> StartNs,
                           std::span<const uint64_t> LatencyNs,
                           uint64_t PeriodNs) {
  assert(StartNs.size() == LatencyNs.size() && "one start per sample");
  if (!PeriodNs)
    return 0;
  size_t Overruns = 0;
  for (size_t I = 0; I < StartNs.size(); ++I)
    Overruns += StartNs[I] + LatencyNs[I] > (I + 1) * PeriodNs;
  return Overruns;
}

std::vector<uint64_t> releaseDelays(std::span<const uint64_t> StartNs,
                                    std::span<const uint64_t> NativeStartNs,
                                    uint64_t PeriodNs) {
  assert((NativeStartNs.empty() || NativeStartNs.size() == StartNs.size()) &&
         "one native start per sample, or none");
  std::vector<uint64_t> Delays(StartNs.size());
  for (size_t I = 0; I < StartNs.size(); ++I) {
    uint64_t First = StartNs[I];
    if (!NativeStartNs.empty())
      First = std::min(First, NativeStartNs[I]);
    uint64_t Release = I * PeriodNs;
    Delays[I] = First > Release ? First - Release : 0;
  }
  return Delays;
}

double ratioTo(double Value, double Base) { return Base > 0 ? Value / Base : 0; }

std::vector<size_t> logHistogram(std::span<const uint64_t> Latencies,
                                 double Lo, double Hi, size_t Bins) {
  assert(Lo > 0 && Hi >= Lo && Bins > 0 && "a log axis starts above 0");
  std::vector<size_t> Counts(Bins, 0);
  double LogLo = std::log(Lo), Span = std::log(Hi) - LogLo;
  for (uint64_t V : Latencies) {
    double X = V > 0 ? std::log(double(V)) : LogLo;
    double Bin = Span > 0 ? (X - LogLo) / Span * double(Bins) : 0;
    size_t B = Bin <= 0 ? 0 : std::min(size_t(Bin), Bins - 1);
    ++Counts[B];
  }
  return Counts;
}

} // namespace kiln::cli
