//===- tools/kiln/wast/runner.h - Runs spec test scripts --------*- C++ -*-===//
//
// Executes the commands of one wast2json script and counts passes, failures
// and skips. Modules are compiled by the real compiler, serialized, verified
// and loaded by the real runtime, linked against the "spectest" host module
// and each other (register), and invoked through the embedding API.
// Text-format modules (assert_malformed with a .wat) are the only skips.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_WAST_RUNNER_H
#define KILN_TOOLS_WAST_RUNNER_H

#include "compiler/wasm/features.h"
#include "kiln/target.h"
#include "tools/kiln/wast/script.h"

#include <array>
#include <string>

namespace kiln::wast {

struct RunOptions {
  wasm::Features Features;
  MemoryMode Mode = MemoryMode::Guard;
  unsigned OptLevel = 2;
  bool Verbose = false; // list every skip and reason mismatch
  /// Decode and validate only: module commands must validate, malformed and
  /// invalid ones must be rejected, every execution command is skipped.
  bool ValidateOnly = false;
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
