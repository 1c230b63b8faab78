//===- compiler/wasm/func_validator.h - Operand/control stacks --*- C++ -*-===//
//
// The validation algorithm of the spec's appendix: an operand stack of value
// types (with "unknown" for the polymorphic stack after unreachable code) and
// a stack of control frames. Pure-signature instructions (numeric, memory
// access, SIMD) are checked from the opcode table's type columns; only
// control, calls, variables, tables, references and memory-management
// instructions are written out here.
//
// It is driven one instruction at a time (`step`) so that the code generator
// can validate each operator immediately before lowering it, in one pass.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_FUNC_VALIDATOR_H
#define KILN_WASM_FUNC_VALIDATOR_H

#include "compiler/wasm/module.h"
#include "compiler/wasm/op_reader.h"
#include "compiler/wasm/validator.h"
#include "kiln/error.h"

#include <optional>
#include <span>
#include <vector>

namespace kiln::wasm {

/// ValType plus "unknown" (an operand of the polymorphic stack).
inline constexpr ValType UnknownType = ValType(0);

struct ControlFrame {
  Op Opcode = Op::Block; // Block, Loop, If, Else, or Nop for the function
  std::span<const ValType> Params;
  std::span<const ValType> Results;
  uint32_t Height = 0;
  bool Unreachable = false;

  /// Types a branch to this frame carries: a loop's parameters, otherwise
  /// its results.
  std::span<const ValType> labelTypes() const {
    return Opcode == Op::Loop ? Params : Results;
  }
};

class FuncValidator {
public:
  FuncValidator(const ModuleContext &Ctx, uint32_t FuncIndex);

  /// Checks one instruction and applies its effect to the stacks.
  Error step(const Instr &I);
  /// True once the function's outermost `end` has been consumed.
  bool done() const { return Done; }

  /// The type of local `Index` (parameters first), or nullopt if there is
  /// no such local. By binary search over the declared runs: a function
  /// may declare 50,000 locals in a few bytes, and a type 1,000 parameters,
  /// so nothing here is per local (see compiler/wasm/limits.h).
  std::optional<ValType> localType(uint32_t Index) const;
  uint64_t numLocals() const { return NumLocals; }

  // Read-only views for a code generator running alongside.
  const std::vector<ControlFrame> &frames() const { return Frames; }
  const std::vector<ValType> &operands() const { return Operands; }

private:
  Error fail(const Instr &I, std::string Msg) const;
  Error typeMismatch(const Instr &I, ValType Want, ValType Got) const;

  void push(ValType T) { Operands.push_back(T); }
  void pushAll(std::span<const ValType> Ts) {
    Operands.insert(Operands.end(), Ts.begin(), Ts.end());
  }
  Error pop(const Instr &I, ValType &Got);
  Error popExpect(const Instr &I, ValType Want);
  Error popAll(const Instr &I, std::span<const ValType> Ts);
  void pushFrame(Op O, std::span<const ValType> Params,
                 std::span<const ValType> Results);
  Error popFrame(const Instr &I, ControlFrame &Out);
  void markUnreachable();

  Error blockSignature(const Instr &I, std::span<const ValType> &Params,
                       std::span<const ValType> &Results);
  Error checkMemory(const Instr &I, uint32_t Index) const;
  Error checkTable(const Instr &I, uint32_t Index) const;
  Error checkMemArg(const Instr &I) const;

  Error stepPure(const Instr &I);
  Error stepControl(const Instr &I);
  Error stepCall(const Instr &I);
  Error stepParametric(const Instr &I);
  Error stepVariable(const Instr &I);
  Error stepTable(const Instr &I);
  Error stepReference(const Instr &I);
  Error stepMemory(const Instr &I);

  const ModuleContext &Ctx;
  const Module &M;
  uint32_t FuncIndex;
  std::span<const ValType> Params;
  std::span<const LocalRun> Runs; // the declared locals, as in the binary
  std::vector<uint64_t> RunEnds;  // per run: index one past its last local
  uint64_t NumLocals = 0;         // parameters and declared locals
  std::vector<ValType> Operands;
  std::vector<ControlFrame> Frames;
  bool Done = false;
};

} // namespace kiln::wasm

#endif // KILN_WASM_FUNC_VALIDATOR_H
