//===- runtime/src/global.h - Globals ---------------------------*- C++ -*-===//
//
// kiln::Global: a GlobalCell (16 bytes, little-endian value; a pointer for
// references) with its type. Instances reach it through
// VMContext::Globals[i] == &Cell, so an imported or exported global is
// shared by pointer and every user sees every write.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_GLOBAL_H
#define KILN_RUNTIME_GLOBAL_H

#include "kiln/runtime.h"
#include "src/vmcontext.h"

#include <memory>

namespace kiln {

class Global {
public:
  Global(ValType Type, bool Mutable) : Type(Type), Mutable(Mutable) {}
  Global(const Global &) = delete;
  Global &operator=(const Global &) = delete;

  ValType type() const { return Type; }
  bool isMutable() const { return Mutable; }
  rt::GlobalCell *cell() { return &Cell; }

  Value get() const;
  /// Stores V's bits (its type is the caller's business).
  void set(const Value &V);

  /// Nulls the value if it is a funcref into [Begin, End) (see
  /// Table::scrub).
  void scrub(const void *Begin, const void *End);

private:
  rt::GlobalCell Cell{};
  ValType Type;
  bool Mutable;
};

} // namespace kiln

#endif // KILN_RUNTIME_GLOBAL_H
