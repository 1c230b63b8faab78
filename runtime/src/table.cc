//===- runtime/src/table.cc - Tables --------------------------------------===//
//
// Every operation checks its whole range before writing anything (Wasm 2.0
// bulk semantics), with 64-bit arithmetic so that index + length never
// wraps; a zero-length operation at exactly the end is in bounds.
//
//===----------------------------------------------------------------------===//

#include "src/table.h"

#include "src/resource_account.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace kiln {

static bool inBounds(uint32_t Index, uint32_t Len, uint32_t Size) {
  return uint64_t(Index) + Len <= Size;
}

Expected<std::shared_ptr<Table>>
Table::create(ValType Elem, uint32_t Min, std::optional<uint32_t> Max,
              void *Init, std::shared_ptr<rt::ResourceAccount> Account) {
  if (Elem != ValType::FuncRef && Elem != ValType::ExternRef)
    return Error::make(ErrorKind::Usage,
                       "a table's element type must be funcref or externref");
  if (Max && Min > *Max)
    return Error::make(ErrorKind::Usage,
                       formatString("table min %u exceeds its max %u", Min,
                                    *Max));
  if (Min > MaxElements)
    return Error::make(ErrorKind::Limit,
                       formatString("table of %u elements exceeds the limit "
                                    "of %u",
                                    Min, MaxElements));
  if (Account && !Account->chargeNewTable(Min))
    return Error::make(ErrorKind::Limit,
                       formatString("table of %u elements ", Min) +
                           Account->tableRefusal(Min));
  std::shared_ptr<Table> T(new Table(Elem, Max));
  // Charged above: the initial grow is not charged again, and the
  // destructor gives the charge back whether or not it succeeds.
  bool Grown = !Min || T->grow(Min, Init) != ~uint32_t(0);
  T->Account = std::move(Account);
  T->Charged = T->Account ? Min : 0;
  if (!Grown)
    return Error::make(ErrorKind::Limit,
                       formatString("cannot allocate a table of %u elements",
                                    Min));
  return T;
}

Table::~Table() {
  if (Account)
    Account->releaseTable(Charged, /*Table=*/true);
  std::free(Desc.Elems);
}

uint32_t Table::grow(uint32_t Delta, void *Init) {
  uint32_t Old = Desc.Size;
  uint64_t New = uint64_t(Old) + Delta;
  if (New > Max.value_or(~uint32_t(0)) || New > MaxElements)
    return ~uint32_t(0);
  if (Delta && Account && !Account->chargeTableGrow(Old, Delta))
    return ~uint32_t(0);
  // Gives the grow's charge back when it fails below.
  auto Fail = [&] {
    if (Delta && Account)
      Account->releaseTable(Delta, /*Table=*/false);
    return ~uint32_t(0);
  };
  if (New > Capacity) {
    // Grow geometrically (within the limits) so repeated table.grow by one
    // stays linear.
    uint64_t Cap = std::max<uint64_t>(New, uint64_t(Capacity) * 2);
    Cap = std::min<uint64_t>(Cap, std::min<uint64_t>(Max.value_or(MaxElements),
                                                      MaxElements));
    if (Cap * sizeof(void *) > SIZE_MAX)
      return Fail();
    void *P = std::realloc(Desc.Elems, size_t(Cap) * sizeof(void *));
    if (!P)
      return Fail();
    Desc.Elems = static_cast<void **>(P);
    Capacity = uint32_t(Cap);
  }
  for (uint64_t I = Old; I < New; ++I)
    Desc.Elems[I] = Init;
  Desc.Size = uint32_t(New);
  if (Account)
    Charged += Delta;
  return Old;
}

bool Table::fill(uint32_t Dst, void *Val, uint32_t Len) {
  if (!inBounds(Dst, Len, Desc.Size))
    return false;
  std::fill_n(Desc.Elems + Dst, Len, Val);
  return true;
}

bool Table::copy(Table &Dst, uint32_t DstIndex, const Table &Src,
                 uint32_t SrcIndex, uint32_t Len) {
  if (!inBounds(DstIndex, Len, Dst.Desc.Size) ||
      !inBounds(SrcIndex, Len, Src.Desc.Size))
    return false;
  if (Len)
    std::memmove(Dst.Desc.Elems + DstIndex, Src.Desc.Elems + SrcIndex,
                 size_t(Len) * sizeof(void *));
  return true;
}

bool Table::init(uint32_t Dst, const std::vector<void *> &Seg,
                 uint32_t SrcIndex, uint32_t Len) {
  if (!inBounds(Dst, Len, Desc.Size) ||
      !inBounds(SrcIndex, Len, uint32_t(Seg.size())))
    return false;
  if (Len)
    std::memcpy(Desc.Elems + Dst, Seg.data() + SrcIndex,
                size_t(Len) * sizeof(void *));
  return true;
}

void Table::scrub(const void *Begin, const void *End) {
  if (Elem != ValType::FuncRef)
    return;
  auto B = reinterpret_cast<uintptr_t>(Begin);
  auto E = reinterpret_cast<uintptr_t>(End);
  for (uint32_t I = 0; I < Desc.Size; ++I) {
    auto P = reinterpret_cast<uintptr_t>(Desc.Elems[I]);
    if (P >= B && P < E)
      Desc.Elems[I] = nullptr;
  }
}

Expected<std::shared_ptr<Table>> createTable(ValType Elem, uint32_t Min,
                                             std::optional<uint32_t> Max) {
  return Table::create(Elem, Min, Max);
}

} // namespace kiln
