//===- kiln/agent/daemon.h - kiln agent ---------------------------*- C++ -*-===//
//
// The agent process: keeps the application in its state directory
// (state_dir.h), runs it under a Supervisor, and answers `kiln ctl` on the
// control socket (control.h): status, logs, stop/start, run, deploy of an
// artifact or a bundle, rollback, shutdown.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_DAEMON_H
#define KILN_AGENT_DAEMON_H

#include "kiln/agent/supervisor.h"

#include <atomic>
#include <chrono>
#include <string>

namespace kiln::agent {

struct AgentConfig {
  std::string StateDir;
  /// If set, this manifest (and its artifacts) is installed into the state
  /// directory and run; otherwise the application installed there runs.
  std::string InstallManifest;
  SupervisorOptions Sup;
  /// Stop after this long (0: when asked to, by a signal or `kiln ctl
  /// shutdown`).
  std::chrono::nanoseconds RunFor{0};
};

/// Runs the agent until `Stop` becomes true, RunFor passes or `kiln ctl
/// shutdown`; returns the application's figures at the end.
Expected<AppStatus> runAgent(AgentConfig Config, const std::atomic<bool> &Stop);

} // namespace kiln::agent

#endif // KILN_AGENT_DAEMON_H
