//===- compiler/codegen/guard_traps.cc - Loads that must fault ------------===//

#include "compiler/codegen/guard_traps.h"

#include "compiler/codegen/memory_base.h"
#include "compiler/codegen/preserved.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/ConstantFolding.h"
#include "llvm/Analysis/DemandedBits.h"
#include "llvm/Analysis/PostDominators.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/PatternMatch.h"
#include "llvm/IR/ValueHandle.h"
#include "llvm/Transforms/Utils/Local.h"

namespace kiln::codegen {

using namespace llvm;

namespace {

/// The keeper's operand bundle: "noundef" is a valid assume bundle (the
/// verifier wants an attribute name) and true of every loaded value.
constexpr const char *KeeperTag = "noundef";

/// Whether `L` may read linear memory: some object its address can come
/// from is a memory's base. Through phis and selects: common code sunk
/// out of two branches addresses memory through a phi of the two base
/// loads (found by differential testing: a load lost after inlining).
bool isLinearMemoryLoad(const LoadInst &L, const Argument *Vmctx) {
  SmallVector<const Value *, 4> Objects;
  getUnderlyingObjects(L.getPointerOperand(), Objects, /*LI=*/nullptr,
                       /*MaxLookup=*/0);
  return any_of(Objects,
                [&](const Value *O) { return isMemoryBase(O, Vmctx); });
}

/// Whether DemandedBits leaves some byte of I's value wholly unused: the
/// bytes SelectionDAG may stop loading.
bool someByteUnused(const Instruction *I, DemandedBits &DB) {
  Type *T = I->getType();
  if (!T->isIntOrIntVectorTy() || T->getScalarSizeInBits() <= 8)
    return false;
  APInt Demanded = DB.getDemandedBits(const_cast<Instruction *>(I));
  for (unsigned Bit = 0; Bit < Demanded.getBitWidth(); Bit += 8)
    if (Demanded.extractBits(8, Bit).isZero())
      return true;
  return false;
}

/// The constant other operand of an `and` or `or` whose operand `OpNo` is
/// the value followed; null for anything else.
const Constant *maskOperand(const Instruction *I, unsigned OpNo,
                            const DataLayout &DL) {
  if (!I || (I->getOpcode() != Instruction::And &&
             I->getOpcode() != Instruction::Or))
    return nullptr;
  auto *C = dyn_cast<Constant>(I->getOperand(1 - OpNo));
  // At -O0 a v128 constant may still be a bitcast expression.
  return C ? ConstantFoldConstant(C, DL) : nullptr;
}

/// The constant amount, in bits, a shift whose shifted operand is `OpNo`
/// moves every lane by; ~0u for anything else.
unsigned shiftAmount(const Instruction *I, unsigned OpNo) {
  if (!I || OpNo != 0 ||
      (I->getOpcode() != Instruction::Shl && I->getOpcode() != Instruction::LShr &&
       I->getOpcode() != Instruction::AShr))
    return ~0u;
  const APInt *Amount;
  if (!PatternMatch::match(I->getOperand(1), PatternMatch::m_APInt(Amount)) ||
      Amount->getZExtValue() >= I->getType()->getScalarSizeInBits())
    return ~0u;
  return unsigned(Amount->getZExtValue());
}

/// For each byte of a vector, the bytes of the load it may carry.
using ByteOrigins = SmallVector<SmallBitVector, 16>;

/// Whether instruction selection could load fewer bytes than `L` names, or
/// none. SelectionDAG narrows a load to the bytes its uses demand, so this
/// asks the same: follow the load's bytes through shuffles, inserts,
/// bitcasts and lane-wise operations to the uses that consume them
/// (extracts, stores, calls, anything else), and see whether every byte
/// arrives somewhere. An integer with a byte unused, and any vector on the
/// way with a byte unused in every lane (DemandedBits merges lanes), counts
/// as narrowed too.
bool mayBeNarrowed(LoadInst &L, DemandedBits &DB, const DataLayout &DL) {
  // A scalable vector (RISC-V V) has no lane count to drop lanes from.
  if (isa<ScalableVectorType>(L.getType()))
    return false;
  if (someByteUnused(&L, DB))
    return true;
  unsigned LoadBytes = DL.getTypeStoreSize(L.getType());
  SmallBitVector Demanded(LoadBytes);
  DenseMap<const Instruction *, ByteOrigins> Origins;
  SmallVector<const Instruction *, 16> Work;
  auto Reach = [&](const Instruction *I, const ByteOrigins &In) {
    auto [It, New] = Origins.try_emplace(I, ByteOrigins());
    ByteOrigins &Have = It->second;
    if (New)
      Have.assign(In.size(), SmallBitVector(LoadBytes));
    bool Grew = New;
    for (unsigned J = 0; J < In.size(); ++J)
      if ((In[J] & ~Have[J]).any()) {
        Have[J] |= In[J];
        Grew = true;
      }
    if (Grew)
      Work.push_back(I);
  };
  // Lanes and bytes per lane of a vector; {0, 0} for what is not modelled.
  auto Shape = [&](Type *T) -> std::pair<unsigned, unsigned> {
    auto *VT = dyn_cast<FixedVectorType>(T);
    if (!VT)
      return {0, 0};
    uint64_t Bits = DL.getTypeSizeInBits(VT->getElementType());
    return Bits % 8 ? std::pair<unsigned, unsigned>{0, 0}
                    : std::pair<unsigned, unsigned>{VT->getNumElements(),
                                                    unsigned(Bits / 8)};
  };
  auto Union = [&](const ByteOrigins &O, unsigned From, unsigned Count) {
    SmallBitVector U(LoadBytes);
    for (unsigned J = From; J < From + Count && J < O.size(); ++J)
      U |= O[J];
    return U;
  };

  if (L.getType()->isVectorTy()) {
    ByteOrigins Own(LoadBytes, SmallBitVector(LoadBytes));
    for (unsigned J = 0; J < LoadBytes; ++J)
      Own[J].set(J);
    Reach(&L, Own);
  } else {
    for (Use &Use : L.uses()) {
      // Reinterpreted as a vector: follow its bytes from there.
      if (const auto *Cast = dyn_cast<BitCastInst>(Use.getUser());
          Cast && isa<FixedVectorType>(Cast->getType()) &&
          DL.getTypeStoreSize(Cast->getType()) == LoadBytes) {
        ByteOrigins Own(LoadBytes, SmallBitVector(LoadBytes));
        for (unsigned J = 0; J < LoadBytes; ++J)
          Own[J].set(J);
        Reach(Cast, Own);
        continue;
      }
      const auto *Ins = dyn_cast<InsertElementInst>(Use.getUser());
      if (!Ins || Use.getOperandNo() != 1) {
        // A scalar use: the bytes it demands (a trunc, a shift by 8, a
        // mask each leave some out). DemandedBits answers for uses by
        // integer instructions only; anything else takes every byte.
        auto *UserI = dyn_cast<Instruction>(Use.getUser());
        if (!L.getType()->isIntegerTy() || !UserI ||
            !UserI->getType()->isIntOrIntVectorTy()) {
          Demanded.set();
          continue;
        }
        APInt Bits = DB.getDemandedBits(&Use);
        for (unsigned B = 0; B < LoadBytes; ++B)
          if (!Bits.extractBits(8, 8 * B).isZero())
            Demanded.set(B);
        continue;
      }
      const auto *Lane = dyn_cast<ConstantInt>(Ins->getOperand(2));
      auto [N, E] = Shape(Ins->getType());
      if (!Lane || Lane->getZExtValue() >= N || E != LoadBytes)
        return true;
      ByteOrigins In(N * E, SmallBitVector(LoadBytes));
      for (unsigned B = 0; B < E; ++B)
        In[Lane->getZExtValue() * E + B].set(B);
      Reach(Ins, In);
    }
  }

  constexpr unsigned Budget = 128;
  unsigned Steps = 0;
  while (!Work.empty() && !Demanded.all()) {
    const Instruction *V = Work.pop_back_val();
    // A byte unused in every lane (a shift by 8, a mask) is not loaded.
    if (++Steps > Budget || someByteUnused(V, DB))
      return true;
    const ByteOrigins Mine = Origins[V];
    auto [N, E] = Shape(V->getType());
    if (N == 0)
      return true;
    SmallBitVector All = Union(Mine, 0, N * E);
    for (const Use &U : V->uses()) {
      const auto *I = dyn_cast<Instruction>(U.getUser());
      auto [OutN, OutE] = I ? Shape(I->getType()) : std::pair<unsigned, unsigned>{0, 0};
      if (const auto *X = dyn_cast_or_null<ExtractElementInst>(I)) {
        const auto *Lane = dyn_cast<ConstantInt>(X->getIndexOperand());
        Demanded |= Lane && Lane->getZExtValue() < N
                         ? Union(Mine, Lane->getZExtValue() * E, E)
                         : All;
        if (someByteUnused(X, DB))
          return true;
      } else if (const auto *S = dyn_cast_or_null<ShuffleVectorInst>(I)) {
        // This operand's lanes: mask elements [0, N) or [N, 2N).
        unsigned From = U.getOperandNo() * N;
        ArrayRef<int> Mask = S->getShuffleMask();
        ByteOrigins Out(Mask.size() * E, SmallBitVector(LoadBytes));
        for (unsigned J = 0; J < Mask.size(); ++J)
          if (Mask[J] >= int(From) && Mask[J] < int(From + N))
            for (unsigned B = 0; B < E; ++B)
              Out[J * E + B] = Mine[(unsigned(Mask[J]) - From) * E + B];
        Reach(S, Out);
      } else if (const auto *Ins = dyn_cast_or_null<InsertElementInst>(I);
                 Ins && U.getOperandNo() == 0) {
        // Every lane passes through but the one overwritten.
        const auto *Lane = dyn_cast<ConstantInt>(Ins->getOperand(2));
        if (!Lane)
          return true;
        ByteOrigins Out = Mine;
        for (unsigned B = 0; B < E && Lane->getZExtValue() < N; ++B)
          Out[Lane->getZExtValue() * E + B].reset();
        Reach(Ins, Out);
      } else if (I && isa<BitCastInst>(I) && OutN * OutE == N * E) {
        Reach(I, Mine); // the same bytes
      } else if (const Constant *C = maskOperand(I, U.getOperandNo(), DL);
                 C && OutN == N && OutE == E) {
        // x & 0 and x | 0xff: those bytes of x are not used.
        ByteOrigins Out = Mine;
        bool IsAnd = I->getOpcode() == Instruction::And;
        for (unsigned Lane = 0; Lane < N; ++Lane) {
          auto *Elt = dyn_cast_or_null<ConstantInt>(C->getAggregateElement(Lane));
          for (unsigned B = 0; B < E && Elt; ++B) {
            uint64_t Byte = Elt->getValue().extractBitsAsZExtValue(8, 8 * B);
            if (Byte == (IsAnd ? 0 : 0xff))
              Out[Lane * E + B].reset();
          }
        }
        Reach(I, Out);
      } else if (I && isa<TruncInst>(I) && OutN) {
        return true; // bytes dropped from every lane
      } else if (I && I->isBitwiseLogicOp() && OutN == N && OutE == E) {
        Reach(I, Mine); // byte by byte
      } else if (unsigned Shift = shiftAmount(I, U.getOperandNo());
                 Shift != ~0u && OutN == N && OutE == E) {
        // Each result byte takes its bits from one source byte of the lane,
        // or two when the amount is not whole bytes; bytes shifted out are
        // unused, and an arithmetic shift copies the sign (the top byte).
        ByteOrigins Out(N * E, SmallBitVector(LoadBytes));
        bool Left = I->getOpcode() == Instruction::Shl;
        unsigned Whole = Shift / 8, Spill = Shift % 8 ? 1 : 0;
        for (unsigned Lane = 0; Lane < N; ++Lane)
          for (unsigned B = 0; B < E; ++B)
            for (unsigned Extra = 0; Extra <= Spill; ++Extra) {
              int From = Left ? int(B) - int(Whole + Extra)
                              : int(B + Whole + Extra);
              if (From >= 0 && From < int(E))
                Out[Lane * E + B] |= Mine[Lane * E + From];
              else if (!Left && I->getOpcode() == Instruction::AShr)
                Out[Lane * E + B] |= Mine[Lane * E + E - 1];
            }
        Reach(I, Out);
      } else if (I && (isa<ZExtInst>(I) || isa<SExtInst>(I)) && OutN == N) {
        // Each lane's bytes stay low; the new high bytes are zero, or
        // copies of the sign, which is in the top byte.
        ByteOrigins Out(OutN * OutE, SmallBitVector(LoadBytes));
        for (unsigned Lane = 0; Lane < N; ++Lane)
          for (unsigned B = 0; B < OutE; ++B)
            if (B < E)
              Out[Lane * OutE + B] = Mine[Lane * E + B];
            else if (isa<SExtInst>(I))
              Out[Lane * OutE + B] = Mine[Lane * E + E - 1];
        Reach(I, Out);
      } else if (OutN == N && !isa<PHINode>(I) && !isa<CallBase>(I)) {
        // Lane by lane (arithmetic, compares, conversions): each result
        // lane may carry all of its operand lane.
        ByteOrigins Out(OutN * OutE, SmallBitVector(LoadBytes));
        for (unsigned Lane = 0; Lane < N; ++Lane) {
          SmallBitVector In = Union(Mine, Lane * E, E);
          for (unsigned B = 0; B < OutE; ++B)
            Out[Lane * OutE + B] = In;
        }
        Reach(I, Out);
      } else {
        Demanded |= All; // stored, passed, returned, merged...
      }
    }
  }
  return !Demanded.all();
}

/// Whether the backend must leave `L` in its block, or move it only where
/// every path out of the block still runs it. MachineSink moves an
/// instruction down the dominator tree to a block that dominates all of its
/// uses (a successor, or a block below that, such as the join after an
/// if/else), a phi's use counting as one on the edge into the phi's block,
/// which it splits if it must; it sinks a load's users first and the load
/// with them. If a path out of the block misses that place (an early
/// return, one arm of a branch), the load, and its trap, are gone from that
/// path. So `L` is anchored when a use of it in its block stays (a store, a
/// call, the terminator, a select's condition, or a value that itself
/// stays), or when the nearest common dominator of its other uses is the
/// block itself or post-dominates it. Found by differential testing (seed
/// 4699): a value only a phi on one edge of two takes was sunk onto that
/// edge. Conservative: a load instruction selection would keep in place
/// anyway may be reported as not anchored.
bool anchoredInBlock(const LoadInst &L, const DominatorTree &DT,
                     const PostDominatorTree &PDT) {
  const BasicBlock *BB = L.getParent();
  const bool OneWayOut = BB->getSingleSuccessor() != nullptr;
  // Where the uses outside the block meet. A phi's use on an edge out of
  // BB lies in a block that edge would be split into, whose idom is BB; it
  // is tracked as the edge's target, alone, until another use meets it.
  const BasicBlock *Meet = nullptr;
  const BasicBlock *EdgeTo = nullptr;
  bool MeetsAtBB = false;
  auto UseAt = [&](const BasicBlock *Pos) {
    if (EdgeTo) {
      MeetsAtBB = true;
      return;
    }
    Meet = Meet ? DT.findNearestCommonDominator(Meet, Pos) : Pos;
  };
  SmallVector<const Instruction *, 8> Work{&L};
  SmallPtrSet<const Instruction *, 8> Seen{&L};
  while (!Work.empty()) {
    const Instruction *I = Work.pop_back_val();
    for (const Use &U : I->uses()) {
      const auto *UI = cast<Instruction>(U.getUser());
      if (const auto *P = dyn_cast<PHINode>(UI)) {
        const BasicBlock *From = P->getIncomingBlock(U);
        const BasicBlock *To = P->getParent();
        if (From != BB) {
          UseAt(From);
        } else if (OneWayOut) {
          return true; // at the end of BB, on its only way out
        } else if (To->getSinglePredecessor() == BB) {
          UseAt(To); // no split needed: the edge is To's start
        } else if (Meet || (EdgeTo && EdgeTo != To)) {
          MeetsAtBB = true; // a split edge's block meets others only at BB
        } else {
          EdgeTo = To;
        }
        continue;
      }
      if (UI->getParent() != BB) {
        UseAt(UI->getParent());
        continue;
      }
      // A select may become a branch (RISC-V has no conditional move), and
      // what only one of its arms uses sinks into that arm.
      if (isa<SelectInst>(UI) && U.getOperandNo() != 0)
        continue;
      if (UI->isTerminator() || UI->mayHaveSideEffects())
        return true;
      if (Seen.insert(UI).second)
        Work.push_back(UI);
    }
  }
  if (MeetsAtBB || Meet == BB)
    return true;
  if (EdgeTo || !Meet)
    return false; // onto one edge of several, or only select arms here
  return PDT.dominates(Meet, BB);
}

} // namespace

void addTrapKeeper(IRBuilder<> &B, LoadInst *L) {
  B.CreateAssumption(B.getTrue(),
                     {OperandBundleDef(KeeperTag, std::vector<Value *>{L})});
  B.CreateIntrinsic(Intrinsic::sideeffect, {}, {});
}

bool isRegionKeeper(const Instruction &I) {
  // Only trap keepers make llvm.sideeffect (no frontend of Kiln's does).
  const auto *II = dyn_cast<IntrinsicInst>(&I);
  return II && II->getIntrinsicID() == Intrinsic::sideeffect;
}

bool isTrapKeeper(const User *U) {
  auto *A = dyn_cast<AssumeInst>(U);
  if (!A || A->getNumOperandBundles() == 0 ||
      !PatternMatch::match(A->getArgOperand(0), PatternMatch::m_One()))
    return false;
  for (unsigned I = 0; I < A->getNumOperandBundles(); ++I)
    if (A->getOperandBundleAt(I).getTagName() != KeeperTag)
      return false;
  return true;
}

void dropTrapKeepers(Value *V) {
  SmallVector<Instruction *, 2> Keepers;
  for (User *U : V->users())
    if (isTrapKeeper(U) && cast<CallBase>(U)->getNumOperandBundles() == 1)
      Keepers.push_back(cast<Instruction>(U));
  for (Instruction *K : Keepers)
    K->eraseFromParent();
}

PreservedAnalyses GuardTrapsPass::run(Function &F,
                                      FunctionAnalysisManager &FAM) {
  if (F.arg_empty())
    return PreservedAnalyses::all();
  const Argument *Vmctx = F.getArg(0);
  SmallVector<Instruction *, 64> Keepers, Regions;
  for (Instruction &I : instructions(F))
    if (isTrapKeeper(&I))
      Keepers.push_back(&I);
    else if (isRegionKeeper(I))
      Regions.push_back(&I);
  // Nothing after this pass deletes code whole (instruction selection
  // would drop them anyway).
  for (Instruction *R : Regions)
    R->eraseFromParent();

  // The values the keepers held, and every instruction already unused (at
  // -O0 dead code is still there, and instruction selection drops it with
  // the loads it uses). A linear-memory load left without a use stays,
  // volatile; anything else without a use goes, and the loads only it used
  // are looked at in turn.
  SmallVector<WeakTrackingVH, 64> Held;
  // A load a keeper held is a linear-memory access whatever its address
  // looks like now: never deleted.
  SmallPtrSet<const Value *, 32> KeptLoads;
  for (Instruction *K : Keepers) {
    auto *CB = cast<CallBase>(K);
    for (unsigned B = 0; B < CB->getNumOperandBundles(); ++B)
      for (const Use &U : CB->getOperandBundleAt(B).Inputs) {
        Held.push_back(U.get());
        if (isa<LoadInst>(U.get()))
          KeptLoads.insert(U.get());
      }
    K->eraseFromParent();
  }
  for (Instruction &I : instructions(F))
    if (I.use_empty())
      Held.push_back(&I);
  bool Changed = !Keepers.empty() || !Regions.empty();
  while (!Held.empty()) {
    auto *I = dyn_cast_or_null<Instruction>(Held.pop_back_val());
    if (!I || !I->use_empty())
      continue;
    if (auto *L = dyn_cast<LoadInst>(I);
        L && (KeptLoads.count(L) || isLinearMemoryLoad(*L, Vmctx))) {
      L->setVolatile(true);
      continue;
    }
    if (!isInstructionTriviallyDead(I))
      continue;
    for (Value *Op : I->operands())
      Held.push_back(Op);
    I->eraseFromParent();
  }

  // Loads instruction selection could narrow, or drop for want of a use.
  auto &AC = FAM.getResult<AssumptionAnalysis>(F);
  auto &DT = FAM.getResult<DominatorTreeAnalysis>(F);
  auto &PDT = FAM.getResult<PostDominatorTreeAnalysis>(F);
  DemandedBits DB(F, AC, DT);
  // A volatile load is emitted as is, except that x86's shuffle combines
  // still fold one into a narrower extending load; a volatile store of the
  // whole value to a stack slot demands every byte, so a load that could be
  // narrowed also gets one.
  SmallVector<LoadInst *, 8> Partial;
  for (Instruction &I : instructions(F)) {
    auto *L = dyn_cast<LoadInst>(&I);
    if (!L || L->isVolatile() || !isLinearMemoryLoad(*L, Vmctx))
      continue;
    if (L->use_empty()) {
      L->setVolatile(true);
      Changed = true;
    } else if (!anchoredInBlock(*L, DT, PDT) ||
               mayBeNarrowed(*L, DB, F.getDataLayout())) {
      // Volatile alone is not enough for a load nothing anchors: x86 folds
      // it into a conditional move, which its cmov converter then turns
      // into a branch with the load on one side (found by differential
      // testing: a select of a loaded value).
      Partial.push_back(L);
    }
  }
  DenseMap<Type *, AllocaInst *> Slots;
  for (LoadInst *L : Partial) {
    AllocaInst *&Slot = Slots[L->getType()];
    if (!Slot) {
      IRBuilder<> Entry(&*F.getEntryBlock().getFirstInsertionPt());
      Slot = Entry.CreateAlloca(L->getType(), nullptr, "kiln.keep");
    }
    L->setVolatile(true);
    IRBuilder<> After(L->getNextNode());
    After.CreateAlignedStore(L, Slot, Slot->getAlign(), /*isVolatile=*/true);
    Changed = true;
  }
  return preservedUnlessChanged(Changed);
}

} // namespace kiln::codegen
