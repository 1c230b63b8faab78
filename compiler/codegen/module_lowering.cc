//===- compiler/codegen/module_lowering.cc - Module-wide IR state ---------===//

#include "compiler/codegen/module_lowering.h"

#include "llvm/IR/DerivedTypes.h"

namespace kiln::codegen {

std::string funcSymbol(uint32_t FuncIndex) {
  return std::string(abi::FuncSymbolPrefix) + std::to_string(FuncIndex);
}

ModuleLowering::ModuleLowering(const wasm::Module &M, llvm::LLVMContext &Ctx,
                               llvm::Module &LM, const LoweringOptions &Opts)
    : M(M), Ctx(Ctx), LM(LM), Opts(Opts) {
  IntPtrTy = llvm::IntegerType::get(Ctx, Opts.PtrBytes * 8);
  V128Ty = llvm::FixedVectorType::get(llvm::Type::getInt32Ty(Ctx), 4);

  llvm::MDBuilder MDB(Ctx);
  llvm::MDNode *Root = MDB.createTBAARoot("kiln");
  auto Scalar = [&](const char *Name) {
    llvm::MDNode *Ty = MDB.createTBAAScalarTypeNode(Name, Root);
    return MDB.createTBAAStructTagNode(Ty, Ty, 0);
  };
  TbaaMemory = Scalar("wasm linear memory");
  TbaaVmctx = Scalar("vmctx");
  TbaaGlobal = Scalar("wasm global");
  TbaaTable = Scalar("wasm table");
  ColdWeights = MDB.createBranchWeights(1, 1u << 20);
  EmptyMD = llvm::MDNode::get(Ctx, {});

  // Every defined function has external, hidden linkage: the runtime reaches
  // them by offset, so LLVM must neither drop them nor change their calling
  // convention (which it may do to internal functions).
  for (uint32_t I = M.NumImportedFuncs; I < M.Funcs.size(); ++I) {
    llvm::Function *F =
        llvm::Function::Create(functionType(M.funcType(I)),
                               llvm::GlobalValue::ExternalLinkage,
                               funcSymbol(I), LM);
    F->setVisibility(llvm::GlobalValue::HiddenVisibility);
    F->setDSOLocal(true);
    // Keep a frame-pointer chain through Wasm frames: the runtime walks it
    // to give a trap its Wasm backtrace (runtime/src/trap.cc).
    F->addFnAttr("frame-pointer", "all");
    // The context is always a live VMContext: its fields may be loaded
    // speculatively, so LICM can hoist the memory base and size out of
    // loops whose body may branch to a trap (bounds-checked mode).
    F->addParamAttr(0, llvm::Attribute::NonNull);
    F->addParamAttr(0, llvm::Attribute::getWithDereferenceableBytes(
                           Ctx, abi::vmOffset(abi::VMField::Instance,
                                              Opts.PtrBytes) +
                                    Opts.PtrBytes));
    F->addParamAttr(0, llvm::Attribute::getWithAlignment(
                           Ctx, llvm::Align(Opts.PtrBytes == 8 ? 8 : 4)));
    Funcs.push_back(F);
  }
}

llvm::Type *ModuleLowering::type(wasm::ValType T) const {
  switch (T) {
  case wasm::ValType::I32:
    return llvm::Type::getInt32Ty(Ctx);
  case wasm::ValType::I64:
    return llvm::Type::getInt64Ty(Ctx);
  case wasm::ValType::F32:
    return llvm::Type::getFloatTy(Ctx);
  case wasm::ValType::F64:
    return llvm::Type::getDoubleTy(Ctx);
  case wasm::ValType::V128:
    return V128Ty;
  case wasm::ValType::FuncRef:
  case wasm::ValType::ExternRef:
    return ptrTy();
  }
  KILN_UNREACHABLE("unknown value type");
}

llvm::Type *ModuleLowering::returnType(const wasm::FuncType &T) const {
  if (T.Results.empty())
    return llvm::Type::getVoidTy(Ctx);
  if (T.Results.size() == 1)
    return type(T.Results[0]);
  std::vector<llvm::Type *> Elems;
  for (wasm::ValType R : T.Results)
    Elems.push_back(type(R));
  return llvm::StructType::get(Ctx, Elems);
}

llvm::FunctionType *ModuleLowering::functionType(const wasm::FuncType &T) const {
  if (usesSlots(T))
    return llvm::FunctionType::get(llvm::Type::getVoidTy(Ctx),
                                   {ptrTy(), ptrTy()}, false);
  std::vector<llvm::Type *> Params{ptrTy()};
  for (wasm::ValType P : T.Params)
    Params.push_back(type(P));
  return llvm::FunctionType::get(returnType(T), Params, false);
}

llvm::FunctionType *ModuleLowering::builtinType(BuiltinId Id) const {
  llvm::Type *Void = llvm::Type::getVoidTy(Ctx);
  llvm::Type *I32 = llvm::Type::getInt32Ty(Ctx);
  llvm::Type *I64 = llvm::Type::getInt64Ty(Ctx);
  llvm::Type *Ptr = ptrTy();
  (void)I64;
  switch (Id) {
#define KILN_BUILTIN(Name, Index, Ret, ...)                                    \
  case BuiltinId::Name:                                                        \
    return llvm::FunctionType::get(Ret, {Ptr, __VA_ARGS__}, false);
#include "kiln/builtins.def"
  }
  KILN_UNREACHABLE("unknown builtin");
}

llvm::Value *ModuleLowering::fieldAddr(llvm::IRBuilder<> &B,
                                       llvm::Value *Vmctx,
                                       abi::VMField F) const {
  return B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), Vmctx,
                                      abi::vmOffset(F, Opts.PtrBytes));
}

llvm::Value *ModuleLowering::loadInvariantPtr(llvm::IRBuilder<> &B,
                                              llvm::Value *Addr) const {
  llvm::LoadInst *L = B.CreateAlignedLoad(ptrTy(), Addr,
                                          llvm::Align(Opts.PtrBytes));
  L->setMetadata(llvm::LLVMContext::MD_invariant_load, EmptyMD);
  L->setMetadata(llvm::LLVMContext::MD_nonnull, EmptyMD);
  tagVmctx(L);
  return L;
}

llvm::Value *ModuleLowering::loadTableEntry(llvm::IRBuilder<> &B,
                                            llvm::Value *Vmctx,
                                            abi::VMField F,
                                            llvm::Value *Index) const {
  llvm::Value *Array = loadInvariantPtr(B, fieldAddr(B, Vmctx, F));
  llvm::Value *Slot = B.CreateInBoundsGEP(ptrTy(), Array, Index);
  llvm::LoadInst *L = B.CreateAlignedLoad(ptrTy(), Slot,
                                          llvm::Align(Opts.PtrBytes));
  L->setMetadata(llvm::LLVMContext::MD_invariant_load, EmptyMD);
  tagVmctx(L);
  return L;
}

llvm::Value *ModuleLowering::loadTableEntry(llvm::IRBuilder<> &B,
                                            llvm::Value *Vmctx,
                                            abi::VMField F,
                                            uint32_t Index) const {
  return loadTableEntry(B, Vmctx, F, B.getInt32(Index));
}

llvm::Value *ModuleLowering::builtin(llvm::IRBuilder<> &B, llvm::Value *Vmctx,
                                     BuiltinId Id) const {
  return loadTableEntry(B, Vmctx, abi::VMField::Builtins, uint32_t(Id));
}

} // namespace kiln::codegen
