//===- kiln/wasi.h - WASI preview1 for embedders ----------------*- C++ -*-===//
//
// Runs programs compiled for wasm32-wasi (wasi_snapshot_preview1, and the
// older wasi_unstable names):
//
//   kiln::WasiConfig C;
//   C.Args = {"app", "input.txt"};
//   C.Env = {"LANG=C"};
//   C.Preopens = {{"/srv/data", "/data"},         // host dir, guest name
//                 {"/srv/models", "/models", true}}; // read-only
//   kiln::Expected<std::shared_ptr<kiln::WasiContext>> W =
//       kiln::createWasiContext(std::move(C));
//   kiln::Linker L;
//   if (kiln::Error E = kiln::defineWasi(L, *W)) ...;
//   auto I = L.instantiate(*M);
//   kiln::Expected<std::vector<kiln::Value>> R = (*I)->call("_start", {});
//   // proc_exit(n) comes back as an Error of kind ErrorKind::Exit with
//   // exitCode() == n; returning from _start means status 0.
//
// The sandbox: the guest sees only its pre-opened directories (fds 3, 4, ...
// in the order given) and stdin/stdout/stderr. Paths are resolved beneath
// the directory fd they are relative to; absolute paths, ".." above it and
// symlinks leading out of it fail with ENOTCAPABLE. The guest cannot leave
// such links behind for the host either: path_symlink with a target that
// would lead out of the preopen, or a hard link or rename that would move a
// link to where its target does, fails with EPERM (as in wasmtime). Every
// call checks the WASI rights of its fd (ENOTCAPABLE when one is missing);
// a read-only preopen lacks every right that writes, creates, removes,
// renames, links, truncates or sets times, in itself and in everything
// opened beneath it. Every guest pointer and length is checked against the
// guest's memory (EFAULT when outside). Sockets are not offered (sock_* on
// a non-socket is ENOTSOCK); proc_raise is ENOSYS.
//
// A context holds host fds and the guest's fd table; one context serves one
// instance at a time (WASI has no threads here).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASI_H
#define KILN_WASI_H

#include "kiln/error.h"
#include "kiln/runtime.h"

#include <memory>
#include <string>
#include <vector>

namespace kiln {

struct WasiPreopen {
  std::string HostPath;  // a directory on the host
  std::string GuestPath; // the name the guest sees (e.g. "/data" or ".")
  /// The guest may read beneath it but change nothing (kiln run's
  /// --dir HOST::GUEST:ro).
  bool ReadOnly = false;
};

struct WasiConfig {
  std::vector<std::string> Args; // argv; Args[0] is the program's name
  std::vector<std::string> Env;  // "KEY=VALUE" strings
  std::vector<WasiPreopen> Preopens;
  /// Host fds that become the guest's 0, 1 and 2 (borrowed: never closed).
  /// -1 leaves that guest fd closed.
  int StdinFd = 0, StdoutFd = 1, StderrFd = 2;
  /// Path resolution: openat2(RESOLVE_BENEATH) where the kernel has it, or
  /// always the portable component walk (for tests of the fallback).
  bool ForcePortableResolve = false;
};

/// The state of one WASI program: arguments, environment, fd table.
class WasiContext;

/// Opens the pre-opened directories; fails naming one that is not a
/// directory or cannot be opened.
Expected<std::shared_ptr<WasiContext>> createWasiContext(WasiConfig Config);

/// Defines every wasi_snapshot_preview1 and wasi_unstable function into `L`,
/// bound to `Ctx`.
Error defineWasi(Linker &L, std::shared_ptr<WasiContext> Ctx);

/// True if the artifact imports anything from a WASI module.
bool importsWasi(const Module &M);

} // namespace kiln

#endif // KILN_WASI_H
