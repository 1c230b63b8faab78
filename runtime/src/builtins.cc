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
#include "src/interrupt.h"
#include "src/trap.h"

#include <algorithm>
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

/// Bulk operations work in chunks and poll between them (interrupt.h), so
/// that a huge fill or copy stops within the same bound as a loop: 64 KiB
/// of memory, or 16K table elements, take a few microseconds.
static constexpr uint32_t MemoryChunk = 64 * 1024;
static constexpr uint32_t TableChunk = 16 * 1024;

KILN_KEEPS_FRAME static void builtinMemoryFill(VMContext *Ctx, uint32_t Dst, uint32_t Byte,
                              uint32_t Len) {
  KILN_CALLER_PC(Pc);
  if (!inBounds(Dst, Len, Ctx->MemorySize))
    raiseTrap(TrapCode::MemoryOutOfBounds, InstanceState::of(Ctx).Mod, 0,
              Pc);
  for (uint32_t Done = 0; Done < Len;) {
    uint32_t N = std::min(Len - Done, MemoryChunk);
    std::memset(Ctx->MemoryBase + Dst + Done, int(uint8_t(Byte)), N);
    Done += N;
    KILN_POLL_IN_BUILTIN(Ctx, Pc, KILN_WASM_FP());
  }
}

/// memmove in chunks: front to back when the destination is below the
/// source, back to front otherwise, so no chunk overwrites bytes a later
/// one still reads.
static void chunkedMove(VMContext *Ctx, uint8_t *Dst, const uint8_t *Src,
                        uint32_t Len, uintptr_t Pc, uintptr_t Fp) {
  bool Forward = Dst <= Src;
  for (uint32_t Done = 0; Done < Len;) {
    uint32_t N = std::min(Len - Done, MemoryChunk);
    uint32_t At = Forward ? Done : Len - Done - N;
    std::memmove(Dst + At, Src + At, N);
    Done += N;
    KILN_POLL_IN_BUILTIN(Ctx, Pc, Fp);
  }
}

KILN_KEEPS_FRAME static void builtinMemoryCopy(VMContext *Ctx, uint32_t Dst, uint32_t Src,
                              uint32_t Len) {
  KILN_CALLER_PC(Pc);
  if (!inBounds(Dst, Len, Ctx->MemorySize) ||
      !inBounds(Src, Len, Ctx->MemorySize))
    raiseTrap(TrapCode::MemoryOutOfBounds, InstanceState::of(Ctx).Mod, 0,
              Pc);
  chunkedMove(Ctx, Ctx->MemoryBase + Dst, Ctx->MemoryBase + Src, Len, Pc,
              KILN_WASM_FP());
}

KILN_KEEPS_FRAME static void builtinMemoryInit(VMContext *Ctx, uint32_t Seg, uint32_t Dst,
                              uint32_t Src, uint32_t Len) {
  KILN_CALLER_PC(Pc);
  InstanceState &S = InstanceState::of(Ctx);
  std::span<const uint8_t> Data = S.dataSegment(Seg);
  if (!inBounds(Src, Len, Data.size()) || !inBounds(Dst, Len, Ctx->MemorySize))
    raiseTrap(TrapCode::MemoryOutOfBounds, S.Mod, 0, Pc);
  if (Len)
    chunkedMove(Ctx, Ctx->MemoryBase + Dst, Data.data() + Src, Len, Pc,
                KILN_WASM_FP());
}

static void builtinDataDrop(VMContext *Ctx, uint32_t Seg) {
  InstanceState::of(Ctx).DataDropped[Seg] = 1;
}

static uint32_t builtinTableGrow(VMContext *Ctx, uint32_t Table, void *Init,
                                 uint32_t Delta) {
  return InstanceState::of(Ctx).Tables[Table]->grow(Delta, Init);
}

KILN_KEEPS_FRAME static void builtinTableFill(VMContext *Ctx, uint32_t Table, uint32_t Dst,
                             void *Val, uint32_t Len) {
  KILN_CALLER_PC(Pc);
  InstanceState &S = InstanceState::of(Ctx);
  kiln::Table &T = *S.Tables[Table];
  if (!inBounds(Dst, Len, T.size()))
    raiseTrap(TrapCode::TableOutOfBounds, S.Mod, 0, Pc);
  for (uint32_t Done = 0; Done < Len;) {
    uint32_t N = std::min(Len - Done, TableChunk);
    T.fill(Dst + Done, Val, N);
    Done += N;
    KILN_POLL_IN_BUILTIN(Ctx, Pc, KILN_WASM_FP());
  }
}

KILN_KEEPS_FRAME static void builtinTableCopy(VMContext *Ctx, uint32_t DstTable,
                             uint32_t SrcTable, uint32_t Dst, uint32_t Src,
                             uint32_t Len) {
  KILN_CALLER_PC(Pc);
  InstanceState &S = InstanceState::of(Ctx);
  kiln::Table &D = *S.Tables[DstTable], &Sr = *S.Tables[SrcTable];
  if (!inBounds(Dst, Len, D.size()) || !inBounds(Src, Len, Sr.size()))
    raiseTrap(TrapCode::TableOutOfBounds, S.Mod, 0, Pc);
  // In chunks that never overwrite what a later chunk reads (as memmove).
  bool Forward = &D != &Sr || Dst <= Src;
  for (uint32_t Done = 0; Done < Len;) {
    uint32_t N = std::min(Len - Done, TableChunk);
    uint32_t At = Forward ? Done : Len - Done - N;
    kiln::Table::copy(D, Dst + At, Sr, Src + At, N);
    Done += N;
    KILN_POLL_IN_BUILTIN(Ctx, Pc, KILN_WASM_FP());
  }
}

KILN_KEEPS_FRAME static void builtinTableInit(VMContext *Ctx, uint32_t Table, uint32_t Seg,
                             uint32_t Dst, uint32_t Src, uint32_t Len) {
  KILN_CALLER_PC(Pc);
  InstanceState &S = InstanceState::of(Ctx);
  kiln::Table &T = *S.Tables[Table];
  if (!inBounds(Dst, Len, T.size()) ||
      !inBounds(Src, Len, S.ElemSegs[Seg].size()))
    raiseTrap(TrapCode::TableOutOfBounds, S.Mod, 0, Pc);
  for (uint32_t Done = 0; Done < Len;) {
    uint32_t N = std::min(Len - Done, TableChunk);
    T.init(Dst + Done, S.ElemSegs[Seg], Src + Done, N);
    Done += N;
    KILN_POLL_IN_BUILTIN(Ctx, Pc, KILN_WASM_FP());
  }
}

static void builtinElemDrop(VMContext *Ctx, uint32_t Seg) {
  std::vector<void *>().swap(InstanceState::of(Ctx).ElemSegs[Seg]);
}

KILN_KEEPS_FRAME static void builtinInterruptCheck(VMContext *Ctx, uint32_t WasmOffset) {
  KILN_CALLER_PC(Pc);
  if (TrapCode Stop = mustStop(Ctx); Stop != TrapCode::None)
    raiseTrap(Stop, InstanceState::of(Ctx).Mod, WasmOffset, Pc,
              KILN_WASM_FP());
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
