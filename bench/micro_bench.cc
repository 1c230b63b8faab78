//===- bench/micro_bench.cc - Instantiate, call, grow and trap costs ------===//
//
// Modules built in memory by WasmWriter and compiled in-process:
//   empty         the 8-byte empty module
//   imports100    100 function imports (env.f0 .. env.f99), nothing else
//   data1m        a 17-page memory with a 1 MiB active data segment
//   calls         id(i32)->i32, callhost(n) (calls env.host n times), grow,
//                 trap (unreachable), oob (a load at 0xfffffff0)
//
//===----------------------------------------------------------------------===//

#include "bench/bench_util.h"
#include "bench/kiln_bench.h"

#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>

namespace kiln::bench {
namespace {

using W = WasmWriter;

std::vector<uint8_t> emptyModule() { return W().finish(); }

std::vector<uint8_t> importsModule(unsigned N) {
  W M;
  uint32_t T = M.addType({}, {});
  for (unsigned I = 0; I < N; ++I)
    M.addFuncImport("env", "f" + std::to_string(I), T);
  return M.finish();
}

std::vector<uint8_t> dataModule(uint32_t Bytes) {
  W M;
  M.setMemory(Bytes / 65536 + 1);
  std::vector<uint8_t> D(Bytes);
  for (uint32_t I = 0; I < Bytes; ++I)
    D[I] = uint8_t(I * 2654435761u >> 24);
  M.addData(0, std::move(D));
  return M.finish();
}

std::vector<uint8_t> callsModule() {
  W M;
  uint32_t I2I = M.addType({W::I32}, {W::I32});
  uint32_t V2V = M.addType({}, {});
  uint32_t V2I = M.addType({}, {W::I32});
  M.addFuncImport("env", "host", I2I);
  M.setMemory(1);
  M.addFunc(I2I, {0x00, 0x20, 0x00}, "id");
  M.addFunc(I2I, {0x01, 0x01, W::I32,       // one i32 local (the accumulator)
                  0x02, 0x40, 0x03,   0x40, // block, loop
                  0x20, 0x00, 0x45,   0x0d, 0x01,       // br_if 1 (n == 0)
                  0x20, 0x01, 0x10,   0x00, 0x21, 0x01, // acc = host(acc)
                  0x20, 0x00, 0x41,   0x01, 0x6b, 0x21, 0x00, // n -= 1
                  0x0c, 0x00, 0x0b,   0x0b,                   // br 0, end, end
                  0x20, 0x01},
            "callhost");
  M.addFunc(I2I, {0x00, 0x20, 0x00, 0x40, 0x00}, "grow");
  M.addFunc(V2V, {0x00, 0x00}, "trap");
  M.addFunc(V2I, {0x00, 0x41, 0x70, 0x28, 0x02, 0x00}, "oob"); // load at -16
  return M.finish();
}

const char *modeTag(MemoryMode M) {
  return M == MemoryMode::Guard ? "guard" : "bounds";
}

std::shared_ptr<Module> build(const char *What,
                              const std::vector<uint8_t> &Wasm, MemoryMode Mode,
                              bool &Ok) {
  Expected<std::shared_ptr<Module>> M = compileAndLoad(Wasm, Mode);
  if (!M) {
    reportFailure(std::string("micro module ") + What + ": " +
                  M.takeError().str());
    Ok = false;
    return nullptr;
  }
  return *M;
}

void hostLinker(Linker &L) {
  L.defineFunc("env", "host", {{ValType::I32}, {ValType::I32}},
               [](std::span<const Value> Args, std::span<Value> Results) {
                 Results[0] = Value::i32(Args[0].i32() + 1);
                 return Error::success();
               });
}

std::shared_ptr<Func> exportFunc(Instance &I, const char *Name) {
  std::optional<Extern> E = I.exportOf(Name);
  return E ? E->F : nullptr;
}

void registerInstantiate(const char *What, std::shared_ptr<Module> M,
                         MemoryMode Mode, unsigned Imports) {
  benchmark::RegisterBenchmark(
      (std::string("micro/instantiate/") + What + "/" + modeTag(Mode)).c_str(),
      [M, Imports](benchmark::State &S) {
        Linker L;
        for (unsigned I = 0; I < Imports; ++I)
          L.defineFunc("env", "f" + std::to_string(I), {{}, {}},
                       [](std::span<const Value>, std::span<Value>) {
                         return Error::success();
                       });
        for (auto _ : S) {
          Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
          if (!I) {
            std::string Msg = I.takeError().str();
            reportFailure("instantiate: " + Msg);
            S.SkipWithError(Msg.c_str());
            break;
          }
          benchmark::DoNotOptimize(I);
        }
        S.SetLabel("instantiate + drop");
      })
      ->Unit(benchmark::kNanosecond);
}

} // namespace

bool registerMicroBenchmarks() {
  bool Ok = true;
  std::vector<uint8_t> Empty = emptyModule(), Imports = importsModule(100),
                       Data = dataModule(1 << 20), Calls = callsModule();
  for (MemoryMode Mode : {MemoryMode::Guard, MemoryMode::BoundsChecked}) {
    std::shared_ptr<Module> ME = build("empty", Empty, Mode, Ok);
    std::shared_ptr<Module> MI = build("imports100", Imports, Mode, Ok);
    std::shared_ptr<Module> MD = build("data1m", Data, Mode, Ok);
    std::shared_ptr<Module> MC = build("calls", Calls, Mode, Ok);
    if (!Ok)
      return false;
    registerInstantiate("empty", ME, Mode, 0);
    registerInstantiate("imports100", MI, Mode, 100);
    registerInstantiate("data1MiB", MD, Mode, 0);

    // One instance of the calls module per mode, for the whole run.
    Linker L;
    hostLinker(L);
    Expected<std::unique_ptr<Instance>> IE = L.instantiate(*MC);
    if (!IE) {
      reportFailure("calls module: " + IE.takeError().str());
      return false;
    }
    std::shared_ptr<Instance> I(std::move(*IE));
    std::string Tag = modeTag(Mode);

    benchmark::RegisterBenchmark(
        ("micro/host_to_wasm/Instance::call/" + Tag).c_str(),
        [I](benchmark::State &S) {
          uint32_t X = 0;
          for (auto _ : S) {
            Expected<std::vector<Value>> R = I->call("id", {Value::i32(X)});
            if (!R) {
              S.SkipWithError(R.takeError().str().c_str());
              break;
            }
            X = (*R)[0].i32() + 1;
          }
          benchmark::DoNotOptimize(X);
        });
    benchmark::RegisterBenchmark(
        ("micro/host_to_wasm/callFunc/" + Tag).c_str(),
        [I](benchmark::State &S) {
          std::shared_ptr<Func> F = exportFunc(*I, "id");
          std::array<Value, 1> Args{Value::i32(0)};
          for (auto _ : S) {
            Expected<std::vector<Value>> R = callFunc(*F, Args);
            if (!R) {
              S.SkipWithError(R.takeError().str().c_str());
              break;
            }
            Args[0] = Value::i32((*R)[0].i32() + 1);
          }
          benchmark::DoNotOptimize(Args);
        });
    benchmark::RegisterBenchmark(
        ("micro/host_to_wasm/TypedFunc/" + Tag).c_str(),
        [I](benchmark::State &S) {
          Expected<TypedFunc<uint32_t(uint32_t)>> F =
              TypedFunc<uint32_t(uint32_t)>::wrap(*I, "id");
          if (!F) {
            std::string Msg = F.takeError().str();
            reportFailure("TypedFunc: " + Msg);
            S.SkipWithError(Msg.c_str());
            return;
          }
          uint32_t X = 0;
          for (auto _ : S) {
            Expected<uint32_t> R = (*F)(X);
            if (!R) {
              S.SkipWithError(R.takeError().str().c_str());
              break;
            }
            X = *R + 1;
          }
          benchmark::DoNotOptimize(X);
        });
    // The same loop against a host function defined with defineTyped (raw
    // slots, no Value conversions).
    Linker TL;
    TL.defineTyped<uint32_t(uint32_t)>("env", "host",
                                       [](uint32_t X) { return X + 1; });
    Expected<std::unique_ptr<Instance>> TIE = TL.instantiate(*MC);
    if (!TIE) {
      reportFailure("calls module (typed host): " + TIE.takeError().str());
      return false;
    }
    std::shared_ptr<Instance> TI(std::move(*TIE));
    for (auto [Name, Inst] : {std::pair{"micro/wasm_to_host/", I},
                              std::pair{"micro/wasm_to_host_typed/", TI}}) {
      benchmark::RegisterBenchmark(
          (Name + Tag).c_str(), [I = Inst](benchmark::State &S) {
            constexpr uint32_t N = 1000;
            std::shared_ptr<Func> F = exportFunc(*I, "callhost");
            std::array<Value, 1> Args{Value::i32(N)};
            for (auto _ : S) {
              Expected<std::vector<Value>> R = callFunc(*F, Args);
              if (!R || (*R)[0].i32() != N) {
                std::string Msg = R ? "wrong result" : R.takeError().str();
                reportFailure("wasm_to_host: " + Msg);
                S.SkipWithError(Msg.c_str());
                break;
              }
            }
            S.counters["ns_per_call"] = benchmark::Counter(
                double(S.iterations()) * N,
                benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
            S.SetLabel("1000 host calls per iteration");
          });
    }
    benchmark::RegisterBenchmark(
        ("micro/trap_unreachable/" + Tag).c_str(), [I](benchmark::State &S) {
          std::shared_ptr<Func> F = exportFunc(*I, "trap");
          for (auto _ : S) {
            Expected<std::vector<Value>> R = callFunc(*F, {});
            if (R) {
              reportFailure("trap: the call returned");
              S.SkipWithError("no trap");
              break;
            }
            benchmark::DoNotOptimize(R.takeError().trapCode());
          }
          S.SetLabel("trap + recover");
        });
    benchmark::RegisterBenchmark(
        ("micro/trap_out_of_bounds/" + Tag).c_str(),
        [I, Tag](benchmark::State &S) {
          std::shared_ptr<Func> F = exportFunc(*I, "oob");
          for (auto _ : S) {
            Expected<std::vector<Value>> R = callFunc(*F, {});
            if (R) {
              reportFailure("oob: the call returned");
              S.SkipWithError("no trap");
              break;
            }
            benchmark::DoNotOptimize(R.takeError().trapCode());
          }
          S.SetLabel(Tag == "guard" ? "fault -> signal -> trap + recover"
                                    : "explicit check -> trap + recover");
        });
    benchmark::RegisterBenchmark(
        ("micro/memory_grow_1page/" + Tag).c_str(), [MC](benchmark::State &S) {
          // A fresh instance every 1,024 grows (64 MiB), outside the timing.
          Linker GL;
          hostLinker(GL);
          std::unique_ptr<Instance> GI;
          std::shared_ptr<Func> F;
          uint32_t Pages = 1024;
          const std::array<Value, 1> One{Value::i32(1)};
          for (auto _ : S) {
            if (Pages >= 1024) {
              S.PauseTiming();
              F.reset();
              GI.reset();
              Expected<std::unique_ptr<Instance>> New = GL.instantiate(*MC);
              if (!New) {
                S.SkipWithError(New.takeError().str().c_str());
                break;
              }
              GI = std::move(*New);
              F = exportFunc(*GI, "grow");
              Pages = 1;
              S.ResumeTiming();
            }
            Expected<std::vector<Value>> R = callFunc(*F, One);
            if (!R || (*R)[0].i32() != Pages) {
              reportFailure("memory.grow: unexpected result");
              S.SkipWithError("memory.grow failed");
              break;
            }
            ++Pages;
          }
          S.SetLabel("call + memory.grow 1");
        });
  }
  return Ok;
}

} // namespace kiln::bench
