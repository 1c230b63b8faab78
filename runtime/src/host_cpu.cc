//===- runtime/src/host_cpu.cc - What the running CPU can execute ---------===//

#include "kiln/host_cpu.h"

#include <cstdint>
#include <iterator>

#if defined(__x86_64__)
#include <cpuid.h>
#elif defined(__linux__)
#include <sys/auxv.h>
#endif
#if defined(__riscv) && defined(__linux__)
#include <csetjmp>
#include <csignal>
#include <mutex>
#endif

namespace kiln {

namespace {
struct FeatureRow {
  Arch A;
  const char *Name;
  const char *Description;
};
constexpr FeatureRow Rows[] = {
#define KILN_CPU_FEATURE(A, Name, Description) {Arch::A, Name, Description},
#include "kiln/cpu_features.def"
};
} // namespace

const char *cpuFeatureDescription(Arch A, std::string_view Name) {
  for (const FeatureRow &R : Rows)
    if (R.A == A && Name == R.Name)
      return R.Description;
  return nullptr;
}

std::string allCpuFeatures(Arch A) {
  std::string L;
  for (const FeatureRow &R : Rows)
    if (R.A == A)
      L += std::string(L.empty() ? "+" : ",+") + R.Name;
  return L;
}

#if defined(__x86_64__)

namespace {
struct CpuidWords {
  uint32_t L1Ecx = 0, Ext1Ecx = 0;
  uint32_t L7Ebx = 0, L7Ecx = 0, L7Edx = 0, L71Eax = 0, L71Edx = 0;
  uint64_t Xcr0 = 0; // the register state the OS saves; 0 without OSXSAVE
};

CpuidWords readCpuid() {
  CpuidWords W;
  unsigned A, B, C, D;
  if (__get_cpuid(1, &A, &B, &C, &D))
    W.L1Ecx = C;
  if (__get_cpuid(0x80000001, &A, &B, &C, &D))
    W.Ext1Ecx = C;
  if (__get_cpuid_count(7, 0, &A, &B, &C, &D)) {
    W.L7Ebx = B;
    W.L7Ecx = C;
    W.L7Edx = D;
    if (A >= 1 && __get_cpuid_count(7, 1, &A, &B, &C, &D)) {
      W.L71Eax = A;
      W.L71Edx = D;
    }
  }
  if (W.L1Ecx & (1u << 27)) { // OSXSAVE: xgetbv is allowed
    uint32_t Lo, Hi;
    __asm__ volatile("xgetbv" : "=a"(Lo), "=d"(Hi) : "c"(0));
    W.Xcr0 = uint64_t(Hi) << 32 | Lo;
  }
  return W;
}

bool bit(uint32_t Word, unsigned N) { return (Word >> N) & 1; }
} // namespace

std::optional<bool> hostHasCpuFeature(std::string_view Name) {
  static const CpuidWords W = readCpuid();
  // A vector extension is usable only if the OS saves its registers.
  bool AvxState = (W.Xcr0 & 0x6) == 0x6;              // XMM, YMM
  bool Avx512State = AvxState && (W.Xcr0 & 0xe0) == 0xe0; // opmask, ZMM
  bool ApxState = (W.Xcr0 >> 19) & 1;                  // r16-r31
  struct Rule {
    const char *Name;
    bool Has;
  };
  const Rule Rules[] = {
      {"sse3", bit(W.L1Ecx, 0)},
      {"ssse3", bit(W.L1Ecx, 9)},
      {"sse4.1", bit(W.L1Ecx, 19)},
      {"sse4.2", bit(W.L1Ecx, 20)},
      {"popcnt", bit(W.L1Ecx, 23)},
      {"cx16", bit(W.L1Ecx, 13)},
      {"sahf", bit(W.Ext1Ecx, 0)},
      {"lzcnt", bit(W.Ext1Ecx, 5)},
      {"bmi", bit(W.L7Ebx, 3)},
      {"bmi2", bit(W.L7Ebx, 8)},
      {"movbe", bit(W.L1Ecx, 22)},
      {"avx", AvxState && bit(W.L1Ecx, 28)},
      {"avx2", AvxState && bit(W.L7Ebx, 5)},
      {"fma", AvxState && bit(W.L1Ecx, 12)},
      {"f16c", AvxState && bit(W.L1Ecx, 29)},
      {"gfni", bit(W.L7Ecx, 8)},
      {"avxvnni", AvxState && bit(W.L71Eax, 4)},
      {"avxifma", AvxState && bit(W.L71Eax, 23)},
      {"avxvnniint8", AvxState && bit(W.L71Edx, 4)},
      {"avxvnniint16", AvxState && bit(W.L71Edx, 10)},
      {"avxneconvert", AvxState && bit(W.L71Edx, 5)},
      {"avx512f", Avx512State && bit(W.L7Ebx, 16)},
      {"avx512cd", Avx512State && bit(W.L7Ebx, 28)},
      {"avx512bw", Avx512State && bit(W.L7Ebx, 30)},
      {"avx512dq", Avx512State && bit(W.L7Ebx, 17)},
      {"avx512vl", Avx512State && bit(W.L7Ebx, 31)},
      {"avx512ifma", Avx512State && bit(W.L7Ebx, 21)},
      {"avx512vbmi", Avx512State && bit(W.L7Ecx, 1)},
      {"avx512vbmi2", Avx512State && bit(W.L7Ecx, 6)},
      {"avx512vnni", Avx512State && bit(W.L7Ecx, 11)},
      {"avx512bitalg", Avx512State && bit(W.L7Ecx, 12)},
      {"avx512vpopcntdq", Avx512State && bit(W.L7Ecx, 14)},
      {"avx512bf16", Avx512State && bit(W.L71Eax, 5)},
      {"avx512fp16", Avx512State && bit(W.L7Edx, 23)},
      // APX is one CPUID bit (APX_F) for all of its parts.
      {"egpr", ApxState && bit(W.L71Edx, 21)},
      {"ndd", ApxState && bit(W.L71Edx, 21)},
      {"ppx", ApxState && bit(W.L71Edx, 21)},
      {"push2pop2", ApxState && bit(W.L71Edx, 21)},
      {"ccmp", ApxState && bit(W.L71Edx, 21)},
      {"nf", ApxState && bit(W.L71Edx, 21)},
      {"cf", ApxState && bit(W.L71Edx, 21)},
      {"zu", ApxState && bit(W.L71Edx, 21)},
  };
  for (const Rule &R : Rules)
    if (Name == R.Name)
      return R.Has;
  return std::nullopt;
}

#elif defined(__aarch64__) && defined(__linux__)

std::optional<bool> hostHasCpuFeature(std::string_view Name) {
  static const unsigned long Cap = getauxval(AT_HWCAP);
  static const unsigned long Cap2 = getauxval(AT_HWCAP2);
  auto Has = [](unsigned long Word, unsigned Bit) { return bool((Word >> Bit) & 1); };
  // Bit numbers from the kernel's arch/arm64/include/uapi/asm/hwcap.h.
  struct Rule {
    const char *Name;
    bool Has;
  };
  const Rule Rules[] = {
      {"fp-armv8", Has(Cap, 0)},
      {"neon", Has(Cap, 1)},
      {"lse", Has(Cap, 8)},
      {"fullfp16", Has(Cap, 9) && Has(Cap, 10)},
      {"rdm", Has(Cap, 12)},
      {"complxnum", Has(Cap, 14)},
      {"rcpc", Has(Cap, 15)},
      {"dotprod", Has(Cap, 20)},
      {"sve", Has(Cap, 22)},
      {"fp16fml", Has(Cap, 23)},
      {"sve2", Has(Cap2, 1)},
      {"fptoint", Has(Cap2, 8)},
      {"i8mm", Has(Cap2, 13)},
      {"bf16", Has(Cap2, 14)},
  };
  for (const Rule &R : Rules)
    if (Name == R.Name)
      return R.Has;
  return std::nullopt;
}

#elif defined(__arm__) && defined(__linux__)

std::optional<bool> hostHasCpuFeature(std::string_view Name) {
  static const unsigned long Cap = getauxval(AT_HWCAP);
  auto Has = [](unsigned Bit) { return bool((Cap >> Bit) & 1); };
  // Bit numbers from the kernel's arch/arm/include/uapi/asm/hwcap.h.
  struct Rule {
    const char *Name;
    bool Has;
  };
  const Rule Rules[] = {
      {"vfp2", Has(6)},  {"neon", Has(12)},      {"vfp3", Has(13)},
      {"vfp4", Has(16)}, {"hwdiv-arm", Has(17)}, {"d32", Has(19)},
  };
  for (const Rule &R : Rules)
    if (Name == R.Name)
      return R.Has;
  return std::nullopt;
}

#elif defined(__riscv) && defined(__linux__)

namespace {
// One instruction of each extension the hwcaps do not name, as raw words so
// that no assembler support is needed; each writes only t0 (or ft0).
sigjmp_buf ProbeJump;
void onProbeSigill(int) { siglongjmp(ProbeJump, 1); }

#define KILN_PROBE(Word)                                                       \
  [] { __asm__ volatile(".word " #Word ::: "t0", "ft0", "memory"); }
struct Probe {
  const char *Name;
  void (*Run)();
};
const Probe Probes[] = {
    {"v", KILN_PROBE(0xc22022f3)},      // csrr t0, vlenb
    {"zba", KILN_PROBE(0x2052a2b3)},    // sh1add t0, t0, t0
    {"zbb", KILN_PROBE(0x4052f2b3)},    // andn t0, t0, t0
    {"zbs", KILN_PROBE(0x285292b3)},    // bset t0, t0, t0
    {"zicond", KILN_PROBE(0x0e52d2b3)}, // czero.eqz t0, t0, t0
    {"zfa", KILN_PROBE(0xf0100053)},    // fli.s ft0, min
};
#undef KILN_PROBE

/// Runs `P` with SIGILL caught: whether the CPU (and the kernel, which
/// keeps V off until it can save the vector state) executes it. Done once
/// per extension, at the first load, under a process-wide lock; a SIGILL
/// another thread raised meanwhile would be taken for the probe's.
bool executes(const Probe &P) {
  struct sigaction Catch = {}, Old = {};
  Catch.sa_handler = onProbeSigill;
  sigemptyset(&Catch.sa_mask);
  Catch.sa_flags = SA_NODEFER;
  if (sigaction(SIGILL, &Catch, &Old) != 0)
    return false;
  bool Ok = false;
  if (sigsetjmp(ProbeJump, 1) == 0) {
    P.Run();
    Ok = true;
  }
  sigaction(SIGILL, &Old, nullptr);
  return Ok;
}
} // namespace

std::optional<bool> hostHasCpuFeature(std::string_view Name) {
  if (Name.size() == 1 && Name[0] >= 'a' && Name[0] <= 'z' && Name != "v") {
    static const unsigned long Cap = getauxval(AT_HWCAP);
    return bool((Cap >> (Name[0] - 'a')) & 1);
  }
  static std::once_flag Once;
  static bool Has[std::size(Probes)];
  std::call_once(Once, [] {
    for (size_t I = 0; I < std::size(Probes); ++I)
      Has[I] = executes(Probes[I]);
  });
  for (size_t I = 0; I < std::size(Probes); ++I)
    if (Name == Probes[I].Name)
      return Has[I];
  return std::nullopt;
}

#else

std::optional<bool> hostHasCpuFeature(std::string_view) { return std::nullopt; }

#endif

const std::string &hostCpuFeatures() {
  static const std::string List = [] {
    std::string L;
    for (const FeatureRow &R : Rows)
      if (R.A == hostArch() && hostHasCpuFeature(R.Name).value_or(false))
        L += std::string(L.empty() ? "+" : ",+") + R.Name;
    return L;
  }();
  return List;
}

} // namespace kiln
