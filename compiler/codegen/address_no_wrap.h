//===- compiler/codegen/address_no_wrap.h - Addresses that cannot wrap -*- C++ -*-===//
//
// A Wasm address is an i32 and wraps: memory.cc reads memory at
// base + zext(a) + offset, and when a = x + c, LLVM may not rewrite
// zext(x + c) as zext(x) + c, because x + c might have wrapped past 2^32 to
// a small, valid address. So clang's wasm32 code for `Insn I = Program[Pc]`,
// two loads at zext(Pc*8 + 1040) and zext(Pc*8 + 1044), costs an address
// computation per load where native code uses one register and two
// displacements; and a scan loop `while (A[i] < Pivot) ++i` keeps its
// pointer in 32 bits with a copy per iteration, because IndVarSimplify cannot
// widen an i32 that might wrap.
//
// An access that did not trap says more. Kiln's memories stop at
// abi::MaxMemoryPages (64 KiB short of 4 GiB), so a load or store at
// zext(b) + off that went through, whether a guard page or an explicit check
// stood behind it, proves b < 2^32 - 65536. Any address b + d with
// 0 < d <= 65536 that such an access dominates therefore does not wrap:
//
//  - zext(x + c2), dominated by an access at zext(x + c1) with
//    0 < c2 - c1 <= 65536 (or at zext(x), c1 = 0), becomes
//    zext(x + c1) + (c2 - c1) in 64 bits: one base register, displacements;
//  - in guard mode also -65536 <= c2 - c1 < 0, when zext(x + c2) only
//    addresses plain accesses (no displacement): if x + c2 wraps below zero,
//    Wasm's address is near 4 GiB, past the memory, and must trap; the
//    rebased one is just below the base, in the abi::GuardBytesBelowBase
//    that the runtime leaves unmapped there, and faults;
//  - `add i32 b, d` dominated by an access at zext(b) gets `nuw`: a pointer
//    that steps after each access is then an affine recurrence without
//    wrap, and IndVarSimplify widens it to 64 bits.
//
// Where the dominating access traps, nothing after it runs, so the rewrite
// never changes a result. If LLVM later deletes the dominating access (a
// load whose value is unused; guard mode cannot keep those), the rewritten
// address, had it wrapped, lands above 4 GiB and traps, which is what the
// deleted load owed the program anyway. Only linear-memory accesses count:
// a load or store whose pointer is memory 0's base (VMContext field 0, the
// function's first argument) plus zext(i32) plus a constant.
//
// Run early (with SignedIndexPass, after each early InstCombine), so the
// loop passes see 64-bit addresses and no-wrap steps. 64-bit targets only:
// on 32-bit ones memory.cc's address is already a 32-bit sum.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_ADDRESS_NO_WRAP_H
#define KILN_CODEGEN_ADDRESS_NO_WRAP_H

#include "kiln/target.h"

#include "llvm/IR/PassManager.h"

namespace kiln::codegen {

struct AddressNoWrapPass : llvm::PassInfoMixin<AddressNoWrapPass> {
  explicit AddressNoWrapPass(MemoryMode Mode) : Mode(Mode) {}
  MemoryMode Mode;
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &FAM);
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_ADDRESS_NO_WRAP_H
