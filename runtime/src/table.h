//===- runtime/src/table.h - Tables -----------------------------*- C++ -*-===//
//
// kiln::Table: the TableDesc generated code reads (element array + size)
// and the operations with the spec's bounds rules. Elements are
// FuncRefEntry* for funcref tables and opaque host pointers for externref
// tables; null is 0. Contexts point at the TableDesc, which never moves, so
// a grow that reallocates the elements only updates Desc.Elems.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_TABLE_H
#define KILN_RUNTIME_TABLE_H

#include "kiln/runtime.h"
#include "src/vmcontext.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace kiln {
namespace rt {
class ResourceAccount;
}

class Table {
public:
  /// An implementation limit on elements (a grow beyond it returns -1, a
  /// larger initial size fails instantiation).
  static constexpr uint32_t MaxElements = 10'000'000;

  /// With an `Account`, the table's elements are charged to it (refused
  /// with an error of kind Limit when over its limits) and so is every grow.
  static Expected<std::shared_ptr<Table>>
  create(ValType Elem, uint32_t Min, std::optional<uint32_t> Max,
         void *Init = nullptr,
         std::shared_ptr<rt::ResourceAccount> Account = nullptr);
  ~Table();
  Table(const Table &) = delete;
  Table &operator=(const Table &) = delete;

  ValType elemType() const { return Elem; }
  uint32_t size() const { return Desc.Size; }
  std::optional<uint32_t> max() const { return Max; }
  rt::TableDesc *desc() { return &Desc; }
  void **elems() const { return Desc.Elems; }

  /// table.grow: the old size, or ~0u if the new size would exceed the max
  /// (or the implementation limit, or the account's limits) or cannot be
  /// allocated.
  uint32_t grow(uint32_t Delta, void *Init);
  /// table.fill; false (nothing written) if [Dst, Dst+Len) is out of bounds.
  bool fill(uint32_t Dst, void *Val, uint32_t Len);
  /// table.copy between (possibly the same) tables, overlap-safe; false
  /// (nothing written) if either range is out of bounds.
  static bool copy(Table &Dst, uint32_t DstIndex, const Table &Src,
                   uint32_t SrcIndex, uint32_t Len);
  /// table.init from a segment's evaluated elements; false (nothing written)
  /// if out of bounds.
  bool init(uint32_t Dst, const std::vector<void *> &Seg, uint32_t SrcIndex,
            uint32_t Len);

  /// Nulls every element that points into [Begin, End) (the function
  /// entries of an instance that is going away).
  void scrub(const void *Begin, const void *End);

private:
  Table(ValType Elem, std::optional<uint32_t> Max) : Elem(Elem), Max(Max) {}

  ValType Elem;
  std::optional<uint32_t> Max;
  rt::TableDesc Desc{nullptr, 0};
  uint32_t Capacity = 0;
  std::shared_ptr<rt::ResourceAccount> Account; // null: not counted
  uint64_t Charged = 0; // elements charged to Account (== size())
};

} // namespace kiln

#endif // KILN_RUNTIME_TABLE_H
