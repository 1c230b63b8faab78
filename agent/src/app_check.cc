//===- agent/src/app_check.cc - Does an application fit together ----------===//

#include "kiln/agent/app_check.h"

#include "agent/src/diagnostics.h"
#include "kiln/sha256.h"
#include "kiln/wasi.h"

#include <fstream>
#include <iterator>
#include <set>
#include <sys/stat.h>

namespace kiln::agent {

FuncSig funcSigOf(const format::Artifact &A, uint32_t TypeIndex) {
  FuncSig S;
  if (TypeIndex >= A.Types.size())
    return S; // verify() refused such an artifact already
  for (uint8_t B : A.Types[TypeIndex].Params)
    S.Params.push_back(ValType(B));
  for (uint8_t B : A.Types[TypeIndex].Results)
    S.Results.push_back(ValType(B));
  return S;
}

namespace {

/// The type index of function `Index` (imports first, then definitions).
std::optional<uint32_t> funcTypeIndex(const format::Artifact &A,
                                      uint32_t Index) {
  uint32_t Seen = 0;
  for (const format::ImportRec &I : A.Imports)
    if (I.Kind == uint8_t(ExternKind::Func) && Seen++ == Index)
      return I.TypeIndex;
  uint32_t Defined = Index - Seen;
  if (Index < Seen || Defined >= A.Functions.size())
    return std::nullopt;
  return A.Functions[Defined].TypeIndex;
}

const format::ExportRec *findExport(const format::Artifact &A,
                                    std::string_view Name) {
  for (const format::ExportRec &E : A.Exports)
    if (E.Name == Name)
      return &E;
  return nullptr;
}

bool isResultless(const FuncSig &S) {
  return S.Params.empty() && S.Results.empty();
}
bool returnsI32Only(const FuncSig &S) {
  return S.Params.empty() && S.Results == std::vector<ValType>{ValType::I32};
}
bool returnsI64Only(const FuncSig &S) {
  return S.Params.empty() && S.Results == std::vector<ValType>{ValType::I64};
}

std::string moduleKey(const ModuleSpec &S) { return "modules." + S.Name; }

/// A module's imports against its bindings and what they point at.
void checkImports(const ModuleSpec &S,
                  const ArtifactSet &Arts, const Linker &Host,
                  Diagnostics &D) {
  const format::Artifact &A = Arts.at(S.Name).Record;
  std::set<std::string> Used;
  for (const format::ImportRec &I : A.Imports) {
    std::string What = "import '" + I.Module + "'.'" + I.Field + "'";
    const Binding *B = nullptr;
    for (const Binding &Cand : S.Imports)
      if (Cand.ImportModule == I.Module)
        B = &Cand;
    if (!B) {
      D.add(S.Pos, moduleKey(S) + ".imports",
            What + " is not wired: bind \"" + I.Module +
                "\" to a module of the application or to \"host\"");
      continue;
    }
    Used.insert(B->ImportModule);
    std::string BKey = moduleKey(S) + ".imports.\"" + B->ImportModule + "\"";
    ExternKind Kind = ExternKind(I.Kind);

    if (B->Kind == Binding::Provider::Host) {
      std::optional<Extern> E = Host.find(I.Module, I.Field);
      if (!E) {
        D.add(B->Pos, BKey,
              What + ": the host has no " +
                  (Host.definesModule(I.Module)
                       ? "such field in module '" + I.Module + "'"
                       : "module '" + I.Module + "' in this build"));
        continue;
      }
      if (E->Kind != Kind) {
        D.add(B->Pos, BKey,
              What + " is a " + externKindName(Kind) + ", the host's is a " +
                  externKindName(E->Kind));
        continue;
      }
      if (Kind == ExternKind::Func && E->F) {
        FuncSig Want = funcSigOf(A, I.TypeIndex);
        const FuncSig &Have = funcSig(*E->F);
        if (!(Want == Have))
          D.add(B->Pos, BKey,
                What + " has type " + sigText(Want) + ", the host's has " +
                    sigText(Have));
      }
      continue;
    }

    // Bound to another module of the application. Only functions: an update
    // replaces the exporting instance, and a memory, table or global shared
    // with it would have to outlive it (and be in both versions' layout).
    auto Target = Arts.find(B->Target);
    if (Target == Arts.end())
      continue; // its artifact did not verify: reported already
    if (Kind != ExternKind::Func) {
      D.add(B->Pos, BKey,
            What + " is a " + externKindName(Kind) +
                ": only functions can be wired between modules");
      continue;
    }
    const format::Artifact &T = Target->second.Record;
    const format::ExportRec *E = findExport(T, I.Field);
    if (!E) {
      D.add(B->Pos, BKey,
            What + ": module '" + B->Target + "' exports no '" + I.Field +
                "'");
      continue;
    }
    if (E->Kind != uint8_t(ExternKind::Func)) {
      D.add(B->Pos, BKey,
            What + ": '" + B->Target + "'.'" + I.Field + "' is a " +
                externKindName(ExternKind(E->Kind)) + ", not a function");
      continue;
    }
    FuncSig Want = funcSigOf(A, I.TypeIndex);
    FuncSig Have = *exportedFuncSig(T, I.Field);
    if (!(Want == Have))
      D.add(B->Pos, BKey,
            "type mismatch: " + What + " has type " + sigText(Want) +
                ", '" + B->Target + "'.'" + I.Field + "' has " +
                sigText(Have));
  }
  for (const Binding &B : S.Imports)
    if (!Used.count(B.ImportModule))
      D.add(B.Pos, moduleKey(S) + ".imports.\"" + B.ImportModule + "\"",
            "module '" + S.Name + "' imports nothing from '" +
                B.ImportModule + "'");
}

/// Health check, state hand-over exports and limits of one module.
void checkModuleExports(const ModuleSpec &S, const format::Artifact &A,
                        Diagnostics &D) {
  if (S.Health) {
    std::optional<FuncSig> H = exportedFuncSig(A, *S.Health);
    if (!H)
      D.add(S.Pos, moduleKey(S) + ".health",
            "module '" + S.Name + "' exports no function '" + *S.Health +
                "'");
    else if (!returnsI32Only(*H))
      D.add(S.Pos, moduleKey(S) + ".health",
            "'" + *S.Health + "' has type " + sigText(*H) +
                ", a health check is () -> (i32)");
  }
  // The state hand-over convention (docs/manifest.md): all or nothing.
  struct StateExport {
    const char *Name;
    FuncSig Sig;
  };
  const StateExport State[] = {
      {"kiln_state_area", {{}, {ValType::I32}}},
      {"kiln_state_save", {{}, {ValType::I32}}},
      {"kiln_state_restore", {{ValType::I32}, {ValType::I32}}},
  };
  int Present = 0;
  for (const StateExport &E : State) {
    std::optional<FuncSig> Sig = exportedFuncSig(A, E.Name);
    Present += Sig.has_value();
    if (Sig && !(*Sig == E.Sig))
      D.add(S.Pos, moduleKey(S),
            std::string("'") + E.Name + "' has type " + sigText(*Sig) +
                ", the state hand-over convention needs " + sigText(E.Sig));
  }
  if (Present && Present != 3)
    D.add(S.Pos, moduleKey(S),
          "exports only part of the state hand-over convention "
          "(kiln_state_area, kiln_state_save, kiln_state_restore)");
  if (Present && !findExport(A, "memory"))
    D.add(S.Pos, moduleKey(S),
          "hands over state but exports no memory named 'memory'");

  if (S.Limits.MemoryPages)
    for (const format::MemoryRec &Mem : A.Memories)
      if (Mem.Lim.Min > *S.Limits.MemoryPages)
        D.add(S.Pos, moduleKey(S) + ".limits.memory-pages",
              "module '" + S.Name + "' declares a memory of " +
                  std::to_string(Mem.Lim.Min) + " pages at least, above " +
                  "the limit of " + std::to_string(*S.Limits.MemoryPages));
  if (S.Limits.Fuel &&
      A.Target.Interrupt != uint8_t(format::InterruptKind::PollsAndFuel))
    D.add(S.Pos, moduleKey(S) + ".limits.fuel",
          "the artifact of '" + S.Name +
              "' counts no fuel (compile it with `kiln compile --fuel`)");
  if ((S.Limits.Deadline || S.Limits.Fuel) &&
      A.Target.Interrupt == uint8_t(format::InterruptKind::None))
    D.add(S.Pos, moduleKey(S) + ".limits",
          "the artifact of '" + S.Name +
              "' was compiled with --no-interrupt: its calls cannot be "
              "bounded");
}

void checkTasks(const Manifest &M, const ArtifactSet &Arts, Diagnostics &D) {
  for (const TaskSpec &T : M.Tasks) {
    auto It = Arts.find(T.Module);
    if (It == Arts.end())
      continue;
    const format::Artifact &A = It->second.Record;
    std::optional<FuncSig> Sig = exportedFuncSig(A, T.Export);
    std::string Key = "tasks." + T.Name + ".export";
    if (!Sig)
      D.add(T.Pos, Key,
            "module '" + T.Module + "' exports no function '" + T.Export +
                "'");
    else if (!isResultless(*Sig) && !returnsI32Only(*Sig) &&
             !returnsI64Only(*Sig))
      D.add(T.Pos, Key,
            "'" + T.Export + "' has type " + sigText(*Sig) +
                ", a task runs () -> (), () -> (i32) or () -> (i64)");
    if (A.Target.Interrupt == uint8_t(format::InterruptKind::None) &&
        T.Deadline.count())
      D.add(T.Pos, "tasks." + T.Name + ".deadline",
            "module '" + T.Module +
                "' was compiled with --no-interrupt: a deadline cannot stop "
                "it");
  }
}

} // namespace

std::optional<FuncSig> exportedFuncSig(const format::Artifact &A,
                                       std::string_view Name) {
  const format::ExportRec *E = findExport(A, Name);
  if (!E || E->Kind != uint8_t(ExternKind::Func))
    return std::nullopt;
  std::optional<uint32_t> T = funcTypeIndex(A, E->Index);
  if (!T)
    return std::nullopt;
  return funcSigOf(A, *T);
}

Expected<std::vector<uint8_t>> readInputFile(const std::string &Path) {
  struct stat St;
  if (::stat(Path.c_str(), &St) != 0)
    return Error::make(ErrorKind::Io, Path + ": no such file");
  if (!S_ISREG(St.st_mode))
    return Error::make(ErrorKind::Io, Path + ": not a regular file");
  // An artifact or bundle is at most a few MiB; refuse what would exhaust a
  // device.
  if (uint64_t(St.st_size) > (uint64_t(256) << 20))
    return Error::make(ErrorKind::Limit,
                       Path + ": larger than 256 MiB, not an artifact or bundle");
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    return Error::make(ErrorKind::Io, Path + ": cannot be read");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(In), {});
}

std::string sigText(const FuncSig &S) {
  auto List = [](const std::vector<ValType> &Ts) {
    std::string Out = "(";
    for (size_t I = 0; I < Ts.size(); ++I)
      Out += (I ? ", " : "") + std::string(valTypeName(Ts[I]));
    return Out + ")";
  };
  return List(S.Params) + " -> " + List(S.Results);
}

Expected<VerifiedArtifact> readArtifact(const Manifest &M, const ModuleSpec &S,
                                        const HostEnvironment &Env) {
  VerifiedArtifact V;
  V.Path = artifactPath(M, S);
  Expected<std::vector<uint8_t>> Bytes = readInputFile(V.Path);
  if (!Bytes)
    return Bytes.takeError();
  V.Bytes = std::move(*Bytes);
  std::string Digest = sha256Hex(V.Bytes);
  if (Digest != S.Sha256)
    return Error::make(ErrorKind::Refused,
                       V.Path + ": sha256 is " + Digest +
                           ", the manifest says " + S.Sha256);
  Expected<format::Artifact> Rec = Module::verify(V.Bytes, Env.Load);
  if (!Rec) {
    Error E = Rec.takeError();
    ErrorKind K = E.kind();
    return Error::make(K, V.Path + ": " + E.str());
  }
  V.Record = std::move(*Rec);
  return V;
}

Error checkWiring(const Manifest &M, const ArtifactSet &Arts,
                  const HostEnvironment &Env) {
  Linker Host;
  if (Env.DefineHostModules)
    Env.DefineHostModules(Host);
  // WASI as the agent defines it for a module with a wasi table; its
  // functions' types do not depend on the configuration.
  Expected<std::shared_ptr<WasiContext>> Wasi = createWasiContext({});
  if (!Wasi)
    return Wasi.takeError();
  if (Error E = defineWasi(Host, *Wasi))
    return E;

  Diagnostics D(M.Path);
  for (const ModuleSpec &S : M.Modules) {
    auto It = Arts.find(S.Name);
    if (It == Arts.end())
      continue;
    checkImports(S, Arts, Host, D);
    checkModuleExports(S, It->second.Record, D);
    bool ImportsWasi = false;
    for (const format::ImportRec &I : It->second.Record.Imports)
      ImportsWasi |= I.Module == "wasi_snapshot_preview1";
    if (S.Wasi && !ImportsWasi)
      D.add(S.Pos, moduleKey(S) + ".wasi",
            "module '" + S.Name + "' imports no WASI function");
  }
  checkTasks(M, Arts, D);
  if (!D.empty())
    return D.error(ErrorKind::Link);
  return Error::success();
}

Expected<ArtifactSet> checkApplication(const Manifest &M,
                                       const HostEnvironment &Env) {
  Diagnostics D(M.Path);
  ArtifactSet Arts;
  for (const ModuleSpec &S : M.Modules) {
    Expected<VerifiedArtifact> V = readArtifact(M, S, Env);
    if (!V) {
      D.add(S.Pos, moduleKey(S) + ".artifact", V.takeError().str());
      continue;
    }
    Arts.emplace(S.Name, std::move(*V));
  }
  Error Wiring = checkWiring(M, Arts, Env);
  if (D.empty() && !Wiring)
    return Arts;
  std::string All = D.empty() ? "" : D.error().message();
  ErrorKind K = D.empty() ? ErrorKind::Link : ErrorKind::Refused;
  if (Wiring)
    All += (All.empty() ? "" : "\n") + Wiring.message();
  return Error::make(K, All);
}

} // namespace kiln::agent
