//===- tools/kiln/duration.h - "10ms", "2s" on the command line -*- C++ -*-===//
//
// Durations as wasmtime's CLI takes them: a decimal number and a unit (ns,
// us, ms, s, m); a bare number is seconds, as in wasmtime's -W timeout.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_DURATION_H
#define KILN_TOOLS_DURATION_H

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

namespace kiln::cli {

inline std::optional<std::chrono::nanoseconds>
parseDuration(const std::string &S) {
  const char *P = S.c_str();
  char *End = nullptr;
  double V = std::strtod(P, &End);
  if (End == P || !std::isfinite(V) || V < 0 || (*P < '0' || *P > '9'))
    return std::nullopt;
  std::string Unit(End);
  double Scale;
  if (Unit == "ns")
    Scale = 1;
  else if (Unit == "us" || Unit == "\u00b5s")
    Scale = 1e3;
  else if (Unit == "ms")
    Scale = 1e6;
  else if (Unit == "s" || Unit.empty())
    Scale = 1e9;
  else if (Unit == "m")
    Scale = 60e9;
  else
    return std::nullopt;
  double Ns = V * Scale;
  if (Ns > 1e18)
    return std::nullopt;
  return std::chrono::nanoseconds(int64_t(std::llround(Ns)));
}

} // namespace kiln::cli

#endif // KILN_TOOLS_DURATION_H
