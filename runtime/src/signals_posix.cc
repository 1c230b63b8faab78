//===- runtime/src/signals_posix.cc - Faults in generated code ------------===//
//
// The handler runs on a per-thread alternate stack (so a fault with an
// exhausted stack still gets a frame) and only reads: the faulting PC from
// the ucontext, this thread's innermost activation (a TLS pointer) and the
// code-range registry (atomics). A fault is Kiln's only if the PC is in
// generated code *and* the thread is inside a call into Wasm; then it
// becomes a trap. Anything else goes to the handler that was installed
// before Kiln's, or, if that was the default action, the default action is
// restored and the fault happens again, so a real host crash still crashes
// (with the right signal and a core dump).
//
// SA_NODEFER: the signal stays unblocked inside the handler, so leaving it
// with siglongjmp needs no signal-mask restore and activations can use the
// cheap sigsetjmp(env, 0) (see ActivationsSaveSignalMask for the exception).
//
//===----------------------------------------------------------------------===//

#include "src/signals_posix.h"

#include "src/code_registry.h"
#include "src/trap.h"

#include <csignal>
#include <cstddef>
#include <mutex>
#include <pthread.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

namespace kiln::rt {

static constexpr int HandledSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
static constexpr size_t NumHandled = std::size(HandledSignals);
static struct sigaction Previous[NumHandled]; // what was installed before

static constexpr size_t AltStackBytes = 64 * 1024;

// Constant-initialized, so the handler may read this thread's stack bounds.
__thread ThreadCallState CurrentThreadCallState = {false, 0, 0};

static uintptr_t faultingPc(void *UContext) {
  auto *U = static_cast<ucontext_t *>(UContext);
#if defined(__x86_64__)
  return uintptr_t(U->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return uintptr_t(U->uc_mcontext.pc);
#elif defined(__arm__)
  return uintptr_t(U->uc_mcontext.arm_pc);
#elif defined(__riscv)
  return uintptr_t(U->uc_mcontext.__gregs[REG_PC]);
#else
#error "faultingPc: unsupported architecture"
#endif
}

/// The faulting frame's frame pointer and stack pointer: where the Wasm
/// backtrace starts, and the lowest live stack address it may read.
static void faultingFrame(void *UContext, uintptr_t &Fp, uintptr_t &Sp) {
  auto *U = static_cast<ucontext_t *>(UContext);
#if defined(__x86_64__)
  Fp = uintptr_t(U->uc_mcontext.gregs[REG_RBP]);
  Sp = uintptr_t(U->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  Fp = uintptr_t(U->uc_mcontext.regs[29]);
  Sp = uintptr_t(U->uc_mcontext.sp);
#elif defined(__arm__)
  Fp = uintptr_t(U->uc_mcontext.arm_fp);
  Sp = uintptr_t(U->uc_mcontext.arm_sp);
#elif defined(__riscv)
  Fp = uintptr_t(U->uc_mcontext.__gregs[8]); // s0/fp
  Sp = uintptr_t(U->uc_mcontext.__gregs[2]); // sp
#endif
}

static TrapCode trapForSignal(int Sig, const siginfo_t *Info) {
  switch (Sig) {
  case SIGFPE:
    return Info->si_code == FPE_INTOVF ? TrapCode::IntegerOverflow
                                       : TrapCode::IntegerDivideByZero;
  case SIGILL:
    // Wasm's unreachable is a call to the trap builtin, never an
    // undefined instruction: this is an instruction the CPU lacks.
    return TrapCode::IllegalInstruction;
  default: {
    // A fault just below the thread's stack is the native stack running
    // out (the prologue check should catch it first; this is the backstop
    // for calls into instances whose limit was not set).
    auto Addr = reinterpret_cast<uintptr_t>(Info->si_addr);
    uintptr_t StackLow = CurrentThreadCallState.StackLow;
    if (StackLow && Addr < StackLow + 64 * 1024 &&
        Addr + 1024 * 1024 >= StackLow)
      return TrapCode::StackOverflow;
    return TrapCode::MemoryOutOfBounds;
  }
  }
}

static void forwardSignal(int Sig, siginfo_t *Info, void *UContext) {
  size_t I = 0;
  while (I < NumHandled && HandledSignals[I] != Sig)
    ++I;
  const struct sigaction &P = Previous[I];
  if (P.sa_flags & SA_SIGINFO) {
    if (P.sa_sigaction) {
      P.sa_sigaction(Sig, Info, UContext);
      return;
    }
  } else if (P.sa_handler != SIG_DFL && P.sa_handler != SIG_IGN) {
    P.sa_handler(Sig);
    return;
  }
  // Default action: restore it and let the fault recur on return (a signal
  // sent with kill/raise does not recur by itself, so send it again).
  struct sigaction Dfl = {};
  Dfl.sa_handler = SIG_DFL;
  sigemptyset(&Dfl.sa_mask);
  sigaction(Sig, &Dfl, nullptr);
  if (Info->si_code <= 0)
    raise(Sig);
}

static void handleFault(int Sig, siginfo_t *Info, void *UContext) {
  uintptr_t Pc = faultingPc(UContext);
  Activation *A = currentActivation();
  if (A && codeRangeContains(Pc)) {
    uintptr_t Fp = 0, Sp = 0;
    faultingFrame(UContext, Fp, Sp);
    raiseTrapFromSignal(A, trapForSignal(Sig, Info), Pc, Fp, Sp);
  }
  forwardSignal(Sig, Info, UContext);
}

static void installHandlers() {
  for (size_t I = 0; I < NumHandled; ++I) {
    struct sigaction SA = {};
    SA.sa_sigaction = handleFault;
    sigemptyset(&SA.sa_mask);
    SA.sa_flags = SA_SIGINFO | SA_ONSTACK;
    if (!ActivationsSaveSignalMask)
      SA.sa_flags |= SA_NODEFER;
    sigaction(HandledSignals[I], &SA, &Previous[I]);
  }
}

namespace {
/// The alternate signal stack Kiln gave this thread (if it had none).
struct AltStack {
  uint8_t *Mem = nullptr;
  size_t Bytes = 0;
  ~AltStack() {
    if (!Mem)
      return;
    stack_t Cur = {};
    if (sigaltstack(nullptr, &Cur) == 0 && Cur.ss_sp == Mem + pageBytes()) {
      stack_t Off = {};
      Off.ss_flags = SS_DISABLE;
      sigaltstack(&Off, nullptr);
    }
    munmap(Mem, Bytes);
  }
  static size_t pageBytes() {
    long P = sysconf(_SC_PAGESIZE);
    return P > 0 ? size_t(P) : 4096;
  }
};
} // namespace

static thread_local AltStack OwnAltStack;

static void installAltStack() {
  stack_t Cur = {};
  if (sigaltstack(nullptr, &Cur) == 0 && !(Cur.ss_flags & SS_DISABLE) &&
      Cur.ss_size >= AltStackBytes)
    return; // the embedder (or a sanitizer) gave this thread one already
  size_t Page = AltStack::pageBytes();
  size_t Bytes = AltStackBytes + Page; // plus a guard page below
  void *Mem = mmap(nullptr, Bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (Mem == MAP_FAILED)
    return; // faults with an exhausted stack then kill the process
  auto *Base = static_cast<uint8_t *>(Mem);
  mprotect(Base, Page, PROT_NONE);
  stack_t New = {};
  New.ss_sp = Base + Page;
  New.ss_size = AltStackBytes;
  New.ss_flags = 0;
  if (sigaltstack(&New, nullptr) != 0) {
    munmap(Mem, Bytes);
    return;
  }
  OwnAltStack.Mem = Base;
  OwnAltStack.Bytes = Bytes;
}

static void learnStackBounds() {
  pthread_attr_t Attr;
  if (pthread_getattr_np(pthread_self(), &Attr) != 0)
    return;
  void *Addr = nullptr;
  size_t Size = 0;
  if (pthread_attr_getstack(&Attr, &Addr, &Size) == 0) {
    CurrentThreadCallState.StackLow = reinterpret_cast<uintptr_t>(Addr);
    CurrentThreadCallState.StackSize = Size;
  }
  pthread_attr_destroy(&Attr);
}

void prepareThread() {
  static std::once_flag Once;
  std::call_once(Once, installHandlers);
  installAltStack();
  learnStackBounds();
  CurrentThreadCallState.Ready = true;
}

} // namespace kiln::rt
