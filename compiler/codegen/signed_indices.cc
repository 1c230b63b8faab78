//===- compiler/codegen/signed_indices.cc - Negative-counter indices ------===//

#include "compiler/codegen/signed_indices.h"

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
  auto &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
  SmallVector<ZExtInst *, 32> Candidates;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB)
      if (auto *Z = dyn_cast<ZExtInst>(&I);
          Z && Z->getSrcTy()->isIntegerTy(32) && Z->getDestTy()->isIntegerTy(64))
        Candidates.push_back(Z);

  bool Changed = false;
  for (ZExtInst *Z : Candidates) {
    Value *X;
    const APInt *C;
    if (!match(Z->getOperand(0), m_Add(m_Value(X), m_APInt(C))))
      continue;
    // Nothing to gain where X is a constant or an unsigned-small value the
    // zext already handles; the case this pass exists for is a negative X.
    ConstantRange Signed = SE.getSignedRange(SE.getSCEV(X));
    if (Signed.getSignedMin().isNonNegative() || Signed.isFullSet())
      continue;
    int64_t Lo = Signed.getSignedMin().getSExtValue();
    int64_t Hi = Signed.getSignedMax().getSExtValue();
    int64_t K = C->getSExtValue();
    if (Lo + K < 0 || Hi + K > int64_t(UINT32_MAX))
      continue;
    IRBuilder<> B(Z);
    Value *Wide = B.CreateAdd(B.CreateSExt(X, B.getInt64Ty()),
                              B.getInt64(K), Z->getName() + ".signed",
                              /*HasNUW=*/false, /*HasNSW=*/true);
    SE.forgetValue(Z);
    Z->replaceAllUsesWith(Wide);
    Z->eraseFromParent();
    Changed = true;
  }
  if (!Changed)
    return PreservedAnalyses::all();
  PreservedAnalyses PA;
  PA.preserveSet<CFGAnalyses>();
  return PA;
}

} // namespace kiln::codegen
