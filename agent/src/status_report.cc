//===- agent/src/status_report.cc - An application's status as text -------===//

#include "kiln/agent/status_report.h"

#include "agent/src/quoted_string.h"

#include <cinttypes>
#include <cstdio>

namespace kiln::agent {

namespace {

std::string us(uint64_t Ns) {
  char Buf[32];
  std::snprintf(Buf, sizeof(Buf), "%.1f", double(Ns) / 1000.0);
  return Buf;
}

} // namespace

std::string statusText(const AppStatus &S) {
  std::string T = "application '" + S.Name + "', up " +
                  std::to_string(S.UptimeNs / 1'000'000'000) + " s\n";
  char Line[512];
  std::snprintf(Line, sizeof(Line), "\n%-12s %-10s %-10s %8s %7s %9s\n",
                "MODULE", "VERSION", "STATE", "RESTARTS", "UPDATES",
                "ROLLBACKS");
  T += Line;
  for (const ModuleStatus &M : S.Modules) {
    std::snprintf(Line, sizeof(Line), "%-12s %-10s %-10s %8" PRIu64
                  " %7" PRIu64 " %9" PRIu64 "\n",
                  M.Name.c_str(), M.Version.c_str(), moduleStateName(M.State),
                  M.Restarts, M.Updates, M.Rollbacks);
    T += Line;
    if (!M.LastError.empty())
      T += "             last error: " + M.LastError + "\n";
  }
  if (S.Tasks.empty())
    return T;
  std::snprintf(Line, sizeof(Line),
                "\n%-12s %-10s %9s %6s %6s %6s %7s %9s %9s %9s %10s\n", "TASK",
                "KIND", "RUNS", "TRAPS", "STOPS", "MISSES", "SKIPPED",
                "P50 us", "P99 us", "MAX us", "JIT99 us");
  T += Line;
  for (const TaskStatus &K : S.Tasks) {
    std::snprintf(Line, sizeof(Line),
                  "%-12s %-10s %9" PRIu64 " %6" PRIu64 " %6" PRIu64
                  " %6" PRIu64 " %7" PRIu64 " %9s %9s %9s %10s%s\n",
                  K.Name.c_str(), taskKindName(K.Kind), K.Runs, K.Traps,
                  K.Interruptions, K.Misses, K.Skipped, us(K.P50Ns).c_str(),
                  us(K.P99Ns).c_str(), us(K.MaxNs).c_str(),
                  us(K.JitterP99Ns).c_str(),
                  K.Kind == TaskKind::Periodic && !K.RealTime ? " (not RT)"
                                                              : "");
    T += Line;
  }
  return T;
}

std::string statusJson(const AppStatus &S) {
  std::string J = "{\"application\":" + quotedString(S.Name) +
                  ",\"uptime_ns\":" + std::to_string(S.UptimeNs) +
                  ",\"modules\":[";
  for (size_t I = 0; I < S.Modules.size(); ++I) {
    const ModuleStatus &M = S.Modules[I];
    J += std::string(I ? "," : "") + "{\"name\":" + quotedString(M.Name) +
         ",\"version\":" + quotedString(M.Version) +
         ",\"sha256\":" + quotedString(M.Sha256) +
         ",\"state\":" + quotedString(moduleStateName(M.State)) +
         ",\"restarts\":" + std::to_string(M.Restarts) +
         ",\"updates\":" + std::to_string(M.Updates) +
         ",\"rollbacks\":" + std::to_string(M.Rollbacks) +
         ",\"previous_version\":" + quotedString(M.PreviousVersion) +
         ",\"last_error\":" + quotedString(M.LastError) + "}";
  }
  J += "],\"tasks\":[";
  for (size_t I = 0; I < S.Tasks.size(); ++I) {
    const TaskStatus &K = S.Tasks[I];
    J += std::string(I ? "," : "") + "{\"name\":" + quotedString(K.Name) +
         ",\"module\":" + quotedString(K.Module) +
         ",\"export\":" + quotedString(K.Export) +
         ",\"kind\":" + quotedString(taskKindName(K.Kind)) +
         ",\"period_ns\":" + std::to_string(K.PeriodNs) +
         ",\"deadline_ns\":" + std::to_string(K.DeadlineNs) +
         ",\"runs\":" + std::to_string(K.Runs) +
         ",\"traps\":" + std::to_string(K.Traps) +
         ",\"interruptions\":" + std::to_string(K.Interruptions) +
         ",\"misses\":" + std::to_string(K.Misses) +
         ",\"late_starts\":" + std::to_string(K.LateStarts) +
         ",\"late_ends\":" + std::to_string(K.LateEnds) +
         ",\"overruns\":" + std::to_string(K.Overruns) +
         ",\"skipped\":" + std::to_string(K.Skipped) +
         ",\"latency_p50_ns\":" + std::to_string(K.P50Ns) +
         ",\"latency_p99_ns\":" + std::to_string(K.P99Ns) +
         ",\"latency_max_ns\":" + std::to_string(K.MaxNs) +
         ",\"jitter_p99_ns\":" + std::to_string(K.JitterP99Ns) +
         ",\"jitter_max_ns\":" + std::to_string(K.JitterMaxNs) +
         ",\"realtime\":" + (K.RealTime ? "true" : "false") +
         ",\"last_result\":" + std::to_string(K.LastResult) + "}";
  }
  return J + "]}\n";
}

std::string updateReportText(const std::string &Module,
                             const std::string &Version,
                             const UpdateReport &R) {
  if (R.Committed)
    return "module '" + Module + "' now runs version " + Version + " (state " +
           (R.StateCarried ? "carried over" : "fresh") + ", switch " +
           us(R.SwitchNs) + " us, " +
           (R.MissesAtSwitch ? std::to_string(R.MissesAtSwitch) +
                                   " period(s) missed at the switch"
                             : std::string("no task missed a period")) +
           ")\n";
  return "module '" + Module + "': version " + Version +
         " rolled back: " + R.Reason + " (the previous version was back " +
         us(R.RollbackNs) + " us after the fault)\n";
}

} // namespace kiln::agent
