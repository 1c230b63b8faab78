//===- kiln/agent/status_report.h - An application's status as text -*- C++ -*-===//
//
// What `kiln ctl status` prints: a table for people, or (--json) one JSON
// object for machines, its fields documented in docs/manifest.md.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_STATUS_REPORT_H
#define KILN_AGENT_STATUS_REPORT_H

#include "kiln/agent/supervisor.h"

#include <string>

namespace kiln::agent {

std::string statusText(const AppStatus &S);
std::string statusJson(const AppStatus &S);
std::string updateReportText(const std::string &Module,
                             const std::string &Version,
                             const UpdateReport &R);

} // namespace kiln::agent

#endif // KILN_AGENT_STATUS_REPORT_H
