//===- tests/stress/call_hygiene.cc - No allocation or lock per call ------===//
//
//   kiln-call-hygiene CALL_HYGIENE.wasm [--bounds-checks] [--calls N]
//                     [--warmup N] [--warmup-ms MS]
//
// Real-time hygiene of the call path, measured (issue 17): in steady state a
// call into Wasm must not allocate, take a lock or make a system call. This
// program compiles call_hygiene.wat through the real compiler, loads it
// through the real verifier, and for each way of calling (below) makes
// warm-up calls (--warmup, 10,000, and for at least --warmup-ms, 100 ms),
// then --calls measured calls (10^6 by default), counting
// over exactly the measured calls, on the calling thread:
//
//  - heap allocations: global operator new/new[] (every overload) and, on
//    glibc, malloc/calloc/realloc/free and the memalign family are replaced
//    here by counting versions (forwarding to __libc_malloc & co.);
//  - locks: pthread_mutex_*lock, pthread_rwlock_*lock, pthread_cond_*wait
//    and pthread_spin_*lock are interposed (forwarding through
//    dlsym(RTLD_NEXT)).
//
// Each window starts with a self-check (one std::mutex lock, one operator
// new, one malloc) that must show up in the counters, proving that the
// interposers see what the runtime would do; it is then subtracted.
// System calls are counted by call_hygiene.sh, which runs this program under
// strace: each window is framed by a marker, write(-1, "kiln-hygiene:begin:
// TAG") and write(-1, "kiln-hygiene:end:TAG"), which fail with EBADF.
//
// The contract, as measured here:
//  - every typed path (TypedFunc operator(), TypedFunc::call with a
//    Deadline, an instance default deadline, epoch deadlines, Wasm -> host
//    calls of Linker::defineTyped functions) makes exactly 0 allocations,
//    0 frees and 0 locks over the whole window;
//  - Instance::call (the dynamic API) takes no lock either, but allocates its
//    result vector: at most 1 allocation per call is allowed and reported.
//    Real-time code should call through TypedFunc.
//
// Under ASan the allocation counters are compiled out (ASan owns malloc and
// operator new); those checks are printed and counted as skipped.
// The last line is "N passed, N failed, N skipped"; the exit status is 1 if
// any check failed.
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"
#include "kiln/runtime.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <iterator>
#include <mutex>
#include <new>
#include <pthread.h>
#include <string>
#include <unistd.h>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define HYGIENE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HYGIENE_ASAN 1
#endif
#endif

// Allocation counting replaces the C allocator's entry points, which needs
// glibc's __libc_* originals, and is left to ASan under ASan.
#if defined(__GLIBC__) && !defined(HYGIENE_ASAN)
#define HYGIENE_COUNT_ALLOCS 1
#endif

//===----------------------------------------------------------------------===//
// Counters
//===----------------------------------------------------------------------===//

namespace {
struct Counts {
  uint64_t Mallocs; // malloc-family allocations (operator new included)
  uint64_t Frees;   // free() of a non-null pointer (operator delete included)
  uint64_t News;    // operator new / new[], every overload
  uint64_t Locks;   // pthread mutex/rwlock/spin locks and condvar waits
  // Where the last lock and the last allocation were called from (return
  // addresses), so that a failure names the code.
  void *LastLockFrom;
  void *LastAllocFrom;

  Counts operator-(const Counts &O) const {
    return {Mallocs - O.Mallocs, Frees - O.Frees, News - O.News,
            Locks - O.Locks,     LastLockFrom,    LastAllocFrom};
  }
};
} // namespace

// The calling thread's counters: C-style TLS (no TLS wrapper, no
// allocation), written only while it measures.
static __thread bool Measuring;
static __thread Counts Mine;
// Other threads (the deadline watchdog, for one) during a window: reported,
// not asserted, since nothing they do is per call.
static std::atomic<bool> WindowOpen{false};
static std::atomic<uint64_t> OtherAllocs{0}, OtherLocks{0};

static inline void countOther(std::atomic<uint64_t> &C) {
  if (WindowOpen.load(std::memory_order_relaxed))
    C.fetch_add(1, std::memory_order_relaxed);
}

[[maybe_unused]] static inline void countMalloc(void *From) {
  if (Measuring) {
    ++Mine.Mallocs;
    Mine.LastAllocFrom = From;
  } else
    countOther(OtherAllocs);
}

[[maybe_unused]] static inline void countFree(void *P) {
  if (!P)
    return;
  if (Measuring)
    ++Mine.Frees;
  else
    countOther(OtherAllocs);
}

static inline void countLock(void *From) {
  if (Measuring) {
    ++Mine.Locks;
    Mine.LastLockFrom = From;
  } else
    countOther(OtherLocks);
}

//===----------------------------------------------------------------------===//
// The C allocator (glibc): every entry point counts, then forwards to glibc's
// own allocator, so memory from either side can be freed by the other.
//===----------------------------------------------------------------------===//

#ifdef HYGIENE_COUNT_ALLOCS
extern "C" {
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void __libc_free(void *);
void *__libc_memalign(size_t, size_t);
void *__libc_valloc(size_t);
void *__libc_pvalloc(size_t);

void *malloc(size_t N) noexcept {
  countMalloc(__builtin_return_address(0));
  return __libc_malloc(N);
}
void *calloc(size_t N, size_t Size) noexcept {
  countMalloc(__builtin_return_address(0));
  return __libc_calloc(N, Size);
}
void *realloc(void *P, size_t N) noexcept {
  countMalloc(__builtin_return_address(0));
  return __libc_realloc(P, N);
}
void *reallocarray(void *P, size_t N, size_t Size) noexcept {
  countMalloc(__builtin_return_address(0));
  if (Size && N > SIZE_MAX / Size) {
    errno = ENOMEM;
    return nullptr;
  }
  return __libc_realloc(P, N * Size);
}
void free(void *P) noexcept {
  countFree(P);
  __libc_free(P);
}
void *memalign(size_t Align, size_t N) noexcept {
  countMalloc(__builtin_return_address(0));
  return __libc_memalign(Align, N);
}
void *aligned_alloc(size_t Align, size_t N) noexcept {
  countMalloc(__builtin_return_address(0));
  return __libc_memalign(Align, N);
}
int posix_memalign(void **Out, size_t Align, size_t N) noexcept {
  countMalloc(__builtin_return_address(0));
  if (Align % sizeof(void *) || (Align & (Align - 1)))
    return EINVAL;
  void *P = __libc_memalign(Align, N);
  if (!P)
    return ENOMEM;
  *Out = P;
  return 0;
}
void *valloc(size_t N) noexcept {
  countMalloc(__builtin_return_address(0));
  return __libc_valloc(N);
}
void *pvalloc(size_t N) noexcept {
  countMalloc(__builtin_return_address(0));
  return __libc_pvalloc(N);
}
} // extern "C"
#endif // HYGIENE_COUNT_ALLOCS

//===----------------------------------------------------------------------===//
// Global operator new/delete, every replaceable overload.
//===----------------------------------------------------------------------===//

#ifdef HYGIENE_COUNT_ALLOCS
static void *newOrNull(size_t N, size_t Align, void *From) noexcept {
  if (!N)
    N = 1;
  void *P = nullptr;
  if (Align <= alignof(std::max_align_t))
    P = std::malloc(N);
  else if (posix_memalign(&P, Align, N))
    P = nullptr;
  if (Measuring) {
    ++Mine.News;
    Mine.LastAllocFrom = From;
  }
  return P;
}
static void *newOrDie(size_t N, size_t Align, void *From) {
  void *P = newOrNull(N, Align, From);
  if (!P) {
    std::fputs("kiln-call-hygiene: out of memory in operator new\n", stderr);
    std::abort();
  }
  return P;
}

void *operator new(size_t N) {
  return newOrDie(N, 0, __builtin_return_address(0));
}
void *operator new[](size_t N) {
  return newOrDie(N, 0, __builtin_return_address(0));
}
void *operator new(size_t N, std::align_val_t A) {
  return newOrDie(N, size_t(A), __builtin_return_address(0));
}
void *operator new[](size_t N, std::align_val_t A) {
  return newOrDie(N, size_t(A), __builtin_return_address(0));
}
void *operator new(size_t N, const std::nothrow_t &) noexcept {
  return newOrNull(N, 0, __builtin_return_address(0));
}
void *operator new[](size_t N, const std::nothrow_t &) noexcept {
  return newOrNull(N, 0, __builtin_return_address(0));
}
void *operator new(size_t N, std::align_val_t A,
                   const std::nothrow_t &) noexcept {
  return newOrNull(N, size_t(A), __builtin_return_address(0));
}
void *operator new[](size_t N, std::align_val_t A,
                     const std::nothrow_t &) noexcept {
  return newOrNull(N, size_t(A), __builtin_return_address(0));
}
void operator delete(void *P) noexcept { std::free(P); }
void operator delete[](void *P) noexcept { std::free(P); }
void operator delete(void *P, size_t) noexcept { std::free(P); }
void operator delete[](void *P, size_t) noexcept { std::free(P); }
void operator delete(void *P, std::align_val_t) noexcept { std::free(P); }
void operator delete[](void *P, std::align_val_t) noexcept { std::free(P); }
void operator delete(void *P, size_t, std::align_val_t) noexcept {
  std::free(P);
}
void operator delete[](void *P, size_t, std::align_val_t) noexcept {
  std::free(P);
}
void operator delete(void *P, const std::nothrow_t &) noexcept { std::free(P); }
void operator delete[](void *P, const std::nothrow_t &) noexcept {
  std::free(P);
}
void operator delete(void *P, std::align_val_t,
                     const std::nothrow_t &) noexcept {
  std::free(P);
}
void operator delete[](void *P, std::align_val_t,
                       const std::nothrow_t &) noexcept {
  std::free(P);
}
#endif // HYGIENE_COUNT_ALLOCS

//===----------------------------------------------------------------------===//
// Locks: counted, then forwarded to the next definition (libc, or a
// sanitizer's interceptor).
//===----------------------------------------------------------------------===//

template <typename Fn>
static Fn nextSymbol(std::atomic<void *> &Cache, const char *Name) {
  void *P = Cache.load(std::memory_order_acquire);
  if (!P) {
    P = dlsym(RTLD_NEXT, Name);
    if (!P) {
      std::fprintf(stderr,
                   "kiln-call-hygiene: dlsym(RTLD_NEXT, \"%s\") "
                   "found nothing\n",
                   Name);
      std::abort();
    }
    Cache.store(P, std::memory_order_release);
  }
  return reinterpret_cast<Fn>(P);
}

#define HYGIENE_NEXT(Name)                                                     \
  static std::atomic<void *> Next##Name{nullptr};                              \
  auto Real = nextSymbol<decltype(&Name)>(Next##Name, #Name)

extern "C" {
int pthread_mutex_lock(pthread_mutex_t *M) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_mutex_lock);
  return Real(M);
}
int pthread_mutex_trylock(pthread_mutex_t *M) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_mutex_trylock);
  return Real(M);
}
int pthread_mutex_timedlock(pthread_mutex_t *M,
                            const struct timespec *T) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_mutex_timedlock);
  return Real(M, T);
}
int pthread_mutex_clocklock(pthread_mutex_t *M, clockid_t C,
                            const struct timespec *T) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_mutex_clocklock);
  return Real(M, C, T);
}
int pthread_rwlock_rdlock(pthread_rwlock_t *L) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_rwlock_rdlock);
  return Real(L);
}
int pthread_rwlock_tryrdlock(pthread_rwlock_t *L) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_rwlock_tryrdlock);
  return Real(L);
}
int pthread_rwlock_timedrdlock(pthread_rwlock_t *L,
                               const struct timespec *T) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_rwlock_timedrdlock);
  return Real(L, T);
}
int pthread_rwlock_clockrdlock(pthread_rwlock_t *L, clockid_t C,
                               const struct timespec *T) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_rwlock_clockrdlock);
  return Real(L, C, T);
}
int pthread_rwlock_wrlock(pthread_rwlock_t *L) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_rwlock_wrlock);
  return Real(L);
}
int pthread_rwlock_trywrlock(pthread_rwlock_t *L) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_rwlock_trywrlock);
  return Real(L);
}
int pthread_rwlock_timedwrlock(pthread_rwlock_t *L,
                               const struct timespec *T) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_rwlock_timedwrlock);
  return Real(L, T);
}
int pthread_rwlock_clockwrlock(pthread_rwlock_t *L, clockid_t C,
                               const struct timespec *T) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_rwlock_clockwrlock);
  return Real(L, C, T);
}
int pthread_spin_lock(pthread_spinlock_t *L) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_spin_lock);
  return Real(L);
}
int pthread_spin_trylock(pthread_spinlock_t *L) noexcept {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_spin_trylock);
  return Real(L);
}
int pthread_cond_wait(pthread_cond_t *C, pthread_mutex_t *M) {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_cond_wait);
  return Real(C, M);
}
int pthread_cond_timedwait(pthread_cond_t *C, pthread_mutex_t *M,
                           const struct timespec *T) {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_cond_timedwait);
  return Real(C, M, T);
}
int pthread_cond_clockwait(pthread_cond_t *C, pthread_mutex_t *M,
                           clockid_t Clock, const struct timespec *T) {
  countLock(__builtin_return_address(0));
  HYGIENE_NEXT(pthread_cond_clockwait);
  return Real(C, M, Clock, T);
}
} // extern "C"

//===----------------------------------------------------------------------===//
// Measuring
//===----------------------------------------------------------------------===//

using namespace kiln;

/// What a window's self-check adds to the counters: one std::mutex lock,
/// and one operator new (which mallocs) and one malloc, each freed.
#ifdef HYGIENE_COUNT_ALLOCS
static constexpr Counts ProbeCounts = {2, 2, 1, 1, nullptr, nullptr};
#else
static constexpr Counts ProbeCounts = {0, 0, 0, 1, nullptr, nullptr};
#endif

static std::mutex ProbeMutex;
#ifdef HYGIENE_COUNT_ALLOCS
// Called through volatile pointers so that the compiler cannot drop the
// allocation/free pairs.
static void *(*volatile ProbeNew)(size_t) =
    static_cast<void *(*)(size_t)>(&::operator new);
static void (*volatile ProbeDelete)(void *) =
    static_cast<void (*)(void *)>(&::operator delete);
static void *(*volatile ProbeMalloc)(size_t) = &std::malloc;
static void (*volatile ProbeFree)(void *) = &std::free;
#endif

static void probe() {
  ProbeMutex.lock();
  ProbeMutex.unlock();
#ifdef HYGIENE_COUNT_ALLOCS
  ProbeDelete(ProbeNew(24));
  ProbeFree(ProbeMalloc(24));
#endif
}

/// Frames a window in an strace log: write(-1, ...) fails with EBADF and
/// does nothing else.
static void mark(const char *What, const char *Tag) {
  char Buf[96];
  int N = std::snprintf(Buf, sizeof(Buf), "kiln-hygiene:%s:%s", What, Tag);
  ssize_t R = write(-1, Buf, size_t(N));
  (void)R;
}

namespace {
struct Window {
  Counts Calls{};   // over the measured calls only
  Counts Probe{};   // what the self-check added
  uint64_t Bad = 0; // calls (warm-up included) that failed or were wrong
  double NsPerCall = 0;
  uint64_t OtherAllocs = 0, OtherLocks = 0;
};
} // namespace

/// Warms up (at least `Warmup` calls and `WarmupMs` of them: the first
/// deadline starts the runtime's watchdog thread, and until that thread has
/// planned its first wake-up, arming a deadline wakes it, which takes a
/// lock), then makes `Calls` measured calls of `Call` (which returns whether
/// the call succeeded with the right result).
template <typename Fn>
static Window measure(const char *Tag, uint64_t Calls, uint64_t Warmup,
                      uint64_t WarmupMs, Fn &&Call) {
  Window W;
  auto WarmEnd =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(WarmupMs);
  for (uint64_t I = 0; I < Warmup || std::chrono::steady_clock::now() < WarmEnd;
       ++I)
    W.Bad += !Call(I);
  OtherAllocs.store(0);
  OtherLocks.store(0);
  auto T0 = std::chrono::steady_clock::now();
  mark("begin", Tag);
  Mine = Counts{};
  WindowOpen.store(true);
  Measuring = true;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  probe();
  Counts AfterProbe = Mine;
  for (uint64_t I = 0; I < Calls; ++I)
    W.Bad += !Call(I);
  Counts End = Mine;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  Measuring = false;
  WindowOpen.store(false);
  mark("end", Tag);
  auto T1 = std::chrono::steady_clock::now();
  W.Probe = AfterProbe;
  W.Calls = End - AfterProbe;
  W.NsPerCall =
      Calls
          ? double(std::chrono::duration_cast<std::chrono::nanoseconds>(T1 - T0)
                       .count()) /
                double(Calls)
          : 0;
  W.OtherAllocs = OtherAllocs.load();
  W.OtherLocks = OtherLocks.load();
  return W;
}

static int Passed = 0, Failed = 0, Skipped = 0;

static void result(bool Ok, const std::string &What) {
  std::printf("%s %s\n", Ok ? "PASS" : "FAIL", What.c_str());
  ++(Ok ? Passed : Failed);
}

[[maybe_unused]] static void skip(const std::string &What) {
  std::printf("SKIP %s\n", What.c_str());
  ++Skipped;
}

// The kernels' sizes and the host function (single-threaded use).
static constexpr uint32_t HashWords = 64;
static constexpr uint32_t HostCallsPerCall = 8;
static uint32_t TickEvery =
    0; // host calls between incrementEpoch() calls; 0: never
static uint32_t HostCalls = 0;

static int32_t mix(int32_t X) { return int32_t(uint32_t(X) * 3u + 1u); }

static uint32_t expectedHash() {
  uint32_t H = 0x811c9dc5u;
  for (uint32_t I = 0; I < HashWords; ++I)
    H = (H ^ ((I + 1) * 0x9e3779b1u)) * 0x01000193u;
  return H;
}

static int32_t expectedHostLoop() {
  int32_t V = 0;
  for (uint32_t I = 0; I < HostCallsPerCall; ++I)
    V = mix(int32_t(uint32_t(V) + I));
  return V;
}

namespace {
struct Way {
  const char *Tag;
  const char *What;
  /// Part of the real-time contract: 0 allocations. Otherwise (the
  /// dynamic API) at most one per call, reported.
  bool ZeroAlloc;
  /// A known defect behind a failing lock check, or null.
  const char *KnownLockIssue;
  Window W;
};
} // namespace

/// "FILE+0xOFFSET (symbol)" for a return address: `addr2line -f -C -e FILE
/// 0xOFFSET` names the line (the runtime is linked into this program).
static std::string whereIs(void *Pc) {
  if (!Pc)
    return "?";
  Dl_info Info;
  char Buf[512];
  if (!dladdr(Pc, &Info) || !Info.dli_fname) {
    std::snprintf(Buf, sizeof(Buf), "%p", Pc);
    return Buf;
  }
  std::snprintf(
      Buf, sizeof(Buf), "%s+0x%zx%s%s%s", Info.dli_fname,
      size_t(static_cast<char *>(Pc) - static_cast<char *>(Info.dli_fbase)),
      Info.dli_sname ? " (" : "", Info.dli_sname ? Info.dli_sname : "",
      Info.dli_sname ? ")" : "");
  return Buf;
}

[[maybe_unused]] static std::string perCall(uint64_t N, uint64_t Calls) {
  char Buf[64];
  std::snprintf(Buf, sizeof(Buf), "%.2f", Calls ? double(N) / Calls : 0.0);
  return Buf;
}

int main(int Argc, char **Argv) {
  if (Argc < 2) {
    std::fprintf(stderr, "usage: kiln-call-hygiene FILE.wasm [--bounds-checks] "
                         "[--calls N] [--warmup N] [--warmup-ms MS]\n");
    return 2;
  }
  codegen::CompileOptions Opts;
  uint64_t Calls = 1000000, Warmup = 10000, WarmupMs = 100;
  for (int I = 2; I < Argc; ++I) {
    if (!std::strcmp(Argv[I], "--bounds-checks")) {
      Opts.Mode = MemoryMode::BoundsChecked;
    } else if (!std::strcmp(Argv[I], "--calls") && I + 1 < Argc) {
      Calls = std::strtoull(Argv[++I], nullptr, 10);
    } else if (!std::strcmp(Argv[I], "--warmup") && I + 1 < Argc) {
      Warmup = std::strtoull(Argv[++I], nullptr, 10);
    } else if (!std::strcmp(Argv[I], "--warmup-ms") && I + 1 < Argc) {
      WarmupMs = std::strtoull(Argv[++I], nullptr, 10);
    } else {
      std::fprintf(stderr, "kiln-call-hygiene: unknown argument '%s'\n",
                   Argv[I]);
      return 2;
    }
  }

  std::ifstream In(Argv[1], std::ios::binary);
  std::vector<uint8_t> Wasm((std::istreambuf_iterator<char>(In)), {});
  if (Wasm.empty()) {
    std::fprintf(stderr, "kiln-call-hygiene: cannot read %s\n", Argv[1]);
    return 1;
  }
  Expected<format::Artifact> Art = codegen::compileWasm(Wasm, Opts);
  if (!Art) {
    std::fprintf(stderr, "compile: %s\n", Art.takeError().str().c_str());
    return 1;
  }
  std::vector<uint8_t> Bytes = format::writeArtifact(*Art);
  Expected<std::shared_ptr<Module>> M = Module::load(Bytes);
  if (!M) {
    std::fprintf(stderr, "load: %s\n", M.takeError().str().c_str());
    return 1;
  }
  Linker L;
  L.defineTyped<int32_t(int32_t)>("host", "mix", [](int32_t X) {
    if (TickEvery && ++HostCalls % TickEvery == 0)
      incrementEpoch();
    return mix(X);
  });
  Expected<std::unique_ptr<Instance>> Inst = L.instantiate(**M);
  if (!Inst) {
    std::fprintf(stderr, "instantiate: %s\n", Inst.takeError().str().c_str());
    return 1;
  }
  Instance &I = **Inst;
  Expected<std::vector<Value>> Filled = I.call("fill", {Value::i32(HashWords)});
  auto Hash = TypedFunc<int32_t(int32_t)>::wrap(I, "hash");
  auto HostLoop = TypedFunc<int32_t(int32_t)>::wrap(I, "host_loop");
  if (!Filled || !Hash || !HostLoop) {
    std::fprintf(stderr, "setup: the module's exports do not work\n");
    return 1;
  }

  const uint32_t WantHash = expectedHash();
  const int32_t WantHost = expectedHostLoop();
  const auto Second = std::chrono::seconds(1);
  const Deadline Never = Deadline::afterEpochs(uint64_t(1) << 40);

  std::printf("kiln-call-hygiene: %s mode, %llu measured calls per way after "
              "at least %llu warm-up calls and %llu ms; hash over %u words "
              "of linear memory, host_loop of %u typed host calls\n",
              memoryModeName((*M)->memoryMode()), (unsigned long long)Calls,
              (unsigned long long)Warmup, (unsigned long long)WarmupMs,
              HashWords, HostCallsPerCall);

  probe(); // resolves the interposers' next symbols before any window

  // The wall-clock deadline ways come last: they wake the runtime's watchdog
  // thread, which then looks at its slots a few times a second until the
  // process ends, and call_hygiene.sh compares whole-process system call
  // totals of a short and a long run.
  std::vector<Way> Ways = {
      {"dynamic", "Instance::call(\"hash\", {n})", false, nullptr, {}},
      {"typed", "TypedFunc hash(n)", true, nullptr, {}},
      {"host-import",
       "TypedFunc host_loop(8): Wasm -> defineTyped host",
       true,
       nullptr,
       {}},
      {"epoch",
       "TypedFunc hash.call(afterEpochs), a tick per 1000 calls",
       true,
       nullptr,
       {}},
      {"epoch-ticks",
       "host_loop.call(afterEpochs), ticks inside the calls",
       true,
       nullptr,
       {}},
      {"dynamic-deadline",
       "Instance::call(\"hash\", {n}, after(1s))",
       false,
       nullptr,
       {}},
      {"typed-deadline",
       "TypedFunc hash.call(after(1s), n)",
       true,
       nullptr,
       {}},
      {"default-deadline",
       "TypedFunc hash(n), setDefaultDeadline(1s)",
       true,
       nullptr,
       {}},
  };
  auto Run = [&](Way &Wy, auto &&Call) {
    Wy.W = measure(Wy.Tag, Calls, Warmup, WarmupMs, Call);
  };

  Run(Ways[0], [&](uint64_t) {
    Expected<std::vector<Value>> R = I.call("hash", {Value::i32(HashWords)});
    return R && R->size() == 1 && (*R)[0].i32() == WantHash;
  });
  Run(Ways[1], [&](uint64_t) {
    Expected<int32_t> R = (*Hash)(HashWords);
    return R && uint32_t(*R) == WantHash;
  });
  Run(Ways[2], [&](uint64_t) {
    Expected<int32_t> R = (*HostLoop)(HostCallsPerCall);
    return R && *R == WantHost;
  });
  Run(Ways[3], [&](uint64_t K) {
    if (K % 1000 == 999)
      incrementEpoch(); // between calls: no call is bound, nothing flagged
    Expected<int32_t> R = Hash->call(Never, HashWords);
    return R && uint32_t(*R) == WantHash;
  });
  // A tick every 4th host call: every call sees its context flagged while
  // it runs, so the polls in host_loop take the InterruptCheck path and
  // decide to go on.
  TickEvery = 4;
  uint64_t EpochBefore = currentEpoch();
  Run(Ways[4], [&](uint64_t) {
    Expected<int32_t> R = HostLoop->call(Never, HostCallsPerCall);
    return R && *R == WantHost;
  });
  uint64_t Ticks = currentEpoch() - EpochBefore;
  TickEvery = 0;
  Run(Ways[5], [&](uint64_t) {
    Expected<std::vector<Value>> R =
        I.call("hash", {Value::i32(HashWords)}, Deadline::after(Second));
    return R && R->size() == 1 && (*R)[0].i32() == WantHash;
  });
  Run(Ways[6], [&](uint64_t) {
    Expected<int32_t> R = Hash->call(Deadline::after(Second), HashWords);
    return R && uint32_t(*R) == WantHash;
  });
  if (Error E = I.setDefaultDeadline(Deadline::after(Second))) {
    std::fprintf(stderr, "setDefaultDeadline: %s\n", E.str().c_str());
    return 1;
  }
  Run(Ways[7], [&](uint64_t) {
    Expected<int32_t> R = (*Hash)(HashWords);
    return R && uint32_t(*R) == WantHash;
  });
  if (Error E = I.setDefaultDeadline(Deadline::none())) {
    std::fprintf(stderr, "setDefaultDeadline: %s\n", E.str().c_str());
    return 1;
  }

  std::printf("\n%-17s %-56s %8s %9s %9s %9s %9s\n", "way", "call", "ns/call",
              "allocs", "frees", "new", "locks");
  for (const Way &Wy : Ways)
    std::printf("%-17s %-56s %8.1f %9llu %9llu %9llu %9llu\n", Wy.Tag, Wy.What,
                Wy.W.NsPerCall, (unsigned long long)Wy.W.Calls.Mallocs,
                (unsigned long long)Wy.W.Calls.Frees,
                (unsigned long long)Wy.W.Calls.News,
                (unsigned long long)Wy.W.Calls.Locks);
#ifndef HYGIENE_COUNT_ALLOCS
  std::printf("(allocations not counted in this build: %s)\n",
#ifdef HYGIENE_ASAN
              "ASan owns malloc and operator new"
#else
              "not glibc"
#endif
  );
#endif
#ifdef HYGIENE_ASAN
  // For call_hygiene.sh: ASan's allocator maps memory while its quarantine
  // of freed blocks fills, so a way that allocates makes system calls here
  // that it does not make with glibc's allocator.
  std::printf("syscall-exempt:");
  for (const Way &Wy : Ways)
    if (!Wy.ZeroAlloc)
      std::printf(" %s", Wy.Tag);
  std::printf(" (they allocate, and ASan's allocator maps memory as its "
              "quarantine fills)\n");
#endif
  uint64_t OtherA = 0, OtherL = 0;
  for (const Way &Wy : Ways) {
    OtherA += Wy.W.OtherAllocs;
    OtherL += Wy.W.OtherLocks;
  }
  std::printf("other threads during the windows (time-driven, e.g. the "
              "deadline watchdog; not asserted): %llu allocations/frees, %llu "
              "locks/waits\n",
              (unsigned long long)OtherA, (unsigned long long)OtherL);
  std::printf("epoch ticks inside epoch-ticks calls: %llu\n\n",
              (unsigned long long)Ticks);

  // The interposers must see what a window would do, in every window.
  bool ProbesSeen = true;
  for (const Way &Wy : Ways) {
    const Counts &P = Wy.W.Probe;
    if (P.Mallocs != ProbeCounts.Mallocs || P.Frees != ProbeCounts.Frees ||
        P.News != ProbeCounts.News || P.Locks != ProbeCounts.Locks) {
      ProbesSeen = false;
      std::printf("  %s: self-check counted %llu allocs, %llu frees, %llu "
                  "new, %llu locks; expected %llu, %llu, %llu, %llu\n",
                  Wy.Tag, (unsigned long long)P.Mallocs,
                  (unsigned long long)P.Frees, (unsigned long long)P.News,
                  (unsigned long long)P.Locks,
                  (unsigned long long)ProbeCounts.Mallocs,
                  (unsigned long long)ProbeCounts.Frees,
                  (unsigned long long)ProbeCounts.News,
                  (unsigned long long)ProbeCounts.Locks);
    }
  }
  result(ProbesSeen,
         "self-check: in every window the interposers saw one std::mutex "
         "lock" +
             std::string(ProbeCounts.News
                             ? ", one operator new and one malloc (each freed)"
                             : "") +
             ", subtracted from the counts");

  for (const Way &Wy : Ways) {
    const Window &W = Wy.W;
    std::string Name = std::string(Wy.Tag) + ": ";
    result(W.Bad == 0, Name + "every call returned the right result" +
                           (W.Bad ? " (" + std::to_string(W.Bad) + " did not)"
                                  : std::string()));
#ifdef HYGIENE_COUNT_ALLOCS
    uint64_t Heap = W.Calls.Mallocs + W.Calls.Frees + W.Calls.News;
    if (Wy.ZeroAlloc)
      result(Heap == 0, Name + std::to_string(W.Calls.Mallocs) +
                            " allocations, " + std::to_string(W.Calls.Frees) +
                            " frees, " + std::to_string(W.Calls.News) +
                            " operator new in " + std::to_string(Calls) +
                            " calls (must be 0)");
    else
      result(W.Calls.Mallocs <= Calls && W.Calls.Frees <= Calls,
             Name + std::to_string(W.Calls.Mallocs) + " allocations (" +
                 perCall(W.Calls.Mallocs, Calls) + " per call), " +
                 std::to_string(W.Calls.Frees) + " frees in " +
                 std::to_string(Calls) +
                 " calls: the result vector, at most 1 per call (the dynamic "
                 "API is not zero-allocation; use TypedFunc)");
    if (Heap)
      std::printf("     last allocation called from %s\n",
                  whereIs(W.Calls.LastAllocFrom).c_str());
#else
    skip(Name + "allocations not counted in this build");
#endif
    result(W.Calls.Locks == 0, Name + std::to_string(W.Calls.Locks) +
                                   " locks in " + std::to_string(Calls) +
                                   " calls (must be 0)");
    if (W.Calls.Locks)
      std::printf("     last lock called from %s\n",
                  whereIs(W.Calls.LastLockFrom).c_str());
    if (W.Calls.Locks && Wy.KnownLockIssue)
      std::printf("     %s\n", Wy.KnownLockIssue);
  }

  std::printf("%d passed, %d failed, %d skipped\n", Passed, Failed, Skipped);
  return Failed ? 1 : 0;
}
