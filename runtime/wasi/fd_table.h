//===- runtime/wasi/fd_table.h - The guest's file descriptors ---*- C++ -*-===//
//
// Guest fds are indices into this table, never host fd numbers: a guest can
// name only what it was given (stdio, the preopens) or opened through them.
// Each entry holds the host fd, what it is, and the WASI rights it carries.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_WASI_FD_TABLE_H
#define KILN_RUNTIME_WASI_FD_TABLE_H

#include "wasi/host_fd.h"
#include "wasi/wasi_abi.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kiln::wasi {

/// One fd_readdir entry, cached between calls (cookies are indices into the
/// listing, which is re-read whenever a guest starts again at cookie 0).
struct DirListingEntry {
  std::string Name;
  uint64_t Ino = 0;
  FileType Type = FileType::Unknown;
};

/// A file's identity on the host (st_dev, st_ino).
struct FileId {
  uint64_t Dev = 0, Ino = 0;
  bool operator==(const FileId &) const = default;
};

struct FdEntry {
  HostFd Fd;
  FileType Type = FileType::Unknown;
  uint64_t RightsBase = 0;
  uint64_t RightsInheriting = 0;
  bool IsPreopen = false;
  std::string PreopenName; // the guest's name for a preopen
  /// The pre-opened directory this fd was opened beneath: symlinks the
  /// guest creates are judged against it (see symlink_target.h).
  FileId PreopenRoot;
  std::vector<DirListingEntry> Listing;

  /// True if the fd carries every right in `Needed` (in its base rights).
  bool has(uint64_t Needed) const { return (RightsBase & Needed) == Needed; }
};

class FdTable {
public:
  /// The entry for guest fd `Fd`, or null (EBADF).
  FdEntry *get(uint32_t Fd) const {
    return Fd < Slots.size() ? Slots[Fd].get() : nullptr;
  }
  /// Puts E at the lowest free guest fd; false when the table is full.
  bool insert(std::unique_ptr<FdEntry> E, uint32_t &Fd);
  /// Puts E at exactly `Fd` (stdio and preopens at setup).
  void place(uint32_t Fd, std::unique_ptr<FdEntry> E);
  /// Closes guest fd `Fd` (and the host fd if owned); false if not open.
  bool close(uint32_t Fd);
  /// fd_renumber: `To` is closed if open and `From` moves there. `To` may be
  /// a free number (a guest parks stdout in a free slot and brings it back
  /// later), as in wasi-common; false if `From` is not open or `To` is past
  /// the table's limit.
  bool renumber(uint32_t From, uint32_t To);

private:
  std::vector<std::unique_ptr<FdEntry>> Slots;
};

/// The WASI file type of an open host fd (fstat).
FileType fileTypeOf(int HostFd);
/// The file type for a stat mode.
FileType fileTypeOfMode(unsigned Mode);

/// The rights an fd of this type can have at most.
uint64_t maxRightsFor(FileType T);

} // namespace kiln::wasi

#endif // KILN_RUNTIME_WASI_FD_TABLE_H
