//===- kiln/limits.h - Resources a store may use ----------------*- C++ -*-===//
//
// What the instances of one Linker (Kiln's store: it owns what it
// instantiates) may allocate together, like Wasmtime's StoreLimits: bytes
// of linear memory per memory and in total, table elements per table and in
// total, and how many instances, tables and memories may live at once.
//
// The limits are consulted when an instance is created (everything its
// module declares is checked before anything is allocated, and a refusal
// is an Error of kind Limit naming the limit and the amount asked) and on
// every memory.grow and table.grow (a refused grow returns -1, as the spec
// lets any grow fail). Memories, tables and globals a host creates itself
// (createMemory, createTable) are not counted: the host chose their size.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LIMITS_H
#define KILN_LIMITS_H

#include <cstdint>

namespace kiln {

struct ResourceLimits {
  /// No limit for a field (the spec's own limits and Kiln's still apply).
  static constexpr uint64_t Unlimited = ~uint64_t(0);

  /// Bytes of one linear memory: its initial size and any memory.grow.
  uint64_t MaxMemoryBytes = Unlimited;
  /// Bytes of all linear memories the store's instances define.
  uint64_t MaxTotalMemoryBytes = Unlimited;
  /// Elements of one table: its initial size and any table.grow.
  uint64_t MaxTableElements = Unlimited;
  /// Elements of all tables the store's instances define.
  uint64_t MaxTotalTableElements = Unlimited;
  /// Instances, tables and memories alive at once.
  uint64_t MaxInstances = Unlimited;
  uint64_t MaxTables = Unlimited;
  uint64_t MaxMemories = Unlimited;

  /// What every Linker starts with: limits that keep the device alive
  /// whatever the module asks for, and far above what real modules use.
  ///  - memory in total: half of the machine's physical RAM, so a guest that
  ///    grows and touches its memory cannot push the host into the OOM
  ///    killer (a module needing more is given a higher limit explicitly);
  ///    one memory: no limit beyond the total;
  ///  - table elements: 10,000,000 per table and in total (80 MB of entries
  ///    on a 64-bit device), the per-table limit of V8 and wasmparser; a
  ///    6 KB module declaring 1,000 such tables is refused at once;
  ///  - 10,000 instances, tables and memories, as Wasmtime's StoreLimits.
  static ResourceLimits defaults();
  /// Nothing beyond the spec's and Kiln's own limits.
  static ResourceLimits unlimited() { return ResourceLimits(); }
};

/// Half of this machine's physical RAM (the default total memory limit).
uint64_t defaultTotalMemoryBytes();

} // namespace kiln

#endif // KILN_LIMITS_H
