//===- compiler/codegen/address_phis.h - 64-bit loop-carried addresses -*- C++ -*-===//
//
// A Wasm address is an i32; memory.cc turns it into a host pointer as
// base + zext(addr). When the i32 is loop-carried (a phi: `*p++` in a byte
// loop), the x86-64 backend cannot see that the 32-bit instruction that
// computed it in the previous iteration already cleared the upper half, so
// every iteration pays a `mov r32, r32` before each access. Native code,
// whose pointers are 64-bit, has no such instruction.
//
// WidenAddressPhisPass gives each i32 phi that feeds a zext to i64 an i64
// twin holding exactly zext(phi): each incoming value is zero-extended
// right after it is computed (where the backend folds the zext into the
// 32-bit instruction that defines it), the zext users take the twin, and the
// i32 users take its low half (a subregister, also free). The value of
// every instruction is unchanged, so Wasm's wrapping i32 arithmetic is kept.
// It covers the phi itself used as an address (clang's scan loops read
// `offset=1` from p, then step p); when the loop is rotated so that the
// incremented value is what crosses the back edge, the backend still copies.
// x86-64 only: AArch64 folds uxtw into its addressing modes, and RISC-V's
// 32-bit arithmetic sign-extends, so neither gains.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_ADDRESS_PHIS_H
#define KILN_CODEGEN_ADDRESS_PHIS_H

#include "llvm/IR/PassManager.h"

namespace kiln::codegen {

struct WidenAddressPhisPass : llvm::PassInfoMixin<WidenAddressPhisPass> {
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &FAM);
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_ADDRESS_PHIS_H
