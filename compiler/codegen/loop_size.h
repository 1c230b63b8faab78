//===- compiler/codegen/loop_size.h - IR instructions in a loop -*- C++ -*-===//
//
// The size budgets of Kiln's loop passes (shift_register_unroll,
// bounds_check_versioning, lane_induction_unroll) count a loop's IR
// instructions, debug intrinsics and trap keepers (guard_traps.h, which
// emit no code) excluded.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_LOOP_SIZE_H
#define KILN_CODEGEN_LOOP_SIZE_H

#include "compiler/codegen/guard_traps.h"

#include "llvm/Analysis/LoopInfo.h"

namespace kiln::codegen {

inline unsigned loopInstructionCount(const llvm::Loop &L) {
  unsigned N = 0;
  for (const llvm::BasicBlock *BB : L.blocks())
    for (const llvm::Instruction &I : BB->instructionsWithoutDebug())
      N += !isTrapKeeper(&I);
  return N;
}

} // namespace kiln::codegen

#endif // KILN_CODEGEN_LOOP_SIZE_H
