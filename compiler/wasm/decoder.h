//===- compiler/wasm/decoder.h - Binary module decoder ----------*- C++ -*-===//
//
// Decodes the Wasm binary format into the module model. Decoding checks the
// encoding only (section order and sizes, LEB128 forms, UTF-8 names, counts
// that agree); the rules of the type system are validator.h's. Function
// bodies are kept as byte ranges and read later, instruction by instruction.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_DECODER_H
#define KILN_WASM_DECODER_H

#include "compiler/wasm/features.h"
#include "compiler/wasm/limits.h"
#include "compiler/wasm/module.h"
#include "kiln/error.h"

#include <cstdint>
#include <span>

namespace kiln::wasm {

/// Counts beyond the implementation limits of limits.h are refused with an
/// error of kind Limit, before anything is allocated for them.
Expected<Module> decodeModule(std::span<const uint8_t> Bytes,
                              const Features &F = Features());

} // namespace kiln::wasm

#endif // KILN_WASM_DECODER_H
