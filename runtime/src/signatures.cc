//===- runtime/src/signatures.cc - Canonical function signatures ----------===//

#include "src/signatures.h"

#include <cstring>
#include <mutex>
#include <unordered_map>

namespace kiln::rt {

/// A FuncSig as bytes: params, a separator no value type uses, results.
static std::string sigKey(const FuncSig &Sig) {
  std::string Key;
  Key.reserve(Sig.Params.size() + Sig.Results.size() + 1);
  for (ValType T : Sig.Params)
    Key.push_back(char(T));
  Key.push_back('\0');
  for (ValType T : Sig.Results)
    Key.push_back(char(T));
  return Key;
}

uint32_t canonicalSigId(const FuncSig &Sig) {
  // Function-local statics: built on first use, never at program start.
  static std::mutex Lock;
  static std::unordered_map<std::string, uint32_t> *Ids =
      new std::unordered_map<std::string, uint32_t>(); // never destroyed:
                                                       // ids outlive exit
  std::string Key = sigKey(Sig);
  std::lock_guard<std::mutex> Guard(Lock);
  auto [It, Inserted] = Ids->try_emplace(std::move(Key), 0);
  if (Inserted)
    It->second = uint32_t(Ids->size()); // 1, 2, ...: 0 is InvalidSigId
  return It->second;
}

FuncSig funcSigOf(const format::FuncTypeRec &T) {
  FuncSig Sig;
  for (uint8_t B : T.Params)
    Sig.Params.push_back(ValType(B));
  for (uint8_t B : T.Results)
    Sig.Results.push_back(ValType(B));
  return Sig;
}


unsigned valTypeBytes(ValType T) {
  switch (T) {
  case ValType::I32:
  case ValType::F32:
    return 4;
  case ValType::I64:
  case ValType::F64:
    return 8;
  case ValType::V128:
    return 16;
  case ValType::FuncRef:
  case ValType::ExternRef:
    return sizeof(void *);
  }
  return 16;
}

Value valueFromBytes(ValType T, const uint8_t *Bytes) {
  Value V;
  V.Type = T;
  std::memcpy(V.Bits.data(), Bytes, valTypeBytes(T));
  return V;
}

static void appendTypes(std::string &Out, const std::vector<ValType> &Ts) {
  Out += '[';
  for (size_t I = 0; I < Ts.size(); ++I) {
    if (I)
      Out += ' ';
    Out += valTypeName(Ts[I]);
  }
  Out += ']';
}

std::string sigString(const FuncSig &Sig) {
  std::string Out;
  appendTypes(Out, Sig.Params);
  Out += " -> ";
  appendTypes(Out, Sig.Results);
  return Out;
}

} // namespace kiln::rt
