//===- compiler/wasm/names.h - The "name" custom section --------*- C++ -*-===//
//
// Function names from a module's "name" section (the extended name section
// appendix of the spec), for backtraces and profiles. Best effort: a
// malformed name section is not an error (the spec makes custom sections
// optional to understand), it ends the reading where it breaks.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_NAMES_H
#define KILN_WASM_NAMES_H

#include "compiler/wasm/module.h"

#include <cstdint>
#include <map>
#include <span>
#include <string>

namespace kiln::wasm {

using FunctionNames = std::map<uint32_t, std::string>;

/// The function names of a "name" section's payload (after its name).
FunctionNames readFunctionNames(std::span<const uint8_t> Payload);

/// The function names of module `M` (empty without a name section).
FunctionNames functionNames(const Module &M);

} // namespace kiln::wasm

#endif // KILN_WASM_NAMES_H
