//===- compiler/wasm/types.h - Wasm value and entity types ------*- C++ -*-===//
//
// The type vocabulary of the module model: value types, function types,
// limits and the types of tables, memories and globals. Encodings are the
// binary format's own bytes, so decoding a value type is a range check.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_TYPES_H
#define KILN_WASM_TYPES_H

#include "kiln/types.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace kiln::wasm {

using kiln::ValType;
using kiln::valTypeName;

inline bool isNumType(ValType T) {
  return T == ValType::I32 || T == ValType::I64 || T == ValType::F32 ||
         T == ValType::F64;
}
inline bool isRefType(ValType T) {
  return T == ValType::FuncRef || T == ValType::ExternRef;
}
/// Decodes a value type byte; nullopt if it names no value type.
std::optional<ValType> valTypeFromByte(uint8_t B);

struct FuncType {
  std::vector<ValType> Params;
  std::vector<ValType> Results;
  bool operator==(const FuncType &) const = default;
};

struct Limits {
  uint64_t Min = 0;
  std::optional<uint64_t> Max;
};

struct TableType {
  ValType Elem = ValType::FuncRef;
  Limits Lim;
};

struct MemoryType {
  Limits Lim; // in 64 KiB pages
};

struct GlobalType {
  ValType Type = ValType::I32;
  bool Mutable = false;
};

using kiln::ExternKind;
using kiln::externKindName;

inline constexpr uint64_t WasmPageSize = 65536;
inline constexpr uint64_t MaxMemoryPages = 65536; // 4 GiB of 32-bit memory

} // namespace kiln::wasm

#endif // KILN_WASM_TYPES_H
