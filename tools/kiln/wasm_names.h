//===- tools/kiln/wasm_names.h - Function names for backtraces --*- C++ -*-===//
//
// `kiln run` names the frames of a trap's backtrace: from the "name" custom
// section when the input is a .wasm that has one, otherwise from the
// module's exports. Reading the section is best effort: a malformed one is
// ignored (the module itself was validated by the compiler).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_WASM_NAMES_H
#define KILN_TOOLS_WASM_NAMES_H

#include "kiln/runtime.h"

#include <cstdint>
#include <map>
#include <span>
#include <string>

namespace kiln::cli {

using FuncNames = std::map<uint32_t, std::string>;

/// Function names from a Wasm binary's "name" section (empty if none).
FuncNames namesFromWasm(std::span<const uint8_t> Wasm);

/// Adds export names for functions that have no name yet (the first export
/// of a function wins).
void addExportNames(const format::Artifact &A, FuncNames &Names);

} // namespace kiln::cli

#endif // KILN_TOOLS_WASM_NAMES_H
