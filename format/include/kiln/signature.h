//===- kiln/signature.h - The signature block of a .kiln file ---*- C++ -*-===//
//
// A signed artifact is the artifact's bytes followed by one signature block
// (part of the format contract, like kiln/format.h):
//
//   u8[8]  SignatureMagic "KILNSIG1"
//   u8[32] the signer's Ed25519 public key
//   u8[64] the Ed25519 signature of every byte before the block
//
// The signature covers the whole artifact, trailer included, so no byte of
// it can change without the signature failing; the checksums only detect
// accidents (kiln/format.h). Signing appends (or replaces) the block and
// never touches the artifact's own bytes, so an artifact signed by a build
// machine is still read by every tool as the same artifact. Which keys a
// runtime trusts is the loader's business (LoadOptions::TrustedKeys).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_SIGNATURE_H
#define KILN_SIGNATURE_H

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

namespace kiln::format {

inline constexpr uint8_t SignatureMagic[8] = {'K', 'I', 'L', 'N',
                                              'S', 'I', 'G', '1'};
inline constexpr size_t PublicKeyBytes = 32;
inline constexpr size_t SignatureBytes = 64;
inline constexpr size_t SignatureBlockBytes =
    sizeof(SignatureMagic) + PublicKeyBytes + SignatureBytes;

using PublicKey = std::array<uint8_t, PublicKeyBytes>;

struct SignatureBlock {
  PublicKey Key{};
  std::array<uint8_t, SignatureBytes> Signature{};
};

/// A file split into the artifact and its signature block, if it ends with
/// one.
struct SignedFile {
  std::span<const uint8_t> Artifact;
  std::optional<SignatureBlock> Block;
};

inline SignedFile splitSignature(std::span<const uint8_t> File) {
  if (File.size() < SignatureBlockBytes)
    return {File, std::nullopt};
  const uint8_t *B = File.data() + File.size() - SignatureBlockBytes;
  if (std::memcmp(B, SignatureMagic, sizeof(SignatureMagic)) != 0)
    return {File, std::nullopt};
  SignatureBlock S;
  std::memcpy(S.Key.data(), B + sizeof(SignatureMagic), PublicKeyBytes);
  std::memcpy(S.Signature.data(), B + sizeof(SignatureMagic) + PublicKeyBytes,
              SignatureBytes);
  return {File.first(File.size() - SignatureBlockBytes), S};
}

/// `Artifact` (without a block) followed by `Block`.
inline std::vector<uint8_t> appendSignature(std::span<const uint8_t> Artifact,
                                            const SignatureBlock &Block) {
  std::vector<uint8_t> Out(Artifact.begin(), Artifact.end());
  Out.insert(Out.end(), SignatureMagic, SignatureMagic + sizeof(SignatureMagic));
  Out.insert(Out.end(), Block.Key.begin(), Block.Key.end());
  Out.insert(Out.end(), Block.Signature.begin(), Block.Signature.end());
  return Out;
}

} // namespace kiln::format

#endif // KILN_SIGNATURE_H
