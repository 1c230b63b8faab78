//===- tools/kiln/key_files.cc - Ed25519 key files ------------------------===//

#include "tools/kiln/key_files.h"

#include "tools/kiln/cli.h"

#include <cstring>

namespace kiln::cli {

std::string keyFileText(const char *Tag, std::span<const uint8_t> Key) {
  std::string S = std::string(Tag) + " ";
  for (uint8_t B : Key)
    S += formatString("%02x", B);
  return S + "\n";
}

/// The key of `Path`: tag, one space, exactly N bytes in hex, a newline.
template <size_t N>
static Expected<std::array<uint8_t, N>> readKeyFile(const std::string &Path,
                                                    const char *Tag) {
  Expected<std::vector<uint8_t>> Bytes = readFile(Path, 4096);
  if (!Bytes)
    return Bytes.takeError();
  std::string Text(Bytes->begin(), Bytes->end());
  while (!Text.empty() && (Text.back() == '\n' || Text.back() == '\r'))
    Text.pop_back();
  std::string Prefix = std::string(Tag) + " ";
  auto Bad = [&](const char *Why) {
    return Error::make(ErrorKind::Usage,
                       formatString("%s: not a %s file: %s", Path.c_str(), Tag,
                                    Why));
  };
  if (Text.compare(0, Prefix.size(), Prefix) != 0)
    return Bad(Text.rfind("kiln-ed25519-", 0) == 0
                   ? "it holds the other key of the pair"
                   : "it does not start with the key's tag");
  std::string Hex = Text.substr(Prefix.size());
  if (Hex.size() != 2 * N)
    return Bad(formatString("the key has %zu hex digits, not %zu", Hex.size(),
                            2 * N)
                   .c_str());
  std::array<uint8_t, N> Key{};
  for (size_t I = 0; I < N; ++I) {
    unsigned V = 0;
    for (char C : {Hex[2 * I], Hex[2 * I + 1]}) {
      int D = C >= '0' && C <= '9'   ? C - '0'
              : C >= 'a' && C <= 'f' ? C - 'a' + 10
              : C >= 'A' && C <= 'F' ? C - 'A' + 10
                                     : -1;
      if (D < 0)
        return Bad("the key is not hexadecimal");
      V = V * 16 + unsigned(D);
    }
    Key[I] = uint8_t(V);
  }
  return Key;
}

Expected<format::PublicKey> readPublicKeyFile(const std::string &Path) {
  return readKeyFile<format::PublicKeyBytes>(Path, PublicKeyTag);
}

Expected<SecretKey> readSecretKeyFile(const std::string &Path) {
  return readKeyFile<64>(Path, SecretKeyTag);
}

} // namespace kiln::cli
