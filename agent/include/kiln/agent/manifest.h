//===- kiln/agent/manifest.h - An application's manifest ---------*- C++ -*-===//
//
// An application is several artifacts wired together and run as tasks. Its
// manifest (TOML, format version 1, documented in docs/manifest.md) names
// each module's artifact, digest and version, binds every Wasm import
// namespace to another module of the application or to a host module, and
// lists the tasks, the limits and the restart policy.
//
// Parsing checks the manifest on its own (syntax, keys, types, values,
// references between its tables, cycles in the wiring). Whether the
// artifacts fit the wiring is app_check.h's job: it needs the artifacts.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_MANIFEST_H
#define KILN_AGENT_MANIFEST_H

#include "kiln/error.h"
#include "kiln/wasi.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <vector>

namespace kiln::agent {

inline constexpr uint32_t ManifestVersion = 1;

/// Where a line of the manifest came from, for errors that point at it.
struct SourcePos {
  uint32_t Line = 0;
  uint32_t Column = 0;
};

/// One Wasm import namespace of a module and what provides it.
struct Binding {
  std::string ImportModule; // the Wasm import's module name
  enum class Provider : uint8_t { AppModule, Host } Kind = Provider::AppModule;
  /// An application module's name; for Host, empty (the host module of
  /// the same name as ImportModule: wasi_snapshot_preview1, kiln:dsp, ...).
  std::string Target;
  SourcePos Pos;
};

enum class RestartPolicy : uint8_t { Never, OnFailure, Always };
const char *restartPolicyName(RestartPolicy P);

struct ModuleLimits {
  std::optional<uint32_t> MemoryPages;   // per memory
  std::optional<uint64_t> StackBytes;    // Instance::setMaxStackBytes
  std::optional<std::chrono::nanoseconds> Deadline; // default per call
  std::optional<uint64_t> Fuel;          // per call (artifacts built with fuel)
};

struct ModuleSpec {
  std::string Name;
  std::string Artifact; // as written (relative to the manifest's directory)
  std::string Sha256;   // lower-case hex, 64 digits
  std::string Version;
  std::vector<Binding> Imports;
  std::optional<std::string> Health; // export () -> i32, 0 = healthy
  RestartPolicy Restart = RestartPolicy::OnFailure;
  std::chrono::nanoseconds Backoff = std::chrono::milliseconds(100);
  std::chrono::nanoseconds MaxBackoff = std::chrono::seconds(10);
  ModuleLimits Limits;
  std::optional<WasiConfig> Wasi; // set: the module may import WASI
  SourcePos Pos;
};

enum class TaskKind : uint8_t { Periodic, OnStart, OnDemand };
const char *taskKindName(TaskKind K);

struct TaskSpec {
  std::string Name;
  std::string Module;
  std::string Export; // () -> (), () -> i32 or () -> i64
  TaskKind Kind = TaskKind::Periodic;
  std::chrono::nanoseconds Period{0};   // periodic only
  std::chrono::nanoseconds Deadline{0}; // 0: the period (periodic), else none
  int Priority = 0; // SCHED_FIFO 1..99 when the agent may; 0: normal
  SourcePos Pos;
};

struct Manifest {
  std::string Path; // the file it was read from, for messages
  std::string Dir;  // its directory: artifacts are relative to it
  std::string Name;
  std::vector<ModuleSpec> Modules;
  std::vector<TaskSpec> Tasks;

  const ModuleSpec *module(std::string_view Name) const;
  /// The modules in an order where every module comes after the modules
  /// it imports from (parsing refused cycles).
  std::vector<const ModuleSpec *> instantiationOrder() const;
};

/// Parses manifest text; `Path` names it in errors ("app.toml:12:5: key
/// 'modules.filter.artfact': unknown key"). The artifacts are not read.
Expected<Manifest> parseManifest(std::string_view Text, std::string Path);

/// Reads and parses the manifest at `Path`.
Expected<Manifest> readManifest(const std::string &Path);

/// `M` as manifest text (parseManifest reads it back to an equal Manifest).
/// Artifact paths are written as they are in `M`.
std::string writeManifest(const Manifest &M);

/// The file of `M`'s artifact (its directory joined with the relative
/// path, or the path itself when absolute).
std::string artifactPath(const Manifest &M, const ModuleSpec &S);

} // namespace kiln::agent

#endif // KILN_AGENT_MANIFEST_H
