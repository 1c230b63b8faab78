//===- runtime/src/resource_account.h - A store's resource use --*- C++ -*-===//
//
// rt::ResourceAccount counts what the instances of one Linker hold (live
// instances, tables and memories; bytes of linear memory; table elements)
// against its ResourceLimits (kiln/limits.h). Memories and tables it
// charged keep it alive (shared_ptr) and give their charge back when they
// go, whichever instance or Linker outlives whom.
//
// Thread-safe: instances of one Linker may grow their memories on several
// threads at once. A mutex, not atomics, because a charge checks a per-object
// and a total limit together, and grows are rare next to the mmap/mprotect
// each of them makes anyway.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_RESOURCE_ACCOUNT_H
#define KILN_RUNTIME_RESOURCE_ACCOUNT_H

#include "kiln/error.h"
#include "kiln/format.h"
#include "kiln/limits.h"

#include <cstdint>
#include <memory>
#include <mutex>

namespace kiln::rt {

class ResourceAccount {
public:
  explicit ResourceAccount(const ResourceLimits &L) : Limits(L) {}

  void setLimits(const ResourceLimits &L);
  ResourceLimits limits() const;

  /// Checks everything artifact `A` would add to the store (one instance,
  /// its memories and tables at their initial sizes) against the limits,
  /// before any of it is allocated, and charges the instance. The error
  /// names the limit, the amount asked and the amount in use.
  Error admitInstance(const format::Artifact &A);
  void releaseInstance();

  /// A new memory of `Bytes`, or a memory growing from `OldBytes` by
  /// `DeltaBytes`: false (nothing charged) when a limit refuses it.
  bool chargeNewMemory(uint64_t Bytes);
  bool chargeMemoryGrow(uint64_t OldBytes, uint64_t DeltaBytes);
  /// Gives back bytes (a failed grow's, or a memory's when it goes); with
  /// `Memory` the memory itself is gone too.
  void releaseMemory(uint64_t Bytes, bool Memory);

  bool chargeNewTable(uint64_t Elements);
  bool chargeTableGrow(uint64_t OldElements, uint64_t DeltaElements);
  void releaseTable(uint64_t Elements, bool Table);

  /// Why a new memory of `Bytes` or a table of `Elements` would be refused
  /// ("" if it would not), for instantiation's error.
  std::string memoryRefusal(uint64_t Bytes) const;
  std::string tableRefusal(uint64_t Elements) const;

private:
  std::string memoryRefusalLocked(uint64_t Bytes, uint64_t Pending) const;
  std::string tableRefusalLocked(uint64_t Elements, uint64_t Pending) const;

  mutable std::mutex Lock;
  ResourceLimits Limits;
  uint64_t Instances = 0, Memories = 0, Tables = 0;
  uint64_t MemoryBytes = 0, TableElements = 0;
};

} // namespace kiln::rt

#endif // KILN_RUNTIME_RESOURCE_ACCOUNT_H
