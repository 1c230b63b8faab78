//===- compiler/codegen/address_phis.cc - 64-bit loop-carried addresses ---===//

#include "compiler/codegen/address_phis.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/ConstantFolding.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Instructions.h"

namespace kiln::codegen {
namespace {

using namespace llvm;

bool isZextToI64(const User *U) {
  return isa<ZExtInst>(U) && U->getType()->isIntegerTy(64);
}

class Widener {
public:
  explicit Widener(Function &F)
      : DL(F.getDataLayout()), I64(Type::getInt64Ty(F.getContext())),
        Entry(F.getEntryBlock()) {}

  DenseMap<PHINode *, PHINode *> Twin;

  /// zext(V) to i64, computed where V is, so that the backend folds it into
  /// V's 32-bit definition; one per value.
  Value *extended(Value *V) {
    if (auto *C = dyn_cast<Constant>(V))
      return ConstantFoldCastOperand(Instruction::ZExt, C, I64, DL);
    if (auto *P = dyn_cast<PHINode>(V); P && Twin.count(P))
      return Twin[P];
    auto [It, New] = Extended.try_emplace(V, nullptr);
    if (!New)
      return It->second;
    BasicBlock::iterator At;
    if (auto *I = dyn_cast<Instruction>(V))
      At = isa<PHINode>(I) ? I->getParent()->getFirstInsertionPt()
                           : std::next(I->getIterator());
    else
      At = Entry.getFirstInsertionPt(); // an argument
    It->second = new ZExtInst(V, I64, V->getName() + ".zext", At);
    return It->second;
  }

private:
  const DataLayout &DL;
  Type *I64;
  BasicBlock &Entry;
  DenseMap<Value *, Value *> Extended;
};

} // namespace

PreservedAnalyses WidenAddressPhisPass::run(Function &F,
                                            FunctionAnalysisManager &) {
  SmallVector<PHINode *, 16> Phis;
  for (BasicBlock &BB : F)
    for (PHINode &P : BB.phis())
      if (P.getType()->isIntegerTy(32) && any_of(P.users(), isZextToI64))
        Phis.push_back(&P);
  if (Phis.empty())
    return PreservedAnalyses::all();

  Widener W(F);
  // Every twin exists before any incoming value is extended, so that phis
  // feeding phis (rotated loop variables) link twin to twin.
  for (PHINode *P : Phis)
    W.Twin[P] = PHINode::Create(Type::getInt64Ty(F.getContext()),
                                P->getNumIncomingValues(),
                                P->getName() + ".zext", P->getIterator());
  for (PHINode *P : Phis) {
    PHINode *T = W.Twin[P];
    for (unsigned I = 0; I < P->getNumIncomingValues(); ++I)
      T->addIncoming(W.extended(P->getIncomingValue(I)),
                     P->getIncomingBlock(I));
  }
  for (PHINode *P : Phis) {
    PHINode *T = W.Twin[P];
    Value *Low = nullptr;
    for (Use &U : make_early_inc_range(P->uses())) {
      if (isZextToI64(U.getUser())) {
        auto *Z = cast<Instruction>(U.getUser());
        Z->replaceAllUsesWith(T);
        Z->eraseFromParent();
        continue;
      }
      if (!Low)
        Low = new TruncInst(T, P->getType(), P->getName() + ".lo",
                            P->getParent()->getFirstInsertionPt());
      U.set(Low);
    }
    P->eraseFromParent();
  }
  PreservedAnalyses PA;
  PA.preserveSet<CFGAnalyses>();
  return PA;
}

} // namespace kiln::codegen
