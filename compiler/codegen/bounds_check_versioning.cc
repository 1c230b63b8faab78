//===- compiler/codegen/bounds_check_versioning.cc - Checks out of loops --===//
//
//  *** Subtle and critical to the sandbox. ***
//  The loop copy this pass selects has no bounds checks. A pre-loop test
//  that admits one trip the checks would have trapped on lets a module
//  read or write host memory. Changes need two reviews, the spec suite in
//  bounds-checked mode and bounds_check_versioning_test.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/bounds_check_versioning.h"

#include "compiler/codegen/trap_branches.h"

#include "compiler/codegen/loop_size.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/PatternMatch.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/LoopSimplify.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

#include <optional>

namespace kiln::codegen {

using namespace llvm;
using namespace llvm::PatternMatch;

namespace {

/// IR instructions a loop may hold to be copied.
constexpr unsigned MaxLoopSize = 600;
/// Largest |step| of an address recurrence (checked before the loop when
/// the step is not a constant). With at most MaxTrips back edges,
/// trips * |step| < 2^57: the range arithmetic cannot wrap 64 bits through
/// the product.
constexpr uint64_t MaxStep = uint64_t(1) << 24;
constexpr uint64_t MaxTrips = uint64_t(1) << 32;

/// A compare whose truth sends the loop to a trap: `X > Limit` or
/// `X >= Limit` (unsigned), Limit loop-invariant. Bounds checks (`index +
/// offset + size > memory size`) and table checks (`index >= size`) have
/// this shape; the pass proves no other.
struct TrapCompare {
  CmpInst::Predicate Pred;
  const SCEV *X;
  const SCEV *Limit;
};

/// A conditional branch from the loop to a trap block and the compares
/// that decide it: it traps exactly when one of them holds.
struct TrapBranch {
  BranchInst *Br;
  unsigned TrapSuccessor;
  SmallVector<TrapCompare, 2> Compares;
};

/// Splits a branch condition into the compares it is the disjunction of
/// (SimplifyCFG folds neighbouring checks that share a trap block into
/// `or`s); `Traps` says whether the trap is taken when C is true.
bool collectCompares(Value *C, bool Traps,
                     SmallVectorImpl<std::pair<ICmpInst *, bool>> &Out) {
  Value *A, *B;
  if (auto *Cmp = dyn_cast<ICmpInst>(C)) {
    Out.push_back({Cmp, Traps});
    return true;
  }
  if (match(C, m_Not(m_Value(A))))
    return collectCompares(A, !Traps, Out);
  if (Traps && match(C, m_LogicalOr(m_Value(A), m_Value(B))))
    return collectCompares(A, true, Out) && collectCompares(B, true, Out);
  if (!Traps && match(C, m_LogicalAnd(m_Value(A), m_Value(B))))
    return collectCompares(A, false, Out) && collectCompares(B, false, Out);
  return false;
}

/// The one operand of `Add` that varies in L, with the invariant ones in
/// `Invariant`; null when more than one varies.
const SCEV *soleVariantOperand(const SCEVAddExpr *Add, const Loop &L,
                               ScalarEvolution &SE,
                               SmallVectorImpl<const SCEV *> &Invariant) {
  const SCEV *Variant = nullptr;
  for (const SCEV *Op : Add->operands()) {
    if (SE.isLoopInvariant(Op, &L))
      Invariant.push_back(Op);
    else if (Variant)
      return nullptr;
    else
      Variant = Op;
  }
  return Variant;
}

/// An integer SCEV of at most 64 bits.
bool isNarrowInteger(const SCEV *S, ScalarEvolution &SE) {
  return S->getType()->isIntegerTy() && SE.getTypeSizeInBits(S->getType()) <= 64;
}

/// Hi (i64) bounds the value of an expression, as an unsigned integer of
/// its own width, on every trip the loop can make, whenever NoWrap (i1)
/// holds at run time: then every value is exact arithmetic on the start,
/// the step and the trip number, with no wrap at the type's width.
struct Range {
  Value *Hi;
  Value *NoWrap;
};

/// Builds ranges of loop-variant expressions before the loop, in the
/// grammar
///   E := invariant | {start, +, invariant step}<L> | zext E | invariant + E
/// Every other shape is refused, so the proof below covers each case.
class RangeBuilder {
public:
  RangeBuilder(Loop &L, ScalarEvolution &SE, Instruction *At)
      : L(L), SE(SE), At(At) {}

  /// Whether build() can handle S: the shape is in the grammar and every
  /// invariant part can be computed before the loop.
  bool fits(const SCEV *S, SCEVExpander &Exp) const {
    if (!isNarrowInteger(S, SE))
      return false;
    if (SE.isLoopInvariant(S, &L))
      return Exp.isSafeToExpandAt(S, At);
    if (auto *AR = dyn_cast<SCEVAddRecExpr>(S)) {
      if (AR->getLoop() != &L || !AR->isAffine())
        return false;
      const SCEV *Step = AR->getStepRecurrence(SE);
      if (auto *C = dyn_cast<SCEVConstant>(Step); C && C->getAPInt().abs().ugt(MaxStep))
        return false; // the test could never pass
      return SE.isLoopInvariant(Step, &L) && Exp.isSafeToExpandAt(Step, At) &&
             Exp.isSafeToExpandAt(AR->getStart(), At);
    }
    if (auto *Z = dyn_cast<SCEVZeroExtendExpr>(S))
      return fits(Z->getOperand(), Exp);
    if (auto *Add = dyn_cast<SCEVAddExpr>(S)) {
      SmallVector<const SCEV *, 4> Invariant;
      const SCEV *Variant = soleVariantOperand(Add, L, SE, Invariant);
      return Variant && fits(Variant, Exp) &&
             all_of(Invariant, [&](const SCEV *Op) {
               return Exp.isSafeToExpandAt(Op, At);
             });
    }
    return false;
  }

  /// The range of S (fits(S) must hold); Trips is MaxBackedges as i64.
  Range build(const SCEV *S, SCEVExpander &Exp, IRBuilder<> &B, Value *Trips) {
    Type *I64 = B.getInt64Ty();
    unsigned Width = SE.getTypeSizeInBits(S->getType());
    // 2^Width - 1: the largest value of S's type, as i64.
    Value *TypeMax = B.getInt64(Width == 64 ? ~uint64_t(0)
                                            : (uint64_t(1) << Width) - 1);
    auto Expand = [&](const SCEV *E) {
      return B.CreateZExt(Exp.expandCodeFor(E, E->getType(), At), I64);
    };

    if (SE.isLoopInvariant(S, &L)) {
      Value *V = Expand(S);
      return {V, B.getTrue()};
    }
    if (auto *AR = dyn_cast<SCEVAddRecExpr>(S)) {
      // Trip k (0 <= k <= Trips) sees start + k * step modulo 2^Width,
      // step read as signed. start < 2^Width; the test requires
      // |step| <= MaxStep, so Trips * |step| < 2^57. A constant step
      // folds the selects away.
      const SCEV *StepS = AR->getStepRecurrence(SE);
      Value *Step = B.CreateSExt(Exp.expandCodeFor(StepS, StepS->getType(), At), I64);
      Value *Falling = B.CreateICmpSLT(Step, B.getInt64(0));
      Value *Magnitude = B.CreateSelect(Falling, B.CreateNeg(Step), Step);
      Value *StepFits = B.CreateICmpULE(Magnitude, B.getInt64(MaxStep));
      Value *Start = Expand(AR->getStart());
      Value *Span = B.CreateMul(Trips, Magnitude);
      // Rising: exact iff start + span does not pass 2^Width. Below 64
      // bits the sum itself cannot wrap; at 64 bits a wrapped sum is
      // smaller than start.
      Value *Top = B.CreateAdd(Start, Span);
      Value *RisingExact = Width == 64 ? B.CreateICmpUGE(Top, Start)
                                       : B.CreateICmpULE(Top, TypeMax);
      // Falling: exact iff span <= start; otherwise the bottom wraps past
      // start.
      Value *Bottom = B.CreateSub(Start, Span);
      Value *FallingExact = B.CreateICmpULE(Bottom, Start);
      return {B.CreateSelect(Falling, Start, Top),
              B.CreateAnd(StepFits,
                          B.CreateSelect(Falling, FallingExact, RisingExact))};
    }
    if (auto *Z = dyn_cast<SCEVZeroExtendExpr>(S))
      return build(Z->getOperand(), Exp, B, Trips); // same unsigned values
    SmallVector<const SCEV *, 4> Invariant;
    const SCEV *Variant =
        soleVariantOperand(cast<SCEVAddExpr>(S), L, SE, Invariant);
    Range R = build(Variant, Exp, B, Trips);
    Value *Base = Expand(SE.getAddExpr(Invariant));
    // Base and R.Hi are below 2^Width, so below 64 bits their sum is
    // exact and every value fits the type iff the largest does; at 64
    // bits a wrapped sum is smaller than Base.
    Value *Hi = B.CreateAdd(Base, R.Hi);
    Value *Fits = Width == 64 ? B.CreateICmpUGE(Hi, Base)
                              : B.CreateICmpULE(Hi, TypeMax);
    return {Hi, B.CreateAnd(R.NoWrap, Fits)};
  }

private:
  Loop &L;
  ScalarEvolution &SE;
  Instruction *At; // where the range is computed: the end of the preheader
};

/// The normalized form of `Cmp` (negated when `Traps` is false), or none
/// when it does not trap on a value rising above a loop-invariant limit.
std::optional<TrapCompare> normalize(ICmpInst *Cmp, bool Traps, Loop &L,
                                     ScalarEvolution &SE) {
  if (!Cmp->getOperand(0)->getType()->isIntegerTy())
    return std::nullopt;
  CmpInst::Predicate P =
      Traps ? Cmp->getPredicate() : Cmp->getInversePredicate();
  const SCEV *X = SE.getSCEV(Cmp->getOperand(0));
  const SCEV *Limit = SE.getSCEV(Cmp->getOperand(1));
  if (!SE.isLoopInvariant(Limit, &L)) {
    std::swap(X, Limit);
    P = CmpInst::getSwappedPredicate(P);
  }
  if (!SE.isLoopInvariant(Limit, &L) ||
      (P != CmpInst::ICMP_UGT && P != CmpInst::ICMP_UGE))
    return std::nullopt;
  return TrapCompare{P, X, Limit};
}

/// The trap branches of L whose every compare the RangeBuilder handles.
SmallVector<TrapBranch, 8> provableTrapBranches(Loop &L, ScalarEvolution &SE,
                                                const RangeBuilder &RB,
                                                SCEVExpander &Exp,
                                                Instruction *At) {
  SmallVector<TrapBranch, 8> Out;
  for (BasicBlock *BB : L.blocks()) {
    std::optional<unsigned> TrapSucc = trapSuccessor(BB, L);
    if (!TrapSucc)
      continue;
    auto *Br = cast<BranchInst>(BB->getTerminator());
    SmallVector<std::pair<ICmpInst *, bool>, 2> Cmps;
    if (!collectCompares(Br->getCondition(), /*Traps=*/*TrapSucc == 0, Cmps))
      continue;
    TrapBranch T{Br, *TrapSucc, {}};
    bool All = true;
    for (auto [Cmp, Traps] : Cmps) {
      std::optional<TrapCompare> C = normalize(Cmp, Traps, L, SE);
      All = All && C && RB.fits(C->X, Exp) &&
            Exp.isSafeToExpandAt(C->Limit, At);
      if (!All)
        break;
      T.Compares.push_back(*C);
    }
    if (All)
      Out.push_back(std::move(T));
  }
  return Out;
}

/// The i1 that is true when no compare of `Branches` can hold on any trip.
Value *buildNoTrapTest(ArrayRef<TrapBranch> Branches, RangeBuilder &RB,
                       SCEVExpander &Exp, IRBuilder<> &B, Instruction *At,
                       const SCEV *MaxBackedges, ScalarEvolution &SE) {
  Value *Trips = B.CreateZExt(
      Exp.expandCodeFor(MaxBackedges, MaxBackedges->getType(), At),
      B.getInt64Ty());
  Value *Safe = B.getTrue();
  if (SE.getUnsignedRangeMax(MaxBackedges).ugt(MaxTrips))
    Safe = B.CreateICmpULE(Trips, B.getInt64(MaxTrips));
  for (const TrapBranch &T : Branches)
    for (const TrapCompare &C : T.Compares) {
      Range R = RB.build(C.X, Exp, B, Trips);
      Value *Limit = B.CreateZExt(
          Exp.expandCodeFor(C.Limit, C.Limit->getType(), At), B.getInt64Ty());
      // Every X is at most Hi.
      Value *NeverTraps = C.Pred == CmpInst::ICMP_UGT
                              ? B.CreateICmpULE(R.Hi, Limit)
                              : B.CreateICmpULT(R.Hi, Limit);
      Safe = B.CreateAnd(Safe, B.CreateAnd(R.NoWrap, NeverTraps));
    }
  return Safe;
}

/// Whether a conditional branch leaves L for a trap block: only such loops
/// are worth putting into the canonical form versioning needs.
bool hasTrapExit(const Loop &L) {
  return any_of(L.blocks(), [&](const BasicBlock *BB) {
    return trapSuccessor(BB, L).has_value();
  });
}

/// Versions L when some of its trap branches are provable. Returns whether
/// the IR changed: versioned, or only put into loop-simplify and LCSSA form
/// on the way to finding that nothing is provable.
bool versionLoop(Loop &L, Function &F, LoopInfo &LI, DominatorTree &DT,
                 ScalarEvolution &SE, AssumptionCache &AC) {
  if (loopInstructionCount(L) > MaxLoopSize || !hasTrapExit(L))
    return false;
  bool Canonicalized =
      simplifyLoop(&L, &DT, &LI, &SE, &AC, nullptr, /*PreserveLCSSA=*/false);
  Canonicalized |= formLCSSA(L, DT, &LI, &SE);
  BasicBlock *Preheader = L.getLoopPreheader();
  const SCEV *MaxBackedges = SE.getSymbolicMaxBackedgeTakenCount(&L);
  if (!Preheader || !L.getLoopLatch() ||
      isa<SCEVCouldNotCompute>(MaxBackedges) ||
      !isNarrowInteger(MaxBackedges, SE) ||
      !SE.isLoopInvariant(MaxBackedges, &L))
    return Canonicalized;

  const DataLayout &DL = F.getDataLayout();
  SCEVExpander Exp(SE, DL, "bounds.range");
  Instruction *At = Preheader->getTerminator();
  if (!Exp.isSafeToExpandAt(MaxBackedges, At))
    return Canonicalized;
  SmallVector<TrapBranch, 8> Branches =
      provableTrapBranches(L, SE, RangeBuilder(L, SE, At), Exp, At);
  if (Branches.empty())
    return Canonicalized;

  SmallVector<BasicBlock *, 8> Exits;
  L.getUniqueExitBlocks(Exits);

  // Preheader becomes the test; the unchecked loop gets a fresh preheader.
  BasicBlock *Test = Preheader;
  BasicBlock *FastPreheader =
      SplitBlock(Test, Test->getTerminator(), &DT, &LI, nullptr,
                 L.getHeader()->getName() + ".unchecked.ph");
  At = Test->getTerminator();
  IRBuilder<> B(At);
  RangeBuilder RB(L, SE, At);
  Value *Safe = buildNoTrapTest(Branches, RB, Exp, B, At, MaxBackedges, SE);

  // The clone keeps every check and runs when the test fails.
  ValueToValueMapTy VMap;
  SmallVector<BasicBlock *, 16> CheckedBlocks;
  Loop *Checked = cloneLoopWithPreheader(FastPreheader, Test, &L, VMap,
                                         ".checked", &LI, &DT, CheckedBlocks);
  remapInstructionsInBlocks(CheckedBlocks, VMap);
  B.SetInsertPoint(At);
  B.CreateCondBr(Safe, FastPreheader, Checked->getLoopPreheader(),
                 MDBuilder(F.getContext()).createLikelyBranchWeights());
  At->eraseFromParent();

  // Both loops leave through the same exit blocks (LCSSA: every outside
  // use goes through their phis).
  for (BasicBlock *Exit : Exits)
    for (PHINode &P : Exit->phis()) {
      for (unsigned I = 0, E = P.getNumIncomingValues(); I != E; ++I) {
        BasicBlock *From = P.getIncomingBlock(I);
        if (!L.contains(From))
          continue;
        Value *V = P.getIncomingValue(I);
        if (Value *Mapped = VMap.lookup(V))
          V = Mapped;
        P.addIncoming(V, cast<BasicBlock>(VMap[From]));
      }
      SE.forgetValue(&P);
    }

  // The unchecked loop: each proven branch goes straight on.
  for (const TrapBranch &T : Branches) {
    BasicBlock *From = T.Br->getParent();
    T.Br->getSuccessor(T.TrapSuccessor)->removePredecessor(From);
    BranchInst::Create(T.Br->getSuccessor(1 - T.TrapSuccessor), T.Br->getIterator());
    T.Br->eraseFromParent();
  }
  // The checked copy runs only when some access may trap: keep it small.
  addStringMetadataToLoop(Checked, "llvm.loop.unroll.disable");
  addStringMetadataToLoop(Checked, "llvm.loop.vectorize.enable", 0);

  SE.forgetTopmostLoop(&L);
  DT.recalculate(F);
  return true;
}

} // namespace

PreservedAnalyses BoundsCheckVersioningPass::run(Function &F,
                                                 FunctionAnalysisManager &FAM) {
  auto &LI = FAM.getResult<LoopAnalysis>(F);
  auto &DT = FAM.getResult<DominatorTreeAnalysis>(F);
  auto &SE = FAM.getResult<ScalarEvolutionAnalysis>(F);
  auto &AC = FAM.getResult<AssumptionAnalysis>(F);
  SmallVector<Loop *, 8> Innermost;
  for (Loop *L : LI.getLoopsInPreorder())
    if (L->isInnermost())
      Innermost.push_back(L);
  bool Changed = false;
  for (Loop *L : Innermost)
    Changed |= versionLoop(*L, F, LI, DT, SE, AC);
  if (!Changed)
    return PreservedAnalyses::all();
  // simplifyLoop, formLCSSA and the versioning keep these up to date.
  PreservedAnalyses PA;
  PA.preserve<LoopAnalysis>();
  PA.preserve<DominatorTreeAnalysis>();
  return PA;
}

} // namespace kiln::codegen
