//===- compiler/codegen/interrupt_polls.cc - Stopping points --------------===//

#include "compiler/codegen/interrupt_polls.h"

#include "compiler/codegen/loop_size.h"
#include "kiln/abi.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

namespace kiln::codegen {

namespace {

enum : uint32_t {
  InterruptCheckBuiltin = 12, // kiln/builtins.def
};

/// Whether `V` is a builtin's address: Builtins[i], loaded from the table
/// the context points at (kiln/abi.h), as function lowering calls them.
bool isBuiltinAddress(const llvm::Value *V, unsigned PtrBytes) {
  const auto *Entry = llvm::dyn_cast<llvm::LoadInst>(V);
  if (!Entry)
    return false;
  const auto *Slot =
      llvm::dyn_cast<llvm::GetElementPtrInst>(Entry->getPointerOperand());
  const llvm::Value *Table = Slot ? Slot->getPointerOperand()
                                  : Entry->getPointerOperand();
  const auto *TableLoad = llvm::dyn_cast<llvm::LoadInst>(Table);
  if (!TableLoad)
    return false;
  const auto *Field = llvm::dyn_cast<llvm::GetElementPtrInst>(
      TableLoad->getPointerOperand());
  if (!Field || Field->getNumIndices() != 1)
    return false;
  const auto *Off = llvm::dyn_cast<llvm::ConstantInt>(Field->getOperand(1));
  return Off && Off->getZExtValue() ==
                    abi::vmOffset(abi::VMField::Builtins, PtrBytes);
}

/// A call that may run for long: one that can reach Wasm code (a direct or
/// indirect call, an import). Intrinsics, builtins (short, or polling
/// themselves) and calls that never return (traps) are not.
bool mayRunLong(const llvm::Instruction &I, unsigned PtrBytes) {
  const auto *CB = llvm::dyn_cast<llvm::CallBase>(&I);
  if (!CB || CB->doesNotReturn())
    return false;
  if (const llvm::Function *Callee = CB->getCalledFunction())
    return !Callee->isIntrinsic();
  return !isBuiltinAddress(CB->getCalledOperand(), PtrBytes);
}

bool hasLongCall(const llvm::Loop &L, unsigned PtrBytes) {
  for (const llvm::BasicBlock *BB : L.blocks())
    for (const llvm::Instruction &I : *BB)
      if (mayRunLong(I, PtrBytes))
        return true;
  return false;
}

/// An innermost loop that always finishes within ShortLoopWork instructions.
bool isShortLoop(llvm::Loop &L, llvm::ScalarEvolution &SE, unsigned PtrBytes) {
  if (!L.isInnermost() || hasLongCall(L, PtrBytes))
    return false;
  const llvm::SCEV *Max = SE.getConstantMaxBackedgeTakenCount(&L);
  const auto *C = llvm::dyn_cast<llvm::SCEVConstant>(Max);
  if (!C || C->getAPInt().getActiveBits() > 32)
    return false;
  uint64_t Trips = C->getAPInt().getZExtValue() + 1;
  return Trips * loopInstructionCount(L) <=
         InterruptPollsPass::ShortLoopWork;
}

class PollInserter {
public:
  explicit PollInserter(llvm::Function &F)
      : F(F), C(F.getContext()), Vmctx(F.getArg(0)),
        PtrBytes(F.getParent()->getDataLayout().getPointerSize()),
        WordTy(llvm::IntegerType::get(C, PtrBytes * 8)) {}

  /// Polls just before `At`: its block splits into the poll and the rest,
  /// and a cold block between them calls the check.
  void pollBefore(llvm::Instruction *At) {
    llvm::BasicBlock &BB = *At->getParent();
    llvm::BasicBlock *Rest = llvm::SplitBlock(&BB, At);
    BB.getTerminator()->eraseFromParent();
    llvm::BasicBlock *Slow =
        llvm::BasicBlock::Create(C, "interrupt.check", &F, Rest);

    llvm::IRBuilder<> B(&BB);
    llvm::Value *Addr = B.CreateConstInBoundsGEP1_32(
        B.getInt8Ty(), Vmctx,
        abi::vmOffset(abi::VMField::Interrupt, PtrBytes));
    // Volatile, so that neither LLVM nor the backend hoists it out of the
    // loop it guards, while x86 can still fold it into `cmp $0, mem` (an
    // atomic load it would not fold, and the poll would take a register).
    // An aligned word load is single-copy atomic on every target.
    llvm::LoadInst *Word = B.CreateAlignedLoad(WordTy, Addr,
                                               llvm::Align(PtrBytes),
                                               /*isVolatile=*/true, "interrupt");
    B.CreateCondBr(B.CreateIsNotNull(Word), Slow, Rest,
                   llvm::MDBuilder(C).createUnlikelyBranchWeights());

    B.SetInsertPoint(Slow);
    llvm::CallInst *Call;
    if (hasPreserveAll()) {
      Call = B.CreateCall(thunk(), {Vmctx});
      Call->setCallingConv(thunk()->getCallingConv());
    } else {
      // The builtin itself: its return address names the polling function
      // where the runtime has no frame walk (32-bit ARM, RISC-V).
      Call = B.CreateCall(checkType(), loadCheck(B, Vmctx),
                          {Vmctx, B.getInt32(0)});
    }
    Call->addFnAttr(llvm::Attribute::Cold);
    B.CreateBr(Rest);
  }

private:
  /// The slow path's callee: a cold function of the module that calls the
  /// InterruptCheck builtin. Where LLVM has it, it uses the preserve_all
  /// convention, so a poll inside a loop clobbers no register: the loop's
  /// register allocation stays what it was without the poll (a plain call
  /// there costs a CSV parser's byte loops 15 %).
  llvm::Function *thunk() {
    llvm::Module &LM = *F.getParent();
    if (llvm::Function *T = LM.getFunction(ThunkName))
      return T;
    llvm::Type *Ptr = llvm::PointerType::get(C, 0);
    // The context only: an argument register set up for the call would be
    // clobbered on the loop's path too.
    auto *Ty = llvm::FunctionType::get(llvm::Type::getVoidTy(C), {Ptr}, false);
    llvm::Function *T = llvm::Function::Create(
        Ty, llvm::GlobalValue::InternalLinkage, ThunkName, LM);
    T->setCallingConv(llvm::CallingConv::PreserveAll);
    // What every generated function has: the CPU and features, a frame
    // pointer (the trap's backtrace walks through this frame), no unwind.
    for (const char *A : {"target-cpu", "target-features"})
      if (F.hasFnAttribute(A))
        T->addFnAttr(F.getFnAttribute(A));
    T->addFnAttr("frame-pointer", "all");
    T->addFnAttr(llvm::Attribute::NoUnwind);
    T->addFnAttr(llvm::Attribute::NoInline);
    T->addFnAttr(llvm::Attribute::Cold);
    llvm::IRBuilder<> B(llvm::BasicBlock::Create(C, "entry", T));
    llvm::Value *Ctx = T->getArg(0);
    B.CreateCall(checkType(), loadCheck(B, Ctx), {Ctx, B.getInt32(0)});
    B.CreateRetVoid();
    return T;
  }

  /// LLVM has the preserve_all convention for x86-64 and AArch64 (where
  /// the runtime also walks frames, so the thunk's frame is no loss).
  bool hasPreserveAll() const {
    llvm::Triple::ArchType A =
        llvm::Triple(F.getParent()->getTargetTriple()).getArch();
    return A == llvm::Triple::x86_64 || A == llvm::Triple::aarch64;
  }

  llvm::FunctionType *checkType() const {
    return llvm::FunctionType::get(llvm::Type::getVoidTy(C),
                                   {llvm::PointerType::get(C, 0),
                                    llvm::Type::getInt32Ty(C)},
                                   false);
  }

  /// Builtins[InterruptCheck] of context `Ctx`.
  llvm::Value *loadCheck(llvm::IRBuilder<> &B, llvm::Value *Ctx) const {
    llvm::Type *Ptr = B.getPtrTy();
    llvm::Value *Table = B.CreateAlignedLoad(
        Ptr,
        B.CreateConstInBoundsGEP1_32(
            B.getInt8Ty(), Ctx, abi::vmOffset(abi::VMField::Builtins, PtrBytes)),
        llvm::Align(PtrBytes));
    return B.CreateAlignedLoad(
        Ptr, B.CreateConstInBoundsGEP1_32(Ptr, Table, InterruptCheckBuiltin),
        llvm::Align(PtrBytes));
  }

  static constexpr const char *ThunkName = "kiln_interrupt_check";

  llvm::Function &F;
  llvm::LLVMContext &C;
  llvm::Value *Vmctx;
  unsigned PtrBytes;
  llvm::IntegerType *WordTy;
};

} // namespace

/// Polls one Wasm function; whether it changed.
static bool pollFunction(llvm::Function &F,
                         llvm::FunctionAnalysisManager &FAM) {

  unsigned PtrBytes = F.getParent()->getDataLayout().getPointerSize();
  llvm::LoopInfo &LI = FAM.getResult<llvm::LoopAnalysis>(F);

  // Decide everything before changing the CFG. Scalar evolution only for
  // functions with loops: most functions have none, and building it is
  // most of this pass's cost per function.
  llvm::SmallVector<llvm::BasicBlock *, 16> Headers;
  if (!LI.empty()) {
    llvm::ScalarEvolution &SE =
        FAM.getResult<llvm::ScalarEvolutionAnalysis>(F);
    for (llvm::Loop *L : LI.getLoopsInPreorder())
      if (!isShortLoop(*L, SE, PtrBytes))
        Headers.push_back(L->getHeader());
  }
  bool PollEntry = false;
  for (const llvm::BasicBlock &BB : F)
    for (const llvm::Instruction &I : BB)
      PollEntry |= mayRunLong(I, PtrBytes);

  PollInserter P(F);
  for (llvm::BasicBlock *H : Headers)
    P.pollBefore(&*H->getFirstInsertionPt());
  if (PollEntry) {
    // After the entry block's allocas, which must stay in it to remain
    // static (at -O0 every local is one).
    llvm::BasicBlock::iterator At = F.getEntryBlock().getFirstInsertionPt();
    while (llvm::isa<llvm::AllocaInst>(*At))
      ++At;
    P.pollBefore(&*At);
  }
  return !Headers.empty() || PollEntry;
}

llvm::PreservedAnalyses InterruptPollsPass::run(llvm::Module &M,
                                                llvm::ModuleAnalysisManager &MAM) {
  llvm::FunctionAnalysisManager &FAM =
      MAM.getResult<llvm::FunctionAnalysisManagerModuleProxy>(M).getManager();
  // Only Wasm functions: trampolines run no loops and are bounded. (The
  // list first: polling adds the check's thunk to the module.)
  std::vector<llvm::Function *> Wasm;
  for (llvm::Function &F : M)
    if (!F.isDeclaration() && F.getName().starts_with(abi::FuncSymbolPrefix))
      Wasm.push_back(&F);
  bool Changed = false;
  for (llvm::Function *F : Wasm) {
    Changed |= pollFunction(*F, FAM);
    // Nothing after this pass uses the function's analyses: dropping them
    // now keeps the peak memory of a module of 100,000 functions to one
    // function's loop info and scalar evolution, not all of theirs (20 KB
    // each; it was most of kiln compile's memory for such modules).
    FAM.clear(*F, F->getName());
  }
  return Changed ? llvm::PreservedAnalyses::none()
                 : llvm::PreservedAnalyses::all();
}

} // namespace kiln::codegen
