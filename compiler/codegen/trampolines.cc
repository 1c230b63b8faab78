//===- compiler/codegen/trampolines.cc - C++ <-> Wasm crossings -----------===//

#include "compiler/codegen/trampolines.h"

#include <string_view>
#include <unordered_map>

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
  return ModuleLowering::slotAddr(B, Slots, Index);
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
  if (ModuleLowering::usesSlots(T)) { // the function reads the slots itself
    B.CreateCall(ML.functionType(T), Code, {Ctx, Slots});
    B.CreateRetVoid();
    return;
  }
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
  if (ModuleLowering::usesSlots(T)) { // the caller filled the slots
    B.CreateCall(ML.builtinType(BuiltinId::HostCall),
                 ML.builtin(B, HostCtx, BuiltinId::HostCall),
                 {HostCtx, F->getArg(1)});
    B.CreateRetVoid();
    return;
  }
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

std::vector<uint32_t> trampolineTypes(const wasm::Module &M) {
  // Keyed by the signature's bytes: params, a separator no value type
  // byte can be, results. Looked up only, never iterated, so the output
  // does not depend on the hash order.
  std::unordered_map<std::string, uint32_t> First;
  std::vector<uint32_t> Canon(M.Types.size());
  std::string Key;
  for (uint32_t I = 0; I < M.Types.size(); ++I) {
    const wasm::FuncType &T = M.Types[I];
    Key.clear();
    for (wasm::ValType P : T.Params)
      Key.push_back(char(P));
    Key.push_back('\0');
    for (wasm::ValType R : T.Results)
      Key.push_back(char(R));
    Canon[I] = First.try_emplace(Key, I).first->second;
  }
  return Canon;
}

void emitTrampolines(ModuleLowering &ML) {
  std::vector<uint32_t> Canon = trampolineTypes(ML.wasm());
  for (uint32_t I = 0; I < Canon.size(); ++I) {
    if (Canon[I] != I)
      continue;
    emitEntry(ML, I);
    emitExit(ML, I);
  }
}

} // namespace kiln::codegen
