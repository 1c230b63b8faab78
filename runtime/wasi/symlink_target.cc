//===- runtime/wasi/symlink_target.cc - Symlinks that stay inside ---------===//
//
// SANDBOX-CRITICAL (see the header). Changes here need two reviews and the
// symlink tests in tests/wasi.
//
//===----------------------------------------------------------------------===//

#include "wasi/symlink_target.h"

#include "wasi/errno_map.h"
#include "wasi/host_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln::wasi {

/// Deeper than this below a pre-open is refused rather than measured: a
/// path that long (PATH_MAX / 2 components) is no real layout.
static constexpr int MaxDepth = 2048;

FileId fileIdOf(int Fd) {
  struct stat St;
  if (::fstat(Fd, &St) != 0)
    return {};
  return {uint64_t(St.st_dev), uint64_t(St.st_ino)};
}

/// How many levels `Dir` lies below `Root` (0: it is Root), or -1 if it is
/// not beneath it at all (moved out by the host, or another tree).
static int depthBelow(int Dir, const FileId &Root) {
  FileId Here = fileIdOf(Dir);
  HostFd Cur = HostFd::borrowed(Dir);
  for (int Depth = 0; Depth <= MaxDepth; ++Depth) {
    if (Here.Dev == 0 && Here.Ino == 0)
      return -1;
    if (Here == Root)
      return Depth;
    int Up = ::openat(Cur.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (Up < 0)
      return -1;
    Cur = HostFd::owned(Up);
    FileId Parent = fileIdOf(Cur.get());
    if (Parent == Here)
      return -1; // reached "/" without meeting Root
    Here = Parent;
  }
  return -1;
}

Errno checkSymlinkTarget(int LinkDir, const FileId &Root,
                         std::string_view Target) {
  if (Target.empty())
    return Errno::NoEnt;
  if (Target.find('\0') != std::string_view::npos)
    return Errno::Inval;
  if (Target.front() == '/')
    return Errno::Perm;
  int Depth = depthBelow(LinkDir, Root);
  if (Depth < 0)
    return Errno::Perm;
  size_t Start = 0;
  while (Start <= Target.size()) {
    size_t End = Target.find('/', Start);
    if (End == std::string_view::npos)
      End = Target.size();
    std::string_view Part = Target.substr(Start, End - Start);
    Start = End + 1;
    if (Part.empty() || Part == ".")
      continue;
    if (Part != "..") {
      ++Depth;
      continue;
    }
    if (Depth == 0)
      return Errno::Perm;
    --Depth;
  }
  return Errno::Success;
}

Errno checkMovedSymlink(int Dir, const char *Leaf, int NewDir,
                        const FileId &Root) {
  struct stat St;
  if (::fstatat(Dir, Leaf, &St, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISLNK(St.st_mode))
    return Errno::Success; // not a link: the call itself reports the rest
  char Buf[4096];
  ssize_t N = ::readlinkat(Dir, Leaf, Buf, sizeof(Buf));
  if (N < 0)
    return lastHostErrno();
  if (size_t(N) >= sizeof(Buf))
    return Errno::Perm; // too long to judge: refuse rather than guess
  return checkSymlinkTarget(NewDir, Root, std::string_view(Buf, size_t(N)));
}

} // namespace kiln::wasi
