//===- tools/kiln/bench_report.cc - What kiln bench prints ----------------===//

#include "tools/kiln/bench_report.h"
#include "tools/kiln/cli.h"
#include "tools/kiln/json_string.h"

#include <cerrno>
#include <cstring>

namespace kiln::cli {

namespace {
/// One statistic of both sides: the rows of the table, the keys of JSON.
struct Stat {
  const char *Row, *Key;
  double Kiln, Native;
  bool Ratio; // a ratio to native is meaningful (a time, not a spread)
};
} // namespace

std::string formatDuration(double Ns) {
  if (Ns < 1e3)
    return formatString("%.0f ns", Ns);
  if (Ns < 1e6)
    return formatString(Ns < 1e4 ? "%.2f us" : Ns < 1e5 ? "%.1f us" : "%.0f us",
                        Ns / 1e3);
  if (Ns < 1e9)
    return formatString(Ns < 1e7 ? "%.3f ms" : Ns < 1e8 ? "%.2f ms" : "%.1f ms",
                        Ns / 1e6);
  return formatString("%.3f s", Ns / 1e9);
}

static std::vector<Stat> stats(const BenchReport &R) {
  const LatencySummary &K = R.Kiln, &N = R.Native;
  return {
      {"min", "min", double(K.Min), double(N.Min), true},
      {"p50", "p50", double(K.P50), double(N.P50), true},
      {"p90", "p90", double(K.P90), double(N.P90), true},
      {"p99", "p99", double(K.P99), double(N.P99), true},
      {"p99.9", "p99_9", double(K.P999), double(N.P999), true},
      {"max", "max", double(K.Max), double(N.Max), true},
      {"mean", "mean", K.Mean, N.Mean, true},
      {"stddev", "stddev", K.StdDev, N.StdDev, false},
      {"jitter", "jitter", double(K.Jitter), double(N.Jitter), false},
  };
}

void printTable(std::FILE *Out, const BenchReport &R) {
  std::string Args;
  for (const std::string &A : R.Args)
    Args += (Args.empty() ? "" : ", ") + A;
  std::fprintf(Out, "kiln bench: %s(%s) in %s\n", R.Export.c_str(),
               Args.c_str(), R.File.c_str());
  if (R.PeriodNs)
    std::fprintf(Out, "  %zu calls released every %s", R.Count,
                 formatDuration(double(R.PeriodNs)).c_str());
  else
    std::fprintf(Out, "  %zu calls back to back", R.Count);
  std::fprintf(Out, ", after %zu warm-up calls\n", R.Warmup);
  if (R.hasNative())
    std::fprintf(Out, "  interleaved call by call with the native baseline "
                      "%s\n",
                 R.NativeSpec.c_str());
  std::string Setup;
  if (R.Cpu >= 0)
    Setup += formatString("pinned to CPU %d", R.Cpu);
  if (R.FifoPriority)
    Setup += formatString("%sSCHED_FIFO priority %d", Setup.empty() ? "" : ", ",
                          R.FifoPriority);
  if (R.Mlock)
    Setup += std::string(Setup.empty() ? "" : ", ") + "memory locked";
  if (!Setup.empty())
    std::fprintf(Out, "  %s\n", Setup.c_str());

  std::fprintf(Out, "\n  %-8s %12s", "", "kiln");
  if (R.hasNative())
    std::fprintf(Out, " %12s %12s", "native", "kiln/native");
  std::fprintf(Out, "\n");
  for (const Stat &S : stats(R)) {
    std::fprintf(Out, "  %-8s %12s", S.Row, formatDuration(S.Kiln).c_str());
    if (R.hasNative()) {
      std::fprintf(Out, " %12s", formatDuration(S.Native).c_str());
      if (S.Ratio)
        std::fprintf(Out, " %11.2fx", ratioTo(S.Kiln, S.Native));
    }
    std::fprintf(Out, "\n");
  }
  // The tail relative to the typical call: what a period must allow for
  // beyond the median, independent of how fast each side is.
  double KTail = ratioTo(double(R.Kiln.P99), double(R.Kiln.P50));
  std::fprintf(Out, "  %-8s %12.3f", "p99/p50", KTail);
  if (R.hasNative()) {
    double NTail = ratioTo(double(R.Native.P99), double(R.Native.P50));
    std::fprintf(Out, " %12.3f %11.2fx", NTail, ratioTo(KTail, NTail));
  }
  std::fprintf(Out, "\n  (jitter = p99 - p50; stddev over all %zu calls)\n\n",
               R.Count);

  if (R.BudgetNs) {
    std::fprintf(Out, "  budget %s: %s, %zu of %zu calls over (%.3f %%)\n",
                 formatDuration(double(R.BudgetNs)).c_str(),
                 R.budgetMissed() ? "MISSED" : "met", R.Kiln.BudgetMisses,
                 R.Count,
                 R.Count ? 100.0 * double(R.Kiln.BudgetMisses) / double(R.Count)
                         : 0.0);
  }
  if (R.PeriodNs) {
    std::fprintf(Out, "  period %s: %zu overrun(s) (calls that ended after "
                      "the next release)",
                 formatDuration(double(R.PeriodNs)).c_str(), R.KilnOverruns);
    if (R.hasNative())
      std::fprintf(Out, "; native %zu", R.NativeOverruns);
    std::fprintf(Out, "\n  wake-up after each release (the scheduler's, not "
                      "the call's): p50 %s, p99 %s, max %s\n",
                 formatDuration(double(R.Wakeup.P50)).c_str(),
                 formatDuration(double(R.Wakeup.P99)).c_str(),
                 formatDuration(double(R.Wakeup.Max)).c_str());
  }
}

static void printSideJson(std::FILE *Out, const char *Name,
                          const LatencySummary &S, size_t Overruns,
                          bool Periodic) {
  std::fprintf(Out,
               "  %s: {\"min_ns\": %llu, \"p50_ns\": %llu, \"p90_ns\": %llu, "
               "\"p99_ns\": %llu, \"p99_9_ns\": %llu, \"max_ns\": %llu, "
               "\"mean_ns\": %.1f, \"stddev_ns\": %.1f, \"jitter_ns\": %llu, "
               "\"budget_misses\": %zu, \"period_overruns\": ",
               jsonString(Name).c_str(), (unsigned long long)S.Min,
               (unsigned long long)S.P50, (unsigned long long)S.P90,
               (unsigned long long)S.P99, (unsigned long long)S.P999,
               (unsigned long long)S.Max, S.Mean, S.StdDev,
               (unsigned long long)S.Jitter, S.BudgetMisses);
  if (Periodic)
    std::fprintf(Out, "%zu}", Overruns);
  else
    std::fprintf(Out, "null}");
}

void printJson(std::FILE *Out, const BenchReport &R) {
  auto OrNull = [](bool Has, unsigned long long V) {
    return Has ? formatString("%llu", V) : std::string("null");
  };
  std::string Args;
  for (const std::string &A : R.Args)
    Args += (Args.empty() ? "" : ", ") + jsonString(A);
  std::fprintf(Out, "{\n  \"module\": %s,\n  \"export\": %s,\n  \"args\": [%s],\n",
               jsonString(R.File).c_str(), jsonString(R.Export).c_str(),
               Args.c_str());
  std::fprintf(Out,
               "  \"mode\": \"%s\",\n  \"period_ns\": %s,\n  \"count\": %zu,\n"
               "  \"warmup\": %zu,\n  \"cpu\": %s,\n  \"fifo_priority\": %s,\n"
               "  \"mlock\": %s,\n",
               R.PeriodNs ? "periodic" : "back-to-back",
               OrNull(R.PeriodNs, R.PeriodNs).c_str(), R.Count, R.Warmup,
               OrNull(R.Cpu >= 0, (unsigned long long)R.Cpu).c_str(),
               OrNull(R.FifoPriority, (unsigned long long)R.FifoPriority).c_str(),
               R.Mlock ? "true" : "false");
  std::fprintf(Out, "  \"budget_ns\": %s,\n  \"budget_met\": %s,\n",
               OrNull(R.BudgetNs, R.BudgetNs).c_str(),
               !R.BudgetNs ? "null" : R.budgetMissed() ? "false" : "true");
  if (R.PeriodNs)
    std::fprintf(Out,
                 "  \"wakeup\": {\"p50_ns\": %llu, \"p99_ns\": %llu, "
                 "\"max_ns\": %llu},\n",
                 (unsigned long long)R.Wakeup.P50,
                 (unsigned long long)R.Wakeup.P99,
                 (unsigned long long)R.Wakeup.Max);
  else
    std::fprintf(Out, "  \"wakeup\": null,\n");
  printSideJson(Out, "kiln", R.Kiln, R.KilnOverruns, R.PeriodNs);
  if (R.hasNative()) {
    std::fprintf(Out, ",\n  \"native_symbol\": %s,\n",
                 jsonString(R.NativeSpec).c_str());
    printSideJson(Out, "native", R.Native, R.NativeOverruns, R.PeriodNs);
    std::fprintf(Out, ",\n  \"ratio_to_native\": {");
    bool First = true;
    for (const Stat &S : stats(R)) {
      if (!S.Ratio)
        continue;
      std::fprintf(Out, "%s\"%s\": %.4f", First ? "" : ", ", S.Key,
                   ratioTo(S.Kiln, S.Native));
      First = false;
    }
    std::fprintf(Out, "}");
  }
  std::fprintf(Out, "\n}\n");
}

Error writeSamplesCsv(const std::string &Path, const BenchSamples &S) {
  bool Native = !S.NativeLatencyNs.empty();
  std::string Csv = formatString("index,start_ns,latency_ns%s\n",
                                 Native ? ",native_latency_ns" : "");
  for (size_t I = 0; I < S.LatencyNs.size(); ++I) {
    Csv += formatString("%zu,%llu,%llu", I, (unsigned long long)S.StartNs[I],
                        (unsigned long long)S.LatencyNs[I]);
    if (Native)
      Csv += formatString(",%llu", (unsigned long long)S.NativeLatencyNs[I]);
    Csv += "\n";
  }
  return writeTextFile(Path, Csv);
}

} // namespace kiln::cli
