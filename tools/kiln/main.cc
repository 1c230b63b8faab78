//===- tools/kiln/main.cc - The kiln command ------------------------------===//
//
// `kiln <command> [options]`, in the style of wasmtime's CLI. The same program
// is built with the compiler (every command) or runtime-only for a device,
// where the compiler's commands explain that this build cannot run them.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"

#ifdef KILN_WITH_COMPILER
#include "compiler/codegen/target.h"
#endif

#include <cstdio>
#include <cstring>

using namespace kiln::cli;

#ifdef KILN_WITH_COMPILER
#define KILN_COMPILER_COMMAND(Fn) Fn, nullptr
#else
#define KILN_COMPILER_COMMAND(Fn)                                              \
  nullptr, "this build of kiln is runtime-only and has no compiler"
#endif

// Signing is for build machines with libsodium.
#if KILN_HAVE_SODIUM
#define KILN_SIGNING_COMMAND(Fn) Fn, nullptr
#else
#define KILN_SIGNING_COMMAND(Fn)                                               \
  nullptr, "this build of kiln has no libsodium, so it cannot sign"
#endif

static const Subcommand Commands[] = {
    {"compile", "Compile a WebAssembly module to a .kiln artifact",
     KILN_COMPILER_COMMAND(compileMain)},
    {"run", "Run an artifact (or a .wasm module) and call an export", runMain,
     nullptr},
    {"inspect", "Show what an artifact contains", inspectMain, nullptr},
    {"bench", "Measure an export's latency call by call against a budget",
     benchMain, nullptr}, // runtime-only too: budgets are measured on devices
    {"validate", "Decode and validate WebAssembly modules",
     KILN_COMPILER_COMMAND(validateMain)},
    {"wast", "Run WebAssembly spec test scripts (wast2json output)",
     wastMain, nullptr}, // runtime-only: scripts prepared by --emit-dir
    {"keygen", "Make an Ed25519 key pair for signing artifacts",
     KILN_SIGNING_COMMAND(keygenMain)},
    {"sign", "Sign an artifact so that runtimes trusting the key load it",
     KILN_SIGNING_COMMAND(signMain)},
    {"app", "Check an application: a manifest of modules wired together",
     appMain, nullptr},
    {"agent", "Run an application on this device: tasks, updates, rollback",
     agentMain, nullptr},
    {"ctl", "Control a running agent: status, logs, deploy, rollback",
     ctlMain, nullptr},
    {"bundle", "Pack an application into one file for offline deployment",
     bundleMain, nullptr},
};

static void printHelp() {
  std::printf("kiln %s: ahead-of-time WebAssembly for edge devices\n\n"
              "Usage: kiln <COMMAND> [OPTIONS]\n\nCommands:\n",
              KILN_VERSION);
  for (const Subcommand &C : Commands)
    std::printf("  %-10s %s%s\n", C.Name, C.Summary,
                C.Main ? "" : " (not in this build)");
  std::printf("\nOptions:\n  -h, --help     Print help\n"
              "  -V, --version  Print version\n\n"
              "Run 'kiln <COMMAND> --help' for a command's options.\n");
}

int main(int Argc, char **Argv) {
  if (Argc < 2) {
    printHelp();
    return ExitUsage;
  }
  std::string Name = Argv[1];
  if (isHelpFlag(Name) || Name == "help") {
    printHelp();
    return ExitOk;
  }
  if (Name == "-V" || Name == "--version") {
#ifdef KILN_WITH_COMPILER
    std::printf("kiln %s (LLVM %s)\n", KILN_VERSION,
                kiln::codegen::llvmVersion());
#else
    std::printf("kiln %s (runtime only)\n", KILN_VERSION);
#endif
    return ExitOk;
  }
  for (const Subcommand &C : Commands) {
    if (Name != C.Name)
      continue;
    if (!C.Main) {
      std::fprintf(stderr, "kiln %s: error: %s\n", C.Name, C.MissingReason);
      return ExitFailure;
    }
    return C.Main(std::vector<std::string>(Argv + 2, Argv + Argc));
  }
  std::fprintf(stderr,
               "kiln: error: unknown command '%s' (run 'kiln --help')\n",
               Name.c_str());
  return ExitUsage;
}
