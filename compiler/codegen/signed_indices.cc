//===- compiler/codegen/signed_indices.cc - Negative-counter indices ------===//

#include "compiler/codegen/signed_indices.h"

#include "compiler/codegen/preserved.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/PatternMatch.h"

namespace kiln::codegen {

using namespace llvm;
using namespace llvm::PatternMatch;

PreservedAnalyses SignedIndexPass::run(Function &F,
                                       FunctionAnalysisManager &FAM) {
  // The pass runs after every InstCombine; scalar evolution is computed
  // only for functions that have a zext(i32 add of a constant) at all.
  struct Candidate {
    ZExtInst *Ext;
    Value *X;
    int64_t C;
  };
  SmallVector<Candidate, 32> Candidates;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB) {
      auto *Z = dyn_cast<ZExtInst>(&I);
      Value *X;
      const APInt *C;
      if (Z && Z->getSrcTy()->isIntegerTy(32) &&
          Z->getDestTy()->isIntegerTy(64) &&
          match(Z->getOperand(0), m_Add(m_Value(X), m_APInt(C))))
        Candidates.push_back({Z, X, C->getSExtValue()});
    }
  if (Candidates.empty())
    return PreservedAnalyses::all();

  auto &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
  bool Changed = false;
  for (const Candidate &Cand : Candidates) {
    // Nothing to gain where X is a constant or an unsigned-small value the
    // zext already handles; the case this pass exists for is a negative X.
    ConstantRange Signed = SE.getSignedRange(SE.getSCEV(Cand.X));
    if (Signed.getSignedMin().isNonNegative() || Signed.isFullSet())
      continue;
    int64_t Lo = Signed.getSignedMin().getSExtValue();
    int64_t Hi = Signed.getSignedMax().getSExtValue();
    if (Lo + Cand.C < 0 || Hi + Cand.C > int64_t(UINT32_MAX))
      continue;
    IRBuilder<> B(Cand.Ext);
    Value *Wide = B.CreateAdd(B.CreateSExt(Cand.X, B.getInt64Ty()),
                              B.getInt64(Cand.C), Cand.Ext->getName() + ".signed",
                              /*HasNUW=*/false, /*HasNSW=*/true);
    SE.forgetValue(Cand.Ext);
    Cand.Ext->replaceAllUsesWith(Wide);
    Cand.Ext->eraseFromParent();
    Changed = true;
  }
  return preservedUnlessChanged(Changed);
}

} // namespace kiln::codegen
