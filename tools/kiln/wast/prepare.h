//===- tools/kiln/wast/prepare.h - Host half of a split spec run -*- C++ -*-===//
//
// DESIGN.md rule 2 for the spec runner: compile on the build machine,
// execute with the runtime built for the target. `kiln wast --target T
// --emit-dir D FILE.json...` compiles every binary module of each script for
// T into D/<name>.kiln, decides every binary assert_invalid/assert_malformed
// (decoding and validation are the compiler's), and writes D/FILE.json: the
// same script with module file names pointing at the artifacts and the
// host's results in kiln_* members (script.h). The runtime-only `kiln wast`
// on the device runs D/FILE.json like any other script.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_WAST_PREPARE_H
#define KILN_TOOLS_WAST_PREPARE_H

#include "compiler/codegen/compile.h"

#include <string>

namespace kiln::wast {

struct PrepareResult {
  unsigned Compiled = 0;   // artifacts written
  unsigned CompileErrors = 0; // modules that did not compile (kiln_error)
  unsigned Decided = 0;    // assert_invalid/malformed decided on the host
};

/// Prepares one script into OutDir (which must exist). Opts.Triple must be
/// a resolved target name and Opts.Mode set: both are recorded. False, with Error
/// set, only when the script cannot be read or the output cannot be
/// written; module failures are recorded in the output script.
bool prepareScript(const std::string &JsonPath,
                   const codegen::CompileOptions &Opts,
                   const std::string &OutDir, PrepareResult &R,
                   std::string &Error);

} // namespace kiln::wast

#endif // KILN_TOOLS_WAST_PREPARE_H
