//===- compiler/codegen/function_lowering.cc - One Wasm function ----------===//

#include "compiler/codegen/function_lowering.h"

#include "compiler/codegen/wasm_locations.h"

#include "llvm/IR/Intrinsics.h"

namespace kiln::codegen {

using wasm::Op;
using wasm::OpCategory;

FunctionLowering::FunctionLowering(ModuleLowering &ML,
                                   const wasm::ModuleContext &Ctx,
                                   const wasm::Features &F, uint32_t FuncIndex)
    : ML(ML), M(ML.wasm()), Ctx(Ctx), F(F), FuncIndex(FuncIndex),
      Fn(ML.function(FuncIndex)), C(ML.context()), B(C), Numeric(B, *this),
      Simd(B, ML.v128Ty(), ML.options().X86Simd),
      Validator(Ctx, FuncIndex) {}

llvm::BasicBlock *FunctionLowering::newBlock(const char *Name) {
  return llvm::BasicBlock::Create(C, Name, Fn);
}

llvm::AllocaInst *FunctionLowering::entryAlloca(llvm::Type *Ty) {
  // At the front: the entry block's allocas stay ahead of its stores, so
  // that the entry poll (interrupt_polls.cc), placed after them, never
  // moves an alloca out of the entry block (where -O0 leaves them).
  llvm::IRBuilder<> AB(EntryBlock, EntryBlock->begin());
  return AB.CreateAlloca(Ty);
}

llvm::AllocaInst *FunctionLowering::local(uint32_t Index) {
  llvm::AllocaInst *&A = Locals[Index];
  if (A)
    return A;
  const wasm::FuncType &T = M.funcType(FuncIndex);
  // The validator has checked the index.
  llvm::Type *Ty = ML.type(*Validator.localType(Index));
  A = entryAlloca(Ty);
  llvm::IRBuilder<> EB(EntryBlock->getTerminator());
  llvm::Value *Init = llvm::Constant::getNullValue(Ty);
  if (Index < T.Params.size())
    Init = ParamSlots ? static_cast<llvm::Value *>(EB.CreateAlignedLoad(
                            Ty, ModuleLowering::slotAddr(EB, ParamSlots, Index),
                            llvm::Align(8)))
                      : Fn->getArg(Index + 1);
  EB.CreateStore(Init, A);
  return A;
}

llvm::Value *FunctionLowering::callSlots(size_t N) {
  N = std::max<size_t>(N, 1);
  llvm::Type *Ty = llvm::ArrayType::get(B.getInt8Ty(), N * abi::ValSlotBytes);
  if (!CallSlots) {
    CallSlots = entryAlloca(Ty);
    CallSlots->setAlignment(llvm::Align(16));
  } else if (N > CallSlotCount) {
    CallSlots->setAllocatedType(Ty); // calls are sequential: one array
  }
  CallSlotCount = std::max(CallSlotCount, N);
  return CallSlots;
}

std::vector<llvm::Value *> FunctionLowering::popN(size_t N) {
  std::vector<llvm::Value *> Vs(Stack.end() - N, Stack.end());
  Stack.resize(Stack.size() - N);
  return Vs;
}

void FunctionLowering::trapIf(llvm::Value *Cond, TrapCode Code) {
  llvm::BasicBlock *Trap = newBlock("trap");
  llvm::BasicBlock *Cont = newBlock("cont");
  B.CreateCondBr(Cond, Trap, Cont, ML.coldWeights());
  B.SetInsertPoint(Trap);
  callBuiltin(BuiltinId::Trap,
              {B.getInt32(uint32_t(Code)), B.getInt32(CurrentOffset)});
  B.CreateUnreachable();
  B.SetInsertPoint(Cont);
}

llvm::Value *FunctionLowering::callBuiltin(BuiltinId Id,
                                           std::vector<llvm::Value *> Args) {
  Args.insert(Args.begin(), Vmctx);
  llvm::CallInst *Call =
      B.CreateCall(ML.builtinType(Id), ML.builtin(B, Vmctx, Id), Args);
  if (Id == BuiltinId::Trap) {
    Call->setDoesNotReturn();
    Call->setCallingConv(llvm::CallingConv::C);
  }
  return Call;
}

void FunctionLowering::emitStackCheck() {
  // Deterministic stack exhaustion: compare this frame's stack pointer with
  // the limit the runtime set for the current call, instead of running into
  // the native stack's guard page.
  llvm::Value *Sp = B.CreateIntrinsic(llvm::Intrinsic::stacksave,
                                      {ML.ptrTy()}, {});
  llvm::LoadInst *Limit = B.CreateAlignedLoad(
      ML.intPtrTy(), ML.fieldAddr(B, Vmctx, abi::VMField::StackLimit),
      llvm::Align(ML.options().PtrBytes));
  ML.tagVmctx(Limit);
  trapIf(B.CreateICmpULT(B.CreatePtrToInt(Sp, ML.intPtrTy()), Limit),
         TrapCode::StackOverflow);
}

Error FunctionLowering::run() {
  const wasm::FuncType &T = M.funcType(FuncIndex);
  const wasm::FuncBody &Body = M.body(FuncIndex);
  // Locals live in allocas of the entry block (local() adds them as they
  // are first named); SROA/mem2reg turn them into SSA values.
  EntryBlock = newBlock("entry");
  llvm::BasicBlock *Start = newBlock("start");
  llvm::BranchInst::Create(Start, EntryBlock);
  B.SetInsertPoint(Start);
  const WasmLocations *Locs = ML.locations();
  // The prologue (stack check, fuel) is the function's first instruction.
  if (Locs)
    B.SetCurrentDebugLocation(Locs->at(FuncIndex, Body.CodeStart));
  Vmctx = Fn->getArg(0);
  Fn->getArg(0)->setName("vmctx");
  if (ModuleLowering::usesSlots(T)) {
    ParamSlots = Fn->getArg(1);
    ParamSlots->setName("slots");
  }
  emitStackCheck();
  if (ML.options().Fuel)
    checkFuel();

  Frame Func;
  Func.Kind = Op::Nop;
  Func.Results = T.Results;
  Func.Merge = newBlock("return");
  {
    llvm::IRBuilder<> PB(Func.Merge);
    for (wasm::ValType R : T.Results)
      Func.MergePhis.push_back(PB.CreatePHI(ML.type(R), 2));
  }
  Frames.push_back(std::move(Func));

  wasm::Reader R = wasm::Reader(M.Bytes).window(Body.CodeStart,
                                                Body.End - Body.CodeStart);
  wasm::OpReader Ops(R, F);
  wasm::Instr I;
  while (!Ops.atEnd()) {
    if (Error E = Ops.next(I))
      return std::move(E).inFunction(FuncIndex).inSection("code");
    if (Error E = Validator.step(I))
      return std::move(E).inSection("code");
    CurrentOffset = uint32_t(I.Offset);
    if (Locs)
      B.SetCurrentDebugLocation(Locs->at(FuncIndex, I.Offset));
    if (ML.options().Fuel && Live)
      countFuel(I);
    if (Error E = Live ? lower(I) : (lowerDead(I), Error::success()))
      return std::move(E).atOffset(I.Offset).inFunction(FuncIndex);
    if (ML.options().Fuel && Live)
      checkFuelAfter(I);
  }
  if (!Validator.done())
    return Error::make(ErrorKind::Malformed,
                       "END opcode expected: the body ends inside a block")
        .atOffset(Body.End)
        .inFunction(FuncIndex)
        .inSection("code");
  return Error::success();
}

void FunctionLowering::lowerDead(const wasm::Instr &I) {
  switch (I.Opcode) {
  case Op::Block:
  case Op::Loop:
  case Op::If: {
    Frame Dead;
    Dead.Kind = I.Opcode;
    Dead.Live = false;
    Dead.Height = Stack.size();
    Frames.push_back(std::move(Dead));
    return;
  }
  case Op::Else:
    if (Frames.back().Live)
      lowerElse();
    return;
  case Op::End:
    if (Frames.back().Live)
      closeFrame();
    else
      Frames.pop_back();
    return;
  default:
    return; // dead code: validated, not emitted
  }
}

Error FunctionLowering::lower(const wasm::Instr &I) {
  const wasm::OpInfo &Info = wasm::opInfo(I.Opcode);
  switch (Info.Category) {
  case OpCategory::Control:
    lowerControl(I);
    return Error::success();
  case OpCategory::Call:
    lowerCall(I);
    return Error::success();
  case OpCategory::Parametric:
    lowerParametric(I);
    return Error::success();
  case OpCategory::Variable:
    lowerVariable(I);
    return Error::success();
  case OpCategory::Table:
    lowerTable(I);
    return Error::success();
  case OpCategory::Reference:
    lowerReference(I);
    return Error::success();
  case OpCategory::Memory:
    lowerMemoryOp(I);
    return Error::success();
  case OpCategory::Load:
    lowerLoad(I);
    return Error::success();
  case OpCategory::Store:
    lowerStore(I);
    return Error::success();
  case OpCategory::Const:
    lowerConst(I);
    return Error::success();
  case OpCategory::Unary:
  case OpCategory::Test:
  case OpCategory::Convert: {
    llvm::Value *X = pop();
    push(Numeric.lowerUnary(I.Opcode, X));
    return Error::success();
  }
  case OpCategory::Binary:
  case OpCategory::Compare: {
    llvm::Value *Y = pop();
    llvm::Value *X = pop();
    push(Numeric.lowerBinary(I.Opcode, X, Y));
    return Error::success();
  }
  case OpCategory::SimdLoad:
    lowerSimdLoad(I);
    return Error::success();
  case OpCategory::SimdStore:
    lowerSimdStore(I);
    return Error::success();
  case OpCategory::SimdLoadLane:
  case OpCategory::SimdStoreLane:
    lowerSimdLane(I);
    return Error::success();
  case OpCategory::SimdConst:
  case OpCategory::SimdShuffle:
  case OpCategory::SimdSwizzle:
  case OpCategory::SimdSplat:
  case OpCategory::SimdExtractLane:
  case OpCategory::SimdReplaceLane:
  case OpCategory::SimdCompare:
  case OpCategory::SimdBitwise:
  case OpCategory::SimdTest:
  case OpCategory::SimdShift:
  case OpCategory::SimdUnary:
  case OpCategory::SimdBinary:
  case OpCategory::SimdConvert:
  case OpCategory::SimdRelaxed: {
    size_t Arity = (Info.P0 != wasm::OpType::Void) +
                   (Info.P1 != wasm::OpType::Void) +
                   (Info.P2 != wasm::OpType::Void);
    std::vector<llvm::Value *> Args = popN(Arity);
    if (llvm::Value *R = Simd.lower(I, Args))
      push(R);
    return Error::success();
  }
  }
  KILN_UNREACHABLE("unhandled opcode category");
}

} // namespace kiln::codegen
