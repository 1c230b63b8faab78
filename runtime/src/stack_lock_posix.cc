//===- runtime/src/stack_lock_posix.cc - A call stack locked in RAM -------===//
//
// kiln::lockStackInRam: the pages a call will use below the current frame
// are allocated on the stack (so the main thread's growable stack mapping
// covers them), written once, and locked, so that a real-time call takes
// no page fault on its stack.
//
//===----------------------------------------------------------------------===//

#include "kiln/runtime.h"
#include "src/signals_posix.h"

#include <alloca.h>
#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace kiln {

[[gnu::noinline]] static int touchAndLock(size_t Bytes) {
  auto *Area = static_cast<volatile uint8_t *>(alloca(Bytes));
  size_t Page = size_t(sysconf(_SC_PAGESIZE));
  for (size_t At = 0; At < Bytes; At += Page)
    Area[At] = 0;
  auto Begin = reinterpret_cast<uintptr_t>(Area) & ~(uintptr_t(Page) - 1);
  auto End = reinterpret_cast<uintptr_t>(Area) + Bytes;
  return mlock(reinterpret_cast<void *>(Begin), End - Begin) ? errno : 0;
}

Error lockStackInRam(size_t Bytes) {
  rt::ensureThreadReady();
  const rt::ThreadCallState &T = rt::CurrentThreadCallState;
  auto Sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  // Leave room below the locked area for what runs at the bottom of a call
  // (host functions, the trap path): a quarter of the stack, as callWasm.
  if (T.StackLow && (Sp < T.StackLow || Sp - T.StackLow < Bytes + T.StackSize / 4))
    return Error::make(ErrorKind::Usage,
                       formatString("cannot lock %zu bytes of this thread's "
                                    "stack: only %zu bytes of it are left",
                                    Bytes, size_t(Sp - T.StackLow)));
  if (int E = touchAndLock(Bytes))
    return Error::make(ErrorKind::Unsupported,
                       formatString("cannot lock %zu bytes of stack in RAM: "
                                    "%s (raise RLIMIT_MEMLOCK, ulimit -l, or "
                                    "run with CAP_IPC_LOCK)",
                                    Bytes, std::strerror(E)));
  return Error::success();
}

} // namespace kiln
