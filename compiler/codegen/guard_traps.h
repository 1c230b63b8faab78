//===- compiler/codegen/guard_traps.h - Loads that must fault -*- C++ -*-===//
//
// In guard mode a linear-memory load is its own bounds check: out of
// bounds, it faults and the fault is the trap. LLVM does not know that. It
// deletes a load whose value stops mattering (`x & 0` after folding, a
// vector lane overwritten before use) and narrows one whose upper bytes are
// masked away, in IR and again when selecting instructions; an
// out-of-bounds access then returns where Wasm must trap. (Wasmer's and
// WAMR's LLVM backends have the same gap; WasmEdge makes every access
// volatile, which also stops LLVM from vectorizing, combining and hoisting
// them.)
//
// Kiln keeps the fault without giving up those optimizations:
//
//  - FunctionLowering gives every guard-mode load a trap keeper,
//    `llvm.assume(true) ["noundef"(load)]`: a use that stops LLVM deleting
//    the load as dead, while passes treat it as the free hint it is (the
//    vectorizers and the unroller ignore assumes and what only they use).
//    The hint is true: linear memory holds no undefined bytes. When LLVM
//    replaces a load by an equal value (another load of the address, a
//    stored value, a lane of a wider load), the keeper follows the value,
//    and the access that made it carries the obligation.
//
//  - GuardTrapsPass, last in the pipeline, removes the keepers. A load left
//    with no other use becomes volatile: the backend emits it as is. One
//    that instruction selection could narrow (some byte of its value not
//    demanded, followed through shuffles, inserts, bitcasts, extends,
//    shifts and masks) also stores its whole value, volatile, to a stack
//    slot, which demands every byte. Everything else is untouched.
//
// A pass that replaces loads by a wider one covering their bytes (byte
// gathers) drops their keepers with dropTrapKeepers().
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_GUARD_TRAPS_H
#define KILN_CODEGEN_GUARD_TRAPS_H

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/PassManager.h"

namespace kiln::codegen {

/// Adds a trap keeper for `L` at the builder's insertion point.
void addTrapKeeper(llvm::IRBuilder<> &B, llvm::LoadInst *L);

/// Whether `U` is a trap keeper.
bool isTrapKeeper(const llvm::User *U);

/// Erases the trap keepers of `V`: another access now faults for it.
void dropTrapKeepers(llvm::Value *V);

struct GuardTrapsPass : llvm::PassInfoMixin<GuardTrapsPass> {
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &FAM);
  /// Not an optimization: it runs on optnone functions too.
  static bool isRequired() { return true; }
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_GUARD_TRAPS_H
