//===- tools/kiln/wast/values.cc - Script values vs runtime values --------===//

#include "tools/kiln/wast/values.h"

#include "kiln/error.h"

#include <cstring>

namespace kiln::wast {

kiln::Value toRuntimeValue(const Value &V) {
  switch (V.Type) {
  case ValueType::I32:
    return kiln::Value::i32(uint32_t(V.Bits));
  case ValueType::I64:
    return kiln::Value::i64(V.Bits);
  case ValueType::F32:
    return kiln::Value::f32Bits(uint32_t(V.Bits));
  case ValueType::F64:
    return kiln::Value::f64Bits(V.Bits);
  case ValueType::V128:
    return kiln::Value::v128(V.Bytes);
  case ValueType::FuncRef:
    return kiln::Value::funcRef(nullptr); // scripts only pass null funcrefs
  case ValueType::ExternRef:
    return kiln::Value::externRef(
        V.IsNull ? nullptr : reinterpret_cast<void *>(uintptr_t(V.Bits) + 1));
  }
  return kiln::Value();
}

static bool nanMatches(NanPattern P, uint64_t Bits, unsigned Width) {
  unsigned MantBits = Width == 32 ? 23 : 52;
  uint64_t ExpMask = Width == 32 ? 0x7f800000ull : 0x7ff0000000000000ull;
  uint64_t Mant = Bits & ((uint64_t(1) << MantBits) - 1);
  uint64_t Quiet = uint64_t(1) << (MantBits - 1);
  if ((Bits & ExpMask) != ExpMask || Mant == 0)
    return false; // not a NaN
  if (P == NanPattern::Canonical)
    return Mant == Quiet;
  return (Mant & Quiet) != 0; // arithmetic: any quiet NaN
}

static uint64_t laneOf(const kiln::Value &V, unsigned Index, unsigned Bytes) {
  uint64_t L = 0;
  for (unsigned B = 0; B < Bytes; ++B)
    L |= uint64_t(V.Bits[Index * Bytes + B]) << (8 * B);
  return L;
}

bool matches(const Value &Want, const kiln::Value &Got) {
  switch (Want.Type) {
  case ValueType::I32:
    return Got.Type == kiln::ValType::I32 && Got.i32() == uint32_t(Want.Bits);
  case ValueType::I64:
    return Got.Type == kiln::ValType::I64 && Got.i64() == Want.Bits;
  case ValueType::F32:
    if (Got.Type != kiln::ValType::F32)
      return false;
    if (Want.Nan != NanPattern::None)
      return nanMatches(Want.Nan, Got.f32Bits(), 32);
    return Got.f32Bits() == uint32_t(Want.Bits);
  case ValueType::F64:
    if (Got.Type != kiln::ValType::F64)
      return false;
    if (Want.Nan != NanPattern::None)
      return nanMatches(Want.Nan, Got.f64Bits(), 64);
    return Got.f64Bits() == Want.Bits;
  case ValueType::V128: {
    if (Got.Type != kiln::ValType::V128)
      return false;
    unsigned N = Want.laneCount(), Bytes = 16 / N;
    for (unsigned I = 0; I < N; ++I) {
      uint64_t L = laneOf(Got, I, Bytes);
      NanPattern P = Want.laneNan(I);
      if (P != NanPattern::None ? !nanMatches(P, L, Bytes * 8)
                                : L != Want.lane(I))
        return false;
    }
    return true;
  }
  case ValueType::FuncRef:
    if (Got.Type != kiln::ValType::FuncRef)
      return false;
    return Want.IsNull == (Got.ref() == nullptr);
  case ValueType::ExternRef:
    if (Got.Type != kiln::ValType::ExternRef)
      return false;
    if (Want.IsNull)
      return Got.ref() == nullptr;
    return Got.ref() == reinterpret_cast<void *>(uintptr_t(Want.Bits) + 1);
  }
  return false;
}

std::string describe(const kiln::Value &V) {
  switch (V.Type) {
  case kiln::ValType::I32:
    return formatString("i32:%u", V.i32());
  case kiln::ValType::I64:
    return formatString("i64:%llu", (unsigned long long)V.i64());
  case kiln::ValType::F32:
    return formatString("f32:0x%08x", V.f32Bits());
  case kiln::ValType::F64:
    return formatString("f64:0x%016llx", (unsigned long long)V.f64Bits());
  case kiln::ValType::V128: {
    std::string S = "v128:";
    for (unsigned I = 0; I < 16; ++I)
      S += formatString("%02x", V.Bits[15 - I]);
    return S;
  }
  case kiln::ValType::FuncRef:
    return V.ref() ? "funcref" : "funcref:null";
  case kiln::ValType::ExternRef:
    return V.ref() ? formatString("externref:%zu",
                                  size_t(uintptr_t(V.ref()) - 1))
                   : "externref:null";
  }
  return "?";
}

std::string describe(const Value &V) {
  if (V.Type == ValueType::V128 || V.Nan != NanPattern::None || V.IsNull)
    return std::string(valueTypeName(V.Type)) +
           (V.Nan == NanPattern::Canonical    ? ":nan:canonical"
            : V.Nan == NanPattern::Arithmetic ? ":nan:arithmetic"
            : V.IsNull                        ? ":null"
                                              : ":(lanes)");
  return describe(toRuntimeValue(V));
}

} // namespace kiln::wast
