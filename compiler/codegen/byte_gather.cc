//===- compiler/codegen/byte_gather.cc - Vectors gathered byte by byte ----===//

#include "compiler/codegen/byte_gather.h"

#include "compiler/codegen/guard_traps.h"
#include "compiler/codegen/memory_base.h"
#include "compiler/codegen/preserved.h"
#include "compiler/codegen/trap_branches.h"

#include "kiln/abi.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Operator.h"
#include "llvm/IR/PatternMatch.h"
#include "llvm/IR/ValueHandle.h"
#include "llvm/Transforms/Utils/Local.h"

#include <optional>

namespace kiln::codegen {
namespace {

using namespace llvm;
using namespace llvm::PatternMatch;

/// The width of the values the pass rewrites, and of every value it traces.
constexpr unsigned VectorBytes = 16;

/// Where one byte of a value comes from.
struct ByteOrigin {
  /// Ones is a constant 0xff byte: `and` with it keeps the other side.
  enum Kind : uint8_t { Unknown, Zero, Ones, Poison, Loaded };
  Kind K = Unknown;
  uint8_t Byte = 0; ///< Which byte of Load, in memory order.
  LoadInst *Load = nullptr;

  static ByteOrigin of(Kind K) { return {K, 0, nullptr}; }
  bool operator==(const ByteOrigin &O) const {
    return K == O.K && Byte == O.Byte && Load == O.Load;
  }
};

/// A value's bytes in memory order (the targets are little-endian).
using Bytes = SmallVector<ByteOrigin, VectorBytes>;

/// Bytes per element of a value's type: the element's size for a vector,
/// the whole size for a scalar; 0 for what the tracer does not model.
unsigned elementBytes(Type *T, const DataLayout &DL) {
  Type *E = T->getScalarType();
  if (!E->isIntegerTy() && !E->isFloatingPointTy())
    return 0;
  uint64_t Bits = DL.getTypeSizeInBits(E);
  return Bits % 8 == 0 && Bits == DL.getTypeStoreSizeInBits(E) ? Bits / 8 : 0;
}

unsigned elementCount(Type *T) {
  auto *V = dyn_cast<FixedVectorType>(T);
  return V ? V->getNumElements() : 1;
}

/// A constant shift amount per element, in whole bytes; none if any is not
/// a constant multiple of 8 below the element's width.
std::optional<SmallVector<unsigned, 16>> byteShifts(Value *Amount,
                                                    unsigned Elements,
                                                    unsigned EltBytes) {
  auto *C = dyn_cast<Constant>(Amount);
  if (!C)
    return std::nullopt;
  SmallVector<unsigned, 16> Shifts;
  for (unsigned I = 0; I < Elements; ++I) {
    Constant *E = Amount->getType()->isVectorTy() ? C->getAggregateElement(I)
                                                  : C;
    auto *CI = dyn_cast_or_null<ConstantInt>(E);
    if (!CI || CI->getZExtValue() % 8 != 0 ||
        CI->getZExtValue() >= 8 * EltBytes)
      return std::nullopt;
    Shifts.push_back(CI->getZExtValue() / 8);
  }
  return Shifts;
}

/// Traces values back to the bytes they are made of. Values wider than
/// VectorBytes, and chains deeper than MaxDepth, are not followed.
class ByteTracer {
public:
  explicit ByteTracer(const DataLayout &DL) : DL(DL) {}

  std::optional<Bytes> trace(Value *V, unsigned Depth = 0) {
    if (auto It = Memo.find(V); It != Memo.end())
      return It->second;
    std::optional<Bytes> B = Depth > MaxDepth ? std::nullopt : compute(V, Depth);
    if (B && B->size() != byteSize(V->getType()))
      B.reset();
    Memo[V] = B;
    return B;
  }

  /// Forget everything: the IR changed under the cached pointers.
  void clear() { Memo.clear(); }

private:
  static constexpr unsigned MaxDepth = 24;
  const DataLayout &DL;
  DenseMap<Value *, std::optional<Bytes>> Memo;

  unsigned byteSize(Type *T) const {
    unsigned N = elementBytes(T, DL) * elementCount(T);
    return N <= VectorBytes ? N : 0;
  }

  std::optional<Bytes> compute(Value *V, unsigned Depth) {
    unsigned Size = byteSize(V->getType());
    if (Size == 0)
      return std::nullopt;
    if (auto *C = dyn_cast<Constant>(V))
      return constantBytes(C);
    if (auto *L = dyn_cast<LoadInst>(V)) {
      if (!L->isSimple())
        return std::nullopt;
      Bytes B;
      for (unsigned I = 0; I < Size; ++I)
        B.push_back({ByteOrigin::Loaded, uint8_t(I), L});
      return B;
    }
    unsigned Elt = elementBytes(V->getType(), DL);
    unsigned Elements = elementCount(V->getType());
    auto *I = dyn_cast<Instruction>(V);
    if (!I)
      return std::nullopt;
    auto Operand = [&](unsigned N) { return trace(I->getOperand(N), Depth + 1); };
    switch (I->getOpcode()) {
    case Instruction::InsertElement: {
      auto *Idx = dyn_cast<ConstantInt>(I->getOperand(2));
      std::optional<Bytes> Vec = Operand(0), Val = Operand(1);
      if (!Idx || !Vec || !Val || Idx->getZExtValue() >= Elements)
        return std::nullopt;
      std::copy(Val->begin(), Val->end(),
                Vec->begin() + Idx->getZExtValue() * Elt);
      return Vec;
    }
    case Instruction::ExtractElement: {
      auto *Idx = dyn_cast<ConstantInt>(I->getOperand(1));
      std::optional<Bytes> Vec = Operand(0);
      if (!Idx || !Vec || (Idx->getZExtValue() + 1) * Elt > Vec->size())
        return std::nullopt;
      auto First = Vec->begin() + Idx->getZExtValue() * Elt;
      return Bytes(First, First + Elt);
    }
    case Instruction::ShuffleVector: {
      auto *S = cast<ShuffleVectorInst>(I);
      unsigned Inputs = elementCount(S->getOperand(0)->getType());
      std::optional<Bytes> A = Operand(0), B = Operand(1);
      Bytes Out;
      for (int M : S->getShuffleMask()) {
        if (M == PoisonMaskElem) {
          Out.append(Elt, ByteOrigin::of(ByteOrigin::Poison));
          continue;
        }
        const std::optional<Bytes> &From = unsigned(M) < Inputs ? A : B;
        if (!From)
          return std::nullopt;
        auto First = From->begin() + (unsigned(M) % Inputs) * Elt;
        Out.append(First, First + Elt);
      }
      return Out;
    }
    case Instruction::BitCast:
      return Operand(0);
    case Instruction::ZExt:
    case Instruction::Trunc: {
      std::optional<Bytes> From = Operand(0);
      unsigned FromElt = elementBytes(I->getOperand(0)->getType(), DL);
      if (!From || FromElt == 0)
        return std::nullopt;
      Bytes Out;
      for (unsigned E = 0; E < Elements; ++E)
        for (unsigned J = 0; J < Elt; ++J)
          Out.push_back(J < FromElt ? (*From)[E * FromElt + J]
                                    : ByteOrigin::of(ByteOrigin::Zero));
      return Out;
    }
    case Instruction::Shl:
    case Instruction::LShr: {
      std::optional<Bytes> From = Operand(0);
      auto Shifts = byteShifts(I->getOperand(1), Elements, Elt);
      if (!From || !Shifts)
        return std::nullopt;
      bool Left = I->getOpcode() == Instruction::Shl;
      Bytes Out;
      for (unsigned E = 0; E < Elements; ++E)
        for (unsigned J = 0; J < Elt; ++J) {
          // Byte J of the result is byte J - s (left) or J + s (right).
          int Src = Left ? int(J) - int((*Shifts)[E]) : int(J + (*Shifts)[E]);
          Out.push_back(Src >= 0 && unsigned(Src) < Elt
                            ? (*From)[E * Elt + Src]
                            : ByteOrigin::of(ByteOrigin::Zero));
        }
      return Out;
    }
    case Instruction::Or:
    case Instruction::And: {
      std::optional<Bytes> A = Operand(0), B = Operand(1);
      if (!A || !B)
        return std::nullopt;
      bool IsOr = I->getOpcode() == Instruction::Or;
      Bytes Out;
      for (unsigned J = 0; J < Size; ++J)
        Out.push_back(IsOr ? orByte((*A)[J], (*B)[J])
                           : andByte((*A)[J], (*B)[J]));
      return Out;
    }
    case Instruction::Call: {
      auto *II = dyn_cast<IntrinsicInst>(I);
      if (!II || II->getIntrinsicID() != Intrinsic::bswap)
        return std::nullopt;
      std::optional<Bytes> From = Operand(0);
      if (!From)
        return std::nullopt;
      for (unsigned E = 0; E < Elements; ++E)
        std::reverse(From->begin() + E * Elt, From->begin() + (E + 1) * Elt);
      return From;
    }
    default:
      return std::nullopt;
    }
  }

  /// x | 0 = x; x | x = x; poison | x = poison; anything else is not a
  /// byte move.
  static ByteOrigin orByte(ByteOrigin A, ByteOrigin B) {
    if (A.K == ByteOrigin::Poison || B.K == ByteOrigin::Poison)
      return ByteOrigin::of(ByteOrigin::Poison);
    if (A.K == ByteOrigin::Zero)
      return B;
    if (B.K == ByteOrigin::Zero || (A == B && A.K == ByteOrigin::Loaded))
      return A;
    return ByteOrigin::of(ByteOrigin::Unknown);
  }

  /// x & 0 = 0; x & 0xff = x; x & poison = poison.
  static ByteOrigin andByte(ByteOrigin A, ByteOrigin B) {
    if (A.K == ByteOrigin::Poison || B.K == ByteOrigin::Poison)
      return ByteOrigin::of(ByteOrigin::Poison);
    if (A.K == ByteOrigin::Zero || B.K == ByteOrigin::Zero)
      return ByteOrigin::of(ByteOrigin::Zero);
    if (A.K == ByteOrigin::Ones)
      return B;
    if (B.K == ByteOrigin::Ones)
      return A;
    return ByteOrigin::of(ByteOrigin::Unknown);
  }

  std::optional<Bytes> constantBytes(Constant *C) {
    if (isa<PoisonValue>(C))
      return Bytes(byteSize(C->getType()), ByteOrigin::of(ByteOrigin::Poison));
    unsigned Elt = elementBytes(C->getType(), DL);
    Bytes Out;
    for (unsigned E = 0, N = elementCount(C->getType()); E < N; ++E) {
      Constant *Elem = C->getType()->isVectorTy() ? C->getAggregateElement(E) : C;
      if (Elem && isa<PoisonValue>(Elem)) {
        Out.append(Elt, ByteOrigin::of(ByteOrigin::Poison));
        continue;
      }
      std::optional<APInt> Bits;
      if (auto *CI = dyn_cast_or_null<ConstantInt>(Elem))
        Bits = CI->getValue();
      else if (auto *CF = dyn_cast_or_null<ConstantFP>(Elem))
        Bits = CF->getValueAPF().bitcastToAPInt();
      for (unsigned J = 0; J < Elt; ++J) {
        uint64_t Byte = Bits ? Bits->extractBitsAsZExtValue(8, 8 * J) : 1;
        Out.push_back(ByteOrigin::of(Byte == 0      ? ByteOrigin::Zero
                                     : Byte == 0xff ? ByteOrigin::Ones
                                                    : ByteOrigin::Unknown));
      }
    }
    return Out;
  }
};

/// Whether everything from the first of Loads to Root, walking back through
/// single-predecessor blocks entered past a bounds check (the other way
/// leads to a trap), is free of side effects.
bool onlyPureBetween(Instruction &Root, SmallPtrSet<LoadInst *, 16> Pending) {
  constexpr unsigned Budget = 512;
  unsigned Seen = 0;
  BasicBlock *BB = Root.getParent();
  auto It = std::next(Root.getReverseIterator());
  while (true) {
    for (; It != BB->rend(); ++It) {
      if (++Seen > Budget)
        return false;
      if (auto *L = dyn_cast<LoadInst>(&*It); L && Pending.erase(L)) {
        if (Pending.empty())
          return true;
        continue;
      }
      // A trap keeper is a hint, not an effect (guard_traps.h).
      if (It->mayHaveSideEffects() && !isTrapKeeper(&*It) && !isRegionKeeper(*It))
        return false;
    }
    BasicBlock *Pred = BB->getSinglePredecessor();
    auto *Br = Pred ? dyn_cast<BranchInst>(Pred->getTerminator()) : nullptr;
    if (!Br)
      return false;
    if (Br->isConditional() &&
        !isTrapBlock(Br->getSuccessor(Br->getSuccessor(0) == BB ? 1 : 0)))
      return false;
    BB = Pred;
    It = ++BB->rbegin(); // past the branch
  }
}

class Gatherer {
public:
  explicit Gatherer(Function &F)
      : Vmctx(F.getArg(0)), DL(F.getDataLayout()), Tracer(DL) {}

  /// Replaces Root with a wide load and a shuffle if its bytes allow it.
  bool tryRewrite(Instruction &Root) {
    auto *Ty = dyn_cast<FixedVectorType>(Root.getType());
    if (!Ty || DL.getTypeStoreSize(Ty) != VectorBytes || isa<LoadInst>(Root))
      return false;
    std::optional<Bytes> B = Tracer.trace(&Root);
    if (!B)
      return false;
    SmallSetVector<LoadInst *, 16> Loads;
    for (const ByteOrigin &O : *B) {
      if (O.K == ByteOrigin::Unknown || O.K == ByteOrigin::Ones)
        return false;
      if (O.K == ByteOrigin::Loaded)
        Loads.insert(O.Load);
    }
    if (Loads.size() < ByteGatherPass::MinLoads)
      return false;

    // Each load's first byte, relative to the first load's address; and the
    // load whose 32-bit sum is lowest, if the sums are 32-bit.
    DenseMap<LoadInst *, int64_t> Start;
    std::optional<LinearAddress> First, Lowest;
    int64_t LowestSum = 0, HighestSum = 0;
    for (LoadInst *L : Loads) {
      std::optional<LinearAddress> A =
          linearAddress(L->getPointerOperand(), Vmctx, DL);
      if (!A)
        return false;
      if (!First)
        First = A;
      if (A->Index != First->Index || bool(A->Sum) != bool(First->Sum))
        return false;
      int64_t Sum = int32_t(A->Inner - First->Inner);
      if (!Lowest || Sum < LowestSum) {
        Lowest = A;
        LowestSum = Sum;
      }
      HighestSum = std::max(HighestSum, Sum);
      // Equal modulo 2^32 to the true distance, and that is the true one
      // if it is within reach (see the header).
      int64_t Apart =
          int64_t(int32_t(A->Inner - First->Inner)) + A->Outer - First->Outer;
      if (Apart > int64_t(abi::NoWrapReachAfterAccess) ||
          Apart < -int64_t(abi::NoWrapReachAfterAccess))
        return false;
      Start[L] = Apart;
    }
    int64_t Low = INT64_MAX, High = INT64_MIN;
    for (const ByteOrigin &O : *B)
      if (O.K == ByteOrigin::Loaded) {
        Low = std::min(Low, Start[O.Load] + O.Byte);
        High = std::max(High, Start[O.Load] + O.Byte);
      }
    if (High - Low != VectorBytes - 1)
      return false;
    // With 32-bit sums, address the window from the lowest one:
    // zext(x + c_lo) + D. Had a sum wrapped between the loads, x + c_lo is
    // within 64 KiB of 4 GiB, past the memory, so the load at it trapped
    // (its displacement is not negative) and the window, D >= 0 above it,
    // faults too. Without a wrap the address is the window's.
    int64_t D = Low - (LowestSum - First->Outer);
    if (First->Sum &&
        (HighestSum - LowestSum > int64_t(abi::NoWrapReachAfterAccess) ||
         Lowest->Outer < 0 || D < 0 ||
         D > int64_t(abi::NoWrapReachAfterAccess)))
      return false;
    SmallPtrSet<LoadInst *, 16> Pending(Loads.begin(), Loads.end());
    if (!onlyPureBetween(Root, Pending))
      return false;

    // With 64-bit indices nothing wraps: the window is a constant away
    // from the load that starts lowest.
    LoadInst *Anchor = Loads[0];
    for (LoadInst *L : Loads)
      if (Start[L] < Start[Anchor])
        Anchor = L;
    IRBuilder<> Builder(&Root);
    Value *Ptr = Anchor->getPointerOperand();
    int64_t Displacement = Low - Start[Anchor];
    if (First->Sum) {
      Ptr = Builder.CreateGEP(Builder.getInt8Ty(), Lowest->Base,
                              Builder.CreateZExt(Lowest->Sum, Builder.getInt64Ty()));
      Displacement = D;
    }
    if (Displacement != 0)
      Ptr = Builder.CreateConstGEP1_64(Builder.getInt8Ty(), Ptr, Displacement);
    auto *WindowTy = FixedVectorType::get(Builder.getInt8Ty(), VectorBytes);
    LoadInst *Window = Builder.CreateAlignedLoad(WindowTy, Ptr, Align(1));
    Window->copyMetadata(*Anchor, {LLVMContext::MD_tbaa});
    SmallVector<int, VectorBytes> Mask;
    bool NeedsZero = false, Identity = true;
    for (unsigned J = 0; J < VectorBytes; ++J) {
      const ByteOrigin &O = (*B)[J];
      int M = O.K == ByteOrigin::Loaded ? int(Start[O.Load] + O.Byte - Low)
              : O.K == ByteOrigin::Zero ? int(VectorBytes)
                                        : PoisonMaskElem;
      NeedsZero |= O.K == ByteOrigin::Zero;
      Identity &= M == int(J);
      Mask.push_back(M);
    }
    Value *Gathered = Window;
    if (!Identity)
      Gathered = Builder.CreateShuffleVector(
          Window,
          NeedsZero ? Constant::getNullValue(WindowTy)
                    : PoisonValue::get(WindowTy),
          Mask);
    Root.replaceAllUsesWith(Builder.CreateBitCast(Gathered, Ty));
    // The window faults for every load inside it; one that reaches past it
    // (bytes the value never used) keeps its own keeper (guard_traps.h).
    for (LoadInst *L : Loads)
      if (Start[L] >= Low &&
          Start[L] + int64_t(DL.getTypeStoreSize(L->getType())) - 1 <= High)
        dropTrapKeepers(L);
    Tracer.clear();
    RecursivelyDeleteTriviallyDeadInstructions(&Root);
    return true;
  }

private:
  const Argument *Vmctx;
  const DataLayout &DL;
  ByteTracer Tracer;
};

} // namespace

PreservedAnalyses ByteGatherPass::run(Function &F, FunctionAnalysisManager &) {
  if (F.arg_empty() || !F.getDataLayout().isLittleEndian())
    return PreservedAnalyses::all();
  // Last uses first, so a whole gather is rewritten before its parts.
  SmallVector<WeakVH, 64> Candidates;
  for (BasicBlock &BB : reverse(F))
    for (Instruction &I : reverse(BB))
      if (auto *Ty = dyn_cast<FixedVectorType>(I.getType());
          Ty && Ty->getPrimitiveSizeInBits() == 8 * VectorBytes)
        Candidates.push_back(&I);
  Gatherer G(F);
  bool Changed = false;
  for (WeakVH &V : Candidates)
    if (auto *I = dyn_cast_or_null<Instruction>(V))
      Changed |= G.tryRewrite(*I);
  return preservedUnlessChanged(Changed);
}

} // namespace kiln::codegen
