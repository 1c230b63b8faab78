//===- compiler/codegen/control.cc - Blocks, branches, return -------------===//
//
// Structured control flow to a CFG. Block results and loop parameters travel
// through PHI nodes: every branch adds its operands as incoming values of the
// target's PHIs. A Wasm `end` of a block that nothing reaches leaves the
// following code dead (see lowerDead).
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/function_lowering.h"

namespace kiln::codegen {

using wasm::Op;

static std::span<const wasm::ValType> singleResult(wasm::ValType T) {
  static const wasm::ValType All[] = {
      wasm::ValType::I32,  wasm::ValType::I64,     wasm::ValType::F32,
      wasm::ValType::F64,  wasm::ValType::V128,    wasm::ValType::FuncRef,
      wasm::ValType::ExternRef};
  for (const wasm::ValType &V : All)
    if (V == T)
      return {&V, 1};
  KILN_UNREACHABLE("not a value type");
}

std::span<const wasm::ValType>
FunctionLowering::blockParams(const wasm::BlockType &BT) const {
  if (BT.K == wasm::BlockType::TypeIndex)
    return M.Types[BT.Index].Params;
  return {};
}

std::span<const wasm::ValType>
FunctionLowering::blockResults(const wasm::BlockType &BT) const {
  switch (BT.K) {
  case wasm::BlockType::Empty:
    return {};
  case wasm::BlockType::Value:
    return singleResult(BT.Type);
  case wasm::BlockType::TypeIndex:
    return M.Types[BT.Index].Results;
  }
  KILN_UNREACHABLE("unhandled block type");
}

/// Adds the top `Phis.size()` operands as incoming values from the current
/// block.
static void addIncoming(std::vector<llvm::PHINode *> &Phis,
                        const std::vector<llvm::Value *> &Stack,
                        llvm::BasicBlock *From) {
  size_t N = Phis.size();
  for (size_t K = 0; K < N; ++K)
    Phis[K]->addIncoming(Stack[Stack.size() - N + K], From);
}

void FunctionLowering::branchTo(Frame &Target) {
  llvm::BasicBlock *From = B.GetInsertBlock();
  if (Target.Kind == Op::Loop) {
    addIncoming(Target.HeaderPhis, Stack, From);
    B.CreateBr(Target.Header);
    return;
  }
  addIncoming(Target.MergePhis, Stack, From);
  B.CreateBr(Target.Merge);
}

void FunctionLowering::openFrame(const wasm::Instr &I) {
  Frame Fr;
  Fr.Kind = I.Opcode;
  Fr.Params = blockParams(I.Block);
  Fr.Results = blockResults(I.Block);
  llvm::Value *Cond = I.Opcode == Op::If ? pop() : nullptr;
  Fr.Height = Stack.size() - Fr.Params.size();
  Fr.Merge = newBlock(I.Opcode == Op::Loop ? "loop.end" : "block.end");
  {
    llvm::IRBuilder<> PB(Fr.Merge);
    for (wasm::ValType R : Fr.Results)
      Fr.MergePhis.push_back(PB.CreatePHI(ML.type(R), 2));
  }
  switch (I.Opcode) {
  case Op::Block:
    break;
  case Op::Loop: {
    Fr.Header = newBlock("loop");
    llvm::IRBuilder<> PB(Fr.Header);
    for (wasm::ValType P : Fr.Params)
      Fr.HeaderPhis.push_back(PB.CreatePHI(ML.type(P), 2));
    addIncoming(Fr.HeaderPhis, Stack, B.GetInsertBlock());
    B.CreateBr(Fr.Header);
    B.SetInsertPoint(Fr.Header);
    Stack.resize(Fr.Height);
    Stack.insert(Stack.end(), Fr.HeaderPhis.begin(), Fr.HeaderPhis.end());
    break;
  }
  case Op::If: {
    llvm::BasicBlock *Then = newBlock("if.then");
    Fr.ElseBlock = newBlock("if.else");
    Fr.IfParams.assign(Stack.end() - Fr.Params.size(), Stack.end());
    B.CreateCondBr(B.CreateICmpNE(Cond, B.getInt32(0)), Then, Fr.ElseBlock);
    B.SetInsertPoint(Then);
    break;
  }
  default:
    KILN_UNREACHABLE("not a block opcode");
  }
  Frames.push_back(std::move(Fr));
}

void FunctionLowering::lowerElse() {
  Frame &Fr = Frames.back();
  if (Live)
    branchTo(Fr); // the then-arm falls through to the merge
  Stack.resize(Fr.Height);
  Stack.insert(Stack.end(), Fr.IfParams.begin(), Fr.IfParams.end());
  B.SetInsertPoint(Fr.ElseBlock);
  Fr.ElseBlock = nullptr;
  Fr.Kind = Op::Else;
  Live = Fr.EnteredLive;
}

void FunctionLowering::closeFrame() {
  Frame &Fr = Frames.back();
  if (Live) {
    // Falling off the end carries the results to the merge, also for loops
    // (whose branch target is the header, but whose `end` exits).
    addIncoming(Fr.MergePhis, Stack, B.GetInsertBlock());
    B.CreateBr(Fr.Merge);
  }
  if (Fr.ElseBlock) {
    // An `if` without `else`: the implicit else passes the parameters
    // through, which validation made equal to the results.
    B.SetInsertPoint(Fr.ElseBlock);
    Stack.resize(Fr.Height);
    Stack.insert(Stack.end(), Fr.IfParams.begin(), Fr.IfParams.end());
    addIncoming(Fr.MergePhis, Stack, Fr.ElseBlock);
    B.CreateBr(Fr.Merge);
  }
  Stack.resize(Fr.Height);
  B.SetInsertPoint(Fr.Merge);
  Live = !Fr.Merge->hasNPredecessors(0);
  Stack.insert(Stack.end(), Fr.MergePhis.begin(), Fr.MergePhis.end());
  bool IsFunction = Fr.Kind == Op::Nop;
  std::vector<llvm::PHINode *> Results = Fr.MergePhis;
  Frames.pop_back();
  if (!IsFunction) {
    if (!Live) // nothing reaches past this block: the code after it is dead
      B.CreateUnreachable();
    return;
  }
  if (!Live) {
    B.CreateUnreachable();
    return;
  }
  llvm::Type *RetTy = Fn->getReturnType();
  if (ParamSlots) { // a large signature: the results go to the slots
    for (unsigned K = 0; K < Results.size(); ++K)
      B.CreateAlignedStore(Results[K],
                           ModuleLowering::slotAddr(B, ParamSlots, K),
                           llvm::Align(8));
    B.CreateRetVoid();
  } else if (Results.empty()) {
    B.CreateRetVoid();
  } else if (Results.size() == 1) {
    B.CreateRet(Results[0]);
  } else {
    llvm::Value *Agg = llvm::UndefValue::get(RetTy);
    for (unsigned K = 0; K < Results.size(); ++K)
      Agg = B.CreateInsertValue(Agg, Results[K], K);
    B.CreateRet(Agg);
  }
  Live = false;
}

void FunctionLowering::emitReturn() {
  branchTo(Frames.front());
  Live = false;
}

void FunctionLowering::lowerBrTable(const wasm::Instr &I) {
  llvm::Value *Index = pop();
  const std::vector<uint32_t> &Targets = *I.Targets;
  // One forwarding block per distinct depth: it contributes the PHI operands
  // for that target, so the switch's duplicate edges need no duplicate PHI
  // entries.
  std::vector<llvm::BasicBlock *> ByDepth(Frames.size(), nullptr);
  auto Forward = [&](uint32_t Depth) {
    if (ByDepth[Depth])
      return ByDepth[Depth];
    llvm::BasicBlock *Fwd = newBlock("br_table.case");
    llvm::IRBuilder<>::InsertPointGuard Guard(B);
    B.SetInsertPoint(Fwd);
    branchTo(Frames[Frames.size() - 1 - Depth]);
    return ByDepth[Depth] = Fwd;
  };
  llvm::BasicBlock *Default = Forward(Targets.back());
  llvm::SwitchInst *Sw =
      B.CreateSwitch(Index, Default, unsigned(Targets.size() - 1));
  for (size_t K = 0; K + 1 < Targets.size(); ++K)
    Sw->addCase(B.getInt32(uint32_t(K)), Forward(Targets[K]));
  Live = false;
}

void FunctionLowering::lowerControl(const wasm::Instr &I) {
  switch (I.Opcode) {
  case Op::Unreachable:
    callBuiltin(BuiltinId::Trap, {B.getInt32(uint32_t(TrapCode::Unreachable)),
                                  B.getInt32(CurrentOffset)});
    B.CreateUnreachable();
    Live = false;
    return;
  case Op::Nop:
    return;
  case Op::Block:
  case Op::Loop:
  case Op::If:
    openFrame(I);
    return;
  case Op::Else:
    lowerElse();
    return;
  case Op::End:
    closeFrame();
    return;
  case Op::Br:
    branchTo(Frames[Frames.size() - 1 - I.Index]);
    Live = false;
    return;
  case Op::BrIf: {
    llvm::Value *Cond = B.CreateICmpNE(pop(), B.getInt32(0));
    Frame &Target = Frames[Frames.size() - 1 - I.Index];
    llvm::BasicBlock *Cont = newBlock("br_if.cont");
    llvm::BasicBlock *From = B.GetInsertBlock();
    if (Target.Kind == Op::Loop) {
      addIncoming(Target.HeaderPhis, Stack, From);
      B.CreateCondBr(Cond, Target.Header, Cont);
    } else {
      addIncoming(Target.MergePhis, Stack, From);
      B.CreateCondBr(Cond, Target.Merge, Cont);
    }
    B.SetInsertPoint(Cont);
    return;
  }
  case Op::BrTable:
    lowerBrTable(I);
    return;
  case Op::Return:
    emitReturn();
    return;
  default:
    break;
  }
  KILN_UNREACHABLE("control opcode without lowering");
}

} // namespace kiln::codegen
