//===- examples/vibration_monitor/monitor.cc - Running the monitor --------===//
//
// Loads vibration_monitor.kiln, links kiln:dsp and kiln:nn (hostlib), and
// runs the module as a controller runs it: a periodic task, one window per
// 1 ms period released at absolute times, each call bounded by a 500 us
// deadline. The module's 48-window recording is replayed 40 times (1920
// periods, about 2 s). Window 40 arrives corrupted, which sends the module
// into an endless loop (the bug in vibration_monitor.c's sqrt_newton): its
// deadline stops it, and the same instance goes on with the next window.
//
//   kiln-vibration-monitor vibration_monitor.kiln
//
// It uses the public API only (kiln/runtime.h, kiln/hostlib.h): it is the
// model for an embedder's periodic task.
//
//===----------------------------------------------------------------------===//

#include "periodic.h"

#include "kiln/hostlib.h"
#include "kiln/runtime.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace std::chrono_literals;

constexpr auto Period = 1ms;
// The deadline, from measurements on a busy 2-core VM (a compiler running
// on each core): over ten runs, calls took p50 4-9 us, p99 6-50 us, and at
// worst 241 us (the thread preempted mid-call). 500 us leaves 10x over the
// p99 and 2x over that worst case, and a stopped call still ends within
// the period, in time for the next release.
constexpr auto Budget = 500us;
constexpr auto StartupBudget = 100ms;
constexpr uint32_t Replays = 40;
constexpr uint32_t FaultyWindow = 40;
constexpr uint32_t SamplesPerWindow = 1024; // vibration_monitor.c's N
constexpr uint32_t GlitchWords = 16;
static const char *const ClassNames[] = {"normal", "imbalance",
                                         "bearing fault"};

static int fail(const char *What, const kiln::Error &E) {
  std::fprintf(stderr, "monitor: %s: %s\n", What, E.str().c_str());
  return 1;
}

/// Where in linear memory a buffer the module points at (`Export(Args)`
/// returns its offset) lies, checked to hold `Bytes`; null if it does not.
static uint8_t *buffer(kiln::Instance &I, kiln::Memory &Mem, const char *Export,
                       std::initializer_list<kiln::Value> Args, size_t Bytes) {
  auto R = I.call(Export, Args);
  if (!R)
    return nullptr;
  uint32_t Off = (*R)[0].i32();
  if (Off == 0 || uint64_t(Off) + Bytes > kiln::memorySizeBytes(Mem))
    return nullptr;
  return kiln::memoryData(Mem) + Off;
}

namespace {
/// A glitch on the sensor bus: a burst of the frame's words read as all
/// ones (0xffffffff, a NaN as a float), for one delivery only; undo() puts
/// the recording back so that its next replay is clean.
class Glitch {
public:
  explicit Glitch(uint8_t *Frame)
      : At(Frame + SamplesPerWindow / 2 * sizeof(float)) {}
  void apply() {
    std::memcpy(Saved, At, sizeof Saved);
    std::memset(At, 0xff, sizeof Saved);
  }
  void undo() { std::memcpy(At, Saved, sizeof Saved); }

private:
  uint8_t *At;
  uint8_t Saved[GlitchWords * sizeof(float)];
};
} // namespace

/// Where a trap happened, for people: the innermost function on its
/// backtrace that the artifact names (a .kiln keeps the names of exports
/// only), else the function index.
static std::string trapSite(const kiln::Module &M, const kiln::Error &E) {
  std::vector<uint32_t> Frames = E.backtrace();
  if (Frames.empty() && E.funcIndex() != kiln::NoIndex)
    Frames.push_back(E.funcIndex());
  for (uint32_t F : Frames)
    for (const kiln::format::ExportRec &X : M.artifact().Exports)
      if (X.Kind == uint8_t(kiln::ExternKind::Func) && X.Index == F)
        return "function " + X.Name;
  return Frames.empty() ? "the module"
                        : "function " + std::to_string(Frames.front());
}

static void printWindow(uint32_t W, const int8_t *Feat, float Level,
                        const int8_t *Scores, uint32_t Class, uint64_t Ns) {
  std::printf("%5u  ", W);
  for (int B = 0; B < 8; ++B)
    std::printf(" %4d", Feat[B]);
  std::printf("  %5.2f   %4d %4d %4d   %-14s %6.1f us\n", Level, Scores[0],
              Scores[1], Scores[2], ClassNames[Class], double(Ns) / 1e3);
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
  // No call into the module is unbounded: start-up calls get a generous
  // default deadline, the periodic ones their own 500 us. (Refused if the
  // module was compiled with --no-interrupt.)
  if (kiln::Error E =
          Mod.setDefaultDeadline(kiln::Deadline::after(StartupBudget)))
    return fail("deadline", E);
  auto Windows = Mod.call("init", {});
  if (!Windows)
    return fail("init", Windows.takeError());
  uint32_t N = (*Windows)[0].i32();
  // Checked once: each call is then a direct jump, with no argument checks
  // and no allocation, which a periodic task must not pay per period.
  auto Process =
      kiln::TypedFunc<uint32_t(uint32_t)>::wrap(Mod, "process_window");
  if (!Process)
    return fail("process_window", Process.takeError());
  kiln::Memory &Mem = *Mod.exportOf("memory")->M;
  auto *Feat =
      reinterpret_cast<const int8_t *>(buffer(Mod, Mem, "features", {}, 8));
  auto *Scores =
      reinterpret_cast<const int8_t *>(buffer(Mod, Mem, "scores", {}, 3));
  uint8_t *LevelAt = buffer(Mod, Mem, "level", {}, sizeof(float));
  uint8_t *Faulty = buffer(Mod, Mem, "window", {kiln::Value::i32(FaultyWindow)},
                           SamplesPerWindow * sizeof(float));
  if (!Feat || !Scores || !LevelAt || !Faulty || FaultyWindow >= N) {
    std::fprintf(stderr, "monitor: result buffers outside memory\n");
    return 1;
  }
  auto Level = [&] {
    float F;
    std::memcpy(&F, LevelAt, sizeof F);
    return F;
  };
  Glitch Corrupted(Faulty);

  // The deadline is a plain value, armed by each call; no allocation.
  const kiln::Deadline PerCall = kiln::Deadline::after(Budget);
  // One call before the first release, under the start-up deadline: it
  // takes 200-700 us, paying for first touches (page faults, the host's FFT
  // tables, the runtime's watchdog thread) that belong to start-up, not to
  // a period.
  if (auto R = (*Process)(0); !R)
    return fail("warm-up", R.takeError());

  const uint32_t Total = N * Replays;
  std::printf("Kiln vibration monitor: %u windows of 1024 samples at 20 kHz; "
              "spectrum, 8 band energies, int8 network (kiln:dsp, kiln:nn)\n",
              N);
  std::printf("Periodic task: a window every %lld ms (absolute-time "
              "releases), each call bounded by a %lld us deadline;\n"
              "%u windows (the recording %u times); window %u arrives "
              "corrupted (a burst of NaNs from the sensor bus)\n\n",
              (long long)Period.count(), (long long)Budget.count(), Total,
              Replays, FaultyWindow);
  std::printf("window  band energies (int8 log2)                  rms   "
              "scores           class           latency\n");

  // Preallocated: recording a period is a few stores.
  std::vector<uint64_t> LatencyNs(Total), LateNs(Total);
  std::vector<bool> Completed(Total);
  unsigned Count[3] = {0, 0, 0};
  uint32_t Misses = 0, Overruns = 0, Traps = 0, LastStop = 0;
  monitor::PeriodicReleases Releases(Period);
  for (uint32_t W = 0; W < Total; ++W) {
    uint64_t Release = Releases.waitNext();
    bool Glitched = W == FaultyWindow;
    if (Glitched)
      Corrupted.apply();
    uint64_t T0 = kiln::steadyNowNs();
    kiln::Expected<uint32_t> R = Process->call(PerCall, W % N);
    uint64_t T1 = kiln::steadyNowNs();
    if (Glitched)
      Corrupted.undo();
    LatencyNs[W] = T1 - T0;
    LateNs[W] = T0 - Release;
    if (T1 > Release + Releases.periodNs())
      ++Overruns;
    if (!R) {
      // A trap ends this window only: the instance stays usable.
      kiln::Error E = R.takeError();
      if (E.kind() != kiln::ErrorKind::Trap)
        return fail("process_window", E);
      bool Stopped = E.trapCode() == uint32_t(kiln::TrapCode::Interrupted);
      ++(Stopped ? Misses : Traps);
      LastStop = W;
      if (Stopped)
        std::printf("window %u: stopped by its %lld us deadline (%s) in %s "
                    "after %.1f us\n",
                    W, (long long)Budget.count(), E.message().c_str(),
                    trapSite(**M, E).c_str(), double(LatencyNs[W]) / 1e3);
      else
        std::printf("window %u: trapped (%s) in %s\n", W, E.message().c_str(),
                    trapSite(**M, E).c_str());
      continue;
    }
    uint32_t C = std::min<uint32_t>(*R, 2);
    ++Count[C];
    Completed[W] = true;
    // The first replay is shown: every 4th window, the last, and the
    // windows right after one that was stopped.
    bool Show = W < N && (W % 4 == 0 || W == N - 1 ||
                          (Misses + Traps && W <= LastStop + 3));
    if (Show)
      printWindow(W, Feat, Level(), Scores, C, LatencyNs[W]);
    if (W == N - 1)
      std::printf("  ...  windows %u to %u: the recording replayed, not "
                  "shown\n",
                  N, Total - 1);
  }

  // The slowest call before percentile() sorts the samples.
  auto Slowest = uint32_t(std::max_element(LatencyNs.begin(), LatencyNs.end()) -
                          LatencyNs.begin());
  uint64_t Max = LatencyNs[Slowest];
  bool SlowestStopped = !Completed[Slowest];
  uint64_t P50 = monitor::percentile(LatencyNs, 50);
  uint64_t P99 = monitor::percentile(LatencyNs, 99);
  uint64_t LateP99 = monitor::percentile(LateNs, 99);
  uint64_t LateMax = monitor::percentile(LateNs, 100);
  std::printf("\n%u windows: %u normal, %u imbalance, %u bearing fault, %u "
              "stopped%s\n",
              Total, Count[0], Count[1], Count[2], Misses + Traps,
              Traps ? " or trapped" : "");
  std::printf("latency per call: p50 %.1f us, p99 %.1f us, max %.1f us "
              "(window %u%s; %s memory)\n",
              double(P50) / 1e3, double(P99) / 1e3, double(Max) / 1e3, Slowest,
              SlowestStopped ? ", stopped" : "",
              kiln::memoryModeName((*M)->memoryMode()));
  // An overrun is a call that ended after the next release. With calls of
  // a few microseconds, the scheduler causes them (a late wake-up, a
  // preempted call), not the module, hence the wake-up figures beside them.
  std::printf("deadline misses (calls stopped): %u; overruns of the %lld ms "
              "period: %u (wake-ups late by p99 %.1f us, max %.1f us)\n",
              Misses, (long long)Period.count(), Overruns,
              double(LateP99) / 1e3, double(LateMax) / 1e3);
  return 0;
}
