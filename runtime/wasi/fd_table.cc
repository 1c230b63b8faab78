//===- runtime/wasi/fd_table.cc - The guest's file descriptors ------------===//

#include "wasi/fd_table.h"

#include <sys/stat.h>

namespace kiln::wasi {

/// Guest fds beyond this are EMFILE: a guest cannot make the table huge.
static constexpr uint32_t MaxGuestFds = 65536;

bool FdTable::insert(std::unique_ptr<FdEntry> E, uint32_t &Fd) {
  for (uint32_t I = 0; I < Slots.size(); ++I)
    if (!Slots[I]) {
      Slots[I] = std::move(E);
      Fd = I;
      return true;
    }
  if (Slots.size() >= MaxGuestFds)
    return false;
  Fd = uint32_t(Slots.size());
  Slots.push_back(std::move(E));
  return true;
}

void FdTable::place(uint32_t Fd, std::unique_ptr<FdEntry> E) {
  if (Fd >= Slots.size())
    Slots.resize(Fd + 1);
  Slots[Fd] = std::move(E);
}

bool FdTable::close(uint32_t Fd) {
  if (!get(Fd))
    return false;
  Slots[Fd].reset();
  while (!Slots.empty() && !Slots.back())
    Slots.pop_back();
  return true;
}

bool FdTable::renumber(uint32_t From, uint32_t To) {
  if (!get(From) || To >= MaxGuestFds)
    return false;
  if (From == To)
    return true;
  if (To >= Slots.size())
    Slots.resize(size_t(To) + 1);
  Slots[To] = std::move(Slots[From]);
  while (!Slots.empty() && !Slots.back())
    Slots.pop_back();
  return true;
}

FileType fileTypeOfMode(unsigned Mode) {
  switch (Mode & S_IFMT) {
  case S_IFREG:
    return FileType::RegularFile;
  case S_IFDIR:
    return FileType::Directory;
  case S_IFCHR:
    return FileType::CharacterDevice;
  case S_IFBLK:
    return FileType::BlockDevice;
  case S_IFLNK:
    return FileType::SymbolicLink;
  case S_IFSOCK:
    return FileType::SocketStream;
  default:
    return FileType::Unknown; // FIFOs have no WASI type
  }
}

FileType fileTypeOf(int HostFd) {
  struct stat St;
  if (::fstat(HostFd, &St) != 0)
    return FileType::Unknown;
  return fileTypeOfMode(St.st_mode);
}

uint64_t maxRightsFor(FileType T) {
  switch (T) {
  case FileType::Directory:
    return RightsDirOnly;
  case FileType::RegularFile:
  case FileType::BlockDevice:
    return RightsFileOnly | RightsAnyFd | RightPollFdReadwrite;
  case FileType::SocketDgram:
  case FileType::SocketStream:
    return (RightsFileOnly & ~RightsSeekTell) | RightsAnyFd |
           RightPollFdReadwrite | RightsSocketOnly;
  case FileType::CharacterDevice:
  case FileType::Unknown:
  case FileType::SymbolicLink:
    // Streams: no seek/tell, which is also how wasi-libc recognises a tty.
    return (RightsFileOnly & ~RightsSeekTell) | RightsAnyFd |
           RightPollFdReadwrite;
  }
  return 0;
}

} // namespace kiln::wasi
