//===- runtime/src/memory.cc - Linear memory ------------------------------===//

#include "src/memory.h"

#include "src/resource_account.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace kiln {

static size_t hostPageSize() {
  long P = sysconf(_SC_PAGESIZE);
  return P > 0 ? size_t(P) : 4096;
}

static uint8_t *mapAnon(size_t Bytes, int Prot) {
  void *P = mmap(nullptr, Bytes, Prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  return P == MAP_FAILED ? nullptr : static_cast<uint8_t *>(P);
}

Expected<std::shared_ptr<Memory>>
Memory::create(uint32_t MinPages, std::optional<uint32_t> MaxPagesOpt,
               MemoryMode Mode, std::shared_ptr<rt::ResourceAccount> Account) {
  if (MinPages > abi::MaxMemoryPages)
    return Error::make(ErrorKind::Limit,
                       formatString("memory size %u pages exceeds Kiln's "
                                    "limit of %u pages (4 GiB - 64 KiB)",
                                    MinPages, abi::MaxMemoryPages));
  if (MaxPagesOpt && *MaxPagesOpt > SpecMaxPages)
    return Error::make(ErrorKind::Limit,
                       formatString("memory max %u pages exceeds the maximum "
                                    "of %u pages",
                                    *MaxPagesOpt, SpecMaxPages));
  if (MaxPagesOpt && MinPages > *MaxPagesOpt)
    return Error::make(ErrorKind::Usage,
                       formatString("memory min %u pages exceeds its max %u",
                                    MinPages, *MaxPagesOpt));
  if (Mode == MemoryMode::Guard && sizeof(void *) < 8)
    return Error::make(ErrorKind::Unsupported,
                       "guard-mode memory needs a 64-bit host");
  uint64_t MinBytes = uint64_t(MinPages) * PageBytes;
  if (Account && !Account->chargeNewMemory(MinBytes))
    return Error::make(ErrorKind::Limit,
                       formatString("memory of %u pages ", MinPages) +
                           Account->memoryRefusal(MinBytes));
  std::shared_ptr<Memory> M(new Memory(Mode, MaxPagesOpt));
  M->Account = std::move(Account); // the destructor gives the charge back
  M->Charged = M->Account ? MinBytes : 0;
  KILN_CHECK(M->reserve(MinPages));
  return M;
}

Memory::~Memory() {
  if (Account)
    Account->releaseMemory(Charged, /*Memory=*/true);
  if (!Base)
    return;
  if (Mode == MemoryMode::Guard)
    munmap(Base - abi::GuardBytesBelowBase,
           size_t(abi::GuardBytesBelowBase) + Mapped);
  else
    munmap(Base, Mapped);
}

Error Memory::reserve(uint32_t MinPages) {
  uint64_t MinBytes = uint64_t(MinPages) * PageBytes;
  auto TooBig = [&] {
    return Error::make(ErrorKind::Limit,
                       formatString("cannot allocate a linear memory of %u "
                                    "pages",
                                    MinPages));
  };

  if (Mode == MemoryMode::Guard) {
    // The whole index space plus the largest static offset: no access that
    // generated code can form leaves the reservation.
    // And an unmapped margin below the base (abi::GuardBytesBelowBase).
    if constexpr (sizeof(size_t) >= 8) {
      uint8_t *Start = mapAnon(size_t(abi::GuardBytesBelowBase +
                                      abi::GuardReservationBytes),
                               PROT_NONE);
      if (!Start)
        return Error::make(ErrorKind::Limit,
                           "cannot reserve 8 GiB of address space for a "
                           "guard-mode memory");
      Base = Start + abi::GuardBytesBelowBase;
      Mapped = size_t(abi::GuardReservationBytes);
    }
  } else {
    uint64_t Want = uint64_t(limitPages()) * PageBytes;
    Want = std::max<uint64_t>(Want, hostPageSize());
    // 64-bit hosts always try; 32-bit hosts only for a declared max that
    // leaves room for everything else in the address space.
    bool Try = sizeof(void *) >= 8 || (Max && Want <= (uint64_t(1) << 28));
    if (Try && Want <= SIZE_MAX) {
      Base = mapAnon(size_t(Want), PROT_NONE);
      if (Base)
        Mapped = size_t(Want);
    }
    if (!Base) {
      // A plain allocation, moved when it grows.
      Movable = true;
      if (MinBytes > SIZE_MAX)
        return TooBig();
      size_t Bytes = std::max<size_t>(size_t(MinBytes), hostPageSize());
      Base = mapAnon(Bytes, PROT_READ | PROT_WRITE);
      if (!Base)
        return TooBig();
      Mapped = Bytes;
      Size = MinBytes;
      return Error::success();
    }
  }
  if (!commit(MinBytes))
    return TooBig();
  return Error::success();
}

bool Memory::commit(uint64_t NewSize) {
  if (NewSize <= Size)
    return true;
  if (!Movable) {
    if (NewSize > Mapped)
      return false;
    if (mprotect(Base + Size, size_t(NewSize - Size), PROT_READ | PROT_WRITE))
      return false;
    if (Locked && mlock(Base + Size, size_t(NewSize - Size))) {
      mprotect(Base + Size, size_t(NewSize - Size), PROT_NONE);
      return false;
    }
    Size = NewSize;
    return true;
  }
  if (NewSize <= Mapped) { // slack from an earlier move, still zero
    if (Locked && mlock(Base + Size, size_t(NewSize - Size)))
      return false;
    Size = NewSize;
    return true;
  }
  if (NewSize > SIZE_MAX)
    return false;
  // Double to keep repeated small grows cheap, within the max.
  uint64_t Limit = uint64_t(limitPages()) * PageBytes;
  uint64_t Cap = std::min<uint64_t>(std::max<uint64_t>(NewSize, uint64_t(Mapped) * 2), Limit);
  Cap = std::max(Cap, NewSize);
  uint8_t *New = Cap <= SIZE_MAX ? mapAnon(size_t(Cap), PROT_READ | PROT_WRITE)
                                 : nullptr;
  if (!New && Cap != NewSize) {
    Cap = NewSize;
    New = mapAnon(size_t(Cap), PROT_READ | PROT_WRITE);
  }
  if (!New)
    return false;
  if (Locked && mlock(New, size_t(NewSize))) {
    munmap(New, size_t(Cap));
    return false;
  }
  std::memcpy(New, Base, size_t(Size));
  munmap(Base, Mapped);
  Base = New;
  Mapped = size_t(Cap);
  Size = NewSize;
  return true;
}

Error Memory::lockInRam() {
  std::lock_guard<std::mutex> Guard(Lock);
  if (Size && mlock(Base, size_t(Size)))
    return Error::make(ErrorKind::Unsupported,
                       formatString("cannot lock %llu bytes of linear memory "
                                    "in RAM: %s (raise RLIMIT_MEMLOCK, "
                                    "ulimit -l, or run with CAP_IPC_LOCK)",
                                    (unsigned long long)Size,
                                    std::strerror(errno)));
  Locked = true;
  return Error::success();
}

void Memory::publish() {
  for (rt::VMContext *C : Contexts) {
    C->MemoryBase = Base;
    C->MemorySize = Size;
  }
}

uint32_t Memory::grow(uint32_t DeltaPages) {
  std::lock_guard<std::mutex> Guard(Lock);
  uint32_t Old = pages();
  uint64_t New = uint64_t(Old) + DeltaPages;
  if (New > limitPages())
    return ~uint32_t(0);
  if (DeltaPages == 0)
    return Old;
  uint64_t DeltaBytes = uint64_t(DeltaPages) * PageBytes;
  if (Account && !Account->chargeMemoryGrow(Size, DeltaBytes))
    return ~uint32_t(0);
  if (!commit(New * PageBytes)) {
    if (Account)
      Account->releaseMemory(DeltaBytes, /*Memory=*/false);
    return ~uint32_t(0);
  }
  if (Account)
    Charged += DeltaBytes;
  publish();
  return Old;
}

void Memory::attach(rt::VMContext *Ctx) {
  std::lock_guard<std::mutex> Guard(Lock);
  Contexts.push_back(Ctx);
  Ctx->MemoryBase = Base;
  Ctx->MemorySize = Size;
}

void Memory::detach(rt::VMContext *Ctx) {
  std::lock_guard<std::mutex> Guard(Lock);
  auto It = std::find(Contexts.begin(), Contexts.end(), Ctx);
  if (It != Contexts.end())
    Contexts.erase(It);
}

Expected<std::shared_ptr<Memory>> createMemory(uint32_t MinPages,
                                               std::optional<uint32_t> MaxPages,
                                               MemoryMode Mode) {
  return Memory::create(MinPages, MaxPages, Mode);
}

uint64_t memorySizeBytes(const Memory &M) { return M.sizeBytes(); }
uint8_t *memoryData(Memory &M) { return M.base(); }

} // namespace kiln
