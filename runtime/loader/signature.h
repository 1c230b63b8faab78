//===- runtime/loader/signature.h - Trust only signed artifacts -*- C++ -*-===//
//
// When a runtime is given trusted keys (LoadOptions::TrustedKeys), an
// artifact loads only if it ends with a signature block (kiln/signature.h)
// by one of those keys whose Ed25519 signature verifies over every byte
// before it. This runs before anything else of the file is read, so a
// changed, unsigned or foreign artifact is refused before any of its code
// is mapped. Ed25519 is libsodium's; a runtime built without libsodium
// (a bare-metal one) refuses every artifact when keys are required.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_LOADER_SIGNATURE_H
#define KILN_LOADER_SIGNATURE_H

#include "kiln/error.h"
#include "kiln/runtime.h"

#include <span>

namespace kiln::loader {

/// Success when `File` may be loaded under `Opts`' trusted keys (always,
/// without keys); a refusal saying why otherwise.
Error checkSignature(std::span<const uint8_t> File, const LoadOptions &Opts);

/// Whether this runtime can verify signatures (built with libsodium).
bool canVerifySignatures();

} // namespace kiln::loader

#endif // KILN_LOADER_SIGNATURE_H
