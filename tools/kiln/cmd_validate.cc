//===- tools/kiln/cmd_validate.cc - kiln validate -------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/features_flag.h"

#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

#include <cstdio>

namespace kiln::cli {

static void printValidateHelp() {
  std::printf(
      "Decode and validate WebAssembly binary modules against Wasm 2.0.\n\n"
      "Usage: kiln validate [OPTIONS] <FILE.wasm>...\n\n"
      "Prints 'ok' for a valid module; otherwise the error, with its byte\n"
      "offset, section and function index, on stderr. With several files each\n"
      "line starts with the file name.\n\n"
      "Options:\n%s%s"
      "  -h, --help            Print help\n\n"
      "Exit status: 0 if every module is valid, 1 if any is not, 2 on usage "
      "errors.\n",
      featureFlagHelp(), maxFileSizeHelp());
}

int validateMain(const std::vector<std::string> &RawArgs) {
  const std::vector<std::string> Args =
      splitOptionValues(RawArgs, {"--max-file-size"},
                        /*StopAtPositional=*/false);
  wasm::Features F;
  std::vector<std::string> Files;
  uint64_t MaxFileBytes = DefaultMaxInputBytes;
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    if (isHelpFlag(A)) {
      printValidateHelp();
      return ExitOk;
    }
    bool Matched = false;
    if (int Rc = parseMaxFileSizeFlag("validate", Args, I, MaxFileBytes,
                                      Matched);
        Rc >= 0)
      return Rc;
    if (Matched)
      continue;
    if (A == "-W" || A.rfind("-W", 0) == 0) {
      std::string V = A.size() > 2 ? A.substr(2) : "";
      if (V.empty()) {
        if (++I == Args.size())
          return usageError("validate", "-W needs a feature name");
        V = Args[I];
      }
      std::string Err;
      if (!applyFeatureFlag(V, F, Err))
        return usageError("validate", Err);
      continue;
    }
    if (A.size() > 1 && A[0] == '-')
      return usageError("validate", "unknown option '" + A + "'");
    Files.push_back(A);
  }
  if (Files.empty())
    return usageError("validate", "no input file");

  bool AllOk = true;
  for (const std::string &Path : Files) {
    std::string Prefix = Files.size() > 1 ? Path + ": " : "";
    Expected<std::vector<uint8_t>> Bytes = readFile(Path, MaxFileBytes);
    if (!Bytes) {
      printError("", Bytes.takeError());
      AllOk = false;
      continue;
    }
    Expected<wasm::Module> M = wasm::decodeModule(*Bytes, F);
    Error E = M ? wasm::validateModule(*M, F) : M.takeError();
    if (E) {
      printError(Path, E);
      AllOk = false;
      continue;
    }
    std::printf("%sok\n", Prefix.c_str());
  }
  return AllOk ? ExitOk : ExitFailure;
}

} // namespace kiln::cli
