//===- examples/vibration_monitor/periodic.h - A periodic task ---*- C++
//-*-===//
//
// What a controller's periodic task needs around its calls into Kiln:
// releases at absolute times, and the latency figures it is judged by.
//
// Releases are absolute (clock_nanosleep with TIMER_ABSTIME): the k-th is
// at start + k periods however late the previous one woke or however long
// its call ran, where a relative sleep would add every delay to all the
// releases after it. They use CLOCK_MONOTONIC, the clock std::steady_clock
// and kiln::steadyNowNs() read on Linux, so release times, call times and
// Kiln's deadlines are on one clock.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_EXAMPLES_PERIODIC_H
#define KILN_EXAMPLES_PERIODIC_H

#include <chrono>
#include <cstdint>
#include <vector>

namespace monitor {

class PeriodicReleases {
public:
  /// The first release is one period from now.
  explicit PeriodicReleases(std::chrono::nanoseconds Period);
  /// Sleeps until the next release; returns its time (steady clock, ns).
  uint64_t waitNext();
  uint64_t periodNs() const { return PeriodNs; }

private:
  uint64_t PeriodNs, NextNs;
};

/// The nearest-rank Q-th percentile (0 < Q <= 100) of Samples: the
/// smallest sample with at least Q % of them at or below it, so always a
/// measured value. Sorts Samples; 0 when there are none.
uint64_t percentile(std::vector<uint64_t> &Samples, double Q);

} // namespace monitor

#endif // KILN_EXAMPLES_PERIODIC_H
