//===- runtime/wasi/context.cc - The state of one WASI program ------------===//
//
// Guest fds 0-2 are the configured stdio (borrowed host fds), 3.. the
// preopens in the order given: wasi-libc finds them by asking fd_prestat_get
// from 3 upwards until EBADF. A read-only preopen is an ordinary one whose
// rights, and the rights it passes on, lack every modifying right: the
// per-call rights checks then refuse every change beneath it.
//
//===----------------------------------------------------------------------===//

#include "wasi/context.h"

#include "wasi/symlink_target.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>

namespace kiln {

using namespace wasi;

static std::unique_ptr<FdEntry> stdioEntry(int HostFdNum) {
  auto E = std::make_unique<FdEntry>();
  E->Fd = HostFd::borrowed(HostFdNum);
  E->Type = fileTypeOf(HostFdNum);
  E->RightsBase = maxRightsFor(E->Type);
  // A regular file or pipe on stdin/stdout: no seek/tell rights for pipes
  // (fileTypeOf says Unknown), so wasi-libc treats them as streams.
  return E;
}

Expected<std::shared_ptr<WasiContext>> createWasiContext(WasiConfig Config) {
  auto Ctx = std::make_shared<WasiContext>();
  Ctx->Args = std::move(Config.Args);
  Ctx->Env = std::move(Config.Env);
  Ctx->Resolve =
      Config.ForcePortableResolve ? ResolveMode::Walk : ResolveMode::Auto;
  int Stdio[3] = {Config.StdinFd, Config.StdoutFd, Config.StderrFd};
  for (uint32_t I = 0; I < 3; ++I)
    if (Stdio[I] >= 0)
      Ctx->Fds.place(I, stdioEntry(Stdio[I]));
  uint32_t Next = 3;
  for (const WasiPreopen &P : Config.Preopens) {
    int Fd = ::open(P.HostPath.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (Fd < 0)
      return Error::make(ErrorKind::Io,
                         formatString("cannot pre-open directory '%s': %s",
                                      P.HostPath.c_str(), std::strerror(errno)));
    auto E = std::make_unique<FdEntry>();
    E->Fd = HostFd::owned(Fd);
    E->Type = FileType::Directory;
    uint64_t Keep = P.ReadOnly ? ~RightsModify : ~uint64_t(0);
    E->RightsBase = RightsDirOnly & Keep;
    E->RightsInheriting = RightsAll & Keep;
    E->IsPreopen = true;
    E->PreopenRoot = fileIdOf(Fd);
    E->PreopenName = P.GuestPath.empty() ? P.HostPath : P.GuestPath;
    Ctx->Fds.place(Next++, std::move(E));
  }
  return Ctx;
}

} // namespace kiln
