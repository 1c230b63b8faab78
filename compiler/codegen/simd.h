//===- compiler/codegen/simd.h - Lowering of v128 operations ----*- C++ -*-===//
//
// Lowers the register-only SIMD instructions (every Simd* category except
// the memory ones: SimdLoad, SimdStore, SimdLoadLane, SimdStoreLane, which
// memory.cc handles because only it computes linear-memory addresses) to
// LLVM vector operations, so that LLVM emits the target's own SIMD (SSE4.1 /
// AVX2, NEON, RVV) and scalarizes only where a target has no vector unit.
//
// A v128 value is always carried as <4 x i32> (ModuleLowering::v128Ty());
// each operation bitcasts to the lane shape it needs and back. Semantics are
// exact Wasm on every lane (float min/max with NaN and signed zero,
// saturating truncation, i8x16.swizzle's out-of-range lanes). Relaxed SIMD
// picks, per target, the fastest result the proposal permits, the same for
// every run of a given artifact.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_SIMD_H
#define KILN_CODEGEN_SIMD_H

#include "compiler/wasm/op_reader.h"
#include "compiler/wasm/opcode.h"

#include "llvm/IR/IRBuilder.h"

#include <span>

namespace kiln::codegen {

class SimdLowering {
public:
  /// V128Ty is the canonical <4 x i32>. Arch tells relaxed SIMD which of the
  /// permitted results is the native one.
  SimdLowering(llvm::IRBuilder<> &B, llvm::Type *V128Ty, bool IsX86)
      : B(B), V128Ty(V128Ty), IsX86(IsX86) {}

  /// Lowers instruction I whose operands are Args (deepest first, as many as
  /// opInfo(I.Opcode) lists) and returns its result (null for none). I's
  /// immediates (lane index, shuffle bytes, v128.const bytes) are read from
  /// the Instr.
  llvm::Value *lower(const wasm::Instr &I, std::span<llvm::Value *const> Args);

private:
  llvm::IRBuilder<> &B;
  llvm::Type *V128Ty;
  bool IsX86;
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_SIMD_H
