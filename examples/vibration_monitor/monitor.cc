//===- examples/vibration_monitor/monitor.cc - Running the monitor --------===//
//
// Loads vibration_monitor.kiln, links kiln:dsp and kiln:nn (hostlib), and
// processes the module's sensor stream one window at a time, timing each
// call as a controller would:
//
//   kiln-vibration-monitor vibration_monitor.kiln
//
//===----------------------------------------------------------------------===//

#include "kiln/hostlib.h"
#include "kiln/runtime.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

static int fail(const char *What, const kiln::Error &E) {
  std::fprintf(stderr, "monitor: %s: %s\n", What, E.str().c_str());
  return 1;
}

int main(int Argc, char **Argv) {
  if (Argc != 2) {
    std::fprintf(stderr, "usage: kiln-vibration-monitor FILE.kiln\n");
    return 2;
  }
  std::ifstream In(Argv[1], std::ios::binary);
  std::vector<uint8_t> Bytes((std::istreambuf_iterator<char>(In)),
                             std::istreambuf_iterator<char>());
  auto M = kiln::Module::load(Bytes);
  if (!M)
    return fail("load", M.takeError());
  kiln::Linker L;
  if (kiln::Error E = kiln::defineHostlib(L))
    return fail("hostlib", E);
  auto I = L.instantiate(**M);
  if (!I)
    return fail("instantiate", I.takeError());
  kiln::Instance &Mod = **I;
  auto Windows = Mod.call("init", {});
  if (!Windows)
    return fail("init", Windows.takeError());
  uint32_t N = (*Windows)[0].i32();
  kiln::Memory &Mem = *Mod.exportOf("memory")->M;
  auto At = [&](const char *Export) -> const int8_t * {
    auto R = Mod.call(Export, {});
    uint32_t Off = R ? (*R)[0].i32() : 0;
    if (!R || uint64_t(Off) + 8 > kiln::memorySizeBytes(Mem))
      return nullptr;
    return reinterpret_cast<const int8_t *>(kiln::memoryData(Mem) + Off);
  };
  const int8_t *Feat = At("features"), *Scores = At("scores");
  if (!Feat || !Scores) {
    std::fprintf(stderr, "monitor: result buffers outside memory\n");
    return 1;
  }
  static const char *Names[] = {"normal", "imbalance", "bearing fault"};
  std::printf("Kiln vibration monitor: %u windows of 1024 samples at 20 kHz; "
              "spectrum, 8 band energies, int8 network (kiln:dsp, kiln:nn)\n\n",
              N);
  std::printf("window  band energies (int8 log2)            scores          "
              "class           latency\n");
  std::vector<double> Us;
  unsigned Count[3] = {0, 0, 0};
  for (uint32_t W = 0; W < N; ++W) {
    auto T0 = std::chrono::steady_clock::now();
    auto R = Mod.call("process_window", {kiln::Value::i32(W)});
    double Micro = std::chrono::duration<double, std::micro>(
                       std::chrono::steady_clock::now() - T0)
                       .count();
    if (!R)
      return fail("process_window", R.takeError());
    uint32_t C = std::min<uint32_t>((*R)[0].i32(), 2);
    ++Count[C];
    Us.push_back(Micro);
    if (W % 4 == 0 || W == N - 1) {
      std::printf("%5u  ", W);
      for (int B = 0; B < 8; ++B)
        std::printf(" %4d", Feat[B]);
      std::printf("   %4d %4d %4d   %-14s %6.1f us\n", Scores[0], Scores[1],
                  Scores[2], Names[C], Micro);
    }
  }
  std::sort(Us.begin(), Us.end());
  std::printf("\n%u normal, %u imbalance, %u bearing fault; per-window latency "
              "median %.1f us, max %.1f us (%s memory)\n",
              Count[0], Count[1], Count[2], Us[Us.size() / 2], Us.back(),
              kiln::memoryModeName((*M)->memoryMode()));
  return 0;
}
