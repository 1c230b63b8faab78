//===- examples/vibration_monitor/periodic.cc - A periodic task -----------===//

#include "periodic.h"

#include "kiln/interrupt.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <ctime>

namespace monitor {

PeriodicReleases::PeriodicReleases(std::chrono::nanoseconds Period)
    : PeriodNs(uint64_t(Period.count())),
      NextNs(kiln::steadyNowNs() + uint64_t(Period.count())) {}

uint64_t PeriodicReleases::waitNext() {
  uint64_t Release = NextNs;
  timespec T{time_t(Release / 1'000'000'000), long(Release % 1'000'000'000)};
  // A signal may cut the sleep short; the release time stays the same.
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &T, nullptr) ==
         EINTR) {
  }
  NextNs += PeriodNs;
  return Release;
}

uint64_t percentile(std::vector<uint64_t> &Samples, double Q) {
  if (Samples.empty())
    return 0;
  std::sort(Samples.begin(), Samples.end());
  size_t Rank = size_t(std::ceil(Q / 100.0 * double(Samples.size())));
  return Samples[std::clamp<size_t>(Rank, 1, Samples.size()) - 1];
}

} // namespace monitor
