//===- compiler/wasm/types.cc - Wasm value and entity types ---------------===//

#include "compiler/wasm/types.h"

namespace kiln::wasm {

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

} // namespace kiln::wasm
