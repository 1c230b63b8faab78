//===- kiln/agent/app_check.h - Does an application fit together -*- C++ -*-===//
//
// Before anything runs, every artifact of a manifest is read, its digest
// compared with the manifest's, and verified as the loader would (signature
// when keys are trusted, target, CPU features, every record), without
// mapping code. Then the wiring: every import of every module is bound, the
// export it is bound to exists with the same kind and type, every task and
// health check names an export of the right type, and limits do not refuse
// what a module declares. `kiln app check` prints the result; the agent
// runs the same check before it starts and before it installs an update.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_APP_CHECK_H
#define KILN_AGENT_APP_CHECK_H

#include "kiln/agent/manifest.h"
#include "kiln/format.h"
#include "kiln/runtime.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace kiln::agent {

/// What the device offers besides the application's own modules.
struct HostEnvironment {
  /// Defines the host modules (kiln:dsp, kiln:nn, ...) into a Linker. WASI
  /// is defined per module by the agent, from the manifest's wasi table.
  std::function<void(Linker &)> DefineHostModules;
  /// How artifacts are verified: trusted keys, CPU features.
  LoadOptions Load;
};

/// One module's artifact, read and verified.
struct VerifiedArtifact {
  std::string Path;
  std::vector<uint8_t> Bytes;
  format::Artifact Record;
};

/// The artifacts of an application by module name.
using ArtifactSet = std::map<std::string, VerifiedArtifact>;

/// Reads a file the agent is given (an artifact, a bundle): refuses what is
/// missing, not a regular file (a directory, /dev/zero) or over 256 MiB.
Expected<std::vector<uint8_t>> readInputFile(const std::string &Path);

/// Reads and verifies the artifact of `S` (digest against the manifest,
/// then Module::verify).
Expected<VerifiedArtifact> readArtifact(const Manifest &M, const ModuleSpec &S,
                                        const HostEnvironment &Env);

/// Reads every artifact and checks the whole application. Every problem is
/// reported (one per line, each with the manifest's file, line and key).
Expected<ArtifactSet> checkApplication(const Manifest &M,
                                       const HostEnvironment &Env);

/// The wiring check alone, on artifacts already verified: what an update
/// runs with the new artifact in place of the old one.
Error checkWiring(const Manifest &M, const ArtifactSet &Artifacts,
                  const HostEnvironment &Env);

/// The Wasm type of function `TypeIndex` in `A`, as the runtime's FuncSig.
FuncSig funcSigOf(const format::Artifact &A, uint32_t TypeIndex);
/// The type of A's export `Name` when it is a function.
std::optional<FuncSig> exportedFuncSig(const format::Artifact &A,
                                       std::string_view Name);
/// "(i32, f32) -> (i32)".
std::string sigText(const FuncSig &S);

} // namespace kiln::agent

#endif // KILN_AGENT_APP_CHECK_H
