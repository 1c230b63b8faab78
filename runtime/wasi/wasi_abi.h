//===- runtime/wasi/wasi_abi.h - WASI preview1 types and layouts -*- C++ -*-===//
//
// The guest-visible ABI of wasi_snapshot_preview1 (and where the old
// wasi_unstable differs): errno codes, file types, flag bits, rights and the
// byte layout of every struct the calls read or write. Values are from the
// witx definitions; layouts are little-endian wasm32 (pointers are u32).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_WASI_ABI_H
#define KILN_RUNTIME_WASI_ABI_H

#include <cerrno>
#include <cstdint>

namespace kiln::wasi {

enum class Errno : uint16_t {
#define KILN_WASI_ERRNO(Name, Value, HostErrno) Name = Value,
#include "wasi/errno.def"
};

enum class FileType : uint8_t {
  Unknown = 0,
  BlockDevice = 1,
  CharacterDevice = 2,
  Directory = 3,
  RegularFile = 4,
  SocketDgram = 5,
  SocketStream = 6,
  SymbolicLink = 7,
};

// clockid
inline constexpr uint32_t ClockRealtime = 0, ClockMonotonic = 1,
                          ClockProcessCputime = 2, ClockThreadCputime = 3;

// whence: preview1 and wasi_unstable number them differently.
inline constexpr uint32_t WhenceSet = 0, WhenceCur = 1, WhenceEnd = 2;
inline constexpr uint32_t UnstableWhenceCur = 0, UnstableWhenceEnd = 1,
                          UnstableWhenceSet = 2;

// fdflags
inline constexpr uint16_t FdflagAppend = 1, FdflagDsync = 2,
                          FdflagNonblock = 4, FdflagRsync = 8, FdflagSync = 16;
// oflags
inline constexpr uint16_t OflagCreat = 1, OflagDirectory = 2, OflagExcl = 4,
                          OflagTrunc = 8;
// lookupflags
inline constexpr uint32_t LookupSymlinkFollow = 1;
// fstflags
inline constexpr uint16_t FstAtim = 1, FstAtimNow = 2, FstMtim = 4,
                          FstMtimNow = 8;
// subclockflags, eventtype, eventrwflags
inline constexpr uint16_t SubclockAbstime = 1;
inline constexpr uint8_t EventClock = 0, EventFdRead = 1, EventFdWrite = 2;
inline constexpr uint16_t EventFdReadwriteHangup = 1;
// preopentype
inline constexpr uint8_t PreopenDir = 0;

// rights (witx order: bit N is the Nth right)
inline constexpr uint64_t RightFdDatasync = 1ull << 0, RightFdRead = 1ull << 1,
                          RightFdSeek = 1ull << 2,
                          RightFdFdstatSetFlags = 1ull << 3,
                          RightFdSync = 1ull << 4, RightFdTell = 1ull << 5,
                          RightFdWrite = 1ull << 6, RightFdAdvise = 1ull << 7,
                          RightFdAllocate = 1ull << 8,
                          RightPathCreateDirectory = 1ull << 9,
                          RightPathCreateFile = 1ull << 10,
                          RightPathLinkSource = 1ull << 11,
                          RightPathLinkTarget = 1ull << 12,
                          RightPathOpen = 1ull << 13,
                          RightFdReaddir = 1ull << 14,
                          RightPathReadlink = 1ull << 15,
                          RightPathRenameSource = 1ull << 16,
                          RightPathRenameTarget = 1ull << 17,
                          RightPathFilestatGet = 1ull << 18,
                          RightPathFilestatSetSize = 1ull << 19,
                          RightPathFilestatSetTimes = 1ull << 20,
                          RightFdFilestatGet = 1ull << 21,
                          RightFdFilestatSetSize = 1ull << 22,
                          RightFdFilestatSetTimes = 1ull << 23,
                          RightPathSymlink = 1ull << 24,
                          RightPathRemoveDirectory = 1ull << 25,
                          RightPathUnlinkFile = 1ull << 26,
                          RightPollFdReadwrite = 1ull << 27,
                          RightSockShutdown = 1ull << 28,
                          RightSockAccept = 1ull << 29;
/// Every right preview1 defines (bits 0..29).
inline constexpr uint64_t RightsAll = (1ull << 30) - 1;
/// Rights that make no sense on a directory / on a non-directory.
inline constexpr uint64_t RightsFileOnly =
    RightFdDatasync | RightFdRead | RightFdSeek | RightFdSync | RightFdTell |
    RightFdWrite | RightFdAdvise | RightFdAllocate | RightFdFilestatSetSize;
inline constexpr uint64_t RightsDirOnly = RightsAll & ~RightsFileOnly &
                                          ~RightPollFdReadwrite &
                                          ~RightSockShutdown & ~RightSockAccept;
/// Rights every kind of fd may have.
inline constexpr uint64_t RightsAnyFd =
    RightFdFdstatSetFlags | RightFdFilestatGet | RightFdFilestatSetTimes;
/// Rights a terminal/pipe lacks: wasi-libc's isatty() looks for exactly this.
inline constexpr uint64_t RightsSeekTell = RightFdSeek | RightFdTell;
/// Every right that lets a holder change the file system: what a read-only
/// pre-open lacks, in both its own and its inheriting rights. Linking and
/// renaming *from* a directory count too: a hard link of a read-only file
/// into a writable directory would make the file writable.
inline constexpr uint64_t RightsModify =
    RightFdDatasync | RightFdWrite | RightFdAllocate | RightFdFilestatSetSize |
    RightFdFilestatSetTimes | RightPathCreateDirectory | RightPathCreateFile |
    RightPathLinkSource | RightPathLinkTarget | RightPathRenameSource |
    RightPathRenameTarget | RightPathFilestatSetSize |
    RightPathFilestatSetTimes | RightPathSymlink | RightPathRemoveDirectory |
    RightPathUnlinkFile;
/// Rights only a socket can use.
inline constexpr uint64_t RightsSocketOnly = RightSockShutdown | RightSockAccept;

// Struct layouts: sizes and field offsets in guest memory.
namespace layout {
inline constexpr uint32_t IovecSize = 8; // buf u32 @0, len u32 @4
inline constexpr uint32_t FdstatSize = 24; // filetype u8 @0, flags u16 @2,
                                           // rights u64 @8, inheriting u64 @16
inline constexpr uint32_t PrestatSize = 8; // tag u8 @0, name_len u32 @4
inline constexpr uint32_t DirentSize = 24; // next u64 @0, ino u64 @8,
                                           // namlen u32 @16, type u8 @20
inline constexpr uint32_t FilestatSize = 64;
inline constexpr uint32_t UnstableFilestatSize = 56; // nlink is u32 there
inline constexpr uint32_t SubscriptionSize = 48;
inline constexpr uint32_t UnstableSubscriptionSize = 56; // clock identifier
inline constexpr uint32_t EventSize = 32; // userdata u64 @0, error u16 @8,
                                          // type u8 @10, nbytes u64 @16,
                                          // flags u16 @24
} // namespace layout

} // namespace kiln::wasi

#endif // KILN_RUNTIME_WASI_ABI_H
