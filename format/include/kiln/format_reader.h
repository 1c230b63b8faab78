//===- kiln/format_reader.h - The one reader of .kiln files -----*- C++ -*-===//
//
// Reads an artifact's bytes into its records, checking everything the file
// says about itself: magic, format version (the window format.h's
// compatibility policy gives), known architecture and memory mode and their
// agreement, the section table, every digest, the zero padding, and every
// record's bounds. It knows nothing of the machine that is to run the code
// or of whether the records' indices are in range: that is the loader's
// verifier (runtime/loader/verify.cc), which reads through this reader, as
// `kiln inspect` does.
//
// Every refusal is an Error of kind Refused with the byte offset of the
// field at fault and, past the section table, the section's name.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_FORMAT_READER_H
#define KILN_FORMAT_READER_H

#include "kiln/error.h"
#include "kiln/format.h"
#include "kiln/format_io.h"
#include "kiln/format_tables.h"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace kiln::format {

/// Where each section, and each top-level record of a vector section,
/// starts in the file, so that a refusal of a record's contents can point
/// at the record.
struct Layout {
  std::array<uint64_t, NumSections> SectionAt{};
  std::array<uint64_t, NumSections> SectionSize{};
  std::array<std::vector<size_t>, NumSections> RecordAt;

  uint64_t section(SectionId Id) const { return SectionAt[sectionIndex(Id)]; }
  /// Record `I` of section `Id`; the section's start when there is none.
  uint64_t record(SectionId Id, size_t I) const {
    const std::vector<size_t> &R = RecordAt[sectionIndex(Id)];
    return I < R.size() ? R[I] : section(Id);
  }
};

/// An artifact as read: its records and where they were.
struct ReadArtifact {
  Artifact A;
  Layout L;
};

/// The preamble alone, checked for what it says about itself (size, magic,
/// version window, architecture, memory mode, pointer size, section count,
/// reserved fields). Cheap: a loader asks it first, to refuse a file for
/// another machine before hashing it.
Expected<PreambleRec> readPreamble(std::span<const uint8_t> Bytes);

/// The rest of the file after readPreamble() accepted `P`: the section
/// table, the section digests and the trailer's, the padding, and every
/// section's records. A signature block after the trailer
/// (kiln/signature.h) is not part of the artifact and is not checked here. A loader calls it after its own checks of the
/// preamble, so that the preamble is read once.
Expected<ReadArtifact> readSections(std::span<const uint8_t> Bytes,
                                    const PreambleRec &P);

/// The whole file: readPreamble(), then readSections().
Expected<ReadArtifact> readArtifact(std::span<const uint8_t> Bytes);

/// A refusal of the byte at `Offset`: how the reader, and the loader's
/// checks after it, say no.
inline Error refusal(uint64_t Offset, std::string Message) {
  return Error::make(ErrorKind::Refused, std::move(Message)).atOffset(Offset);
}

/// The offset in the file of a preamble field, for refusals that name it.
template <class T> constexpr size_t preambleOffset(T PreambleRec::*Field) {
  return fieldOffset(Field);
}

} // namespace kiln::format

#endif // KILN_FORMAT_READER_H
