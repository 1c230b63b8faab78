//===- tools/kiln/commands.h - Entry points of the subcommands --*- C++ -*-===//
#ifndef KILN_TOOLS_COMMANDS_H
#define KILN_TOOLS_COMMANDS_H

#include <string>
#include <vector>

namespace kiln::cli {

int validateMain(const std::vector<std::string> &Args);
int compileMain(const std::vector<std::string> &Args);
int runMain(const std::vector<std::string> &Args);
int wastMain(const std::vector<std::string> &Args);
int inspectMain(const std::vector<std::string> &Args);
int benchMain(const std::vector<std::string> &Args);
int keygenMain(const std::vector<std::string> &Args);
int signMain(const std::vector<std::string> &Args);
int appMain(const std::vector<std::string> &Args);
int agentMain(const std::vector<std::string> &Args);
int ctlMain(const std::vector<std::string> &Args);
int bundleMain(const std::vector<std::string> &Args);

} // namespace kiln::cli

#endif // KILN_TOOLS_COMMANDS_H
