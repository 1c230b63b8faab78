//===- kiln/agent/state_dir.h - What the agent keeps on disk -----*- C++ -*-===//
//
// The agent's state directory survives a power cut at any moment:
//
//   DIR/manifest.toml        the application as it runs now
//   DIR/manifest.prev.toml   as it ran before the last change
//   DIR/artifacts/SHA.kiln   every artifact either manifest names, by digest
//   DIR/agent.sock           the control socket (kiln ctl)
//
// Every file is written to a temporary name, synced, renamed over its final
// name, and the directory synced: a file is either whole and final or not
// there. Artifacts are written before the manifest that names them, and the
// rename of manifest.toml is the one step that commits a change, so a
// restart after a cut at any point finds a manifest whose artifacts all
// exist: the old application or the new one, never a mix, never nothing.
// An artifact no manifest names any more is deleted after the commit.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_STATE_DIR_H
#define KILN_AGENT_STATE_DIR_H

#include "kiln/agent/app_check.h"
#include "kiln/agent/manifest.h"

#include <memory>
#include <string>

namespace kiln::agent {

class StateDir {
public:
  /// Opens (creating if needed) the directory and locks it (DIR/lock,
  /// flock: one agent per directory, released when the StateDir goes, or
  /// by the kernel when the agent dies); removes temporary files a cut
  /// left behind.
  static Expected<StateDir> open(const std::string &Path);

  const std::string &path() const { return Path; }
  std::string socketPath() const { return Path + "/agent.sock"; }
  bool hasApplication() const;

  /// The installed application: manifest.toml, or manifest.prev.toml when
  /// the current one cannot be read or its artifacts fail their digests (a
  /// disk error; logged by the caller through `UsedPrevious`).
  Expected<Manifest> load(bool &UsedPrevious) const;

  /// Installs `M` with `Arts` as the application: copies the artifacts in,
  /// keeps the current manifest as the previous one, commits `M` (its
  /// artifact paths rewritten to the state directory's copies). Returns the
  /// manifest as installed.
  Expected<Manifest> install(const Manifest &M, const ArtifactSet &Arts);

  /// Copies an artifact in ahead of an update, so that the commit after it
  /// only renames the manifest. Unreferenced until then (and collected if
  /// the update does not commit).
  Error stage(const VerifiedArtifact &A) {
    std::string Rel;
    return writeArtifact(A, Rel);
  }

  /// Commits `M` (the running application, one module changed) with that
  /// module's new artifact.
  Expected<Manifest> commitModule(const Manifest &M, const std::string &Module,
                                  const VerifiedArtifact &Art);

private:
  StateDir(std::string Path, std::shared_ptr<void> Lock)
      : Path(std::move(Path)), Lock(std::move(Lock)) {}
  Error writeArtifact(const VerifiedArtifact &A, std::string &RelPath);
  Error commit(const Manifest &M);
  void collectGarbage() const;
  std::string Path;
  std::shared_ptr<void> Lock; // holds the lock file's descriptor
};

/// Test hook for the power-cut test (tests/agent/power_cut_test.sh): when
/// the environment variable KILN_AGENT_CRASH_AT names `Step`, the process
/// kills itself with SIGKILL there, as a power cut would stop it. The steps
/// of an update, in order: artifact-written (synced, not renamed), staged,
/// switched, probation-passed, artifacts-installed,
/// previous-manifest-written, previous-manifest-renamed, manifest-written,
/// committed; of a bundle: bundle-unpacked, application-restarted, then the
/// install's.
void crashPoint(const char *Step);

} // namespace kiln::agent

#endif // KILN_AGENT_STATE_DIR_H
