//===- compiler/codegen/compile.h - .wasm to .kiln --------------*- C++ -*-===//
//
// The compiler's entry point: decode, validate and lower every function,
// optimize, generate code for the target, lay the object out as a code image
// and describe the module for the runtime. The result is an in-memory
// format::Artifact; kiln/format_writer.h serializes it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_COMPILE_H
#define KILN_CODEGEN_COMPILE_H

#include "compiler/wasm/features.h"
#include "kiln/error.h"
#include "kiln/format.h"
#include "kiln/target.h"

#include <optional>
#include <span>
#include <string>

namespace kiln::codegen {

struct CompileOptions {
  std::string Triple;   // empty: the host
  std::string Cpu;      // empty: the target's baseline
  std::string Features; // LLVM feature string
  unsigned OptLevel = 2;
  std::optional<MemoryMode> Mode; // empty: the target's default
  wasm::Features WasmFeatures;
  /// Poll for interruption at function entries and loop headers
  /// (interrupt_polls.h); off (--no-interrupt), calls cannot be stopped.
  bool Interrupt = true;
  /// Count fuel (kiln/abi.h) so that calls can be given a deterministic
  /// budget; implies Interrupt.
  bool Fuel = false;
  /// The artifact's Debug section: the module's function names (off:
  /// --strip-names), and the code map from native code to Wasm offsets with
  /// inlined frames, plus source lines when the module has DWARF (off:
  /// --strip-debug). Neither changes the generated code.
  bool Names = true;
  bool CodeMap = true;
  bool DumpIr = false;  // print the optimized IR to stderr
  /// If set, receives the generated code as assembly text (what the
  /// artifact's code section holds, before layout), for inspection and for
  /// the code-quality tests.
  std::string *AssemblyOut = nullptr;
};

/// Whether artifacts can be produced for `A` yet (object layout and
/// relocation exist for it); the others are listed but refused clearly.
bool canEmitArtifacts(Arch A);

Expected<format::Artifact> compileWasm(std::span<const uint8_t> Wasm,
                                       const CompileOptions &Opts);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_COMPILE_H
