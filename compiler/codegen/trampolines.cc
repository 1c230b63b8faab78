//===- compiler/codegen/trampolines.cc - C++ <-> Wasm crossings -----------===//

#include "compiler/codegen/trampolines.h"

namespace kiln::codegen {

std::string entrySymbol(uint32_t TypeIndex) {
  return std::string(abi::EntrySymbolPrefix) + std::to_string(TypeIndex);
}
std::string exitSymbol(uint32_t TypeIndex) {
  return std::string(abi::ExitSymbolPrefix) + std::to_string(TypeIndex);
}

static llvm::Function *declare(ModuleLowering &ML, llvm::FunctionType *Ty,
                               const std::string &Name) {
  llvm::Function *F = llvm::Function::Create(
      Ty, llvm::GlobalValue::ExternalLinkage, Name, ML.module());
  F->setVisibility(llvm::GlobalValue::HiddenVisibility);
  F->setDSOLocal(true);
  return F;
}

static llvm::Value *slot(llvm::IRBuilder<> &B, llvm::Value *Slots,
                         unsigned Index) {
  return B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), Slots,
                                      Index * abi::ValSlotBytes);
}

static void emitEntry(ModuleLowering &ML, uint32_t TypeIndex) {
  const wasm::FuncType &T = ML.wasm().Types[TypeIndex];
  llvm::LLVMContext &C = ML.context();
  llvm::Type *Ptr = ML.ptrTy();
  llvm::FunctionType *Ty = llvm::FunctionType::get(
      llvm::Type::getVoidTy(C), {Ptr, Ptr, Ptr}, false);
  llvm::Function *F = declare(ML, Ty, entrySymbol(TypeIndex));
  llvm::IRBuilder<> B(llvm::BasicBlock::Create(C, "entry", F));
  llvm::Value *Code = F->getArg(0), *Ctx = F->getArg(1), *Slots = F->getArg(2);
  std::vector<llvm::Value *> Args{Ctx};
  for (unsigned I = 0; I < T.Params.size(); ++I)
    Args.push_back(B.CreateAlignedLoad(ML.type(T.Params[I]), slot(B, Slots, I),
                                       llvm::Align(8)));
  llvm::CallInst *Call = B.CreateCall(ML.functionType(T), Code, Args);
  for (unsigned I = 0; I < T.Results.size(); ++I) {
    llvm::Value *V =
        T.Results.size() == 1 ? Call : B.CreateExtractValue(Call, I);
    B.CreateAlignedStore(V, slot(B, Slots, I), llvm::Align(8));
  }
  B.CreateRetVoid();
}

static void emitExit(ModuleLowering &ML, uint32_t TypeIndex) {
  const wasm::FuncType &T = ML.wasm().Types[TypeIndex];
  llvm::LLVMContext &C = ML.context();
  llvm::Function *F = declare(ML, ML.functionType(T), exitSymbol(TypeIndex));
  llvm::IRBuilder<> B(llvm::BasicBlock::Create(C, "entry", F));
  llvm::Value *HostCtx = F->getArg(0);
  size_t N = std::max<size_t>({T.Params.size(), T.Results.size(), 1});
  llvm::AllocaInst *Slots = B.CreateAlloca(
      llvm::ArrayType::get(B.getInt8Ty(), N * abi::ValSlotBytes));
  Slots->setAlignment(llvm::Align(16));
  for (unsigned I = 0; I < T.Params.size(); ++I)
    B.CreateAlignedStore(F->getArg(I + 1), slot(B, Slots, I), llvm::Align(8));
  B.CreateCall(ML.builtinType(BuiltinId::HostCall),
               ML.builtin(B, HostCtx, BuiltinId::HostCall), {HostCtx, Slots});
  if (T.Results.empty()) {
    B.CreateRetVoid();
    return;
  }
  llvm::Value *Ret = llvm::UndefValue::get(F->getReturnType());
  for (unsigned I = 0; I < T.Results.size(); ++I) {
    llvm::Value *V = B.CreateAlignedLoad(ML.type(T.Results[I]),
                                         slot(B, Slots, I), llvm::Align(8));
    Ret = T.Results.size() == 1 ? V : B.CreateInsertValue(Ret, V, I);
  }
  B.CreateRet(Ret);
}

void emitTrampolines(ModuleLowering &ML) {
  for (uint32_t I = 0; I < ML.wasm().Types.size(); ++I) {
    emitEntry(ML, I);
    emitExit(ML, I);
  }
}

} // namespace kiln::codegen
