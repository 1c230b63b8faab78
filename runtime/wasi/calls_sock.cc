//===- runtime/wasi/calls_sock.cc - sock_* calls --------------------------===//
//
// Kiln opens no sockets for a guest; one can only come from the embedder
// (a socket as stdin, say). On any other fd these calls say ENOTSOCK, as
// Linux does, before the rights check: a file has no socket rights, and
// "not a socket" is the truer answer than "not capable".
//
//===----------------------------------------------------------------------===//

#include "wasi/calls.h"

#include "wasi/errno_map.h"

#include <sys/socket.h>

namespace kiln::wasi {

static bool isSocket(const FdEntry &E) {
  return E.Type == FileType::SocketStream || E.Type == FileType::SocketDgram;
}

/// The socket in argument 0 with right `Needed`, or why not.
static Errno socketArg(WasiCall &C, uint64_t Needed, FdEntry *&E) {
  E = C.fd(0);
  if (!E)
    return Errno::BadF;
  if (!isSocket(*E))
    return Errno::NotSock;
  return E->has(Needed) ? Errno::Success : Errno::NotCapable;
}

// Accepting, receiving and sending on a host-given socket are not offered.
Errno sockAccept(WasiCall &C) {
  FdEntry *E;
  Errno Er = socketArg(C, RightSockAccept, E);
  return Er == Errno::Success ? Errno::NotSup : Er;
}
Errno sockRecv(WasiCall &C) {
  FdEntry *E;
  Errno Er = socketArg(C, RightFdRead, E);
  return Er == Errno::Success ? Errno::NotSup : Er;
}
Errno sockSend(WasiCall &C) {
  FdEntry *E;
  Errno Er = socketArg(C, RightFdWrite, E);
  return Er == Errno::Success ? Errno::NotSup : Er;
}

Errno sockShutdown(WasiCall &C) {
  FdEntry *E;
  if (Errno Er = socketArg(C, RightSockShutdown, E); Er != Errno::Success)
    return Er;
  static constexpr uint32_t ShutRd = 1, ShutWr = 2; // sdflags
  uint32_t How = C.u32(1);
  if (How == 0 || (How & ~(ShutRd | ShutWr)))
    return Errno::Inval;
  int HostHow = How == (ShutRd | ShutWr) ? SHUT_RDWR
                : How == ShutRd          ? SHUT_RD
                                         : SHUT_WR;
  return ::shutdown(E->Fd.get(), HostHow) == 0 ? Errno::Success
                                               : lastHostErrno();
}

} // namespace kiln::wasi
