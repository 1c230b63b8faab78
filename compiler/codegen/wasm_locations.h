//===- compiler/codegen/wasm_locations.h - Wasm offsets as debug lines -*- C++ -*-===//
//
// How a trap in native code finds its Wasm instruction: every instruction
// lowered from Wasm carries a debug location whose line is the Wasm byte
// offset of the instruction it came from, in a DISubprogram per Wasm
// function named by its symbol (funcSymbol). LLVM keeps these through its
// passes and, when it inlines, records the call site as the location's
// inlinedAt: exactly what a backtrace with inlined frames needs. Code
// generation emits them as DWARF line tables and inlined-subroutine entries
// in the object, which code_map.h turns into the artifact's code map.
//
// Line-tables-only debug info: no variables, no types, so no debug
// intrinsics in the IR, and code generation is the same with or without it
// (LLVM's rule that -g does not change code).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_WASM_LOCATIONS_H
#define KILN_CODEGEN_WASM_LOCATIONS_H

#include "compiler/wasm/module.h"

#include "llvm/IR/DIBuilder.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Module.h"

#include <vector>

namespace kiln::codegen {

class WasmLocations {
public:
  /// Describes every defined function of `M`; `Funcs` are their LLVM
  /// functions, defined functions in index order.
  WasmLocations(const wasm::Module &M, llvm::Module &LM,
                const std::vector<llvm::Function *> &Funcs);

  /// The location of the instruction at Wasm offset `Offset` of defined
  /// function `FuncIndex`.
  llvm::DILocation *at(uint32_t FuncIndex, uint64_t Offset) const;

  /// Completes the debug info; call once, after the last function is lowered.
  void finalize() { DIB.finalize(); }

private:
  const wasm::Module &M;
  llvm::DIBuilder DIB;
  std::vector<llvm::DISubprogram *> Subprograms; // defined functions
};

} // namespace kiln::codegen

#endif // KILN_CODEGEN_WASM_LOCATIONS_H
