//===- tools/kiln/cmd_sign.cc - kiln keygen and kiln sign -----------------===//
//
// Signing happens on the build machine: `kiln keygen -o release` makes a key
// pair, `kiln sign --key release.key app.kiln` appends the signature block
// (kiln/signature.h), and a device given `release.pub` (`kiln run --trust`,
// LoadOptions::TrustedKeys) loads nothing else. Ed25519 is libsodium's.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/key_files.h"

#include "kiln/format_reader.h"
#include "kiln/signature.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

namespace kiln::cli {

static void printKeygenHelp() {
  std::printf(
      "Make an Ed25519 key pair for signing artifacts\n\n"
      "Usage: kiln keygen -o <NAME>\n\n"
      "Writes NAME.key (the secret key, readable by its owner only; keep it "
      "off\n"
      "devices) and NAME.pub (the public key, for kiln run --trust and the\n"
      "runtime's LoadOptions::TrustedKeys). Existing files are never "
      "replaced.\n\n"
      "Options:\n"
      "  -o, --output <NAME>  The key pair's file name, without extension\n"
      "  -h, --help           Print help\n");
}

static void printSignHelp() {
  std::printf(
      "Sign an artifact\n\n"
      "Usage: kiln sign --key <NAME.key> <IN.kiln> [-o <OUT.kiln>]\n\n"
      "Appends an Ed25519 signature of the whole artifact (replacing an "
      "earlier\n"
      "one), so that a runtime that trusts the key (kiln run --trust "
      "NAME.pub)\n"
      "loads it and refuses it after any change. Only a valid artifact is\n"
      "signed.\n\n"
      "Options:\n"
      "  -k, --key <FILE>     The secret key (kiln keygen)\n"
      "  -o, --output <FILE>  Where to write the signed artifact (default: "
      "IN,\n"
      "                       replaced atomically)\n"
      "  -h, --help           Print help\n");
}

/// Creates `Path` with `Text`, failing if it exists; `Mode` its permissions.
static Error createFile(const std::string &Path, const std::string &Text,
                        mode_t Mode) {
  int Fd = ::open(Path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, Mode);
  if (Fd < 0)
    return Error::make(ErrorKind::Io,
                       formatString("cannot create %s: %s", Path.c_str(),
                                    std::strerror(errno)));
  ssize_t N = ::write(Fd, Text.data(), Text.size());
  int Err = N == ssize_t(Text.size()) ? 0 : (N < 0 ? errno : EIO);
  if (::close(Fd) != 0 && !Err)
    Err = errno;
  if (Err)
    return Error::make(ErrorKind::Io,
                       formatString("cannot write %s: %s", Path.c_str(),
                                    std::strerror(Err)));
  return Error::success();
}

static bool sodiumReady() {
  if (sodium_init() >= 0)
    return true;
  std::fprintf(stderr, "error: libsodium failed to initialize\n");
  return false;
}

int keygenMain(const std::vector<std::string> &RawArgs) {
  const std::vector<std::string> Args =
      splitOptionValues(RawArgs, {"--output"}, /*StopAtPositional=*/false);
  std::string Name;
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    if (isHelpFlag(A)) {
      printKeygenHelp();
      return ExitOk;
    }
    if (A == "-o" || A == "--output") {
      if (I + 1 >= Args.size() || Args[I + 1].empty() || Args[I + 1][0] == '-')
        return usageError("keygen", "-o needs a file name");
      Name = Args[++I];
    } else {
      return usageError("keygen", "unexpected argument '" + A + "'");
    }
  }
  if (Name.empty())
    return usageError("keygen", "no output name (-o NAME)");
  if (!sodiumReady())
    return ExitFailure;
  format::PublicKey Pk;
  SecretKey Sk;
  crypto_sign_keypair(Pk.data(), Sk.data());
  // The public key first: a failure then never leaves a lone secret key.
  if (Error E = createFile(Name + ".pub", keyFileText(PublicKeyTag, Pk), 0644)) {
    printError("", E);
    return ExitFailure;
  }
  Error E = createFile(Name + ".key", keyFileText(SecretKeyTag, Sk), 0600);
  sodium_memzero(Sk.data(), Sk.size());
  if (E) {
    printError("", E);
    ::unlink((Name + ".pub").c_str());
    return ExitFailure;
  }
  std::printf("wrote %s.key (secret) and %s.pub\n", Name.c_str(), Name.c_str());
  return ExitOk;
}

int signMain(const std::vector<std::string> &RawArgs) {
  const std::vector<std::string> Args = splitOptionValues(
      RawArgs, {"--key", "--output"}, /*StopAtPositional=*/false);
  std::string KeyPath, Input, Output;
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    auto Value = [&](const char *Flag, std::string &Out) {
      if (I + 1 >= Args.size() || Args[I + 1].empty() || Args[I + 1][0] == '-')
        return usageError("sign", std::string(Flag) + " needs a file name");
      Out = Args[++I];
      return -1;
    };
    int Rc = -1;
    if (isHelpFlag(A)) {
      printSignHelp();
      return ExitOk;
    } else if (A == "-k" || A == "--key") {
      Rc = Value("--key", KeyPath);
    } else if (A == "-o" || A == "--output") {
      Rc = Value("-o", Output);
    } else if (A.size() > 1 && A[0] == '-') {
      return usageError("sign", "unknown option '" + A + "'");
    } else if (Input.empty()) {
      Input = A;
    } else {
      return usageError("sign", "more than one input file");
    }
    if (Rc != -1)
      return Rc;
  }
  if (KeyPath.empty())
    return usageError("sign", "no key (--key NAME.key, from kiln keygen)");
  if (Input.empty())
    return usageError("sign", "no input artifact");
  if (Output.empty())
    Output = Input;

  Expected<SecretKey> Sk = readSecretKeyFile(KeyPath);
  if (!Sk) {
    printError("", Sk.takeError());
    return ExitUsage;
  }
  Expected<std::vector<uint8_t>> File = readFile(Input);
  if (!File) {
    printError("", File.takeError());
    return ExitFailure;
  }
  // Only an artifact that reads as one is signed (an earlier signature is
  // replaced): a signature vouches for what the build produced.
  std::span<const uint8_t> Artifact = format::splitSignature(*File).Artifact;
  if (Expected<format::ReadArtifact> R = format::readArtifact(Artifact); !R) {
    printError(Input, R.takeError());
    return ExitFailure;
  }
  if (!sodiumReady())
    return ExitFailure;
  format::SignatureBlock Block;
  std::memcpy(Block.Key.data(), Sk->data() + 32, Block.Key.size());
  crypto_sign_detached(Block.Signature.data(), nullptr, Artifact.data(),
                       Artifact.size(), Sk->data());
  sodium_memzero(Sk->data(), Sk->size());
  std::vector<uint8_t> Signed = format::appendSignature(Artifact, Block);

  // Written next to the output and renamed over it: a reader never sees a
  // half-written artifact, and a failure leaves the old file as it was.
  std::string Tmp = Output + ".tmp";
  if (Error E = writeTextFile(
          Tmp, std::string_view(reinterpret_cast<const char *>(Signed.data()),
                                Signed.size()))) {
    printError("", E);
    ::unlink(Tmp.c_str());
    return ExitFailure;
  }
  if (std::rename(Tmp.c_str(), Output.c_str()) != 0) {
    printError("", Error::make(ErrorKind::Io,
                               formatString("cannot write %s: %s",
                                            Output.c_str(),
                                            std::strerror(errno))));
    ::unlink(Tmp.c_str());
    return ExitFailure;
  }
  return ExitOk;
}

} // namespace kiln::cli
