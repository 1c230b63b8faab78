//===- runtime/wasi/symlink_target.h - Links kept inside --------*- C++ -*-===//
//
// SANDBOX-CRITICAL. sandbox_path keeps the guest's own lookups beneath its
// directory, but a symlink the guest leaves on the host is followed later by
// host programs, which know nothing of the sandbox. So the guest may create
// (path_symlink) or move into place (path_link, path_rename) only links
// whose target, read from the link's directory, stays beneath the pre-opened
// directory the guest reached it through. Anything else is EPERM, the errno
// wasmtime gives (cap-std's escape_attempt is a PermissionDenied).
//
// The check is lexical over the target and real over the link's directory:
// its depth below the pre-open is measured by walking ".." on the host, so
// symlinked directories on the guest's path cannot fake a deeper position.
// A name in the target counts one level down even if it is a symlink that
// goes up; such a link is either inside (and was checked when made) or was
// put there by the host.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_WASI_SYMLINK_TARGET_H
#define KILN_RUNTIME_WASI_SYMLINK_TARGET_H

#include "wasi/fd_table.h"
#include "wasi/wasi_abi.h"

#include <string_view>

namespace kiln::wasi {

/// Success if a symlink holding `Target`, placed in directory `LinkDir` (an
/// fd, O_PATH is enough), resolves beneath the directory `Root`; EPERM if it
/// would lead out (or is absolute, or `LinkDir` is not beneath `Root`);
/// ENOENT for an empty target and EINVAL for one with a NUL byte, as
/// symlink(2) could not store it.
Errno checkSymlinkTarget(int LinkDir, const FileId &Root,
                         std::string_view Target);

/// If `Leaf` in `Dir` is a symlink, checks that its target would still stay
/// inside from `NewDir` (for a hard link or rename of the link itself).
Errno checkMovedSymlink(int Dir, const char *Leaf, int NewDir,
                        const FileId &Root);

/// The identity of an open host fd, or {0, 0} if fstat fails.
FileId fileIdOf(int Fd);

} // namespace kiln::wasi

#endif // KILN_RUNTIME_WASI_SYMLINK_TARGET_H
