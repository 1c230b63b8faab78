//===- agent/src/manifest_write.cc - A Manifest as TOML text --------------===//
//
// The agent rewrites the manifest it runs whenever an update commits (a new
// artifact, digest and version for one module). The text is written here
// rather than through toml++'s formatter so that its layout is the one
// docs/manifest.md shows, and it is read back by the same parser.
//
//===----------------------------------------------------------------------===//

#include "kiln/agent/manifest.h"

#include "agent/src/quoted_string.h"

#include <cinttypes>
#include <cstdio>

namespace kiln::agent {

namespace {

std::string duration(std::chrono::nanoseconds D) {
  uint64_t Ns = uint64_t(D.count());
  if (Ns % 1'000'000'000 == 0)
    return quotedString(std::to_string(Ns / 1'000'000'000) + "s");
  if (Ns % 1'000'000 == 0)
    return quotedString(std::to_string(Ns / 1'000'000) + "ms");
  if (Ns % 1'000 == 0)
    return quotedString(std::to_string(Ns / 1'000) + "us");
  return quotedString(std::to_string(Ns) + "ns");
}

std::string stringArray(const std::vector<std::string> &V) {
  std::string Out = "[";
  for (size_t I = 0; I < V.size(); ++I)
    Out += (I ? ", " : "") + quotedString(V[I]);
  return Out + "]";
}

} // namespace

std::string writeManifest(const Manifest &M) {
  std::string T = "manifest-version = " + std::to_string(ManifestVersion) +
                  "\nname = " + quotedString(M.Name) + "\n";
  for (const ModuleSpec &S : M.Modules) {
    T += "\n[modules." + S.Name + "]\n";
    T += "artifact = " + quotedString(S.Artifact) + "\n";
    T += "sha256 = " + quotedString(S.Sha256) + "\n";
    T += "version = " + quotedString(S.Version) + "\n";
    if (S.Health)
      T += "health = " + quotedString(*S.Health) + "\n";
    T += std::string("restart = ") + quotedString(restartPolicyName(S.Restart)) +
         "\n";
    T += "backoff = " + duration(S.Backoff) + "\n";
    T += "max-backoff = " + duration(S.MaxBackoff) + "\n";
    if (!S.Imports.empty()) {
      T += "imports = { ";
      for (size_t I = 0; I < S.Imports.size(); ++I) {
        const Binding &B = S.Imports[I];
        T += (I ? ", " : "") + quotedString(B.ImportModule) + " = " +
             quotedString(B.Kind == Binding::Provider::Host ? "host" : B.Target);
      }
      T += " }\n";
    }
    const ModuleLimits &L = S.Limits;
    if (L.MemoryPages || L.StackBytes || L.Deadline || L.Fuel) {
      T += "\n[modules." + S.Name + ".limits]\n";
      if (L.MemoryPages)
        T += "memory-pages = " + std::to_string(*L.MemoryPages) + "\n";
      if (L.StackBytes)
        T += "stack-bytes = " + std::to_string(*L.StackBytes) + "\n";
      if (L.Deadline)
        T += "deadline = " + duration(*L.Deadline) + "\n";
      if (L.Fuel)
        T += "fuel = " + std::to_string(*L.Fuel) + "\n";
    }
    if (S.Wasi) {
      T += "\n[modules." + S.Name + ".wasi]\n";
      T += "args = " + stringArray(S.Wasi->Args) + "\n";
      T += "env = " + stringArray(S.Wasi->Env) + "\n";
      T += "dirs = [";
      for (size_t I = 0; I < S.Wasi->Preopens.size(); ++I) {
        const WasiPreopen &P = S.Wasi->Preopens[I];
        T += std::string(I ? ", " : "") + "{ host = " + quotedString(P.HostPath) +
             ", guest = " + quotedString(P.GuestPath) +
             ", read-only = " + (P.ReadOnly ? "true" : "false") + " }";
      }
      T += "]\n";
    }
  }
  for (const TaskSpec &K : M.Tasks) {
    T += "\n[tasks." + K.Name + "]\n";
    T += "module = " + quotedString(K.Module) + "\n";
    T += "export = " + quotedString(K.Export) + "\n";
    T += std::string("kind = ") + quotedString(taskKindName(K.Kind)) + "\n";
    if (K.Kind == TaskKind::Periodic)
      T += "period = " + duration(K.Period) + "\n";
    if (K.Deadline.count())
      T += "deadline = " + duration(K.Deadline) + "\n";
    if (K.Priority)
      T += "priority = " + std::to_string(K.Priority) + "\n";
  }
  return T;
}

} // namespace kiln::agent
