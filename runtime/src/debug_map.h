//===- runtime/src/debug_map.h - A trap's frames, for people ----*- C++ -*-===//
//
// Reads the artifact's Debug section (kiln/format.h) to describe a trap:
// which Wasm frames a native PC stands for (with the frames the compiler
// inlined), their names, and their source lines. The loader has checked
// every index in the section; lookups are binary searches over its sorted
// lists and run only on the trap path, never in the signal handler.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_DEBUG_MAP_H
#define KILN_RUNTIME_DEBUG_MAP_H

#include "src/module.h"

#include <vector>

namespace kiln::rt {

/// Appends the Wasm frames of the native code at `Pc` (inside an
/// instruction of M's text), innermost first: the frame the code belongs
/// to, then those it was inlined into (all but the last marked Inlined).
/// Appends nothing when M's code map does not cover Pc.
void appendFramesAtPc(const Module::Impl &M, uintptr_t Pc,
                      std::vector<TrapFrame> &Out);

/// Fills a frame's name and source lines from M's Debug section and
/// exports (FuncIndex and WasmOffset set).
void describeFrame(const Module::Impl &M, TrapFrame &F);

} // namespace kiln::rt

#endif // KILN_RUNTIME_DEBUG_MAP_H
