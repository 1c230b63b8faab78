//===- runtime/wasi/sandbox_path.h - Paths that stay beneath a preopen -*- C++ -*-===//
//
// SANDBOX-CRITICAL: every guest path is resolved here, relative to a
// directory fd the guest holds, and must never name anything outside it.
// Absolute paths are refused; ".." may not climb above the starting
// directory; symlinks are followed only by this code, one component at a
// time, so their targets get the same checks.
//
// Two implementations with the same contract:
//  - openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) where the kernel has
//    it (Linux 5.6+): the kernel does the walk atomically.
//  - a portable walk: each component is opened with O_NOFOLLOW relative to
//    the fd of the previous one (never re-resolved by name), ".." pops the
//    walk's own stack of fds instead of asking the host, and a symlink is
//    read and its target spliced into the remaining components. A symlink
//    swapped while we walk is seen either as a link (and checked) or as what
//    replaced it (opened through the held fd); neither escapes.
//
// Escapes are ENOTCAPABLE, as in wasmtime.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_WASI_SANDBOX_PATH_H
#define KILN_RUNTIME_WASI_SANDBOX_PATH_H

#include "wasi/host_fd.h"
#include "wasi/wasi_abi.h"

#include <string>
#include <string_view>

namespace kiln::wasi {

enum class ResolveMode : uint8_t {
  Auto, // openat2 when the kernel has it, else the walk
  Walk, // always the portable walk (tests use it to cover both)
};

/// Opens `Path` beneath directory `Dir` with open(2) `Flags` (O_CLOEXEC and,
/// unless `FollowFinal`, O_NOFOLLOW are added) and `Mode` for O_CREAT.
/// Intermediate symlinks are always followed (beneath Dir).
Errno openBeneath(int Dir, std::string_view Path, int Flags, unsigned Mode,
                  bool FollowFinal, ResolveMode M, HostFd &Out);

/// For calls that act on a name inside a directory (unlink, mkdir, rename,
/// symlink, readlink, lstat): the directory holding the last component,
/// resolved beneath `Dir`, and that component. The leaf is never empty and
/// never "..": a path ending in "." or ".." names the directory itself, and
/// comes back as (that directory, "."). Trailing slashes are stripped from the
/// leaf and reported, since the host would follow a symlink leaf for them.
struct ParentAndLeaf {
  HostFd Parent;
  std::string Leaf;
  bool TrailingSlash = false;
};
Errno openParentBeneath(int Dir, std::string_view Path, ResolveMode M,
                        ParentAndLeaf &Out);

/// Checks that a guest path is usable at all: not empty, no NUL byte, not
/// absolute.
Errno checkGuestPath(std::string_view Path);

} // namespace kiln::wasi

#endif // KILN_RUNTIME_WASI_SANDBOX_PATH_H
