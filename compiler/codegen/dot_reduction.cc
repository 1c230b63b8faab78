//===- compiler/codegen/dot_reduction.cc - Integer dot-product reduction --===//

#include "compiler/codegen/dot_reduction.h"

#include "compiler/codegen/preserved.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/ValueHandle.h"
#include "llvm/Transforms/Utils/Local.h"

#include <optional>

namespace kiln::codegen {
namespace {

using namespace llvm;

/// Bounds the walk: a 16-lane dot product in the shape clang emits visits
/// about 40 nodes; anything much larger is not a reduction worth taking.
constexpr unsigned MaxVisits = 512;
/// Fewer products than this is not worth a reduction intrinsic.
constexpr unsigned MinTerms = 8;

/// Lane Lane of Src, sign-extended: the value a product operand reads.
struct NarrowLane {
  Value *Src;
  unsigned Lane;
  unsigned Bits; // Src's lane width: the value fits in Bits signed bits
};

/// One exact product sext(X) * sext(Y) that the sum adds.
struct ProductTerm {
  NarrowLane X, Y;
};

unsigned laneCount(const Value *V) {
  return cast<FixedVectorType>(V->getType())->getNumElements();
}

/// Moves (V, Lane) to the shufflevector operand lane it copies, repeatedly.
/// False when a lane is poison.
bool throughShuffles(Value *&V, unsigned &Lane) {
  while (auto *SV = dyn_cast<ShuffleVectorInst>(V)) {
    int M = SV->getMaskValue(Lane);
    if (M < 0)
      return false;
    unsigned N = laneCount(SV->getOperand(0));
    V = SV->getOperand(unsigned(M) < N ? 0 : 1);
    Lane = unsigned(M) < N ? unsigned(M) : unsigned(M) - N;
  }
  return true;
}

/// Moves (V, Lane) through shuffles and sign extensions, which keep the
/// lane's signed value. False when a lane is poison.
bool throughValuePreserving(Value *&V, unsigned &Lane) {
  for (;;) {
    if (!throughShuffles(V, Lane))
      return false;
    auto *S = dyn_cast<SExtInst>(V);
    if (!S)
      return true;
    V = S->getOperand(0);
  }
}

/// The narrowest vector lane that holds (V, Lane)'s value.
std::optional<NarrowLane> narrowLane(Value *V, unsigned Lane) {
  if (!throughValuePreserving(V, Lane))
    return std::nullopt;
  auto *VT = dyn_cast<FixedVectorType>(V->getType());
  if (!VT || !VT->getElementType()->isIntegerTy())
    return std::nullopt;
  return NarrowLane{V, Lane, VT->getScalarSizeInBits()};
}

/// The product terms whose sum is one lane of an integer vector, seen
/// through add and shufflevector (the sum's tree) down to exact products.
class SumOfProducts {
public:
  SmallVector<ProductTerm, 16> Terms;
  SmallPtrSet<Instruction *, 32> Tree; // the adds and shuffles walked

  bool collect(Value *V, unsigned Lane) {
    if (++Visits > MaxVisits)
      return false;
    if (auto *Add = dyn_cast<BinaryOperator>(V);
        Add && Add->getOpcode() == Instruction::Add) {
      Tree.insert(Add);
      return collect(Add->getOperand(0), Lane) &&
             collect(Add->getOperand(1), Lane);
    }
    if (auto *SV = dyn_cast<ShuffleVectorInst>(V)) {
      int M = SV->getMaskValue(Lane);
      if (M < 0)
        return false;
      Tree.insert(SV);
      unsigned N = laneCount(SV->getOperand(0));
      return unsigned(M) < N ? collect(SV->getOperand(0), unsigned(M))
                             : collect(SV->getOperand(1), unsigned(M) - N);
    }
    return product(V, Lane);
  }

private:
  unsigned Visits = 0;

  /// (V, Lane) is sext*(mul(a, b)) lane, the multiply exact because its
  /// lane width holds both operands' widths added.
  bool product(Value *V, unsigned Lane) {
    if (!throughValuePreserving(V, Lane))
      return false;
    auto *Mul = dyn_cast<BinaryOperator>(V);
    if (!Mul || Mul->getOpcode() != Instruction::Mul ||
        !isa<FixedVectorType>(Mul->getType()))
      return false;
    std::optional<NarrowLane> X = narrowLane(Mul->getOperand(0), Lane);
    std::optional<NarrowLane> Y = narrowLane(Mul->getOperand(1), Lane);
    if (!X || !Y || X->Bits + Y->Bits > Mul->getType()->getScalarSizeInBits())
      return false;
    Terms.push_back({*X, *Y});
    return true;
  }
};

/// Products of one pair of source vectors: X's lanes each once, in order,
/// with the Y lane each multiplies.
struct DotGroup {
  Value *X, *Y;
  SmallVector<int, 16> YLaneOf; // indexed by X lane; -1 until seen
};

/// Groups Terms by source pair; false unless every group covers each lane
/// of its X exactly once (otherwise the rewrite would change the sum).
bool groupTerms(ArrayRef<ProductTerm> Terms, SmallVectorImpl<DotGroup> &Groups) {
  for (ProductTerm T : Terms) {
    DotGroup *G = nullptr;
    for (DotGroup &Cand : Groups) {
      if (Cand.X == T.X.Src && Cand.Y == T.Y.Src) {
        G = &Cand;
      } else if (Cand.X == T.Y.Src && Cand.Y == T.X.Src) {
        std::swap(T.X, T.Y); // multiplication commutes
        G = &Cand;
      }
      if (G)
        break;
    }
    if (!G) {
      Groups.push_back({T.X.Src, T.Y.Src, {}});
      G = &Groups.back();
      G->YLaneOf.assign(laneCount(G->X), -1);
    }
    if (G->YLaneOf[T.X.Lane] >= 0)
      return false; // a lane counted twice
    G->YLaneOf[T.X.Lane] = int(T.Y.Lane);
  }
  for (const DotGroup &G : Groups)
    for (int L : G.YLaneOf)
      if (L < 0)
        return false; // a lane missing
  return true;
}

/// The sum's partial results must not be needed elsewhere, or the rewrite
/// adds work instead of replacing it.
bool treeIsPrivate(const SmallPtrSetImpl<Instruction *> &Tree,
                   const Instruction *Root) {
  for (Instruction *I : Tree)
    for (const User *U : I->users())
      if (U != Root && !Tree.contains(cast<Instruction>(U)))
        return false;
  return true;
}

bool rewriteRoot(ExtractElementInst *Root) {
  auto *Index = dyn_cast<ConstantInt>(Root->getIndexOperand());
  if (!Index || !Root->getType()->isIntegerTy())
    return false;
  Value *Vec = Root->getVectorOperand();
  if (!isa<BinaryOperator>(Vec) && !isa<ShuffleVectorInst>(Vec))
    return false;

  SumOfProducts Sum;
  if (!Sum.collect(Vec, unsigned(Index->getZExtValue())) ||
      Sum.Terms.size() < MinTerms || !treeIsPrivate(Sum.Tree, Root))
    return false;
  SmallVector<DotGroup, 2> Groups;
  if (!groupTerms(Sum.Terms, Groups))
    return false;

  IRBuilder<> B(Root);
  Type *SumElt = Root->getType();
  Value *Result = nullptr;
  for (const DotGroup &G : Groups) {
    unsigned N = laneCount(G.X);
    auto *WideTy = FixedVectorType::get(SumElt, N);
    bool InOrder = laneCount(G.Y) == N;
    for (unsigned L = 0; InOrder && L < N; ++L)
      InOrder = G.YLaneOf[L] == int(L);
    Value *Y = InOrder ? G.Y : B.CreateShuffleVector(G.Y, G.YLaneOf);
    Value *Products = B.CreateMul(B.CreateSExt(G.X, WideTy),
                                  B.CreateSExt(Y, WideTy), "dot",
                                  /*HasNUW=*/false, /*HasNSW=*/true);
    Value *Dot = B.CreateAddReduce(Products);
    Result = Result ? B.CreateAdd(Result, Dot) : Dot;
  }
  Root->replaceAllUsesWith(Result);
  RecursivelyDeleteTriviallyDeadInstructions(Root);
  return true;
}

} // namespace

PreservedAnalyses IntegerDotReductionPass::run(Function &F,
                                               FunctionAnalysisManager &) {
  SmallVector<WeakTrackingVH, 8> Roots;
  for (BasicBlock &BB : F)
    for (Instruction &I : BB)
      if (isa<ExtractElementInst>(I))
        Roots.push_back(&I);
  bool Changed = false;
  for (WeakTrackingVH &H : Roots)
    if (auto *Root = dyn_cast_or_null<ExtractElementInst>(H))
      Changed |= rewriteRoot(Root);
  return preservedUnlessChanged(Changed);
}

} // namespace kiln::codegen
