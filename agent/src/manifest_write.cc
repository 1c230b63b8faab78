//===- agent/src/manifest_write.cc - A Manifest as TOML text --------------===//
//
// The agent rewrites the manifest it runs whenever an update commits (a new
// artifact, digest and version for one module). The text is written here
// rather than through toml++'s formatter so that its layout is the one
// docs/manifest.md shows, and it is read back by the same parser.
//
//===----------------------------------------------------------------------===//

#include "kiln/agent/manifest.h"

#include <cinttypes>
#include <cstdio>

namespace kiln::agent {

namespace {

/// A TOML basic string: quotes, backslashes and control characters escaped.
std::string quoted(std::string_view S) {
  std::string Out = "\"";
  for (unsigned char C : S) {
    if (C == '"' || C == '\\') {
      Out += '\\';
      Out += char(C);
    } else if (C < 0x20 || C == 0x7f) {
      char Buf[8];
      std::snprintf(Buf, sizeof(Buf), "\\u%04x", C);
      Out += Buf;
    } else {
      Out += char(C);
    }
  }
  return Out + "\"";
}

std::string duration(std::chrono::nanoseconds D) {
  uint64_t Ns = uint64_t(D.count());
  if (Ns % 1'000'000'000 == 0)
    return quoted(std::to_string(Ns / 1'000'000'000) + "s");
  if (Ns % 1'000'000 == 0)
    return quoted(std::to_string(Ns / 1'000'000) + "ms");
  if (Ns % 1'000 == 0)
    return quoted(std::to_string(Ns / 1'000) + "us");
  return quoted(std::to_string(Ns) + "ns");
}

std::string stringArray(const std::vector<std::string> &V) {
  std::string Out = "[";
  for (size_t I = 0; I < V.size(); ++I)
    Out += (I ? ", " : "") + quoted(V[I]);
  return Out + "]";
}

} // namespace

std::string writeManifest(const Manifest &M) {
  std::string T = "manifest-version = " + std::to_string(ManifestVersion) +
                  "\nname = " + quoted(M.Name) + "\n";
  for (const ModuleSpec &S : M.Modules) {
    T += "\n[modules." + S.Name + "]\n";
    T += "artifact = " + quoted(S.Artifact) + "\n";
    T += "sha256 = " + quoted(S.Sha256) + "\n";
    T += "version = " + quoted(S.Version) + "\n";
    if (S.Health)
      T += "health = " + quoted(*S.Health) + "\n";
    T += std::string("restart = ") + quoted(restartPolicyName(S.Restart)) +
         "\n";
    T += "backoff = " + duration(S.Backoff) + "\n";
    T += "max-backoff = " + duration(S.MaxBackoff) + "\n";
    if (!S.Imports.empty()) {
      T += "imports = { ";
      for (size_t I = 0; I < S.Imports.size(); ++I) {
        const Binding &B = S.Imports[I];
        T += (I ? ", " : "") + quoted(B.ImportModule) + " = " +
             quoted(B.Kind == Binding::Provider::Host ? "host" : B.Target);
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
        T += std::string(I ? ", " : "") + "{ host = " + quoted(P.HostPath) +
             ", guest = " + quoted(P.GuestPath) +
             ", read-only = " + (P.ReadOnly ? "true" : "false") + " }";
      }
      T += "]\n";
    }
  }
  for (const TaskSpec &K : M.Tasks) {
    T += "\n[tasks." + K.Name + "]\n";
    T += "module = " + quoted(K.Module) + "\n";
    T += "export = " + quoted(K.Export) + "\n";
    T += std::string("kind = ") + quoted(taskKindName(K.Kind)) + "\n";
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
