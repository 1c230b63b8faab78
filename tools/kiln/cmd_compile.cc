//===- tools/kiln/cmd_compile.cc - kiln compile ---------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/compile_flags.h"
#include "tools/kiln/features_flag.h"

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"
#include "compiler/codegen/target.h"

#include <cstdio>

namespace kiln::cli {

static void printCompileHelp() {
  std::printf(
      "Compile a WebAssembly module ahead of time to a .kiln artifact.\n\n"
      "Usage: kiln compile [OPTIONS] <IN.wasm> -o <OUT.kiln>\n\n"
      "Options:\n"
      "  -o, --output <FILE>   Where to write the artifact (default: IN with "
      ".kiln)\n"
      "  -O0 | -O1 | -O2 | -O3 Optimization level (default -O2)\n"
      "      --target <TRIPLE> Target to compile for (default: the host); see\n"
      "                        --print-targets\n"
      "      --cpu <CPU>       Target CPU (default: the target's baseline; "
      "'native'\n"
      "                        for this machine's CPU)\n"
      "      --features <F>    LLVM target features, e.g. +avx2,+fma\n"
      "      --bounds-checks   Explicit bounds checks instead of guard pages\n"
      "                        (the default on 32-bit targets)\n"
      "      --guard-pages     Guard-page memory (default on 64-bit targets)\n"
      "      --fuel            Also count fuel (Wasm instructions), so that\n"
      "                        calls can be given a deterministic budget\n"
      "                        (kiln run --fuel N); costs speed\n"
      "      --no-interrupt    Leave out the interruption polls: a call then\n"
      "                        cannot be stopped (no deadline, interrupt or\n"
      "                        epoch), for code that must not spend a cycle\n"
      "      --strip-names     Leave out the module's function names (traps\n"
      "                        and profiles then name exports and indices)\n"
      "      --strip-debug     Leave out names, the map from native code to\n"
      "                        Wasm offsets and the source lines of a -g\n"
      "                        module (traps then give functions, not lines);\n"
      "                        the code is the same either way\n"
      "%s"
      "      --print-targets   List the supported targets and exit\n"
      "      --emit-llvm       Print the optimized LLVM IR to stderr\n"
      "      --emit-asm <FILE> Also write the generated code as assembly\n"
      "%s"
      "  -h, --help            Print help\n",
      featureFlagHelp(), maxFileSizeHelp());
}

static int printTargets() {
  std::printf("%-24s %-14s %-15s %s\n", "target", "default cpu",
              "default memory", "notes");
  for (const codegen::TargetDesc &T : codegen::supportedTargets())
    std::printf("%-24s %-14s %-15s %s%s\n", T.Name, T.DefaultCpu,
                memoryModeName(T.DefaultMode), T.Summary,
                codegen::canEmitArtifacts(T.A) ? ""
                                               : " [not yet: code layout "
                                                 "for this architecture]");
  return ExitOk;
}

int compileMain(const std::vector<std::string> &RawArgs) {
  const std::vector<std::string> Args = splitOptionValues(
      RawArgs,
      {"--output", "--target", "--cpu", "--features", "--emit-asm",
       "--max-file-size"},
      /*StopAtPositional=*/false);
  codegen::CompileOptions Opts;
  std::string Input, Output, AsmPath;
  uint64_t MaxFileBytes = DefaultMaxInputBytes;
  // A flag that names a file never takes an option as its value
  // (`--emit-asm -o out.kiln` is a mistake, not a file called "-o").
  auto Value = [&](size_t &I, const char *Flag, std::string &Out) {
    if (I + 1 >= Args.size())
      return usageError("compile", std::string(Flag) + " needs a value");
    const std::string &V = Args[I + 1];
    if (V.size() > 1 && V[0] == '-')
      return usageError("compile", std::string(Flag) + " needs a value, "
                                   "not the option '" + V + "'");
    Out = Args[++I];
    return -1;
  };
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    int Rc = -1;
    bool MaxFileSize = false;
    if (int R = parseMaxFileSizeFlag("compile", Args, I, MaxFileBytes,
                                     MaxFileSize);
        R >= 0)
      return R;
    if (MaxFileSize)
      continue;
    if (isHelpFlag(A)) {
      printCompileHelp();
      return ExitOk;
    } else if (A == "--print-targets") {
      return printTargets();
    } else if (A == "-o" || A == "--output") {
      Rc = Value(I, "-o", Output);
    } else if (isCompileFlag(A)) {
      Rc = parseCompileFlag("compile", Args, I, Opts);
    } else if (A == "--target") {
      Rc = Value(I, "--target", Opts.Triple);
    } else if (A == "--no-interrupt") {
      Opts.Interrupt = false;
    } else if (A == "--fuel") {
      Opts.Fuel = true;
    } else if (A == "--strip-names") {
      Opts.Names = false;
    } else if (A == "--strip-debug") {
      Opts.Names = false;
      Opts.CodeMap = false;
    } else if (A == "--emit-llvm") {
      Opts.DumpIr = true;
    } else if (A == "--emit-asm") {
      Rc = Value(I, "--emit-asm", AsmPath);
    } else if (A.rfind("-W", 0) == 0) {
      std::string V = A.substr(2);
      if (V.empty())
        Rc = Value(I, "-W", V);
      std::string Err;
      if (Rc == -1 && !applyFeatureFlag(V, Opts.WasmFeatures, Err))
        return usageError("compile", Err);
    } else if (A.size() > 1 && A[0] == '-') {
      return usageError("compile", "unknown option '" + A + "'");
    } else if (Input.empty()) {
      Input = A;
    } else {
      return usageError("compile", "more than one input file");
    }
    if (Rc != -1)
      return Rc;
  }
  if (Input.empty())
    return usageError("compile", "no input file");
  if (Output.empty()) {
    size_t Dot = Input.rfind('.');
    Output = (Dot == std::string::npos ? Input : Input.substr(0, Dot)) + ".kiln";
  }

  if (sameFile(Input, Output))
    return usageError("compile", "the output " + Output +
                                     " is the input; choose another -o");
  if (!AsmPath.empty() && (sameFile(Input, AsmPath) || AsmPath == Output))
    return usageError("compile", "--emit-asm " + AsmPath +
                                     " would overwrite the input or the "
                                     "output");
  // The target flags are the command line's: a mistake there is a usage
  // error (exit 2), found before the input is read.
  Expected<codegen::TargetSelection> Target =
      codegen::selectTarget(Opts.Triple, Opts.Cpu, Opts.Features);
  if (!Target)
    return usageError("compile", Target.takeError().message());
  if (Opts.Mode && !archSupportsMemoryMode(Target->Desc->A, *Opts.Mode))
    return usageError("compile", std::string("--guard-pages needs a 64-bit "
                                             "target; ") +
                                     Target->Desc->Name +
                                     " must use --bounds-checks");

  Expected<std::vector<uint8_t>> Wasm = readFile(Input, MaxFileBytes);
  if (!Wasm) {
    printError("", Wasm.takeError());
    return ExitFailure;
  }
  std::string Asm;
  if (!AsmPath.empty())
    Opts.AssemblyOut = &Asm;
  Expected<format::Artifact> Art = codegen::compileWasm(*Wasm, Opts);
  if (!Art) {
    printError(Input, Art.takeError());
    return ExitFailure;
  }
  if (!AsmPath.empty())
    if (Error E = writeTextFile(AsmPath, Asm)) {
      printError("", E);
      return ExitFailure;
    }
  std::vector<uint8_t> Bytes = format::writeArtifact(*Art);
  if (Error E = writeTextFile(
          Output, std::string_view(reinterpret_cast<const char *>(Bytes.data()),
                                   Bytes.size()))) {
    printError("", E);
    return ExitFailure;
  }
  return ExitOk;
}

} // namespace kiln::cli
