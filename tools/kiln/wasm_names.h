//===- tools/kiln/wasm_names.h - Function names for people ------*- C++ -*-===//
//
// The names the CLI shows for functions (profiles, inspect): those the
// compiler carried into the artifact from the module's "name" section
// (kiln compile --strip-names drops them), then the module's exports.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_WASM_NAMES_H
#define KILN_TOOLS_WASM_NAMES_H

#include "kiln/runtime.h"

#include <cstdint>
#include <map>
#include <string>

namespace kiln::cli {

using FuncNames = std::map<uint32_t, std::string>;

/// The artifact's function names, then export names for functions that
/// have none (the first export of a function wins).
FuncNames functionNames(const format::Artifact &A);

} // namespace kiln::cli

#endif // KILN_TOOLS_WASM_NAMES_H
