//===- compiler/codegen/byte_gather.h - Vectors gathered byte by byte -*- C++ -*-===//
//
// Wasm SIMD has no byte shuffle of memory and no byte swap, so clang
// spells a vectorized big-endian read (SHA-256's message schedule:
// W[i] = p[4i] << 24 | p[4i+1] << 16 | p[4i+2] << 8 | p[4i+3]) as sixteen
// v128.load8_lane into four vectors, widened, shifted and or-ed together.
// Compiled faithfully, that is sixteen byte loads and pinsrb where native
// code has one 16-byte load and a pshufb.
//
// ByteGatherPass follows every byte of a 16-byte vector value back through
// insertelement, shufflevector, extractelement, zext, trunc, bitcast,
// bswap, shifts by whole bytes, `and` with byte masks and `or`, to a byte
// of a linear-memory load, a zero, or poison. When all of its bytes come
// from one 16-byte window of memory (or are zero or poison) and at least
// MinLoads loads feed it, the value becomes one 16-byte load of the window
// and a byte shuffle, which each target lowers to its table lookup
// (pshufb, tbl, vtbl, vrgather).
//
// Why the wide load cannot trap where the program did not: the window's
// first and last bytes are bytes the program loaded before the value, and
// memory is contiguous, so every byte between is in bounds too.
//
// How the pass knows where the bytes are: each load's address is memory
// 0's base + zext(x + c) + k, the same x for all. Two of them are
// c2 - c1 + k2 - k1 apart modulo 2^32. Both loads went through, so both
// addresses lie in the memory, below 2^32 - 65536 (abi::MaxMemoryPages),
// and their true distance is less than that apart; when the modular one is
// at most 65536 (abi::NoWrapReachAfterAccess) either way, it is the true
// one.
//
// Why it traps where the program did: the wide load takes the place of the
// value, which every gathered load precedes (they are its operands). Only
// instructions without side effects, and bounds checks that branch to a
// trap, may stand between the first of them and the value, so if one
// gathered load would have trapped, nothing the program can observe
// happens before the wide load does. In bounds-checked mode the loads'
// checks stay and trap first. In guard mode the wide load must fault
// itself, and it does: its address is zext(x + c_lo) + D, D >= 0, from the
// lowest of the 32-bit sums. If no sum wrapped, that is the window. If one
// did, x + c_lo lies within 64 KiB of 4 GiB, past the memory, so the load
// at it faulted (its displacement is not negative), and so does the
// window, D bytes above. The loads inside the window hand their trap
// keepers (guard_traps.h) to it; one reaching past it keeps its own.
//
// Run last, after the unroller: the gathers of a vector loop only have
// constant lane addresses once the loop is fully unrolled (see
// lane_induction_unroll.h).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_BYTE_GATHER_H
#define KILN_CODEGEN_BYTE_GATHER_H

#include "llvm/IR/PassManager.h"

namespace kiln::codegen {

struct ByteGatherPass : llvm::PassInfoMixin<ByteGatherPass> {
  /// Fewer loads than this are not worth a shuffle and its mask.
  static constexpr unsigned MinLoads = 4;
  llvm::PreservedAnalyses run(llvm::Function &F,
                              llvm::FunctionAnalysisManager &FAM);
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_BYTE_GATHER_H
