//===- runtime/src/builtins.cc - The VMContext::Builtins table ------------===//
//
// Bulk memory and table operations follow Wasm 2.0: the whole range is
// checked (in 64-bit arithmetic, so it cannot wrap) before anything is
// written, a zero-length operation exactly at the end is in bounds, and
// overlapping copies behave like memmove. Traps leave through raiseTrap,
// which never returns, so no object with a destructor may be alive in a
// builtin's frame when it traps.
//
//===----------------------------------------------------------------------===//

#include "src/builtins.h"

#include "src/host_call.h"
#include "src/instance.h"
#include "src/trap.h"

#include <cstring>
#include <type_traits>

namespace kiln::rt {

/// Declares `Var`: an address inside the call instruction that called the
/// current builtin (return addresses point past it, possibly into the next
/// function). Taken on entry and pinned there by the empty asm, so the
/// compiler cannot sink it into a split-off cold part of the function
/// (GCC's partial inlining), where it would name the wrong caller.
#define KILN_CALLER_PC(Var)                                                    \
  uintptr_t Var = reinterpret_cast<uintptr_t>(__builtin_extract_return_addr(   \
                      __builtin_return_address(0))) -                          \
                  1;                                                           \
  __asm__ volatile("" : "+r"(Var))

static bool inBounds(uint32_t Index, uint32_t Len, uint64_t Size) {
  return uint64_t(Index) + Len <= Size;
}

[[noreturn]] static void builtinTrap(VMContext *Ctx, uint32_t Code,
                                     uint32_t WasmOffset) {
  KILN_CALLER_PC(Pc);
  raiseTrap(TrapCode(Code), InstanceState::of(Ctx).Mod, WasmOffset, Pc);
}

static uint32_t builtinMemoryGrow(VMContext *Ctx, uint32_t Delta) {
  Memory *M = InstanceState::of(Ctx).memory0();
  return M ? M->grow(Delta) : ~uint32_t(0);
}

static void builtinMemoryFill(VMContext *Ctx, uint32_t Dst, uint32_t Byte,
                              uint32_t Len) {
  KILN_CALLER_PC(Pc);
  if (!inBounds(Dst, Len, Ctx->MemorySize))
    raiseTrap(TrapCode::MemoryOutOfBounds, InstanceState::of(Ctx).Mod, 0,
              Pc);
  std::memset(Ctx->MemoryBase + Dst, int(uint8_t(Byte)), Len);
}

static void builtinMemoryCopy(VMContext *Ctx, uint32_t Dst, uint32_t Src,
                              uint32_t Len) {
  KILN_CALLER_PC(Pc);
  if (!inBounds(Dst, Len, Ctx->MemorySize) ||
      !inBounds(Src, Len, Ctx->MemorySize))
    raiseTrap(TrapCode::MemoryOutOfBounds, InstanceState::of(Ctx).Mod, 0,
              Pc);
  std::memmove(Ctx->MemoryBase + Dst, Ctx->MemoryBase + Src, Len);
}

static void builtinMemoryInit(VMContext *Ctx, uint32_t Seg, uint32_t Dst,
                              uint32_t Src, uint32_t Len) {
  KILN_CALLER_PC(Pc);
  InstanceState &S = InstanceState::of(Ctx);
  std::span<const uint8_t> Data = S.dataSegment(Seg);
  if (!inBounds(Src, Len, Data.size()) || !inBounds(Dst, Len, Ctx->MemorySize))
    raiseTrap(TrapCode::MemoryOutOfBounds, S.Mod, 0, Pc);
  if (Len)
    std::memcpy(Ctx->MemoryBase + Dst, Data.data() + Src, Len);
}

static void builtinDataDrop(VMContext *Ctx, uint32_t Seg) {
  InstanceState::of(Ctx).DataDropped[Seg] = 1;
}

static uint32_t builtinTableGrow(VMContext *Ctx, uint32_t Table, void *Init,
                                 uint32_t Delta) {
  return InstanceState::of(Ctx).Tables[Table]->grow(Delta, Init);
}

static void builtinTableFill(VMContext *Ctx, uint32_t Table, uint32_t Dst,
                             void *Val, uint32_t Len) {
  KILN_CALLER_PC(Pc);
  InstanceState &S = InstanceState::of(Ctx);
  if (!S.Tables[Table]->fill(Dst, Val, Len))
    raiseTrap(TrapCode::TableOutOfBounds, S.Mod, 0, Pc);
}

static void builtinTableCopy(VMContext *Ctx, uint32_t DstTable,
                             uint32_t SrcTable, uint32_t Dst, uint32_t Src,
                             uint32_t Len) {
  KILN_CALLER_PC(Pc);
  InstanceState &S = InstanceState::of(Ctx);
  if (!kiln::Table::copy(*S.Tables[DstTable], Dst, *S.Tables[SrcTable], Src,
                         Len))
    raiseTrap(TrapCode::TableOutOfBounds, S.Mod, 0, Pc);
}

static void builtinTableInit(VMContext *Ctx, uint32_t Table, uint32_t Seg,
                             uint32_t Dst, uint32_t Src, uint32_t Len) {
  KILN_CALLER_PC(Pc);
  InstanceState &S = InstanceState::of(Ctx);
  if (!S.Tables[Table]->init(Dst, S.ElemSegs[Seg], Src, Len))
    raiseTrap(TrapCode::TableOutOfBounds, S.Mod, 0, Pc);
}

static void builtinElemDrop(VMContext *Ctx, uint32_t Seg) {
  std::vector<void *>().swap(InstanceState::of(Ctx).ElemSegs[Seg]);
}

// Each function's C type must be exactly its builtins.def row.
namespace rowtypes {
using Void = void;
using I32 = uint32_t;
using I64 = uint64_t;
using Ptr = void *;
#define KILN_BUILTIN(Name, Index, Ret, ...)                                    \
  static_assert(std::is_same_v<decltype(&builtin##Name),                       \
                               Ret (*)(VMContext *, __VA_ARGS__)>,             \
                "builtin" #Name " does not match its builtins.def row");
#include "kiln/builtins.def"
} // namespace rowtypes

// Rows are listed in index order with no gaps, so row i is Builtins[i].
static constexpr uint32_t RowIndices[] = {
#define KILN_BUILTIN(Name, Index, Ret, ...) Index,
#include "kiln/builtins.def"
};
static consteval bool rowsAreDense() {
  for (uint32_t I = 0; I < std::size(RowIndices); ++I)
    if (RowIndices[I] != I)
      return false;
  return true;
}
static_assert(rowsAreDense(), "builtins.def indices must be 0, 1, 2, ...");

static void *const Builtins[] = {
#define KILN_BUILTIN(Name, Index, Ret, ...)                                    \
  reinterpret_cast<void *>(&builtin##Name),
#include "kiln/builtins.def"
};

void *const *builtinTable() { return Builtins; }

} // namespace kiln::rt
