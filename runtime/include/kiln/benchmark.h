//===- kiln/benchmark.h - Latency budgets in Google Benchmark ---*- C++ -*-===//
//
// Registers a module's export as a Google Benchmark that times every call
// on its own and reports the tail of the distribution, not only the mean
// Google Benchmark prints, and holds it to a budget:
//
//   #include "kiln/benchmark.h"
//   using namespace std::chrono_literals;
//   ...
//   kiln::bench::registerLatency("vibration/window", *Instance,
//                                "process_window", {kiln::Value::i32(20)},
//                                kiln::bench::Budget{.P99 = 200us});
//   benchmark::Initialize(&argc, argv);
//   benchmark::RunSpecifiedBenchmarks();
//
// Each benchmark reports the counters p50_us, p90_us, p99_us, p99.9_us and
// max_us (nearest-rank percentiles over the calls of the reported run, the
// definition `kiln bench` uses; WarmupCalls untimed calls come first) and
// budget_misses (calls over the loosest limit set). When a percentile is
// over its limit the benchmark fails with "p99 312.4 us over budget 200.0
// us" (SkipWithError: the run's status in every output format, and the
// error CI sees). The iteration time is the call's own (UseManualTime), so
// the harness's bookkeeping is not in it.
//
// Header-only and independent of how the suite is built: it needs only
// Google Benchmark and the runtime's public API. What is timed per call is
// the call itself: arguments sit in preallocated slots, samples in a vector
// reserved before the loop; nothing allocates inside it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_BENCHMARK_H
#define KILN_BENCHMARK_H

#include "kiln/runtime.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace kiln::bench {

/// Limits on a benchmark's latency percentiles; a zero limit is not
/// checked. `Budget{.P99 = 200us}`: 99 % of calls end within 200 us.
struct Budget {
  std::chrono::nanoseconds P50{0}, P90{0}, P99{0}, P999{0}, Max{0};
};

/// Untimed calls before each run's timed ones. Google Benchmark first runs
/// a benchmark with 1, 10, ... iterations to size the reported run; without
/// a warm-up the first call (cold caches, first-touch page faults) would be
/// the p99 of those short runs and fail a budget the code meets.
inline constexpr size_t WarmupCalls = 10;

/// Samples kept per run; a run with more iterations computes its
/// percentiles over the first MaxSamples calls (32 MiB of samples).
inline constexpr size_t MaxSamples = size_t(1) << 22;

namespace detail {

/// Nearest rank, as tools/kiln/bench_stats.cc (kiln bench) defines it:
/// the smallest sample with at least Q % of the samples at or below it.
inline uint64_t percentileOfSorted(const std::vector<uint64_t> &Sorted,
                                   double Q) {
  if (Sorted.empty())
    return 0;
  double Rank = std::ceil(Q / 100.0 * double(Sorted.size()) - 1e-9);
  size_t Index = Rank < 1 ? 0 : size_t(Rank) - 1;
  return Sorted[std::min(Index, Sorted.size() - 1)];
}

inline std::string duration(uint64_t Ns) {
  char Buf[32];
  if (Ns < 1000)
    std::snprintf(Buf, sizeof(Buf), "%llu ns", (unsigned long long)Ns);
  else if (Ns < 1000000)
    std::snprintf(Buf, sizeof(Buf), "%.1f us", double(Ns) / 1e3);
  else
    std::snprintf(Buf, sizeof(Buf), "%.2f ms", double(Ns) / 1e6);
  return Buf;
}

/// An error message if a call failed: Call returns kiln::Error,
/// kiln::Expected<T> or nothing.
template <typename R> bool failed(R &Result, std::string &Message) {
  if constexpr (std::is_same_v<R, Error>) {
    if (!Result)
      return false;
    Message = Result.str();
    return true;
  } else {
    if (Result)
      return false;
    Message = Result.takeError().str();
    return true;
  }
}

/// Sets the counters from the samples and checks the budget.
inline void report(benchmark::State &State, std::vector<uint64_t> &Samples,
                   const Budget &B) {
  if (Samples.empty())
    return;
  std::sort(Samples.begin(), Samples.end());
  struct Row {
    const char *Name;
    uint64_t Value;
    std::chrono::nanoseconds Limit;
  };
  const Row Rows[] = {
      {"p50", percentileOfSorted(Samples, 50), B.P50},
      {"p90", percentileOfSorted(Samples, 90), B.P90},
      {"p99", percentileOfSorted(Samples, 99), B.P99},
      {"p99.9", percentileOfSorted(Samples, 99.9), B.P999},
      {"max", Samples.back(), B.Max},
  };
  // budget_misses: calls over the loosest limit set, the one a single call
  // must never exceed in the budget's own terms.
  uint64_t Loosest = 0;
  for (const Row &R : Rows) {
    State.counters[std::string(R.Name) + "_us"] =
        benchmark::Counter(double(R.Value) / 1e3);
    Loosest = std::max<uint64_t>(Loosest, uint64_t(R.Limit.count()));
  }
  size_t Misses =
      Loosest ? size_t(Samples.end() - std::upper_bound(Samples.begin(),
                                                        Samples.end(), Loosest))
              : 0;
  State.counters["budget_misses"] = benchmark::Counter(double(Misses));
  for (const Row &R : Rows) {
    if (R.Limit.count() <= 0 || R.Value <= uint64_t(R.Limit.count()))
      continue;
    std::string Message = std::string(R.Name) + " " + duration(R.Value) +
                          " over budget " +
                          duration(uint64_t(R.Limit.count()));
    State.SkipWithError(Message.c_str());
    return;
  }
}

/// Makes one call and times it; false (and the message) if it failed.
template <typename Fn>
bool timedCall(Fn &Call, uint64_t &Ns, std::string &Message) {
  auto Since = [](std::chrono::steady_clock::time_point T0) {
    return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::steady_clock::now() - T0)
                        .count());
  };
  auto T0 = std::chrono::steady_clock::now();
  if constexpr (std::is_void_v<decltype(Call())>) {
    Call();
    Ns = Since(T0);
    return true;
  } else {
    auto Result = Call();
    Ns = Since(T0);
    return !failed(Result, Message);
  }
}

/// The timed loop: one call per iteration, timed alone.
template <typename Fn>
void measure(benchmark::State &State, Fn &Call, const Budget &B) {
  std::vector<uint64_t> Samples;
  Samples.reserve(std::min<size_t>(size_t(State.max_iterations), MaxSamples));
  std::string Message;
  for (size_t I = 0; I < WarmupCalls; ++I) {
    uint64_t Ns = 0;
    if (!timedCall(Call, Ns, Message)) {
      State.SkipWithError(Message.c_str());
      for (auto _ : State) {
      }
      return;
    }
  }
  for (auto _ : State) {
    uint64_t Ns = 0;
    if (!timedCall(Call, Ns, Message)) {
      State.SkipWithError(Message.c_str());
      return;
    }
    State.SetIterationTime(double(Ns) / 1e9);
    if (Samples.size() < Samples.capacity())
      Samples.push_back(Ns);
  }
  report(State, Samples, B);
}

/// A benchmark that fails at once: registration problems (no such export,
/// wrong arguments) show up in the suite's output instead of aborting it.
inline benchmark::internal::Benchmark *
registerFailure(const std::string &Name, std::string Message) {
  return benchmark::RegisterBenchmark(
      Name.c_str(), [Message](benchmark::State &State) {
        State.SkipWithError(Message.c_str());
        for (auto _ : State) {
        }
      });
}

} // namespace detail

/// Registers any callable that makes one call: it returns kiln::Error,
/// kiln::Expected<T> (a failure fails the benchmark with its message) or
/// nothing. The most general form: vary the arguments, call several
/// exports, reset state between calls.
template <typename Fn>
  requires std::is_invocable_v<Fn &>
benchmark::internal::Benchmark *registerLatency(const std::string &Name,
                                                Fn Call, Budget B = {}) {
  return benchmark::RegisterBenchmark(
             Name.c_str(),
             [Call = std::move(Call), B](benchmark::State &State) mutable {
               detail::measure(State, Call, B);
             })
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

/// Registers a TypedFunc called with fixed arguments.
template <typename R, typename... Ps>
benchmark::internal::Benchmark *registerLatency(const std::string &Name,
                                                TypedFunc<R(Ps...)> F,
                                                std::tuple<Ps...> Args,
                                                Budget B = {}) {
  return registerLatency(
      Name,
      [F = std::move(F), Args = std::move(Args)] { return std::apply(F, Args); },
      B);
}

/// Registers a function (an export, a funcref) called with fixed arguments
/// of its parameter types; through 16-byte slots, as TypedFunc calls.
inline benchmark::internal::Benchmark *
registerLatency(const std::string &Name, std::shared_ptr<Func> F,
                std::vector<Value> Args, Budget B = {}) {
  if (!F)
    return detail::registerFailure(Name, "not a function");
  const FuncSig &Sig = funcSig(*F);
  bool Match = Args.size() == Sig.Params.size();
  for (size_t I = 0; Match && I < Args.size(); ++I)
    Match = Args[I].Type == Sig.Params[I];
  if (!Match)
    return detail::registerFailure(
        Name, "the arguments do not match the function's " +
                  std::to_string(Sig.Params.size()) + " parameter(s)");
  struct alignas(16) Slot {
    uint8_t Bytes[16];
  };
  size_t N = std::max<size_t>({Sig.Params.size(), Sig.Results.size(), 1});
  auto ArgSlots = std::make_shared<std::vector<Slot>>(N);
  for (size_t I = 0; I < Args.size(); ++I)
    std::memcpy((*ArgSlots)[I].Bytes, Args[I].Bits.data(), 16);
  auto Slots = std::make_shared<std::vector<Slot>>(N);
  return registerLatency(
      Name,
      [F = std::move(F), ArgSlots, Slots] {
        std::copy(ArgSlots->begin(), ArgSlots->end(), Slots->begin());
        return kiln::detail::callWithSlots(*F, Slots->data());
      },
      B);
}

/// Registers an instance's export called with fixed arguments. The
/// benchmark keeps the function (and so the instance) alive.
inline benchmark::internal::Benchmark *
registerLatency(const std::string &Name, const Instance &I,
                std::string_view Export, std::vector<Value> Args,
                Budget B = {}) {
  std::optional<Extern> E = I.exportOf(Export);
  if (!E || E->Kind != ExternKind::Func)
    return detail::registerFailure(Name, "no exported function named '" +
                                             std::string(Export) + "'");
  return registerLatency(Name, E->F, std::move(Args), B);
}

} // namespace kiln::bench

#endif // KILN_BENCHMARK_H
