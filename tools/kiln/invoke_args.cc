//===- tools/kiln/invoke_args.cc - Export arguments as text ---------------===//

#include "tools/kiln/invoke_args.h"

#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace kiln::cli {

bool parseInvokeArg(const std::string &S, ValType T, Value &Out) {
  const char *P = S.c_str();
  char *End = nullptr;
  errno = 0;
  switch (T) {
  case ValType::I32:
  case ValType::I64: {
    bool Neg = !S.empty() && S[0] == '-';
    uint64_t U = Neg ? uint64_t(std::strtoll(P, &End, 0))
                     : std::strtoull(P, &End, 0);
    if (errno || End == P || *End)
      return false;
    if (T == ValType::I32) {
      if (Neg ? int64_t(U) < INT32_MIN : U > UINT32_MAX)
        return false;
      Out = Value::i32(uint32_t(U));
    } else {
      Out = Value::i64(U);
    }
    return true;
  }
  case ValType::F32: {
    float F = std::strtof(P, &End);
    if (End == P || *End)
      return false;
    uint32_t Bits;
    std::memcpy(&Bits, &F, 4);
    Out = Value::f32Bits(Bits);
    return true;
  }
  case ValType::F64: {
    double D = std::strtod(P, &End);
    if (End == P || *End)
      return false;
    uint64_t Bits;
    std::memcpy(&Bits, &D, 8);
    Out = Value::f64Bits(Bits);
    return true;
  }
  case ValType::V128:
  case ValType::FuncRef:
  case ValType::ExternRef:
    return false;
  }
  return false;
}

std::string formatValue(const Value &V) {
  switch (V.Type) {
  case ValType::I32:
    return formatString("%" PRId32, int32_t(V.i32()));
  case ValType::I64:
    return formatString("%" PRId64, int64_t(V.i64()));
  case ValType::F32: {
    float F;
    uint32_t B = V.f32Bits();
    std::memcpy(&F, &B, 4);
    return formatString("%.9g", double(F));
  }
  case ValType::F64: {
    double D;
    uint64_t B = V.f64Bits();
    std::memcpy(&D, &B, 8);
    return formatString("%.17g", D);
  }
  case ValType::V128: {
    std::string S;
    for (int I = 15; I >= 0; --I)
      S += formatString("%02x", V.Bits[size_t(I)]);
    return S;
  }
  case ValType::FuncRef:
  case ValType::ExternRef:
    return V.ref() ? "ref" : "null";
  }
  return "?";
}

} // namespace kiln::cli
