//===- agent/src/latency_window.h - Tail latency of recent runs --*- C++ -*-===//
//
// A task's figures are over its most recent runs (a fixed window, so memory
// stays constant however long the agent runs), plus the maximum since it
// started. Percentiles are nearest-rank: always a measured value.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_LATENCY_WINDOW_H
#define KILN_AGENT_LATENCY_WINDOW_H

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace kiln::agent {

class LatencyWindow {
public:
  static constexpr size_t Size = 4096;

  void add(uint64_t Ns) {
    Samples[Next] = Ns;
    Next = (Next + 1) % Size;
    Count += Count < Size;
    Max = std::max(Max, Ns);
  }
  /// The nearest-rank Q-th percentile (0 < Q <= 100) of the window.
  uint64_t percentile(double Q) const {
    if (!Count)
      return 0;
    std::vector<uint64_t> S(Samples.begin(), Samples.begin() + Count);
    size_t Rank = size_t(std::ceil(Q / 100.0 * double(Count)));
    Rank = std::clamp<size_t>(Rank, 1, Count);
    std::nth_element(S.begin(), S.begin() + (Rank - 1), S.end());
    return S[Rank - 1];
  }
  uint64_t max() const { return Max; }

private:
  std::array<uint64_t, Size> Samples{};
  size_t Next = 0, Count = 0;
  uint64_t Max = 0;
};

} // namespace kiln::agent

#endif // KILN_AGENT_LATENCY_WINDOW_H
