//===- compiler/codegen/preserved.h - What Kiln's passes preserve -*- C++ -*-===//
//
// Most of Kiln's function passes rewrite instructions inside blocks and
// never touch the control flow: they preserve everything when they change
// nothing, and the CFG analyses when they do.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_PRESERVED_H
#define KILN_CODEGEN_PRESERVED_H

#include "llvm/IR/Analysis.h"
#include "llvm/IR/PassManager.h"

namespace kiln::codegen {

inline llvm::PreservedAnalyses preservedUnlessChanged(bool Changed) {
  if (!Changed)
    return llvm::PreservedAnalyses::all();
  llvm::PreservedAnalyses PA;
  PA.preserveSet<llvm::CFGAnalyses>();
  return PA;
}

} // namespace kiln::codegen

#endif // KILN_CODEGEN_PRESERVED_H
