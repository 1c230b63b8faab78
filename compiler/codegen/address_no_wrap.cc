//===- compiler/codegen/address_no_wrap.cc - Addresses that cannot wrap ---===//

#include "compiler/codegen/address_no_wrap.h"

#include "compiler/codegen/memory_base.h"
#include "compiler/codegen/trap_branches.h"

#include "kiln/abi.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Operator.h"
#include "llvm/IR/PatternMatch.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"

#include <optional>

namespace kiln::codegen {
namespace {

using namespace llvm;
using namespace llvm::PatternMatch;

/// The i32 index b of a linear-memory access whose pointer is
/// base + zext(b) + a constant >= 0 (see linearAddress); null for anything
/// else. A negative total could reach below the index: then a successful
/// access would not bound the index itself.
Value *accessedIndex(Instruction &I, const Argument *Vmctx,
                     const DataLayout &DL) {
  Value *Ptr = getLoadStorePointerOperand(&I);
  std::optional<LinearAddress> A =
      Ptr ? linearAddress(Ptr, Vmctx, DL) : std::nullopt;
  return A && A->Sum && A->Outer >= 0 ? A->Sum : nullptr;
}

/// Whether V is memory 0's current size, loaded from the VMContext.
bool isMemorySize(const Value *V, const Argument *Vmctx) {
  auto *L = dyn_cast<LoadInst>(V);
  auto *G = L ? dyn_cast<GEPOperator>(L->getPointerOperand()) : nullptr;
  auto *Off = G && G->getNumIndices() == 1 && G->getPointerOperand() == Vmctx
                  ? dyn_cast<ConstantInt>(G->getOperand(1))
                  : nullptr;
  return Off && G->getSourceElementType()->isIntegerTy(8) &&
         Off->getZExtValue() == abi::vmOffset(abi::VMField::MemorySize, 8);
}

/// The i32 index b that a bounds check, true, bounds by the memory's size:
/// `zext(b) + k <= size` for a constant k >= 1, however it is spelled.
Value *checkedIndex(Value *Cond, bool Holds, const Argument *Vmctx) {
  auto *Cmp = dyn_cast<ICmpInst>(Cond);
  if (!Cmp)
    return nullptr;
  // As "End <= Size" when Holds, or "End > Size" when it does not.
  ICmpInst::Predicate P = Holds ? Cmp->getPredicate()
                                : Cmp->getInversePredicate();
  Value *End = Cmp->getOperand(0), *Size = Cmp->getOperand(1);
  if (P == ICmpInst::ICMP_UGE) {
    std::swap(End, Size);
    P = ICmpInst::ICMP_ULE;
  }
  if (P != ICmpInst::ICMP_ULE || !isMemorySize(Size, Vmctx))
    return nullptr;
  // k >= 1 (the access's size is in it): then b < size, not just b <= size.
  Value *X;
  const APInt *K;
  uint64_t Reach = 0;
  while (match(End, m_AddLike(m_Value(X), m_APInt(K))) && !K->isNegative() &&
         K->getActiveBits() <= 32) {
    Reach += K->getZExtValue();
    End = X;
  }
  if (Reach == 0 || !match(End, m_ZExt(m_Value(X))) ||
      !X->getType()->isIntegerTy(32))
    return nullptr;
  return X;
}

/// How far past an accessed index an address may reach without wrapping.
constexpr uint64_t Reach = abi::NoWrapReachAfterAccess;

/// A distance from an accessed index the pass may use: nonzero, and at
/// most Reach either way (below the index only where belowBaseFaults).
bool withinReach(int64_t D) {
  return D != 0 && D <= int64_t(Reach) && D >= -int64_t(Reach);
}

class Rewriter {
public:
  Rewriter(Function &F, DominatorTree &DT, bool GuardBelowBase)
      : DT(DT), Vmctx(F.getArg(0)), GuardBelowBase(GuardBelowBase) {
    const DataLayout &DL = F.getDataLayout();
    for (BasicBlock &BB : F) {
      recordCheck(BB);
      for (Instruction &I : BB) {
        if (Value *B = accessedIndex(I, Vmctx, DL))
          AccessesAt[B].push_back(&I);
        else if (auto *Z = dyn_cast<ZExtInst>(&I);
                 Z && Z->getSrcTy()->isIntegerTy(32) &&
                 Z->getDestTy()->isIntegerTy(64))
          Extends.push_back(Z);
      }
    }
  }

  bool run(Function &F, FunctionAnalysisManager &FAM) {
    if (AccessesAt.empty())
      return false;
    bool Changed = markSteps();
    for (ZExtInst *Z : Extends)
      Changed |= rebase(*Z);
    return widenRecurrences(F, FAM) || Changed;
  }

private:
  DominatorTree &DT;
  const Argument *Vmctx;
  const bool GuardBelowBase;
  // Program order, not pointer order: widenRecurrences expands in this
  // order, and the artifact must not depend on where values were allocated.
  MapVector<Value *, SmallVector<Instruction *, 2>> AccessesAt;
  SmallVector<ZExtInst *, 32> Extends;

  /// A bounds check (bounds-checked mode) proves what the access after it
  /// would: past `br (zext(b) + k > size), trap, cont`, b < size. Recorded
  /// as an access at cont's first instruction when cont is reached only
  /// from the check.
  void recordCheck(BasicBlock &BB) {
    auto *Br = dyn_cast<BranchInst>(BB.getTerminator());
    if (!Br || !Br->isConditional() ||
        isTrapBlock(Br->getSuccessor(0)) == isTrapBlock(Br->getSuccessor(1)))
      return;
    bool TrapsWhenTrue = isTrapBlock(Br->getSuccessor(0));
    BasicBlock *Cont = Br->getSuccessor(TrapsWhenTrue ? 1 : 0);
    if (Cont->getSinglePredecessor() != &BB)
      return;
    // SimplifyCFG folds neighbouring checks into one branch: `or` of the
    // trap conditions (each false past it), `and` of the pass conditions.
    SmallVector<Value *, 4> Work{Br->getCondition()};
    while (!Work.empty()) {
      Value *C = Work.pop_back_val();
      Value *L, *R;
      if (TrapsWhenTrue ? match(C, m_LogicalOr(m_Value(L), m_Value(R)))
                        : match(C, m_LogicalAnd(m_Value(L), m_Value(R)))) {
        Work.push_back(L);
        Work.push_back(R);
      } else if (Value *B = checkedIndex(C, /*Holds=*/!TrapsWhenTrue, Vmctx)) {
        AccessesAt[B].push_back(&*Cont->getFirstInsertionPt());
      }
    }
  }

  /// Whether zext(b - e) may become zext(b) - e, 0 < e <= Reach. When b - e
  /// wraps (b < e), Wasm's address is at least 2^32 - e, past any Kiln
  /// memory, so the access must trap. The rebased address is base + b - e,
  /// in the unmapped abi::GuardBytesBelowBase under the base, and faults,
  /// but only if the access starts there: a displacement would carry it
  /// back into the memory. So: guard mode, and every use of Z addresses a
  /// load or store at base + Z exactly.
  bool belowBaseFaults(ZExtInst &Z) const {
    if (!GuardBelowBase)
      return false;
    for (User *U : Z.users()) {
      auto *G = dyn_cast<GetElementPtrInst>(U);
      if (!G || G->getNumIndices() != 1 || G->getOperand(1) != &Z ||
          !G->getSourceElementType()->isIntegerTy(8) ||
          !isMemoryBase(G->getPointerOperand(), Vmctx))
        return false;
      for (User *GU : G->users())
        if (getLoadStorePointerOperand(GU) != G)
          return false;
    }
    return true;
  }

  /// Whether an access at index B runs before At on every path to it.
  bool accessedBefore(Value *B, const Instruction *At) const {
    auto It = AccessesAt.find(B);
    if (It == AccessesAt.end())
      return false;
    for (Instruction *A : It->second)
      if (A != At && DT.dominates(A, At))
        return true;
    return false;
  }

  /// `add i32 b, d` after an access at b, 0 < d <= Reach: nuw.
  bool markSteps() {
    bool Changed = false;
    for (auto &[B, Accesses] : AccessesAt)
      for (User *U : B->users()) {
        auto *Add = dyn_cast<BinaryOperator>(U);
        const APInt *D;
        if (!Add || Add->getOpcode() != Instruction::Add ||
            Add->hasNoUnsignedWrap() || Add->getOperand(0) != B ||
            !match(Add->getOperand(1), m_APInt(D)) || D->isNegative() ||
            !withinReach(D->getSExtValue()) || !accessedBefore(B, Add))
          continue;
        Add->setHasNoUnsignedWrap(true);
        Changed = true;
      }
    return Changed;
  }

  /// zext(x + c2) after an access at x + c1 (or at x), 0 < |c2 - c1| <=
  /// Reach: zext(x + c1) + (c2 - c1), computed in 64 bits. A distance below
  /// zero only in guard mode and only for plain accesses (see
  /// belowBaseFaults).
  bool rebase(ZExtInst &Z) {
    Value *A = Z.getOperand(0), *X;
    const APInt *C2;
    if (!match(A, m_AddLike(m_Value(X), m_APInt(C2))))
      return false;
    std::optional<bool> NegativeOk;
    // c2 - c1 as a signed 32-bit distance.
    auto InReach = [&](const APInt &C1, int64_t &D) {
      D = (*C2 - C1).getSExtValue();
      if (!withinReach(D))
        return false;
      if (D > 0)
        return true;
      if (!NegativeOk)
        NegativeOk = belowBaseFaults(Z);
      return *NegativeOk;
    };
    Value *Anchor = nullptr;
    int64_t D = 0;
    if (InReach(APInt(32, 0), D) && accessedBefore(X, &Z))
      Anchor = X;
    for (User *U : X->users()) {
      const APInt *C1;
      if (Anchor)
        break;
      if (U != A && match(U, m_AddLike(m_Specific(X), m_APInt(C1))) &&
          InReach(*C1, D) && accessedBefore(U, &Z))
        Anchor = U;
    }
    if (!Anchor)
      return false;
    IRBuilder<> B(&Z);
    // Below the anchor the sum may be negative: no nuw then.
    Value *Wide = B.CreateAdd(B.CreateZExt(Anchor, B.getInt64Ty()),
                              B.getInt64(uint64_t(D)), Z.getName() + ".nowrap",
                              /*HasNUW=*/D > 0, /*HasNSW=*/true);
    Z.replaceAllUsesWith(Wide);
    Z.eraseFromParent();
    return true;
  }

  /// Whether some exit of L compares a recurrence of L with a value fixed
  /// in L: a trip count, whether or not scalar evolution can compute it yet
  /// (this runs before the loops are rotated).
  static bool hasCountedExit(Loop &L, ScalarEvolution &SE) {
    SmallVector<BasicBlock *, 4> Exiting;
    L.getExitingBlocks(Exiting);
    for (BasicBlock *BB : Exiting) {
      // A bounds check is no trip count: it compares an address.
      if (trapSuccessor(BB, L))
        continue;
      auto *Br = dyn_cast<BranchInst>(BB->getTerminator());
      auto *Cmp = Br && Br->isConditional()
                      ? dyn_cast<ICmpInst>(Br->getCondition())
                      : nullptr;
      if (!Cmp)
        continue;
      const SCEV *Lhs = SE.getSCEV(Cmp->getOperand(0));
      const SCEV *Rhs = SE.getSCEV(Cmp->getOperand(1));
      auto Counts = [&](const SCEV *Var, const SCEV *Fixed) {
        auto *AR = dyn_cast<SCEVAddRecExpr>(Var);
        return AR && AR->getLoop() == &L && SE.isLoopInvariant(Fixed, &L);
      };
      if (Counts(Lhs, Rhs) || Counts(Rhs, Lhs))
        return true;
    }
    return false;
  }

  /// zext(b) where b = {S,+,s} in loop L, 0 < |s| <= Reach, and an access
  /// at b runs in every iteration that reaches L's latch: then iteration k
  /// runs only if b_0 .. b_(k-1) were accessed, so none of those steps
  /// wrapped and zext(b_k) = zext(S) + k*s, a 64-bit recurrence that
  /// IndVarSimplify and LSR can use directly. A falling recurrence only
  /// where belowBaseFaults: once it would wrap, its next access faults
  /// below the base.
  bool widenRecurrences(Function &F, FunctionAnalysisManager &FAM) {
    auto &LI = FAM.getResult<LoopAnalysis>(F);
    if (LI.empty())
      return false;
    SmallVector<std::pair<ZExtInst *, Value *>, 16> Candidates;
    for (auto &[B, Accesses] : AccessesAt)
      for (User *U : B->users())
        if (auto *Z = dyn_cast<ZExtInst>(U);
            Z && Z->getDestTy()->isIntegerTy(64) && LI.getLoopFor(Z->getParent()))
          Candidates.push_back({Z, B});
    if (Candidates.empty())
      return false;
    auto &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
    SCEVExpander Expander(SE, F.getDataLayout(), "kiln.addr");
    Type *I64 = Type::getInt64Ty(F.getContext());
    bool Changed = false;
    for (auto [Z, B] : Candidates) {
      Loop *L = LI.getLoopFor(Z->getParent());
      auto *AR = dyn_cast<SCEVAddRecExpr>(SE.getSCEV(B));
      // The loop's own pointer (a header phi) is markSteps' business: a
      // second, 64-bit copy of it would only add a register.
      if (isa<PHINode>(B) && cast<PHINode>(B)->getParent() == L->getHeader())
        continue;
      if (!AR || AR->getLoop() != L || !AR->isAffine() ||
          !L->getLoopPreheader() || !L->getLoopLatch())
        continue;
      auto *Step = dyn_cast<SCEVConstant>(AR->getStepRecurrence(SE));
      if (!Step)
        continue;
      int64_t S = Step->getAPInt().getSExtValue();
      if (!withinReach(S) || (S < 0 && !belowBaseFaults(*Z)))
        continue;
      if (!accessedBefore(B, L->getLoopLatch()->getTerminator()))
        continue;
      // A counted loop is the vectorizer's and BoundsCheckVersioningPass's:
      // both read its i32 addresses better than a second recurrence (a
      // 96x96 matmul's unchecked copy stops vectorizing with one). Scans
      // that stop on what they read are what this is for.
      if (hasCountedExit(*L, SE))
        continue;
      const SCEV *Wide = SE.getAddRecExpr(
          SE.getZeroExtendExpr(AR->getStart(), I64), SE.getConstant(I64, S),
          L, S > 0 ? SCEV::FlagNUW : SCEV::FlagAnyWrap);
      if (!Expander.isSafeToExpandAt(Wide, Z))
        continue;
      Value *V = Expander.expandCodeFor(Wide, I64, Z->getIterator());
      SE.forgetValue(Z);
      Z->replaceAllUsesWith(V);
      Z->eraseFromParent();
      Changed = true;
    }
    return Changed;
  }
};

} // namespace

PreservedAnalyses AddressNoWrapPass::run(Function &F,
                                         FunctionAnalysisManager &FAM) {
  // Only Wasm functions: their first argument is the VMContext.
  if (!F.getName().starts_with(abi::FuncSymbolPrefix) || F.arg_empty() ||
      !F.getArg(0)->getType()->isPointerTy())
    return PreservedAnalyses::all();
  if (!Rewriter(F, FAM.getResult<DominatorTreeAnalysis>(F),
                Mode == MemoryMode::Guard)
           .run(F, FAM))
    return PreservedAnalyses::all();
  PreservedAnalyses PA;
  PA.preserveSet<CFGAnalyses>();
  return PA;
}

} // namespace kiln::codegen
