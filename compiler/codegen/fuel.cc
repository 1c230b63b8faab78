//===- compiler/codegen/fuel.cc - Counting fuel (--fuel) -------------------===//
//
// Fuel is a budget of Wasm instructions, the same on every target and at
// every optimization level, for users who need a call to stop at exactly the
// same point every time (kiln/abi.h). It is counted here, while lowering,
// on Wasm's own structure: each straight-line run of instructions is charged
// in one subtraction before the control instruction that ends it, and each
// loop header and function entry checks the balance. The balance lives
// behind VMContext::Fuel (tagged like the context, so LLVM keeps it in a
// register through loops that touch only linear memory).
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/function_lowering.h"

namespace kiln::codegen {

using wasm::Op;

/// Instructions that end a straight-line run: control flow and calls
/// (a callee charges the same balance).
static bool endsRun(Op O) {
  switch (O) {
  case Op::Block:
  case Op::Loop:
  case Op::If:
  case Op::Else:
  case Op::End:
  case Op::Br:
  case Op::BrIf:
  case Op::BrTable:
  case Op::Return:
  case Op::Call:
  case Op::CallIndirect:
    return true;
  default:
    return false;
  }
}

void FunctionLowering::countFuel(const wasm::Instr &I) {
  ++FuelPending;
  if (endsRun(I.Opcode))
    flushFuel();
}

void FunctionLowering::checkFuelAfter(const wasm::Instr &I) {
  // Lowering `loop` left the builder at the top of the header, which every
  // iteration passes.
  if (I.Opcode == Op::Loop)
    checkFuel();
}

static llvm::Value *fuelCell(ModuleLowering &ML, llvm::IRBuilder<> &B,
                             llvm::Value *Vmctx) {
  return ML.loadInvariantPtr(B, ML.fieldAddr(B, Vmctx, abi::VMField::Fuel));
}

void FunctionLowering::flushFuel() {
  if (!FuelPending)
    return;
  llvm::Value *Cell = fuelCell(ML, B, Vmctx);
  llvm::LoadInst *Left = B.CreateAlignedLoad(B.getInt64Ty(), Cell,
                                             llvm::Align(8), "fuel");
  ML.tagVmctx(Left);
  llvm::StoreInst *St = B.CreateAlignedStore(
      B.CreateSub(Left, B.getInt64(FuelPending)), Cell, llvm::Align(8));
  ML.tagVmctx(St);
  FuelPending = 0;
}

void FunctionLowering::checkFuel() {
  llvm::LoadInst *Left = B.CreateAlignedLoad(
      B.getInt64Ty(), fuelCell(ML, B, Vmctx), llvm::Align(8), "fuel");
  ML.tagVmctx(Left);
  llvm::BasicBlock *Empty = newBlock("fuel.empty");
  llvm::BasicBlock *Cont = newBlock("fuel.ok");
  B.CreateCondBr(B.CreateICmpSLT(Left, B.getInt64(0)), Empty, Cont,
                 ML.coldWeights());
  B.SetInsertPoint(Empty);
  // The check raises OutOfFuel (or returns, if the balance was refilled).
  callBuiltin(BuiltinId::InterruptCheck, {B.getInt32(CurrentOffset)});
  B.CreateBr(Cont);
  B.SetInsertPoint(Cont);
}

} // namespace kiln::codegen
