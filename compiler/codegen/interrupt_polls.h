//===- compiler/codegen/interrupt_polls.h - Stopping points -----*- C++ -*-===//
//
// A call into Wasm must be stoppable at any moment (a deadline, interrupt(),
// an epoch): generated code polls VMContext::Interrupt and calls the
// InterruptCheck builtin when the word is set (kiln/abi.h). Where the polls
// go decides both how fast a call stops and what they cost.
//
// InterruptPollsPass runs last, on the optimized IR, so the polls never
// stand in the way of the optimizer: the vectorizer, the unroller and LICM
// have already done their work on loops without them (a poll is an atomic
// load and a call, which would stop all three; Wasmtime's epochs, inserted
// before optimization, cost about 10 %). What remains to poll is the final
// loop structure:
//
//  - every loop header, so every back edge passes a poll: for a vectorized
//    loop that is one poll per vector iteration, for an unrolled one one per
//    unrolled trip;
//  - except innermost loops whose whole run is short: a constant trip bound
//    (from SCEV) times the body's size at most ShortLoopWork instructions,
//    with nothing in them that can run long (no call that can reach Wasm
//    code); the loop around them, or the function's entry, polls instead;
//  - the entry of every function with a call that can reach Wasm code (a
//    direct or indirect call, an import): a recursion passes a poll per
//    call, while a function that calls nothing but intrinsics, builtins and
//    the trap (a leaf without loops always finishes quickly) pays nothing.
//
// Bulk operations (memory.fill/copy/init, table.*) poll inside the runtime's
// builtins, between chunks.
//
// Polls never change what the code computes, so the same IR with and without
// them is byte-for-byte the same program until the word is set.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_INTERRUPT_POLLS_H
#define KILN_CODEGEN_INTERRUPT_POLLS_H

#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"

#include <cstdint>

namespace kiln::codegen {

struct InterruptPollsPass : llvm::PassInfoMixin<InterruptPollsPass> {
  /// Trip bound x body instructions below which an innermost loop without
  /// calls is left to its parent's poll: at a few instructions per
  /// nanosecond, some tens of microseconds at worst.
  static constexpr uint64_t ShortLoopWork = 1u << 15;

  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &MAM);
  /// Not an optimization: it runs on optnone functions too (-O0).
  static bool isRequired() { return true; }
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_INTERRUPT_POLLS_H
