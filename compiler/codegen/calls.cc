//===- compiler/codegen/calls.cc - Direct, imported and indirect calls ----===//
//
// Defined functions are called directly. Imported functions go through
// VMContext::ImportedFuncs (code pointer + the callee's context), which the
// runtime fills with another instance's function or a host function's exit
// trampoline. call_indirect checks the table bound, null, and the canonical
// signature id before calling, trapping with the spec's messages.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/function_lowering.h"

namespace kiln::codegen {

void FunctionLowering::emitCall(llvm::FunctionCallee Callee,
                                llvm::Value *CalleeCtx,
                                const wasm::FuncType &T) {
  if (ModuleLowering::usesSlots(T)) { // kiln/abi.h: values in slots
    std::vector<llvm::Value *> Args = popN(T.Params.size());
    llvm::Value *Slots =
        callSlots(std::max(T.Params.size(), T.Results.size()));
    for (unsigned K = 0; K < Args.size(); ++K)
      B.CreateAlignedStore(Args[K], ModuleLowering::slotAddr(B, Slots, K),
                           llvm::Align(8));
    llvm::CallInst *Call = B.CreateCall(Callee, {CalleeCtx, Slots});
    Call->setTailCallKind(llvm::CallInst::TCK_NoTail); // as below
    for (unsigned K = 0; K < T.Results.size(); ++K)
      push(B.CreateAlignedLoad(ML.type(T.Results[K]),
                               ModuleLowering::slotAddr(B, Slots, K),
                               llvm::Align(8)));
    return;
  }
  std::vector<llvm::Value *> Args = popN(T.Params.size());
  Args.insert(Args.begin(), CalleeCtx);
  llvm::CallInst *Call = B.CreateCall(Callee, Args);
  // Never turn a Wasm call into a jump: tail-recursion elimination would make
  // unbounded recursion loop forever instead of exhausting the stack, which
  // the spec (and a latency budget) requires to trap.
  Call->setTailCallKind(llvm::CallInst::TCK_NoTail);
  if (T.Results.size() == 1) {
    push(Call);
  } else {
    for (unsigned K = 0; K < T.Results.size(); ++K)
      push(B.CreateExtractValue(Call, K));
  }
}

void FunctionLowering::lowerCall(const wasm::Instr &I) {
  if (I.Opcode == wasm::Op::Call) {
    const wasm::FuncType &T = M.funcType(I.Index);
    if (!M.isImportedFunc(I.Index)) {
      emitCall(ML.function(I.Index), Vmctx, T);
      return;
    }
    unsigned P = ML.options().PtrBytes;
    llvm::Value *Imports = ML.loadInvariantPtr(
        B, ML.fieldAddr(B, Vmctx, abi::VMField::ImportedFuncs));
    llvm::Value *Entry = B.CreateConstInBoundsGEP1_32(
        B.getInt8Ty(), Imports, I.Index * abi::importedFuncSize(P));
    llvm::Value *Code = ML.loadInvariantPtr(
        B, B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), Entry,
                                        abi::importedFuncCode(P)));
    llvm::Value *Ctx = ML.loadInvariantPtr(
        B, B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), Entry,
                                        abi::importedFuncCtx(P)));
    emitCall(llvm::FunctionCallee(ML.functionType(T), Code), Ctx, T);
    return;
  }

  // call_indirect typeidx tableidx
  const wasm::FuncType &T = M.Types[I.Index];
  unsigned P = ML.options().PtrBytes;
  llvm::Value *Index = pop();
  llvm::Value *Desc = tableDesc(I.Index2);
  llvm::LoadInst *Size = B.CreateAlignedLoad(
      B.getInt32Ty(),
      B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), Desc, abi::tableSize(P)),
      llvm::Align(4));
  ML.tagTable(Size);
  trapIf(B.CreateICmpUGE(Index, Size), TrapCode::UndefinedElement);
  llvm::LoadInst *Elem =
      B.CreateAlignedLoad(ML.ptrTy(), tableElemAddr(I.Index2, Index),
                          llvm::Align(P));
  ML.tagTable(Elem);
  trapIf(B.CreateIsNull(Elem), TrapCode::UninitializedElement);
  llvm::LoadInst *SigId = B.CreateAlignedLoad(
      B.getInt32Ty(),
      B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), Elem, abi::funcRefSigId(P)),
      llvm::Align(4));
  ML.tagVmctx(SigId);
  llvm::Value *SigIds =
      ML.loadInvariantPtr(B, ML.fieldAddr(B, Vmctx, abi::VMField::SigIds));
  llvm::LoadInst *Expected = B.CreateAlignedLoad(
      B.getInt32Ty(),
      B.CreateConstInBoundsGEP1_32(B.getInt32Ty(), SigIds, I.Index),
      llvm::Align(4));
  Expected->setMetadata(llvm::LLVMContext::MD_invariant_load,
                        llvm::MDNode::get(C, {}));
  ML.tagVmctx(Expected);
  trapIf(B.CreateICmpNE(SigId, Expected), TrapCode::IndirectCallMismatch);
  llvm::LoadInst *Code = B.CreateAlignedLoad(
      ML.ptrTy(),
      B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), Elem, abi::funcRefCode(P)),
      llvm::Align(P));
  ML.tagVmctx(Code);
  llvm::LoadInst *Ctx = B.CreateAlignedLoad(
      ML.ptrTy(),
      B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), Elem, abi::funcRefCtx(P)),
      llvm::Align(P));
  ML.tagVmctx(Ctx);
  emitCall(llvm::FunctionCallee(ML.functionType(T), Code), Ctx, T);
}

} // namespace kiln::codegen
