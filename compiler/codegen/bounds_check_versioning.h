//===- compiler/codegen/bounds_check_versioning.h - Checks out of loops -*- C++ -*-===//
//
// In bounds-checked mode every memory access is `if (index + offset + size
// > memory size) trap`. Inside a loop that walks an array, those compares
// and branches cost as much as the work (matmul's inner loop: four checks
// for three vector multiply-adds), and the trap exits keep LLVM's loop
// vectorizer away from scalar loops altogether.
//
// A check cannot simply be moved before the loop: Wasm requires the
// iterations before a trapping access to run, stores and all. So
// BoundsCheckVersioningPass versions the loop instead. When every address
// a check tests is an affine function of the trip number (or does not
// change in the loop), and the loop has a computable maximum trip count,
// one test before the loop proves that no iteration can trap: the largest
// address over all trips, computed exactly in 64 bits with explicit
// no-wrap conditions, is compared with the memory size once.
// When it holds, a copy of the loop without those checks runs; otherwise
// the original loop, checks and all, runs and traps where it must.
//
// The proof does not trust wrap flags: a Wasm i32 index may wrap, and the
// loop may leave early through another trap. Each range is rebuilt from
// the recurrence's start and step and the loop's symbolic maximum
// back-edge count, and the pre-loop test includes the conditions under
// which that arithmetic is exact (see RangeBuilder in the .cc file).
//
// Any branch to a block ending in `unreachable` (a trap) taken when such
// an address is above a loop-invariant limit (unsigned > or >=) is a
// candidate, so table-index checks qualify too. Only innermost loops of
// moderate size are copied, and only at -O2 and -O3: the code grows by one
// copy of each loop versioned (plus what the vectorizer makes of it).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_BOUNDS_CHECK_VERSIONING_H
#define KILN_CODEGEN_BOUNDS_CHECK_VERSIONING_H

#include "llvm/IR/PassManager.h"

namespace kiln::codegen {

struct BoundsCheckVersioningPass
    : llvm::PassInfoMixin<BoundsCheckVersioningPass> {
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &FAM);
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_BOUNDS_CHECK_VERSIONING_H
