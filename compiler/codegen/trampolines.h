//===- compiler/codegen/trampolines.h - C++ <-> Wasm crossings --*- C++ -*-===//
//
// Per function type, the two trampolines of kiln/abi.h: entry_T lets the
// runtime call any Wasm function of type T through one C signature; exit_T
// lets generated code call a host function of type T with the native Wasm
// signature. Both move values through 16-byte slots.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_TRAMPOLINES_H
#define KILN_CODEGEN_TRAMPOLINES_H

#include "compiler/codegen/module_lowering.h"

namespace kiln::codegen {

std::string entrySymbol(uint32_t TypeIndex);
std::string exitSymbol(uint32_t TypeIndex);

/// Emits entry and exit trampolines for every type of the module.
void emitTrampolines(ModuleLowering &ML);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_TRAMPOLINES_H
