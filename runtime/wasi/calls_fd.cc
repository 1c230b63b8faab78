//===- runtime/wasi/calls_fd.cc - fd_* calls ------------------------------===//
//
// Reads and writes go straight between the host fd and guest memory (no
// staging copy) once every iovec has been checked. Results the guest gets
// back through a pointer are checked before the host call that produces
// them, so a bad pointer never leaves data consumed or written unreported.
//
// Every call checks the rights wasi-common checks (ENOTCAPABLE when one is
// missing), after the fd itself (EBADF) and, where a directory can never do
// the thing, after its type (so fd_read on a directory stays EISDIR).
//
//===----------------------------------------------------------------------===//
#define _FILE_OFFSET_BITS 64 // 64-bit offsets on 32-bit hosts too

#include "wasi/calls.h"

#include "wasi/errno_map.h"
#include "wasi/iovec.h"

#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiln::wasi {

Errno storeFilestat(const WasiCall &C, uint32_t Ptr, const void *StPtr) {
  const struct stat &St = *static_cast<const struct stat *>(StPtr);
  uint8_t Buf[layout::FilestatSize] = {};
  uint64_t Atim = toNanos(St.st_atim.tv_sec, St.st_atim.tv_nsec);
  uint64_t Mtim = toNanos(St.st_mtim.tv_sec, St.st_mtim.tv_nsec);
  uint64_t Ctim = toNanos(St.st_ctim.tv_sec, St.st_ctim.tv_nsec);
  putField<uint64_t>(Buf, 0, uint64_t(St.st_dev));
  putField<uint64_t>(Buf, 8, uint64_t(St.st_ino));
  putField<uint8_t>(Buf, 16, uint8_t(fileTypeOfMode(St.st_mode)));
  uint32_t Size = layout::FilestatSize;
  if (C.Unstable) { // nlink is a u32 at 20, everything after moves up 8
    Size = layout::UnstableFilestatSize;
    putField<uint32_t>(Buf, 20, uint32_t(St.st_nlink));
    putField<uint64_t>(Buf, 24, uint64_t(St.st_size));
    putField<uint64_t>(Buf, 32, Atim);
    putField<uint64_t>(Buf, 40, Mtim);
    putField<uint64_t>(Buf, 48, Ctim);
  } else {
    putField<uint64_t>(Buf, 24, uint64_t(St.st_nlink));
    putField<uint64_t>(Buf, 32, uint64_t(St.st_size));
    putField<uint64_t>(Buf, 40, Atim);
    putField<uint64_t>(Buf, 48, Mtim);
    putField<uint64_t>(Buf, 56, Ctim);
  }
  uint8_t *Dst = C.Mem.span(Ptr, Size);
  if (!Dst)
    return Errno::Fault;
  std::memcpy(Dst, Buf, Size);
  return Errno::Success;
}

Errno fdClose(WasiCall &C) {
  return C.Ctx.Fds.close(C.u32(0)) ? Errno::Success : Errno::BadF;
}

Errno fdRenumber(WasiCall &C) {
  return C.Ctx.Fds.renumber(C.u32(0), C.u32(1)) ? Errno::Success : Errno::BadF;
}

static Errno syncWith(WasiCall &C, int (*Fn)(int), uint64_t Right) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  if (!E->has(Right))
    return Errno::NotCapable;
  return Fn(E->Fd.get()) == 0 ? Errno::Success : lastHostErrno();
}
Errno fdSync(WasiCall &C) { return syncWith(C, ::fsync, RightFdSync); }
Errno fdDatasync(WasiCall &C) {
  return syncWith(C, ::fdatasync, RightFdDatasync);
}

Errno fdAdvise(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  static constexpr int Advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                   POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                   POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  uint32_t A = C.u32(3);
  if (A >= std::size(Advice))
    return Errno::Inval; // an invalid enum comes first, as wiggle checks it
  if (E->Type == FileType::Directory)
    return Errno::BadF;
  if (!E->has(RightFdAdvise))
    return Errno::NotCapable;
  if (int64_t(C.u64(1)) < 0 || int64_t(C.u64(2)) < 0)
    return Errno::Inval;
  int R = ::posix_fadvise(E->Fd.get(), off_t(C.u64(1)), off_t(C.u64(2)),
                          Advice[A]);
  return R == 0 ? Errno::Success : fromHostErrno(R);
}

Errno fdAllocate(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  if (!E->has(RightFdAllocate))
    return Errno::NotCapable;
  uint64_t Off = C.u64(1), Len = C.u64(2);
  if (Off > uint64_t(INT64_MAX) || Len > uint64_t(INT64_MAX) - Off)
    return Errno::Inval;
  if (Len == 0)
    return Errno::Inval;
  int R = ::posix_fallocate(E->Fd.get(), off_t(Off), off_t(Len));
  return R == 0 ? Errno::Success : fromHostErrno(R);
}

static uint16_t fdflagsOf(int HostFlags) {
  uint16_t F = 0;
  if (HostFlags & O_APPEND)
    F |= FdflagAppend;
  if (HostFlags & O_NONBLOCK)
    F |= FdflagNonblock;
  if ((HostFlags & O_SYNC) == O_SYNC)
    F |= FdflagSync | FdflagRsync; // Linux: O_RSYNC == O_SYNC
  else if (HostFlags & O_DSYNC)
    F |= FdflagDsync;
  return F;
}

Errno fdFdstatGet(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  int Fl = ::fcntl(E->Fd.get(), F_GETFL);
  if (Fl < 0)
    return lastHostErrno();
  uint8_t Buf[layout::FdstatSize] = {};
  putField<uint8_t>(Buf, 0, uint8_t(E->Type));
  putField<uint16_t>(Buf, 2, fdflagsOf(Fl));
  putField<uint64_t>(Buf, 8, E->RightsBase);
  putField<uint64_t>(Buf, 16, E->RightsInheriting);
  uint8_t *Dst = C.Mem.span(C.u32(1), sizeof(Buf));
  if (!Dst)
    return Errno::Fault;
  std::memcpy(Dst, Buf, sizeof(Buf));
  return Errno::Success;
}

Errno fdFdstatSetFlags(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  if (!E->has(RightFdFdstatSetFlags))
    return Errno::NotCapable;
  uint32_t F = C.u32(1);
  if (F & ~uint32_t(FdflagAppend | FdflagNonblock | FdflagDsync | FdflagRsync |
                    FdflagSync))
    return Errno::Inval;
  // Linux cannot change the sync flags of an open file.
  if (F & (FdflagDsync | FdflagRsync | FdflagSync))
    return Errno::NotSup;
  int Fl = ::fcntl(E->Fd.get(), F_GETFL);
  if (Fl < 0)
    return lastHostErrno();
  Fl &= ~(O_APPEND | O_NONBLOCK);
  if (F & FdflagAppend)
    Fl |= O_APPEND;
  if (F & FdflagNonblock)
    Fl |= O_NONBLOCK;
  return ::fcntl(E->Fd.get(), F_SETFL, Fl) == 0 ? Errno::Success
                                                : lastHostErrno();
}

Errno fdFdstatSetRights(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  uint64_t Base = C.u64(1), Inh = C.u64(2);
  // Rights only shrink.
  if ((Base & ~E->RightsBase) || (Inh & ~E->RightsInheriting))
    return Errno::NotCapable;
  E->RightsBase = Base;
  E->RightsInheriting = Inh;
  return Errno::Success;
}

Errno fdFilestatGet(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  if (!E->has(RightFdFilestatGet))
    return Errno::NotCapable;
  struct stat St;
  if (::fstat(E->Fd.get(), &St) != 0)
    return lastHostErrno();
  return storeFilestat(C, C.u32(1), &St);
}

Errno fdFilestatSetSize(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  if (!E->has(RightFdFilestatSetSize))
    return Errno::NotCapable;
  if (C.u64(1) > uint64_t(INT64_MAX))
    return Errno::Inval;
  return ::ftruncate(E->Fd.get(), off_t(C.u64(1))) == 0 ? Errno::Success
                                                        : lastHostErrno();
}

Errno timesFromFlags(uint64_t Atim, uint64_t Mtim, uint32_t Flags,
                     struct timespec Ts[2]) {
  if (Flags & ~uint32_t(FstAtim | FstAtimNow | FstMtim | FstMtimNow))
    return Errno::Inval;
  if (((Flags & FstAtim) && (Flags & FstAtimNow)) ||
      ((Flags & FstMtim) && (Flags & FstMtimNow)))
    return Errno::Inval;
  auto Set = [](struct timespec &T, uint64_t Ns, bool Given, bool Now) {
    if (Now) {
      T.tv_sec = 0;
      T.tv_nsec = UTIME_NOW;
    } else if (Given) {
      T.tv_sec = time_t(Ns / 1000000000ull);
      T.tv_nsec = long(Ns % 1000000000ull);
    } else {
      T.tv_sec = 0;
      T.tv_nsec = UTIME_OMIT;
    }
  };
  Set(Ts[0], Atim, Flags & FstAtim, Flags & FstAtimNow);
  Set(Ts[1], Mtim, Flags & FstMtim, Flags & FstMtimNow);
  return Errno::Success;
}

Errno fdFilestatSetTimes(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  if (!E->has(RightFdFilestatSetTimes))
    return Errno::NotCapable;
  struct timespec Ts[2];
  if (Errno Er = timesFromFlags(C.u64(1), C.u64(2), C.u32(3), Ts);
      Er != Errno::Success)
    return Er;
  return ::futimens(E->Fd.get(), Ts) == 0 ? Errno::Success : lastHostErrno();
}

/// fd_read / fd_pread / fd_write / fd_pwrite: (fd, iovs, iovs_len, [offset,]
/// result ptr).
static Errno transfer(WasiCall &C, bool Write, bool Positioned) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  if (E->Type == FileType::Directory)
    return Errno::IsDir;
  // Positioned transfers need FD_SEEK too, as in wasi-common: they use an
  // offset the fd's rights may not allow the guest to choose.
  uint64_t Needed =
      (Write ? RightFdWrite : RightFdRead) | (Positioned ? RightFdSeek : 0);
  if (!E->has(Needed))
    return Errno::NotCapable;
  uint32_t ResultPtr = C.u32(Positioned ? 4 : 3);
  if (!C.Mem.inBounds(ResultPtr, 4))
    return Errno::Fault;
  std::vector<struct iovec> Iov;
  if (Errno Er = gatherIovecs(C.Mem, C.u32(1), C.u32(2), Iov);
      Er != Errno::Success)
    return Er;
  uint64_t Off = Positioned ? C.u64(3) : 0;
  if (Positioned && Off > uint64_t(INT64_MAX))
    return Errno::Inval;
  ssize_t N;
  int Fd = E->Fd.get();
  int Cnt = int(Iov.size());
  do {
    if (Write)
      N = Positioned ? ::pwritev(Fd, Iov.data(), Cnt, off_t(Off))
                     : ::writev(Fd, Iov.data(), Cnt);
    else
      N = Positioned ? ::preadv(Fd, Iov.data(), Cnt, off_t(Off))
                     : ::readv(Fd, Iov.data(), Cnt);
  } while (N < 0 && errno == EINTR);
  if (N < 0)
    return lastHostErrno();
  C.Mem.store<uint32_t>(ResultPtr, uint32_t(N));
  return Errno::Success;
}

Errno fdRead(WasiCall &C) { return transfer(C, false, false); }
Errno fdPread(WasiCall &C) { return transfer(C, false, true); }
Errno fdWrite(WasiCall &C) { return transfer(C, true, false); }
Errno fdPwrite(WasiCall &C) { return transfer(C, true, true); }

Errno fdSeek(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  uint32_t W = C.u32(2);
  int Whence;
  if (C.Unstable)
    W = W == UnstableWhenceSet   ? WhenceSet
        : W == UnstableWhenceCur ? WhenceCur
        : W == UnstableWhenceEnd ? WhenceEnd
                                 : 99;
  switch (W) {
  case WhenceSet:
    Whence = SEEK_SET;
    break;
  case WhenceCur:
    Whence = SEEK_CUR;
    break;
  case WhenceEnd:
    Whence = SEEK_END;
    break;
  default:
    return Errno::Inval;
  }
  if (!C.Mem.inBounds(C.u32(3), 8))
    return Errno::Fault;
  if (E->Type == FileType::Directory)
    return Errno::BadF; // a directory's position belongs to fd_readdir
  // Asking where we are is a tell; moving needs FD_SEEK (wasi-common).
  int64_t Delta = int64_t(C.u64(1));
  uint64_t Needed = Delta == 0 && Whence == SEEK_CUR
                        ? RightFdTell
                        : RightFdSeek | RightFdTell;
  if (!E->has(Needed))
    return Errno::NotCapable;
  off_t R = ::lseek(E->Fd.get(), off_t(Delta), Whence);
  if (R < 0)
    return lastHostErrno();
  C.Mem.store<uint64_t>(C.u32(3), uint64_t(R));
  return Errno::Success;
}

Errno fdTell(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  if (!C.Mem.inBounds(C.u32(1), 8))
    return Errno::Fault;
  if (E->Type == FileType::Directory)
    return Errno::BadF;
  if (!E->has(RightFdTell))
    return Errno::NotCapable;
  off_t R = ::lseek(E->Fd.get(), 0, SEEK_CUR);
  if (R < 0)
    return lastHostErrno();
  C.Mem.store<uint64_t>(C.u32(1), uint64_t(R));
  return Errno::Success;
}

Errno fdPrestatGet(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E || !E->IsPreopen)
    return Errno::BadF;
  uint8_t Buf[layout::PrestatSize] = {};
  putField<uint8_t>(Buf, 0, PreopenDir);
  putField<uint32_t>(Buf, 4, uint32_t(E->PreopenName.size()));
  uint8_t *Dst = C.Mem.span(C.u32(1), sizeof(Buf));
  if (!Dst)
    return Errno::Fault;
  std::memcpy(Dst, Buf, sizeof(Buf));
  return Errno::Success;
}

Errno fdPrestatDirName(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E || !E->IsPreopen)
    return Errno::BadF;
  const std::string &N = E->PreopenName;
  if (C.u32(2) < N.size())
    return Errno::NameTooLong;
  uint8_t *Dst = C.Mem.span(C.u32(1), N.size());
  if (!Dst)
    return Errno::Fault;
  std::memcpy(Dst, N.data(), N.size());
  return Errno::Success;
}

static FileType direntType(int Dir, const struct dirent *D) {
  switch (D->d_type) {
  case DT_REG:
    return FileType::RegularFile;
  case DT_DIR:
    return FileType::Directory;
  case DT_LNK:
    return FileType::SymbolicLink;
  case DT_CHR:
    return FileType::CharacterDevice;
  case DT_BLK:
    return FileType::BlockDevice;
  case DT_SOCK:
    return FileType::SocketStream;
  default:
    break;
  }
  struct stat St; // some file systems do not fill d_type
  if (::fstatat(Dir, D->d_name, &St, AT_SYMLINK_NOFOLLOW) != 0)
    return FileType::Unknown;
  return fileTypeOfMode(St.st_mode);
}

/// Reads the whole directory into E.Listing (from its start).
static Errno readListing(FdEntry &E) {
  int Dup = ::dup(E.Fd.get());
  if (Dup < 0)
    return lastHostErrno();
  DIR *D = ::fdopendir(Dup);
  if (!D) {
    Errno Er = lastHostErrno();
    ::close(Dup);
    return Er;
  }
  ::rewinddir(D);
  E.Listing.clear();
  errno = 0;
  while (struct dirent *Ent = ::readdir(D)) {
    E.Listing.push_back({Ent->d_name, uint64_t(Ent->d_ino),
                         direntType(::dirfd(D), Ent)});
    errno = 0;
  }
  Errno Er = errno ? lastHostErrno() : Errno::Success;
  ::closedir(D);
  return Er;
}

Errno fdReaddir(WasiCall &C) {
  FdEntry *E = C.fd(0);
  if (!E)
    return Errno::BadF;
  if (E->Type != FileType::Directory)
    return Errno::NotDir;
  if (!E->has(RightFdReaddir))
    return Errno::NotCapable;
  uint32_t BufPtr = C.u32(1), BufLen = C.u32(2), UsedPtr = C.u32(4);
  uint64_t Cookie = C.u64(3);
  uint8_t *Dst = C.Mem.span(BufPtr, BufLen);
  if (!Dst || !C.Mem.inBounds(UsedPtr, 4))
    return Errno::Fault;
  if (Cookie == 0 || E->Listing.empty())
    if (Errno Er = readListing(*E); Er != Errno::Success)
      return Er;
  // Entries from the cookie on, each a dirent header and its name, until the
  // buffer is full; the last one may be cut (the guest asks again with a
  // bigger buffer, as the spec intends).
  uint32_t Used = 0;
  for (uint64_t I = Cookie; I < E->Listing.size() && Used < BufLen; ++I) {
    const DirListingEntry &Ent = E->Listing[size_t(I)];
    uint8_t Hdr[layout::DirentSize] = {};
    putField<uint64_t>(Hdr, 0, I + 1);
    putField<uint64_t>(Hdr, 8, Ent.Ino);
    putField<uint32_t>(Hdr, 16, uint32_t(Ent.Name.size()));
    putField<uint8_t>(Hdr, 20, uint8_t(Ent.Type));
    uint32_t N = std::min<uint32_t>(sizeof(Hdr), BufLen - Used);
    std::memcpy(Dst + Used, Hdr, N);
    Used += N;
    N = uint32_t(std::min<uint64_t>(Ent.Name.size(), BufLen - Used));
    std::memcpy(Dst + Used, Ent.Name.data(), N);
    Used += N;
  }
  C.Mem.store<uint32_t>(UsedPtr, Used);
  return Errno::Success;
}

} // namespace kiln::wasi
