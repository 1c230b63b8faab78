//===- compiler/artifact/writer.h - Serialize a .kiln artifact --*- C++ -*-===//
//
// The compiler's half of the artifact format (kiln/format.h). The writer
// lays the file out and checksums it; every record's bytes come from the
// shared `fields()` descriptions in kiln/format_io.h, which the runtime's
// verifier reads back with the same code.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_ARTIFACT_WRITER_H
#define KILN_ARTIFACT_WRITER_H

#include "kiln/format.h"

#include <cstdint>
#include <vector>

namespace kiln::artifact {

/// Serializes `A`: preamble, section table (every section of sections.def,
/// in order, with its SHA-256), the sections (16-byte aligned, zero padded)
/// and the trailer digest. The output depends only on `A`, so two compiles
/// of one module give byte-identical files.
///
/// The writer does not validate `A` (the compiler built it from a validated
/// module, and the runtime verifies what it loads); tests rely on this to
/// produce well-sealed artifacts with bad contents.
std::vector<uint8_t> writeArtifact(const format::Artifact &A);

} // namespace kiln::artifact

#endif // KILN_ARTIFACT_WRITER_H
