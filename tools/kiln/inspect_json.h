//===- tools/kiln/inspect_json.h - kiln inspect --json ----------*- C++ -*-===//
#ifndef KILN_TOOLS_INSPECT_JSON_H
#define KILN_TOOLS_INSPECT_JSON_H

#include "kiln/format.h"

#include <cstdint>
#include <string>

namespace kiln::cli {

/// Prints `A` (verified) as one JSON object: the target, the image, the
/// imports, exports and functions with names, sizes and offsets, and
/// whether this machine can run it (`NotHere` empty: it can).
void printArtifactJson(const format::Artifact &A, const std::string &Path,
                       size_t FileBytes, const std::string &NotHere);

} // namespace kiln::cli

#endif // KILN_TOOLS_INSPECT_JSON_H
