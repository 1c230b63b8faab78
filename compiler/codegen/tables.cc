//===- compiler/codegen/tables.cc - Tables and references -----------------===//
//
// table.get/set/size are inline (bounds check, then a load or store of the
// element pointer); grow, fill, copy, init and elem.drop call the runtime.
// A funcref is a pointer to the runtime's FuncRefEntry; ref.func loads it
// from VMContext::FuncRefs.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/function_lowering.h"

namespace kiln::codegen {

using wasm::Op;

llvm::Value *FunctionLowering::tableDesc(uint32_t Index) {
  return ML.loadTableEntry(B, Vmctx, abi::VMField::Tables, Index);
}

llvm::Value *FunctionLowering::tableElemAddr(uint32_t Table,
                                             llvm::Value *Index) {
  unsigned P = ML.options().PtrBytes;
  llvm::Value *Desc = tableDesc(Table);
  // Elems may move when the table grows: a plain load, not invariant.
  llvm::LoadInst *Elems = B.CreateAlignedLoad(
      ML.ptrTy(),
      B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), Desc, abi::tableElems(P)),
      llvm::Align(P));
  ML.tagTable(Elems);
  return B.CreateInBoundsGEP(ML.ptrTy(), Elems,
                             B.CreateZExt(Index, ML.intPtrTy()));
}

void FunctionLowering::lowerTable(const wasm::Instr &I) {
  unsigned P = ML.options().PtrBytes;
  auto SizeOf = [&](uint32_t Table) {
    llvm::LoadInst *Size = B.CreateAlignedLoad(
        B.getInt32Ty(),
        B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), tableDesc(Table),
                                     abi::tableSize(P)),
        llvm::Align(4));
    ML.tagTable(Size);
    return Size;
  };
  switch (I.Opcode) {
  case Op::TableGet: {
    llvm::Value *Index = pop();
    trapIf(B.CreateICmpUGE(Index, SizeOf(I.Index)), TrapCode::TableOutOfBounds);
    llvm::LoadInst *V = B.CreateAlignedLoad(
        ML.ptrTy(), tableElemAddr(I.Index, Index), llvm::Align(P));
    ML.tagTable(V);
    push(V);
    return;
  }
  case Op::TableSet: {
    llvm::Value *V = pop();
    llvm::Value *Index = pop();
    trapIf(B.CreateICmpUGE(Index, SizeOf(I.Index)), TrapCode::TableOutOfBounds);
    ML.tagTable(B.CreateAlignedStore(V, tableElemAddr(I.Index, Index),
                                     llvm::Align(P)));
    return;
  }
  case Op::TableSize:
    push(SizeOf(I.Index));
    return;
  case Op::TableGrow: {
    llvm::Value *Delta = pop();
    llvm::Value *Init = pop();
    push(callBuiltin(BuiltinId::TableGrow, {B.getInt32(I.Index), Init, Delta}));
    return;
  }
  case Op::TableFill: {
    llvm::Value *Len = pop();
    llvm::Value *V = pop();
    llvm::Value *Dst = pop();
    callBuiltin(BuiltinId::TableFill, {B.getInt32(I.Index), Dst, V, Len});
    return;
  }
  case Op::TableCopy: {
    std::vector<llvm::Value *> A = popN(3); // dst, src, len
    callBuiltin(BuiltinId::TableCopy,
                {B.getInt32(I.Index), B.getInt32(I.Index2), A[0], A[1], A[2]});
    return;
  }
  case Op::TableInit: {
    std::vector<llvm::Value *> A = popN(3); // dst, src, len
    callBuiltin(BuiltinId::TableInit,
                {B.getInt32(I.Index2), B.getInt32(I.Index), A[0], A[1], A[2]});
    return;
  }
  case Op::ElemDrop:
    callBuiltin(BuiltinId::ElemDrop, {B.getInt32(I.Index)});
    return;
  default:
    break;
  }
  KILN_UNREACHABLE("table opcode without lowering");
}

void FunctionLowering::lowerReference(const wasm::Instr &I) {
  switch (I.Opcode) {
  case Op::RefNull:
    push(llvm::ConstantPointerNull::get(llvm::PointerType::get(C, 0)));
    return;
  case Op::RefIsNull:
    push(B.CreateZExt(B.CreateIsNull(pop()), B.getInt32Ty()));
    return;
  case Op::RefFunc:
    push(ML.loadTableEntry(B, Vmctx, abi::VMField::FuncRefs, I.Index));
    return;
  default:
    break;
  }
  KILN_UNREACHABLE("reference opcode without lowering");
}

} // namespace kiln::codegen
