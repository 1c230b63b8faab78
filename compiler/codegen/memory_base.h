//===- compiler/codegen/memory_base.h - Memory 0's base in the IR -*- C++ -*-===//
//
// memory.cc addresses linear memory as memory 0's base, loaded from the
// VMContext's first field (the function's first argument), plus the Wasm
// address. The passes that reason about linear-memory accesses
// (address_no_wrap, byte_gather) recognise that base with this.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_MEMORY_BASE_H
#define KILN_CODEGEN_MEMORY_BASE_H

#include "kiln/abi.h"

#include "llvm/IR/Argument.h"
#include "llvm/IR/Instructions.h"

namespace kiln::codegen {

/// Whether V is memory 0's base, loaded from the VMContext.
inline bool isMemoryBase(const llvm::Value *V, const llvm::Argument *Vmctx) {
  static_assert(abi::vmOffset(abi::VMField::MemoryBase, 8) == 0,
                "memory 0's base is the VMContext's first field");
  // (At -O0 the field's address is still a GEP of offset 0.)
  auto *L = llvm::dyn_cast<llvm::LoadInst>(V);
  return L && L->getPointerOperand()->stripPointerCasts() == Vmctx;
}

} // namespace kiln::codegen

#endif // KILN_CODEGEN_MEMORY_BASE_H
