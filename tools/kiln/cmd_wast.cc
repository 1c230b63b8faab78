//===- tools/kiln/cmd_wast.cc - kiln wast ---------------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/features_flag.h"
#include "tools/kiln/wast/runner.h"
#include "tools/kiln/wast/script.h"

#include <cstdio>

namespace kiln::cli {

static void printWastHelp() {
  std::printf(
      "Run WebAssembly spec test scripts converted by wast2json.\n\n"
      "Usage: kiln wast [OPTIONS] <FILE.json>...\n\n"
      "Make the JSON with ../shared/spec/convert.sh (e.g. 'convert.sh core "
      "OUT').\n"
      "Every module is compiled, serialized, verified, loaded and run through\n"
      "the same paths as 'kiln compile' and 'kiln run'. Prints one line per\n"
      "script and, last, 'N passed, N failed, N skipped'. Text-format\n"
      "assert_malformed modules are skipped (Kiln reads binaries); every skip\n"
      "is counted.\n\n"
      "Options:\n%s"
      "      --bounds-checks   Compile modules with explicit bounds checks\n"
      "                        (default: the host target's mode, guard pages)\n"
      "  -O0 | -O1 | -O2 | -O3 Optimization level for the modules (default "
      "-O2)\n"
      "      --validate-only   Only decode and validate: modules must validate,\n"
      "                        malformed/invalid ones must be rejected, and\n"
      "                        execution commands are skipped (and counted)\n"
      "  -v, --verbose         List every skip and every rejection whose "
      "reason\n"
      "                        differs from the suite's wording\n"
      "  -h, --help            Print help\n\n"
      "Exit status: 0 if nothing failed, 1 otherwise, 2 on usage errors.\n",
      featureFlagHelp());
}

int wastMain(const std::vector<std::string> &Args) {
  wast::RunOptions Opts;
  std::vector<std::string> Files;
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    if (isHelpFlag(A)) {
      printWastHelp();
      return ExitOk;
    }
    if (A == "-v" || A == "--verbose") {
      Opts.Verbose = true;
      continue;
    }
    if (A == "--validate-only") {
      Opts.ValidateOnly = true;
      continue;
    }
    if (A == "--bounds-checks") {
      Opts.Mode = MemoryMode::BoundsChecked;
      continue;
    }
    if (A.size() == 3 && A[0] == '-' && A[1] == 'O' && A[2] >= '0' &&
        A[2] <= '3') {
      Opts.OptLevel = unsigned(A[2] - '0');
      continue;
    }
    if (A.rfind("-W", 0) == 0) {
      std::string V = A.size() > 2 ? A.substr(2) : "";
      if (V.empty()) {
        if (++I == Args.size())
          return usageError("wast", "-W needs a feature name");
        V = Args[I];
      }
      std::string Err;
      if (!applyFeatureFlag(V, Opts.Features, Err))
        return usageError("wast", Err);
      continue;
    }
    if (A.size() > 1 && A[0] == '-')
      return usageError("wast", "unknown option '" + A + "'");
    Files.push_back(A);
  }
  if (Files.empty())
    return usageError("wast", "no script given");

  wast::RunResult Total;
  unsigned BadScripts = 0;
  for (const std::string &Path : Files) {
    wast::Script S;
    std::string Err;
    if (!wast::loadScript(Path, S, Err)) {
      std::fprintf(stderr, "error: %s\n", Err.c_str());
      ++BadScripts;
      continue;
    }
    wast::RunResult R = wast::runScript(S, Opts);
    std::printf("%-40s %6u passed, %u failed, %u skipped\n",
                S.SourceFilename.c_str(), R.Passed, R.Failed, R.Skipped);
    Total.add(R);
  }
  if (Total.Skipped) {
    std::printf("skipped by command:");
    for (unsigned K = 0; K < wast::NumCommandKinds; ++K)
      if (Total.SkippedByKind[K])
        std::printf(" %s %u", wast::commandKindName(wast::CommandKind(K)),
                    Total.SkippedByKind[K]);
    std::printf("\n");
  }
  if (Total.ReasonMismatches)
    std::printf("%u rejection(s) gave a reason other than the suite's "
                "wording (-v lists them)\n",
                Total.ReasonMismatches);
  if (BadScripts)
    std::printf("%u script(s) could not be read\n", BadScripts);
  // The last line, always in this form.
  std::printf("%u passed, %u failed, %u skipped\n", Total.Passed,
              Total.Failed + BadScripts, Total.Skipped);
  return Total.Failed || BadScripts ? ExitFailure : ExitOk;
}

} // namespace kiln::cli
