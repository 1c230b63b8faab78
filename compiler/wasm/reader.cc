//===- compiler/wasm/reader.cc - Checked cursor over Wasm bytes -----------===//

#include "compiler/wasm/reader.h"

namespace kiln::wasm {

bool isValidUtf8(const uint8_t *Data, uint64_t Size) {
  uint64_t I = 0;
  while (I < Size) {
    uint8_t B = Data[I];
    if (B < 0x80) {
      ++I;
      continue;
    }
    unsigned Len;
    uint32_t Cp, Min;
    if ((B & 0xe0) == 0xc0) {
      Len = 2, Cp = B & 0x1f, Min = 0x80;
    } else if ((B & 0xf0) == 0xe0) {
      Len = 3, Cp = B & 0x0f, Min = 0x800;
    } else if ((B & 0xf8) == 0xf0) {
      Len = 4, Cp = B & 0x07, Min = 0x10000;
    } else {
      return false; // continuation byte or 0xf8..0xff as a lead byte
    }
    if (Size - I < Len)
      return false;
    for (unsigned K = 1; K < Len; ++K) {
      uint8_t C = Data[I + K];
      if ((C & 0xc0) != 0x80)
        return false;
      Cp = (Cp << 6) | (C & 0x3f);
    }
    if (Cp < Min || Cp > 0x10ffff || (Cp >= 0xd800 && Cp <= 0xdfff))
      return false; // overlong, out of range, or a surrogate
    I += Len;
  }
  return true;
}

Error Reader::readName(std::string &Out) {
  uint32_t Len = {};
  uint64_t At = Pos;
  KILN_CHECK(readVarU32(Len));
  if (Len > remaining())
    return Error::make(ErrorKind::Malformed,
                       formatString("length out of bounds: name of %u bytes, "
                                    "%llu remain",
                                    Len, (unsigned long long)remaining()))
        .atOffset(At);
  if (!isValidUtf8(Data + Pos, Len))
    return malformed("malformed UTF-8 encoding");
  Out.assign(reinterpret_cast<const char *>(Data + Pos), Len);
  Pos += Len;
  return Error::success();
}

} // namespace kiln::wasm
