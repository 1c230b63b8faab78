//===- runtime/wasi/calls_path.cc - path_* calls --------------------------===//
//
// Every path goes through sandbox_path: either opened beneath the guest's
// directory fd (openBeneath), or split into a directory opened beneath it and
// a final name that the *at() call is told not to follow (openParentBeneath).
// Calls that must follow a final symlink resolve it with openBeneath first
// and then act on the fd, never on the name.
//
// Each call first checks the rights wasi-common checks on its directory fd
// (ENOTCAPABLE when one is missing); that is also all a read-only pre-open
// is: a directory whose rights lack every modifying one.
//
//===----------------------------------------------------------------------===//
#define _FILE_OFFSET_BITS 64 // 64-bit offsets on 32-bit hosts too

#include "wasi/calls.h"

#include "wasi/errno_map.h"
#include "wasi/symlink_target.h"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln::wasi {

/// The directory entry in argument I: EBADF if not open, ENOTDIR if not a
/// directory, ENOTCAPABLE if it lacks one of the rights in `Needed`.
static Errno dirArg(WasiCall &C, size_t I, uint64_t Needed, FdEntry *&Out) {
  Out = C.fd(I);
  if (!Out)
    return Errno::BadF;
  if (Out->Type != FileType::Directory)
    return Errno::NotDir;
  return Out->has(Needed) ? Errno::Success : Errno::NotCapable;
}

/// The guest path at arguments (PtrArg, PtrArg + 1), copied out.
static Errno pathArg(WasiCall &C, size_t PtrArg, std::string &Out) {
  std::string_view V;
  if (!C.Mem.string(C.u32(PtrArg), C.u32(PtrArg + 1), V))
    return Errno::Fault;
  Out.assign(V);
  return checkGuestPath(Out);
}

/// Dir fd in argument DirArg (which must hold the rights in `Needed`) and
/// path in (PathArg, PathArg + 1), split into parent and leaf. `Dir`, when
/// given, receives the directory's entry.
static Errno parentArgs(WasiCall &C, size_t DirArg, size_t PathArg,
                        uint64_t Needed, ParentAndLeaf &Out,
                        FdEntry **Dir = nullptr) {
  FdEntry *D;
  if (Errno E = dirArg(C, DirArg, Needed, D); E != Errno::Success)
    return E;
  if (Dir)
    *Dir = D;
  std::string Path;
  if (Errno E = pathArg(C, PathArg, Path); E != Errno::Success)
    return E;
  return openParentBeneath(D->Fd.get(), Path, C.Ctx.Resolve, Out);
}

static Errno resultOf(int R) {
  return R == 0 ? Errno::Success : lastHostErrno();
}

/// The path of an fd through procfs, for calls that have no fd form
/// (utimensat and linkat on an O_PATH fd).
static std::string procFdPath(int Fd) {
  return "/proc/self/fd/" + std::to_string(Fd);
}

/// The rights path_open needs on the directory (base) and passed on from
/// it (inheriting) for these flags, as wasi-common's path_open_rights: the
/// flags create, truncate or sync the file, each of which is a right.
static void pathOpenNeeds(uint32_t Oflags, uint32_t Fdflags, uint64_t &Base,
                          uint64_t &Inheriting) {
  Base = RightPathOpen;
  if (Oflags & OflagCreat)
    Base |= RightPathCreateFile;
  if (Oflags & OflagTrunc)
    Base |= RightPathFilestatSetSize;
  Inheriting = 0;
  if (Fdflags & FdflagDsync)
    Inheriting |= RightFdDatasync;
  if (Fdflags & (FdflagRsync | FdflagSync))
    Inheriting |= RightFdSync;
}

Errno pathOpen(WasiCall &C) {
  uint32_t Oflags = C.u32(4), Fdflags = C.u32(7);
  uint64_t NeedBase, NeedInheriting;
  pathOpenNeeds(Oflags, Fdflags, NeedBase, NeedInheriting);
  FdEntry *D;
  if (Errno E = dirArg(C, 0, NeedBase, D); E != Errno::Success)
    return E;
  if ((D->RightsInheriting & NeedInheriting) != NeedInheriting)
    return Errno::NotCapable;
  uint32_t FdOut = C.u32(8);
  if (!C.Mem.inBounds(FdOut, 4))
    return Errno::Fault;
  std::string Path;
  if (Errno E = pathArg(C, 2, Path); E != Errno::Success)
    return E;
  if (Oflags & ~uint32_t(OflagCreat | OflagDirectory | OflagExcl | OflagTrunc))
    return Errno::Inval;
  // What the new fd may do: what was asked, within what the directory
  // passes on (bits beyond the 30 rights preview1 defines mean nothing).
  uint64_t Rights = C.u64(5) & D->RightsInheriting & RightsAll;
  uint64_t Inheriting = C.u64(6) & D->RightsInheriting & RightsAll;

  // The host open mode follows the rights the fd will really have, so a
  // read-only directory never yields a writable host fd. A directory asked
  // for with a write right is opened for writing too: the kernel then says
  // EISDIR, as Linux (and wasi-common) do, instead of handing out a
  // directory fd that claims to be writable. O_CREAT and O_TRUNC reach the
  // kernel as given, which refuses them on a directory the same way.
  bool Read = Rights & (RightFdRead | RightFdReaddir);
  bool Write = Rights & (RightFdWrite | RightFdAllocate |
                         RightFdFilestatSetSize | RightFdDatasync);
  int Flags = Write ? (Read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (Oflags & OflagDirectory)
    Flags |= O_DIRECTORY;
  if (Oflags & OflagCreat)
    Flags |= O_CREAT;
  if (Oflags & OflagExcl)
    Flags |= O_EXCL;
  if (Oflags & OflagTrunc)
    Flags |= O_TRUNC;
  if (Fdflags & FdflagAppend)
    Flags |= O_APPEND;
  if (Fdflags & FdflagDsync)
    Flags |= O_DSYNC;
  if (Fdflags & FdflagSync)
    Flags |= O_SYNC;
  if (Fdflags & FdflagRsync)
    Flags |= O_RSYNC;
  if (Fdflags & FdflagNonblock)
    Flags |= O_NONBLOCK;

  HostFd Fd;
  if (Errno E = openBeneath(D->Fd.get(), Path, Flags, 0666,
                            C.u32(1) & LookupSymlinkFollow, C.Ctx.Resolve, Fd);
      E != Errno::Success)
    return E;
  auto Entry = std::make_unique<FdEntry>();
  Entry->Type = fileTypeOf(Fd.get());
  // Rights that do not apply to the type are dropped, as the spec allows.
  Entry->RightsBase = Rights & maxRightsFor(Entry->Type);
  Entry->RightsInheriting = Inheriting;
  Entry->PreopenRoot = D->PreopenRoot;
  Entry->Fd = std::move(Fd);
  uint32_t NewFd;
  if (!C.Ctx.Fds.insert(std::move(Entry), NewFd))
    return Errno::MFile;
  C.Mem.store<uint32_t>(FdOut, NewFd);
  return Errno::Success;
}

Errno pathCreateDirectory(WasiCall &C) {
  ParentAndLeaf P;
  if (Errno E = parentArgs(C, 0, 1, RightPathCreateDirectory, P);
      E != Errno::Success)
    return E;
  return resultOf(::mkdirat(P.Parent.get(), P.Leaf.c_str(), 0777));
}

Errno pathFilestatGet(WasiCall &C) {
  FdEntry *D;
  if (Errno E = dirArg(C, 0, RightPathFilestatGet, D); E != Errno::Success)
    return E;
  std::string Path;
  if (Errno E = pathArg(C, 2, Path); E != Errno::Success)
    return E;
  if (!C.Mem.inBounds(C.u32(4), C.Unstable ? layout::UnstableFilestatSize
                                           : layout::FilestatSize))
    return Errno::Fault;
  // O_PATH | O_NOFOLLOW opens a final symlink itself, so fstat sees the link
  // when the guest did not ask to follow it.
  HostFd Fd;
  if (Errno E = openBeneath(D->Fd.get(), Path, O_PATH, 0,
                            C.u32(1) & LookupSymlinkFollow, C.Ctx.Resolve, Fd);
      E != Errno::Success)
    return E;
  struct stat St;
  if (::fstat(Fd.get(), &St) != 0)
    return lastHostErrno();
  return storeFilestat(C, C.u32(4), &St);
}

Errno pathFilestatSetTimes(WasiCall &C) {
  struct timespec Ts[2];
  if (Errno E = timesFromFlags(C.u64(4), C.u64(5), C.u32(6), Ts);
      E != Errno::Success)
    return E;
  if (C.u32(1) & LookupSymlinkFollow) {
    FdEntry *D;
    if (Errno E = dirArg(C, 0, RightPathFilestatSetTimes, D);
        E != Errno::Success)
      return E;
    std::string Path;
    if (Errno E = pathArg(C, 2, Path); E != Errno::Success)
      return E;
    HostFd Fd;
    if (Errno E = openBeneath(D->Fd.get(), Path, O_PATH, 0, true,
                              C.Ctx.Resolve, Fd);
        E != Errno::Success)
      return E;
    return resultOf(
        ::utimensat(AT_FDCWD, procFdPath(Fd.get()).c_str(), Ts, 0));
  }
  ParentAndLeaf P;
  if (Errno E = parentArgs(C, 0, 2, RightPathFilestatSetTimes, P);
      E != Errno::Success)
    return E;
  if (P.TrailingSlash)
    return Errno::NotDir; // a trailing slash would make the host follow
  return resultOf(
      ::utimensat(P.Parent.get(), P.Leaf.c_str(), Ts, AT_SYMLINK_NOFOLLOW));
}

/// With a trailing slash the name must be a directory (checked without
/// following: the host would follow a symlink for "link/").
static Errno requireDirLeaf(const ParentAndLeaf &P) {
  struct stat St;
  if (::fstatat(P.Parent.get(), P.Leaf.c_str(), &St, AT_SYMLINK_NOFOLLOW) != 0)
    return lastHostErrno();
  return S_ISDIR(St.st_mode) ? Errno::Success : Errno::NotDir;
}

/// Whether a name exists, not following a final symlink.
static Errno leafExists(const ParentAndLeaf &P) {
  struct stat St;
  int R = ::fstatat(P.Parent.get(), P.Leaf.c_str(), &St, AT_SYMLINK_NOFOLLOW);
  return resultOf(R);
}

/// What linkat(2) says for trailing slashes, worked out without letting the
/// host follow a symlink: "dir/" as the source is EPERM (no hard links to
/// directories), any other "x/" source ENOTDIR; a new name "x/" is EEXIST
/// when x exists and ENOENT when not (a trailing slash cannot create a file).
static Errno linkTrailingSlash(const ParentAndLeaf &Old,
                               const ParentAndLeaf &New) {
  if (Old.TrailingSlash) {
    Errno E = requireDirLeaf(Old);
    return E == Errno::Success ? Errno::Perm : E;
  }
  if (Errno E = leafExists(Old); E != Errno::Success)
    return E;
  return leafExists(New) == Errno::Success ? Errno::Exist : Errno::NoEnt;
}

Errno pathLink(WasiCall &C) {
  ParentAndLeaf Old, New;
  FdEntry *NewDir;
  if (Errno E = parentArgs(C, 0, 2, RightPathLinkSource, Old);
      E != Errno::Success)
    return E;
  if (Errno E = parentArgs(C, 4, 5, RightPathLinkTarget, New, &NewDir);
      E != Errno::Success)
    return E;
  if (Old.TrailingSlash || New.TrailingSlash)
    return linkTrailingSlash(Old, New);
  if (!(C.u32(1) & LookupSymlinkFollow)) {
    // A hard link to a symlink is a second copy of it somewhere else, where
    // its target may lead out: judge it as if the guest made it there.
    if (Errno E = checkMovedSymlink(Old.Parent.get(), Old.Leaf.c_str(),
                                    New.Parent.get(), NewDir->PreopenRoot);
        E != Errno::Success)
      return E;
    return resultOf(::linkat(Old.Parent.get(), Old.Leaf.c_str(),
                             New.Parent.get(), New.Leaf.c_str(), 0));
  }
  // Follow the source from the guest's directory, so that a link using
  // ".." stays judged against the sandbox root, not against its parent.
  FdEntry *D;
  std::string OldPath;
  HostFd Src;
  if (Errno E = dirArg(C, 0, RightPathLinkSource, D); E != Errno::Success)
    return E;
  if (Errno E = pathArg(C, 2, OldPath); E != Errno::Success)
    return E;
  if (Errno E = openBeneath(D->Fd.get(), OldPath, O_PATH, 0, true,
                            C.Ctx.Resolve, Src);
      E != Errno::Success)
    return E;
  return resultOf(::linkat(AT_FDCWD, procFdPath(Src.get()).c_str(),
                           New.Parent.get(), New.Leaf.c_str(),
                           AT_SYMLINK_FOLLOW));
}

Errno pathReadlink(WasiCall &C) {
  uint32_t BufPtr = C.u32(3), BufLen = C.u32(4), UsedPtr = C.u32(5);
  uint8_t *Buf = C.Mem.span(BufPtr, BufLen);
  if (!Buf || !C.Mem.inBounds(UsedPtr, 4))
    return Errno::Fault;
  ParentAndLeaf P;
  if (Errno E = parentArgs(C, 0, 1, RightPathReadlink, P); E != Errno::Success)
    return E;
  if (P.TrailingSlash)
    return Errno::Inval; // "link/" names what the link points at
  ssize_t N = ::readlinkat(P.Parent.get(), P.Leaf.c_str(),
                           reinterpret_cast<char *>(Buf), BufLen);
  if (N < 0)
    return lastHostErrno();
  C.Mem.store<uint32_t>(UsedPtr, uint32_t(N));
  return Errno::Success;
}

Errno pathRemoveDirectory(WasiCall &C) {
  ParentAndLeaf P;
  if (Errno E = parentArgs(C, 0, 1, RightPathRemoveDirectory, P);
      E != Errno::Success)
    return E;
  if (P.Leaf == ".")
    return Errno::Inval;
  return resultOf(::unlinkat(P.Parent.get(), P.Leaf.c_str(), AT_REMOVEDIR));
}

Errno pathUnlinkFile(WasiCall &C) {
  ParentAndLeaf P;
  if (Errno E = parentArgs(C, 0, 1, RightPathUnlinkFile, P);
      E != Errno::Success)
    return E;
  if (P.TrailingSlash) {
    Errno E = requireDirLeaf(P);
    return E == Errno::Success ? Errno::IsDir : E;
  }
  return resultOf(::unlinkat(P.Parent.get(), P.Leaf.c_str(), 0));
}

Errno pathRename(WasiCall &C) {
  ParentAndLeaf Old, New;
  FdEntry *NewDir;
  if (Errno E = parentArgs(C, 0, 1, RightPathRenameSource, Old);
      E != Errno::Success)
    return E;
  if (Errno E = parentArgs(C, 3, 4, RightPathRenameTarget, New, &NewDir);
      E != Errno::Success)
    return E;
  if (Old.TrailingSlash || New.TrailingSlash)
    if (Errno E = requireDirLeaf(Old); E != Errno::Success)
      return E;
  // Moving a symlink to another depth changes where it leads.
  if (Errno E = checkMovedSymlink(Old.Parent.get(), Old.Leaf.c_str(),
                                  New.Parent.get(), NewDir->PreopenRoot);
      E != Errno::Success)
    return E;
  return resultOf(::renameat(Old.Parent.get(), Old.Leaf.c_str(),
                             New.Parent.get(), New.Leaf.c_str()));
}

Errno pathSymlink(WasiCall &C) {
  std::string_view Target;
  if (!C.Mem.string(C.u32(0), C.u32(1), Target))
    return Errno::Fault;
  std::string TargetZ(Target);
  ParentAndLeaf P;
  FdEntry *D;
  if (Errno E = parentArgs(C, 2, 3, RightPathSymlink, P, &D);
      E != Errno::Success)
    return E;
  if (P.TrailingSlash)
    return Errno::NoEnt;
  // The host would follow this link later without the sandbox's checks.
  if (Errno E = checkSymlinkTarget(P.Parent.get(), D->PreopenRoot, Target);
      E != Errno::Success)
    return E;
  return resultOf(::symlinkat(TargetZ.c_str(), P.Parent.get(), P.Leaf.c_str()));
}

} // namespace kiln::wasi
