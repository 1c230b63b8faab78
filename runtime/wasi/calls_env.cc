//===- runtime/wasi/calls_env.cc - args, environ, clocks, random, sched ---===//

#include "wasi/calls.h"

#include "wasi/errno_map.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

namespace kiln::wasi {

/// argv/environ: count and total bytes (with NULs), checked to fit a u32.
static Errno sizesOf(const std::vector<std::string> &Strs, uint32_t &Count,
                     uint32_t &Bytes) {
  uint64_t Total = 0;
  for (const std::string &S : Strs)
    Total += uint64_t(S.size()) + 1;
  if (Strs.size() > UINT32_MAX || Total > UINT32_MAX)
    return Errno::Overflow;
  Count = uint32_t(Strs.size());
  Bytes = uint32_t(Total);
  return Errno::Success;
}

static Errno putSizes(WasiCall &C, const std::vector<std::string> &Strs) {
  uint32_t Count, Bytes;
  if (Errno E = sizesOf(Strs, Count, Bytes); E != Errno::Success)
    return E;
  if (!C.Mem.store(C.u32(0), Count) || !C.Mem.store(C.u32(1), Bytes))
    return Errno::Fault;
  return Errno::Success;
}

/// Writes the pointer array at u32(0) and the NUL-terminated strings at
/// u32(1), after checking both regions whole.
static Errno putStrings(WasiCall &C, const std::vector<std::string> &Strs) {
  uint32_t Count, Bytes;
  if (Errno E = sizesOf(Strs, Count, Bytes); E != Errno::Success)
    return E;
  uint32_t Ptrs = C.u32(0), Buf = C.u32(1);
  uint8_t *PtrMem = C.Mem.array(Ptrs, Count, 4);
  uint8_t *BufMem = C.Mem.span(Buf, Bytes);
  if (!PtrMem || !BufMem)
    return Errno::Fault;
  uint32_t Off = 0;
  for (uint32_t I = 0; I < Count; ++I) {
    const std::string &S = Strs[I];
    putField<uint32_t>(PtrMem, I * 4, Buf + Off);
    std::memcpy(BufMem + Off, S.data(), S.size());
    BufMem[Off + S.size()] = 0;
    Off += uint32_t(S.size()) + 1;
  }
  return Errno::Success;
}

Errno argsSizesGet(WasiCall &C) { return putSizes(C, C.Ctx.Args); }
Errno argsGet(WasiCall &C) { return putStrings(C, C.Ctx.Args); }
Errno environSizesGet(WasiCall &C) { return putSizes(C, C.Ctx.Env); }
Errno environGet(WasiCall &C) { return putStrings(C, C.Ctx.Env); }

uint64_t toNanos(int64_t Sec, int64_t Nsec) {
  if (Sec < 0)
    return 0;
  if (uint64_t(Sec) > (UINT64_MAX - uint64_t(Nsec)) / 1000000000ull)
    return UINT64_MAX;
  return uint64_t(Sec) * 1000000000ull + uint64_t(Nsec);
}

bool hostClock(uint32_t Id, clockid_t &Out) {
  switch (Id) {
  case ClockRealtime:
    Out = CLOCK_REALTIME;
    return true;
  case ClockMonotonic:
    Out = CLOCK_MONOTONIC;
    return true;
  case ClockProcessCputime:
    Out = CLOCK_PROCESS_CPUTIME_ID;
    return true;
  case ClockThreadCputime:
    Out = CLOCK_THREAD_CPUTIME_ID;
    return true;
  default:
    return false;
  }
}

Errno clockResGet(WasiCall &C) {
  clockid_t Id;
  if (!hostClock(C.u32(0), Id))
    return Errno::Inval;
  struct timespec Ts;
  if (::clock_getres(Id, &Ts) != 0)
    return lastHostErrno();
  if (!C.Mem.store<uint64_t>(C.u32(1), toNanos(Ts.tv_sec, Ts.tv_nsec)))
    return Errno::Fault;
  return Errno::Success;
}

Errno clockTimeGet(WasiCall &C) {
  clockid_t Id;
  if (!hostClock(C.u32(0), Id))
    return Errno::Inval;
  struct timespec Ts;
  if (::clock_gettime(Id, &Ts) != 0)
    return lastHostErrno();
  if (!C.Mem.store<uint64_t>(C.u32(2), toNanos(Ts.tv_sec, Ts.tv_nsec)))
    return Errno::Fault;
  return Errno::Success;
}

/// Fills Buf with random bytes: getrandom, or /dev/urandom if the kernel
/// lacks it. Never returns short.
static Errno fillRandom(uint8_t *Buf, size_t Len) {
  size_t Done = 0;
  while (Done < Len) {
    ssize_t N = ::getrandom(Buf + Done, Len - Done, 0);
    if (N > 0) {
      Done += size_t(N);
      continue;
    }
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0 && errno != ENOSYS)
      return lastHostErrno();
    int Fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (Fd < 0)
      return lastHostErrno();
    while (Done < Len) {
      ssize_t R = ::read(Fd, Buf + Done, Len - Done);
      if (R < 0 && errno == EINTR)
        continue;
      if (R <= 0) {
        ::close(Fd);
        return Errno::Io;
      }
      Done += size_t(R);
    }
    ::close(Fd);
  }
  return Errno::Success;
}

Errno randomGet(WasiCall &C) {
  uint8_t *Buf = C.Mem.span(C.u32(0), C.u32(1));
  if (!Buf)
    return Errno::Fault;
  return fillRandom(Buf, C.u32(1));
}

Errno schedYield(WasiCall &) {
  ::sched_yield();
  return Errno::Success;
}

// Signals to self would hit the host process, not the guest.
Errno procRaise(WasiCall &) { return Errno::NoSys; }

} // namespace kiln::wasi
