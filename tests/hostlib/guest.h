//===- tests/hostlib/guest.h - The wasm test guest and references -*- C++ -*-===//
//
// Guest: hostlib_guest.kiln instantiated with defineHostlib(); put() copies
// inputs into its arena, call() runs t_<name>, get() reads results back.
// Also the random inputs and the comparison used by every test.
//
// Which artifact is run comes from the command line (main.cc), per memory
// mode: a path, or the reason this target has no such mode (armv7 has no
// guard mode). The full build's own artifacts are the defaults.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TESTS_HOSTLIB_GUEST_H
#define KILN_TESTS_HOSTLIB_GUEST_H

#include "kiln/hostlib.h"
#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace kiln::hostlib::test {

inline Value I(uint32_t V) { return Value::i32(V); }
inline Value F(float V) { return Value::f32Bits(std::bit_cast<uint32_t>(V)); }

enum class GuestMode { Guard, Bounds };

inline const char *modeName(GuestMode M) {
  switch (M) {
  case GuestMode::Guard:
    return "guard";
  case GuestMode::Bounds:
    return "bounds";
  }
  return "?";
}

/// gtest prints a mode (in test names and failures) by its name.
inline void PrintTo(GuestMode M, std::ostream *OS) { *OS << modeName(M); }

/// One memory mode's guest artifact: its path, or why there is none.
struct GuestArtifact {
  std::string Path;
  std::string Unavailable;
};

inline GuestArtifact &guestArtifact(GuestMode M) {
#ifdef KILN_HOSTLIB_GUEST_GUARD
  static GuestArtifact Guard{KILN_HOSTLIB_GUEST_GUARD, ""};
#else
  static GuestArtifact Guard;
#endif
#ifdef KILN_HOSTLIB_GUEST_BOUNDS
  static GuestArtifact Bounds{KILN_HOSTLIB_GUEST_BOUNDS, ""};
#else
  static GuestArtifact Bounds;
#endif
  return M == GuestMode::Guard ? Guard : Bounds;
}

/// The mode the value tests run the guest in: guard, unless this target has
/// none (then bounds-checked, the only mode such a target has). The trap
/// tests run every mode.
inline GuestMode primaryMode() {
  return guestArtifact(GuestMode::Guard).Unavailable.empty()
             ? GuestMode::Guard
             : GuestMode::Bounds;
}

/// Skips the current test, with the reason, if mode M is not available on
/// this target; a mode neither given nor declared unavailable is a failure.
#define KILN_REQUIRE_GUEST_MODE(M)                                             \
  do {                                                                         \
    const auto &A_ = ::kiln::hostlib::test::guestArtifact(M);                  \
    if (!A_.Unavailable.empty())                                               \
      GTEST_SKIP() << ::kiln::hostlib::test::modeName(M)                       \
                   << " mode not available: " << A_.Unavailable;               \
  } while (0)

class Guest {
public:
  explicit Guest(GuestMode Mode = primaryMode()) {
    const GuestArtifact &A = guestArtifact(Mode);
    if (A.Path.empty()) {
      ADD_FAILURE() << "no " << modeName(Mode)
                    << "-mode guest artifact: pass --guest-" << modeName(Mode)
                    << "=PATH or --no-guest-" << modeName(Mode) << "=REASON";
      return;
    }
    const char *Path = A.Path.c_str();
    std::ifstream In(Path, std::ios::binary);
    std::vector<uint8_t> Bytes((std::istreambuf_iterator<char>(In)),
                               std::istreambuf_iterator<char>());
    auto M = Module::load(Bytes);
    if (!M) {
      ADD_FAILURE() << "load " << Path << ": " << M.takeError().str();
      return;
    }
    Mod = *M;
    Linker L;
    if (Error E = defineHostlib(L)) {
      ADD_FAILURE() << E.str();
      return;
    }
    auto Inst = L.instantiate(*Mod);
    if (!Inst) {
      ADD_FAILURE() << "instantiate: " << Inst.takeError().str();
      return;
    }
    Ins = std::move(*Inst);
    Mem = Ins->exportOf("memory")->M;
    auto B = Ins->call("arena_base", {});
    auto S = Ins->call("arena_size", {});
    Base = (*B)[0].i32();
    Size = (*S)[0].i32();
    Next = Base;
  }
  bool ok() const { return Ins != nullptr; }

  uint8_t *mem() { return memoryData(*Mem); }
  uint64_t memBytes() { return memorySizeBytes(*Mem); }
  void reset() { Next = Base; }

  /// Reserves Bytes in the arena (64-byte aligned); returns the offset.
  uint32_t alloc(size_t Bytes) {
    uint32_t At = Next;
    Next += uint32_t((Bytes + 63) / 64 * 64);
    EXPECT_LE(Next, Base + Size) << "test arena exhausted";
    return At;
  }
  template <typename T> uint32_t put(const std::vector<T> &V) {
    uint32_t At = alloc(V.size() * sizeof(T));
    std::memcpy(mem() + At, V.data(), V.size() * sizeof(T));
    return At;
  }
  template <typename T> std::vector<T> get(uint32_t At, size_t N) {
    std::vector<T> V(N);
    std::memcpy(V.data(), mem() + At, N * sizeof(T));
    return V;
  }

  /// Calls t_<Name>; the error (a trap) or the results.
  Expected<std::vector<Value>> call(const std::string &Name,
                                    std::initializer_list<Value> Args) {
    return Ins->call("t_" + Name, Args);
  }
  /// Calls and expects success.
  std::vector<Value> run(const std::string &Name,
                         std::initializer_list<Value> Args) {
    auto R = call(Name, Args);
    if (!R) {
      ADD_FAILURE() << Name << ": " << R.takeError().str();
      return {};
    }
    return *R;
  }

private:
  std::shared_ptr<Module> Mod;
  std::unique_ptr<Instance> Ins;
  std::shared_ptr<Memory> Mem;
  uint32_t Base = 0, Size = 0, Next = 0;
};

inline std::vector<float> randomFloats(size_t N, uint32_t Seed,
                                       float Lo = -1.0f, float Hi = 1.0f) {
  std::mt19937 G(Seed);
  std::uniform_real_distribution<float> D(Lo, Hi);
  std::vector<float> V(N);
  for (float &X : V)
    X = D(G);
  return V;
}

inline std::vector<int8_t> randomI8(size_t N, uint32_t Seed) {
  std::mt19937 G(Seed);
  std::uniform_int_distribution<int> D(-128, 127);
  std::vector<int8_t> V(N);
  for (int8_t &X : V)
    X = int8_t(D(G));
  return V;
}

/// max_i |Got[i] - Ref[i]| <= Abs + Rel * max_i |Ref[i]|.
inline void expectClose(const std::vector<float> &Got,
                        const std::vector<double> &Ref, double Abs, double Rel,
                        const std::string &What) {
  ASSERT_EQ(Got.size(), Ref.size()) << What;
  double Scale = 0;
  for (double R : Ref)
    Scale = std::max(Scale, std::fabs(R));
  double Tol = Abs + Rel * Scale, Worst = 0;
  size_t At = 0;
  for (size_t K = 0; K < Got.size(); ++K) {
    double E = std::fabs(double(Got[K]) - Ref[K]);
    if (!(E <= Worst)) { // also catches NaN
      Worst = E;
      At = K;
    }
  }
  EXPECT_LE(Worst, Tol) << What << ": worst error at [" << At << "]: got "
                        << Got[At] << ", reference " << Ref[At];
}

} // namespace kiln::hostlib::test

#endif // KILN_TESTS_HOSTLIB_GUEST_H
