//===- runtime/src/resource_account.cc - A store's resource use -----------===//
//
// Every check is written so that it cannot wrap: a limit may be Unlimited
// (2^64-1) and an amount asked may be anything an artifact declares.
//
// Messages name the limit by its `kiln run -W` spelling (Wasmtime's), which
// is also the field of ResourceLimits it stands for.
//
//===----------------------------------------------------------------------===//

#include "src/resource_account.h"

#include "src/memory.h"

#include <unistd.h>

namespace kiln {

ResourceLimits ResourceLimits::defaults() {
  ResourceLimits L;
  L.MaxTotalMemoryBytes = defaultTotalMemoryBytes();
  L.MaxTableElements = 10'000'000;
  L.MaxTotalTableElements = 10'000'000;
  L.MaxInstances = 10'000;
  L.MaxTables = 10'000;
  L.MaxMemories = 10'000;
  return L;
}

uint64_t defaultTotalMemoryBytes() {
  long Pages = sysconf(_SC_PHYS_PAGES);
  long PageSize = sysconf(_SC_PAGESIZE);
  // Unknown (a platform without the query): 1 GiB, a generous size for the
  // analytics modules Kiln runs that still fits a small device's RAM.
  if (Pages <= 0 || PageSize <= 0)
    return uint64_t(1) << 30;
  return uint64_t(Pages) * uint64_t(PageSize) / 2;
}

namespace rt {

using ull = unsigned long long;

/// A + B > Limit, without wrapping.
static bool exceeds(uint64_t A, uint64_t B, uint64_t Limit) {
  return A > Limit || B > Limit - A;
}

/// What is left under Limit once InUse is taken (0 if a lowered limit is
/// already exceeded). InUse counts the live objects' sizes and, during
/// instantiation, the earlier memories or tables of the same module.
static uint64_t left(uint64_t InUse, uint64_t Limit) {
  return InUse < Limit ? Limit - InUse : 0;
}

void ResourceAccount::setLimits(const ResourceLimits &L) {
  std::lock_guard<std::mutex> G(Lock);
  Limits = L;
}

ResourceLimits ResourceAccount::limits() const {
  std::lock_guard<std::mutex> G(Lock);
  return Limits;
}

std::string ResourceAccount::memoryRefusalLocked(uint64_t Bytes,
                                                 uint64_t Pending) const {
  if (Bytes > Limits.MaxMemoryBytes)
    return formatString("needs %llu bytes, more than the limit of %llu bytes "
                        "per memory (max-memory-size)",
                        ull(Bytes), ull(Limits.MaxMemoryBytes));
  uint64_t InUse = MemoryBytes + Pending;
  if (exceeds(InUse, Bytes, Limits.MaxTotalMemoryBytes))
    return formatString("needs %llu bytes, but only %llu of the %llu bytes "
                        "all memories may use are left "
                        "(max-total-memory-size)",
                        ull(Bytes), ull(left(InUse, Limits.MaxTotalMemoryBytes)),
                        ull(Limits.MaxTotalMemoryBytes));
  return {};
}

std::string ResourceAccount::tableRefusalLocked(uint64_t Elements,
                                                uint64_t Pending) const {
  if (Elements > Limits.MaxTableElements)
    return formatString("needs %llu elements, more than the limit of %llu "
                        "elements per table (max-table-elements)",
                        ull(Elements), ull(Limits.MaxTableElements));
  uint64_t InUse = TableElements + Pending;
  if (exceeds(InUse, Elements, Limits.MaxTotalTableElements))
    return formatString("needs %llu elements, but only %llu of the %llu "
                        "elements all tables may hold are left "
                        "(max-total-table-elements)",
                        ull(Elements),
                        ull(left(InUse, Limits.MaxTotalTableElements)),
                        ull(Limits.MaxTotalTableElements));
  return {};
}

std::string ResourceAccount::memoryRefusal(uint64_t Bytes) const {
  std::lock_guard<std::mutex> G(Lock);
  return memoryRefusalLocked(Bytes, 0);
}

std::string ResourceAccount::tableRefusal(uint64_t Elements) const {
  std::lock_guard<std::mutex> G(Lock);
  return tableRefusalLocked(Elements, 0);
}

Error ResourceAccount::admitInstance(const format::Artifact &A) {
  auto Refuse = [](std::string Why) {
    return Error::make(ErrorKind::Limit,
                       "instantiation refused: " + std::move(Why));
  };
  uint32_t ImportedMemories = 0, ImportedTables = 0;
  for (const format::ImportRec &I : A.Imports) {
    ImportedMemories += format::ExternKind(I.Kind) == format::ExternKind::Memory;
    ImportedTables += format::ExternKind(I.Kind) == format::ExternKind::Table;
  }

  std::lock_guard<std::mutex> G(Lock);
  if (exceeds(Instances, 1, Limits.MaxInstances))
    return Refuse(formatString("%llu instances are live, the limit is %llu "
                               "(max-instances)",
                               ull(Instances), ull(Limits.MaxInstances)));
  if (exceeds(Memories, A.Memories.size(), Limits.MaxMemories))
    return Refuse(formatString("the module defines %zu memories, %llu are "
                               "live, the limit is %llu (max-memories)",
                               A.Memories.size(), ull(Memories),
                               ull(Limits.MaxMemories)));
  if (exceeds(Tables, A.Tables.size(), Limits.MaxTables))
    return Refuse(formatString("the module defines %zu tables, %llu are "
                               "live, the limit is %llu (max-tables)",
                               A.Tables.size(), ull(Tables),
                               ull(Limits.MaxTables)));
  // Everything the module declares together, so that a module asking for
  // too much is refused before its first table is allocated.
  uint64_t Pending = 0;
  for (size_t I = 0; I < A.Memories.size(); ++I) {
    uint64_t Bytes = A.Memories[I].Lim.Min * Memory::PageBytes;
    std::string Why = memoryRefusalLocked(Bytes, Pending);
    if (!Why.empty())
      return Refuse(formatString("memory %zu (%llu pages) ",
                                 ImportedMemories + I,
                                 ull(A.Memories[I].Lim.Min)) +
                    Why);
    Pending += Bytes;
  }
  Pending = 0;
  for (size_t I = 0; I < A.Tables.size(); ++I) {
    uint64_t Elements = A.Tables[I].Lim.Min;
    std::string Why = tableRefusalLocked(Elements, Pending);
    if (!Why.empty())
      return Refuse(formatString("table %zu ", ImportedTables + I) + Why);
    Pending += Elements;
  }
  ++Instances;
  return Error::success();
}

void ResourceAccount::releaseInstance() {
  std::lock_guard<std::mutex> G(Lock);
  --Instances;
}

bool ResourceAccount::chargeNewMemory(uint64_t Bytes) {
  std::lock_guard<std::mutex> G(Lock);
  if (exceeds(Memories, 1, Limits.MaxMemories) ||
      !memoryRefusalLocked(Bytes, 0).empty())
    return false;
  ++Memories;
  MemoryBytes += Bytes;
  return true;
}

bool ResourceAccount::chargeMemoryGrow(uint64_t OldBytes, uint64_t DeltaBytes) {
  std::lock_guard<std::mutex> G(Lock);
  if (exceeds(OldBytes, DeltaBytes, Limits.MaxMemoryBytes) ||
      exceeds(MemoryBytes, DeltaBytes, Limits.MaxTotalMemoryBytes))
    return false;
  MemoryBytes += DeltaBytes;
  return true;
}

void ResourceAccount::releaseMemory(uint64_t Bytes, bool Memory) {
  std::lock_guard<std::mutex> G(Lock);
  MemoryBytes -= Bytes;
  Memories -= Memory;
}

bool ResourceAccount::chargeNewTable(uint64_t Elements) {
  std::lock_guard<std::mutex> G(Lock);
  if (exceeds(Tables, 1, Limits.MaxTables) ||
      !tableRefusalLocked(Elements, 0).empty())
    return false;
  ++Tables;
  TableElements += Elements;
  return true;
}

bool ResourceAccount::chargeTableGrow(uint64_t OldElements,
                                      uint64_t DeltaElements) {
  std::lock_guard<std::mutex> G(Lock);
  if (exceeds(OldElements, DeltaElements, Limits.MaxTableElements) ||
      exceeds(TableElements, DeltaElements, Limits.MaxTotalTableElements))
    return false;
  TableElements += DeltaElements;
  return true;
}

void ResourceAccount::releaseTable(uint64_t Elements, bool Table) {
  std::lock_guard<std::mutex> G(Lock);
  TableElements -= Elements;
  Tables -= Table;
}

} // namespace rt
} // namespace kiln
