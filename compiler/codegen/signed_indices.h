//===- compiler/codegen/signed_indices.h - Negative-counter indices -*- C++ -*-===//
//
// clang's wasm32 backend likes loops that count a negative index up to zero
// and add the array's address to it: `i32.load (i32.add $i (i32.const A))`
// with $i running from -n to 0. The Wasm i32 add wraps on every iteration
// ($i is near 2^32 as an unsigned number), and memory.cc's zext(index) sees
// exactly that, so when IndVarSimplify widens $i it must widen it unsigned
// and mask every address back to 32 bits: an `and` (or a 32-bit copy) per
// access, and no base+displacement addressing. 106 of the benchmark
// kernels' address computations had that mask.
//
// zext(x + c) equals sext(x) + c whenever sext(x) + c lies in [0, 2^32).
// SignedIndexPass asks scalar evolution for x's signed range and, where
// that holds for the whole range, replaces the zext with `add nsw
// (sext x), c`. IndVarSimplify then widens $i signed, and the address
// becomes base + i + c, one addressing mode. Run early (after the first
// InstCombine), so the loop passes see the sext.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_SIGNED_INDICES_H
#define KILN_CODEGEN_SIGNED_INDICES_H

#include "llvm/IR/PassManager.h"

namespace kiln::codegen {

struct SignedIndexPass : llvm::PassInfoMixin<SignedIndexPass> {
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &FAM);
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_SIGNED_INDICES_H
