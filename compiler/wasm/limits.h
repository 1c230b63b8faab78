//===- compiler/wasm/limits.h - Implementation limits -----------*- C++ -*-===//
//
// The sizes Kiln accepts in a module, so that no count a small file declares
// can make the compiler allocate or work without bound. They are the limits
// the major engines agreed on and enforce (V8's src/wasm/wasm-limits.h,
// wasmparser's limits.rs, SpiderMonkey's WasmConstants.h; the JS API spec
// lists them as "implementation-defined limits"), so a module one of them
// accepts is not refused here for its size.
//
// Each is checked where the count is read, before anything is allocated for
// it, and refused with an Error of kind Limit that names the limit, the
// value and where (limitError() below).
//
// No nesting depth limit: none of those engines has one (a body's nesting is
// bounded by its size), and the validator and the lowering keep the control
// stack in a vector, never on the native stack.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_LIMITS_H
#define KILN_WASM_LIMITS_H

#include "kiln/error.h"

#include <cstdint>
#include <string>

namespace kiln::wasm {

inline constexpr uint32_t MaxTypes = 1'000'000;
inline constexpr uint32_t MaxFunctions = 1'000'000; // imported + defined
inline constexpr uint32_t MaxImports = 100'000;
inline constexpr uint32_t MaxExports = 100'000;
inline constexpr uint32_t MaxGlobals = 1'000'000; // imported + defined
inline constexpr uint32_t MaxDataSegments = 100'000;
inline constexpr uint32_t MaxElemSegments = 100'000;
/// Items of one element segment (V8's kV8MaxWasmTableInitEntries).
inline constexpr uint32_t MaxElemSegmentItems = 10'000'000;
/// A defined table's initial size (elements); its max is not limited, as
/// tables only grow that far at run time, where the runtime's own limit
/// (ResourceLimits, kiln/limits.h) applies.
inline constexpr uint32_t MaxTableSize = 10'000'000;
inline constexpr uint32_t MaxFunctionParams = 1'000;
inline constexpr uint32_t MaxFunctionResults = 1'000;
/// Declared locals of one function, parameters excluded (as V8 counts).
inline constexpr uint32_t MaxFunctionLocals = 50'000;
/// Bytes of one function body, its size prefix excluded.
inline constexpr uint32_t MaxFunctionBodySize = 7'654'321;

/// "too many types: 1000001, the limit is 1000000", of kind Limit, at
/// `Offset`. `What` names the dimension as the message should ("types",
/// "parameters in type 3", ...).
inline Error limitError(const std::string &What, uint64_t Value,
                        uint64_t Limit, uint64_t Offset) {
  return Error::make(ErrorKind::Limit,
                     formatString("too many %s: %llu, the limit is %llu",
                                  What.c_str(),
                                  (unsigned long long)Value,
                                  (unsigned long long)Limit))
      .atOffset(Offset);
}

} // namespace kiln::wasm

#endif // KILN_WASM_LIMITS_H
