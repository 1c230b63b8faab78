//===- compiler/wasm/names.cc - The "name" custom section -----------------===//

#include "compiler/wasm/names.h"

namespace kiln::wasm {

namespace {
/// A bounds-checked LEB128 and byte reader that stops at the first problem.
class NameReader {
public:
  explicit NameReader(std::span<const uint8_t> B) : B(B) {}
  bool atEnd() const { return Pos >= B.size(); }
  bool u32(uint32_t &V) {
    V = 0;
    for (unsigned Shift = 0; Shift < 35; Shift += 7) {
      if (Pos >= B.size())
        return false;
      uint8_t Byte = B[Pos++];
      V |= uint32_t(Byte & 0x7f) << Shift;
      if (!(Byte & 0x80))
        return true;
    }
    return false;
  }
  bool bytes(uint32_t N, std::span<const uint8_t> &Out) {
    if (N > B.size() - Pos)
      return false;
    Out = B.subspan(Pos, N);
    Pos += N;
    return true;
  }

private:
  std::span<const uint8_t> B;
  size_t Pos = 0;
};
} // namespace

FunctionNames readFunctionNames(std::span<const uint8_t> Payload) {
  FunctionNames Out;
  NameReader S(Payload);
  while (!S.atEnd()) {
    std::span<const uint8_t> SubId, Sub;
    uint32_t SubSize;
    if (!S.bytes(1, SubId) || !S.u32(SubSize) || !S.bytes(SubSize, Sub))
      return Out;
    if (SubId[0] != 1) // function names
      continue;
    NameReader R(Sub);
    uint32_t Count;
    if (!R.u32(Count))
      return Out;
    for (uint32_t I = 0; I < Count; ++I) {
      uint32_t Index, Len;
      std::span<const uint8_t> Name;
      if (!R.u32(Index) || !R.u32(Len) || !R.bytes(Len, Name))
        return Out;
      Out[Index] = std::string(Name.begin(), Name.end());
    }
  }
  return Out;
}

FunctionNames functionNames(const Module &M) {
  for (const CustomSection &C : M.Customs)
    if (C.Name == "name")
      return readFunctionNames(M.bytes(C.Offset, C.Size));
  return {};
}

} // namespace kiln::wasm
