//===- compiler/wasm/names.cc - The "name" custom section -----------------===//

#include "compiler/wasm/names.h"

#include "compiler/wasm/reader.h"

namespace kiln::wasm {

/// Reads the function-names subsection(s) of a name section into Out,
/// up to the first malformed byte.
static Error readNames(Reader R, FunctionNames &Out) {
  while (!R.atEnd()) {
    uint8_t Id = 0;
    uint32_t Size = 0;
    uint64_t Begin = 0;
    KILN_CHECK(R.readU8(Id));
    KILN_CHECK(R.readVarU32(Size));
    KILN_CHECK(R.readBytes(Size, Begin));
    if (Id != 1) // 1: function names
      continue;
    Reader S = R.window(Begin, Size);
    uint32_t Count = 0;
    KILN_CHECK(S.readVarU32(Count));
    for (uint32_t I = 0; I < Count; ++I) {
      uint32_t Index = 0, Len = 0;
      uint64_t At = 0;
      KILN_CHECK(S.readVarU32(Index));
      KILN_CHECK(S.readVarU32(Len));
      KILN_CHECK(S.readBytes(Len, At));
      Out[Index] = std::string(reinterpret_cast<const char *>(S.data() + At),
                               Len);
    }
  }
  return Error::success();
}

FunctionNames readFunctionNames(std::span<const uint8_t> Payload) {
  FunctionNames Out;
  // Best effort (names.h): what was read before a malformed byte stays.
  readNames(Reader(Payload), Out).consume();
  return Out;
}

FunctionNames functionNames(const Module &M) {
  for (const CustomSection &C : M.Customs)
    if (C.Name == "name")
      return readFunctionNames(M.bytes(C.Offset, C.Size));
  return {};
}

} // namespace kiln::wasm
