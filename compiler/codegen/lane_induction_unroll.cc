//===- compiler/codegen/lane_induction_unroll.cc - Unroll vector lane addresses ---===//

#include "compiler/codegen/lane_induction_unroll.h"

#include "compiler/codegen/loop_size.h"
#include "compiler/codegen/unroll_metadata.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/PatternMatch.h"
#include "llvm/Transforms/Utils/LoopUtils.h"

namespace kiln::codegen {
namespace {

using namespace llvm;
using namespace llvm::PatternMatch;

/// Whether P is `phi [C, preheader], [P + C', latch]` of an integer vector.
bool isConstantVectorInduction(PHINode &P, const Loop &L) {
  auto *Ty = dyn_cast<FixedVectorType>(P.getType());
  BasicBlock *Preheader = L.getLoopPreheader(), *Latch = L.getLoopLatch();
  if (!Ty || !Ty->getElementType()->isIntegerTy() || !Preheader || !Latch ||
      P.getNumIncomingValues() != 2)
    return false;
  return isa<Constant>(P.getIncomingValueForBlock(Preheader)) &&
         match(P.getIncomingValueForBlock(Latch),
               m_c_Add(m_Specific(&P), m_Constant()));
}

/// Whether some lane of P, or of a value the loop computes lane by lane
/// from P and constants, is extracted in the loop.
bool lanesExtracted(PHINode &P, const Loop &L) {
  SmallVector<Instruction *, 8> Work{&P};
  SmallPtrSet<Instruction *, 16> Seen{&P};
  while (!Work.empty()) {
    Instruction *V = Work.pop_back_val();
    for (User *U : V->users()) {
      auto *I = dyn_cast<Instruction>(U);
      if (!I || !L.contains(I) || !Seen.insert(I).second)
        continue;
      if (isa<ExtractElementInst>(I) && isa<ConstantInt>(I->getOperand(1)))
        return true;
      auto *B = dyn_cast<BinaryOperator>(I);
      if (B && (isa<Constant>(B->getOperand(0)) ||
                isa<Constant>(B->getOperand(1))))
        Work.push_back(B);
    }
  }
  return false;
}

/// Whether `L`'s header has a vector induction (constant start, constant
/// step) whose lanes, or lanes of a value computed lane by lane from it,
/// the loop extracts.
bool extractsLaneInduction(const Loop &L) {
  for (PHINode &P : L.getHeader()->phis())
    if (isConstantVectorInduction(P, L) && lanesExtracted(P, L))
      return true;
  return false;
}

} // namespace

PreservedAnalyses LaneInductionUnrollPass::run(Function &F,
                                               FunctionAnalysisManager &FAM) {
  auto &LI = FAM.getResult<LoopAnalysis>(F);
  auto &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
  for (Loop *L : LI.getLoopsInPreorder()) {
    BasicBlock *Latch = L->getLoopLatch();
    if (!L->isInnermost() || !Latch || !L->isLoopExiting(Latch) ||
        hasUnrollMetadata(*L))
      continue;
    // Counted at the latch, as LoopUnrollPass counts it: the other exits
    // of a bounds-checked loop are its checks.
    unsigned Trips = SE.getSmallConstantTripCount(L, Latch);
    if (Trips < 2 || Trips > MaxTrips ||
        loopInstructionCount(*L) * Trips > BodyBudget ||
        !extractsLaneInduction(*L))
      continue;
    addStringMetadataToLoop(L, "llvm.loop.unroll.full");
  }
  // At most loop metadata changed; no analysis depends on it.
  return PreservedAnalyses::all();
}

} // namespace kiln::codegen
