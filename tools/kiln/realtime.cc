//===- tools/kiln/realtime.cc - Real-time settings for kiln bench ---------===//

#include "tools/kiln/realtime.h"

#include <cerrno>
#include <cstring>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace kiln::cli {

Error pinToCpu(int Cpu) {
  long Cpus = ::sysconf(_SC_NPROCESSORS_CONF);
  if (Cpu < 0 || Cpu >= CPU_SETSIZE || (Cpus > 0 && Cpu >= Cpus))
    return Error::make(ErrorKind::Usage,
                       formatString("--cpu %d: this machine has CPUs 0..%ld",
                                    Cpu, Cpus - 1));
  cpu_set_t Set;
  CPU_ZERO(&Set);
  CPU_SET(Cpu, &Set);
  if (::sched_setaffinity(0, sizeof(Set), &Set) != 0)
    return Error::make(ErrorKind::Refused,
                       formatString("--cpu %d: cannot pin to CPU %d: %s (is "
                                    "it offline or outside this process's "
                                    "cpuset?)",
                                    Cpu, Cpu, std::strerror(errno)));
  return Error::success();
}

Error useFifoScheduling(int Priority) {
  int Lo = ::sched_get_priority_min(SCHED_FIFO);
  int Hi = ::sched_get_priority_max(SCHED_FIFO);
  if (Priority < Lo || Priority > Hi)
    return Error::make(ErrorKind::Usage,
                       formatString("--fifo %d: SCHED_FIFO priorities are "
                                    "%d..%d",
                                    Priority, Lo, Hi));
  sched_param P{};
  P.sched_priority = Priority;
  if (::sched_setscheduler(0, SCHED_FIFO, &P) == 0)
    return Error::success();
  int Err = errno;
  return Error::make(
      ErrorKind::Refused,
      formatString("--fifo %d: SCHED_FIFO refused: %s%s", Priority,
                   std::strerror(Err),
                   Err == EPERM ? " (needs root, CAP_SYS_NICE or an rtprio "
                                  "limit in /etc/security/limits.conf; in a "
                                  "container also --cap-add=SYS_NICE)"
                                : ""));
}

Error minimizeTimerSlack() {
  if (::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) != 0)
    return Error::make(ErrorKind::Refused,
                       formatString("cannot set the timer slack: %s",
                                    std::strerror(errno)));
  return Error::success();
}

Error lockAllMemory() {
  if (::mlockall(MCL_CURRENT | MCL_FUTURE) == 0)
    return Error::success();
  int Err = errno;
  return Error::make(
      ErrorKind::Refused,
      formatString("--mlock: mlockall refused: %s%s", std::strerror(Err),
                   Err == ENOMEM || Err == EPERM
                       ? " (raise the locked-memory limit, ulimit -l, or "
                         "run with CAP_IPC_LOCK)"
                       : ""));
}

} // namespace kiln::cli
