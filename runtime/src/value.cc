//===- runtime/src/value.cc - kiln::Value --------------------------------===//
//
// Values keep their bits little-endian in a 16-byte array, the layout of a
// ValSlot and a GlobalCell, so moving a value between the API and generated
// code is a plain copy. Every Kiln target is little-endian.
//
//===----------------------------------------------------------------------===//

#include "kiln/runtime.h"

#include <cstring>

namespace kiln {

static_assert(sizeof(void *) <= 8, "references are stored in 8 bytes");

static Value make(ValType T, uint64_t Low) {
  Value V;
  V.Type = T;
  for (unsigned I = 0; I < 8; ++I)
    V.Bits[I] = uint8_t(Low >> (8 * I));
  return V;
}

Value Value::i32(uint32_t V) { return make(ValType::I32, V); }
Value Value::i64(uint64_t V) { return make(ValType::I64, V); }
Value Value::f32Bits(uint32_t V) { return make(ValType::F32, V); }
Value Value::f64Bits(uint64_t V) { return make(ValType::F64, V); }

Value Value::v128(const std::array<uint8_t, 16> &Bytes) {
  Value V;
  V.Type = ValType::V128;
  V.Bits = Bytes;
  return V;
}

Value Value::funcRef(void *P) {
  return make(ValType::FuncRef, uint64_t(reinterpret_cast<uintptr_t>(P)));
}
Value Value::externRef(void *P) {
  return make(ValType::ExternRef, uint64_t(reinterpret_cast<uintptr_t>(P)));
}

uint32_t Value::i32() const { return uint32_t(i64()); }

uint64_t Value::i64() const {
  uint64_t V = 0;
  for (unsigned I = 0; I < 8; ++I)
    V |= uint64_t(Bits[I]) << (8 * I);
  return V;
}

void *Value::ref() const {
  return reinterpret_cast<void *>(uintptr_t(i64()));
}

} // namespace kiln
