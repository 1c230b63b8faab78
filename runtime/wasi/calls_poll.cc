//===- runtime/wasi/calls_poll.cc - poll_oneoff ---------------------------===//
//
// Clock subscriptions become one timeout (the earliest deadline), fd
// subscriptions a poll(2) set. Regular files are always ready (as poll(2)
// says). A subscription the runtime can reject on its own (bad fd, bad
// clock) produces its event immediately instead of blocking.
//
//===----------------------------------------------------------------------===//
#define _FILE_OFFSET_BITS 64

#include "wasi/calls.h"

#include "wasi/errno_map.h"

#include <cerrno>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace kiln::wasi {

namespace {
struct Sub {
  uint64_t Userdata = 0;
  uint8_t Type = 0;
  // Clock: absolute deadline on the monotonic clock, in ns.
  uint64_t Deadline = 0;
  // Fd: index into the pollfd set, or an error to report at once.
  int PollIndex = -1;
  FdEntry *Entry = nullptr;
  Errno Err = Errno::Success;
};
} // namespace

static uint64_t nowNs(clockid_t Id) {
  struct timespec Ts;
  ::clock_gettime(Id, &Ts);
  return toNanos(Ts.tv_sec, Ts.tv_nsec);
}

/// A clock a subscription may wait on: CPU-time clocks cannot be.
static bool clockFor(uint32_t Id, clockid_t &Out) {
  return Id != ClockProcessCputime && Id != ClockThreadCputime &&
         hostClock(Id, Out);
}

/// Bytes readable now: the rest of a regular file, or what the kernel
/// buffers for a pipe or socket (0 when unknown).
static uint64_t readableBytes(int Fd) {
  struct stat St;
  if (::fstat(Fd, &St) == 0 && S_ISREG(St.st_mode)) {
    off_t Pos = ::lseek(Fd, 0, SEEK_CUR);
    return Pos >= 0 && St.st_size > Pos ? uint64_t(St.st_size - Pos) : 0;
  }
  int N = 0;
  return ::ioctl(Fd, FIONREAD, &N) == 0 && N > 0 ? uint64_t(N) : 0;
}

Errno pollOneoff(WasiCall &C) {
  uint32_t InPtr = C.u32(0), OutPtr = C.u32(1), N = C.u32(2),
           CountPtr = C.u32(3);
  if (N == 0)
    return Errno::Inval;
  uint32_t SubSize = C.Unstable ? layout::UnstableSubscriptionSize
                                : layout::SubscriptionSize;
  const uint8_t *In = C.Mem.array(InPtr, N, SubSize);
  uint8_t *Out = C.Mem.array(OutPtr, N, layout::EventSize);
  if (!In || !Out || !C.Mem.inBounds(CountPtr, 4))
    return Errno::Fault;

  std::vector<Sub> Subs(N);
  std::vector<struct pollfd> Pfds;
  uint64_t Mono = nowNs(CLOCK_MONOTONIC);
  uint64_t Earliest = UINT64_MAX;
  bool Immediate = false;
  for (uint32_t I = 0; I < N; ++I) {
    const uint8_t *S = In + uint64_t(I) * SubSize;
    Sub &X = Subs[I];
    X.Userdata = getField<uint64_t>(S, 0);
    X.Type = getField<uint8_t>(S, 8);
    if (X.Type == EventClock) {
      // preview1: id @16, timeout @24, flags @40; unstable has a u64
      // identifier first, moving them to 24, 32, 48.
      uint32_t Base = C.Unstable ? 24 : 16;
      uint32_t Id = getField<uint32_t>(S, Base);
      uint64_t Timeout = getField<uint64_t>(S, Base + 8);
      uint16_t Flags = getField<uint16_t>(S, Base + 24);
      clockid_t Host;
      if (!clockFor(Id, Host)) {
        X.Err = Errno::Inval;
        Immediate = true;
        continue;
      }
      uint64_t Rel = Timeout;
      if (Flags & SubclockAbstime) {
        uint64_t Now = nowNs(Host);
        Rel = Timeout > Now ? Timeout - Now : 0;
      }
      X.Deadline = Rel > UINT64_MAX - Mono ? UINT64_MAX : Mono + Rel;
      Earliest = std::min(Earliest, X.Deadline);
      continue;
    }
    if (X.Type != EventFdRead && X.Type != EventFdWrite) {
      X.Err = Errno::Inval;
      Immediate = true;
      continue;
    }
    X.Entry = C.Ctx.Fds.get(getField<uint32_t>(S, 16));
    if (!X.Entry) {
      X.Err = Errno::BadF;
      Immediate = true;
      continue;
    }
    if (!X.Entry->has(RightPollFdReadwrite)) { // as wasi-common checks
      X.Err = Errno::NotCapable;
      Immediate = true;
      continue;
    }
    X.PollIndex = int(Pfds.size());
    Pfds.push_back({X.Entry->Fd.get(),
                    short(X.Type == EventFdRead ? POLLIN : POLLOUT), 0});
  }

  // Wait for an fd, the earliest deadline, or nothing if an event is due.
  for (;;) {
    int TimeoutMs = -1;
    if (Immediate) {
      TimeoutMs = 0;
    } else if (Earliest != UINT64_MAX) {
      uint64_t Now = nowNs(CLOCK_MONOTONIC);
      uint64_t Left = Earliest > Now ? Earliest - Now : 0;
      uint64_t Ms = (Left + 999999) / 1000000; // never wake early
      TimeoutMs = Ms > INT32_MAX ? INT32_MAX : int(Ms);
    }
    int R;
    if (Pfds.empty()) {
      if (TimeoutMs != 0 && Earliest != UINT64_MAX) {
        // Sleep until the deadline itself (ns precision, restarts on EINTR).
        struct timespec Ts;
        Ts.tv_sec = time_t(Earliest / 1000000000ull);
        Ts.tv_nsec = long(Earliest % 1000000000ull);
        while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &Ts,
                                 nullptr) == EINTR) {
        }
      }
      R = 0;
    } else {
      R = ::poll(Pfds.data(), nfds_t(Pfds.size()), TimeoutMs);
      if (R < 0 && errno == EINTR)
        continue;
      if (R < 0)
        return lastHostErrno();
    }
    uint64_t Now = nowNs(CLOCK_MONOTONIC);
    bool ClockDue = Earliest != UINT64_MAX && Now >= Earliest;
    if (R > 0 || ClockDue || Immediate || (Pfds.empty() && Earliest == UINT64_MAX))
      break;
  }

  uint64_t Now = nowNs(CLOCK_MONOTONIC);
  uint32_t Count = 0;
  for (const Sub &X : Subs) {
    uint8_t Ev[layout::EventSize] = {};
    bool Fire = false;
    uint16_t Err = uint16_t(X.Err);
    uint64_t NBytes = 0;
    uint16_t RwFlags = 0;
    if (X.Err != Errno::Success) {
      Fire = true;
    } else if (X.Type == EventClock) {
      Fire = Now >= X.Deadline;
    } else {
      short Rev = Pfds[size_t(X.PollIndex)].revents;
      if (Rev & POLLNVAL) {
        Fire = true;
        Err = uint16_t(Errno::BadF);
      } else if (Rev & (POLLIN | POLLOUT | POLLHUP | POLLERR)) {
        Fire = true;
        if (Rev & POLLHUP)
          RwFlags |= EventFdReadwriteHangup;
        if (X.Type == EventFdRead)
          NBytes = readableBytes(X.Entry->Fd.get());
      }
    }
    if (!Fire)
      continue;
    putField<uint64_t>(Ev, 0, X.Userdata);
    putField<uint16_t>(Ev, 8, Err);
    putField<uint8_t>(Ev, 10, X.Type);
    putField<uint64_t>(Ev, 16, NBytes);
    putField<uint16_t>(Ev, 24, RwFlags);
    std::memcpy(Out + uint64_t(Count) * layout::EventSize, Ev, sizeof(Ev));
    ++Count;
  }
  C.Mem.store<uint32_t>(CountPtr, Count);
  return Errno::Success;
}

} // namespace kiln::wasi
