//===- runtime/wasi/calls.h - The WASI function handlers --------*- C++ -*-===//
//
// Each handler gets the call's arguments, the caller's memory (checked
// access only) and the context, and returns the WASI errno. Handlers never
// trust a guest value: fds go through the FdTable, pointers through
// GuestMemory, paths through sandbox_path.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_WASI_CALLS_H
#define KILN_RUNTIME_WASI_CALLS_H

#include "kiln/runtime.h"
#include "wasi/context.h"
#include "wasi/guest_memory.h"
#include "wasi/wasi_abi.h"

#include <span>
#include <time.h>

namespace kiln::wasi {

struct WasiCall {
  WasiContext &Ctx;
  GuestMemory Mem;
  std::span<const Value> Args;
  bool Unstable; // called through wasi_unstable

  uint32_t u32(size_t I) const { return Args[I].i32(); }
  uint64_t u64(size_t I) const { return Args[I].i64(); }
  /// The entry for the guest fd in argument I, or null.
  FdEntry *fd(size_t I) const { return Ctx.Fds.get(u32(I)); }
};

using WasiHandler = Errno (*)(WasiCall &);

#define KILN_WASI_CALL(Name, Params, Handler) Errno Handler(WasiCall &C);
#include "wasi/calls.def"

/// Writes a filestat for `St` (a struct stat) in the ABI the call uses.
Errno storeFilestat(const WasiCall &C, uint32_t Ptr, const void *St);

/// fstflags and the two times to utimensat/futimens timespecs.
Errno timesFromFlags(uint64_t Atim, uint64_t Mtim, uint32_t Flags,
                     struct timespec Ts[2]);

/// Host timespec fields to WASI nanoseconds, saturating.
uint64_t toNanos(int64_t Sec, int64_t Nsec);

/// The host clock for a WASI clock id; false for an unknown id.
bool hostClock(uint32_t Id, clockid_t &Out);

} // namespace kiln::wasi

#endif // KILN_RUNTIME_WASI_CALLS_H
