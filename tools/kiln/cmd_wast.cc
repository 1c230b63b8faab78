//===- tools/kiln/cmd_wast.cc - kiln wast ---------------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/compile_flags.h"
#include "tools/kiln/features_flag.h"
#include "tools/kiln/wast/runner.h"
#include "tools/kiln/wast/script.h"

#ifdef KILN_WITH_COMPILER
#include "compiler/codegen/target.h"
#include "tools/kiln/wast/prepare.h"
#endif

#include <cstdio>
#include <string_view>
#include <cerrno>
#include <sys/stat.h>

namespace kiln::cli {

static void printWastHelp() {
#ifdef KILN_WITH_COMPILER
  std::printf(
      "Run WebAssembly spec test scripts converted by wast2json.\n\n"
      "Usage: kiln wast [OPTIONS] <FILE.json>...\n"
      "       kiln wast --target <T> --emit-dir <DIR> [OPTIONS] <FILE.json>...\n\n"
      "Make the JSON with ../shared/spec/convert.sh (e.g. 'convert.sh core "
      "OUT').\n"
      "Every module is compiled, serialized, verified, loaded and run through\n"
      "the same paths as 'kiln compile' and 'kiln run'. Prints one line per\n"
      "script and, last, 'N passed, N failed, N skipped'. Text-format\n"
      "assert_malformed modules are skipped (Kiln reads binaries); every skip\n"
      "is counted.\n\n"
      "With --emit-dir, nothing runs: every module is compiled for --target\n"
      "into DIR, assert_invalid/assert_malformed are decided here, and DIR\n"
      "gets each script rewritten to name the artifacts. Copy DIR to the\n"
      "device and run 'kiln wast DIR/*.json' with the runtime-only kiln there\n"
      "(or under qemu-user).\n\n"
      "Options:\n%s"
      "      --bounds-checks   Compile modules with explicit bounds checks\n"
      "                        (default: the target's mode)\n"
      "  -O0 | -O1 | -O2 | -O3 Optimization level for the modules (default "
      "-O2)\n"
      "      --target <T>      Compile for T (see kiln compile "
      "--print-targets);\n"
      "                        other than the host, only with --emit-dir\n"
      "      --cpu <CPU>       Target CPU (default: the target's baseline)\n"
      "      --features <F>    LLVM target features, e.g. +v\n"
      "      --emit-dir <DIR>  Prepare the scripts for a device (see above)\n"
      "      --validate-only   Only decode and validate: modules must validate,\n"
      "                        malformed/invalid ones must be rejected, and\n"
      "                        execution commands are skipped (and counted)\n"
      "  -v, --verbose         List every skip and every rejection whose "
      "reason\n"
      "                        differs from the suite's wording\n"
      "  -h, --help            Print help\n\n"
      "Exit status: 0 if nothing failed, 1 otherwise, 2 on usage errors.\n",
      featureFlagHelp());
#else
  std::printf(
      "Run spec test scripts prepared on a build machine.\n\n"
      "Usage: kiln wast [OPTIONS] <DIR/FILE.json>...\n\n"
      "This runtime-only build cannot compile: prepare the scripts with the\n"
      "full kiln ('kiln wast --target T --emit-dir DIR FILE.json...'), copy\n"
      "DIR here and run its scripts. Prints one line per script and, last,\n"
      "'N passed, N failed, N skipped'; every skip is counted.\n\n"
      "Options:\n"
      "  -v, --verbose         List every skip and every rejection whose "
      "reason\n"
      "                        differs from the suite's wording\n"
      "  -h, --help            Print help\n\n"
      "Exit status: 0 if nothing failed, 1 otherwise, 2 on usage errors.\n");
#endif
}

#ifdef KILN_WITH_COMPILER
/// The host half of a split run: compile and decide, write DIR.
static int prepareScripts(const std::vector<std::string> &Files,
                          codegen::CompileOptions Opts,
                          const std::string &Dir) {
  Expected<codegen::TargetSelection> T =
      codegen::selectTarget(Opts.Triple, Opts.Cpu, Opts.Features);
  if (!T)
    return usageError("wast", T.takeError().str());
  Opts.Triple = T->Desc->Name;
  if (!Opts.Mode)
    Opts.Mode = T->Desc->DefaultMode;
  if (*Opts.Mode == MemoryMode::Guard && archPointerBytes(T->Desc->A) != 8)
    return usageError("wast", std::string("guard-page memory needs a 64-bit "
                                          "target; ") +
                                  T->Desc->Name + " must use --bounds-checks");
  if (::mkdir(Dir.c_str(), 0777) != 0 && errno != EEXIST)
    return usageError("wast", "cannot create --emit-dir " + Dir);
  wast::PrepareResult R;
  unsigned Bad = 0;
  for (const std::string &Path : Files) {
    std::string Err;
    if (!wast::prepareScript(Path, Opts, Dir, R, Err)) {
      std::fprintf(stderr, "error: %s\n", Err.c_str());
      ++Bad;
    }
  }
  std::printf("prepared %zu script(s) for %s (%s, %s memory) in %s: %u "
              "module(s) compiled, %u failed to compile, %u rejection(s) "
              "decided\n",
              Files.size() - Bad, Opts.Triple.c_str(), T->Cpu.c_str(),
              memoryModeName(*Opts.Mode), Dir.c_str(), R.Compiled,
              R.CompileErrors, R.Decided);
  if (R.CompileErrors)
    std::printf("(modules that failed to compile fail on the device, with "
                "the compiler's message)\n");
  return Bad ? ExitFailure : ExitOk;
}
#endif

int wastMain(const std::vector<std::string> &RawArgs) {
  const std::vector<std::string> Args = splitOptionValues(
      RawArgs, {"--target", "--cpu", "--features", "--emit-dir"},
      /*StopAtPositional=*/false);
  wast::RunOptions Opts;
  std::vector<std::string> Files;
#ifdef KILN_WITH_COMPILER
  std::string Triple, Cpu, Features, EmitDir;
  bool ModeGiven = false;
#endif
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
#ifdef KILN_WITH_COMPILER
    if (A == "--target" || A == "--cpu" || A == "--features" ||
        A == "--emit-dir") {
      if (I + 1 == Args.size())
        return usageError("wast", A + " needs a value");
      std::string &Out = A == "--target" ? Triple
                         : A == "--cpu"  ? Cpu
                         : A == "--features" ? Features
                                             : EmitDir;
      Out = Args[++I];
      continue;
    }
    if (A == "--validate-only") {
      Opts.ValidateOnly = true;
      continue;
    }
    if (A == "--bounds-checks") {
      Opts.Mode = MemoryMode::BoundsChecked;
      ModeGiven = true;
      continue;
    }
    if (parseOptLevelFlag(A, Opts.OptLevel))
      continue;
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
#endif
    if (A.size() > 1 && A[0] == '-')
      return usageError("wast", "unknown option '" + A + "'");
    Files.push_back(A);
  }
  if (Files.empty())
    return usageError("wast", "no script given");
#ifdef KILN_WITH_COMPILER
  if (!EmitDir.empty()) {
    if (Opts.ValidateOnly)
      return usageError("wast", "--validate-only and --emit-dir exclude each "
                                "other");
    codegen::CompileOptions CO;
    CO.Triple = Triple;
    CO.Cpu = Cpu;
    CO.Features = Features;
    CO.OptLevel = Opts.OptLevel;
    CO.WasmFeatures = Opts.Features;
    if (ModeGiven)
      CO.Mode = Opts.Mode;
    return prepareScripts(Files, CO, EmitDir);
  }
  if (!Triple.empty() || !Cpu.empty() || !Features.empty()) {
    // Executing here: only the host target makes sense.
    Expected<codegen::TargetSelection> T =
        codegen::selectTarget(Triple, Cpu, Features);
    if (!T)
      return usageError("wast", T.takeError().str());
    if (T->Desc->A != hostArch())
      return usageError("wast", std::string("cannot execute ") +
                                    T->Desc->Name + " code on " +
                                    archName(hostArch()) +
                                    "; use --emit-dir and run the scripts "
                                    "with that target's runtime");
    if (!Cpu.empty() || !Features.empty())
      return usageError("wast", "--cpu and --features need --emit-dir");
  }
#endif

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
    if (!S.PreparedTarget.empty() &&
        S.PreparedTarget.rfind(archName(hostArch()), 0) != 0) {
      std::fprintf(stderr,
                   "error: %s: prepared for %s, this kiln runs %s code\n",
                   Path.c_str(), S.PreparedTarget.c_str(),
                   archName(hostArch()));
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
