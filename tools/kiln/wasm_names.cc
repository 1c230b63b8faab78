//===- tools/kiln/wasm_names.cc - Function names for backtraces -----------===//

#include "tools/kiln/wasm_names.h"

namespace kiln::cli {

namespace {
/// A bounds-checked LEB128 and byte reader over one buffer.
class Reader {
public:
  explicit Reader(std::span<const uint8_t> B) : B(B) {}
  bool atEnd() const { return Pos >= B.size(); }
  size_t pos() const { return Pos; }
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
  bool skip(size_t N) {
    if (N > B.size() - Pos)
      return false;
    Pos += N;
    return true;
  }

private:
  std::span<const uint8_t> B;
  size_t Pos = 0;
};
} // namespace

static void readFunctionNames(std::span<const uint8_t> Sub, FuncNames &Out) {
  Reader R(Sub);
  uint32_t Count;
  if (!R.u32(Count))
    return;
  for (uint32_t I = 0; I < Count; ++I) {
    uint32_t Index, Len;
    std::span<const uint8_t> Name;
    if (!R.u32(Index) || !R.u32(Len) || !R.bytes(Len, Name))
      return;
    Out[Index] = std::string(Name.begin(), Name.end());
  }
}

FuncNames namesFromWasm(std::span<const uint8_t> Wasm) {
  FuncNames Out;
  if (Wasm.size() < 8)
    return Out;
  Reader R(Wasm.subspan(8));
  while (!R.atEnd()) {
    std::span<const uint8_t> Id, Body;
    uint32_t Size;
    if (!R.bytes(1, Id) || !R.u32(Size) || !R.bytes(Size, Body))
      return Out;
    if (Id[0] != 0)
      continue;
    Reader S(Body);
    uint32_t NameLen;
    std::span<const uint8_t> Name;
    if (!S.u32(NameLen) || !S.bytes(NameLen, Name) ||
        std::string_view(reinterpret_cast<const char *>(Name.data()),
                         Name.size()) != "name")
      continue;
    while (!S.atEnd()) {
      std::span<const uint8_t> SubId, Sub;
      uint32_t SubSize;
      if (!S.bytes(1, SubId) || !S.u32(SubSize) || !S.bytes(SubSize, Sub))
        return Out;
      if (SubId[0] == 1)
        readFunctionNames(Sub, Out);
    }
  }
  return Out;
}

void addExportNames(const format::Artifact &A, FuncNames &Names) {
  for (const format::ExportRec &E : A.Exports)
    if (format::ExternKind(E.Kind) == format::ExternKind::Func)
      Names.emplace(E.Index, E.Name);
}

} // namespace kiln::cli
