//===- examples/sensor_analytics/demo.cc - Embedding Kiln in a host -------===//
//
// What a controller's firmware does: load a verified artifact, instantiate
// it, call into it, and read its results out of linear memory.
//
//   kiln-demo-sensor sensor_analytics.kiln
//
//===----------------------------------------------------------------------===//

#include "kiln/runtime.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

struct WindowFeatures { // the module's layout (sensor_analytics.c)
  float Rms, PeakToPeak, Crest, ZeroCrossRate;
  uint32_t Impacts, Pad;
};

std::vector<uint8_t> readAll(const char *Path) {
  std::vector<uint8_t> B;
  if (std::FILE *F = std::fopen(Path, "rb")) {
    uint8_t Buf[65536];
    size_t N;
    while ((N = std::fread(Buf, 1, sizeof Buf, F)) > 0)
      B.insert(B.end(), Buf, Buf + N);
    std::fclose(F);
  }
  return B;
}

int fail(const char *What, const kiln::Error &E) {
  std::fprintf(stderr, "demo: %s: %s\n", What, E.str().c_str());
  return 1;
}

} // namespace

int main(int Argc, char **Argv) {
  if (Argc != 2) {
    std::fprintf(stderr, "usage: kiln-demo-sensor FILE.kiln\n");
    return 2;
  }
  std::vector<uint8_t> Bytes = readAll(Argv[1]);
  auto M = kiln::Module::load(Bytes);
  if (!M)
    return fail("load", M.takeError());
  kiln::Linker L;
  auto I = L.instantiate(**M);
  if (!I)
    return fail("instantiate", I.takeError());

  auto Start = std::chrono::steady_clock::now();
  auto Alarms = (*I)->call("analyze", {});
  auto Elapsed = std::chrono::steady_clock::now() - Start;
  if (!Alarms)
    return fail("analyze", Alarms.takeError());
  auto Windows = (*I)->call("window_count", {});
  auto Where = (*I)->call("features", {});
  if (!Windows || !Where)
    return fail("read results", Windows ? Where.takeError() : Windows.takeError());
  std::optional<kiln::Extern> Mem = (*I)->exportOf("memory");
  if (!Mem || !Mem->M) {
    std::fprintf(stderr, "demo: the module exports no memory\n");
    return 1;
  }
  uint32_t N = (*Windows)[0].i32(), At = (*Where)[0].i32();
  uint64_t Size = kiln::memorySizeBytes(*Mem->M);
  if (uint64_t(At) + uint64_t(N) * sizeof(WindowFeatures) > Size) {
    std::fprintf(stderr, "demo: results lie outside linear memory\n");
    return 1;
  }
  const uint8_t *Base = kiln::memoryData(*Mem->M) + At;

  std::printf("Kiln demo: vibration analytics on a motor sensor, %u windows "
              "of 50 ms at 20 kHz\n\n",
              N);
  std::printf("window   rms    peak-peak  crest  zero-x/s  impacts\n");
  for (uint32_t W = 0; W < N; ++W) {
    WindowFeatures F;
    std::memcpy(&F, Base + W * sizeof F, sizeof F);
    if (W % 4 == 0 || W == N - 1)
      std::printf("%5u  %6.4f  %8.4f  %6.2f  %8.0f  %6u%s\n", W, F.Rms,
                  F.PeakToPeak, F.Crest, F.ZeroCrossRate, F.Impacts,
                  F.Impacts >= 4 ? "  <- inspect" : "");
  }
  std::printf("\n%u of %u windows flagged for inspection; analysis took %.2f "
              "ms in Kiln (%s memory)\n",
              (*Alarms)[0].i32(), N,
              std::chrono::duration<double, std::milli>(Elapsed).count(),
              kiln::memoryModeName((*M)->memoryMode()));
  return 0;
}
