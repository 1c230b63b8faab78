//===- tools/kiln/wast/runner.cc - Runs spec test scripts -----------------===//

#include "tools/kiln/wast/runner.h"

#include "kiln/runtime.h"
#include "tools/kiln/cli.h"
#include "tools/kiln/module_loader.h"
#include "tools/kiln/wast/spectest.h"
#include "tools/kiln/wast/values.h"

#ifdef KILN_WITH_COMPILER
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#endif

#include <cstdio>
#include <map>
#include <memory>

namespace kiln::wast {

void RunResult::add(const RunResult &O) {
  Passed += O.Passed;
  Failed += O.Failed;
  Skipped += O.Skipped;
  ReasonMismatches += O.ReasonMismatches;
  for (unsigned K = 0; K < NumCommandKinds; ++K)
    SkippedByKind[K] += O.SkippedByKind[K];
}

#ifdef KILN_WITH_COMPILER
/// Decodes and validates a module file; success is an empty Error.
static Error checkModuleFile(const std::string &Path,
                             const wasm::Features &F) {
  Expected<std::vector<uint8_t>> Bytes = cli::readFile(Path);
  if (!Bytes)
    return Bytes.takeError();
  Expected<wasm::Module> M = wasm::decodeModule(*Bytes, F);
  if (!M)
    return M.takeError();
  return wasm::validateModule(*M, F);
}
#endif

/// Trap and link messages match when one starts with the other: the suite
/// sometimes abbreviates ("unknown import") and Kiln adds context.
static bool sameReason(const std::string &Got, const std::string &Want) {
  return Got.compare(0, Want.size(), Want) == 0 ||
         Want.compare(0, Got.size(), Got) == 0 ||
         Got.find(Want) != std::string::npos;
}

namespace {

class ScriptRunner {
public:
  ScriptRunner(const Script &S, const RunOptions &Opts) : S(S), Opts(Opts) {
    MemoryMode Mode = Opts.Mode;
    // A prepared script's artifacts were compiled for one mode; the
    // spectest memory they import must be of the same mode.
    if (S.PreparedMode == memoryModeName(MemoryMode::BoundsChecked))
      Mode = MemoryMode::BoundsChecked;
    else if (S.PreparedMode == memoryModeName(MemoryMode::Guard))
      Mode = MemoryMode::Guard;
#ifdef KILN_WITH_COMPILER
    Src.Compile.Mode = Mode;
    Src.Compile.OptLevel = Opts.OptLevel;
    Src.Compile.WasmFeatures = Opts.Features;
#endif
    SpectestError = defineSpectest(L, Mode);
  }

  RunResult run() {
    for (const Command &C : S.Commands) {
      if (SpectestError) {
        fail(C, "cannot create the spectest module: " + SpectestError.str());
        continue;
      }
      if (Opts.ValidateOnly)
        validateOnly(C);
      else
        runCommand(C);
    }
    return R;
  }

private:
  void pass() { ++R.Passed; }

  void fail(const Command &C, const std::string &Why) {
    ++R.Failed;
    std::fprintf(stderr, "%s:%u: %s failed: %s\n", S.SourceFilename.c_str(),
                 C.Line, commandKindName(C.Kind), Why.c_str());
  }

  void skip(const Command &C, const char *Why) {
    ++R.Skipped;
    ++R.SkippedByKind[unsigned(C.Kind)];
    if (Opts.Verbose)
      std::fprintf(stderr, "%s:%u: %s skipped: %s\n", S.SourceFilename.c_str(),
                   C.Line, commandKindName(C.Kind), Why);
  }

  void note(const Command &C, const std::string &What) {
    ++R.ReasonMismatches;
    if (Opts.Verbose)
      std::fprintf(stderr, "%s:%u: note: %s\n", S.SourceFilename.c_str(),
                   C.Line, What.c_str());
  }

  Expected<std::shared_ptr<Module>> load(const Command &C) {
    if (C.HostError)
      return Error::make(ErrorKind::Unsupported,
                         "compiling it on the build machine failed: " +
                             *C.HostError);
    Expected<std::vector<uint8_t>> Bytes = cli::readFile(S.pathOf(C));
    if (!Bytes)
      return Bytes.takeError();
    return cli::loadModuleBytes(*Bytes, Src);
  }

  Expected<std::shared_ptr<Instance>> instantiate(const Command &C) {
    Expected<std::shared_ptr<Module>> M = load(C);
    if (!M)
      return M.takeError();
    Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
    if (!I)
      return I.takeError();
    return std::shared_ptr<Instance>(std::move(*I));
  }

  Instance *target(const Action &A) {
    if (!A.Module)
      return Current.get();
    auto It = Named.find(*A.Module);
    return It == Named.end() ? nullptr : It->second.get();
  }

  Expected<std::vector<kiln::Value>> perform(const Action &A) {
    Instance *I = target(A);
    if (!I)
      return Error::make(ErrorKind::Usage,
                         "no module " + A.Module.value_or("(current)"));
    if (A.Kind == ActionKind::Get) {
      std::optional<Extern> E = I->exportOf(A.Field);
      if (!E || E->Kind != ExternKind::Global)
        return Error::make(ErrorKind::Usage, "no global export " + A.Field);
      return std::vector<kiln::Value>{globalValue(*E->G)};
    }
    std::vector<kiln::Value> Args;
    for (const Value &V : A.Args)
      Args.push_back(toRuntimeValue(V));
    return I->call(A.Field, Args);
  }

  /// A module the suite expects to be rejected at decode/validation time.
  /// Any rejection passes (as in wabt's and wasmtime's runners); a different
  /// kind or wording is counted and listed with -v (wast2json's encoding of
  /// a text module can differ from the reference encoder's).
  void expectRejected(const Command &C, ErrorKind Want) {
    // Decided on the build machine (a prepared script): its verdict.
    if (C.HostRejection || C.HostAccepted) {
      if (!C.HostRejection) {
        fail(C, "module was accepted, expected \"" + C.Text + "\"");
        return;
      }
      pass();
      if (C.HostNote)
        note(C, *C.HostNote);
      return;
    }
#ifdef KILN_WITH_COMPILER
    Error E = checkModuleFile(S.pathOf(C), Opts.Features);
    if (!E) {
      fail(C, "module was accepted, expected \"" + C.Text + "\"");
      return;
    }
    pass();
    ErrorKind Got = E.kind() == ErrorKind::Limit ? ErrorKind::Malformed
                                                  : E.kind();
    if (Got != Want || E.message().find(C.Text) == std::string::npos)
      note(C, std::string("rejected as ") + errorKindName(E.kind()) + " for \"" +
                  E.str() + "\", the suite says " + errorKindName(Want) +
                  " \"" + C.Text + "\"");
#else
    (void)Want;
    fail(C, "this runtime-only build cannot decode .wasm modules; prepare "
            "the script on the build machine (kiln wast --emit-dir)");
#endif
  }

  void expectTrap(const Command &C, Error E) {
    if (!E) {
      fail(C, "returned normally, expected trap \"" + C.Text + "\"");
      return;
    }
    if (E.kind() != ErrorKind::Trap) {
      fail(C, "failed without trapping: " + E.str() + " (expected trap \"" +
                  C.Text + "\")");
      return;
    }
    if (!sameReason(E.message(), C.Text)) {
      fail(C, "trapped with \"" + E.message() + "\", expected \"" + C.Text +
                  "\"");
      return;
    }
    pass();
  }

  void checkResults(const Command &C, const std::vector<kiln::Value> &Got) {
    auto Same = [&](const std::vector<Value> &Want) {
      if (Want.size() != Got.size())
        return false;
      for (size_t K = 0; K < Want.size(); ++K)
        if (!matches(Want[K], Got[K]))
          return false;
      return true;
    };
    bool Ok = C.Either.empty() ? Same(C.Expected) : false;
    for (const std::vector<Value> &Alt : C.Either)
      Ok = Ok || Same(Alt);
    if (Ok) {
      pass();
      return;
    }
    std::string Msg = "got";
    for (const kiln::Value &V : Got)
      Msg += " " + describe(V);
    Msg += ", expected";
    for (const Value &V : C.Expected)
      Msg += " " + describe(V);
    if (!C.Either.empty())
      Msg += " one of the (either ...) alternatives";
    fail(C, Msg);
  }

  void validateOnly(const Command &C) {
    switch (C.Kind) {
    case CommandKind::Module:
#ifdef KILN_WITH_COMPILER
      if (Error E = checkModuleFile(S.pathOf(C), Opts.Features))
        return fail(C, E.str());
      return pass();
#else
      return fail(C, "--validate-only needs the compiler");
#endif
    case CommandKind::AssertMalformed:
    case CommandKind::AssertInvalid:
      return runCommand(C);
    default:
      return skip(C, "--validate-only");
    }
  }

  void runCommand(const Command &C) {
    switch (C.Kind) {
    case CommandKind::Module: {
      Expected<std::shared_ptr<Instance>> I = instantiate(C);
      if (!I) {
        fail(C, I.takeError().str());
        Current.reset(); // later commands on it fail rather than hit the old
        return;
      }
      Current = *I;
      if (C.Name)
        Named[*C.Name] = Current;
      pass();
      return;
    }
    case CommandKind::Register: {
      Instance *I = C.Name ? (Named.count(*C.Name) ? Named[*C.Name].get()
                                                   : nullptr)
                           : Current.get();
      if (!I) {
        fail(C, "no module to register");
        return;
      }
      L.defineInstance(C.As, *I);
      pass();
      return;
    }
    case CommandKind::Action: {
      Expected<std::vector<kiln::Value>> Got = perform(*C.Act);
      if (!Got) {
        fail(C, Got.takeError().str());
        return;
      }
      pass();
      return;
    }
    case CommandKind::AssertReturn: {
      Expected<std::vector<kiln::Value>> Got = perform(*C.Act);
      if (!Got) {
        fail(C, Got.takeError().str());
        return;
      }
      checkResults(C, *Got);
      return;
    }
    case CommandKind::AssertTrap:
    case CommandKind::AssertExhaustion: {
      Expected<std::vector<kiln::Value>> Got = perform(*C.Act);
      expectTrap(C, Got ? Error::success() : Got.takeError());
      return;
    }
    case CommandKind::AssertMalformed:
      if (C.ModType == ModuleType::Text)
        return skip(C, "text-format module (Kiln reads binaries only)");
      return expectRejected(C, ErrorKind::Malformed);
    case CommandKind::AssertInvalid:
      return expectRejected(C, ErrorKind::Invalid);
    case CommandKind::AssertUnlinkable:
    case CommandKind::AssertUninstantiable: {
      Expected<std::shared_ptr<Instance>> I = instantiate(C);
      if (I) {
        fail(C, "instantiated, expected \"" + C.Text + "\"");
        return;
      }
      Error E = I.takeError();
      ErrorKind Want = C.Kind == CommandKind::AssertUnlinkable
                           ? ErrorKind::Link
                           : ErrorKind::Trap;
      if (E.kind() != Want) {
        fail(C, std::string("failed as ") + errorKindName(E.kind()) + ": " +
                    E.str() + " (expected " + errorKindName(Want) + " \"" +
                    C.Text + "\")");
        return;
      }
      pass();
      if (!sameReason(E.message(), C.Text))
        note(C, "failed with \"" + E.message() + "\", the suite says \"" +
                    C.Text + "\"");
      return;
    }
    }
  }

  const Script &S;
  const RunOptions &Opts;
  cli::ModuleSource Src;
  Linker L;
  Error SpectestError;
  std::shared_ptr<Instance> Current;
  std::map<std::string, std::shared_ptr<Instance>> Named;
  RunResult R;
};

} // namespace

RunResult runScript(const Script &S, const RunOptions &Opts) {
  return ScriptRunner(S, Opts).run();
}

} // namespace kiln::wast
