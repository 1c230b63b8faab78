//===- runtime/loader/verify.h - Check an artifact first --------*- C++ -*-===//
//
// The first step of loading: every byte of an untrusted .kiln file is
// checked here, and nothing after this step (map, link, instantiate) checks
// an index or an offset again.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LOADER_VERIFY_H
#define KILN_LOADER_VERIFY_H

#include "kiln/error.h"
#include "kiln/format.h"
#include "kiln/runtime.h"

#include <cstdint>
#include <span>

namespace kiln::loader {

/// Verifies `Bytes` as a .kiln artifact this runtime may load under `Opts`
/// and returns its records. On refusal the Error has kind Refused, the byte
/// offset of the offending field (or record) and, past the section table,
/// the section's name.
///
/// A returned Artifact satisfies, among others: every type, function, table,
/// memory and global index is in range; every function and trampoline lies
/// in the text; every relocation patches read-only data with a kind and
/// width valid for the artifact's pointer size; constant expressions have
/// the type their use requires. map.h and the instantiation code rely on it.
Expected<format::Artifact> verifyArtifact(std::span<const uint8_t> Bytes,
                                          const LoadOptions &Opts);

} // namespace kiln::loader

#endif // KILN_LOADER_VERIFY_H
