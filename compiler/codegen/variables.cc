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
  case Op::LocalGet: {
    llvm::AllocaInst *A = local(I.Index);
    push(B.CreateLoad(A->getAllocatedType(), A));
    return;
  }
  case Op::LocalSet:
    B.CreateStore(pop(), local(I.Index));
    return;
  case Op::LocalTee:
    B.CreateStore(Stack.back(), local(I.Index));
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

void FunctionLowering::lowerParametric(const wasm::Instr &I) {
  if (I.Opcode == Op::Drop) {
    // A dropped value is dead to LLVM; in guard mode the loads that made it
    // must still fault, which their trap keepers see to (guard_traps.h).
    pop();
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
