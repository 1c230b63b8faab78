//===- compiler/codegen/variables.cc - Locals, globals, select, constants -===//

#include "compiler/codegen/function_lowering.h"

#include <cstring>

namespace kiln::codegen {

using wasm::Op;

llvm::Value *FunctionLowering::globalCell(uint32_t Index) {
  return ML.loadTableEntry(B, Vmctx, abi::VMField::Globals, Index);
}

void FunctionLowering::lowerVariable(const wasm::Instr &I) {
  switch (I.Opcode) {
  case Op::LocalGet:
    push(B.CreateLoad(LocalTypes[I.Index], Locals[I.Index]));
    return;
  case Op::LocalSet:
    B.CreateStore(pop(), Locals[I.Index]);
    return;
  case Op::LocalTee:
    B.CreateStore(Stack.back(), Locals[I.Index]);
    return;
  case Op::GlobalGet: {
    const wasm::GlobalType &G = M.Globals[I.Index].Type;
    llvm::LoadInst *L = B.CreateAlignedLoad(ML.type(G.Type),
                                            globalCell(I.Index),
                                            llvm::Align(8));
    ML.tagGlobal(L);
    if (!G.Mutable) // fixed at instantiation
      L->setMetadata(llvm::LLVMContext::MD_invariant_load,
                     llvm::MDNode::get(C, {}));
    push(L);
    return;
  }
  case Op::GlobalSet:
    ML.tagGlobal(
        B.CreateAlignedStore(pop(), globalCell(I.Index), llvm::Align(8)));
    return;
  default:
    break;
  }
  KILN_UNREACHABLE("variable opcode without lowering");
}

/// A dropped value is dead to LLVM, and so would be the linear-memory loads
/// that produced it. In guard mode such a load is also the bounds check (its
/// fault is the trap), so the loads feeding a dropped value are made volatile:
/// they stay, and still trap when out of bounds.
static void keepLoadsOf(llvm::Value *V, unsigned Depth) {
  auto *I = llvm::dyn_cast<llvm::Instruction>(V);
  if (!I || Depth > 8)
    return;
  if (auto *L = llvm::dyn_cast<llvm::LoadInst>(I)) {
    if (L->getMetadata(llvm::LLVMContext::MD_tbaa))
      L->setVolatile(true);
    return;
  }
  if (llvm::isa<llvm::PHINode>(I) || llvm::isa<llvm::CallBase>(I))
    return; // calls are kept anyway; PHIs come from other blocks
  for (llvm::Value *Op : I->operands())
    keepLoadsOf(Op, Depth + 1);
}

void FunctionLowering::lowerParametric(const wasm::Instr &I) {
  if (I.Opcode == Op::Drop) {
    llvm::Value *V = pop();
    if (ML.options().Mode == MemoryMode::Guard)
      keepLoadsOf(V, 0);
    return;
  }
  llvm::Value *Cond = pop();
  llvm::Value *IfFalse = pop();
  llvm::Value *IfTrue = pop();
  push(B.CreateSelect(B.CreateICmpNE(Cond, B.getInt32(0)), IfTrue, IfFalse));
}

void FunctionLowering::lowerConst(const wasm::Instr &I) {
  uint64_t Bits = 0;
  std::memcpy(&Bits, I.Bytes.data(), 8); // little-endian immediates
  switch (I.Opcode) {
  case Op::I32Const:
    push(B.getInt32(uint32_t(Bits)));
    return;
  case Op::I64Const:
    push(B.getInt64(Bits));
    return;
  case Op::F32Const:
    push(B.CreateBitCast(B.getInt32(uint32_t(Bits)), B.getFloatTy()));
    return;
  case Op::F64Const:
    push(B.CreateBitCast(B.getInt64(Bits), B.getDoubleTy()));
    return;
  default:
    break;
  }
  KILN_UNREACHABLE("constant opcode without lowering");
}

} // namespace kiln::codegen
