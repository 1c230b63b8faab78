//===- runtime/src/signals_posix.h - Faults in generated code ---*- C++ -*-===//
//
// The SIGSEGV/SIGBUS/SIGFPE/SIGILL handlers that turn a fault in generated
// code (a guard-page hit, above all) into a trap, and pass every other fault
// on to whatever handled it before, so real host crashes still crash.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_SIGNALS_POSIX_H
#define KILN_RUNTIME_SIGNALS_POSIX_H

#include <cstdint>

namespace kiln::rt {

#if defined(__SANITIZE_THREAD__)
#define KILN_THREAD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KILN_THREAD_SANITIZER 1
#endif
#endif

/// How the handler leaves for an activation. By default the handler runs
/// with SA_NODEFER (the signal is not blocked inside it), so siglongjmp needs
/// no mask restore and activations use the cheap sigsetjmp(env, 0), as
/// Wasmtime does. ThreadSanitizer loses track of handlers left that way
/// (the next fault hangs), so its builds block the signal in the handler and
/// save/restore the mask in every activation instead.
#ifdef KILN_THREAD_SANITIZER
inline constexpr bool ActivationsSaveSignalMask = true;
#else
inline constexpr bool ActivationsSaveSignalMask = false;
#endif

/// What every call into Wasm reads about its thread. C-style TLS (`__thread`,
/// constant-initialized), so the call path reads it directly instead of
/// through a TLS wrapper function.
struct ThreadCallState {
  bool Ready;
  /// Lowest usable address and size of this thread's stack (0 if unknown).
  uintptr_t StackLow, StackSize;
};
extern __thread ThreadCallState CurrentThreadCallState;

/// The first-call work of ensureThreadReady().
void prepareThread();

/// Before running generated code on this thread: installs the process-wide
/// handlers (once) and this thread's alternate signal stack (once per
/// thread), and learns the thread's stack bounds. One TLS read after the
/// first call.
inline void ensureThreadReady() {
  if (__builtin_expect(!CurrentThreadCallState.Ready, 0))
    prepareThread();
}

} // namespace kiln::rt

#endif // KILN_RUNTIME_SIGNALS_POSIX_H
