//===- compiler/wasm/reader.h - Checked cursor over Wasm bytes --*- C++ -*-===//
//
// Every read of untrusted module bytes goes through this cursor. It is bound
// to a window (the whole file, one section, one function body), never reads
// past it, and reports the spec's wording for each decoding failure with the
// byte offset where it happened:
//   - running off the end of the file: "unexpected end"
//   - running off the end of a section or body: "unexpected end of section or
//     function"
//   - LEB128 with too many bytes: "integer representation too long"
//   - LEB128 whose final byte has bits beyond the type: "integer too large"
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_READER_H
#define KILN_WASM_READER_H

#include "kiln/error.h"

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace kiln::wasm {

class Reader {
public:
  Reader(std::span<const uint8_t> File)
      : Data(File.data()), Pos(0), End(File.size()) {}

  /// A reader over [Begin, Begin+Size) of the same file. The caller has
  /// checked that the window lies inside the file.
  Reader window(uint64_t Begin, uint64_t Size) const {
    Reader R = *this;
    R.Pos = Begin;
    R.End = Begin + Size;
    R.InWindow = true;
    return R;
  }

  uint64_t offset() const { return Pos; }
  uint64_t end() const { return End; }
  uint64_t remaining() const { return End - Pos; }
  bool atEnd() const { return Pos == End; }
  const uint8_t *data() const { return Data; }
  void seek(uint64_t P) { Pos = P; }

  Error fail(ErrorKind K, std::string Msg) const {
    return Error::make(K, std::move(Msg)).atOffset(Pos);
  }
  Error malformed(std::string Msg) const {
    return fail(ErrorKind::Malformed, std::move(Msg));
  }
  Error unexpectedEnd() const {
    return malformed(InWindow ? "unexpected end of section or function"
                              : "unexpected end");
  }

  Error readU8(uint8_t &Out) {
    if (Pos >= End)
      return unexpectedEnd();
    Out = Data[Pos++];
    return Error::success();
  }

  Error readFixed32(uint32_t &Out) { return readFixed(Out); }
  Error readFixed64(uint64_t &Out) { return readFixed(Out); }

  Error readBytes(uint64_t N, uint64_t &Begin) {
    if (N > remaining())
      return unexpectedEnd();
    Begin = Pos;
    Pos += N;
    return Error::success();
  }

  Error readVarU32(uint32_t &Out) {
    uint64_t V = {};
    KILN_CHECK(readLeb(32, /*Signed=*/false, V));
    Out = uint32_t(V);
    return Error::success();
  }
  Error readVarS32(int32_t &Out) {
    uint64_t V = {};
    KILN_CHECK(readLeb(32, /*Signed=*/true, V));
    Out = int32_t(uint32_t(V));
    return Error::success();
  }
  Error readVarS33(int64_t &Out) {
    uint64_t V = {};
    KILN_CHECK(readLeb(33, /*Signed=*/true, V));
    Out = int64_t(V);
    return Error::success();
  }
  Error readVarS64(int64_t &Out) {
    uint64_t V = {};
    KILN_CHECK(readLeb(64, /*Signed=*/true, V));
    Out = int64_t(V);
    return Error::success();
  }
  Error readVarU64(uint64_t &Out) {
    return readLeb(64, /*Signed=*/false, Out);
  }

  /// Reads a vector length and checks that at least `MinElemBytes` bytes per
  /// element remain, so a huge declared count fails here instead of driving
  /// an allocation.
  Error readCount(uint32_t &Out, uint64_t MinElemBytes = 1) {
    uint64_t At = Pos;
    KILN_CHECK(readVarU32(Out));
    if (MinElemBytes && uint64_t(Out) > remaining() / MinElemBytes)
      return Error::make(ErrorKind::Malformed,
                         InWindow ? "unexpected end of section or function"
                                  : "unexpected end")
          .atOffset(At);
    return Error::success();
  }

  /// Reads a length-prefixed name and checks that it is valid UTF-8.
  Error readName(std::string &Out);

private:
  template <typename T> Error readFixed(T &Out) {
    if (remaining() < sizeof(T))
      return unexpectedEnd();
    T V = 0;
    for (unsigned I = 0; I < sizeof(T); ++I) // little-endian on any host
      V |= T(Data[Pos + I]) << (8 * I);
    Out = V;
    Pos += sizeof(T);
    return Error::success();
  }

  Error readLeb(unsigned Bits, bool Signed, uint64_t &Out) {
    uint64_t Result = 0;
    unsigned Shift = 0;
    const unsigned MaxBytes = (Bits + 6) / 7;
    for (unsigned I = 0;; ++I) {
      if (Pos >= End)
        return unexpectedEnd();
      uint8_t B = Data[Pos++];
      if (I == MaxBytes - 1) {
        // The last permitted byte: no continuation, and the bits beyond the
        // type's width must be zero (unsigned) or copies of the sign bit.
        if (B & 0x80)
          return Error::make(ErrorKind::Malformed,
                             "integer representation too long")
              .atOffset(Pos - 1);
        unsigned Used = Bits - Shift; // value bits this byte may carry
        uint8_t Extra = uint8_t(B & 0x7f) >> Used;
        bool SignBit = (B >> (Used - 1)) & 1;
        uint8_t Want = Signed && SignBit ? uint8_t(0x7f >> Used) : 0;
        if (Extra != Want)
          return Error::make(ErrorKind::Malformed, "integer too large")
              .atOffset(Pos - 1);
        Result |= uint64_t(B & 0x7f) << Shift;
        Shift += 7;
        break;
      }
      Result |= uint64_t(B & 0x7f) << Shift;
      Shift += 7;
      if (!(B & 0x80))
        break;
    }
    if (Signed && Shift < 64 && (Result >> (Shift - 1)) & 1)
      Result |= ~uint64_t(0) << Shift; // sign-extend
    if (Bits < 64) {
      uint64_t Mask = (uint64_t(1) << Bits) - 1;
      Result = Signed ? Result : (Result & Mask);
    }
    Out = Result;
    return Error::success();
  }

  const uint8_t *Data;
  uint64_t Pos = {};
  uint64_t End = {};
  bool InWindow = false; // inside a section or body, not the whole file
};

/// True if [Data, Data+Size) is well-formed UTF-8 (no overlongs, no
/// surrogates, nothing above U+10FFFF), as names in the binary must be.
bool isValidUtf8(const uint8_t *Data, uint64_t Size);

} // namespace kiln::wasm

#endif // KILN_WASM_READER_H
