//===- compiler/codegen/unroll_metadata.h - Loops already told how to unroll -*- C++ -*-===//
//
// Kiln's unroll hints (shift_register_unroll, lane_induction_unroll) speak
// to LoopUnrollPass through loop metadata, and never overrule a loop that
// already carries some: the guest's own pragma, or the other hint.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_UNROLL_METADATA_H
#define KILN_CODEGEN_UNROLL_METADATA_H

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Transforms/Utils/LoopUtils.h"

namespace kiln::codegen {

inline bool hasUnrollMetadata(const llvm::Loop &L) {
  for (const char *Name :
       {"llvm.loop.unroll.disable", "llvm.loop.unroll.count",
        "llvm.loop.unroll.full", "llvm.loop.unroll.enable"})
    if (llvm::findOptionMDForLoop(&L, Name))
      return true;
  return false;
}

} // namespace kiln::codegen

#endif // KILN_CODEGEN_UNROLL_METADATA_H
