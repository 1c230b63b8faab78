//===- compiler/codegen/trap_branches.h - Branches to traps in loops -*- C++ -*-===//
//
// FunctionLowering's traps are blocks that call the trap builtin and end in
// `unreachable`. Loop passes tell a loop's checks (a branch out to such a
// block) from its real exits with these.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_TRAP_BRANCHES_H
#define KILN_CODEGEN_TRAP_BRANCHES_H

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Instructions.h"

#include <optional>

namespace kiln::codegen {

inline bool isTrapBlock(const llvm::BasicBlock *BB) {
  return llvm::isa<llvm::UnreachableInst>(BB->getTerminator());
}

/// The successor index through which `BB`'s conditional branch leaves L
/// for a trap block, or none (no such branch, or both ways trap).
inline std::optional<unsigned> trapSuccessor(const llvm::BasicBlock *BB,
                                             const llvm::Loop &L) {
  auto *Br = llvm::dyn_cast<llvm::BranchInst>(BB->getTerminator());
  if (!Br || !Br->isConditional())
    return std::nullopt;
  auto Traps = [&](unsigned I) {
    return !L.contains(Br->getSuccessor(I)) && isTrapBlock(Br->getSuccessor(I));
  };
  if (Traps(0) == Traps(1))
    return std::nullopt;
  return Traps(0) ? 0u : 1u;
}

} // namespace kiln::codegen

#endif // KILN_CODEGEN_TRAP_BRANCHES_H
