//===- bench/kernel_bench.cc - Kernels: native vs Kiln guard vs bounds ----===//
//
// Each kernel of bench/kernels/ runs three ways in one process: the native
// object (clang-19 -O2), and the same C compiled to wasm32 and then by
// `kiln compile` in guard mode and with --bounds-checks. Before any timing
// every way's checksum is compared; a mismatch fails the run loudly.
//
// Times are CPU time of the calling thread (Google Benchmark's default), not
// wall time: on a shared machine wall time also counts the time another
// process holds the core, which swamps a few percent of difference.
//
// Issue 4's SIMD FIR (fir_simd128.c vs fir_sse.c) is compiled in-process at
// startup instead of at build time, so a compiler that still refuses SIMD
// shows up as a clear skip rather than a broken build.
//
//===----------------------------------------------------------------------===//

#include "bench/bench_util.h"
#include "bench/kiln_bench.h"

#include <benchmark/benchmark.h>

#include <cinttypes>
#include <cstdio>

extern "C" {
#define KILN_BENCH_KERNEL(Name, File)                                          \
  void Name##_init(void);                                                      \
  uint32_t Name##_run(void);
#include "bench/kernels.def"
#undef KILN_BENCH_KERNEL
void firsimd_init(void);
uint32_t firsimd_run(void);
}

namespace kiln::bench {
namespace {

struct NativeKernel {
  const char *Name; // export prefix: Name_init, Name_run
  const char *File; // bench/kernels/File.c, File.{guard,bounds}.kiln
  void (*Init)();
  uint32_t (*Run)();
};

const NativeKernel Kernels[] = {
#define KILN_BENCH_KERNEL(Name, File) {#Name, #File, Name##_init, Name##_run},
#include "bench/kernels.def"
#undef KILN_BENCH_KERNEL
};

/// One wasm instance of a kernel with its run export cached.
struct WasmKernel {
  std::shared_ptr<Module> M;
  std::unique_ptr<Instance> I;
  std::shared_ptr<Func> Run;
};

Expected<uint32_t> callRun(const WasmKernel &K) {
  Expected<std::vector<Value>> R = callFunc(*K.Run, {});
  if (!R)
    return R.takeError();
  return (*R)[0].i32();
}

Expected<WasmKernel> instantiateKernel(std::shared_ptr<Module> M,
                                       const std::string &Name) {
  WasmKernel K;
  K.M = std::move(M);
  Linker L;
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*K.M);
  if (!I)
    return I.takeError();
  K.I = std::move(*I);
  Expected<std::vector<Value>> Init = K.I->call(Name + "_init", {});
  if (!Init)
    return Init.takeError();
  std::optional<Extern> Run = K.I->exportOf(Name + "_run");
  if (!Run || !Run->F)
    return Error::make(ErrorKind::Link, "no export " + Name + "_run");
  K.Run = Run->F;
  return K;
}

// Instances live for the whole run (benchmarks refer to them).
std::vector<std::unique_ptr<WasmKernel>> &liveKernels() {
  static std::vector<std::unique_ptr<WasmKernel>> V;
  return V;
}

WasmKernel *keep(WasmKernel K) {
  liveKernels().push_back(std::make_unique<WasmKernel>(std::move(K)));
  return liveKernels().back().get();
}

void registerNative(const std::string &Group, const std::string &Kernel,
                    uint32_t (*Run)(), uint32_t Want) {
  benchmark::RegisterBenchmark(
      (Group + "/" + Kernel + "/native").c_str(),
      [Run, Want](benchmark::State &S) {
        uint32_t Sum = 0;
        for (auto _ : S) {
          Sum = Run();
          benchmark::DoNotOptimize(Sum);
        }
        if (Sum != Want)
          reportFailure("native checksum changed between runs");
        S.SetLabel(formatString("checksum=0x%08x", Sum));
      })
      ->Unit(benchmark::kMicrosecond);
}

void registerWasm(const std::string &Group, const std::string &Kernel,
                  const char *Mode, WasmKernel *K, uint32_t Want) {
  std::string Name = Group + "/" + Kernel + "/" + Mode;
  benchmark::RegisterBenchmark(Name.c_str(), [K, Want,
                                              Name](benchmark::State &S) {
    uint32_t Sum = 0;
    for (auto _ : S) {
      Expected<std::vector<Value>> R = callFunc(*K->Run, {});
      if (!R) {
        std::string Msg = R.takeError().str();
        reportFailure(Name + ": " + Msg);
        S.SkipWithError(Msg.c_str());
        break;
      }
      Sum = (*R)[0].i32();
    }
    if (Sum != Want) {
      reportFailure(formatString("%s: checksum 0x%08x, native 0x%08x",
                                 Name.c_str(), Sum, Want));
      S.SkipWithError("checksum differs from native");
    }
    S.SetLabel(formatString("checksum=0x%08x", Sum));
  })->Unit(benchmark::kMicrosecond);
}

const char *modeTag(MemoryMode M) {
  return M == MemoryMode::Guard ? "guard" : "bounds";
}

} // namespace

bool registerKernelBenchmarks() {
  bool Ok = true;
  std::string Dir = artifactDir();
  std::printf("kernel checksums (native, guard, bounds-checked) from %s:\n",
              Dir.c_str());
  for (const NativeKernel &NK : Kernels) {
    NK.Init();
    uint32_t Native = NK.Run();
    WasmKernel *Ways[2] = {nullptr, nullptr};
    uint32_t Sums[2] = {0, 0};
    for (int W = 0; W < 2; ++W) {
      MemoryMode Mode = W == 0 ? MemoryMode::Guard : MemoryMode::BoundsChecked;
      std::string Path = Dir + "/" + NK.File + "." + modeTag(Mode) + ".kiln";
      Expected<std::shared_ptr<Module>> M = loadArtifactFile(Path);
      if (!M) {
        reportFailure(Path + ": " + M.takeError().str());
        Ok = false;
        continue;
      }
      Expected<WasmKernel> K = instantiateKernel(std::move(*M), NK.Name);
      Expected<uint32_t> Sum =
          K ? callRun(*K) : Expected<uint32_t>(K.takeError());
      if (!Sum) {
        reportFailure(Path + ": " + Sum.takeError().str());
        Ok = false;
        continue;
      }
      Sums[W] = *Sum;
      Ways[W] = keep(std::move(*K));
    }
    bool Agree = Ways[0] && Ways[1] && Sums[0] == Native && Sums[1] == Native;
    std::printf("  %-10s 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 "  %s\n",
                NK.Name, Native, Sums[0], Sums[1],
                Agree ? "agree" : "MISMATCH");
    if (!Agree) {
      if (Ways[0] && Ways[1])
        reportFailure(std::string("kernel ") + NK.Name +
                      ": checksums differ between native and Wasm");
      Ok = false;
      continue;
    }
    registerNative("kernel", NK.Name, NK.Run, Native);
    registerWasm("kernel", NK.Name, "guard", Ways[0], Native);
    registerWasm("kernel", NK.Name, "bounds", Ways[1], Native);
    // The same code without interruption polls (--no-interrupt), for the
    // cost of the polls; interleaved with the rest like any benchmark.
    for (const char *Tag : {"guard-nointr", "bounds-nointr"}) {
      std::string Path = Dir + "/" + NK.File + "." + Tag + ".kiln";
      Expected<std::shared_ptr<Module>> M = loadArtifactFile(Path);
      Expected<WasmKernel> K =
          M ? instantiateKernel(std::move(*M), NK.Name)
            : Expected<WasmKernel>(M.takeError());
      Expected<uint32_t> Sum =
          K ? callRun(*K) : Expected<uint32_t>(K.takeError());
      if (!Sum || *Sum != Native) {
        reportFailure(Path + ": " +
                      (Sum ? std::string("checksum differs from native")
                           : Sum.takeError().str()));
        Ok = false;
        continue;
      }
      registerWasm("kernel", NK.Name, Tag, keep(std::move(*K)), Native);
    }
  }

  // Issue 4: hand-written SIMD, wasm_simd128.h vs SSE.
  firsimd_init();
  uint32_t Native = firsimd_run();
  std::vector<uint8_t> Wasm;
  std::string Path = Dir + "/fir_simd128.wasm";
  if (!readFile(Path, Wasm)) {
    reportFailure("cannot read " + Path);
    return false;
  }
  WasmKernel *Ways[2] = {nullptr, nullptr};
  for (int W = 0; W < 2; ++W) {
    MemoryMode Mode = W == 0 ? MemoryMode::Guard : MemoryMode::BoundsChecked;
    Expected<std::shared_ptr<Module>> M = compileAndLoad(Wasm, Mode);
    if (!M) {
      // Not a failure of the run: SIMD lowering may not have landed yet.
      std::printf("  %-10s SKIPPED (%s): kiln cannot compile "
                  "fir_simd128.wasm: %s\n",
                  "firsimd", modeTag(Mode), M.takeError().str().c_str());
      continue;
    }
    Expected<WasmKernel> K = instantiateKernel(std::move(*M), "firsimd");
    Expected<uint32_t> Sum =
        K ? callRun(*K) : Expected<uint32_t>(K.takeError());
    if (!Sum) {
      reportFailure("fir_simd128.wasm: " + Sum.takeError().str());
      Ok = false;
      continue;
    }
    if (*Sum != Native) {
      reportFailure(formatString("firsimd (%s): checksum 0x%08x, SSE native "
                                 "0x%08x",
                                 modeTag(Mode), *Sum, Native));
      Ok = false;
      continue;
    }
    Ways[W] = keep(std::move(*K));
  }
  std::printf("  %-10s 0x%08" PRIx32 " (SSE native; wasm_simd128 %s)\n",
              "firsimd", Native, Ways[0] || Ways[1] ? "agrees" : "not run");
  registerNative("simd", "fir", firsimd_run, Native);
  if (Ways[0])
    registerWasm("simd", "fir", "guard", Ways[0], Native);
  if (Ways[1])
    registerWasm("simd", "fir", "bounds", Ways[1], Native);
  return Ok;
}

} // namespace kiln::bench
