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

/// Per type index, the first type with the same signature. Trampolines
/// depend only on the signature, so types that repeat one (a module may
/// declare a million `() -> ()` types) share the first one's: the artifact's
/// trampoline records of all of them point at the same code.
std::vector<uint32_t> trampolineTypes(const wasm::Module &M);

/// Emits entry and exit trampolines for every distinct signature of the
/// module, named after the first type that has it.
void emitTrampolines(ModuleLowering &ML);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_TRAMPOLINES_H
