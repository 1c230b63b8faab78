//===- tests/unit/simd_lowering_test.cc - SimdLowering tests --------------===//
//
// Every register-only SIMD instruction (and every relaxed-SIMD one) is
// lowered into a tiny function, JIT compiled and run on edge-case and random
// inputs, and the result is compared lane by lane with a scalar reference
// written here from the spec's numerics chapter (and, for relaxed SIMD, the
// proposal's lists of permitted results). v128 values cross the JIT boundary
// through 16-byte buffers and scalars as raw bits in an i64, so no calling
// convention can touch a NaN payload.
//
// The SimdLoweringTest suite runs in several configurations: the generic
// lowering (IsX86 = false, the form every non-x86 target gets) and the x86
// lowering, each unoptimised at -O0 and through the -O2 pipeline, on the
// x86-64-v2 baseline Kiln targets, on the host CPU, and (generic only) on
// plain x86-64 with nothing beyond SSE2 and as built for 32-bit ARM. Relaxed
// instructions are checked against the exact choice each lowering documents
// and against the set the proposal permits. SimdLoweringConstants bakes
// operands in as constants so that LLVM's folders see them.
// SimdLoweringCodeQuality compiles for x86-64-v2 with a TargetMachine and
// checks the assembly for vector instructions and against per-lane
// scalarisation, and that the lowering selects on every Kiln target.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/simd.h"
#include "compiler/wasm/op_reader.h"
#include "compiler/wasm/opcode.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using kiln::codegen::SimdLowering;
using kiln::wasm::Instr;
using kiln::wasm::Op;
using kiln::wasm::OpCategory;
using kiln::wasm::OpType;

const char *name(Op O) { return kiln::wasm::opName(O); }
const kiln::wasm::OpInfo &info(Op O) { return kiln::wasm::opInfo(O); }

//===----------------------------------------------------------------------===//
// v128 values and lanes
//===----------------------------------------------------------------------===//

using V128 = std::array<uint8_t, 16>;

template <typename T> T ln(const V128 &V, unsigned I) {
  T X;
  std::memcpy(&X, V.data() + I * sizeof(T), sizeof(T));
  return X;
}
template <typename T> void put(V128 &V, unsigned I, T X) {
  std::memcpy(V.data() + I * sizeof(T), &X, sizeof(T));
}
template <typename T> constexpr unsigned lanesOf() { return 16 / sizeof(T); }

/// A vector whose lane I is F(I), F returning something convertible to T.
template <typename T, typename Fn> V128 build(Fn F) {
  V128 R{};
  for (unsigned I = 0; I < lanesOf<T>(); ++I)
    put<T>(R, I, T(F(I)));
  return R;
}
template <typename T, typename Fn> V128 map1(const V128 &A, Fn F) {
  return build<T>([&](unsigned I) { return F(ln<T>(A, I)); });
}
template <typename T, typename Fn> V128 map2(const V128 &A, const V128 &B, Fn F) {
  return build<T>([&](unsigned I) { return F(ln<T>(A, I), ln<T>(B, I)); });
}

std::string hex(const V128 &V) {
  std::string S = "0x";
  char Buf[4];
  for (unsigned I = 16; I-- > 0;) {
    std::snprintf(Buf, sizeof Buf, "%02x", V[I]);
    S += Buf;
  }
  return S;
}
std::string hex(uint64_t V) {
  char Buf[24];
  std::snprintf(Buf, sizeof Buf, "0x%" PRIx64, V);
  return Buf;
}

//===----------------------------------------------------------------------===//
// Bits of floats
//===----------------------------------------------------------------------===//

template <typename F> struct FloatBits;
template <> struct FloatBits<float> {
  using U = uint32_t;
  static constexpr U Sign = 0x80000000u, CanonNan = 0x7fc00000u,
                     Quiet = 0x00400000u;
};
template <> struct FloatBits<double> {
  using U = uint64_t;
  static constexpr U Sign = 0x8000000000000000ull,
                     CanonNan = 0x7ff8000000000000ull,
                     Quiet = 0x0008000000000000ull;
};
template <typename F> using UOf = typename FloatBits<F>::U;

template <typename F> F fl(UOf<F> B) { return std::bit_cast<F>(B); }
template <typename F> UOf<F> bits(F X) { return std::bit_cast<UOf<F>>(X); }
template <typename F> bool isNan(UOf<F> B) { return std::isnan(fl<F>(B)); }
template <typename F> bool isCanonicalNan(UOf<F> B) {
  return (B & ~FloatBits<F>::Sign) == FloatBits<F>::CanonNan;
}
template <typename F> bool isArithmeticNan(UOf<F> B) {
  return isNan<F>(B) && (B & FloatBits<F>::Quiet) != 0;
}

//===----------------------------------------------------------------------===//
// Expected results
//===----------------------------------------------------------------------===//

/// One acceptable value of a lane: exact bits, or any NaN of a class. The
/// spec lets float operations return any NaN of a class (nans_N): canonical
/// when every NaN operand was canonical (or there were none), arithmetic
/// (quiet bit set) otherwise.
struct Alt {
  /// AnyNan is not a spec rule: it marks the known LLVM deviation, see
  /// isIdentityFoldOfSignallingNan.
  enum Kind : uint8_t { Exact, CanonicalNan, ArithmeticNan, AnyNan } K = Exact;
  uint64_t Bits = 0;
};
Alt exact(uint64_t Bits) { return {Alt::Exact, Bits}; }

template <typename F> Alt nanAlt(std::initializer_list<UOf<F>> Inputs) {
  for (UOf<F> In : Inputs)
    if (isNan<F>(In) && !isCanonicalNan<F>(In))
      return {Alt::ArithmeticNan, 0};
  return {Alt::CanonicalNan, 0};
}
/// The result of an operation that follows nans_N.
template <typename F>
Alt floatAlt(F R, std::initializer_list<UOf<F>> Inputs) {
  if (std::isnan(R))
    return nanAlt<F>(Inputs);
  return exact(bits(R));
}

/// Each lane of the result (LaneBits wide) must match one of its Alts.
struct Want {
  unsigned LaneBits = 64;
  std::vector<std::vector<Alt>> Lanes;
};

Want exactVec(const V128 &R) {
  return {64, {{exact(ln<uint64_t>(R, 0))}, {exact(ln<uint64_t>(R, 1))}}};
}
Want exactScalar(uint64_t Bits, unsigned Width) {
  return {Width, {{exact(Bits)}}};
}
/// A vector of LaneBits-wide lanes whose alternatives Fn(I) gives.
template <typename Fn> Want lanesWant(unsigned LaneBits, Fn F) {
  Want W;
  W.LaneBits = LaneBits;
  for (unsigned I = 0; I < 128 / LaneBits; ++I)
    W.Lanes.push_back(F(I));
  return W;
}

bool altMatches(const Alt &A, uint64_t Got, unsigned LaneBits) {
  switch (A.K) {
  case Alt::Exact:
    return A.Bits == Got;
  case Alt::CanonicalNan:
    return LaneBits == 32 ? isCanonicalNan<float>(uint32_t(Got))
                          : isCanonicalNan<double>(Got);
  case Alt::ArithmeticNan:
    return LaneBits == 32 ? isArithmeticNan<float>(uint32_t(Got))
                          : isArithmeticNan<double>(Got);
  case Alt::AnyNan:
    return LaneBits == 32 ? isNan<float>(uint32_t(Got)) : isNan<double>(Got);
  }
  return false;
}

uint64_t laneBitsOf(const V128 &Got, unsigned LaneBits, unsigned I) {
  switch (LaneBits) {
  case 8:
    return ln<uint8_t>(Got, I);
  case 16:
    return ln<uint16_t>(Got, I);
  case 32:
    return ln<uint32_t>(Got, I);
  default:
    return ln<uint64_t>(Got, I);
  }
}

bool matches(const Want &W, const V128 &Got) {
  for (unsigned I = 0; I < W.Lanes.size(); ++I) {
    uint64_t G = laneBitsOf(Got, W.LaneBits, I);
    bool Any = false;
    for (const Alt &A : W.Lanes[I])
      Any = Any || altMatches(A, G, W.LaneBits);
    if (!Any)
      return false;
  }
  return true;
}

std::string describe(const Want &W) {
  std::string S = "[";
  for (unsigned I = W.Lanes.size(); I-- > 0;) {
    std::string L;
    for (const Alt &A : W.Lanes[I]) {
      if (!L.empty())
        L += "|";
      L += A.K == Alt::Exact           ? hex(A.Bits)
           : A.K == Alt::CanonicalNan  ? std::string("nan:canonical")
           : A.K == Alt::ArithmeticNan ? std::string("nan:arithmetic")
                                       : std::string("nan");
    }
    S += L + (I ? " " : "");
  }
  return S + "] (lanes high to low, " + std::to_string(W.LaneBits) + " bits)";
}

//===----------------------------------------------------------------------===//
// Scalar reference semantics
//===----------------------------------------------------------------------===//

template <typename T> T satS(int64_t V) {
  return T(std::clamp<int64_t>(V, std::numeric_limits<T>::min(),
                               std::numeric_limits<T>::max()));
}
template <typename T> T satU(int64_t V) {
  return T(std::clamp<int64_t>(V, 0, std::numeric_limits<T>::max()));
}
template <typename T> T wrapMul(T X, T Y) {
  using U = std::make_unsigned_t<T>;
  return T(U(uint64_t(U(X)) * uint64_t(U(Y))));
}
template <typename T> T absWrap(T X) {
  using U = std::make_unsigned_t<T>;
  return X < 0 ? T(U(0) - U(X)) : X;
}

/// trunc_sat: NaN -> 0, otherwise trunc(x) clamped to Int's range. long
/// double holds every f32/f64 exactly.
template <typename Int, typename F> Int truncSat(F X) {
  if (std::isnan(X))
    return 0;
  long double T = std::trunc((long double)X);
  if (T < (long double)std::numeric_limits<Int>::min())
    return std::numeric_limits<Int>::min();
  if (T > (long double)std::numeric_limits<Int>::max())
    return std::numeric_limits<Int>::max();
  return Int(T);
}
/// Whether trunc(x) is NaN-free and in Int's range (relaxed_trunc is exact
/// only there).
template <typename Int, typename F> bool truncInRange(F X) {
  if (std::isnan(X))
    return false;
  long double T = std::trunc((long double)X);
  return T >= (long double)std::numeric_limits<Int>::min() &&
         T <= (long double)std::numeric_limits<Int>::max();
}

/// fmin/fmax: NaN if either is; otherwise -0 < +0. For equal operands the
/// sign bits decide: OR of the bit patterns picks -0 for min, AND +0 for max.
template <typename F> Alt fminmax(UOf<F> A, UOf<F> B, bool IsMax) {
  F X = fl<F>(A), Y = fl<F>(B);
  if (std::isnan(X) || std::isnan(Y))
    return nanAlt<F>({A, B});
  if (X == Y)
    return exact(IsMax ? (A & B) : (A | B));
  return exact(bits(IsMax ? (X > Y ? X : Y) : (X < Y ? X : Y)));
}

template <typename F> F unfusedMadd(F A, F B, F C) {
  volatile F P = A * B; // keeps the compiler from contracting
  return P + C;
}

/// Float lanes of type F: Fn(UOf<F> a, UOf<F> b, UOf<F> c) -> Alt list.
template <typename F, typename Fn>
Want floatLanes(const V128 &A, const V128 &B, const V128 &C, Fn Func) {
  return lanesWant(sizeof(F) * 8, [&](unsigned I) -> std::vector<Alt> {
    return Func(ln<UOf<F>>(A, I), ln<UOf<F>>(B, I), ln<UOf<F>>(C, I));
  });
}
template <typename F, typename Fn>
Want floatBinary(const V128 &A, const V128 &B, Fn Func) {
  return floatLanes<F>(A, B, A, [&](UOf<F> X, UOf<F> Y, UOf<F>) {
    return std::vector<Alt>{floatAlt<F>(Func(fl<F>(X), fl<F>(Y)), {X, Y})};
  });
}
template <typename F, typename Fn> Want floatUnary(const V128 &A, Fn Func) {
  return floatLanes<F>(A, A, A, [&](UOf<F> X, UOf<F>, UOf<F>) {
    return std::vector<Alt>{floatAlt<F>(Func(fl<F>(X)), {X})};
  });
}
template <typename F, typename Pred>
V128 floatCompare(const V128 &A, const V128 &B, Pred P) {
  return build<UOf<F>>([&](unsigned I) {
    return P(fl<F>(ln<UOf<F>>(A, I)), fl<F>(ln<UOf<F>>(B, I))) ? ~UOf<F>(0)
                                                                : UOf<F>(0);
  });
}
template <typename T, typename Pred>
V128 intCompare(const V128 &A, const V128 &B, Pred P) {
  return build<T>([&](unsigned I) {
    return P(ln<T>(A, I), ln<T>(B, I)) ? T(-1) : T(0);
  });
}

/// Which relaxed-SIMD result a reference describes.
enum class Mode {
  Deterministic, ///< The deterministic profile's choice (index 0).
  X86,           ///< The choice the x86 lowering documents.
  Permitted,     ///< Any result the proposal permits.
};

/// Lane alternatives of a relaxed op: Options[k] is the spec's choice k
/// (which may itself be a NaN class); X86Index is the x86 lowering's choice.
std::vector<Alt> pick(Mode M, const std::vector<Alt> &Options,
                      unsigned X86Index) {
  switch (M) {
  case Mode::Deterministic:
    return {Options[0]};
  case Mode::X86:
    return {Options.at(X86Index)};
  case Mode::Permitted:
    return Options;
  }
  return {};
}

/// relaxed_min/max per the spec's four choices; x86 (minps/maxps) is 2.
template <typename F>
std::vector<Alt> relaxedMinMax(UOf<F> A, UOf<F> B, bool IsMax, Mode M) {
  F X = fl<F>(A), Y = fl<F>(B);
  Alt Exact = fminmax<F>(A, B, IsMax);
  std::vector<Alt> Options;
  if (std::isnan(X))
    Options = {Exact, exact(A), exact(B), exact(B)};
  else if (std::isnan(Y))
    Options = {Exact, exact(A), exact(B), exact(A)};
  else if (X == 0 && Y == 0 && A != B)
    Options = {Exact, exact(A), exact(B),
               exact(IsMax ? bits(F(0)) : bits(F(-0.0)))};
  else
    Options = {Exact, Exact, Exact, Exact};
  return pick(M, Options, 2);
}

/// i8 x i7 products for relaxed dot: b signed (choice 0) or unsigned (1).
int relaxedDotProduct(int8_t A, int8_t B, unsigned Choice) {
  return Choice == 0 ? int(A) * int(B) : int(A) * int(uint8_t(B));
}
int16_t relaxedDotLane(const V128 &A, const V128 &B, unsigned I,
                       unsigned Choice) {
  int Sum = relaxedDotProduct(ln<int8_t>(A, 2 * I), ln<int8_t>(B, 2 * I), Choice) +
            relaxedDotProduct(ln<int8_t>(A, 2 * I + 1), ln<int8_t>(B, 2 * I + 1),
                              Choice);
  return satS<int16_t>(Sum);
}

/// A test input: up to three v128 operands, one scalar operand (raw bits)
/// and the immediates.
struct Case {
  V128 A{}, B{}, C{};
  uint64_t S = 0;
};

// One line per op reads as a table.
// clang-format off
Want reference(const Instr &In, const Case &K, Mode M) {
  const V128 &A = K.A, &B = K.B, &C = K.C;
  uint64_t S = K.S;
  using u8 = uint8_t; using u16 = uint16_t; using u32 = uint32_t; using u64 = uint64_t;
  using i8 = int8_t; using i16 = int16_t; using i32 = int32_t; using i64 = int64_t;
  auto Add = [](auto X, auto Y) { return X + Y; };
  auto Sub = [](auto X, auto Y) { return X - Y; };
  auto Eq = [](auto X, auto Y) { return X == Y; };
  auto Ne = [](auto X, auto Y) { return X != Y; };
  auto Lt = [](auto X, auto Y) { return X < Y; };
  auto Gt = [](auto X, auto Y) { return X > Y; };
  auto Le = [](auto X, auto Y) { return X <= Y; };
  auto Ge = [](auto X, auto Y) { return X >= Y; };
  auto Min = [](auto X, auto Y) { return X < Y ? X : Y; };
  auto Max = [](auto X, auto Y) { return X > Y ? X : Y; };
  auto ShiftCount = [&](unsigned Bits) { return unsigned(u32(S) % Bits); };
  auto Bitmask = [](auto Tag, const V128 &V) {
    using T = decltype(Tag);
    u32 R = 0;
    for (unsigned I = 0; I < lanesOf<T>(); ++I)
      R |= u32(ln<T>(V, I) < 0) << I;
    return exactScalar(R, 32);
  };
  auto AllTrue = [](auto Tag, const V128 &V) {
    using T = decltype(Tag);
    bool R = true;
    for (unsigned I = 0; I < lanesOf<T>(); ++I)
      R = R && ln<T>(V, I) != 0;
    return exactScalar(R, 32);
  };
  // Lanes [Lo, Lo + N/2) of V (as From) widened into To.
  auto ExtendHalf = [](auto FromTag, auto ToTag, const V128 &V, bool High) {
    using From = decltype(FromTag); using To = decltype(ToTag);
    unsigned Base = High ? lanesOf<To>() : 0;
    return build<To>([&](unsigned I) { return To(ln<From>(V, Base + I)); });
  };
  auto Extmul = [](auto FromTag, auto ToTag, const V128 &X, const V128 &Y, bool High) {
    using From = decltype(FromTag); using To = decltype(ToTag);
    unsigned Base = High ? lanesOf<To>() : 0;
    return build<To>([&](unsigned I) {
      return wrapMul<To>(To(ln<From>(X, Base + I)), To(ln<From>(Y, Base + I)));
    });
  };
  auto ExtaddPairwise = [](auto FromTag, auto ToTag, const V128 &V) {
    using From = decltype(FromTag); using To = decltype(ToTag);
    return build<To>([&](unsigned I) {
      return To(To(ln<From>(V, 2 * I)) + To(ln<From>(V, 2 * I + 1)));
    });
  };
  // narrow: X's lanes then Y's, saturated from their signed values.
  auto Narrow = [](auto FromTag, auto ToTag, const V128 &X, const V128 &Y) {
    using From = decltype(FromTag); using To = decltype(ToTag);
    constexpr unsigned Half = lanesOf<From>();
    return build<To>([&](unsigned I) {
      int64_t V = I < Half ? ln<From>(X, I) : ln<From>(Y, I - Half);
      return std::is_signed_v<To> ? To(satS<To>(V)) : To(satU<To>(V));
    });
  };
  auto Avgr = [](auto Tag, const V128 &X, const V128 &Y) {
    using T = decltype(Tag);
    return map2<T>(X, Y, [](T P, T Q) { return T((u32(P) + u32(Q) + 1) >> 1); });
  };
  auto SatAdd = [](auto Tag, const V128 &X, const V128 &Y, bool Sub) {
    using T = decltype(Tag);
    return map2<T>(X, Y, [&](T P, T Q) {
      int64_t V = Sub ? int64_t(P) - int64_t(Q) : int64_t(P) + int64_t(Q);
      return std::is_signed_v<T> ? T(satS<T>(V)) : T(satU<T>(V));
    });
  };
  auto Splat = [](auto Tag, uint64_t Bits) {
    using T = decltype(Tag);
    T X; std::memcpy(&X, &Bits, sizeof X); // little-endian: the low bits
    return build<T>([&](unsigned) { return X; });
  };
  auto Replace = [&](auto Tag) {
    using T = decltype(Tag);
    V128 R = A; T X; std::memcpy(&X, &S, sizeof X);
    put<T>(R, In.Lane, X);
    return exactVec(R);
  };
  auto Swizzle = [](const V128 &X, const V128 &Y) {
    return build<u8>([&](unsigned I) { return Y[I] < 16 ? X[Y[I]] : 0; });
  };
  auto Pmin = [](auto X, auto Y) { return Y < X; }; // take Y when true
  auto Pmax = [](auto X, auto Y) { return X < Y; };
  auto PseudoMinMax = [](auto Tag, const V128 &X, const V128 &Y, auto TakeY) {
    using F = decltype(Tag);
    return build<UOf<F>>([&](unsigned I) {
      UOf<F> P = ln<UOf<F>>(X, I), Q = ln<UOf<F>>(Y, I);
      return TakeY(fl<F>(P), fl<F>(Q)) ? Q : P;
    });
  };
  auto Nearest = [](auto X) { return std::nearbyint(X); }; // round-half-even
  auto FAbs = [](auto Tag, const V128 &X) {
    using F = decltype(Tag);
    return map1<UOf<F>>(X, [](UOf<F> P) { return UOf<F>(P & ~FloatBits<F>::Sign); });
  };
  auto FNeg = [](auto Tag, const V128 &X) {
    using F = decltype(Tag);
    return map1<UOf<F>>(X, [](UOf<F> P) { return UOf<F>(P ^ FloatBits<F>::Sign); });
  };
  auto MinMax = [](auto Tag, const V128 &X, const V128 &Y, bool IsMax) {
    using F = decltype(Tag);
    return floatLanes<F>(X, Y, X, [&](UOf<F> P, UOf<F> Q, UOf<F>) {
      return std::vector<Alt>{fminmax<F>(P, Q, IsMax)};
    });
  };
  // relaxed_madd: unfused (choice 0, also x86's) or fused (1).
  auto Madd = [&](auto Tag, bool Negate) {
    using F = decltype(Tag);
    return floatLanes<F>(A, B, C, [&](UOf<F> P, UOf<F> Q, UOf<F> R) {
      F X = Negate ? -fl<F>(P) : fl<F>(P);
      return pick(M, {floatAlt<F>(unfusedMadd(X, fl<F>(Q), fl<F>(R)), {P, Q, R}),
                      floatAlt<F>(std::fma(X, fl<F>(Q), fl<F>(R)), {P, Q, R})}, 0);
    });
  };
  // relaxed_laneselect: bitselect (choice 0) or by the mask lane's top bit (1).
  auto Laneselect = [&](auto Tag) {
    using T = decltype(Tag);
    return lanesWant(sizeof(T) * 8, [&](unsigned I) {
      T X = ln<T>(A, I), Y = ln<T>(B, I), Mask = ln<T>(C, I);
      T Top = T(Mask >> (sizeof(T) * 8 - 1)) ? T(~T(0)) : T(0);
      return pick(M, {exact(T((X & Mask) | (Y & T(~Mask)))),
                      exact(T((X & Top) | (Y & T(~Top))))}, 1);
    });
  };
  auto RelaxedMin = [&](auto Tag, bool IsMax) {
    using F = decltype(Tag);
    return floatLanes<F>(A, B, A, [&](UOf<F> P, UOf<F> Q, UOf<F>) {
      return relaxedMinMax<F>(P, Q, IsMax, M);
    });
  };
  // relaxed_trunc: exact in range; otherwise saturating or the listed
  // constants. The f64x2 forms have two more lanes that are 0.
  auto RelaxedTrunc = [&](auto Tag, bool Signed) {
    using F = decltype(Tag);
    return lanesWant(32, [&](unsigned I) -> std::vector<Alt> {
      if (I >= lanesOf<F>())
        return {exact(0)};
      F X = fl<F>(ln<UOf<F>>(A, I));
      if (Signed) {
        if (truncInRange<i32>(X))
          return {exact(u32(truncSat<i32>(X)))};
        return pick(M, {exact(u32(truncSat<i32>(X))), exact(0x80000000u)}, 1);
      }
      if (truncInRange<u32>(X))
        return {exact(truncSat<u32>(X))};
      return pick(M, {exact(truncSat<u32>(X)), exact(0xffffffffu),
                      exact(0xfffffffeu), exact(0x80000000u)}, 0);
    });
  };
  auto TruncSatZero = [](auto Tag, auto IntTag, const V128 &X) {
    using F = decltype(Tag); using Int = decltype(IntTag);
    return build<u32>([&](unsigned I) {
      return I < lanesOf<F>() ? u32(truncSat<Int>(fl<F>(ln<UOf<F>>(X, I)))) : 0u;
    });
  };
  auto Convert = [](auto IntTag, const V128 &X) {
    using Int = decltype(IntTag);
    return build<u32>([&](unsigned I) { return bits(float(ln<Int>(X, I))); });
  };
  auto ConvertLow = [](auto IntTag, const V128 &X) {
    using Int = decltype(IntTag);
    return build<u64>([&](unsigned I) { return bits(double(ln<Int>(X, I))); });
  };

  switch (In.Opcode) {
  case Op::V128Const: return exactVec(In.Bytes);
  case Op::I8x16Shuffle:
    return exactVec(build<u8>([&](unsigned I) {
      unsigned L = In.Bytes[I]; return L < 16 ? A[L] : B[L - 16]; }));
  case Op::I8x16Swizzle: return exactVec(Swizzle(A, B));
  case Op::I8x16RelaxedSwizzle:
    return lanesWant(8, [&](unsigned I) -> std::vector<Alt> {
      u8 J = B[I];
      if (J < 16) return {exact(A[J])};
      if (J >= 128) return {exact(0)};
      return pick(M, {exact(0), exact(A[J % 16])}, 1);
    });
  case Op::I8x16Splat: return exactVec(Splat(u8(), S));
  case Op::I16x8Splat: return exactVec(Splat(u16(), S));
  case Op::I32x4Splat: return exactVec(Splat(u32(), S));
  case Op::I64x2Splat: return exactVec(Splat(u64(), S));
  case Op::F32x4Splat: return exactVec(Splat(u32(), S));
  case Op::F64x2Splat: return exactVec(Splat(u64(), S));
  case Op::I8x16ExtractLaneS: return exactScalar(u32(i32(ln<i8>(A, In.Lane))), 32);
  case Op::I8x16ExtractLaneU: return exactScalar(ln<u8>(A, In.Lane), 32);
  case Op::I16x8ExtractLaneS: return exactScalar(u32(i32(ln<i16>(A, In.Lane))), 32);
  case Op::I16x8ExtractLaneU: return exactScalar(ln<u16>(A, In.Lane), 32);
  case Op::I32x4ExtractLane:
  case Op::F32x4ExtractLane: return exactScalar(ln<u32>(A, In.Lane), 32);
  case Op::I64x2ExtractLane:
  case Op::F64x2ExtractLane: return exactScalar(ln<u64>(A, In.Lane), 64);
  case Op::I8x16ReplaceLane: return Replace(u8());
  case Op::I16x8ReplaceLane: return Replace(u16());
  case Op::I32x4ReplaceLane:
  case Op::F32x4ReplaceLane: return Replace(u32());
  case Op::I64x2ReplaceLane:
  case Op::F64x2ReplaceLane: return Replace(u64());

  case Op::I8x16Eq:  return exactVec(intCompare<i8>(A, B, Eq));
  case Op::I8x16Ne:  return exactVec(intCompare<i8>(A, B, Ne));
  case Op::I8x16LtS: return exactVec(intCompare<i8>(A, B, Lt));
  case Op::I8x16LtU: return exactVec(intCompare<u8>(A, B, Lt));
  case Op::I8x16GtS: return exactVec(intCompare<i8>(A, B, Gt));
  case Op::I8x16GtU: return exactVec(intCompare<u8>(A, B, Gt));
  case Op::I8x16LeS: return exactVec(intCompare<i8>(A, B, Le));
  case Op::I8x16LeU: return exactVec(intCompare<u8>(A, B, Le));
  case Op::I8x16GeS: return exactVec(intCompare<i8>(A, B, Ge));
  case Op::I8x16GeU: return exactVec(intCompare<u8>(A, B, Ge));
  case Op::I16x8Eq:  return exactVec(intCompare<i16>(A, B, Eq));
  case Op::I16x8Ne:  return exactVec(intCompare<i16>(A, B, Ne));
  case Op::I16x8LtS: return exactVec(intCompare<i16>(A, B, Lt));
  case Op::I16x8LtU: return exactVec(intCompare<u16>(A, B, Lt));
  case Op::I16x8GtS: return exactVec(intCompare<i16>(A, B, Gt));
  case Op::I16x8GtU: return exactVec(intCompare<u16>(A, B, Gt));
  case Op::I16x8LeS: return exactVec(intCompare<i16>(A, B, Le));
  case Op::I16x8LeU: return exactVec(intCompare<u16>(A, B, Le));
  case Op::I16x8GeS: return exactVec(intCompare<i16>(A, B, Ge));
  case Op::I16x8GeU: return exactVec(intCompare<u16>(A, B, Ge));
  case Op::I32x4Eq:  return exactVec(intCompare<i32>(A, B, Eq));
  case Op::I32x4Ne:  return exactVec(intCompare<i32>(A, B, Ne));
  case Op::I32x4LtS: return exactVec(intCompare<i32>(A, B, Lt));
  case Op::I32x4LtU: return exactVec(intCompare<u32>(A, B, Lt));
  case Op::I32x4GtS: return exactVec(intCompare<i32>(A, B, Gt));
  case Op::I32x4GtU: return exactVec(intCompare<u32>(A, B, Gt));
  case Op::I32x4LeS: return exactVec(intCompare<i32>(A, B, Le));
  case Op::I32x4LeU: return exactVec(intCompare<u32>(A, B, Le));
  case Op::I32x4GeS: return exactVec(intCompare<i32>(A, B, Ge));
  case Op::I32x4GeU: return exactVec(intCompare<u32>(A, B, Ge));
  case Op::I64x2Eq:  return exactVec(intCompare<i64>(A, B, Eq));
  case Op::I64x2Ne:  return exactVec(intCompare<i64>(A, B, Ne));
  case Op::I64x2LtS: return exactVec(intCompare<i64>(A, B, Lt));
  case Op::I64x2GtS: return exactVec(intCompare<i64>(A, B, Gt));
  case Op::I64x2LeS: return exactVec(intCompare<i64>(A, B, Le));
  case Op::I64x2GeS: return exactVec(intCompare<i64>(A, B, Ge));
  // C++ float comparisons are IEEE: false on NaN except !=.
  case Op::F32x4Eq: return exactVec(floatCompare<float>(A, B, Eq));
  case Op::F32x4Ne: return exactVec(floatCompare<float>(A, B, Ne));
  case Op::F32x4Lt: return exactVec(floatCompare<float>(A, B, Lt));
  case Op::F32x4Gt: return exactVec(floatCompare<float>(A, B, Gt));
  case Op::F32x4Le: return exactVec(floatCompare<float>(A, B, Le));
  case Op::F32x4Ge: return exactVec(floatCompare<float>(A, B, Ge));
  case Op::F64x2Eq: return exactVec(floatCompare<double>(A, B, Eq));
  case Op::F64x2Ne: return exactVec(floatCompare<double>(A, B, Ne));
  case Op::F64x2Lt: return exactVec(floatCompare<double>(A, B, Lt));
  case Op::F64x2Gt: return exactVec(floatCompare<double>(A, B, Gt));
  case Op::F64x2Le: return exactVec(floatCompare<double>(A, B, Le));
  case Op::F64x2Ge: return exactVec(floatCompare<double>(A, B, Ge));

  case Op::V128Not:    return exactVec(map1<u64>(A, [](u64 X) { return ~X; }));
  case Op::V128And:    return exactVec(map2<u64>(A, B, [](u64 X, u64 Y) { return X & Y; }));
  case Op::V128Andnot: return exactVec(map2<u64>(A, B, [](u64 X, u64 Y) { return X & ~Y; }));
  case Op::V128Or:     return exactVec(map2<u64>(A, B, [](u64 X, u64 Y) { return X | Y; }));
  case Op::V128Xor:    return exactVec(map2<u64>(A, B, [](u64 X, u64 Y) { return X ^ Y; }));
  case Op::V128Bitselect:
    return exactVec(build<u64>([&](unsigned I) {
      u64 Mask = ln<u64>(C, I);
      return (ln<u64>(A, I) & Mask) | (ln<u64>(B, I) & ~Mask); }));
  case Op::V128AnyTrue:
    return exactScalar(std::any_of(A.begin(), A.end(), [](u8 X) { return X != 0; }), 32);
  case Op::I8x16AllTrue: return AllTrue(i8(), A);
  case Op::I16x8AllTrue: return AllTrue(i16(), A);
  case Op::I32x4AllTrue: return AllTrue(i32(), A);
  case Op::I64x2AllTrue: return AllTrue(i64(), A);
  case Op::I8x16Bitmask: return Bitmask(i8(), A);
  case Op::I16x8Bitmask: return Bitmask(i16(), A);
  case Op::I32x4Bitmask: return Bitmask(i32(), A);
  case Op::I64x2Bitmask: return Bitmask(i64(), A);

  case Op::I8x16Shl:  return exactVec(map1<u8>(A, [&](u8 X) { return X << ShiftCount(8); }));
  case Op::I8x16ShrS: return exactVec(map1<i8>(A, [&](i8 X) { return X >> ShiftCount(8); }));
  case Op::I8x16ShrU: return exactVec(map1<u8>(A, [&](u8 X) { return X >> ShiftCount(8); }));
  case Op::I16x8Shl:  return exactVec(map1<u16>(A, [&](u16 X) { return X << ShiftCount(16); }));
  case Op::I16x8ShrS: return exactVec(map1<i16>(A, [&](i16 X) { return X >> ShiftCount(16); }));
  case Op::I16x8ShrU: return exactVec(map1<u16>(A, [&](u16 X) { return X >> ShiftCount(16); }));
  case Op::I32x4Shl:  return exactVec(map1<u32>(A, [&](u32 X) { return X << ShiftCount(32); }));
  case Op::I32x4ShrS: return exactVec(map1<i32>(A, [&](i32 X) { return X >> ShiftCount(32); }));
  case Op::I32x4ShrU: return exactVec(map1<u32>(A, [&](u32 X) { return X >> ShiftCount(32); }));
  case Op::I64x2Shl:  return exactVec(map1<u64>(A, [&](u64 X) { return X << ShiftCount(64); }));
  case Op::I64x2ShrS: return exactVec(map1<i64>(A, [&](i64 X) { return X >> ShiftCount(64); }));
  case Op::I64x2ShrU: return exactVec(map1<u64>(A, [&](u64 X) { return X >> ShiftCount(64); }));

  case Op::I8x16Abs: return exactVec(map1<i8>(A, absWrap<i8>));
  case Op::I16x8Abs: return exactVec(map1<i16>(A, absWrap<i16>));
  case Op::I32x4Abs: return exactVec(map1<i32>(A, absWrap<i32>));
  case Op::I64x2Abs: return exactVec(map1<i64>(A, absWrap<i64>));
  case Op::I8x16Neg: return exactVec(map1<u8>(A, [](u8 X) { return u8(0) - X; }));
  case Op::I16x8Neg: return exactVec(map1<u16>(A, [](u16 X) { return u16(0) - X; }));
  case Op::I32x4Neg: return exactVec(map1<u32>(A, [](u32 X) { return u32(0) - X; }));
  case Op::I64x2Neg: return exactVec(map1<u64>(A, [](u64 X) { return u64(0) - X; }));
  case Op::I8x16Popcnt: return exactVec(map1<u8>(A, [](u8 X) { return std::popcount(X); }));

  case Op::I8x16Add: return exactVec(map2<u8>(A, B, Add));
  case Op::I16x8Add: return exactVec(map2<u16>(A, B, Add));
  case Op::I32x4Add: return exactVec(map2<u32>(A, B, Add));
  case Op::I64x2Add: return exactVec(map2<u64>(A, B, Add));
  case Op::I8x16Sub: return exactVec(map2<u8>(A, B, Sub));
  case Op::I16x8Sub: return exactVec(map2<u16>(A, B, Sub));
  case Op::I32x4Sub: return exactVec(map2<u32>(A, B, Sub));
  case Op::I64x2Sub: return exactVec(map2<u64>(A, B, Sub));
  case Op::I16x8Mul: return exactVec(map2<u16>(A, B, wrapMul<u16>));
  case Op::I32x4Mul: return exactVec(map2<u32>(A, B, wrapMul<u32>));
  case Op::I64x2Mul: return exactVec(map2<u64>(A, B, wrapMul<u64>));
  case Op::I8x16AddSatS: return exactVec(SatAdd(i8(), A, B, false));
  case Op::I8x16AddSatU: return exactVec(SatAdd(u8(), A, B, false));
  case Op::I8x16SubSatS: return exactVec(SatAdd(i8(), A, B, true));
  case Op::I8x16SubSatU: return exactVec(SatAdd(u8(), A, B, true));
  case Op::I16x8AddSatS: return exactVec(SatAdd(i16(), A, B, false));
  case Op::I16x8AddSatU: return exactVec(SatAdd(u16(), A, B, false));
  case Op::I16x8SubSatS: return exactVec(SatAdd(i16(), A, B, true));
  case Op::I16x8SubSatU: return exactVec(SatAdd(u16(), A, B, true));
  case Op::I8x16MinS: return exactVec(map2<i8>(A, B, Min));
  case Op::I8x16MinU: return exactVec(map2<u8>(A, B, Min));
  case Op::I8x16MaxS: return exactVec(map2<i8>(A, B, Max));
  case Op::I8x16MaxU: return exactVec(map2<u8>(A, B, Max));
  case Op::I16x8MinS: return exactVec(map2<i16>(A, B, Min));
  case Op::I16x8MinU: return exactVec(map2<u16>(A, B, Min));
  case Op::I16x8MaxS: return exactVec(map2<i16>(A, B, Max));
  case Op::I16x8MaxU: return exactVec(map2<u16>(A, B, Max));
  case Op::I32x4MinS: return exactVec(map2<i32>(A, B, Min));
  case Op::I32x4MinU: return exactVec(map2<u32>(A, B, Min));
  case Op::I32x4MaxS: return exactVec(map2<i32>(A, B, Max));
  case Op::I32x4MaxU: return exactVec(map2<u32>(A, B, Max));
  case Op::I8x16AvgrU: return exactVec(Avgr(u8(), A, B));
  case Op::I16x8AvgrU: return exactVec(Avgr(u16(), A, B));
  case Op::I16x8Q15mulrSatS:
    return exactVec(map2<i16>(A, B, [](i16 X, i16 Y) {
      return satS<i16>((i32(X) * i32(Y) + 0x4000) >> 15); }));
  case Op::I32x4DotI16x8S:
    return exactVec(build<i32>([&](unsigned I) {
      i64 Sum = i64(ln<i16>(A, 2 * I)) * ln<i16>(B, 2 * I) +
                i64(ln<i16>(A, 2 * I + 1)) * ln<i16>(B, 2 * I + 1);
      return i32(u32(Sum)); }));
  case Op::I16x8ExtmulLowI8x16S:  return exactVec(Extmul(i8(), i16(), A, B, false));
  case Op::I16x8ExtmulHighI8x16S: return exactVec(Extmul(i8(), i16(), A, B, true));
  case Op::I16x8ExtmulLowI8x16U:  return exactVec(Extmul(u8(), u16(), A, B, false));
  case Op::I16x8ExtmulHighI8x16U: return exactVec(Extmul(u8(), u16(), A, B, true));
  case Op::I32x4ExtmulLowI16x8S:  return exactVec(Extmul(i16(), i32(), A, B, false));
  case Op::I32x4ExtmulHighI16x8S: return exactVec(Extmul(i16(), i32(), A, B, true));
  case Op::I32x4ExtmulLowI16x8U:  return exactVec(Extmul(u16(), u32(), A, B, false));
  case Op::I32x4ExtmulHighI16x8U: return exactVec(Extmul(u16(), u32(), A, B, true));
  case Op::I64x2ExtmulLowI32x4S:  return exactVec(Extmul(i32(), i64(), A, B, false));
  case Op::I64x2ExtmulHighI32x4S: return exactVec(Extmul(i32(), i64(), A, B, true));
  case Op::I64x2ExtmulLowI32x4U:  return exactVec(Extmul(u32(), u64(), A, B, false));
  case Op::I64x2ExtmulHighI32x4U: return exactVec(Extmul(u32(), u64(), A, B, true));
  case Op::I8x16NarrowI16x8S: return exactVec(Narrow(i16(), i8(), A, B));
  case Op::I8x16NarrowI16x8U: return exactVec(Narrow(i16(), u8(), A, B));
  case Op::I16x8NarrowI32x4S: return exactVec(Narrow(i32(), i16(), A, B));
  case Op::I16x8NarrowI32x4U: return exactVec(Narrow(i32(), u16(), A, B));

  case Op::I16x8ExtendLowI8x16S:  return exactVec(ExtendHalf(i8(), i16(), A, false));
  case Op::I16x8ExtendHighI8x16S: return exactVec(ExtendHalf(i8(), i16(), A, true));
  case Op::I16x8ExtendLowI8x16U:  return exactVec(ExtendHalf(u8(), u16(), A, false));
  case Op::I16x8ExtendHighI8x16U: return exactVec(ExtendHalf(u8(), u16(), A, true));
  case Op::I32x4ExtendLowI16x8S:  return exactVec(ExtendHalf(i16(), i32(), A, false));
  case Op::I32x4ExtendHighI16x8S: return exactVec(ExtendHalf(i16(), i32(), A, true));
  case Op::I32x4ExtendLowI16x8U:  return exactVec(ExtendHalf(u16(), u32(), A, false));
  case Op::I32x4ExtendHighI16x8U: return exactVec(ExtendHalf(u16(), u32(), A, true));
  case Op::I64x2ExtendLowI32x4S:  return exactVec(ExtendHalf(i32(), i64(), A, false));
  case Op::I64x2ExtendHighI32x4S: return exactVec(ExtendHalf(i32(), i64(), A, true));
  case Op::I64x2ExtendLowI32x4U:  return exactVec(ExtendHalf(u32(), u64(), A, false));
  case Op::I64x2ExtendHighI32x4U: return exactVec(ExtendHalf(u32(), u64(), A, true));
  case Op::I16x8ExtaddPairwiseI8x16S: return exactVec(ExtaddPairwise(i8(), i16(), A));
  case Op::I16x8ExtaddPairwiseI8x16U: return exactVec(ExtaddPairwise(u8(), u16(), A));
  case Op::I32x4ExtaddPairwiseI16x8S: return exactVec(ExtaddPairwise(i16(), i32(), A));
  case Op::I32x4ExtaddPairwiseI16x8U: return exactVec(ExtaddPairwise(u16(), u32(), A));

  // Sign operations are exact bit manipulations, NaNs included.
  case Op::F32x4Abs: return exactVec(FAbs(float(), A));
  case Op::F64x2Abs: return exactVec(FAbs(double(), A));
  case Op::F32x4Neg: return exactVec(FNeg(float(), A));
  case Op::F64x2Neg: return exactVec(FNeg(double(), A));
  case Op::F32x4Sqrt:    return floatUnary<float>(A, [](float X) { return std::sqrt(X); });
  case Op::F64x2Sqrt:    return floatUnary<double>(A, [](double X) { return std::sqrt(X); });
  case Op::F32x4Ceil:    return floatUnary<float>(A, [](float X) { return std::ceil(X); });
  case Op::F64x2Ceil:    return floatUnary<double>(A, [](double X) { return std::ceil(X); });
  case Op::F32x4Floor:   return floatUnary<float>(A, [](float X) { return std::floor(X); });
  case Op::F64x2Floor:   return floatUnary<double>(A, [](double X) { return std::floor(X); });
  case Op::F32x4Trunc:   return floatUnary<float>(A, [](float X) { return std::trunc(X); });
  case Op::F64x2Trunc:   return floatUnary<double>(A, [](double X) { return std::trunc(X); });
  case Op::F32x4Nearest: return floatUnary<float>(A, Nearest);
  case Op::F64x2Nearest: return floatUnary<double>(A, Nearest);
  case Op::F32x4Add: return floatBinary<float>(A, B, Add);
  case Op::F64x2Add: return floatBinary<double>(A, B, Add);
  case Op::F32x4Sub: return floatBinary<float>(A, B, Sub);
  case Op::F64x2Sub: return floatBinary<double>(A, B, Sub);
  case Op::F32x4Mul: return floatBinary<float>(A, B, [](float X, float Y) { return X * Y; });
  case Op::F64x2Mul: return floatBinary<double>(A, B, [](double X, double Y) { return X * Y; });
  case Op::F32x4Div: return floatBinary<float>(A, B, [](float X, float Y) { return X / Y; });
  case Op::F64x2Div: return floatBinary<double>(A, B, [](double X, double Y) { return X / Y; });
  case Op::F32x4Min: return MinMax(float(), A, B, false);
  case Op::F64x2Min: return MinMax(double(), A, B, false);
  case Op::F32x4Max: return MinMax(float(), A, B, true);
  case Op::F64x2Max: return MinMax(double(), A, B, true);
  // pmin/pmax return one operand unchanged, even a signalling NaN.
  case Op::F32x4Pmin: return exactVec(PseudoMinMax(float(), A, B, Pmin));
  case Op::F64x2Pmin: return exactVec(PseudoMinMax(double(), A, B, Pmin));
  case Op::F32x4Pmax: return exactVec(PseudoMinMax(float(), A, B, Pmax));
  case Op::F64x2Pmax: return exactVec(PseudoMinMax(double(), A, B, Pmax));

  case Op::I32x4TruncSatF32x4S:
    return exactVec(build<i32>([&](unsigned I) { return truncSat<i32>(fl<float>(ln<u32>(A, I))); }));
  case Op::I32x4TruncSatF32x4U:
    return exactVec(build<u32>([&](unsigned I) { return truncSat<u32>(fl<float>(ln<u32>(A, I))); }));
  case Op::I32x4TruncSatF64x2SZero: return exactVec(TruncSatZero(double(), i32(), A));
  case Op::I32x4TruncSatF64x2UZero: return exactVec(TruncSatZero(double(), u32(), A));
  // The host's int->float conversions round to nearest even.
  case Op::F32x4ConvertI32x4S:    return exactVec(Convert(i32(), A));
  case Op::F32x4ConvertI32x4U:    return exactVec(Convert(u32(), A));
  case Op::F64x2ConvertLowI32x4S: return exactVec(ConvertLow(i32(), A));
  case Op::F64x2ConvertLowI32x4U: return exactVec(ConvertLow(u32(), A));
  case Op::F32x4DemoteF64x2Zero:
    return lanesWant(32, [&](unsigned I) -> std::vector<Alt> {
      if (I >= 2) return {exact(0)};
      u64 X = ln<u64>(A, I);
      float R = float(fl<double>(X));
      return {std::isnan(R) ? nanAlt<double>({X}) : exact(bits(R))};
    });
  case Op::F64x2PromoteLowF32x4:
    return lanesWant(64, [&](unsigned I) -> std::vector<Alt> {
      u32 X = ln<u32>(A, I);
      double R = double(fl<float>(X));
      return {std::isnan(R) ? nanAlt<float>({X}) : exact(bits(R))};
    });

  case Op::I32x4RelaxedTruncF32x4S:     return RelaxedTrunc(float(), true);
  case Op::I32x4RelaxedTruncF32x4U:     return RelaxedTrunc(float(), false);
  case Op::I32x4RelaxedTruncF64x2SZero: return RelaxedTrunc(double(), true);
  case Op::I32x4RelaxedTruncF64x2UZero: return RelaxedTrunc(double(), false);
  case Op::F32x4RelaxedMadd:  return Madd(float(), false);
  case Op::F32x4RelaxedNmadd: return Madd(float(), true);
  case Op::F64x2RelaxedMadd:  return Madd(double(), false);
  case Op::F64x2RelaxedNmadd: return Madd(double(), true);
  case Op::I8x16RelaxedLaneselect: return Laneselect(u8());
  case Op::I16x8RelaxedLaneselect: return Laneselect(u16());
  case Op::I32x4RelaxedLaneselect: return Laneselect(u32());
  case Op::I64x2RelaxedLaneselect: return Laneselect(u64());
  case Op::F32x4RelaxedMin: return RelaxedMin(float(), false);
  case Op::F32x4RelaxedMax: return RelaxedMin(float(), true);
  case Op::F64x2RelaxedMin: return RelaxedMin(double(), false);
  case Op::F64x2RelaxedMax: return RelaxedMin(double(), true);
  case Op::I16x8RelaxedQ15mulrS:
    return lanesWant(16, [&](unsigned I) -> std::vector<Alt> {
      i16 X = ln<i16>(A, I), Y = ln<i16>(B, I);
      if (X == INT16_MIN && Y == INT16_MIN)
        return pick(M, {exact(0x7fff), exact(0x8000)}, 1);
      return {exact(u16(satS<i16>((i32(X) * i32(Y) + 0x4000) >> 15)))};
    });
  case Op::I16x8RelaxedDotI8x16I7x16S:
    return lanesWant(16, [&](unsigned I) {
      return pick(M, {exact(u16(relaxedDotLane(A, B, I, 0))),
                      exact(u16(relaxedDotLane(A, B, I, 1)))}, 1);
    });
  case Op::I32x4RelaxedDotI8x16I7x16AddS:
    return lanesWant(32, [&](unsigned I) {
      std::vector<Alt> Options;
      for (unsigned Choice : {0u, 1u}) {
        i32 Sum = relaxedDotLane(A, B, 2 * I, Choice) + relaxedDotLane(A, B, 2 * I + 1, Choice);
        Options.push_back(exact(u32(Sum) + ln<u32>(C, I)));
      }
      return pick(M, Options, 1);
    });
  default:
    break;
  }
  ADD_FAILURE() << "no reference for " << name(In.Opcode);
  return {};
}
// clang-format on

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

/// How the lanes of an operand are drawn.
enum class Gen { I8, I16, I32, I64, F32, F64, SwizzleIdx };

unsigned laneBits(Gen G) {
  switch (G) {
  case Gen::I8:
  case Gen::SwizzleIdx:
    return 8;
  case Gen::I16:
    return 16;
  case Gen::I32:
  case Gen::F32:
    return 32;
  case Gen::I64:
  case Gen::F64:
    return 64;
  }
  return 8;
}

std::vector<uint64_t> f32Edges() {
  std::vector<uint64_t> V;
  for (float X :
       {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 3.5f,
        0x1.fffffep-2f /*0.49999997*/, 0x1.000002p+23f /*2^23+1*/, 0x1p+24f,
        0x1.fffffep+127f, -0x1.fffffep+127f, 0x1p-149f, -0x1p-149f, 0x1p-126f,
        3.0f, 1e10f, -1e10f, 0x1.921fb6p+1f, -0x1p+31f, -0x1.000002p+31f,
        0x1.fffffep+30f, 0x1p+31f, 0x1.fffffep+31f, 0x1p+32f,
        -0x1.fffffep-1f /*-0.99999994*/, 65535.5f, -32768.5f,
        std::numeric_limits<float>::infinity(),
        -std::numeric_limits<float>::infinity()})
    V.push_back(bits(X));
  // NaNs: canonical both signs, quiet with payload, signalling.
  for (uint32_t N : {0x7fc00000u, 0xffc00000u, 0x7fc00001u, 0xffe12345u,
                     0x7f800001u, 0xff800001u, 0x7fa00000u, 0x7fffffffu})
    V.push_back(N);
  return V;
}

std::vector<uint64_t> f64Edges() {
  std::vector<uint64_t> V;
  for (double X :
       {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5,
        0x1.fffffffffffffp-2, 0x1.0000000000001p+52 /*2^52+1*/, 0x1p+53,
        0x1.fffffffffffffp+1023, -0x1.fffffffffffffp+1023, 0x1p-1074,
        -0x1p-1074, 0x1p-1022, 3.0, 1e300, -1e300, 0x1.921fb54442d18p+1,
        // f32 demotion: rounding, overflow and underflow.
        0x1.fffffefffffffp+127, 0x1.ffffffp+127, 0x1.000001p+0,
        0x1.0000010000001p+0, 0x1p-150, 0x1.0000000000001p-150,
        // i32 truncation boundaries on either side.
        -0x1p+31, -2147483649.0, -2147483648.5, 2147483647.0, 2147483647.5,
        0x1p+31, 4294967295.0, 4294967295.5, 0x1p+32,
        -0x1.fffffffffffffp-1, 0x1p+63, -0x1p+63,
        std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()})
    V.push_back(bits(X));
  for (uint64_t N :
       {0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff8000000000001ull,
        0xfffc123456789abcull, 0x7ff0000000000001ull, 0xfff0000000000001ull,
        0x7ff4000000000000ull, 0x7fffffffffffffffull})
    V.push_back(N);
  return V;
}

// clang-format off
std::vector<uint64_t> edges(Gen G) {
  switch (G) {
  case Gen::I8:
    return {0, 1, 2, 0x0f, 0x10, 0x3f, 0x40, 0x55, 0x7e, 0x7f, 0x80, 0x81,
            0xaa, 0xc0, 0xfe, 0xff};
  case Gen::I16:
    return {0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x1234, 0x3fff, 0x4000, 0x7ffe,
            0x7fff, 0x8000, 0x8001, 0xc000, 0xff00, 0xff7f, 0xff80, 0xfffe,
            0xffff};
  case Gen::I32:
    return {0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x10000,
            0x01000001, 0x12345678, 0x3fffffff, 0x40000000, 0x7fffffc0,
            0x7ffffffe, 0x7fffffff, 0x80000000, 0x80000001, 0x80000080,
            0xc0000000, 0xdeadbeef, 0xffff0000, 0xffff7fff, 0xffff8000,
            0xffffff80, 0xfffffffe, 0xffffffff};
  case Gen::I64:
    return {0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
            0x0123456789abcdef, 0x7fffffffffffffff, 0x8000000000000000,
            0x8000000000000001, 0xfedcba9876543210, 0xffffffff00000000,
            0xffffffff80000000, 0xfffffffffffffffe, 0xffffffffffffffff};
  case Gen::F32:
    return f32Edges();
  case Gen::F64:
    return f64Edges();
  case Gen::SwizzleIdx: {
    std::vector<uint64_t> V;
    for (unsigned I = 0; I < 16; ++I)
      V.push_back(I);
    for (unsigned I : {16, 17, 31, 32, 0x70, 0x7f, 0x80, 0x81, 0x8f, 0xf0, 0xff})
      V.push_back(I);
    return V;
  }
  }
  return {};
}

/// Scalar operands: i32 edges plus shift counts around each lane width.
std::vector<uint64_t> scalarEdges(OpType T) {
  switch (T) {
  case OpType::I32: {
    std::vector<uint64_t> V = edges(Gen::I32);
    for (uint64_t C : {3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 0x100,
                       0x101, 0x7fffffc1})
      V.push_back(C);
    return V;
  }
  case OpType::I64: return edges(Gen::I64);
  case OpType::F32: return edges(Gen::F32);
  case OpType::F64: return edges(Gen::F64);
  default: return {0};
  }
}
// clang-format on

Gen genOfShape(const std::string &Shape) {
  if (Shape == "i8x16")
    return Gen::I8;
  if (Shape == "i16x8")
    return Gen::I16;
  if (Shape == "i64x2")
    return Gen::I64;
  if (Shape == "f32x4")
    return Gen::F32;
  if (Shape == "f64x2")
    return Gen::F64;
  return Gen::I32; // i32x4 and v128
}

/// The lane shape an op reads: the one named after the '.' (the source of a
/// conversion: "i32x4.trunc_sat_f64x2_s_zero") or else the prefix's.
Gen inputGen(Op O) {
  std::string Text = name(O);
  size_t Dot = Text.find('.');
  size_t Best = std::string::npos;
  std::string Found;
  for (const char *Shape : {"i8x16", "i16x8", "i32x4", "i64x2", "f32x4",
                            "f64x2"}) {
    size_t At = Text.find(Shape, Dot);
    if (At != std::string::npos && At < Best) {
      Best = At;
      Found = Shape;
    }
  }
  return genOfShape(Found.empty() ? Text.substr(0, Dot) : Found);
}

/// Draws operand \p N (0-based among the v128 operands) of \p O.
Gen operandGen(Op O, unsigned N) {
  if ((O == Op::I8x16Swizzle || O == Op::I8x16RelaxedSwizzle) && N == 1)
    return Gen::SwizzleIdx;
  if (O == Op::I32x4RelaxedDotI8x16I7x16AddS && N == 2)
    return Gen::I32; // the accumulator
  return inputGen(O);
}

std::vector<OpType> operandTypes(Op O) {
  std::vector<OpType> Ts;
  for (OpType T : {info(O).P0, info(O).P1, info(O).P2})
    if (T != OpType::Void)
      Ts.push_back(T);
  return Ts;
}

/// Lane \p I of a vector drawn by \p G gets value \p Bits.
void setLaneBits(V128 &V, Gen G, unsigned I, uint64_t Bits) {
  switch (laneBits(G)) {
  case 8:
    put<uint8_t>(V, I, uint8_t(Bits));
    break;
  case 16:
    put<uint16_t>(V, I, uint16_t(Bits));
    break;
  case 32:
    put<uint32_t>(V, I, uint32_t(Bits));
    break;
  default:
    put<uint64_t>(V, I, Bits);
  }
}

/// A random lane: an edge value half of the time, otherwise random bits
/// (floats: a random finite value of moderate magnitude or random bits).
uint64_t randomLane(Gen G, const std::vector<uint64_t> &E, std::mt19937_64 &R) {
  uint64_t Bits = R();
  switch (R() % 4) {
  case 0:
  case 1:
    return E[R() % E.size()];
  case 2:
    if (G == Gen::F32)
      return bits(float(std::ldexp(double(int64_t(Bits % 2000001) - 1000000),
                                   int(R() % 60) - 30)));
    if (G == Gen::F64)
      return bits(std::ldexp(double(int64_t(Bits % 2000001) - 1000000),
                             int(R() % 100) - 50));
    [[fallthrough]];
  default:
    return laneBits(G) == 64 ? Bits : Bits & ((1ull << laneBits(G)) - 1);
  }
}

/// Edge cases of \p O's operands: every pair of edge values of the first two
/// v128 operands meets in some lane (the third cycles through its edges),
/// plus random vectors; scalar operands take each of their edge values
/// against a few of those vectors.
std::vector<Case> casesFor(Op O) {
  std::vector<OpType> Ts = operandTypes(O);
  unsigned NumVec = 0;
  OpType Scalar = OpType::Void;
  for (OpType T : Ts) {
    if (T == OpType::V128)
      ++NumVec;
    else
      Scalar = T;
  }
  std::vector<Case> Vecs;
  if (NumVec > 0) {
    Gen GA = operandGen(O, 0), GB = operandGen(O, 1), GC = operandGen(O, 2);
    std::vector<uint64_t> EA = edges(GA), EB = edges(GB), EC = edges(GC);
    unsigned Lanes = 128 / laneBits(GA), LanesC = 128 / laneBits(GC);
    size_t Pairs = EA.size() * (NumVec >= 2 ? EB.size() : 1);
    // Unary ops also see every edge in every lane position.
    size_t Total = NumVec >= 2 ? Pairs : EA.size() * Lanes;
    Case K;
    for (size_t N = 0; N < Total; ++N) {
      unsigned Lane = unsigned(N % Lanes);
      size_t P = N % Pairs;
      setLaneBits(K.A, GA, Lane, EA[P % EA.size()]);
      setLaneBits(K.B, GB, Lane, EB[(P / EA.size()) % EB.size()]);
      if (Lane < LanesC)
        setLaneBits(K.C, GC, Lane, EC[(N * 7 + 3) % EC.size()]);
      if (Lane == Lanes - 1 || N + 1 == Total)
        Vecs.push_back(K);
    }
    std::mt19937_64 R(uint64_t(O) * 7919 + 1);
    for (unsigned N = 0; N < 200; ++N) {
      Case Rand;
      for (unsigned I = 0; I < Lanes; ++I) {
        setLaneBits(Rand.A, GA, I, randomLane(GA, EA, R));
        setLaneBits(Rand.B, GB, I, randomLane(GB, EB, R));
      }
      for (unsigned I = 0; I < LanesC; ++I)
        setLaneBits(Rand.C, GC, I, randomLane(GC, EC, R));
      Vecs.push_back(Rand);
    }
  }
  if (Scalar == OpType::Void)
    return Vecs;
  std::vector<Case> Out;
  std::vector<uint64_t> Ss = scalarEdges(Scalar);
  for (size_t N = 0; N < Ss.size(); ++N) {
    if (Vecs.empty()) {
      Case K;
      K.S = Ss[N];
      Out.push_back(K);
      continue;
    }
    for (size_t J = 0; J < 4; ++J) {
      Case K = Vecs[(N * 5 + J * 37) % Vecs.size()];
      K.S = Ss[N];
      Out.push_back(K);
    }
  }
  return Out;
}

//===----------------------------------------------------------------------===//
// Ops and their immediates
//===----------------------------------------------------------------------===//

bool isRegisterSimd(Op O) {
  switch (info(O).Category) {
  case OpCategory::SimdConst:
  case OpCategory::SimdShuffle:
  case OpCategory::SimdSwizzle:
  case OpCategory::SimdSplat:
  case OpCategory::SimdExtractLane:
  case OpCategory::SimdReplaceLane:
  case OpCategory::SimdCompare:
  case OpCategory::SimdBitwise:
  case OpCategory::SimdTest:
  case OpCategory::SimdShift:
  case OpCategory::SimdUnary:
  case OpCategory::SimdBinary:
  case OpCategory::SimdConvert:
  case OpCategory::SimdRelaxed:
    return true;
  default:
    return false;
  }
}

std::vector<Op> simdOps() {
  std::vector<Op> Ops;
  for (unsigned I = 0; I < kiln::wasm::NumOps; ++I)
    if (isRegisterSimd(Op(I)))
      Ops.push_back(Op(I));
  return Ops;
}

bool isRelaxed(Op O) { return info(O).Feat == kiln::wasm::Feature::RelaxedSimd; }

V128 bytesOf(std::initializer_list<int> L) {
  V128 V{};
  unsigned I = 0;
  for (int X : L)
    V[I++] = uint8_t(X);
  return V;
}

/// One lowered function: an op with particular immediates.
struct Variant {
  std::string Name;
  Instr I;
};

std::vector<Variant> variantsFor(Op O) {
  std::string Base = "op_" + std::to_string(unsigned(O));
  Instr I;
  I.Opcode = O;
  std::vector<Variant> Vs;
  switch (info(O).Category) {
  case OpCategory::SimdExtractLane:
  case OpCategory::SimdReplaceLane:
    for (unsigned L = 0; L < info(O).Width; ++L) {
      I.Lane = uint8_t(L);
      Vs.push_back({Base + "_lane" + std::to_string(L), I});
    }
    return Vs;
  case OpCategory::SimdShuffle: {
    std::vector<V128> Masks = {
        bytesOf({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}),
        bytesOf({16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}),
        bytesOf({0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}),
        bytesOf({8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31}),
        bytesOf({31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16}),
        bytesOf({15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}),
        bytesOf({5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}),
        bytesOf({4, 5, 6, 7, 20, 21, 22, 23, 0, 1, 2, 3, 16, 17, 18, 19}),
    };
    std::mt19937_64 R(42);
    for (int N = 0; N < 4; ++N) {
      V128 M;
      for (uint8_t &B : M)
        B = uint8_t(R() % 32);
      Masks.push_back(M);
    }
    for (size_t N = 0; N < Masks.size(); ++N) {
      I.Bytes = Masks[N];
      Vs.push_back({Base + "_mask" + std::to_string(N), I});
    }
    return Vs;
  }
  case OpCategory::SimdConst: {
    std::vector<V128> Consts = {
        V128{}, bytesOf({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
        bytesOf({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}),
        // f32x4 sNaN, -0, 1.0, nan:0x200000 (bit patterns survive).
        bytesOf({0x01, 0, 0x80, 0x7f, 0, 0, 0, 0x80, 0, 0, 0x80, 0x3f, 0, 0,
                 0xa0, 0x7f})};
    for (size_t N = 0; N < Consts.size(); ++N) {
      I.Bytes = Consts[N];
      Vs.push_back({Base + "_const" + std::to_string(N), I});
    }
    return Vs;
  }
  default:
    return {{Base, I}};
  }
}

//===----------------------------------------------------------------------===//
// Building and running the thunks
//===----------------------------------------------------------------------===//

/// void thunk(const v128 *A, const v128 *B, const v128 *C, uint64_t S,
///            uint8_t Out[16]): runs one op; v128 operands come from A, B, C
/// in order, a scalar operand from S's low bits; a scalar result is stored
/// zero-extended to 64 bits.
using Thunk = void (*)(const uint8_t *, const uint8_t *, const uint8_t *,
                       uint64_t, uint8_t *);

llvm::Type *scalarType(llvm::LLVMContext &C, OpType T) {
  switch (T) {
  case OpType::I32:
    return llvm::Type::getInt32Ty(C);
  case OpType::I64:
    return llvm::Type::getInt64Ty(C);
  case OpType::F32:
    return llvm::Type::getFloatTy(C);
  case OpType::F64:
    return llvm::Type::getDoubleTy(C);
  default:
    return nullptr;
  }
}

struct ThunkOptions {
  bool IsX86 = true;
  /// Bake the case's operands into the IR as constants (for LLVM's folders).
  const Case *Constants = nullptr;
  /// Set fast-math flags on the builder first; the lowering must ignore them.
  bool FastMathBuilder = false;
  llvm::Value **Lowered = nullptr; ///< Receives the lowered value.
};

void emitThunk(llvm::Module &M, const Variant &V, const std::string &Name,
               const ThunkOptions &Opts) {
  llvm::LLVMContext &C = M.getContext();
  llvm::Type *Ptr = llvm::PointerType::getUnqual(C);
  llvm::Type *I64 = llvm::Type::getInt64Ty(C);
  auto *V128Ty = llvm::FixedVectorType::get(llvm::Type::getInt32Ty(C), 4);
  auto *FnTy = llvm::FunctionType::get(llvm::Type::getVoidTy(C),
                                       {Ptr, Ptr, Ptr, I64, Ptr}, false);
  auto *Fn = llvm::Function::Create(FnTy, llvm::Function::ExternalLinkage,
                                    Name, M);
  llvm::IRBuilder<> B(llvm::BasicBlock::Create(C, "entry", Fn));
  if (Opts.FastMathBuilder)
    B.setFastMathFlags(llvm::FastMathFlags::getFast());

  auto VecOperand = [&](unsigned N) -> llvm::Value * {
    if (Opts.Constants) {
      const V128 &Src = N == 0 ? Opts.Constants->A
                        : N == 1 ? Opts.Constants->B
                                 : Opts.Constants->C;
      return llvm::ConstantDataVector::get(
          C, llvm::ArrayRef<uint32_t>({ln<uint32_t>(Src, 0), ln<uint32_t>(Src, 1),
                                       ln<uint32_t>(Src, 2), ln<uint32_t>(Src, 3)}));
    }
    return B.CreateAlignedLoad(V128Ty, Fn->getArg(N), llvm::Align(1));
  };
  auto ScalarOperand = [&](OpType T) -> llvm::Value * {
    llvm::Value *Bits = Opts.Constants
                            ? static_cast<llvm::Value *>(B.getInt64(Opts.Constants->S))
                            : Fn->getArg(3);
    llvm::Type *Ty = scalarType(C, T);
    unsigned Width = Ty->getPrimitiveSizeInBits();
    llvm::Value *Int = B.CreateTrunc(Bits, B.getIntNTy(Width));
    return B.CreateBitCast(Int, Ty);
  };

  std::vector<llvm::Value *> Ops;
  unsigned NextVec = 0;
  for (OpType T : operandTypes(V.I.Opcode))
    Ops.push_back(T == OpType::V128 ? VecOperand(NextVec++) : ScalarOperand(T));

  SimdLowering L(B, V128Ty, Opts.IsX86);
  llvm::Value *R = L.lower(V.I, Ops);
  if (Opts.Lowered)
    *Opts.Lowered = R;
  OpType RT = info(V.I.Opcode).Result;
  llvm::Value *Out = Fn->getArg(4);
  if (RT == OpType::V128) {
    EXPECT_EQ(R->getType(), V128Ty) << name(V.I.Opcode);
    B.CreateAlignedStore(R, Out, llvm::Align(1));
  } else {
    EXPECT_EQ(R->getType(), scalarType(C, RT)) << name(V.I.Opcode);
    unsigned Width = R->getType()->getPrimitiveSizeInBits();
    llvm::Value *Int = B.CreateBitCast(R, B.getIntNTy(Width));
    B.CreateAlignedStore(B.CreateZExt(Int, I64), Out, llvm::Align(1));
  }
  B.CreateRetVoid();
}

void initTargets() {
  static bool Done = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)Done;
}

bool hostIsX86_64() {
  return llvm::Triple(llvm::sys::getProcessTriple()).getArch() ==
         llvm::Triple::x86_64;
}

struct Config {
  bool Optimize;    ///< O2 IR pipeline + default codegen, else O0 both.
  bool X86Lowering; ///< SimdLowering's IsX86.
  const char *Cpu;  ///< "host", or an x86-64 CPU name (features cleared).
  /// If set, the module carries this triple while SimdLowering builds it
  /// (the lowering may adapt to the target), then the host's for the JIT.
  /// Only meaningful for lowerings that emit target-independent IR.
  const char *LoweringTriple = nullptr;
};

std::string configName(const Config &C) {
  std::string Cpu = C.Cpu;
  if (C.LoweringTriple)
    Cpu += std::string("_as_") + C.LoweringTriple;
  for (char &Ch : Cpu)
    if (!std::isalnum(static_cast<unsigned char>(Ch)))
      Ch = '_';
  return std::string(C.Optimize ? "O2" : "O0") +
         (C.X86Lowering ? "_X86Lowering_" : "_GenericLowering_") + Cpu;
}
std::string paramName(const testing::TestParamInfo<Config> &Info) {
  return configName(Info.param);
}
void PrintTo(const Config &C, std::ostream *OS) { *OS << configName(C); }

void runO2(llvm::Module &M, llvm::TargetMachine &TM) {
  llvm::LoopAnalysisManager LAM;
  llvm::FunctionAnalysisManager FAM;
  llvm::CGSCCAnalysisManager CGAM;
  llvm::ModuleAnalysisManager MAM;
  llvm::PassBuilder PB(&TM);
  PB.registerModuleAnalyses(MAM);
  PB.registerCGSCCAnalyses(CGAM);
  PB.registerFunctionAnalyses(FAM);
  PB.registerLoopAnalyses(LAM);
  PB.crossRegisterProxies(LAM, FAM, CGAM, MAM);
  PB.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(M, MAM);
}

/// One JIT holding the thunks \p Build emits.
class JittedOps {
public:
  JittedOps(Config Cfg, const std::function<void(llvm::Module &)> &Build) {
    initTargets();
    auto JTMB = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!JTMB) {
      Failure = llvm::toString(JTMB.takeError());
      return;
    }
    if (std::string(Cfg.Cpu) != "host") {
      JTMB->setCPU(Cfg.Cpu);
      JTMB->getFeatures() = llvm::SubtargetFeatures();
    }
    JTMB->setCodeGenOptLevel(Cfg.Optimize ? llvm::CodeGenOptLevel::Default
                                          : llvm::CodeGenOptLevel::None);
    auto TM = JTMB->createTargetMachine();
    if (!TM) {
      Failure = llvm::toString(TM.takeError());
      return;
    }
    auto J =
        llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(*JTMB).create();
    if (!J) {
      Failure = llvm::toString(J.takeError());
      return;
    }
    Jit = std::move(*J);

    auto Ctx = std::make_unique<llvm::LLVMContext>();
    auto M = std::make_unique<llvm::Module>("simd", *Ctx);
    M->setDataLayout(Jit->getDataLayout());
    M->setTargetTriple(Cfg.LoweringTriple ? std::string(Cfg.LoweringTriple)
                                          : Jit->getTargetTriple().str());
    Build(*M);
    M->setTargetTriple(Jit->getTargetTriple().str());
    std::string Err;
    llvm::raw_string_ostream OS(Err);
    if (llvm::verifyModule(*M, &OS)) {
      Failure = "invalid IR: " + Err;
      return;
    }
    if (Cfg.Optimize)
      runO2(*M, **TM);
    if (llvm::Error E = Jit->addIRModule(
            llvm::orc::ThreadSafeModule(std::move(M), std::move(Ctx)))) {
      Failure = llvm::toString(std::move(E));
      return;
    }
  }

  const std::string &failure() const { return Failure; }

  V128 run(const std::string &Name, const Case &K) {
    Thunk &F = Thunks[Name];
    if (!F) {
      auto Addr = Jit->lookup(Name);
      if (!Addr) {
        ADD_FAILURE() << llvm::toString(Addr.takeError());
        return {};
      }
      F = Addr->toPtr<Thunk>();
    }
    V128 Out{};
    F(K.A.data(), K.B.data(), K.C.data(), K.S, Out.data());
    return Out;
  }

private:
  std::unique_ptr<llvm::orc::LLJIT> Jit;
  std::map<std::string, Thunk> Thunks;
  std::string Failure;
};

/// The JIT with every variant of every op for \p Cfg, built once.
JittedOps &jitFor(Config Cfg) {
  static std::map<std::string, std::unique_ptr<JittedOps>> Cache;
  std::string Key = configName(Cfg);
  auto &Slot = Cache[Key];
  if (!Slot)
    Slot = std::make_unique<JittedOps>(Cfg, [&](llvm::Module &M) {
      ThunkOptions Opts;
      Opts.IsX86 = Cfg.X86Lowering;
      for (Op O : simdOps())
        for (const Variant &V : variantsFor(O))
          emitThunk(M, V, V.Name, Opts);
    });
  return *Slot;
}

std::string describeCase(const Instr &I, const Case &K) {
  std::string S = std::string(name(I.Opcode));
  const kiln::wasm::OpInfo &In = info(I.Opcode);
  if (In.Category == OpCategory::SimdExtractLane ||
      In.Category == OpCategory::SimdReplaceLane)
    S += " lane " + std::to_string(I.Lane);
  if (In.Category == OpCategory::SimdShuffle ||
      In.Category == OpCategory::SimdConst)
    S += " imm " + hex(I.Bytes);
  S += "(";
  unsigned NextVec = 0;
  for (OpType T : operandTypes(I.Opcode)) {
    if (S.back() != '(')
      S += ", ";
    S += T == OpType::V128
             ? hex(NextVec == 0 ? K.A : NextVec == 1 ? K.B : K.C)
             : hex(K.S);
    NextVec += T == OpType::V128;
  }
  return S + ")";
}

/// Runs \p V on \p K and checks against \p W, reporting a few failures.
void expectCase(JittedOps &J, const Variant &V, const Case &K, const Want &W,
                unsigned &Failures, const char *Note = "") {
  V128 Got = J.run(V.Name, K);
  if (matches(W, Got))
    return;
  if (++Failures <= 6)
    ADD_FAILURE() << describeCase(V.I, K) << Note << ":\n  expected "
                  << describe(W) << "\n  got      " << hex(Got);
}

Mode modeFor(const Config &C) {
  return C.X86Lowering ? Mode::X86 : Mode::Deterministic;
}

class SimdLoweringTest : public testing::TestWithParam<Config> {
protected:
  void SetUp() override {
    bool NeedsX86 = GetParam().X86Lowering || std::string(GetParam().Cpu) != "host";
    if (NeedsX86 && !hostIsX86_64())
      GTEST_SKIP() << "x86-64 configuration on a non-x86-64 host";
    JittedOps &J = jitFor(GetParam());
    ASSERT_TRUE(J.failure().empty()) << J.failure();
    Jit = &J;
  }

  /// Every variant of every op selected by \p Pred on its edge cases,
  /// against the reference in mode \p M.
  void checkAgainstReference(const std::function<bool(Op)> &Pred, Mode M) {
    unsigned Ops = 0;
    size_t Checked = 0;
    for (Op O : simdOps()) {
      if (!Pred(O))
        continue;
      ++Ops;
      std::vector<Case> Cases = casesFor(O);
      unsigned Failures = 0;
      for (const Variant &V : variantsFor(O))
        for (const Case &K : Cases)
          expectCase(*Jit, V, K, reference(V.I, K, M), Failures);
      EXPECT_EQ(Failures, 0u) << name(O);
      Checked += Cases.size() * variantsFor(O).size();
    }
    EXPECT_GT(Ops, 0u);
    RecordProperty("ops", int(Ops));
    RecordProperty("cases", int(Checked));
  }

  /// A hand-written expectation, independent of reference().
  void expectSpot(Op O, const Case &K, const V128 &Want, uint8_t Lane = 0) {
    Variant V{"", {}};
    for (const Variant &Candidate : variantsFor(O))
      if (Candidate.I.Lane == Lane)
        V = Candidate;
    V128 Got = Jit->run(V.Name, K);
    EXPECT_EQ(hex(Got), hex(Want)) << describeCase(V.I, K);
  }

  bool x86() const { return GetParam().X86Lowering; }

  JittedOps *Jit = nullptr;
};

OpCategory categoryOf(Op O) { return info(O).Category; }
bool isFloatOp(Op O) { return name(O)[0] == 'f'; }

//===----------------------------------------------------------------------===//
// Comparison with the reference
//===----------------------------------------------------------------------===//

TEST_P(SimdLoweringTest, ConstantsShufflesAndLanesMatchReference) {
  checkAgainstReference(
      [](Op O) {
        switch (categoryOf(O)) {
        case OpCategory::SimdConst:
        case OpCategory::SimdShuffle:
        case OpCategory::SimdSwizzle:
        case OpCategory::SimdSplat:
        case OpCategory::SimdExtractLane:
        case OpCategory::SimdReplaceLane:
          return true;
        default:
          return false;
        }
      },
      modeFor(GetParam()));
}

TEST_P(SimdLoweringTest, ComparisonsBitwiseTestsAndShiftsMatchReference) {
  checkAgainstReference(
      [](Op O) {
        OpCategory C = categoryOf(O);
        return C == OpCategory::SimdCompare || C == OpCategory::SimdBitwise ||
               C == OpCategory::SimdTest || C == OpCategory::SimdShift;
      },
      modeFor(GetParam()));
}

TEST_P(SimdLoweringTest, IntegerArithmeticMatchesReference) {
  checkAgainstReference(
      [](Op O) {
        OpCategory C = categoryOf(O);
        return (C == OpCategory::SimdUnary || C == OpCategory::SimdBinary) &&
               !isFloatOp(O);
      },
      modeFor(GetParam()));
}

TEST_P(SimdLoweringTest, FloatArithmeticMatchesReference) {
  checkAgainstReference(
      [](Op O) {
        OpCategory C = categoryOf(O);
        return (C == OpCategory::SimdUnary || C == OpCategory::SimdBinary) &&
               isFloatOp(O);
      },
      modeFor(GetParam()));
}

TEST_P(SimdLoweringTest, ConversionsMatchReference) {
  checkAgainstReference(
      [](Op O) { return categoryOf(O) == OpCategory::SimdConvert; },
      modeFor(GetParam()));
}

/// Relaxed ops give exactly the result their lowering documents (the
/// deterministic profile's for the generic lowering, the native one on
/// x86), and that result is one the proposal permits.
TEST_P(SimdLoweringTest, RelaxedSimdMatchesDocumentedChoice) {
  checkAgainstReference(isRelaxed, modeFor(GetParam()));
}

TEST_P(SimdLoweringTest, RelaxedSimdResultsArePermitted) {
  checkAgainstReference(isRelaxed, Mode::Permitted);
}

//===----------------------------------------------------------------------===//
// Hand-written edge cases
//===----------------------------------------------------------------------===//

template <typename T> V128 vec(std::initializer_list<T> L) {
  V128 V{};
  unsigned I = 0;
  for (T X : L)
    put<T>(V, I++, X);
  return V;
}
Case args(const V128 &A, const V128 &B = {}, const V128 &C = {},
          uint64_t S = 0) {
  Case K;
  K.A = A;
  K.B = B;
  K.C = C;
  K.S = S;
  return K;
}
Case argsS(const V128 &A, uint64_t S) { return args(A, {}, {}, S); }

constexpr float InfF = std::numeric_limits<float>::infinity();
constexpr uint32_t F32SNan = 0x7f800001u, F32NegQNan = 0xffc00000u;

TEST_P(SimdLoweringTest, SwizzleZeroesOutOfRangeLanes) {
  V128 Src = vec<uint8_t>({10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                           22, 23, 24, 25});
  V128 Idx = vec<uint8_t>({0, 15, 16, 17, 31, 32, 0x70, 0x7f, 0x80, 0x8f,
                           0xf0, 0xff, 3, 1, 2, 14});
  expectSpot(Op::I8x16Swizzle, args(Src, Idx),
             vec<uint8_t>({10, 25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13, 11, 12, 24}));
  // relaxed_swizzle: indices 16..127 are where the two choices differ.
  V128 Relaxed =
      x86() ? vec<uint8_t>({10, 25, 10, 11, 25, 10, 10, 25, 0, 0, 0, 0, 13, 11, 12, 24})
            : vec<uint8_t>({10, 25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 13, 11, 12, 24});
  expectSpot(Op::I8x16RelaxedSwizzle, args(Src, Idx), Relaxed);
}

TEST_P(SimdLoweringTest, ShiftCountsAreTakenModuloLaneWidth) {
  V128 A = vec<uint8_t>({0x81, 1, 0x80, 0xff, 0x40, 0, 0x7f, 2, 0x81, 1, 0x80,
                         0xff, 0x40, 0, 0x7f, 2});
  expectSpot(Op::I8x16Shl, argsS(A, 8), A);
  expectSpot(Op::I8x16Shl, argsS(A, 9), map1<uint8_t>(A, [](uint8_t X) { return X << 1; }));
  expectSpot(Op::I8x16ShrS, argsS(A, 0xffffffff),
             map1<int8_t>(A, [](int8_t X) { return X >> 7; }));
  expectSpot(Op::I16x8ShrU, argsS(vec<uint16_t>({0x8000, 0xffff}), 17),
             vec<uint16_t>({0x4000, 0x7fff}));
  expectSpot(Op::I32x4ShrS, argsS(vec<uint32_t>({0x80000000, 7}), 32),
             vec<uint32_t>({0x80000000, 7}));
  expectSpot(Op::I32x4Shl, argsS(vec<uint32_t>({1, 3}), 33), vec<uint32_t>({2, 6}));
  expectSpot(Op::I64x2ShrS, argsS(vec<uint64_t>({0x8000000000000000ull, 5}), 63),
             vec<uint64_t>({~0ull, 0}));
  expectSpot(Op::I64x2ShrS, argsS(vec<uint64_t>({0x8000000000000000ull, 5}), 64),
             vec<uint64_t>({0x8000000000000000ull, 5}));
  expectSpot(Op::I64x2ShrU, argsS(vec<uint64_t>({0x8000000000000000ull, 5}), 65),
             vec<uint64_t>({0x4000000000000000ull, 2}));
}

TEST_P(SimdLoweringTest, IntegerEdgeCases) {
  // abs(INT_MIN) = INT_MIN; neg wraps.
  expectSpot(Op::I8x16Abs, args(vec<uint8_t>({0x80, 0xff, 1})), vec<uint8_t>({0x80, 1, 1}));
  expectSpot(Op::I64x2Abs, args(vec<uint64_t>({0x8000000000000000ull, ~0ull})),
             vec<uint64_t>({0x8000000000000000ull, 1}));
  expectSpot(Op::I32x4Neg, args(vec<uint32_t>({0x80000000, 1})), vec<uint32_t>({0x80000000, ~0u}));
  // q15mulr: only INT16_MIN^2 saturates; -0x8000 * 0x7fff rounds to -0x7fff.
  expectSpot(Op::I16x8Q15mulrSatS,
             args(vec<uint16_t>({0x8000, 0x8000, 0x7fff, 0x4000, 0xffff}),
                  vec<uint16_t>({0x8000, 0x7fff, 0x7fff, 0x4000, 1})),
             vec<uint16_t>({0x7fff, 0x8001, 0x7ffe, 0x2000, 0}));
  // dot: (-0x8000)^2 * 2 wraps to INT32_MIN.
  expectSpot(Op::I32x4DotI16x8S,
             args(vec<uint16_t>({0x8000, 0x8000, 1, 2, 0xffff, 3}),
                  vec<uint16_t>({0x8000, 0x8000, 3, 4, 0xffff, 0x7fff})),
             vec<uint32_t>({0x80000000u, 11, 1 + 3 * 0x7fff, 0}));
  // narrow saturates from the signed interpretation.
  expectSpot(Op::I8x16NarrowI16x8U,
             args(vec<uint16_t>({0xffff, 0x100, 0xff, 0x80, 0x8000, 0x7fff, 1, 0}),
                  vec<uint16_t>({0x7f, 0xff80})),
             vec<uint8_t>({0, 0xff, 0xff, 0x80, 0, 0xff, 1, 0, 0x7f, 0}));
  expectSpot(Op::I16x8NarrowI32x4S,
             args(vec<uint32_t>({0x8000, 0xffff7fff, 0x7fff, 0xffffffff}),
                  vec<uint32_t>({0x80000000u, 0x7fffffff})),
             vec<uint16_t>({0x7fff, 0x8000, 0x7fff, 0xffff, 0x8000, 0x7fff}));
  expectSpot(Op::I16x8NarrowI32x4U,
             args(vec<uint32_t>({0x10000, 0xffffffff, 0xffff, 0x8000})),
             vec<uint16_t>({0xffff, 0, 0xffff, 0x8000}));
  // avgr_u rounds up without overflowing.
  expectSpot(Op::I8x16AvgrU, args(vec<uint8_t>({0xff, 0, 1}), vec<uint8_t>({0xff, 1, 2})),
             vec<uint8_t>({0xff, 1, 2}));
  expectSpot(Op::I32x4ExtaddPairwiseI16x8U,
             args(vec<uint16_t>({0xffff, 0xffff, 0x8000, 0x8000, 1, 0})),
             vec<uint32_t>({0x1fffe, 0x10000, 1, 0}));
  expectSpot(Op::I16x8ExtaddPairwiseI8x16S, args(vec<uint8_t>({0x80, 0x80, 0xff, 1})),
             vec<uint16_t>({0xff00, 0}));
}

TEST_P(SimdLoweringTest, TestsAndBitmasks) {
  V128 Top = vec<uint8_t>({0x80, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xff});
  expectSpot(Op::I8x16Bitmask, args(Top), vec<uint32_t>({0x8081}));
  expectSpot(Op::I16x8Bitmask, args(Top), vec<uint32_t>({0x88}));
  expectSpot(Op::I32x4Bitmask, args(Top), vec<uint32_t>({0xa}));
  expectSpot(Op::I64x2Bitmask, args(Top), vec<uint32_t>({0x3}));
  expectSpot(Op::V128AnyTrue, args(vec<uint8_t>({0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                 0, 0, 0, 0, 0, 1})),
             vec<uint32_t>({1}));
  expectSpot(Op::V128AnyTrue, args(V128{}), vec<uint32_t>({0}));
  expectSpot(Op::I16x8AllTrue, args(vec<uint16_t>({1, 0x100, 1, 1, 1, 1, 1, 1})),
             vec<uint32_t>({1}));
  expectSpot(Op::I32x4AllTrue, args(vec<uint32_t>({1, 1, 0, 1})), vec<uint32_t>({0}));
  expectSpot(Op::I64x2AllTrue, args(vec<uint64_t>({1ull << 63, 1ull << 32})),
             vec<uint32_t>({1}));
}

TEST_P(SimdLoweringTest, FloatNanAndSignedZeroEdgeCases) {
  // min/max: a signalling NaN operand comes out as a quiet NaN (canonical).
  Case K = args(vec<uint32_t>({F32SNan, 0, 0x80000000u, bits(1.0f)}),
                vec<uint32_t>({bits(1.0f), 0x80000000u, 0, 0xff800001u}));
  expectSpot(Op::F32x4Min, K, vec<uint32_t>({0x7fc00000u, 0x80000000u, 0x80000000u, 0x7fc00000u}));
  expectSpot(Op::F32x4Max, K, vec<uint32_t>({0x7fc00000u, 0, 0, 0x7fc00000u}));
  // pmin/pmax return the first operand bit for bit when unordered.
  expectSpot(Op::F32x4Pmin, K, vec<uint32_t>({F32SNan, 0, 0x80000000u, bits(1.0f)}));
  expectSpot(Op::F32x4Pmax, K, vec<uint32_t>({F32SNan, 0, 0x80000000u, bits(1.0f)}));
  // abs/neg keep payloads, even of signalling NaNs.
  expectSpot(Op::F32x4Neg, args(vec<uint32_t>({F32SNan, F32NegQNan})),
             vec<uint32_t>({F32SNan | 0x80000000u, 0x7fc00000u, 0x80000000u, 0x80000000u}));
  expectSpot(Op::F64x2Abs, args(vec<uint64_t>({0xfff0000000000001ull, 0x8000000000000000ull})),
             vec<uint64_t>({0x7ff0000000000001ull, 0}));
  // ne is the only comparison true on NaN.
  expectSpot(Op::F32x4Ne, args(vec<uint32_t>({F32SNan, 0}), vec<uint32_t>({F32SNan, 0x80000000u})),
             vec<uint32_t>({~0u, 0, 0, 0}));
  expectSpot(Op::F32x4Nearest, args(vec<float>({2.5f, -0.5f, 3.5f, -2.5f})),
             vec<float>({2.0f, -0.0f, 4.0f, -2.0f}));
}

TEST_P(SimdLoweringTest, SaturatingTruncationBoundaries) {
  expectSpot(Op::I32x4TruncSatF32x4S,
             args(vec<float>({0x1p31f, -0x1.000002p31f, std::nanf(""), -InfF})),
             vec<uint32_t>({0x7fffffff, 0x80000000u, 0, 0x80000000u}));
  expectSpot(Op::I32x4TruncSatF32x4U,
             args(vec<float>({0x1.fffffep31f, 0x1p32f, -0.99f, 0x1p31f})),
             vec<uint32_t>({0xffffff00u, 0xffffffffu, 0, 0x80000000u}));
  expectSpot(Op::I32x4TruncSatF64x2SZero, args(vec<double>({2147483647.9, -2147483648.9})),
             vec<uint32_t>({0x7fffffff, 0x80000000u, 0, 0}));
  expectSpot(Op::I32x4TruncSatF64x2UZero, args(vec<double>({4294967295.9, -0.9})),
             vec<uint32_t>({0xffffffffu, 0, 0, 0}));
  expectSpot(Op::F32x4ConvertI32x4U, args(vec<uint32_t>({0xffffffffu, 0x80000080u, 0x01000001u})),
             vec<float>({0x1p32f, 0x1p31f, 0x1p24f, 0.0f}));
  expectSpot(Op::F32x4DemoteF64x2Zero, args(vec<double>({0x1.ffffffp+127, 0x1p-150})),
             vec<float>({InfF, 0.0f, 0.0f, 0.0f}));
}

/// The relaxed choices, spelled out per lowering.
TEST_P(SimdLoweringTest, RelaxedChoicesPerTarget) {
  bool X = x86();
  Case Trunc = args(vec<float>({0x1p31f, std::nanf(""), -0x1p32f, -1.5f}));
  expectSpot(Op::I32x4RelaxedTruncF32x4S, Trunc,
             X ? vec<uint32_t>({0x80000000u, 0x80000000u, 0x80000000u, ~0u})
               : vec<uint32_t>({0x7fffffff, 0, 0x80000000u, ~0u}));
  expectSpot(Op::I32x4RelaxedTruncF32x4U, Trunc, vec<uint32_t>({0x80000000u, 0, 0, 0}));
  expectSpot(Op::I32x4RelaxedTruncF64x2SZero, args(vec<double>({0x1p31, std::nan("")})),
             X ? vec<uint32_t>({0x80000000u, 0x80000000u, 0, 0})
               : vec<uint32_t>({0x7fffffff, 0, 0, 0}));
  // q15mulr: INT16_MIN^2 overflows to INT16_MIN on x86.
  expectSpot(Op::I16x8RelaxedQ15mulrS, args(vec<uint16_t>({0x8000}), vec<uint16_t>({0x8000})),
             vec<uint16_t>({uint16_t(X ? 0x8000 : 0x7fff), 0, 0, 0, 0, 0, 0, 0}));
  // laneselect with a mask that mixes bits: top bit (x86) or bitwise.
  Case Sel = args(vec<uint32_t>({0xffffffff, 0xffffffff}), vec<uint32_t>({0, 0}),
                  vec<uint32_t>({0x80000001u, 0x7fffffffu}));
  expectSpot(Op::I32x4RelaxedLaneselect, Sel,
             X ? vec<uint32_t>({0xffffffff, 0}) : vec<uint32_t>({0x80000001u, 0x7fffffffu}));
  // relaxed_min: minps returns the second operand on NaN and on +-0.
  Case Mn = args(vec<uint32_t>({F32SNan, 0, 0x80000000u, bits(2.0f)}),
                 vec<uint32_t>({bits(1.0f), F32SNan, 0, bits(1.0f)}));
  expectSpot(Op::F32x4RelaxedMin, Mn,
             X ? vec<uint32_t>({bits(1.0f), F32SNan, 0, bits(1.0f)})
               : vec<uint32_t>({0x7fc00000u, 0x7fc00000u, 0x80000000u, bits(1.0f)}));
  // relaxed dot: -128 * -127 (b signed) or -128 * 129 (b unsigned), the
  // pair sum saturated to i16.
  Case Dot = args(vec<int8_t>({-128, -128, 3, 4}), vec<int8_t>({-127, -127, 5, 6}));
  expectSpot(Op::I16x8RelaxedDotI8x16I7x16S, Dot,
             X ? vec<int16_t>({-32768, 39}) : vec<int16_t>({32512, 39}));
  Case DotAdd = Dot;
  DotAdd.C = vec<int32_t>({1, 2, 3, 4});
  expectSpot(Op::I32x4RelaxedDotI8x16I7x16AddS, DotAdd,
             X ? vec<int32_t>({-32768 + 39 + 1, 2, 3, 4}) : vec<int32_t>({32512 + 39 + 1, 2, 3, 4}));
  // madd is unfused everywhere: (1 + 2^-23)^2 - 1 loses the 2^-46 term.
  float E = 0x1p-23f;
  expectSpot(Op::F32x4RelaxedMadd,
             args(vec<float>({1 + E}), vec<float>({1 + E}), vec<float>({-1.0f})),
             vec<float>({2 * E, 0, 0, 0}));
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Configs, SimdLoweringTest,
    testing::Values(Config{false, false, "host"},
                    Config{true, false, "host"},
                    Config{true, false, "x86-64"},
                    Config{false, true, "x86-64-v2"},
                    Config{true, true, "x86-64-v2"},
                    Config{true, true, "host"},
                    // The generic lowering as built for 32-bit ARM, whose
                    // f64x2 min/max avoid llvm.minimum (see simd.cc).
                    Config{true, false, "host", "armv7-unknown-linux-gnueabihf"}),
    paramName);
// clang-format on

//===----------------------------------------------------------------------===//
// Constant operands
//===----------------------------------------------------------------------===//

template <typename F> bool isSignallingNan(UOf<F> B) {
  return isNan<F>(B) && (B & FloatBits<F>::Quiet) == 0;
}

/// LLVM's folders rewrite x + -0, x - +0, x * +-1 and x / +-1 to x (or -x)
/// without quieting a signalling NaN x; the LangRef allows that (LLVM does
/// not promise to quiet), Wasm does not. numeric_lowering_test.cc documents
/// the same deviation for the scalar ops. In relaxed_(n)madd the product
/// and the sum can each be such a fold. Lanes where that applies only need
/// to be some NaN.
template <typename F>
bool isIdentityFoldOfSignallingNan(Op O, UOf<F> A, UOf<F> B, UOf<F> C) {
  F X = fl<F>(A), Y = fl<F>(B), Z = fl<F>(C);
  auto IsOne = [](F V) { return V == F(1) || V == F(-1); };
  auto SNan = [](UOf<F> V) { return isSignallingNan<F>(V); };
  std::string Text = name(O);
  auto Is = [&](const char *Suffix) {
    return Text.size() > 6 && Text.substr(6) == Suffix;
  };
  if (Is("add"))
    return (SNan(A) && Y == 0) || (SNan(B) && X == 0);
  if (Is("sub"))
    return SNan(A) && Y == 0;
  if (Is("mul"))
    return (SNan(A) && IsOne(Y)) || (SNan(B) && IsOne(X));
  if (Is("div"))
    return SNan(A) && IsOne(Y);
  if (Is("relaxed_madd") || Is("relaxed_nmadd")) {
    bool ProductIsSNan = (SNan(A) && IsOne(Y)) || (SNan(B) && IsOne(X));
    bool ProductIsZero = !std::isnan(X) && !std::isnan(Y) && X * Y == 0;
    return (ProductIsSNan && Z == 0) || (SNan(C) && ProductIsZero);
  }
  return false;
}

/// reference() with the lanes isIdentityFoldOfSignallingNan covers relaxed
/// to any NaN.
Want foldedReference(const Instr &I, const Case &K, Mode M) {
  Want W = reference(I, K, M);
  bool F32 = std::string(name(I.Opcode)).rfind("f32x4.", 0) == 0;
  bool F64 = std::string(name(I.Opcode)).rfind("f64x2.", 0) == 0;
  if (!F32 && !F64)
    return W;
  for (unsigned L = 0; L < W.Lanes.size(); ++L) {
    bool Fold =
        F32 ? isIdentityFoldOfSignallingNan<float>(I.Opcode, ln<uint32_t>(K.A, L),
                                                   ln<uint32_t>(K.B, L),
                                                   ln<uint32_t>(K.C, L))
            : isIdentityFoldOfSignallingNan<double>(I.Opcode, ln<uint64_t>(K.A, L),
                                                    ln<uint64_t>(K.B, L),
                                                    ln<uint64_t>(K.C, L));
    if (Fold && W.LaneBits == (F32 ? 32u : 64u))
      W.Lanes[L] = {{Alt::AnyNan, 0}};
  }
  return W;
}

/// With every operand a constant, the -O2 pipeline folds the lowered IR
/// (x86 intrinsics included) and must still give the reference result.
TEST(SimdLoweringConstants, FoldedOperandsMatchReference) {
  if (!hostIsX86_64())
    GTEST_SKIP() << "the x86 lowering needs an x86-64 host";
  for (bool IsX86 : {false, true}) {
    std::vector<std::pair<Variant, Case>> Thunks;
    JittedOps J({true, IsX86, "x86-64-v2"}, [&](llvm::Module &M) {
      for (Op O : simdOps()) {
        std::vector<Case> Cases = casesFor(O);
        for (const Variant &V : variantsFor(O))
          for (size_t N = 0; N < Cases.size(); N += 1 + Cases.size() / 12) {
            Variant Folded = V;
            Folded.Name = V.Name + "_k" + std::to_string(N);
            ThunkOptions Opts;
            Opts.IsX86 = IsX86;
            Opts.Constants = &Cases[N];
            emitThunk(M, Folded, Folded.Name, Opts);
            Thunks.push_back({Folded, Cases[N]});
          }
      }
    });
    ASSERT_TRUE(J.failure().empty()) << J.failure();
    std::map<Op, unsigned> Failures;
    for (const auto &[V, K] : Thunks)
      expectCase(J, V, K,
                 foldedReference(V.I, K, IsX86 ? Mode::X86 : Mode::Deterministic),
                 Failures[V.I.Opcode], IsX86 ? " [constant, x86]" : " [constant, generic]");
    for (const auto &[O, N] : Failures)
      EXPECT_EQ(N, 0u) << name(O);
  }
}

//===----------------------------------------------------------------------===//
// IR shape
//===----------------------------------------------------------------------===//

TEST(SimdLoweringIR, LowersEveryRegisterSimdInstruction) {
  llvm::LLVMContext C;
  llvm::Module M("coverage", C);
  unsigned Ops = 0, Relaxed = 0;
  for (bool IsX86 : {false, true})
    for (Op O : simdOps()) {
      llvm::Value *R = nullptr;
      ThunkOptions Opts;
      Opts.IsX86 = IsX86;
      Opts.Lowered = &R;
      Variant V = variantsFor(O).front();
      emitThunk(M, V, V.Name + (IsX86 ? "_x86" : "_generic"), Opts);
      EXPECT_NE(R, nullptr) << name(O);
      Ops += IsX86;
      Relaxed += IsX86 && isRelaxed(O);
    }
  std::string Err;
  llvm::raw_string_ostream OS(Err);
  EXPECT_FALSE(llvm::verifyModule(M, &OS)) << Err;
  // Wasm 2.0's register-only SIMD set plus the 20 relaxed-SIMD instructions.
  EXPECT_EQ(Ops, 234u);
  EXPECT_EQ(Relaxed, 20u);
}

TEST(SimdLoweringIR, IgnoresFastMathFlagsOnTheBuilder) {
  llvm::LLVMContext C;
  llvm::Module M("fmf", C);
  for (bool IsX86 : {false, true})
    for (Op O : simdOps()) {
      if (!isFloatOp(O) && !isRelaxed(O))
        continue;
      ThunkOptions Opts;
      Opts.IsX86 = IsX86;
      Opts.FastMathBuilder = true;
      Variant V = variantsFor(O).front();
      emitThunk(M, V, V.Name + (IsX86 ? "_x86" : "_generic"), Opts);
    }
  unsigned FloatInstrs = 0;
  for (llvm::Function &F : M)
    for (llvm::Instruction &I : llvm::instructions(F)) {
      if (!llvm::isa<llvm::FPMathOperator>(I))
        continue;
      ++FloatInstrs;
      EXPECT_FALSE(I.getFastMathFlags().any()) << F.getName().str();
    }
  EXPECT_GT(FloatInstrs, 100u);
}

TEST(SimdLoweringIRDeathTest, NonSimdInstructionIsUnreachable) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  llvm::LLVMContext C;
  llvm::Module M("death", C);
  auto *V128Ty = llvm::FixedVectorType::get(llvm::Type::getInt32Ty(C), 4);
  auto *Fn = llvm::Function::Create(
      llvm::FunctionType::get(llvm::Type::getVoidTy(C), false),
      llvm::Function::ExternalLinkage, "f", M);
  llvm::IRBuilder<> B(llvm::BasicBlock::Create(C, "entry", Fn));
  SimdLowering L(B, V128Ty, false);
  Instr I;
  I.Opcode = Op::I32Add;
  llvm::Value *Args[] = {B.getInt32(1), B.getInt32(2)};
  EXPECT_DEATH(L.lower(I, Args), "not a register-only SIMD instruction");
  I.Opcode = Op::V128Load;
  EXPECT_DEATH(L.lower(I, Args), "not a register-only SIMD instruction");
}

//===----------------------------------------------------------------------===//
// Code quality on x86-64-v2
//===----------------------------------------------------------------------===//

/// Compiles \p M for x86-64-v2 at -O2 and returns the assembly.
std::string x86Assembly(llvm::Module &M) {
  initTargets();
  std::string Err;
  const char *Triple = "x86_64-unknown-linux-gnu";
  const llvm::Target *T = llvm::TargetRegistry::lookupTarget(Triple, Err);
  if (!T) {
    ADD_FAILURE() << Err;
    return "";
  }
  std::unique_ptr<llvm::TargetMachine> TM(T->createTargetMachine(
      Triple, "x86-64-v2", "", llvm::TargetOptions(), llvm::Reloc::PIC_,
      llvm::CodeModel::Small, llvm::CodeGenOptLevel::Default));
  M.setTargetTriple(Triple);
  M.setDataLayout(TM->createDataLayout());
  runO2(M, *TM);
  llvm::SmallString<0> Asm;
  llvm::raw_svector_ostream OS(Asm);
  llvm::legacy::PassManager PM;
  if (TM->addPassesToEmitFile(PM, OS, nullptr,
                              llvm::CodeGenFileType::AssemblyFile)) {
    ADD_FAILURE() << "cannot emit assembly";
    return "";
  }
  PM.run(M);
  return std::string(Asm.str());
}

/// The instruction mnemonics of each function in \p Asm.
std::map<std::string, std::vector<std::string>>
mnemonicsByFunction(const std::string &Asm) {
  std::map<std::string, std::vector<std::string>> R;
  std::istringstream In(Asm);
  std::string Line, Cur;
  while (std::getline(In, Line)) {
    if (!Line.empty() && Line[0] != '\t' && Line[0] != '.' &&
        Line.back() == ':') {
      Cur = Line.substr(0, Line.size() - 1);
      continue;
    }
    if (Cur.empty() || Line.size() < 2 || Line[0] != '\t' || Line[1] == '.')
      continue;
    std::string Mn = Line.substr(1, Line.find_first_of("\t ", 1) - 1);
    R[Cur].push_back(Mn);
  }
  return R;
}

bool isScalarLaneCode(const std::string &Mn) {
  static const std::set<std::string> Scalar = {
      "mulss",     "addss",     "subss",     "divss",     "mulsd",
      "addsd",     "imull",     "imulq",     "cvttss2si", "cvttsd2si",
      "cvtsi2ss",  "cvtsi2sd",  "cvtsi2ssl", "cvtsi2sdl", "cvtsi2ssq",
      "cvtsi2sdq", "cvttss2siq", "cvttsd2siq", "ucomiss",  "ucomisd"};
  return Scalar.count(Mn) || Mn.rfind("pextr", 0) == 0 ||
         Mn.rfind("pinsr", 0) == 0 || Mn.rfind("call", 0) == 0 ||
         Mn.rfind("j", 0) == 0;
}

/// The task's example: f32x4.mul + f32x4.add, an interleaving i8x16.shuffle
/// and i32x4.dot_i16x8_s become the SSE instructions, nothing per lane.
TEST(SimdLoweringCodeQuality, VectorInstructionsOnX86_64_v2) {
  initTargets();
  llvm::LLVMContext C;
  llvm::Module M("quality", C);
  auto *V128Ty = llvm::FixedVectorType::get(llvm::Type::getInt32Ty(C), 4);
  auto *Fn = llvm::Function::Create(
      llvm::FunctionType::get(V128Ty, {V128Ty, V128Ty, V128Ty, V128Ty}, false),
      llvm::Function::ExternalLinkage, "kernel", M);
  llvm::IRBuilder<> B(llvm::BasicBlock::Create(C, "entry", Fn));
  SimdLowering L(B, V128Ty, /*IsX86=*/true);
  auto Lower = [&](Op O, std::initializer_list<llvm::Value *> Args,
                   V128 Bytes = {}) {
    Instr I;
    I.Opcode = O;
    I.Bytes = Bytes;
    std::vector<llvm::Value *> Vs(Args);
    return L.lower(I, Vs);
  };
  llvm::Value *P = Lower(Op::F32x4Mul, {Fn->getArg(0), Fn->getArg(1)});
  llvm::Value *S = Lower(Op::F32x4Add, {P, Fn->getArg(2)});
  llvm::Value *Zip = Lower(
      Op::I8x16Shuffle, {S, Fn->getArg(3)},
      bytesOf({0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}));
  llvm::Value *Dot = Lower(Op::I32x4DotI16x8S, {Zip, Fn->getArg(1)});
  B.CreateRet(Dot);
  ASSERT_FALSE(llvm::verifyFunction(*Fn, &llvm::errs()));

  std::string Asm = x86Assembly(M);
  std::vector<std::string> Mns = mnemonicsByFunction(Asm)["kernel"];
  auto Has = [&](const char *Mn) {
    return std::find(Mns.begin(), Mns.end(), Mn) != Mns.end();
  };
  EXPECT_TRUE(Has("mulps")) << Asm;
  EXPECT_TRUE(Has("addps")) << Asm;
  EXPECT_TRUE(Has("punpcklbw") || Has("pshufb")) << Asm;
  EXPECT_TRUE(Has("pmaddwd")) << Asm;
  for (const std::string &Mn : Mns)
    EXPECT_FALSE(isScalarLaneCode(Mn)) << Mn << " in\n" << Asm;
  EXPECT_LE(Mns.size(), 8u) << Asm;
}

/// No op is scalarised lane by lane on x86-64-v2 by the x86 lowering: no
/// calls, branches, scalar float arithmetic or conversions, and no
/// pextr/pinsr except where a lane is the operand or result.
TEST(SimdLoweringCodeQuality, NoInstructionIsScalarisedOnX86_64_v2) {
  llvm::LLVMContext C;
  llvm::Module M("per_op", C);
  auto *V128Ty = llvm::FixedVectorType::get(llvm::Type::getInt32Ty(C), 4);
  std::map<std::string, Op> Names;
  for (Op O : simdOps()) {
    std::vector<llvm::Type *> Params;
    for (OpType T : operandTypes(O))
      Params.push_back(T == OpType::V128 ? V128Ty : scalarType(C, T));
    OpType RT = info(O).Result;
    llvm::Type *Ret = RT == OpType::V128 ? V128Ty : scalarType(C, RT);
    std::string FnName = "simd_" + std::to_string(unsigned(O));
    auto *Fn = llvm::Function::Create(llvm::FunctionType::get(Ret, Params, false),
                                      llvm::Function::ExternalLinkage, FnName, M);
    llvm::IRBuilder<> B(llvm::BasicBlock::Create(C, "entry", Fn));
    SimdLowering L(B, V128Ty, /*IsX86=*/true);
    Instr I = variantsFor(O).back().I;
    std::vector<llvm::Value *> Args;
    for (llvm::Argument &A : Fn->args())
      Args.push_back(&A);
    B.CreateRet(L.lower(I, Args));
    Names[FnName] = O;
  }
  auto Fns = mnemonicsByFunction(x86Assembly(M));
  for (const auto &[FnName, O] : Names) {
    const std::vector<std::string> &Mns = Fns[FnName];
    EXPECT_FALSE(Mns.empty()) << name(O);
    OpCategory Cat = categoryOf(O);
    bool LaneIsOperand = Cat == OpCategory::SimdExtractLane ||
                         Cat == OpCategory::SimdReplaceLane ||
                         Cat == OpCategory::SimdSplat;
    std::string Listing;
    for (const std::string &Mn : Mns)
      Listing += Mn + " ";
    for (const std::string &Mn : Mns) {
      if (LaneIsOperand && (Mn.rfind("pextr", 0) == 0 || Mn.rfind("pinsr", 0) == 0))
        continue;
      EXPECT_FALSE(isScalarLaneCode(Mn)) << name(O) << ": " << Listing;
    }
    // The longest sequences (popcnt's nibble lookup, i8 arithmetic shifts,
    // unsigned saturating truncation) are about a dozen instructions.
    EXPECT_LE(Mns.size(), 16u) << name(O) << ": " << Listing;
  }
}

/// The generic lowering selects on every Kiln target (LLVM aborts the
/// process if it cannot), and the x86 lowering on x86-64-v2 and AVX2.
TEST(SimdLoweringCodeQuality, SelectsOnEveryKilnTarget) {
  initTargets();
  struct Target {
    const char *Triple, *Cpu, *Features;
    bool IsX86;
  };
  for (const Target &T :
       {Target{"x86_64-unknown-linux-gnu", "x86-64-v2", "", true},
        Target{"x86_64-unknown-linux-gnu", "haswell", "", true},
        Target{"x86_64-unknown-linux-gnu", "x86-64", "", false},
        Target{"aarch64-unknown-linux-gnu", "cortex-a53", "", false},
        Target{"armv7-unknown-linux-gnueabihf", "cortex-a7", "", false},
        Target{"riscv64-unknown-linux-gnu", "generic-rv64", "+m,+a,+f,+d,+c",
               false},
        Target{"riscv64-unknown-linux-gnu", "generic-rv64",
               "+m,+a,+f,+d,+c,+v", false}}) {
    SCOPED_TRACE(std::string(T.Triple) + " " + T.Cpu + " " + T.Features);
    std::string Err;
    const llvm::Target *Tgt = llvm::TargetRegistry::lookupTarget(T.Triple, Err);
    ASSERT_NE(Tgt, nullptr) << Err;
    std::unique_ptr<llvm::TargetMachine> TM(Tgt->createTargetMachine(
        T.Triple, T.Cpu, T.Features, llvm::TargetOptions(), llvm::Reloc::PIC_,
        llvm::CodeModel::Small, llvm::CodeGenOptLevel::Default));
    ASSERT_NE(TM, nullptr);
    llvm::LLVMContext C;
    llvm::Module M("targets", C);
    M.setTargetTriple(T.Triple);
    M.setDataLayout(TM->createDataLayout());
    ThunkOptions Opts;
    Opts.IsX86 = T.IsX86;
    for (Op O : simdOps()) {
      Variant V = variantsFor(O).back();
      emitThunk(M, V, V.Name, Opts);
    }
    ASSERT_FALSE(llvm::verifyModule(M, &llvm::errs()));
    runO2(M, *TM);
    llvm::SmallString<0> Obj;
    llvm::raw_svector_ostream OS(Obj);
    llvm::legacy::PassManager PM;
    ASSERT_FALSE(TM->addPassesToEmitFile(PM, OS, nullptr,
                                         llvm::CodeGenFileType::ObjectFile));
    PM.run(M);
    EXPECT_GT(Obj.size(), 0u);
  }
}

} // namespace
