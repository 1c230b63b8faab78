//===- kiln/format_io.h - One description of each artifact record -*- C++ -*-===//
//
// `fields(IO &, Record &)` lists a record's fields once. The compiler's
// writer instantiates it with ByteWriter, the runtime's reader with
// ByteReader; adding a field here changes both sides together.
//
// ByteReader never reads past its window and never allocates more elements
// than there are bytes left, whatever a length field claims; the first
// failure sticks and names the field's offset. Two more IOs walk the
// fixed-size records without bytes: ByteCounter gives a record's encoded
// size (at compile time: PreambleBytes and SectionEntryBytes are checked
// against it) and FieldLocator a field's offset in it, which is what a
// refusal of that field points at.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_FORMAT_IO_H
#define KILN_FORMAT_IO_H

#include "kiln/format.h"
#include "kiln/format_tables.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::format {

class ByteWriter {
public:
  explicit ByteWriter(std::vector<uint8_t> &Out) : Out(Out) {}

  void u8(const uint8_t &V) { Out.push_back(V); }
  void u32(const uint32_t &V) { le(V, 4); }
  void u64(const uint64_t &V) { le(V, 8); }
  // Byte by byte: GCC 12 misreads a range insert into a just-reserved
  // vector as an overflow (-Wstringop-overflow), and N is at most 32.
  template <size_t N> void bytes(const std::array<uint8_t, N> &A) {
    for (uint8_t B : A)
      Out.push_back(B);
  }
  void str(const std::string &S) {
    u32(uint32_t(S.size()));
    Out.insert(Out.end(), S.begin(), S.end());
  }
  void blob(const std::vector<uint8_t> &B) {
    u32(uint32_t(B.size()));
    Out.insert(Out.end(), B.begin(), B.end());
  }
  template <typename T, typename Fn> void vec(const std::vector<T> &V, Fn F) {
    u32(uint32_t(V.size()));
    for (const T &E : V)
      F(const_cast<T &>(E));
  }
  // The compact encodings of the Debug section (format.h): unsigned
  // LEB128, an optional index (NoIndex as 0, I as I + 1), and a value of an
  // ascending list as its distance from the one before (`Prev`).
  void uleb(const uint32_t &V) {
    uint32_t X = V;
    do {
      uint8_t B = X & 0x7f;
      X >>= 7;
      Out.push_back(uint8_t(B | (X ? 0x80 : 0)));
    } while (X);
  }
  void index(const uint32_t &V) { uleb(V == NoIndex ? 0 : V + 1); }
  void ascending(const uint32_t &V, uint32_t &Prev) {
    uleb(V - Prev); // the writer does not validate: see format_writer.h
    Prev = V;
  }
  bool ok() const { return true; }

private:
  void le(uint64_t V, unsigned N) {
    for (unsigned I = 0; I < N; ++I)
      Out.push_back(uint8_t(V >> (8 * I)));
  }
  std::vector<uint8_t> &Out;
};

class ByteReader {
public:
  /// Reads [Data+Begin, Data+End); offsets in errors are relative to Data
  /// (the start of the file), so they match what `xxd` shows.
  ByteReader(const uint8_t *Data, size_t Begin, size_t End)
      : Data(Data), Pos(Begin), End(End) {}

  void u8(uint8_t &V) {
    if (need(1, "u8"))
      V = Data[Pos++];
  }
  void u32(uint32_t &V) { V = uint32_t(le(4)); }
  void u64(uint64_t &V) { V = le(8); }
  template <size_t N> void bytes(std::array<uint8_t, N> &A) {
    if (!need(N, "bytes"))
      return;
    for (size_t I = 0; I < N; ++I)
      A[I] = Data[Pos + I];
    Pos += N;
  }
  void str(std::string &S) {
    uint32_t N = 0;
    u32(N);
    if (!need(N, "string"))
      return;
    S.assign(reinterpret_cast<const char *>(Data + Pos), N);
    Pos += N;
  }
  void blob(std::vector<uint8_t> &B) {
    uint32_t N = 0;
    u32(N);
    if (!need(N, "byte vector"))
      return;
    B.assign(Data + Pos, Data + Pos + N);
    Pos += N;
  }
  template <typename T, typename Fn> void vec(std::vector<T> &V, Fn F) {
    uint32_t N = 0;
    u32(N);
    // Every record occupies at least one byte, so a count beyond the bytes
    // left is a lie; refuse it before allocating.
    if (Failed || N > End - Pos) {
      if (!Failed)
        fail("vector length exceeds the section");
      return;
    }
    V.clear();
    V.resize(N);
    for (T &E : V) {
      F(E);
      if (Failed)
        return;
    }
  }

  /// Unsigned LEB128 of at most 32 bits, in its shortest form (an
  /// artifact has one encoding, like its zero padding).
  void uleb(uint32_t &V) {
    uint64_t R = 0;
    for (unsigned Shift = 0;; Shift += 7) {
      if (!need(1, "field"))
        return;
      uint8_t B = Data[Pos++];
      if (Shift == 28 && (B & 0xf0)) {
        --Pos;
        return fail("LEB128 value exceeds 32 bits");
      }
      R |= uint64_t(B & 0x7f) << Shift;
      if (!(B & 0x80)) {
        if (B == 0 && Shift) {
          --Pos;
          return fail("LEB128 value is not in its shortest form");
        }
        break;
      }
    }
    V = uint32_t(R);
  }
  void index(uint32_t &V) {
    uint32_t X = 0;
    uleb(X);
    V = X == 0 ? NoIndex : X - 1;
  }
  void ascending(uint32_t &V, uint32_t &Prev) {
    uint32_t D = 0;
    uleb(D);
    if (uint64_t(Prev) + D > UINT32_MAX)
      return fail("ascending value exceeds 32 bits");
    V = Prev + D;
    Prev = V;
  }

  bool ok() const { return !Failed; }
  bool atEnd() const { return Pos == End; }
  size_t offset() const { return Pos; }
  size_t failOffset() const { return FailAt; }
  const std::string &failReason() const { return Reason; }

  void fail(const char *Why) {
    if (Failed)
      return;
    Failed = true;
    FailAt = Pos;
    Reason = Why;
  }

private:
  bool need(size_t N, const char *What) {
    if (Failed)
      return false;
    if (N > End - Pos) {
      fail(What[0] == 's' ? "string runs past the end of the section"
           : What[0] == 'b' ? "bytes run past the end of the section"
                            : "field runs past the end of the section");
      return false;
    }
    return true;
  }
  uint64_t le(unsigned N) {
    if (!need(N, "field"))
      return 0;
    uint64_t V = 0;
    for (unsigned I = 0; I < N; ++I)
      V |= uint64_t(Data[Pos + I]) << (8 * I);
    Pos += N;
    return V;
  }

  const uint8_t *Data;
  size_t Pos, End;
  bool Failed = false;
  size_t FailAt = 0;
  std::string Reason;
};

/// Counts the bytes a fixed-size record encodes to; constexpr, so sizes
/// written in format.h are checked against the descriptions below.
class ByteCounter {
public:
  constexpr void u8(const uint8_t &) { Bytes += 1; }
  constexpr void u32(const uint32_t &) { Bytes += 4; }
  constexpr void u64(const uint64_t &) { Bytes += 8; }
  template <size_t N> constexpr void bytes(const std::array<uint8_t, N> &) {
    Bytes += N;
  }
  size_t Bytes = 0;
};

/// Finds where one field of a fixed-size record lies in its encoding.
class FieldLocator {
public:
  constexpr explicit FieldLocator(const void *Field) : Field(Field) {}
  constexpr void u8(const uint8_t &V) { at(&V, 1); }
  constexpr void u32(const uint32_t &V) { at(&V, 4); }
  constexpr void u64(const uint64_t &V) { at(&V, 8); }
  template <size_t N> constexpr void bytes(const std::array<uint8_t, N> &A) {
    at(&A, N);
  }
  size_t Found = ~size_t(0);

private:
  constexpr void at(const void *P, size_t N) {
    if (P == Field)
      Found = Pos;
    Pos += N;
  }
  const void *Field;
  size_t Pos = 0;
};

// --- Record descriptions (the format, written once) -------------------------

template <class IO> constexpr void fields(IO &Io, PreambleRec &R) {
  Io.bytes(R.MagicBytes);
  Io.u32(R.Version);
  Io.u8(R.TargetArch);
  Io.u8(R.Mode);
  Io.u8(R.PointerBytes);
  Io.u8(R.Reserved8);
  Io.u32(R.SectionCount);
  Io.u32(R.Reserved32);
}

template <class IO> constexpr void fields(IO &Io, SectionEntryRec &R) {
  Io.u32(R.Id);
  Io.u32(R.Reserved);
  Io.u64(R.Offset);
  Io.u64(R.Size);
  Io.bytes(R.Sha256);
}

/// Encoded size of a fixed-size record (one without strings or vectors).
template <class Rec> constexpr size_t recordBytes() {
  Rec R{};
  ByteCounter C;
  fields(C, R);
  return C.Bytes;
}

/// Offset of `Member` in the encoding of a fixed-size record:
/// fieldOffset(&PreambleRec::Version) == 8.
template <class Rec, class T> constexpr size_t fieldOffset(T Rec::*Member) {
  Rec R{};
  FieldLocator L(&(R.*Member));
  fields(L, R);
  return L.Found;
}

static_assert(recordBytes<PreambleRec>() == PreambleBytes,
              "PreambleBytes drifted from the preamble's fields");
static_assert(recordBytes<SectionEntryRec>() == SectionEntryBytes,
              "SectionEntryBytes drifted from the section table's fields");
static_assert(fieldOffset(&SectionEntryRec::Sha256) + DigestBytes ==
              SectionEntryBytes);


template <class IO> void fields(IO &Io, TargetRec &R) {
  Io.str(R.Triple);
  Io.str(R.Cpu);
  Io.str(R.Features);
  Io.str(R.CompilerVersion);
  Io.bytes(R.WasmSha256);
  Io.u8(R.OptLevel);
  Io.u8(R.Interrupt);
}

template <class IO> void fields(IO &Io, FuncTypeRec &R) {
  Io.blob(R.Params);
  Io.blob(R.Results);
}

template <class IO> void fields(IO &Io, LimitsRec &R) {
  Io.u64(R.Min);
  Io.u8(R.HasMax);
  Io.u64(R.Max);
}

template <class IO> void fields(IO &Io, ImportRec &R) {
  Io.str(R.Module);
  Io.str(R.Field);
  Io.u8(R.Kind);
  Io.u32(R.TypeIndex);
  Io.u8(R.ElemType);
  fields(Io, R.Lim);
  Io.u8(R.ValType);
  Io.u8(R.Mutable);
}

template <class IO> void fields(IO &Io, ExportRec &R) {
  Io.str(R.Name);
  Io.u8(R.Kind);
  Io.u32(R.Index);
}

template <class IO> void fields(IO &Io, TableRec &R) {
  Io.u8(R.ElemType);
  fields(Io, R.Lim);
}

template <class IO> void fields(IO &Io, MemoryRec &R) { fields(Io, R.Lim); }

template <class IO> void fields(IO &Io, ConstExprRec &R) {
  Io.u8(R.Kind);
  Io.u8(R.Type);
  Io.u32(R.Index);
  Io.bytes(R.Bits);
}

template <class IO> void fields(IO &Io, GlobalRec &R) {
  Io.u8(R.ValType);
  Io.u8(R.Mutable);
  fields(Io, R.Init);
}

template <class IO> void fields(IO &Io, ElemRec &R) {
  Io.u8(R.Mode);
  Io.u32(R.Table);
  fields(Io, R.Offset);
  Io.u8(R.ElemType);
  Io.vec(R.Items, [&](ConstExprRec &E) { fields(Io, E); });
}

template <class IO> void fields(IO &Io, DataRec &R) {
  Io.u8(R.Mode);
  Io.u32(R.Memory);
  fields(Io, R.Offset);
  Io.blob(R.Bytes);
}

template <class IO> void fields(IO &Io, FunctionRec &R) {
  Io.u32(R.TypeIndex);
  Io.u32(R.CodeOffset);
  Io.u32(R.CodeSize);
  Io.u32(R.WasmOffset);
}

template <class IO> void fields(IO &Io, TrampolineRec &R) {
  Io.u32(R.EntryOffset);
  Io.u32(R.ExitOffset);
}

template <class IO> void fields(IO &Io, RelocRec &R) {
  Io.u32(R.Offset);
  Io.u8(R.Kind);
  Io.u32(R.Value);
}

template <class IO> void fields(IO &Io, ImageRec &R) {
  Io.u32(R.PageAlign);
  Io.u32(R.TextSize);
  Io.u32(R.ReadOnlyOffset);
  Io.blob(R.Bytes);
}

/// The Debug section: one entry every few instructions, so it is encoded
/// compactly (LEB128, ascending lists as deltas); see format.h.
template <class IO> void fields(IO &Io, DebugRec &D) {
  uint32_t Prev = 0;
  Io.vec(D.FuncNames, [&](FuncNameRec &R) {
    Io.ascending(R.Func, Prev);
    Io.str(R.Name);
  });
  Prev = 0;
  Io.vec(D.CodeRanges, [&](CodeRangeRec &R) {
    Io.ascending(R.CodeOffset, Prev);
    Io.index(R.Frame);
  });
  Io.vec(D.WasmFrames, [&](WasmFrameRec &R) {
    Io.uleb(R.Func);
    Io.uleb(R.WasmOffset);
    Io.index(R.Caller);
  });
  Prev = 0;
  Io.vec(D.SourceSites, [&](SourceSiteRec &R) {
    Io.ascending(R.WasmOffset, Prev);
    Io.uleb(R.Frame);
  });
  Io.vec(D.SourceFrames, [&](SourceFrameRec &R) {
    Io.index(R.Function);
    Io.index(R.File);
    Io.uleb(R.Line);
    Io.uleb(R.Column);
    Io.index(R.Caller);
  });
  Io.vec(D.Strings, [&](std::string &S) { Io.str(S); });
}

template <class IO, class T> void vectorFields(IO &Io, std::vector<T> &V) {
  Io.vec(V, [&](T &E) { fields(Io, E); });
}

/// The payload of section `Id` of artifact `A`.
template <class IO> void sectionFields(IO &Io, SectionId Id, Artifact &A) {
  switch (Id) {
  case SectionId::Target:
    return fields(Io, A.Target);
  case SectionId::Types:
    return vectorFields(Io, A.Types);
  case SectionId::Imports:
    return vectorFields(Io, A.Imports);
  case SectionId::Functions:
    return vectorFields(Io, A.Functions);
  case SectionId::Tables:
    return vectorFields(Io, A.Tables);
  case SectionId::Memories:
    return vectorFields(Io, A.Memories);
  case SectionId::Globals:
    return vectorFields(Io, A.Globals);
  case SectionId::Exports:
    return vectorFields(Io, A.Exports);
  case SectionId::Start:
    return Io.u32(A.Start);
  case SectionId::Elems:
    return vectorFields(Io, A.Elems);
  case SectionId::Datas:
    return vectorFields(Io, A.Datas);
  case SectionId::Trampolines:
    return vectorFields(Io, A.Trampolines);
  case SectionId::Relocs:
    return vectorFields(Io, A.Relocs);
  case SectionId::Code:
    return fields(Io, A.Image);
  case SectionId::Debug:
    return fields(Io, A.Debug);
  }
}

} // namespace kiln::format

#endif // KILN_FORMAT_IO_H
