//===- bench/limit_bench.cc - What the machine allows ---------------------===//
//
// The histogram kernel runs at 1.00x native under every engine (Kiln, node,
// wasm2c). limit/histogram/* shows why: its increment loop, natively, as
// clang -O2 writes it and as a compiler or a programmer could rewrite it
// (software prefetch of the bin ahead, batched loads, 2 MiB pages). When
// none runs faster than `plain`, the loop is bound by the caches, not by
// code, and a Wasm engine can at best tie native code on it.
//
//===----------------------------------------------------------------------===//

#include "bench/kiln_bench.h"

#include <benchmark/benchmark.h>

#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>

extern "C" {
void histogram_limit_init(uint16_t *Samples);
void histogram_limit_plain(uint32_t *Bins, const uint16_t *Samples);
void histogram_limit_prefetch(uint32_t *Bins, const uint16_t *Samples,
                              int Distance);
void histogram_limit_batched(uint32_t *Bins, const uint16_t *Samples);
}

namespace kiln::bench {
namespace {

constexpr size_t BinBytes = 65536 * 4;
constexpr size_t SampleBytes = (size_t(1) << 20) * 2;
constexpr size_t HugePage = size_t(2) << 20;

/// Bins and samples in one mapping, 2 MiB-aligned; with Huge, the kernel
/// is asked to back it with 2 MiB pages (transparent huge pages).
struct Arena {
  explicit Arena(bool Huge) {
    Size = 2 * HugePage + BinBytes + SampleBytes;
    Raw = mmap(nullptr, Size, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (Raw == MAP_FAILED) {
      Raw = nullptr;
      return;
    }
    auto At = (reinterpret_cast<uintptr_t>(Raw) + HugePage - 1) & ~(HugePage - 1);
    if (Huge)
      madvise(reinterpret_cast<void *>(At), Size - (At - reinterpret_cast<uintptr_t>(Raw)),
              MADV_HUGEPAGE);
    Bins = reinterpret_cast<uint32_t *>(At);
    Samples = reinterpret_cast<uint16_t *>(At + HugePage);
    histogram_limit_init(Samples);
  }
  ~Arena() {
    if (Raw)
      munmap(Raw, Size);
  }
  void *Raw = nullptr;
  size_t Size = 0;
  uint32_t *Bins = nullptr;
  uint16_t *Samples = nullptr;
};

void registerVariant(const std::string &Name, bool Huge,
                     std::function<void(uint32_t *, const uint16_t *)> Loop) {
  benchmark::RegisterBenchmark(
      ("limit/histogram/" + Name).c_str(),
      [Huge, Loop](benchmark::State &State) {
        Arena A(Huge);
        if (!A.Raw) {
          State.SkipWithError("mmap failed");
          return;
        }
        for (auto _ : State) {
          State.PauseTiming();
          std::memset(A.Bins, 0, BinBytes);
          State.ResumeTiming();
          Loop(A.Bins, A.Samples);
          benchmark::DoNotOptimize(A.Bins[0]);
          benchmark::ClobberMemory();
        }
      })
      ->Unit(benchmark::kMicrosecond);
}

} // namespace

bool registerLimitBenchmarks() {
  registerVariant("plain", false, histogram_limit_plain);
  for (int Distance : {16, 64})
    registerVariant("prefetch_" + std::to_string(Distance), false,
                    [Distance](uint32_t *B, const uint16_t *S) {
                      histogram_limit_prefetch(B, S, Distance);
                    });
  registerVariant("batched_8", false, histogram_limit_batched);
  registerVariant("huge_pages", true, histogram_limit_plain);
  return true;
}

} // namespace kiln::bench
