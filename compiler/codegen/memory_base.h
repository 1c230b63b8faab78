//===- compiler/codegen/memory_base.h - Linear-memory addresses in the IR -*- C++ -*-===//
//
// memory.cc addresses linear memory as memory 0's base, loaded from the
// VMContext's first field (the function's first argument), plus the Wasm
// address. The passes that reason about linear-memory accesses
// (address_no_wrap, byte_gather, guard_traps) recognise that base, and take
// an access's address apart, with these.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_MEMORY_BASE_H
#define KILN_CODEGEN_MEMORY_BASE_H

#include "kiln/abi.h"

#include "llvm/ADT/APInt.h"
#include "llvm/IR/Argument.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Operator.h"
#include "llvm/IR/PatternMatch.h"

#include <optional>

namespace kiln::codegen {

/// Whether V is memory 0's base, loaded from the VMContext.
inline bool isMemoryBase(const llvm::Value *V, const llvm::Argument *Vmctx) {
  static_assert(abi::vmOffset(abi::VMField::MemoryBase, 8) == 0,
                "memory 0's base is the VMContext's first field");
  // (At -O0 the field's address is still a GEP of offset 0.)
  auto *L = llvm::dyn_cast<llvm::LoadInst>(V);
  return L && L->getPointerOperand()->stripPointerCasts() == Vmctx;
}

/// A linear-memory address: base + zext(Index + Inner) + Outer, or, when
/// Index is already 64 bits wide, base + Index + Outer (Inner = 0).
struct LinearAddress {
  llvm::Value *Index = nullptr; ///< Null for a constant address.
  uint32_t Inner = 0;           ///< Added in 32 bits, so it may wrap.
  int64_t Outer = 0;            ///< Added in 64 bits.
  llvm::Value *Sum = nullptr;   ///< Index + Inner, the zext's operand, if any.
  llvm::Value *Base = nullptr;  ///< Memory 0's base.
};

/// The parts of a linear-memory pointer, however GEPs and adds spell it;
/// none for anything else (table slots, globals, the stack).
inline std::optional<LinearAddress>
linearAddress(llvm::Value *Ptr, const llvm::Argument *Vmctx,
              const llvm::DataLayout &DL) {
  using namespace llvm;
  using namespace llvm::PatternMatch;
  LinearAddress A;
  APInt Outer(64, 0);
  bool HaveIndex = false;
  while (auto *G = dyn_cast<GEPOperator>(Ptr)) {
    if (G->hasAllConstantIndices()) {
      if (!G->accumulateConstantOffset(DL, Outer))
        return std::nullopt;
    } else {
      if (HaveIndex || G->getNumIndices() != 1 ||
          !G->getSourceElementType()->isIntegerTy(8))
        return std::nullopt;
      HaveIndex = true;
      Value *Idx = G->getOperand(1), *X;
      const APInt *C;
      while (match(Idx, m_AddLike(m_Value(X), m_APInt(C)))) {
        Outer += C->sextOrTrunc(64);
        Idx = X;
      }
      if (match(Idx, m_ZExt(m_Value(X))) && X->getType()->isIntegerTy(32)) {
        A.Sum = X;
        while (match(X, m_AddLike(m_Value(Idx), m_APInt(C)))) {
          A.Inner += uint32_t(C->getZExtValue());
          X = Idx;
        }
        Idx = X;
      }
      A.Index = Idx;
    }
    Ptr = G->getPointerOperand();
  }
  if (!isMemoryBase(Ptr, Vmctx) || Outer.getSignificantBits() > 40)
    return std::nullopt;
  A.Outer = Outer.getSExtValue();
  A.Base = Ptr;
  return A;
}

} // namespace kiln::codegen

#endif // KILN_CODEGEN_MEMORY_BASE_H
