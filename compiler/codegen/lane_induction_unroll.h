//===- compiler/codegen/lane_induction_unroll.h - Unroll vector lane addresses -*- C++ -*-===//
//
// Wasm SIMD has no gather, so when clang vectorizes a loop that reads
// memory at a different address per lane (SHA-256's big-endian message
// words: bytes 4i, 4i+1, ... of a block), it keeps the lane indices in a
// vector induction, <0, 1, 2, 3> stepping by <4, 4, 4, 4>, and extracts
// each lane to address one v128.load8_lane. Kept as a loop, that is an
// extract, an add and a byte insert per lane, and no pass can see that the
// sixteen bytes of a step are one 16-byte window of memory.
//
// Fully unrolled, the induction is a constant in each copy, the lane
// extracts fold, and every address is a constant away from the block's:
// the form ByteGatherPass (byte_gather.h) turns into a load and a shuffle.
// LaneInductionUnrollPass asks LoopUnrollPass for that through
// llvm.loop.unroll.full on innermost loops that run a small constant
// number of times, carry a vector induction (a constant start, a constant
// step) and extract lanes computed from it, when the unrolled body stays
// within a size budget. LoopUnrollPass's own cost model does not count the
// folds, and leaves such loops rolled.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_LANE_INDUCTION_UNROLL_H
#define KILN_CODEGEN_LANE_INDUCTION_UNROLL_H

#include "llvm/IR/PassManager.h"

namespace kiln::codegen {

struct LaneInductionUnrollPass
    : llvm::PassInfoMixin<LaneInductionUnrollPass> {
  /// More trips than this are a real loop, not a gather spelled as one.
  static constexpr unsigned MaxTrips = 16;
  /// IR instructions the unrolled loop may hold before the folds.
  static constexpr unsigned BodyBudget = 1024;
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &FAM);
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_LANE_INDUCTION_UNROLL_H
