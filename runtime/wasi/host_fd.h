//===- runtime/wasi/host_fd.h - An owned or borrowed host fd -----*- C++ -*-===//
//
// Path calls work on directory fds that are sometimes opened for the call
// (closed when it ends) and sometimes the pre-opened directory itself
// (borrowed, never closed here). HostFd says which, so no path can leak or
// double-close an fd.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_WASI_HOST_FD_H
#define KILN_RUNTIME_WASI_HOST_FD_H

#include <unistd.h>

namespace kiln::wasi {

class HostFd {
public:
  HostFd() = default;
  static HostFd owned(int Fd) { return HostFd(Fd, true); }
  static HostFd borrowed(int Fd) { return HostFd(Fd, false); }
  HostFd(HostFd &&O) noexcept : Fd(O.Fd), Owned(O.Owned) { O.Fd = -1; }
  HostFd &operator=(HostFd &&O) noexcept {
    if (this != &O) {
      reset();
      Fd = O.Fd;
      Owned = O.Owned;
      O.Fd = -1;
    }
    return *this;
  }
  HostFd(const HostFd &) = delete;
  HostFd &operator=(const HostFd &) = delete;
  ~HostFd() { reset(); }

  int get() const { return Fd; }
  /// Gives up ownership: the caller closes the fd.
  int release() {
    int F = Fd;
    Fd = -1;
    return F;
  }
  void reset() {
    if (Fd >= 0 && Owned)
      ::close(Fd);
    Fd = -1;
  }

private:
  HostFd(int Fd, bool Owned) : Fd(Fd), Owned(Owned) {}
  int Fd = -1;
  bool Owned = false;
};

} // namespace kiln::wasi

#endif // KILN_RUNTIME_WASI_HOST_FD_H
