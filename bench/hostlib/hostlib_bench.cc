//===- bench/hostlib/hostlib_bench.cc - hostlib from wasm vs native -------===//
//
//   kiln-hostlib-bench [--quick] [Google Benchmark flags]
//
// One benchmark per case of bench_cases.def. The timed loop is the wasm
// path (the guest's run(case, 1): guest code, the import call, argument
// validation, the kernel). Counters, each the best of 7 batches measured in
// the same run:
//   hostlib cases:  native_ns (the same kernel called from C++ on the same
//                   data), wasm_ns, and wasm/native (the cost ratio);
//   portable cases: portable_ns (the algorithm in portable C, compiled to
//                   wasm and run by Kiln), hostlib_ns (the matching hostlib
//                   case from wasm) and speedup = portable_ns / hostlib_ns.
//
//===----------------------------------------------------------------------===//

#include "kiln/hostlib.h"
#include "kiln/hostlib/kernels.h"
#include "kiln/runtime.h"

extern "C" {
#include "bench_data.h"
}

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

using namespace kiln;
using namespace kiln::hostlib;

namespace {

struct Case {
  int Id;
  const char *Name;
  int PortableOf;
};
const Case Cases[] = {
#define BENCH_CASE(Id, Name, PortableOf) {Id, #Name, PortableOf},
#include "bench_cases.def"
#undef BENCH_CASE
};

BenchData *Nat; // the native side's copy of the guest's data
FftPlans *Plans;

/// The native twin of bench_guest.c's once(): the same kernels, same data.
void nativeOnce(int C) {
  BenchData &D = *Nat;
  auto S = [](const int32_t *P) {
    return ConvShape{uint32_t(P[0]),  uint32_t(P[1]),  uint32_t(P[2]),
                     uint32_t(P[3]),  uint32_t(P[4]),  uint32_t(P[5]),
                     uint32_t(P[6]),  uint32_t(P[7]),  uint32_t(P[8]),
                     uint32_t(P[9]),  uint32_t(P[10]), uint32_t(P[11]),
                     uint32_t(P[12]), uint32_t(P[13]), uint32_t(P[14]),
                     Activation(P[15])};
  };
  QuantParams Q{D.Quant[0], D.Quant[1], D.Quant[2], D.Quant[3]};
  switch (C) {
  case 0: firF32(D.A, 64, D.D, D.B, D.C, 1024); break;
  case 1: biquadF32(D.Coeffs, 4, D.D, D.B, D.C, 1024); break;
  case 2: movingAverageF32(16, D.D, D.B, D.C, 1024); break;
  case 3: decimateF32(D.A, 32, 4, D.D, D.B, D.C, 1024); break;
  case 4: windowApplyF32(Window::Hann, D.B, D.C, 1024); break;
  case 5: fftC32(*Plans, D.B, D.C, 1024, false); break;
  case 6: rfftF32(*Plans, D.B, D.C, 1024); break;
  case 7: irfftF32(*Plans, D.C, D.D, 1024); break;
  case 8: powerSpectrumF32(*Plans, Window::Hann, D.B, D.C, 1024); break;
  case 9: {
    Stats St = statsF32(D.B, 4096);
    std::memcpy(D.D, &St, sizeof St);
    break;
  }
  case 10: gemmF32(64, 64, 64, 1.0f, D.A, D.B, 0.0f, D.C); break;
  case 11: gemvF32(256, 256, D.A, D.B, D.C); break;
  case 12: denseF32(1, 256, 128, D.B, D.A, D.D, D.C, Activation::Relu); break;
  case 13:
    denseI8(1, 256, 128, D.I8a, D.I8b, D.Bias, Q, D.Mult, D.Shift, D.I8c);
    break;
  case 14: conv2dF32(S(D.ConvP), D.B, D.A, D.D, D.C); break;
  case 15: depthwiseConv2dF32(S(D.DwP), D.B, D.A, D.D, D.C); break;
  case 16:
    conv2dI8(S(D.ConvQP), D.I8a, D.I8b, D.Bias, Q, D.Mult, D.Shift, D.I8c);
    break;
  case 17: maxPool2dF32(S(D.PoolP), D.B, D.C); break;
  case 18: avgPool2dF32(S(D.PoolP), D.B, D.C); break;
  case 19: activationF32(Activation::Sigmoid, D.B, D.C, 4096); break;
  case 20: activationF32(Activation::Tanh, D.B, D.C, 4096); break;
  case 21: softmaxF32(D.B, D.C, 1, 1000); break;
  case 22: layerNormF32(D.B, D.A, D.D, 1e-5f, D.C, 8, 256); break;
  default: break; // portable cases exist only in wasm
  }
}

std::unique_ptr<Instance> Guest;
std::shared_ptr<Module> GuestModule;
std::string Variant;

void wasmRun(int C, uint32_t Iters) {
  auto R = Guest->call("run", {Value::i32(uint32_t(C)), Value::i32(Iters)});
  if (!R) {
    std::fprintf(stderr, "hostlib bench: case %d trapped: %s\n", C,
                 R.takeError().str().c_str());
    std::exit(1);
  }
}

/// Nanoseconds per call of F(Iters)/Iters: best of 7 batches of ~Budget.
double bestNs(const std::function<void(uint32_t)> &F, double BudgetNs) {
  using Clock = std::chrono::steady_clock;
  auto Time = [&](uint32_t N) {
    auto T0 = Clock::now();
    F(N);
    return std::chrono::duration<double, std::nano>(Clock::now() - T0).count();
  };
  double One = std::max(Time(1), 1.0);
  uint32_t N = uint32_t(std::clamp(BudgetNs / One, 1.0, 1e6));
  double Best = 1e300;
  for (int K = 0; K < 7; ++K)
    Best = std::min(Best, Time(N) / N);
  return Best;
}

double Budget = 2e6; // 2 ms per batch; --quick: 50 us

void runCase(benchmark::State &St, const Case &C) {
  for (auto _ : St)
    wasmRun(C.Id, 1);
  double Wasm = bestNs([&](uint32_t N) { wasmRun(C.Id, N); }, Budget);
  if (C.PortableOf < 0) {
    double Native = bestNs(
        [&](uint32_t N) {
          for (uint32_t K = 0; K < N; ++K)
            nativeOnce(C.Id);
        },
        Budget);
    St.counters["native_ns"] = Native;
    St.counters["wasm_ns"] = Wasm;
    St.counters["wasm/native"] = Wasm / Native;
    return;
  }
  double Host = bestNs([&](uint32_t N) { wasmRun(C.PortableOf, N); }, Budget);
  St.counters["portable_ns"] = Wasm;
  St.counters["hostlib_ns"] = Host;
  St.counters["speedup"] = Wasm / Host;
  St.SetLabel(Variant);
}

/// The portable baselines must compute what hostlib computes.
bool verifyBaselines() {
  Memory &M = *Guest->exportOf("memory")->M;
  auto Ptr = [&](const char *Export) {
    return memoryData(M) + (*Guest->call(Export, {}))[0].i32();
  };
  bool Ok = true;
  std::vector<float> A(1026), B(1026);
  wasmRun(6, 1);
  std::memcpy(A.data(), Ptr("out_f32"), 1026 * 4);
  wasmRun(24, 1);
  std::memcpy(B.data(), Ptr("out_f32"), 1026 * 4);
  double Worst = 0, Scale = 0;
  for (size_t K = 0; K < A.size(); ++K) {
    Worst = std::max(Worst, double(std::fabs(A[K] - B[K])));
    Scale = std::max(Scale, double(std::fabs(A[K])));
  }
  if (!(Worst <= 1e-5 * 10 * Scale)) {
    std::fprintf(stderr, "portable rfft differs from hostlib: %g\n", Worst);
    Ok = false;
  }
  std::vector<int8_t> Qa(4096), Qb(4096);
  wasmRun(16, 1);
  std::memcpy(Qa.data(), Ptr("out_i8"), 4096);
  wasmRun(25, 1);
  std::memcpy(Qb.data(), Ptr("out_i8"), 4096);
  if (Qa != Qb) {
    std::fprintf(stderr, "portable conv2d_i8 differs from hostlib\n");
    Ok = false;
  }
  return Ok;
}

} // namespace

int main(int Argc, char **Argv) {
  std::vector<char *> Args;
  for (int K = 0; K < Argc; ++K) {
    if (std::string(Argv[K]) == "--quick") {
      Budget = 5e4;
      continue;
    }
    Args.push_back(Argv[K]);
  }
  int N = int(Args.size());
  benchmark::Initialize(&N, Args.data());

  std::ifstream In(KILN_HOSTLIB_BENCH_GUEST, std::ios::binary);
  std::vector<uint8_t> Bytes((std::istreambuf_iterator<char>(In)),
                             std::istreambuf_iterator<char>());
  std::ifstream V(std::string(KILN_HOSTLIB_BENCH_GUEST).replace(
      std::string(KILN_HOSTLIB_BENCH_GUEST).size() - 4, 4, "variant"));
  std::getline(V, Variant);
  auto M = Module::load(Bytes);
  if (!M) {
    std::fprintf(stderr, "hostlib bench: %s\n", M.takeError().str().c_str());
    return 1;
  }
  GuestModule = *M;
  Linker L;
  if (Error E = defineHostlib(L)) {
    std::fprintf(stderr, "hostlib bench: %s\n", E.str().c_str());
    return 1;
  }
  auto I = L.instantiate(*GuestModule);
  if (!I) {
    std::fprintf(stderr, "hostlib bench: %s\n", I.takeError().str().c_str());
    return 1;
  }
  Guest = std::move(*I);
  if (!Guest->call("init", {})) {
    std::fprintf(stderr, "hostlib bench: init trapped\n");
    return 1;
  }
  auto NatData = std::make_unique<BenchData>();
  benchDataInit(NatData.get());
  Nat = NatData.get();
  FftPlans P;
  Plans = &P;
  if (!verifyBaselines())
    return 1;
  std::printf("portable baselines: %s; they match hostlib's results\n",
              Variant.c_str());

  for (const Case &C : Cases)
    benchmark::RegisterBenchmark(
        (std::string(C.PortableOf < 0 ? "hostlib/" : "baseline/") + C.Name)
            .c_str(),
        [&C](benchmark::State &St) { runCase(St, C); });
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  Guest.reset();
  return 0;
}
