//===- compiler/codegen/dot_reduction.h - Integer dot-product reduction -*- C++ -*-===//
//
// Wasm has no widening dot product of i8 lanes, so clang's wasm32 backend
// splits a vectorized `sum += (int)a[i] * (int)b[i]` over 16 int8 lanes into
// four 4-lane groups (i16x8.extend_low + i32x4.extmul_low on shuffled
// quarters), adds them, and finishes with a shuffle/add horizontal sum and
// an extract_lane. Lowered literally that is ~30 SSE instructions per 16
// bytes where native code, which keeps the whole sum as one
// `vector.reduce.add(mul(sext a, sext b))`, needs ~10 (pmaddwd on x86,
// smull/sadalp or sdot on AArch64).
//
// IntegerDotReductionPass finds such a scalar: an extractelement whose lane
// is, through add and shufflevector only, a sum of lanes of exact products
// sext(x) * sext(y) of narrow integer lanes, and whose products cover every
// lane of their source vectors exactly once. Integer addition is
// associative and commutative modulo 2^n, so that scalar equals
// reduce.add(mul(sext X, sext perm(Y))) bit for bit; the pass rewrites it
// to that form, which every LLVM backend lowers to its best dot product.
// Products are exact when the multiply's lane width holds the sum of its
// operands' source widths (i8 * i8 in i16 or wider), so narrowing by LLVM
// (mul <8 x i16> then sext) is seen through.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_DOT_REDUCTION_H
#define KILN_CODEGEN_DOT_REDUCTION_H

#include "llvm/IR/PassManager.h"

namespace kiln::codegen {

struct IntegerDotReductionPass
    : llvm::PassInfoMixin<IntegerDotReductionPass> {
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &FAM);
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_DOT_REDUCTION_H
