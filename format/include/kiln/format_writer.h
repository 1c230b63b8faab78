//===- kiln/format_writer.h - Serialize a .kiln artifact --------*- C++ -*-===//
//
// The writing half of the artifact format (kiln/format.h). The writer lays
// the file out and checksums it; every byte, the preamble's and the section
// table's included, comes from the shared `fields()` descriptions in
// kiln/format_io.h, which the reader (kiln/format_reader.h) reads back with
// the same code.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_FORMAT_WRITER_H
#define KILN_FORMAT_WRITER_H

#include "kiln/format.h"

#include <cstdint>
#include <vector>

namespace kiln::format {

/// Serializes `A` as format version A.Version (FormatVersion unless a test
/// asks for an older one): preamble, section table (every section of
/// sections.def, in order, with its SHA-256), the sections (16-byte aligned,
/// zero padded) and the trailer digest. The output depends only on `A`, so two compiles
/// of one module give byte-identical files.
///
/// The writer does not validate `A` (the compiler built it from a validated
/// module, and the runtime verifies what it loads); tests rely on this to
/// produce well-sealed artifacts with bad contents.
std::vector<uint8_t> writeArtifact(const Artifact &A);

} // namespace kiln::format

#endif // KILN_FORMAT_WRITER_H
