//===- compiler/codegen/numeric.h - Lowering of numeric ops -----*- C++ -*-===//
//
// Lowers the pure numeric instructions (opcode categories Unary, Binary,
// Compare, Test, Convert; scalar only, SIMD has its own file) to LLVM IR with
// exact Wasm semantics: trapping integer division and float-to-int
// truncation, saturating truncation, shift counts taken modulo the width,
// rotates, float min/max with NaN propagation and -0 < +0, nearest as
// round-half-to-even, copysign. Traps are raised through TrapSink so this
// file knows nothing about how a trap is delivered.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_NUMERIC_H
#define KILN_CODEGEN_NUMERIC_H

#include "compiler/wasm/opcode.h"
#include "kiln/trap.h"

#include "llvm/IR/IRBuilder.h"

namespace kiln::codegen {

/// Where conditional traps go. The implementation branches to a cold block
/// that calls the runtime's trap builtin.
class TrapSink {
public:
  virtual ~TrapSink() = default;
  /// Emits "if (Cond) trap(Code)" at the builder's insertion point and
  /// leaves the builder in the fall-through block. Cond is an i1.
  virtual void trapIf(llvm::Value *Cond, TrapCode Code) = 0;
};

class NumericLowering {
public:
  NumericLowering(llvm::IRBuilder<> &B, TrapSink &Traps)
      : B(B), Traps(Traps) {}

  /// One operand (Unary, Test, Convert categories). Test and compare results
  /// are i32 (0 or 1), as in Wasm.
  llvm::Value *lowerUnary(wasm::Op O, llvm::Value *X);
  /// Two operands (Binary, Compare categories); X is the deeper operand.
  llvm::Value *lowerBinary(wasm::Op O, llvm::Value *X, llvm::Value *Y);

private:
  llvm::IRBuilder<> &B;
  TrapSink &Traps;
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_NUMERIC_H
