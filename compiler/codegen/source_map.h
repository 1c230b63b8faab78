//===- compiler/codegen/source_map.h - Wasm offsets to source lines -*- C++ -*-===//
//
// When a module carries DWARF (clang -g), the artifact carries what turns
// the Wasm offsets of its code map into file:line: DebugRec::SourceSites
// and SourceFrames, with the module compiler's own inlining (clang -O2
// inlines C functions into one Wasm function) as chains of source frames.
// Only the offsets a backtrace can show are kept: those in the code map.
// The module's DWARF is read with LLVM's reader; the runtime never sees it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_SOURCE_MAP_H
#define KILN_CODEGEN_SOURCE_MAP_H

#include "compiler/wasm/module.h"
#include "kiln/format.h"

namespace kiln::codegen {

/// Whether `M` has DWARF to read (a ".debug_info" custom section).
bool hasDwarf(const wasm::Module &M);

/// Fills Out.SourceSites, SourceFrames and Strings for the Wasm offsets of
/// Out.WasmFrames. Best effort: DWARF that LLVM cannot read leaves them
/// empty (the module itself was validated; its debug info is a comment).
void buildSourceMap(const wasm::Module &M, format::DebugRec &Out);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_SOURCE_MAP_H
