//===- kiln/format_tables.h - What the format's lists imply -----*- C++ -*-===//
//
// Every helper here is generated from one of the format's .def lists
// (sections.def, relocs.def, libcalls.def), so that the writer, the reader,
// the loader and `kiln inspect` ask the same question the same way and a new
// row changes all of them. Switches rather than tables where a row's number
// is its key: a duplicated number is then a duplicate case label, which is a
// build error, not a silent shadowing.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_FORMAT_TABLES_H
#define KILN_FORMAT_TABLES_H

#include "kiln/format.h"

#include <cstddef>
#include <cstdint>

namespace kiln::format {

// --- Sections -------------------------------------------------------------

/// Every section, in the order the file holds them (sections.def's order).
inline constexpr SectionId SectionOrder[] = {
#define KILN_SECTION(Name, Id, Since) SectionId::Name,
#include "kiln/sections.def"
};
inline constexpr uint32_t NumSections =
    uint32_t(sizeof(SectionOrder) / sizeof(SectionOrder[0]));

/// The format version that added each section of SectionOrder.
inline constexpr uint32_t SectionSince[] = {
#define KILN_SECTION(Name, Id, Since) Since,
#include "kiln/sections.def"
};

/// How many sections a file of format version `Version` holds: the first
/// sectionCount(Version) of SectionOrder (sections.def adds at the end).
constexpr uint32_t sectionCount(uint32_t Version) {
  uint32_t N = 0;
  while (N < NumSections && SectionSince[N] <= Version)
    ++N;
  return N;
}

constexpr bool sectionsOnlyAddedAtTheEnd() {
  for (uint32_t I = 1; I < NumSections; ++I)
    if (SectionSince[I] < SectionSince[I - 1])
      return false;
  return true;
}
static_assert(sectionsOnlyAddedAtTheEnd(),
              "sections.def: a newer section must follow the older ones");

/// Position of `Id` in SectionOrder, or NumSections for an unknown id.
constexpr size_t sectionIndex(SectionId Id) {
  for (size_t I = 0; I < NumSections; ++I)
    if (SectionOrder[I] == Id)
      return I;
  return NumSections;
}

constexpr bool isKnownSectionId(uint32_t Id) {
  switch (SectionId(Id)) {
#define KILN_SECTION(Name, Num, Since) case SectionId::Name:
#include "kiln/sections.def"
    return true;
  }
  return false;
}

constexpr const char *sectionName(SectionId Id) {
  switch (Id) {
#define KILN_SECTION(Name, Num, Since)                                      \
  case SectionId::Name:                                                        \
    return #Name;
#include "kiln/sections.def"
  }
  return "unknown";
}

// --- Relocations ----------------------------------------------------------

/// Bytes a relocation of kind `Kind` writes, or 0 for a kind relocs.def does
/// not list (so a width check also refuses unknown kinds).
constexpr unsigned relocBytes(uint8_t Kind) {
  switch (RelocKind(Kind)) {
#define KILN_RELOC(Name, Num, Bytes)                                           \
  case RelocKind::Name:                                                        \
    return Bytes;
#include "kiln/relocs.def"
  }
  return 0;
}

/// The row's name ("ImageAbs64"), or "unknown".
constexpr const char *relocName(uint8_t Kind) {
  switch (RelocKind(Kind)) {
#define KILN_RELOC(Name, Num, Bytes)                                           \
  case RelocKind::Name:                                                        \
    return #Name;
#include "kiln/relocs.def"
  }
  return "unknown";
}

/// Whether a relocation's Value is a libcall index (libcalls.def) rather
/// than an offset in the image. Only for kinds relocs.def lists.
constexpr bool isLibcallReloc(RelocKind K) {
  return K == RelocKind::LibcallAbs64 || K == RelocKind::LibcallAbs32;
}

/// The pointer-sized relocation kinds: an artifact with `PointerBytes`-byte
/// pointers uses only the kinds that write that many bytes.
constexpr RelocKind imageRelocFor(unsigned PointerBytes) {
  return PointerBytes == 8 ? RelocKind::ImageAbs64 : RelocKind::ImageAbs32;
}
constexpr RelocKind libcallRelocFor(unsigned PointerBytes) {
  return PointerBytes == 8 ? RelocKind::LibcallAbs64 : RelocKind::LibcallAbs32;
}

// --- Libcalls -------------------------------------------------------------

/// Rows in libcalls.def; valid libcall indices are [0, NumLibcalls).
inline constexpr uint32_t NumLibcalls = 0
#define KILN_LIBCALL(Name, Index) +1
#include "kiln/libcalls.def"
    ;

// Indices must be exactly 0..NumLibcalls-1 so that a bound check is the
// whole check; with libcallName()'s duplicate-case error this proves it.
constexpr bool libcallIndicesAreDense() {
  uint32_t Max = 0;
#define KILN_LIBCALL(Name, Index) Max = Max > (Index) ? Max : (Index);
#include "kiln/libcalls.def"
  return Max + 1 == NumLibcalls;
}
static_assert(libcallIndicesAreDense(), "libcalls.def indices must be 0..N-1");

/// The routine's C name ("memcpy"), or null for an index out of range.
constexpr const char *libcallName(uint32_t Index) {
  switch (Index) {
#define KILN_LIBCALL(Name, Index)                                              \
  case Index:                                                                  \
    return #Name;
#include "kiln/libcalls.def"
  }
  return nullptr;
}

} // namespace kiln::format

#endif // KILN_FORMAT_TABLES_H
