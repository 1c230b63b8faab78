//===- compiler/codegen/shift_register_unroll.h - Unroll rotating state -*- C++ -*-===//
//
// A loop that shifts its state along a chain of variables each iteration
// (SHA-2's h = g; g = f; f = e; a FIR or biquad delay line: x2 = x1;
// x1 = x0) keeps every link in a header phi whose back-edge value is another
// header phi. The register allocator cannot coalesce such a chain: each
// value must move one register down per iteration, so a chain of n links
// costs n - 1 copies per trip. In a loop bound by instruction throughput
// those copies are the difference between Wasm and native code: SHA-256's
// round loop carries two chains of four (a..d, e..h) and spends 14 of its
// 43 instructions on moves, which is also why register pressure forces
// spills there.
//
// Unrolled by the chain length, each copy of the body reads the state
// under a new name and the moves vanish. ShiftRegisterUnrollPass finds the
// longest phi chain of each innermost loop and asks LoopUnrollPass, which
// runs later in the pipeline, for that count through llvm.loop.unroll.count
// metadata, so trip-count handling, remainders and the size limit of a
// pragma stay LLVM's. Loops that already carry unroll metadata, loops whose
// known trip count is shorter than the chain, and bodies that would grow
// past a size budget are left alone.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_SHIFT_REGISTER_UNROLL_H
#define KILN_CODEGEN_SHIFT_REGISTER_UNROLL_H

#include "llvm/IR/PassManager.h"

namespace llvm {
class Loop;
} // namespace llvm

namespace kiln::codegen {

struct ShiftRegisterUnrollPass : llvm::PassInfoMixin<ShiftRegisterUnrollPass> {
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &FAM);
};

/// The number of header phis in the longest chain of `L` whose back-edge
/// values are each the previous link (1 when no phi feeds another).
/// Exposed for tests.
unsigned longestShiftChain(const llvm::Loop &L);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_SHIFT_REGISTER_UNROLL_H
