//===- compiler/codegen/code_map.h - Native code back to Wasm ---*- C++ -*-===//
//
// Builds the artifact's code map (DebugRec::CodeRanges and WasmFrames) from
// the DWARF that code generation wrote into the object for the locations of
// wasm_locations.h: for each run of native code, the Wasm function and
// instruction offset it came from and, when LLVM inlined it, the chain of
// call sites it was inlined into. The runtime reads the map when a guest
// traps (runtime/src/debug_map.h); it never reads DWARF.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_CODE_MAP_H
#define KILN_CODEGEN_CODE_MAP_H

#include "compiler/codegen/object_layout.h"
#include "kiln/error.h"
#include "kiln/format.h"

#include "llvm/Support/MemoryBufferRef.h"

namespace kiln::codegen {

/// Fills Out.CodeRanges and Out.WasmFrames for the code of the Wasm
/// functions in `Image` (laid out from `Object`). Code outside every Wasm
/// function (trampolines, stubs) is left unmapped.
Error buildCodeMap(llvm::MemoryBufferRef Object, const LaidOutImage &Image,
                   format::DebugRec &Out);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_CODE_MAP_H
