//===- agent/src/manifest_parse.cc - TOML to a Manifest -------------------===//
//
// toml++ (Debian's libtomlplusplus-dev, header-only here so that the cross
// and device builds need nothing installed for their architecture) reads the
// syntax and keeps every node's line and column; this file checks the
// schema. Every problem found is reported, not only the first, each as
// "FILE:LINE:COLUMN: key 'modules.filter.artifact': what is wrong".
//
//===----------------------------------------------------------------------===//

#include "kiln/agent/manifest.h"

#include "agent/src/diagnostics.h"

#include "tools/kiln/duration.h"

#define TOML_EXCEPTIONS 0
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>

#include <sys/stat.h>

namespace kiln::agent {

const char *restartPolicyName(RestartPolicy P) {
  switch (P) {
  case RestartPolicy::Never:
    return "never";
  case RestartPolicy::OnFailure:
    return "on-failure";
  case RestartPolicy::Always:
    return "always";
  }
  return "?";
}

const char *taskKindName(TaskKind K) {
  switch (K) {
  case TaskKind::Periodic:
    return "periodic";
  case TaskKind::OnStart:
    return "on-start";
  case TaskKind::OnDemand:
    return "on-demand";
  }
  return "?";
}

namespace {

SourcePos posOf(const toml::source_region &R) {
  return {uint32_t(R.begin.line), uint32_t(R.begin.column)};
}

/// Diagnostics at a TOML node's position.
void addAt(Diagnostics &D, const toml::node &N, const std::string &Key,
           const std::string &Msg) {
  D.add(posOf(N.source()), Key, Msg);
}

std::string join(const std::string &Prefix, std::string_view Key) {
  return Prefix.empty() ? std::string(Key) : Prefix + "." + std::string(Key);
}

/// Reads the keys of one table against the keys it may have; reports
/// unknown keys and missing required ones.
class TableReader {
public:
  TableReader(const toml::table &T, std::string Name, Diagnostics &D)
      : T(T), Name(std::move(Name)), D(D) {}

  /// Declares the keys this table may hold, then reports any other.
  void allowOnly(std::initializer_list<const char *> Keys) {
    for (auto &&[K, V] : T) {
      bool Known = std::any_of(Keys.begin(), Keys.end(),
                               [&](const char *A) { return K.str() == A; });
      if (!Known)
        D.add(posOf(K.source()), join(Name, K.str()),
              "unknown key (this table takes " + list(Keys) + ")");
    }
  }

  const toml::node *get(const char *Key, bool Required) {
    const toml::node *N = T.get(Key);
    if (!N && Required)
      D.add(posOf(T.source()), Name.empty() ? Key : join(Name, Key),
            "missing (required)");
    return N;
  }

  std::optional<std::string> string(const char *Key, bool Required) {
    const toml::node *N = get(Key, Required);
    if (!N)
      return std::nullopt;
    if (!N->is_string()) {
      addAt(D, *N, join(Name, Key), "must be a string");
      return std::nullopt;
    }
    return std::string(*N->value<std::string_view>());
  }

  std::optional<int64_t> integer(const char *Key, bool Required, int64_t Min,
                                 int64_t Max) {
    const toml::node *N = get(Key, Required);
    if (!N)
      return std::nullopt;
    std::optional<int64_t> V = N->is_integer() ? N->value<int64_t>()
                                               : std::nullopt;
    if (!V || *V < Min || *V > Max) {
      addAt(D, *N, join(Name, Key),
            "must be an integer from " + std::to_string(Min) + " to " +
                std::to_string(Max));
      return std::nullopt;
    }
    return V;
  }

  std::optional<std::chrono::nanoseconds> duration(const char *Key,
                                                   bool Required) {
    std::optional<std::string> S = string(Key, Required);
    if (!S)
      return std::nullopt;
    std::optional<std::chrono::nanoseconds> V = cli::parseDuration(*S);
    if (!V || V->count() == 0) {
      addAt(D, *T.get(Key), join(Name, Key),
            "must be a positive duration such as \"1ms\", \"250us\" or "
            "\"2s\", got \"" + *S + "\"");
      return std::nullopt;
    }
    return V;
  }

  std::optional<std::vector<std::string>> strings(const char *Key) {
    const toml::node *N = get(Key, false);
    if (!N)
      return std::nullopt;
    const toml::array *A = N->as_array();
    std::vector<std::string> Out;
    if (A)
      for (const toml::node &E : *A)
        if (E.is_string())
          Out.emplace_back(*E.value<std::string_view>());
    if (!A || Out.size() != A->size()) {
      addAt(D, *N, join(Name, Key), "must be an array of strings");
      return std::nullopt;
    }
    return Out;
  }

  /// A sub-table (or null when absent or not a table, reported).
  const toml::table *table(const char *Key, bool Required) {
    const toml::node *N = get(Key, Required);
    if (!N)
      return nullptr;
    if (!N->is_table()) {
      addAt(D, *N, join(Name, Key), "must be a table");
      return nullptr;
    }
    return N->as_table();
  }

  const std::string &name() const { return Name; }
  Diagnostics &diags() { return D; }

private:
  static std::string list(std::initializer_list<const char *> Keys) {
    std::string S;
    for (const char *K : Keys)
      S += (S.empty() ? "" : ", ") + std::string(K);
    return S;
  }

  const toml::table &T;
  std::string Name;
  Diagnostics &D;
};

/// Module and task names appear in keys, paths, logs and the control
/// protocol: keep them to what needs no quoting anywhere.
bool isPlainName(std::string_view S) {
  return !S.empty() && S.size() <= 64 &&
         std::all_of(S.begin(), S.end(), [](char C) {
           return (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') ||
                  (C >= '0' && C <= '9') || C == '_' || C == '-';
         });
}

bool isSha256Hex(std::string_view S) {
  return S.size() == 64 && std::all_of(S.begin(), S.end(), [](char C) {
           return (C >= '0' && C <= '9') || (C >= 'a' && C <= 'f');
         });
}

void readLimits(const toml::table &T, const std::string &Key, Diagnostics &D,
                ModuleLimits &L) {
  TableReader R(T, Key, D);
  R.allowOnly({"memory-pages", "stack-bytes", "deadline", "fuel"});
  if (auto V = R.integer("memory-pages", false, 0, 65536))
    L.MemoryPages = uint32_t(*V);
  if (auto V = R.integer("stack-bytes", false, 4096, int64_t(1) << 30))
    L.StackBytes = uint64_t(*V);
  L.Deadline = R.duration("deadline", false);
  if (auto V = R.integer("fuel", false, 1, INT64_MAX))
    L.Fuel = uint64_t(*V);
}

void readWasi(const toml::table &T, const std::string &Key, Diagnostics &D,
              WasiConfig &W) {
  TableReader R(T, Key, D);
  R.allowOnly({"args", "env", "dirs"});
  if (auto V = R.strings("args"))
    W.Args = *V;
  if (auto V = R.strings("env")) {
    for (const std::string &E : *V)
      if (E.find('=') == std::string::npos || E.front() == '=')
        addAt(D, *T.get("env"), join(Key, "env"),
              "\"" + E + "\" is not NAME=VALUE");
    W.Env = *V;
  }
  const toml::node *Dirs = R.get("dirs", false);
  if (!Dirs)
    return;
  const toml::array *A = Dirs->as_array();
  if (!A) {
    addAt(D, *Dirs, join(Key, "dirs"), "must be an array of tables");
    return;
  }
  for (size_t I = 0; I < A->size(); ++I) {
    std::string DirKey = join(Key, "dirs") + "[" + std::to_string(I) + "]";
    const toml::table *Dir = (*A)[I].as_table();
    if (!Dir) {
      addAt(D, (*A)[I], DirKey,
            "must be a table { host = \"...\", guest = \"...\" }");
      continue;
    }
    TableReader DR(*Dir, DirKey, D);
    DR.allowOnly({"host", "guest", "read-only"});
    WasiPreopen P;
    auto Host = DR.string("host", true);
    auto Guest = DR.string("guest", true);
    if (const toml::node *RO = DR.get("read-only", false)) {
      if (!RO->is_boolean())
        addAt(D, *RO, join(DirKey, "read-only"), "must be true or false");
      else
        P.ReadOnly = *RO->value<bool>();
    }
    if (Host && Guest) {
      P.HostPath = *Host;
      P.GuestPath = *Guest;
      W.Preopens.push_back(P);
    }
  }
}

std::optional<RestartPolicy> restartPolicyFrom(std::string_view S) {
  for (RestartPolicy P : {RestartPolicy::Never, RestartPolicy::OnFailure,
                          RestartPolicy::Always})
    if (S == restartPolicyName(P))
      return P;
  return std::nullopt;
}

std::optional<TaskKind> taskKindFrom(std::string_view S) {
  for (TaskKind K : {TaskKind::Periodic, TaskKind::OnStart, TaskKind::OnDemand})
    if (S == taskKindName(K))
      return K;
  return std::nullopt;
}

void readModule(const std::string &Name, const toml::node &N, Diagnostics &D,
                Manifest &M) {
  std::string Key = "modules." + Name;
  ModuleSpec S;
  S.Name = Name;
  S.Pos = posOf(N.source());
  if (!isPlainName(Name))
    addAt(D, N, Key,
          "a module name is 1 to 64 letters, digits, '_' or '-'");
  const toml::table *T = N.as_table();
  if (!T) {
    addAt(D, N, Key, "must be a table");
    return;
  }
  TableReader R(*T, Key, D);
  R.allowOnly({"artifact", "sha256", "version", "imports", "health", "restart",
               "backoff", "max-backoff", "limits", "wasi"});
  S.Artifact = R.string("artifact", true).value_or("");
  S.Version = R.string("version", true).value_or("");
  if (auto Sha = R.string("sha256", true)) {
    if (!isSha256Hex(*Sha))
      addAt(D, *T->get("sha256"), join(Key, "sha256"),
            "must be 64 lower-case hex digits (sha256sum of the artifact)");
    S.Sha256 = *Sha;
  }
  S.Health = R.string("health", false);
  if (auto P = R.string("restart", false)) {
    if (auto Policy = restartPolicyFrom(*P))
      S.Restart = *Policy;
    else
      addAt(D, *T->get("restart"), join(Key, "restart"),
            "must be \"never\", \"on-failure\" or \"always\", got \"" + *P +
                "\"");
  }
  if (auto B = R.duration("backoff", false))
    S.Backoff = *B;
  if (auto B = R.duration("max-backoff", false))
    S.MaxBackoff = *B;
  if (S.MaxBackoff < S.Backoff)
    addAt(D, N, join(Key, "max-backoff"), "is shorter than backoff");
  if (const toml::table *L = R.table("limits", false))
    readLimits(*L, join(Key, "limits"), D, S.Limits);
  if (const toml::table *W = R.table("wasi", false)) {
    S.Wasi.emplace();
    readWasi(*W, join(Key, "wasi"), D, *S.Wasi);
  }
  if (const toml::table *I = R.table("imports", false)) {
    for (auto &&[K, V] : *I) {
      std::string BKey = join(Key, "imports") + ".\"" + std::string(K.str()) +
                         "\"";
      Binding B;
      B.ImportModule = std::string(K.str());
      B.Pos = posOf(K.source());
      std::optional<std::string_view> Target = V.value<std::string_view>();
      if (!V.is_string() || !Target || Target->empty()) {
        addAt(D, V, BKey,
              "must be the name of a module of this application, or "
              "\"host\"");
        continue;
      }
      if (*Target == "host") {
        B.Kind = Binding::Provider::Host;
      } else {
        B.Kind = Binding::Provider::AppModule;
        B.Target = std::string(*Target);
      }
      S.Imports.push_back(std::move(B));
    }
  }
  M.Modules.push_back(std::move(S));
}

void readTask(const std::string &Name, const toml::node &N, Diagnostics &D,
              Manifest &M) {
  std::string Key = "tasks." + Name;
  TaskSpec T;
  T.Name = Name;
  T.Pos = posOf(N.source());
  if (!isPlainName(Name))
    addAt(D, N, Key, "a task name is 1 to 64 letters, digits, '_' or '-'");
  const toml::table *Tab = N.as_table();
  if (!Tab) {
    addAt(D, N, Key, "must be a table");
    return;
  }
  TableReader R(*Tab, Key, D);
  R.allowOnly({"module", "export", "kind", "period", "deadline", "priority"});
  T.Module = R.string("module", true).value_or("");
  T.Export = R.string("export", true).value_or("");
  if (auto K = R.string("kind", true)) {
    if (auto Kind = taskKindFrom(*K))
      T.Kind = *Kind;
    else
      addAt(D, *Tab->get("kind"), join(Key, "kind"),
            "must be \"periodic\", \"on-start\" or \"on-demand\", got \"" +
                *K + "\"");
  }
  bool Periodic = T.Kind == TaskKind::Periodic;
  if (auto P = R.duration("period", Periodic))
    T.Period = *P;
  if (!Periodic && Tab->get("period"))
    addAt(D, *Tab->get("period"), join(Key, "period"),
          "only a periodic task has a period");
  if (auto Dl = R.duration("deadline", false))
    T.Deadline = *Dl;
  else if (Periodic)
    T.Deadline = T.Period;
  if (Periodic && T.Period.count() && T.Deadline > T.Period)
    addAt(D, *Tab->get("deadline"), join(Key, "deadline"),
          "is longer than the period (a periodic task must end before its "
          "next release)");
  if (auto P = R.integer("priority", false, 0, 99))
    T.Priority = int(*P);
  M.Tasks.push_back(std::move(T));
}

/// References between tables: bindings and tasks name existing modules, no
/// module imports from itself, the wiring has no cycle.
void checkReferences(const Manifest &M, Diagnostics &D) {
  for (const ModuleSpec &S : M.Modules)
    for (const Binding &B : S.Imports) {
      if (B.Kind != Binding::Provider::AppModule)
        continue;
      std::string Key =
          "modules." + S.Name + ".imports.\"" + B.ImportModule + "\"";
      if (B.Target == S.Name)
        D.add(B.Pos, Key, "a module cannot import from itself");
      else if (!M.module(B.Target))
        D.add(B.Pos, Key,
              "no module named '" + B.Target + "' in this manifest");
    }
  for (const TaskSpec &T : M.Tasks) {
    if (!T.Module.empty() && !M.module(T.Module))
      D.add(T.Pos, "tasks." + T.Name + ".module",
            "no module named '" + T.Module + "' in this manifest");
  }

  // Cycles: depth-first search over "imports from" edges. A cycle cannot
  // be instantiated (each module needs the other's exports first).
  enum Mark : uint8_t { White, Grey, Black };
  std::map<std::string, Mark> Marks;
  std::vector<std::string> Path;
  std::function<bool(const ModuleSpec &)> Visit =
      [&](const ModuleSpec &S) -> bool {
    Marks[S.Name] = Grey;
    Path.push_back(S.Name);
    for (const Binding &B : S.Imports) {
      const ModuleSpec *T = B.Kind == Binding::Provider::AppModule
                                ? M.module(B.Target)
                                : nullptr;
      if (!T || T == &S)
        continue;
      if (Marks[T->Name] == Grey) {
        std::string Cycle;
        auto Start = std::find(Path.begin(), Path.end(), T->Name);
        for (auto It = Start; It != Path.end(); ++It)
          Cycle += *It + " -> ";
        D.add(B.Pos,
              "modules." + S.Name + ".imports.\"" + B.ImportModule + "\"",
              "the wiring has a cycle: " + Cycle + T->Name);
        return true;
      }
      if (Marks[T->Name] == White && Visit(*T))
        return true;
    }
    Path.pop_back();
    Marks[S.Name] = Black;
    return false;
  };
  for (const ModuleSpec &S : M.Modules)
    if (Marks[S.Name] == White && Visit(S))
      break; // one cycle is enough to refuse; the rest would repeat it
}

} // namespace

const ModuleSpec *Manifest::module(std::string_view N) const {
  for (const ModuleSpec &S : Modules)
    if (S.Name == N)
      return &S;
  return nullptr;
}

std::vector<const ModuleSpec *> Manifest::instantiationOrder() const {
  std::vector<const ModuleSpec *> Order;
  std::set<std::string> Done;
  std::function<void(const ModuleSpec &)> Add = [&](const ModuleSpec &S) {
    if (!Done.insert(S.Name).second)
      return;
    for (const Binding &B : S.Imports)
      if (B.Kind == Binding::Provider::AppModule)
        if (const ModuleSpec *T = module(B.Target))
          Add(*T);
    Order.push_back(&S);
  };
  for (const ModuleSpec &S : Modules)
    Add(S);
  return Order;
}

Expected<Manifest> parseManifest(std::string_view Text, std::string Path) {
  // A manifest is ASCII. Beyond the format's needs (names, paths, digests),
  // this keeps toml++ 3.3 (Debian's) safe: its whitespace test reaches
  // __builtin_unreachable for most non-ASCII characters (U+00A1-U+0499,
  // U+2D6E-U+3167, U+FB06-U+FEFE), undefined behaviour on a crafted file
  // (found by tests/fuzz/fuzz_app.cc).
  uint32_t Line = 1, Column = 1;
  for (unsigned char C : Text) {
    if (C >= 0x80) {
      char Hex[8];
      std::snprintf(Hex, sizeof(Hex), "0x%02x", C);
      return Error::make(ErrorKind::Malformed,
                         Path + ":" + std::to_string(Line) + ":" +
                             std::to_string(Column) + ": byte " + Hex +
                             " is not ASCII: a manifest is ASCII text");
    }
    if (C == '\n') {
      ++Line;
      Column = 1;
    } else {
      ++Column;
    }
  }
  toml::parse_result Parsed = toml::parse(Text, Path);
  if (!Parsed) {
    const toml::parse_error &E = Parsed.error();
    return Error::make(ErrorKind::Malformed,
                       Path + ":" + std::to_string(E.source().begin.line) +
                           ":" + std::to_string(E.source().begin.column) +
                           ": " + std::string(E.description()));
  }
  const toml::table &Root = Parsed.table();
  Diagnostics D(Path);
  Manifest M;
  M.Path = Path;
  size_t Slash = Path.find_last_of('/');
  M.Dir = Slash == std::string::npos ? "." : Path.substr(0, Slash);
  if (M.Dir.empty())
    M.Dir = "/";

  TableReader R(Root, "", D);
  R.allowOnly({"manifest-version", "name", "modules", "tasks"});
  std::optional<int64_t> Version =
      R.integer("manifest-version", true, 1, INT32_MAX);
  if (Version && *Version != ManifestVersion) {
    addAt(D, *Root.get("manifest-version"), "manifest-version",
          "this agent reads manifest version " +
              std::to_string(ManifestVersion) + ", the file is version " +
              std::to_string(*Version));
    return D.error(); // the rest of a newer format would only add noise
  }
  M.Name = R.string("name", true).value_or("");
  if (const toml::table *Mods = R.table("modules", true)) {
    for (auto &&[K, V] : *Mods)
      readModule(std::string(K.str()), V, D, M);
    if (Mods->empty())
      addAt(D, *Mods, "modules", "an application has at least one module");
  }
  if (const toml::table *Tasks = R.table("tasks", false))
    for (auto &&[K, V] : *Tasks)
      readTask(std::string(K.str()), V, D, M);
  // toml++ keeps a table's keys sorted; keep the file's order instead, so
  // that lists and messages follow what the user wrote.
  // (Two tables never start at one position, so std::sort is stable here.)
  auto ByPos = [](const auto &A, const auto &B) {
    return std::pair(A.Pos.Line, A.Pos.Column) <
           std::pair(B.Pos.Line, B.Pos.Column);
  };
  std::sort(M.Modules.begin(), M.Modules.end(), ByPos);
  std::sort(M.Tasks.begin(), M.Tasks.end(), ByPos);
  if (D.empty())
    checkReferences(M, D);
  if (!D.empty())
    return D.error();
  return M;
}

Expected<Manifest> readManifest(const std::string &Path) {
  struct stat St;
  if (::stat(Path.c_str(), &St) == 0 && !S_ISREG(St.st_mode))
    return Error::make(ErrorKind::Io, Path + ": not a regular file");
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    return Error::make(ErrorKind::Io, Path + ": cannot open the manifest");
  std::ostringstream Text;
  Text << In.rdbuf();
  // A manifest is a few KB; anything past 1 MiB is not one.
  if (Text.str().size() > (size_t(1) << 20))
    return Error::make(ErrorKind::Limit,
                       Path + ": a manifest is at most 1 MiB");
  return parseManifest(Text.str(), Path);
}

std::string artifactPath(const Manifest &M, const ModuleSpec &S) {
  if (!S.Artifact.empty() && S.Artifact.front() == '/')
    return S.Artifact;
  return M.Dir + "/" + S.Artifact;
}

} // namespace kiln::agent
