//===- tools/kiln/wast/runner.cc - Runs spec test scripts -----------------===//
//
// At this stage Kiln decodes and validates; executing modules arrives with
// the code generator. So `module` commands must decode and validate, binary
// `assert_malformed` must fail to decode, `assert_invalid` must decode and
// fail to validate, and everything else is counted as skipped.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/wast/runner.h"

#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "tools/kiln/cli.h"

#include <cstdio>

namespace kiln::wast {

void RunResult::add(const RunResult &O) {
  Passed += O.Passed;
  Failed += O.Failed;
  Skipped += O.Skipped;
  ReasonMismatches += O.ReasonMismatches;
  for (unsigned K = 0; K < NumCommandKinds; ++K)
    SkippedByKind[K] += O.SkippedByKind[K];
}

/// Decodes and validates a module file; success is an empty Error.
static Error checkModuleFile(const std::string &Path,
                             const wasm::Features &F) {
  Expected<std::vector<uint8_t>> Bytes = cli::readFile(Path);
  if (!Bytes)
    return Bytes.takeError();
  Expected<wasm::Module> M = wasm::decodeModule(*Bytes, F);
  if (!M)
    return M.takeError();
  return wasm::validateModule(*M, F);
}

namespace {

class ScriptRunner {
public:
  ScriptRunner(const Script &S, const RunOptions &Opts) : S(S), Opts(Opts) {}

  RunResult run() {
    for (const Command &C : S.Commands)
      runCommand(C);
    return R;
  }

private:
  void pass() { ++R.Passed; }

  void fail(const Command &C, const std::string &Why) {
    ++R.Failed;
    std::fprintf(stderr, "%s:%u: %s failed: %s\n", S.SourceFilename.c_str(),
                 C.Line, commandKindName(C.Kind), Why.c_str());
  }

  void skip(const Command &C, const char *Why) {
    ++R.Skipped;
    ++R.SkippedByKind[unsigned(C.Kind)];
    if (Opts.Verbose)
      std::fprintf(stderr, "%s:%u: %s skipped: %s\n", S.SourceFilename.c_str(),
                   C.Line, commandKindName(C.Kind), Why);
  }

  /// A module the suite expects to be rejected, as malformed or invalid
  /// (`Want`). Like wabt's and wasmtime's runners, any rejection passes. The
  /// kind and wording are compared too, and differences are counted and
  /// listed with -v: the kind can legitimately differ where wast2json's
  /// encoding of a text module differs from the reference encoder's (it
  /// omits the data count section that the reference interpreter writes).
  void expectRejected(const Command &C, ErrorKind Want) {
    Error E = checkModuleFile(S.pathOf(C), Opts.Features);
    if (!E) {
      fail(C, "module was accepted, expected \"" + C.Text + "\"");
      return;
    }
    pass();
    // An implementation limit hit while decoding counts as malformed input.
    ErrorKind Got = E.kind() == ErrorKind::Limit ? ErrorKind::Malformed
                                                  : E.kind();
    bool SameKind = Got == Want;
    bool SameWords = E.message().find(C.Text) != std::string::npos;
    if (SameKind && SameWords)
      return;
    ++R.ReasonMismatches;
    if (Opts.Verbose)
      std::fprintf(stderr,
                   "%s:%u: note: rejected as %s for \"%s\", the suite says "
                   "%s \"%s\"\n",
                   S.SourceFilename.c_str(), C.Line, errorKindName(E.kind()),
                   E.str().c_str(), errorKindName(Want), C.Text.c_str());
  }

  void runCommand(const Command &C) {
    switch (C.Kind) {
    case CommandKind::Module:
      if (Error E = checkModuleFile(S.pathOf(C), Opts.Features)) {
        fail(C, E.str());
        return;
      }
      pass();
      return;
    case CommandKind::AssertMalformed:
      if (C.ModType == ModuleType::Text)
        return skip(C, "text-format module (Kiln reads binaries only)");
      return expectRejected(C, ErrorKind::Malformed);
    case CommandKind::AssertInvalid:
      return expectRejected(C, ErrorKind::Invalid);
    case CommandKind::Action:
    case CommandKind::Register:
    case CommandKind::AssertReturn:
    case CommandKind::AssertTrap:
    case CommandKind::AssertExhaustion:
    case CommandKind::AssertUnlinkable:
    case CommandKind::AssertUninstantiable:
      return skip(C, "needs execution, which this build cannot do yet");
    }
  }

  const Script &S;
  const RunOptions &Opts;
  RunResult R;
};

} // namespace

RunResult runScript(const Script &S, const RunOptions &Opts) {
  return ScriptRunner(S, Opts).run();
}

} // namespace kiln::wast
