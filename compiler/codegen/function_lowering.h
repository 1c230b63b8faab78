//===- compiler/codegen/function_lowering.h - One Wasm function -*- C++ -*-===//
//
// Validates and lowers one function body in a single pass, operator by
// operator (Wasmtime's func_translator shape): the validator checks each
// instruction, then the lowering emits IR for it. The operand stack holds
// llvm::Values; control frames hold the blocks and PHIs that carry block
// parameters and results. After an unconditional branch the code is dead
// until the enclosing frame ends: it is still validated, but only its block
// structure is tracked and nothing is emitted.
//
// The implementation is split by concern: function_lowering.cc (driver,
// stack, locals, traps), control.cc, calls.cc, memory.cc (the only file that
// computes linear-memory addresses), variables.cc (locals, globals,
// select/drop), tables.cc (tables and references).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_FUNCTION_LOWERING_H
#define KILN_CODEGEN_FUNCTION_LOWERING_H

#include "compiler/codegen/module_lowering.h"
#include "compiler/codegen/numeric.h"
#include "compiler/codegen/simd.h"
#include "compiler/wasm/features.h"
#include "compiler/wasm/func_validator.h"
#include "compiler/wasm/op_reader.h"
#include "compiler/wasm/validator.h"
#include "kiln/error.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/IR/IRBuilder.h"

#include <span>
#include <vector>

namespace kiln::codegen {

class FunctionLowering final : public TrapSink {
public:
  FunctionLowering(ModuleLowering &ML, const wasm::ModuleContext &Ctx,
                   const wasm::Features &F, uint32_t FuncIndex);

  /// Validates and lowers the body into ML.function(FuncIndex).
  Error run();

  void trapIf(llvm::Value *Cond, TrapCode Code) override;

private:
  struct Frame {
    wasm::Op Kind = wasm::Op::Block; // Block, Loop, If, Else, or Nop (function)
    std::span<const wasm::ValType> Params, Results;
    llvm::BasicBlock *Header = nullptr; // Loop: branch target
    llvm::BasicBlock *Merge = nullptr;  // after End
    llvm::BasicBlock *ElseBlock = nullptr; // If: entry of the else arm
    std::vector<llvm::PHINode *> HeaderPhis; // Loop parameters
    std::vector<llvm::PHINode *> MergePhis;  // results
    std::vector<llvm::Value *> IfParams;     // If: parameters for the else arm
    size_t Height = 0; // operand stack height below the parameters
    bool Live = true;  // false: opened inside dead code, emits nothing
    bool EnteredLive = true; // If: the then-arm was reachable on entry
  };

  Error lower(const wasm::Instr &I);
  void lowerDead(const wasm::Instr &I);

  // control.cc
  void lowerControl(const wasm::Instr &I);
  void openFrame(const wasm::Instr &I);
  void branchTo(Frame &Target);
  void closeFrame();
  void lowerElse();
  void lowerBrTable(const wasm::Instr &I);
  std::span<const wasm::ValType> blockParams(const wasm::BlockType &BT) const;
  std::span<const wasm::ValType> blockResults(const wasm::BlockType &BT) const;
  void emitReturn();

  // calls.cc
  void lowerCall(const wasm::Instr &I);
  void emitCall(llvm::FunctionCallee Callee, llvm::Value *CalleeCtx,
                const wasm::FuncType &T);

  // memory.cc
  void lowerLoad(const wasm::Instr &I);
  void lowerStore(const wasm::Instr &I);
  void lowerMemoryOp(const wasm::Instr &I);
  void lowerSimdLoad(const wasm::Instr &I);
  void lowerSimdStore(const wasm::Instr &I);
  void lowerSimdLane(const wasm::Instr &I); // load/store lane
  llvm::Value *memoryAddress(llvm::Value *Index, uint64_t Offset,
                             unsigned Bytes);
  llvm::LoadInst *loadMemory(llvm::Type *T, llvm::Value *Addr);
  llvm::Value *memoryBase();

  // variables.cc
  void lowerVariable(const wasm::Instr &I);
  void lowerParametric(const wasm::Instr &I);
  void lowerConst(const wasm::Instr &I);
  llvm::Value *globalCell(uint32_t Index);

  // tables.cc
  void lowerTable(const wasm::Instr &I);
  void lowerReference(const wasm::Instr &I);
  llvm::Value *tableDesc(uint32_t Index);
  llvm::Value *tableElemAddr(uint32_t Table, llvm::Value *Index);

  // function_lowering.cc
  void push(llvm::Value *V) { Stack.push_back(V); }
  llvm::Value *pop() {
    llvm::Value *V = Stack.back();
    Stack.pop_back();
    return V;
  }
  std::vector<llvm::Value *> popN(size_t N);
  bool live() const { return Live; }
  llvm::Value *callBuiltin(BuiltinId Id, std::vector<llvm::Value *> Args);
  void emitStackCheck();
  llvm::BasicBlock *newBlock(const char *Name);

  // fuel.cc (--fuel; kiln/abi.h)
  /// Counts instruction `I` and, before a control instruction, charges the
  /// straight-line run it ends.
  void countFuel(const wasm::Instr &I);
  /// After instruction `I` was lowered: a loop header checks the fuel.
  void checkFuelAfter(const wasm::Instr &I);
  /// Charges the pending count to *VMContext::Fuel.
  void flushFuel();
  /// Calls InterruptCheck when the fuel is below zero.
  void checkFuel();
  uint32_t FuelPending = 0;

  ModuleLowering &ML;
  const wasm::Module &M;
  const wasm::ModuleContext &Ctx;
  const wasm::Features &F;
  uint32_t FuncIndex;
  llvm::Function *Fn;
  llvm::LLVMContext &C;
  llvm::IRBuilder<> B;
  NumericLowering Numeric;
  SimdLowering Simd;
  wasm::FuncValidator Validator;

  /// A new alloca of the entry block.
  llvm::AllocaInst *entryAlloca(llvm::Type *Ty);
  /// The alloca of local `Index` (parameters first), created on first use.
  llvm::AllocaInst *local(uint32_t Index);
  /// A slot array of at least `N` slots for a call's values, shared by
  /// every call of the function that passes them in slots.
  llvm::Value *callSlots(size_t N);

  llvm::Value *Vmctx = nullptr;
  llvm::Value *ParamSlots = nullptr; // the ValSlot* parameter, or null
  /// The entry block, which holds only allocas and the locals' initial
  /// stores: they are added there, before its branch, as locals are first
  /// used. A type may have 1,000 parameters and a function 50,000 locals;
  /// a function pays only for those it names.
  llvm::BasicBlock *EntryBlock = nullptr;
  llvm::DenseMap<uint32_t, llvm::AllocaInst *> Locals;
  llvm::AllocaInst *CallSlots = nullptr;
  size_t CallSlotCount = 0;
  std::vector<llvm::Value *> Stack;
  std::vector<Frame> Frames;
  bool Live = true;
  uint32_t CurrentOffset = 0; // wasm offset of the instruction being lowered
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_FUNCTION_LOWERING_H
