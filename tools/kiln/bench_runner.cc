//===- tools/kiln/bench_runner.cc - The timed loop of kiln bench ----------===//

#include "tools/kiln/bench_runner.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <time.h>

namespace kiln::cli {

WasmCall::WasmCall(std::shared_ptr<Func> Fn, const std::vector<Value> &Args)
    : F(std::move(Fn)), NumArgs(Args.size()) {
  const FuncSig &Sig = funcSig(*F);
  I32Result = !Sig.Results.empty() && Sig.Results[0] == ValType::I32;
  ArgSlots.resize(std::max<size_t>(NumArgs, 1));
  for (size_t I = 0; I < NumArgs; ++I)
    std::memcpy(ArgSlots[I].Bytes, Args[I].Bits.data(), 16);
  Slots.resize(std::max<size_t>({Sig.Params.size(), Sig.Results.size(), 1}));
}

uint64_t WasmCall::resultBits() const {
  uint64_t Bits;
  std::memcpy(&Bits, Slots[0].Bytes, 8);
  return I32Result ? uint32_t(Bits) : Bits;
}

/// CLOCK_MONOTONIC, the clock clock_nanosleep releases the periods on.
static inline uint64_t nowNs() {
  timespec T;
  ::clock_gettime(CLOCK_MONOTONIC, &T);
  return uint64_t(T.tv_sec) * 1000000000u + uint64_t(T.tv_nsec);
}

/// Sleeps until an absolute time, so that a late wake-up or a long call
/// does not shift every later release (no drift); a release already past
/// returns at once.
static void sleepUntil(uint64_t Ns) {
  timespec T;
  T.tv_sec = time_t(Ns / 1000000000u);
  T.tv_nsec = long(Ns % 1000000000u);
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &T, nullptr) ==
         EINTR) {
  }
}

Error runBench(const BenchPlan &Plan, WasmCall &Wasm, NativeBaseline *Native,
               BenchSamples &Out) {
  Out.StartNs.assign(Plan.Count, 0);
  Out.LatencyNs.assign(Plan.Count, 0);
  Out.NativeStartNs.assign(Native ? Plan.Count : 0, 0);
  Out.NativeLatencyNs.assign(Native ? Plan.Count : 0, 0);
  if (Native)
    Native->setArgs(Wasm.argSlots());

  const size_t Total = Plan.Warmup + Plan.Count;
  const uint64_t Period = Plan.PeriodNs;
  // The first release is one period away, so that it is not late already.
  const uint64_t FirstRelease = nowNs() + Period;
  uint64_t Origin = FirstRelease + Plan.Warmup * Period;
  for (size_t I = 0; I < Total; ++I) {
    if (Period)
      sleepUntil(FirstRelease + I * Period);
    const bool Timed = I >= Plan.Warmup;
    const size_t K = I - Plan.Warmup;
    if (Timed && !Period && K == 0)
      Origin = nowNs();
    const bool NativeFirst = Native && (I & 1);
    auto TimeNative = [&] {
      uint64_t T0 = nowNs();
      Native->call();
      uint64_t T1 = nowNs();
      if (Timed) {
        Out.NativeStartNs[K] = T0 - Origin;
        Out.NativeLatencyNs[K] = T1 - T0;
      }
    };
    if (NativeFirst)
      TimeNative();
    uint64_t T0 = nowNs();
    Error E = Wasm.call();
    uint64_t T1 = nowNs();
    if (E)
      return E;
    if (Timed) {
      Out.StartNs[K] = T0 - Origin;
      Out.LatencyNs[K] = T1 - T0;
    }
    if (Native && !NativeFirst)
      TimeNative();
  }
  return Error::success();
}

} // namespace kiln::cli
