//===- tools/kiln/wast/runner.h - Runs spec test scripts --------*- C++ -*-===//
//
// Executes the commands of one wast2json script and counts passes, failures
// and skips. Every command is accounted for: a command kind this build
// cannot execute yet is counted as skipped and reported, never dropped.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_WAST_RUNNER_H
#define KILN_TOOLS_WAST_RUNNER_H

#include "compiler/wasm/features.h"
#include "tools/kiln/wast/script.h"

#include <array>
#include <string>

namespace kiln::wast {

struct RunOptions {
  wasm::Features Features;
  bool Verbose = false; // list every failure and skip reason
};

struct RunResult {
  unsigned Passed = 0, Failed = 0, Skipped = 0;
  /// Rejections that passed but whose reason differs from the suite's text.
  unsigned ReasonMismatches = 0;
  std::array<unsigned, NumCommandKinds> SkippedByKind{};

  void add(const RunResult &O);
};

/// Runs every command of `S`, printing failures to stderr.
RunResult runScript(const Script &S, const RunOptions &Opts);

} // namespace kiln::wast

#endif // KILN_TOOLS_WAST_RUNNER_H
