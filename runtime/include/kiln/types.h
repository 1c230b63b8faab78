//===- kiln/types.h - Value types and extern kinds --------------*- C++ -*-===//
//
// The Wasm vocabulary every part of Kiln shares: the compiler's module model,
// the artifact format and the embedding API all use these two enums (with
// the Wasm binary encoding as their values), and their names come from here.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TYPES_H
#define KILN_TYPES_H

#include <cstdint>

namespace kiln {

enum class ValType : uint8_t {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
};

inline bool isValTypeByte(uint8_t B) {
  return (B >= 0x7b && B <= 0x7f) || B == 0x70 || B == 0x6f;
}

inline bool isRefTypeByte(uint8_t B) { return B == 0x70 || B == 0x6f; }

inline const char *valTypeName(ValType T) {
  switch (T) {
  case ValType::I32:
    return "i32";
  case ValType::I64:
    return "i64";
  case ValType::F32:
    return "f32";
  case ValType::F64:
    return "f64";
  case ValType::V128:
    return "v128";
  case ValType::FuncRef:
    return "funcref";
  case ValType::ExternRef:
    return "externref";
  }
  return "invalid";
}

/// The name of an encoded value type, "invalid" for a byte that is none.
inline const char *valTypeByteName(uint8_t B) {
  return isValTypeByte(B) ? valTypeName(ValType(B)) : "invalid";
}

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };

inline const char *externKindName(ExternKind K) {
  switch (K) {
  case ExternKind::Func:
    return "func";
  case ExternKind::Table:
    return "table";
  case ExternKind::Memory:
    return "memory";
  case ExternKind::Global:
    return "global";
  }
  return "unknown";
}

} // namespace kiln

#endif // KILN_TYPES_H
