//===- tools/kiln/cmd_app.cc - kiln app check -----------------------------===//
//
// `kiln app check app.toml`: everything the agent checks before it runs an
// application, without running anything, so that a build or a deployment
// pipeline refuses a broken application where it is made.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/host_modules.h"
#include "tools/kiln/key_files.h"

#include "kiln/agent/app_check.h"

#include <cstdio>

namespace kiln::cli {

static void printAppHelp() {
  std::printf(
      "Work with applications: several modules wired together by a "
      "manifest\n\n"
      "Usage: kiln app check [OPTIONS] <MANIFEST>\n\n"
      "Commands:\n"
      "  check  Validate a manifest against its artifacts: digests, "
      "signatures,\n"
      "         targets, every import bound to an export of the same type,\n"
      "         tasks and health checks, limits; no cycle in the wiring\n\n"
      "Options:\n"
      "      --trust <KEY.pub>  Require every artifact to be signed by this "
      "key\n"
      "                         (repeatable)\n"
      "      --target <TRIPLE>  Check for a device of that target (e.g.\n"
      "                         aarch64-linux-gnu) instead of this machine; "
      "its CPU\n"
      "                         features are checked by the device's agent\n"
      "  -h, --help             Print help\n\n"
      "The manifest format is described in docs/manifest.md.\n");
}

static void printSummary(const agent::Manifest &M,
                         const agent::ArtifactSet &Arts) {
  std::printf("%s: application '%s' is consistent\n", M.Path.c_str(),
              M.Name.c_str());
  std::printf("  modules, in instantiation order:\n");
  for (const agent::ModuleSpec *S : M.instantiationOrder()) {
    const format::Artifact &A = Arts.at(S->Name).Record;
    std::printf("    %-12s %-10s %s, imports: %zu, exports: %zu\n",
                S->Name.c_str(), S->Version.c_str(), A.Target.Triple.c_str(),
                A.Imports.size(), A.Exports.size());
    for (const agent::Binding &B : S->Imports)
      std::printf("      imports \"%s\" from %s\n", B.ImportModule.c_str(),
                  B.Kind == agent::Binding::Provider::Host
                      ? "the host"
                      : ("module '" + B.Target + "'").c_str());
  }
  if (!M.Tasks.empty())
    std::printf("  tasks:\n");
  for (const agent::TaskSpec &T : M.Tasks) {
    std::string When = agent::taskKindName(T.Kind);
    if (T.Kind == agent::TaskKind::Periodic)
      When += " every " + std::to_string(T.Period.count() / 1000) + " us";
    if (T.Deadline.count())
      When += ", deadline " + std::to_string(T.Deadline.count() / 1000) +
              " us";
    std::printf("    %-12s %s.%s (%s)\n", T.Name.c_str(), T.Module.c_str(),
                T.Export.c_str(), When.c_str());
  }
}

static int appCheck(const std::vector<std::string> &RawArgs) {
  const std::vector<std::string> Args =
      splitOptionValues(RawArgs, {"--trust", "--target"},
                        /*StopAtPositional=*/false);
  std::string Path;
  agent::HostEnvironment Env;
  Env.DefineHostModules = [](Linker &L) { linkHostModules(L); };
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    if (isHelpFlag(A)) {
      printAppHelp();
      return ExitOk;
    }
    if (A == "--trust") {
      if (I + 1 >= Args.size())
        return usageError("app", "--trust needs a public key file");
      Expected<format::PublicKey> Key = readPublicKeyFile(Args[++I]);
      if (!Key) {
        printError("", Key.takeError());
        return ExitUsage;
      }
      Env.Load.TrustedKeys.push_back(*Key);
    } else if (A == "--target") {
      if (I + 1 >= Args.size())
        return usageError("app", "--target needs a target triple");
      const std::string &T = Args[++I];
      bool Known = false;
      for (Arch Ar : {Arch::X86_64, Arch::AArch64, Arch::Arm, Arch::RiscV64})
        if (T == archTriple(Ar)) {
          Env.Load.ExpectedArch = Ar;
          Env.Load.AllowGuard = archPointerBytes(Ar) == 8;
          Known = true;
        }
      if (!Known)
        return usageError("app", "unknown target '" + T +
                                     "' (kiln compile --print-targets)");
    } else if (A.size() > 1 && A[0] == '-') {
      return usageError("app", "unknown option '" + A + "'");
    } else if (Path.empty()) {
      Path = A;
    } else {
      return usageError("app", "more than one manifest");
    }
  }
  if (Path.empty())
    return usageError("app", "no manifest (kiln app check app.toml)");

  Expected<agent::Manifest> M = agent::readManifest(Path);
  if (!M) {
    printErrorLines("", M.takeError());
    return ExitFailure;
  }
  Expected<agent::ArtifactSet> Arts = agent::checkApplication(*M, Env);
  if (!Arts) {
    printErrorLines("", Arts.takeError());
    return ExitFailure;
  }
  printSummary(*M, *Arts);
  return ExitOk;
}

int appMain(const std::vector<std::string> &Args) {
  if (Args.empty())
    return usageError("app", "no subcommand (kiln app check MANIFEST)");
  if (isHelpFlag(Args[0])) {
    printAppHelp();
    return ExitOk;
  }
  if (Args[0] == "check")
    return appCheck({Args.begin() + 1, Args.end()});
  return usageError("app", "unknown subcommand '" + Args[0] + "'");
}

} // namespace kiln::cli
