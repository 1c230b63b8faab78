//===- runtime/wasi/errno_map.h - Host errno to WASI errno ------*- C++ -*-===//
//
// Every failure a WASI call reports goes through hostErrno(): host errno
// values differ between architectures and libcs, WASI's do not, and a host
// code with no WASI meaning becomes EIO rather than leaking as a wrong code.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_WASI_ERRNO_MAP_H
#define KILN_RUNTIME_WASI_ERRNO_MAP_H

#include "wasi/wasi_abi.h"

namespace kiln::wasi {

/// The WASI errno for host errno `E` (EIO for codes WASI has no name for).
Errno fromHostErrno(int E);

/// fromHostErrno(errno), for use right after a failing call.
inline Errno lastHostErrno() { return fromHostErrno(errno); }

} // namespace kiln::wasi

#endif // KILN_RUNTIME_WASI_ERRNO_MAP_H
