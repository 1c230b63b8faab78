//===- tools/kiln/module_loader.h - .kiln or .wasm to a Module --*- C++ -*-===//
//
// `kiln run` and `kiln wast` accept artifacts, and, in builds with the
// compiler, .wasm files that are compiled in memory first. The in-memory path
// still serializes the artifact and loads it through the runtime's verifier,
// so it exercises exactly what a device does.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_MODULE_LOADER_H
#define KILN_TOOLS_MODULE_LOADER_H

#include "kiln/runtime.h"

#include <memory>
#include <optional>
#include <span>
#include <string>

#ifdef KILN_WITH_COMPILER
#include "compiler/codegen/compile.h"
#endif

namespace kiln::cli {

struct ModuleSource {
  /// How the artifact is loaded (trusted keys: --trust).
  LoadOptions Load;
#ifdef KILN_WITH_COMPILER
  codegen::CompileOptions Compile; // for .wasm inputs
#endif
};

/// True if the bytes start with the Wasm magic.
bool isWasmBinary(std::span<const uint8_t> Bytes);

/// Loads an artifact, or compiles a Wasm binary and loads the result.
Expected<std::shared_ptr<Module>> loadModuleBytes(std::span<const uint8_t> Bytes,
                                                  const ModuleSource &Src);

} // namespace kiln::cli

#endif // KILN_TOOLS_MODULE_LOADER_H
