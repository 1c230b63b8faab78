//===- tools/kiln/bench_runner.h - The timed loop of kiln bench -*- C++ -*-===//
//
// Calls one export Warmup + Count times, back to back or released every
// period, timing each call alone, and records the timed ones. With a
// native baseline each release calls both, alternating which goes first,
// so both see the same machine (caches, frequency, interference) and
// neither is always the one that runs on a cache the other warmed.
//
// The loop is what is measured, so it does nothing a real-time task would
// not: no allocation, no lock, no system call besides the sleep until the
// next release (clock_gettime is a vDSO read). The arguments are copied
// into preallocated slots and the call enters the generated code directly
// (detail::callWithSlots, what TypedFunc uses).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_BENCH_RUNNER_H
#define KILN_TOOLS_BENCH_RUNNER_H

#include "tools/kiln/bench_stats.h"
#include "tools/kiln/native_baseline.h"

#include "kiln/runtime.h"

#include <memory>
#include <vector>

namespace kiln::cli {

struct BenchPlan {
  uint64_t PeriodNs = 0; // 0: back to back
  size_t Count = 10000;
  size_t Warmup = 100;
};

/// An export and its arguments, called through 16-byte slots.
class WasmCall {
public:
  /// Args must match F's parameter types (checked by the caller).
  WasmCall(std::shared_ptr<Func> F, const std::vector<Value> &Args);

  /// One call: the arguments are copied into the slots first (the callee
  /// overwrites them with its results).
  Error call() {
    for (size_t I = 0; I < NumArgs; ++I)
      Slots[I] = ArgSlots[I];
    return detail::callWithSlots(*F, Slots.data());
  }

  const uint8_t (*argSlots() const)[16] { return &ArgSlots.data()->Bytes; }
  /// The first result slot after call() (zero-extended to 64 bits for an
  /// i32).
  uint64_t resultBits() const;

private:
  struct alignas(16) Slot {
    uint8_t Bytes[16];
  };
  std::shared_ptr<Func> F;
  size_t NumArgs;
  bool I32Result;
  std::vector<Slot> ArgSlots, Slots;
};

/// Runs the plan; Out is sized here, before the first call. Returns the
/// error of the first call that failed (a trap), which ends the run.
Error runBench(const BenchPlan &Plan, WasmCall &Wasm, NativeBaseline *Native,
               BenchSamples &Out);

} // namespace kiln::cli

#endif // KILN_TOOLS_BENCH_RUNNER_H
