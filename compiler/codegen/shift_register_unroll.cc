//===- compiler/codegen/shift_register_unroll.cc - Unroll rotating state --===//

#include "compiler/codegen/shift_register_unroll.h"

#include "compiler/codegen/loop_size.h"
#include "compiler/codegen/unroll_metadata.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Metadata.h"
#include "llvm/Transforms/Utils/LoopUtils.h"

namespace kiln::codegen {

using namespace llvm;

namespace {

/// Unrolling past this many copies buys little (the chains in practice are
/// 2 to 4 links) and costs registers, so longer chains get this factor.
constexpr unsigned MaxFactor = 8;
/// IR instructions the unrolled body may hold: the SHA-256 round loop is
/// about 50, a scalar FIR tap loop about 10.
constexpr unsigned BodyBudget = 400;

} // namespace

unsigned longestShiftChain(const Loop &L) {
  BasicBlock *Header = L.getHeader();
  BasicBlock *Latch = L.getLoopLatch();
  if (!Latch)
    return 1;
  // Next[P] is the header phi whose value P takes on the back edge.
  DenseMap<const PHINode *, const PHINode *> Next;
  for (const PHINode &P : Header->phis())
    if (auto *Q = dyn_cast<PHINode>(P.getIncomingValueForBlock(Latch));
        Q && Q->getParent() == Header && Q != &P)
      Next[&P] = Q;
  unsigned Longest = 1;
  for (const PHINode &P : Header->phis()) {
    unsigned Length = 1;
    // A pure rotation (a = b; b = a) is a cycle; it ends when it returns
    // to P, and no chain is longer than the phis there are.
    for (const PHINode *Link = &P; Next.count(Link) && Length <= MaxFactor;) {
      Link = Next.lookup(Link);
      if (Link == &P)
        break;
      ++Length;
    }
    Longest = std::max(Longest, Length);
  }
  return std::min(Longest, MaxFactor);
}

PreservedAnalyses ShiftRegisterUnrollPass::run(Function &F,
                                               FunctionAnalysisManager &FAM) {
  auto &LI = FAM.getResult<LoopAnalysis>(F);
  auto &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
  for (Loop *L : LI.getLoopsInPreorder()) {
    if (!L->isInnermost() || !L->getLoopLatch() || hasUnrollMetadata(*L))
      continue;
    unsigned Factor = longestShiftChain(*L);
    if (Factor < 2 || loopInstructionCount(*L) * Factor > BodyBudget)
      continue;
    // A loop that runs fewer times than the chain is long gains nothing.
    if (unsigned Trips = SE.getSmallConstantTripCount(L);
        Trips != 0 && Trips < Factor)
      continue;
    addStringMetadataToLoop(L, "llvm.loop.unroll.count", Factor);
  }
  // At most loop metadata changed; no analysis depends on it.
  return PreservedAnalyses::all();
}

} // namespace kiln::codegen
