//===- runtime/src/code_registry.h - Where generated code lives -*- C++ -*-===//
//
// The process-wide list of mapped text ranges [Begin, End), one per loaded
// Module. The signal handler asks "is this PC generated code?" without
// locking or allocating (codeRangeContains is async-signal-safe); trap
// reporting asks "which module?" outside the handler.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_CODE_REGISTRY_H
#define KILN_RUNTIME_CODE_REGISTRY_H

#include "kiln/error.h"

#include <cstdint>

namespace kiln::rt {

/// A registered range; unregisters itself when destroyed. Move-only.
class CodeRange {
public:
  CodeRange() = default;
  CodeRange(CodeRange &&O) noexcept : Slot(O.Slot) { O.Slot = NoSlot; }
  CodeRange &operator=(CodeRange &&O) noexcept;
  CodeRange(const CodeRange &) = delete;
  CodeRange &operator=(const CodeRange &) = delete;
  ~CodeRange() { reset(); }

  /// Registers [Begin, End) with an owner pointer (a Module::Impl) that
  /// codeRangeOwner() returns. Fails only when the fixed table is full.
  static Expected<CodeRange> add(uintptr_t Begin, uintptr_t End,
                                 const void *Owner);
  void reset();

private:
  static constexpr uint32_t NoSlot = ~uint32_t(0);
  explicit CodeRange(uint32_t Slot) : Slot(Slot) {}
  uint32_t Slot = NoSlot;
};

/// True if `Pc` is inside a registered range. Async-signal-safe.
bool codeRangeContains(uintptr_t Pc);

/// The owner registered for the range containing `Pc`, or null.
const void *codeRangeOwner(uintptr_t Pc);

} // namespace kiln::rt

#endif // KILN_RUNTIME_CODE_REGISTRY_H
