//===- tests/unit/bench_stats_test.cc - kiln bench's statistics -----------===//
//
// The numbers `kiln bench` reports and gates CI on: nearest-rank
// percentiles, jitter, budget misses, period overruns, release delays and
// the plot's log histogram. Fixed inputs, no timing.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/bench_stats.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

using namespace kiln::cli;

static std::vector<uint64_t> oneToN(uint64_t N) {
  std::vector<uint64_t> V(N);
  std::iota(V.begin(), V.end(), 1);
  return V;
}

TEST(BenchStats, PercentileIsNearestRankOfSortedSamples) {
  std::vector<uint64_t> V = oneToN(100); // 1..100
  EXPECT_EQ(percentileOfSorted(V, 50), 50u);
  EXPECT_EQ(percentileOfSorted(V, 90), 90u);
  EXPECT_EQ(percentileOfSorted(V, 99), 99u);
  EXPECT_EQ(percentileOfSorted(V, 100), 100u);
  // Rank ceil(0.999 * 100) = 100: with 100 samples p99.9 is the max.
  EXPECT_EQ(percentileOfSorted(V, 99.9), 100u);
  EXPECT_EQ(percentileOfSorted(V, 0.5), 1u);
}

TEST(BenchStats, PercentileIsAlwaysAMeasuredValue) {
  std::vector<uint64_t> V = {10, 20, 30, 40};
  // No interpolation: p50 of four samples is the 2nd, not 25.
  EXPECT_EQ(percentileOfSorted(V, 50), 20u);
  EXPECT_EQ(percentileOfSorted(V, 51), 30u);
  EXPECT_EQ(percentileOfSorted(V, 75), 30u);
  EXPECT_EQ(percentileOfSorted(V, 99), 40u);
}

TEST(BenchStats, P999OfThousandSamplesIsRank999DespiteRounding) {
  // 99.9 / 100 * 1000 is 999.0000000000001 in binary: rank 999, not 1000.
  std::vector<uint64_t> V = oneToN(1000);
  EXPECT_EQ(percentileOfSorted(V, 99.9), 999u);
  EXPECT_EQ(percentileOfSorted(oneToN(10000), 99.9), 9990u);
}

TEST(BenchStats, PercentileOfNothingIsZeroAndOfOneSampleIsIt) {
  EXPECT_EQ(percentileOfSorted({}, 99), 0u);
  std::vector<uint64_t> One = {7};
  EXPECT_EQ(percentileOfSorted(One, 50), 7u);
  EXPECT_EQ(percentileOfSorted(One, 99.9), 7u);
}

TEST(BenchStats, SummarizeSortsItsOwnCopy) {
  std::vector<uint64_t> V = oneToN(1000);
  std::shuffle(V.begin(), V.end(), std::mt19937(1));
  std::vector<uint64_t> Before = V;
  LatencySummary S = summarize(V, 0);
  EXPECT_EQ(V, Before) << "the samples (and their order) are the caller's";
  EXPECT_EQ(S.Count, 1000u);
  EXPECT_EQ(S.Min, 1u);
  EXPECT_EQ(S.P50, 500u);
  EXPECT_EQ(S.P90, 900u);
  EXPECT_EQ(S.P99, 990u);
  EXPECT_EQ(S.P999, 999u);
  EXPECT_EQ(S.Max, 1000u);
  EXPECT_DOUBLE_EQ(S.Mean, 500.5);
}

TEST(BenchStats, JitterIsP99MinusP50AndStdDevIsThePopulations) {
  // 98 calls of 100 ns and two of 1000 ns: p50 100, p99 1000.
  std::vector<uint64_t> V(98, 100);
  V.push_back(1000);
  V.push_back(1000);
  LatencySummary S = summarize(V, 0);
  EXPECT_EQ(S.P50, 100u);
  EXPECT_EQ(S.P99, 1000u);
  EXPECT_EQ(S.Jitter, 900u);
  EXPECT_DOUBLE_EQ(S.Mean, 118.0);
  // sqrt((98 * 18^2 + 2 * 882^2) / 100)
  EXPECT_NEAR(S.StdDev, 126.0, 1e-9);
  std::vector<uint64_t> Same(10, 42);
  EXPECT_EQ(summarize(Same, 0).Jitter, 0u);
  EXPECT_DOUBLE_EQ(summarize(Same, 0).StdDev, 0.0);
}

TEST(BenchStats, BudgetMissesCountOnlySamplesStrictlyOverTheBudget) {
  std::vector<uint64_t> V = {50, 100, 100, 101, 200, 99};
  EXPECT_EQ(summarize(V, 100).BudgetMisses, 2u); // 101 and 200; 100 is in
  EXPECT_EQ(summarize(V, 1).BudgetMisses, 6u);
  EXPECT_EQ(summarize(V, 200).BudgetMisses, 0u);
  EXPECT_EQ(summarize(V, 0).BudgetMisses, 0u) << "0 means no budget";
}

TEST(BenchStats, SummaryOfNoSamplesIsAllZero) {
  LatencySummary S = summarize({}, 100);
  EXPECT_EQ(S.Count, 0u);
  EXPECT_EQ(S.Max, 0u);
  EXPECT_EQ(S.BudgetMisses, 0u);
}

TEST(BenchStats, OverrunIsACallEndingAfterTheNextRelease) {
  // Period 1000: call I is released at I * 1000 and must end by (I+1)*1000.
  std::vector<uint64_t> Start = {10, 1500, 2000, 3900};
  std::vector<uint64_t> Lat = {990, 400, 1001, 50};
  // Call 0 ends at 1000 (on time), call 1 at 1900, call 2 at 3001 (late),
  // call 3 at 3950.
  EXPECT_EQ(countPeriodOverruns(Start, Lat, 1000), 1u);
  EXPECT_EQ(countPeriodOverruns(Start, Lat, 0), 0u) << "back to back";
}

TEST(BenchStats, OverrunCountsALateWakeUpEvenForAShortCall) {
  // Released at 0, started 950 late and ran 100: the period was missed
  // although the call itself was fast; that is what a controller sees.
  std::vector<uint64_t> Start = {950}, Lat = {100};
  EXPECT_EQ(countPeriodOverruns(Start, Lat, 1000), 1u);
}

TEST(BenchStats, ReleaseDelayIsTheFirstStartAfterEachRelease) {
  std::vector<uint64_t> Start = {5, 1020, 2300};
  EXPECT_EQ(releaseDelays(Start, {}, 1000),
            (std::vector<uint64_t>{5, 20, 300}));
  // With a baseline, whichever side went first started the period.
  std::vector<uint64_t> Native = {50, 1010, 2400};
  EXPECT_EQ(releaseDelays(Start, Native, 1000),
            (std::vector<uint64_t>{5, 10, 300}));
}

TEST(BenchStats, RatioToNativeIsZeroWithoutABaseline) {
  EXPECT_DOUBLE_EQ(ratioTo(150, 100), 1.5);
  EXPECT_DOUBLE_EQ(ratioTo(150, 0), 0.0);
}

TEST(BenchStats, LogHistogramBinsByDecadeFraction) {
  // [1, 10000] in 4 bins: one bin per decade.
  // (No sample on an inner edge, where rounding may pick either bin.)
  std::vector<uint64_t> V = {1, 5, 20, 50, 99, 200, 5000, 10000};
  std::vector<size_t> H = logHistogram(V, 1, 10000, 4);
  ASSERT_EQ(H.size(), 4u);
  EXPECT_EQ(H[0], 2u); // 1, 5
  EXPECT_EQ(H[1], 3u); // 20, 50, 99
  EXPECT_EQ(H[2], 1u); // 200
  EXPECT_EQ(H[3], 2u); // 5000 and the top edge, 10000
}

TEST(BenchStats, LogHistogramClampsOutOfRangeSamplesToTheEdges) {
  std::vector<uint64_t> V = {0, 1, 1000000};
  std::vector<size_t> H = logHistogram(V, 10, 1000, 2);
  EXPECT_EQ(H[0], 2u);
  EXPECT_EQ(H[1], 1u);
  size_t Total = 0;
  for (size_t C : H)
    Total += C;
  EXPECT_EQ(Total, V.size()) << "every sample is in some bin";
}
