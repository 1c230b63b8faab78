//===- runtime/wasi/iovec.h - Guest iovec arrays to host iovecs -*- C++ -*-===//
#ifndef KILN_RUNTIME_WASI_IOVEC_H
#define KILN_RUNTIME_WASI_IOVEC_H

#include "wasi/guest_memory.h"
#include "wasi/wasi_abi.h"

#include <sys/uio.h>
#include <vector>

namespace kiln::wasi {

/// Converts `Count` guest iovecs at `Ptr` to host iovecs, checking the array
/// and every buffer against guest memory. A list longer than the host's
/// IOV_MAX, or adding up to more than one read/write can move, is cut short:
/// readv/writev may transfer less than asked, and guests loop.
Errno gatherIovecs(const GuestMemory &Mem, uint32_t Ptr, uint32_t Count,
                   std::vector<struct iovec> &Out);

} // namespace kiln::wasi

#endif // KILN_RUNTIME_WASI_IOVEC_H
