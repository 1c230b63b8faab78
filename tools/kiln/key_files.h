//===- tools/kiln/key_files.h - Ed25519 key files ---------------*- C++ -*-===//
//
// `kiln keygen` writes a key pair as two one-line text files, so that a
// public key can be pasted into a manifest or a provisioning script:
//
//   NAME.pub  "kiln-ed25519-public-key <64 hex digits>"
//   NAME.key  "kiln-ed25519-secret-key <128 hex digits>"   (mode 0600)
//
// The secret key is libsodium's 64-byte form (seed, then public key).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_KEY_FILES_H
#define KILN_TOOLS_KEY_FILES_H

#include "kiln/error.h"
#include "kiln/signature.h"

#include <array>
#include <string>

namespace kiln::cli {

using SecretKey = std::array<uint8_t, 64>;

inline constexpr const char *PublicKeyTag = "kiln-ed25519-public-key";
inline constexpr const char *SecretKeyTag = "kiln-ed25519-secret-key";

/// "TAG HEX\n" for a key.
std::string keyFileText(const char *Tag, std::span<const uint8_t> Key);

/// Reads a key file written by keyFileText; the error names the file and
/// what is wrong with it.
Expected<format::PublicKey> readPublicKeyFile(const std::string &Path);
Expected<SecretKey> readSecretKeyFile(const std::string &Path);

} // namespace kiln::cli

#endif // KILN_TOOLS_KEY_FILES_H
