//===- compiler/wasm/types.h - Wasm value and entity types ------*- C++ -*-===//
//
// The type vocabulary of the module model: value types, function types,
// limits and the types of tables, memories and globals. Encodings are the
// binary format's own bytes, so decoding a value type is a range check.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_TYPES_H
#define KILN_WASM_TYPES_H

#include <cstdint>
#include <optional>
#include <vector>

namespace kiln::wasm {

enum class ValType : uint8_t {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
};

inline bool isNumType(ValType T) {
  return T == ValType::I32 || T == ValType::I64 || T == ValType::F32 ||
         T == ValType::F64;
}
inline bool isRefType(ValType T) {
  return T == ValType::FuncRef || T == ValType::ExternRef;
}
const char *valTypeName(ValType T);
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

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char *externKindName(ExternKind K);

inline constexpr uint64_t WasmPageSize = 65536;
inline constexpr uint64_t MaxMemoryPages = 65536; // 4 GiB of 32-bit memory

} // namespace kiln::wasm

#endif // KILN_WASM_TYPES_H
