//===- runtime/loader/signature.cc - Trust only signed artifacts ----------===//

#include "loader/signature.h"

#include "kiln/signature.h"

#include <algorithm>

#if KILN_HAVE_SODIUM
#include <sodium.h>
#endif

namespace kiln::loader {

bool canVerifySignatures() { return KILN_HAVE_SODIUM != 0; }

/// The first 8 bytes of a key in hex, which is how messages name it.
static std::string keyId(const format::PublicKey &K) {
  std::string S;
  for (size_t I = 0; I < 8; ++I)
    S += formatString("%02x", K[I]);
  return S;
}

Error checkSignature(std::span<const uint8_t> File, const LoadOptions &Opts) {
  if (Opts.TrustedKeys.empty())
    return Error::success();
  format::SignedFile S = format::splitSignature(File);
  const uint64_t BlockAt = S.Artifact.size();
  if (!S.Block)
    return Error::make(ErrorKind::Refused,
                       "artifact is not signed, and this runtime loads only "
                       "artifacts signed by a trusted key (kiln sign)")
        .atOffset(File.size());
  if (std::find(Opts.TrustedKeys.begin(), Opts.TrustedKeys.end(),
                S.Block->Key) == Opts.TrustedKeys.end())
    return Error::make(ErrorKind::Refused,
                       "artifact is signed by key " + keyId(S.Block->Key) +
                           "..., which this runtime does not trust")
        .atOffset(BlockAt + sizeof(format::SignatureMagic));
#if KILN_HAVE_SODIUM
  if (sodium_init() < 0)
    return Error::make(ErrorKind::Refused,
                       "cannot verify the signature: libsodium failed to "
                       "initialize");
  if (crypto_sign_verify_detached(S.Block->Signature.data(),
                                  S.Artifact.data(), S.Artifact.size(),
                                  S.Block->Key.data()) != 0)
    return Error::make(ErrorKind::Refused,
                       "signature by key " + keyId(S.Block->Key) +
                           "... does not match the artifact: it was changed "
                           "after it was signed")
        .atOffset(BlockAt + sizeof(format::SignatureMagic) +
                  format::PublicKeyBytes);
  return Error::success();
#else
  return Error::make(ErrorKind::Refused,
                     "this runtime was built without signature support "
                     "(libsodium), so it cannot load artifacts when keys "
                     "are required");
#endif
}

} // namespace kiln::loader
