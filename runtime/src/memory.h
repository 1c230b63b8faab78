//===- runtime/src/memory.h - Linear memory ---------------------*- C++ -*-===//
//
// kiln::Memory: one linear memory and the VMContexts that use it as memory 0.
//
// Guard mode reserves abi::GuardReservationBytes of PROT_NONE address space
// and makes [0, size) read-write; growing makes more of it read-write, so the
// base never moves and every access past the size faults.
//
// Bounds-checked mode reserves the most the memory may ever need (its max,
// or the whole 4 GiB index space on 64-bit hosts) when the address space
// allows it, so the base is stable there too. Otherwise (32-bit hosts
// without a usable max) the memory is a plain allocation that is moved when
// it grows, and every attached VMContext gets the new base.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_MEMORY_H
#define KILN_RUNTIME_MEMORY_H

#include "kiln/runtime.h"
#include "src/vmcontext.h"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace kiln {
namespace rt {
class ResourceAccount;
}

class Memory {
public:
  static constexpr uint64_t PageBytes = 65536;
  /// The most a module may declare (4 GiB of 32-bit index space); Kiln
  /// itself stops at abi::MaxMemoryPages, one page less.
  static constexpr uint32_t SpecMaxPages = 65536;

  /// With an `Account`, the memory's bytes are charged to it (refused with
  /// an error of kind Limit when over its limits) and so is every grow.
  static Expected<std::shared_ptr<Memory>>
  create(uint32_t MinPages, std::optional<uint32_t> MaxPages, MemoryMode Mode,
         std::shared_ptr<rt::ResourceAccount> Account = nullptr);
  ~Memory();
  Memory(const Memory &) = delete;
  Memory &operator=(const Memory &) = delete;

  MemoryMode mode() const { return Mode; }
  uint8_t *base() const { return Base; }
  uint64_t sizeBytes() const { return Size; }
  uint32_t pages() const { return uint32_t(Size / PageBytes); }
  std::optional<uint32_t> maxPages() const { return Max; }
  /// What memory.grow may reach: the declared max, at most
  /// abi::MaxMemoryPages.
  uint32_t limitPages() const {
    return Max && *Max < abi::MaxMemoryPages ? *Max : abi::MaxMemoryPages;
  }

  /// memory.grow: the old size in pages, or ~0u when the new size would
  /// exceed limitPages() or the account's limits, or cannot be allocated.
  /// Updates MemoryBase/MemorySize of every attached context.
  uint32_t grow(uint32_t DeltaPages);

  /// Pre-faults and locks the accessible bytes in RAM (mlock), now and
  /// after every grow, so no page fault lands in a deadline. A grow whose
  /// new pages cannot be locked fails (memory.grow returns -1).
  Error lockInRam();

  /// Contexts whose MemoryBase/MemorySize mirror this memory.
  void attach(rt::VMContext *Ctx);
  void detach(rt::VMContext *Ctx);

private:
  Memory(MemoryMode Mode, std::optional<uint32_t> Max)
      : Mode(Mode), Max(Max) {}
  Error reserve(uint32_t MinPages);
  bool commit(uint64_t NewSize);
  void publish();

  MemoryMode Mode;
  std::optional<uint32_t> Max;
  uint8_t *Base = nullptr;
  uint64_t Size = 0;      // accessible bytes
  size_t Mapped = 0;      // bytes of address space mapped at Base
  bool Movable = false;   // Base may change on grow (no reservation)
  bool Locked = false;    // lockInRam(): accessible bytes stay locked
  std::shared_ptr<rt::ResourceAccount> Account; // null: not counted
  uint64_t Charged = 0;   // bytes charged to Account (== Size)
  std::mutex Lock;        // Size/Base changes and the context list
  std::vector<rt::VMContext *> Contexts;
};

} // namespace kiln

#endif // KILN_RUNTIME_MEMORY_H
