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
//    whose uses all leave its block without anything there that must stay
//    (a store, a call, the branch) is treated like a narrowable one below:
//    the backend would sink it past the branch onto the paths that use its
//    value, or fold it into a conditional move that x86 then turns into a
//    branch, and the other paths would not trap (found by differential
//    testing: a hash loaded before an early return, a select). One
//    that instruction selection could narrow (some byte of its value not
//    demanded, followed through shuffles, inserts, bitcasts, extends,
//    shifts and masks) also stores its whole value, volatile, to a stack
//    slot, which demands every byte. Everything else is untouched.
//
// A pass that replaces loads by a wider one covering their bytes (byte
// gathers) drops their keepers with dropTrapKeepers().
//
// The assume alone is not enough: it is droppable, and passes that remove
// code whole take what only assumes use as free to drop with them.
// LoopDeletion removes a loop whose only effects are values it can compute
// from outside (a global counted down to zero) and assumes, loads and all;
// SimplifyCFG "speculates" a conditional block holding only a load and its
// assume by dropping both. So each keeper also has a region keeper,
// `llvm.sideeffect`, beside it: an effect on no memory that IR can see, so
// loads, stores and the vectorizers move freely around it (they drop it
// like an assume), but no pass deletes the block or loop that holds it, and
// it emits no instruction. (Found by differential fuzzing;
// tests/cross/dropped_loads_script.cc keeps the family covered.)
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_GUARD_TRAPS_H
#define KILN_CODEGEN_GUARD_TRAPS_H

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/PassManager.h"

namespace kiln::codegen {

/// Adds a trap keeper for `L`, and a region keeper, at the builder's
/// insertion point.
void addTrapKeeper(llvm::IRBuilder<> &B, llvm::LoadInst *L);

/// Whether `U` is a trap keeper.
bool isTrapKeeper(const llvm::User *U);

/// Whether `I` is a region keeper (which has no effect anyone can observe).
bool isRegionKeeper(const llvm::Instruction &I);

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
