//===- agent/src/state_dir.cc - What the agent keeps on disk --------------===//

#include "kiln/agent/state_dir.h"

#include "kiln/sha256.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln::agent {

void crashPoint(const char *Step) {
  const char *At = std::getenv("KILN_AGENT_CRASH_AT");
  if (At && std::strcmp(At, Step) == 0)
    ::kill(::getpid(), SIGKILL);
}

namespace {

Error ioError(const std::string &What, const std::string &Path) {
  return Error::make(ErrorKind::Io,
                     What + " " + Path + ": " + std::strerror(errno));
}

Error syncDir(const std::string &Dir) {
  int Fd = ::open(Dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (Fd < 0)
    return ioError("cannot open", Dir);
  int Rc = ::fsync(Fd);
  ::close(Fd);
  if (Rc != 0)
    return ioError("cannot sync", Dir);
  return Error::success();
}

/// Writes Bytes to Path through "Path.tmp": write, fsync, rename, fsync
/// the directory. After a cut, Path is the old file or the new one.
Error writeAtomically(const std::string &Dir, const std::string &Name,
                      std::span<const uint8_t> Bytes, const char *Step) {
  std::string Final = Dir + "/" + Name, Tmp = Final + ".tmp";
  int Fd = ::open(Tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (Fd < 0)
    return ioError("cannot create", Tmp);
  size_t Done = 0;
  while (Done < Bytes.size()) {
    ssize_t N = ::write(Fd, Bytes.data() + Done, Bytes.size() - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      Error E = ioError("cannot write", Tmp);
      ::close(Fd);
      ::unlink(Tmp.c_str());
      return E;
    }
    Done += size_t(N);
  }
  if (::fsync(Fd) != 0) {
    Error E = ioError("cannot sync", Tmp);
    ::close(Fd);
    ::unlink(Tmp.c_str());
    return E;
  }
  ::close(Fd);
  crashPoint(Step); // written and synced, not renamed yet
  if (::rename(Tmp.c_str(), Final.c_str()) != 0) {
    Error E = ioError("cannot rename into", Final);
    ::unlink(Tmp.c_str());
    return E;
  }
  return syncDir(Dir);
}

std::span<const uint8_t> bytesOf(const std::string &S) {
  return {reinterpret_cast<const uint8_t *>(S.data()), S.size()};
}

bool exists(const std::string &Path) {
  struct stat St;
  return ::stat(Path.c_str(), &St) == 0;
}

/// Removes "*.tmp" files in Dir: halves of writes a cut interrupted.
void removeTemporaries(const std::string &Dir) {
  DIR *D = ::opendir(Dir.c_str());
  if (!D)
    return;
  while (dirent *E = ::readdir(D)) {
    std::string N = E->d_name;
    if (N.size() > 4 && N.compare(N.size() - 4, 4, ".tmp") == 0)
      ::unlink((Dir + "/" + N).c_str());
  }
  ::closedir(D);
}

/// Whether every artifact of M exists with the digest M gives.
Error artifactsIntact(const Manifest &M) {
  for (const ModuleSpec &S : M.Modules) {
    std::string P = artifactPath(M, S);
    Expected<std::vector<uint8_t>> Bytes = readInputFile(P);
    if (!Bytes) {
      Bytes.takeError().consume();
      return Error::make(ErrorKind::Io, P + ": missing");
    }
    if (sha256Hex(*Bytes) != S.Sha256)
      return Error::make(ErrorKind::Refused, P + ": digest mismatch");
  }
  return Error::success();
}

} // namespace

Expected<StateDir> StateDir::open(const std::string &Path) {
  if (Path.empty())
    return Error::make(ErrorKind::Usage, "no state directory");
  for (const std::string &D : {Path, Path + "/artifacts"})
    if (::mkdir(D.c_str(), 0755) != 0 && errno != EEXIST)
      return ioError("cannot create", D);
  struct stat St;
  if (::stat(Path.c_str(), &St) != 0 || !S_ISDIR(St.st_mode))
    return Error::make(ErrorKind::Io, Path + ": not a directory");
  int Fd = ::open((Path + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (Fd < 0)
    return ioError("cannot open", Path + "/lock");
  if (::flock(Fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(Fd);
    return Error::make(ErrorKind::Usage,
                       Path + ": another agent is running on this state "
                              "directory");
  }
  std::shared_ptr<void> Lock(new int(Fd), [](void *P) {
    int *F = static_cast<int *>(P);
    ::close(*F); // releases the flock
    delete F;
  });
  removeTemporaries(Path);
  removeTemporaries(Path + "/artifacts");
  StateDir D(Path, std::move(Lock));
  if (D.hasApplication())
    D.collectGarbage(); // artifacts staged for an update that never committed
  return D;
}

bool StateDir::hasApplication() const {
  return exists(Path + "/manifest.toml") ||
         exists(Path + "/manifest.prev.toml");
}

Expected<Manifest> StateDir::load(bool &UsedPrevious) const {
  UsedPrevious = false;
  Expected<Manifest> Cur = readManifest(Path + "/manifest.toml");
  Error Why = Error::success();
  if (Cur) {
    Why = artifactsIntact(*Cur);
    if (!Why)
      return Cur;
  } else {
    Why = Cur.takeError();
  }
  Expected<Manifest> Prev = readManifest(Path + "/manifest.prev.toml");
  if (!Prev || artifactsIntact(*Prev)) {
    if (!Prev)
      Prev.takeError().consume();
    return Why; // the current manifest's problem is the one to report
  }
  std::move(Why).consume();
  UsedPrevious = true;
  return Prev;
}

Error StateDir::writeArtifact(const VerifiedArtifact &A, std::string &Rel) {
  std::string Digest = sha256Hex(A.Bytes);
  Rel = "artifacts/" + Digest + ".kiln";
  if (exists(Path + "/" + Rel))
    return Error::success(); // content-addressed: already there means equal
  return writeAtomically(Path + "/artifacts", Digest + ".kiln", A.Bytes,
                         "artifact-written");
}

Error StateDir::commit(const Manifest &M) {
  // The previous manifest first: a cut between the two writes leaves the
  // current one as it was, and the previous one equal to it.
  if (exists(Path + "/manifest.toml")) {
    std::ifstream In(Path + "/manifest.toml", std::ios::binary);
    std::string Old((std::istreambuf_iterator<char>(In)), {});
    if (Error E = writeAtomically(Path, "manifest.prev.toml", bytesOf(Old),
                                  "previous-manifest-written"))
      return E;
  }
  crashPoint("previous-manifest-renamed");
  if (Error E = writeAtomically(Path, "manifest.toml",
                                bytesOf(writeManifest(M)),
                                "manifest-written"))
    return E;
  crashPoint("committed");
  collectGarbage();
  return Error::success();
}

void StateDir::collectGarbage() const {
  std::set<std::string> Keep;
  for (const char *Name : {"/manifest.toml", "/manifest.prev.toml"})
    if (Expected<Manifest> M = readManifest(Path + Name))
      for (const ModuleSpec &S : M->Modules)
        Keep.insert(S.Sha256 + ".kiln");
    else
      M.takeError().consume();
  std::string Dir = Path + "/artifacts";
  DIR *D = ::opendir(Dir.c_str());
  if (!D)
    return;
  while (dirent *E = ::readdir(D)) {
    std::string N = E->d_name;
    if (N.size() > 5 && N.compare(N.size() - 5, 5, ".kiln") == 0 &&
        !Keep.count(N))
      ::unlink((Dir + "/" + N).c_str());
  }
  ::closedir(D);
}

Expected<Manifest> StateDir::install(const Manifest &M,
                                     const ArtifactSet &Arts) {
  Manifest Installed = M;
  Installed.Path = Path + "/manifest.toml";
  Installed.Dir = Path;
  for (ModuleSpec &S : Installed.Modules) {
    auto It = Arts.find(S.Name);
    if (It == Arts.end())
      return Error::make(ErrorKind::Usage,
                         "no artifact for module '" + S.Name + "'");
    if (Error E = writeArtifact(It->second, S.Artifact))
      return E;
  }
  crashPoint("artifacts-installed");
  if (Error E = commit(Installed))
    return E;
  return Installed;
}

Expected<Manifest> StateDir::commitModule(const Manifest &M,
                                          const std::string &Module,
                                          const VerifiedArtifact &Art) {
  Manifest Installed = M;
  Installed.Path = Path + "/manifest.toml";
  Installed.Dir = Path;
  bool Found = false;
  for (ModuleSpec &S : Installed.Modules) {
    if (S.Name != Module)
      continue;
    Found = true;
    if (Error E = writeArtifact(Art, S.Artifact))
      return E;
    S.Sha256 = sha256Hex(Art.Bytes);
  }
  if (!Found)
    return Error::make(ErrorKind::Usage, "no module named '" + Module + "'");
  crashPoint("artifacts-installed");
  if (Error E = commit(Installed))
    return E;
  return Installed;
}

} // namespace kiln::agent
