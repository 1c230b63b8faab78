//===- tools/kiln/cmd_bundle.cc - kiln bundle -----------------------------===//
//
// `kiln bundle app.toml -o app.kbundle [--key release.key]`: the manifest
// and every artifact it names in one file (kiln/agent/bundle.h), for a
// device that gets its updates from a USB stick or any file transfer. The
// artifacts may be for another target than this machine's: they are read
// as artifacts and checked against the manifest's digests, and the device's
// agent verifies them again for itself before installing anything.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/key_files.h"

#include "kiln/agent/bundle.h"
#include "kiln/agent/manifest.h"
#include "kiln/format_reader.h"
#include "kiln/sha256.h"
#include "kiln/signature.h"

#include <cstdio>
#include <cstring>

#if KILN_HAVE_SODIUM
#include <sodium.h>
#endif

namespace kiln::cli {

static void printBundleHelp() {
  std::printf(
      "Pack an application into one file for offline deployment\n\n"
      "Usage: kiln bundle <MANIFEST> -o <OUT.kbundle> [--key <NAME.key>]\n\n"
      "Writes a ustar archive (tar tvf lists it) of the manifest and every\n"
      "artifact it names, each checked against the manifest's sha256. With\n"
      "--key, the manifest is signed (manifest.toml.sig): an agent started "
      "with\n"
      "--trust NAME.pub installs the bundle only if the signature verifies, "
      "and\n"
      "the manifest pins every artifact's digest. Install it with\n"
      "`kiln ctl deploy OUT.kbundle`.\n\n"
      "Options:\n"
      "  -o, --output <FILE>  The bundle to write\n"
      "  -k, --key <FILE>     Sign the manifest with this secret key (kiln "
      "keygen)\n"
      "  -h, --help           Print help\n");
}

int bundleMain(const std::vector<std::string> &RawArgs) {
  const std::vector<std::string> Args = splitOptionValues(
      RawArgs, {"--output", "--key"}, /*StopAtPositional=*/false);
  std::string Path, Output, KeyPath;
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    if (isHelpFlag(A)) {
      printBundleHelp();
      return ExitOk;
    }
    if (A == "-o" || A == "--output" || A == "-k" || A == "--key") {
      if (I + 1 >= Args.size() || Args[I + 1].empty())
        return usageError("bundle", A + " needs a file name");
      std::string &Out = (A == "-o" || A == "--output") ? Output : KeyPath;
      Out = Args[++I];
    } else if (A.size() > 1 && A[0] == '-') {
      return usageError("bundle", "unknown option '" + A + "'");
    } else if (Path.empty()) {
      Path = A;
    } else {
      return usageError("bundle", "more than one manifest");
    }
  }
  if (Path.empty())
    return usageError("bundle", "no manifest");
  if (Output.empty())
    return usageError("bundle", "no output file (-o APP.kbundle)");
#if !KILN_HAVE_SODIUM
  if (!KeyPath.empty())
    return usageError("bundle", "this build has no libsodium: it cannot sign");
#endif

  Expected<agent::Manifest> M = agent::readManifest(Path);
  if (!M) {
    printError("", M.takeError());
    return ExitFailure;
  }
  agent::BundleFiles Files;
  agent::Manifest Flat = *M;
  for (agent::ModuleSpec &S : Flat.Modules) {
    std::string File = agent::artifactPath(*M, S);
    Expected<std::vector<uint8_t>> Bytes = readFile(File);
    if (!Bytes) {
      printError("", Bytes.takeError());
      return ExitFailure;
    }
    if (sha256Hex(*Bytes) != S.Sha256) {
      printError(File, Error::make(ErrorKind::Refused,
                                   "sha256 is " + sha256Hex(*Bytes) +
                                       ", the manifest says " + S.Sha256));
      return ExitFailure;
    }
    std::span<const uint8_t> Unsigned = format::splitSignature(*Bytes).Artifact;
    if (Expected<format::ReadArtifact> R = format::readArtifact(Unsigned); !R) {
      printError(File, R.takeError());
      return ExitFailure;
    }
    S.Artifact = S.Name + ".kiln";
    Files[S.Artifact] = std::move(*Bytes);
  }
  std::string Text = agent::writeManifest(Flat);
  Files[agent::BundleManifestName].assign(Text.begin(), Text.end());

#if KILN_HAVE_SODIUM
  if (!KeyPath.empty()) {
    Expected<SecretKey> Sk = readSecretKeyFile(KeyPath);
    if (!Sk) {
      printError("", Sk.takeError());
      return ExitUsage;
    }
    if (sodium_init() < 0) {
      std::fprintf(stderr, "error: libsodium failed to initialize\n");
      return ExitFailure;
    }
    format::SignatureBlock Block;
    std::memcpy(Block.Key.data(), Sk->data() + 32, Block.Key.size());
    const std::vector<uint8_t> &Manifest = Files[agent::BundleManifestName];
    crypto_sign_detached(Block.Signature.data(), nullptr, Manifest.data(),
                         Manifest.size(), Sk->data());
    sodium_memzero(Sk->data(), Sk->size());
    std::vector<uint8_t> Sig = format::appendSignature({}, Block);
    Files[agent::BundleSignatureName] = std::move(Sig);
  }
#endif

  std::vector<uint8_t> Bundle = agent::writeBundle(Files);
  if (Error E = writeTextFile(
          Output, std::string_view(reinterpret_cast<const char *>(Bundle.data()),
                                   Bundle.size()))) {
    printError("", E);
    return ExitFailure;
  }
  std::printf("wrote %s: %zu modules, %zu bytes%s\n", Output.c_str(),
              Flat.Modules.size(), Bundle.size(),
              KeyPath.empty() ? "" : ", manifest signed");
  return ExitOk;
}

} // namespace kiln::cli
