//===- compiler/wasm/types.cc - Wasm value and entity types ---------------===//

#include "compiler/wasm/types.h"

namespace kiln::wasm {

const char *valTypeName(ValType T) {
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
  return "?";
}

std::optional<ValType> valTypeFromByte(uint8_t B) {
  switch (B) {
  case 0x7f:
  case 0x7e:
  case 0x7d:
  case 0x7c:
  case 0x7b:
  case 0x70:
  case 0x6f:
    return ValType(B);
  default:
    return std::nullopt;
  }
}

const char *externKindName(ExternKind K) {
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
  return "?";
}

} // namespace kiln::wasm
