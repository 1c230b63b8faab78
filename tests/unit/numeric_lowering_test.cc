//===- tests/unit/numeric_lowering_test.cc - NumericLowering tests --------===//
//
// Every scalar numeric instruction is lowered into a tiny function, JIT
// compiled and run on edge-case inputs, and the results are compared bit for
// bit with a scalar reference written here from the spec's numerics chapter.
// Values cross the JIT boundary as raw bits in i64s so that no calling
// convention can touch a NaN payload, and traps come back through an
// out-pointer (the test's TrapSink returns early instead of calling the
// runtime).
//
// The NumericLoweringTest suite runs in four configurations: unoptimised IR
// with -O0 codegen, the -O2 IR pipeline with default codegen, and both again
// for a baseline CPU without the host's extensions, where rounding goes
// through libm calls and unsigned conversions are expanded differently.
// NumericLoweringConstants bakes operands in as constants so that LLVM's
// folders see them; NumericLoweringIR checks the shape of the IR (trap
// sites, coverage, fast-math flags).
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/numeric.h"
#include "compiler/wasm/opcode.h"
#include "kiln/trap.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <gtest/gtest.h>

#include <bit>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using kiln::TrapCode;
using kiln::codegen::NumericLowering;
using kiln::codegen::TrapSink;
using kiln::wasm::Op;
using kiln::wasm::OpCategory;
using kiln::wasm::OpType;

//===----------------------------------------------------------------------===//
// Bits of floats
//===----------------------------------------------------------------------===//

uint64_t bitsOf(float F) { return std::bit_cast<uint32_t>(F); }
uint64_t bitsOf(double D) { return std::bit_cast<uint64_t>(D); }
float f32(uint64_t Bits) { return std::bit_cast<float>(uint32_t(Bits)); }
double f64(uint64_t Bits) { return std::bit_cast<double>(Bits); }

constexpr uint32_t F32Sign = 0x80000000u;
constexpr uint32_t F32CanonNan = 0x7fc00000u;
constexpr uint32_t F32Quiet = 0x00400000u;
constexpr uint64_t F64Sign = 0x8000000000000000ull;
constexpr uint64_t F64CanonNan = 0x7ff8000000000000ull;
constexpr uint64_t F64Quiet = 0x0008000000000000ull;

bool isNanBits(uint64_t Bits, OpType T) {
  return T == OpType::F32 ? std::isnan(f32(Bits)) : std::isnan(f64(Bits));
}
bool isCanonicalNan(uint64_t Bits, OpType T) {
  return T == OpType::F32 ? (uint32_t(Bits) & ~F32Sign) == F32CanonNan
                          : (Bits & ~F64Sign) == F64CanonNan;
}
bool isArithmeticNan(uint64_t Bits, OpType T) {
  return isNanBits(Bits, T) &&
         (Bits & (T == OpType::F32 ? F32Quiet : F64Quiet)) != 0;
}
/// A NaN operand whose payload is not canonical: by the spec's nans_N rule
/// its presence relaxes a NaN result from canonical to arithmetic.
bool isNonCanonicalNan(uint64_t Bits, OpType T) {
  return isNanBits(Bits, T) && !isCanonicalNan(Bits, T);
}

//===----------------------------------------------------------------------===//
// Expected outcomes
//===----------------------------------------------------------------------===//

/// How a NaN result is matched. The spec lets most float operations return
/// any NaN of a class (nans_N): canonical when every NaN operand was
/// canonical (or there were none), arithmetic (quiet bit set) otherwise.
/// AnyNan is not a spec rule: it marks the one known deviation, see
/// isLlvmIdentityFoldOfSignallingNan.
enum class NanRule { Exact, Canonical, Arithmetic, AnyNan };

struct Outcome {
  TrapCode Trap = TrapCode::None;
  uint64_t Bits = 0;
  NanRule Nan = NanRule::Exact;
};

Outcome value(uint64_t Bits) { return {TrapCode::None, Bits, NanRule::Exact}; }
Outcome trapped(TrapCode C) { return {C, 0, NanRule::Exact}; }
Outcome anyNan(NanRule R) { return {TrapCode::None, 0, R}; }

/// The result of a float operation that follows nans_N: exact bits unless
/// the result is NaN.
Outcome floatResult(float R, bool NonCanonicalInput) {
  if (!std::isnan(R))
    return value(bitsOf(R));
  return anyNan(NonCanonicalInput ? NanRule::Arithmetic : NanRule::Canonical);
}
Outcome floatResult(double R, bool NonCanonicalInput) {
  if (!std::isnan(R))
    return value(bitsOf(R));
  return anyNan(NonCanonicalInput ? NanRule::Arithmetic : NanRule::Canonical);
}

bool matches(const Outcome &Want, TrapCode GotTrap, uint64_t GotBits,
             OpType Result) {
  if (Want.Trap != GotTrap)
    return false;
  if (Want.Trap != TrapCode::None)
    return true;
  switch (Want.Nan) {
  case NanRule::Exact:
    return Want.Bits == GotBits;
  case NanRule::Canonical:
    return isCanonicalNan(GotBits, Result);
  case NanRule::Arithmetic:
    return isArithmeticNan(GotBits, Result);
  case NanRule::AnyNan:
    return isNanBits(GotBits, Result);
  }
  return false;
}

std::string describe(const Outcome &O) {
  char Buf[96];
  if (O.Trap != TrapCode::None)
    std::snprintf(Buf, sizeof Buf, "trap \"%s\"", kiln::trapMessage(O.Trap));
  else if (O.Nan == NanRule::Canonical)
    std::snprintf(Buf, sizeof Buf, "canonical NaN");
  else if (O.Nan == NanRule::Arithmetic)
    std::snprintf(Buf, sizeof Buf, "arithmetic NaN");
  else if (O.Nan == NanRule::AnyNan)
    std::snprintf(Buf, sizeof Buf, "any NaN");
  else
    std::snprintf(Buf, sizeof Buf, "0x%" PRIx64, O.Bits);
  return Buf;
}

//===----------------------------------------------------------------------===//
// Scalar reference semantics (spec numerics chapter)
//===----------------------------------------------------------------------===//

template <typename Int> Outcome intValue(Int V) {
  using U = std::make_unsigned_t<Int>;
  return value(uint64_t(U(V)));
}
Outcome boolValue(bool V) { return value(V ? 1 : 0); }

template <typename Int> Outcome divS(Int X, Int Y) {
  if (Y == 0)
    return trapped(TrapCode::IntegerDivideByZero);
  if (X == std::numeric_limits<Int>::min() && Y == -1)
    return trapped(TrapCode::IntegerOverflow);
  return intValue<Int>(X / Y);
}
template <typename Int> Outcome remS(Int X, Int Y) {
  if (Y == 0)
    return trapped(TrapCode::IntegerDivideByZero);
  if (Y == -1) // Includes INT_MIN rem -1, which C++ leaves undefined.
    return intValue<Int>(0);
  return intValue<Int>(X % Y);
}
template <typename UInt> Outcome divU(UInt X, UInt Y) {
  if (Y == 0)
    return trapped(TrapCode::IntegerDivideByZero);
  return intValue<UInt>(X / Y);
}
template <typename UInt> Outcome remU(UInt X, UInt Y) {
  if (Y == 0)
    return trapped(TrapCode::IntegerDivideByZero);
  return intValue<UInt>(X % Y);
}

template <typename Int> constexpr int bitWidth() {
  return std::numeric_limits<std::make_unsigned_t<Int>>::digits;
}

/// trunc(x) must lie in the integer range; written in terms of the
/// truncated value (not of the bounds the lowering uses) so that it checks
/// them independently. long double holds every f32/f64 value exactly and
/// the range ends are powers of two.
template <typename Int, typename F> Outcome truncTrapping(F X) {
  if (std::isnan(X))
    return trapped(TrapCode::InvalidConversion);
  long double T = std::trunc((long double)X);
  constexpr bool Signed = std::is_signed_v<Int>;
  long double Min = Signed ? -std::ldexp(1.0L, bitWidth<Int>() - 1) : 0.0L;
  long double End = std::ldexp(1.0L, bitWidth<Int>() - (Signed ? 1 : 0));
  if (T < Min || T >= End) // trunc(-0.5) is -0, which is >= 0.
    return trapped(TrapCode::IntegerOverflow);
  return intValue<Int>(Int(T));
}

template <typename Int, typename F> Outcome truncSaturating(F X) {
  if (std::isnan(X))
    return intValue<Int>(0);
  long double T = std::trunc((long double)X);
  constexpr bool Signed = std::is_signed_v<Int>;
  long double Min = Signed ? -std::ldexp(1.0L, bitWidth<Int>() - 1) : 0.0L;
  long double End = std::ldexp(1.0L, bitWidth<Int>() - (Signed ? 1 : 0));
  if (T < Min)
    return intValue<Int>(std::numeric_limits<Int>::min());
  if (T >= End)
    return intValue<Int>(std::numeric_limits<Int>::max());
  return intValue<Int>(Int(T));
}

/// fmin/fmax: NaN if either is NaN; otherwise -0 < +0. For equal operands
/// the sign bits decide: OR of the bit patterns picks -0 for min, AND picks
/// +0 for max, and leaves any other equal pair unchanged.
template <typename F> Outcome minMax(uint64_t A, uint64_t B, bool IsMin) {
  constexpr OpType T = std::is_same_v<F, float> ? OpType::F32 : OpType::F64;
  F X = T == OpType::F32 ? F(f32(A)) : F(f64(A));
  F Y = T == OpType::F32 ? F(f32(B)) : F(f64(B));
  if (std::isnan(X) || std::isnan(Y))
    return anyNan(isNonCanonicalNan(A, T) || isNonCanonicalNan(B, T)
                      ? NanRule::Arithmetic
                      : NanRule::Canonical);
  if (X == Y)
    return value(IsMin ? (A | B) : (A & B));
  return value(bitsOf(IsMin ? (X < Y ? X : Y) : (X > Y ? X : Y)));
}

// One line per op reads as a table.
// clang-format off
Outcome reference(Op O, uint64_t A, uint64_t B) {
  uint32_t A32 = uint32_t(A), B32 = uint32_t(B);
  int32_t SA32 = int32_t(A32), SB32 = int32_t(B32);
  int64_t SA64 = int64_t(A), SB64 = int64_t(B);
  float Fa = f32(A), Fb = f32(B);
  double Da = f64(A), Db = f64(B);
  bool NanF32 = isNonCanonicalNan(A, OpType::F32) ||
                isNonCanonicalNan(B, OpType::F32);
  bool NanF64 = isNonCanonicalNan(A, OpType::F64) ||
                isNonCanonicalNan(B, OpType::F64);
  switch (O) {
  case Op::I32Eqz: return boolValue(A32 == 0);
  case Op::I32Eq: return boolValue(A32 == B32);
  case Op::I32Ne: return boolValue(A32 != B32);
  case Op::I32LtS: return boolValue(SA32 < SB32);
  case Op::I32LtU: return boolValue(A32 < B32);
  case Op::I32GtS: return boolValue(SA32 > SB32);
  case Op::I32GtU: return boolValue(A32 > B32);
  case Op::I32LeS: return boolValue(SA32 <= SB32);
  case Op::I32LeU: return boolValue(A32 <= B32);
  case Op::I32GeS: return boolValue(SA32 >= SB32);
  case Op::I32GeU: return boolValue(A32 >= B32);
  case Op::I64Eqz: return boolValue(A == 0);
  case Op::I64Eq: return boolValue(A == B);
  case Op::I64Ne: return boolValue(A != B);
  case Op::I64LtS: return boolValue(SA64 < SB64);
  case Op::I64LtU: return boolValue(A < B);
  case Op::I64GtS: return boolValue(SA64 > SB64);
  case Op::I64GtU: return boolValue(A > B);
  case Op::I64LeS: return boolValue(SA64 <= SB64);
  case Op::I64LeU: return boolValue(A <= B);
  case Op::I64GeS: return boolValue(SA64 >= SB64);
  case Op::I64GeU: return boolValue(A >= B);
  // C++ float comparisons are IEEE: false on NaN except !=.
  case Op::F32Eq: return boolValue(Fa == Fb);
  case Op::F32Ne: return boolValue(Fa != Fb);
  case Op::F32Lt: return boolValue(Fa < Fb);
  case Op::F32Gt: return boolValue(Fa > Fb);
  case Op::F32Le: return boolValue(Fa <= Fb);
  case Op::F32Ge: return boolValue(Fa >= Fb);
  case Op::F64Eq: return boolValue(Da == Db);
  case Op::F64Ne: return boolValue(Da != Db);
  case Op::F64Lt: return boolValue(Da < Db);
  case Op::F64Gt: return boolValue(Da > Db);
  case Op::F64Le: return boolValue(Da <= Db);
  case Op::F64Ge: return boolValue(Da >= Db);

  case Op::I32Clz: return value(std::countl_zero(A32));
  case Op::I32Ctz: return value(std::countr_zero(A32));
  case Op::I32Popcnt: return value(std::popcount(A32));
  case Op::I32Add: return intValue<uint32_t>(A32 + B32);
  case Op::I32Sub: return intValue<uint32_t>(A32 - B32);
  case Op::I32Mul: return intValue<uint32_t>(A32 * B32);
  case Op::I32DivS: return divS<int32_t>(SA32, SB32);
  case Op::I32DivU: return divU<uint32_t>(A32, B32);
  case Op::I32RemS: return remS<int32_t>(SA32, SB32);
  case Op::I32RemU: return remU<uint32_t>(A32, B32);
  case Op::I32And: return intValue<uint32_t>(A32 & B32);
  case Op::I32Or: return intValue<uint32_t>(A32 | B32);
  case Op::I32Xor: return intValue<uint32_t>(A32 ^ B32);
  case Op::I32Shl: return intValue<uint32_t>(A32 << (B32 & 31));
  case Op::I32ShrS: return intValue<int32_t>(SA32 >> (B32 & 31));
  case Op::I32ShrU: return intValue<uint32_t>(A32 >> (B32 & 31));
  case Op::I32Rotl: return intValue<uint32_t>(std::rotl(A32, int(B32 & 31)));
  case Op::I32Rotr: return intValue<uint32_t>(std::rotr(A32, int(B32 & 31)));
  case Op::I64Clz: return value(std::countl_zero(A));
  case Op::I64Ctz: return value(std::countr_zero(A));
  case Op::I64Popcnt: return value(std::popcount(A));
  case Op::I64Add: return value(A + B);
  case Op::I64Sub: return value(A - B);
  case Op::I64Mul: return value(A * B);
  case Op::I64DivS: return divS<int64_t>(SA64, SB64);
  case Op::I64DivU: return divU<uint64_t>(A, B);
  case Op::I64RemS: return remS<int64_t>(SA64, SB64);
  case Op::I64RemU: return remU<uint64_t>(A, B);
  case Op::I64And: return value(A & B);
  case Op::I64Or: return value(A | B);
  case Op::I64Xor: return value(A ^ B);
  case Op::I64Shl: return value(A << (B & 63));
  case Op::I64ShrS: return intValue<int64_t>(SA64 >> (B & 63));
  case Op::I64ShrU: return value(A >> (B & 63));
  case Op::I64Rotl: return value(std::rotl(A, int(B & 63)));
  case Op::I64Rotr: return value(std::rotr(A, int(B & 63)));

  // Sign operations are exact bit manipulations, NaNs included.
  case Op::F32Abs: return value(A32 & ~F32Sign);
  case Op::F32Neg: return value(A32 ^ F32Sign);
  case Op::F32Copysign: return value((A32 & ~F32Sign) | (B32 & F32Sign));
  case Op::F32Ceil: return floatResult(std::ceil(Fa), NanF32);
  case Op::F32Floor: return floatResult(std::floor(Fa), NanF32);
  case Op::F32Trunc: return floatResult(std::trunc(Fa), NanF32);
  case Op::F32Nearest: return floatResult(std::nearbyint(Fa), NanF32);
  case Op::F32Sqrt: return floatResult(std::sqrt(Fa), NanF32);
  case Op::F32Add: return floatResult(Fa + Fb, NanF32);
  case Op::F32Sub: return floatResult(Fa - Fb, NanF32);
  case Op::F32Mul: return floatResult(Fa * Fb, NanF32);
  case Op::F32Div: return floatResult(Fa / Fb, NanF32);
  case Op::F32Min: return minMax<float>(A32, B32, /*IsMin=*/true);
  case Op::F32Max: return minMax<float>(A32, B32, /*IsMin=*/false);
  case Op::F64Abs: return value(A & ~F64Sign);
  case Op::F64Neg: return value(A ^ F64Sign);
  case Op::F64Copysign: return value((A & ~F64Sign) | (B & F64Sign));
  case Op::F64Ceil: return floatResult(std::ceil(Da), NanF64);
  case Op::F64Floor: return floatResult(std::floor(Da), NanF64);
  case Op::F64Trunc: return floatResult(std::trunc(Da), NanF64);
  case Op::F64Nearest: return floatResult(std::nearbyint(Da), NanF64);
  case Op::F64Sqrt: return floatResult(std::sqrt(Da), NanF64);
  case Op::F64Add: return floatResult(Da + Db, NanF64);
  case Op::F64Sub: return floatResult(Da - Db, NanF64);
  case Op::F64Mul: return floatResult(Da * Db, NanF64);
  case Op::F64Div: return floatResult(Da / Db, NanF64);
  case Op::F64Min: return minMax<double>(A, B, /*IsMin=*/true);
  case Op::F64Max: return minMax<double>(A, B, /*IsMin=*/false);

  case Op::I32WrapI64: return value(A32);
  case Op::I64ExtendI32S: return intValue<int64_t>(SA32);
  case Op::I64ExtendI32U: return value(A32);
  case Op::I32Extend8S: return intValue<int32_t>(int8_t(A32));
  case Op::I32Extend16S: return intValue<int32_t>(int16_t(A32));
  case Op::I64Extend8S: return intValue<int64_t>(int8_t(A));
  case Op::I64Extend16S: return intValue<int64_t>(int16_t(A));
  case Op::I64Extend32S: return intValue<int64_t>(int32_t(A));
  case Op::I32TruncF32S: return truncTrapping<int32_t>(Fa);
  case Op::I32TruncF32U: return truncTrapping<uint32_t>(Fa);
  case Op::I32TruncF64S: return truncTrapping<int32_t>(Da);
  case Op::I32TruncF64U: return truncTrapping<uint32_t>(Da);
  case Op::I64TruncF32S: return truncTrapping<int64_t>(Fa);
  case Op::I64TruncF32U: return truncTrapping<uint64_t>(Fa);
  case Op::I64TruncF64S: return truncTrapping<int64_t>(Da);
  case Op::I64TruncF64U: return truncTrapping<uint64_t>(Da);
  case Op::I32TruncSatF32S: return truncSaturating<int32_t>(Fa);
  case Op::I32TruncSatF32U: return truncSaturating<uint32_t>(Fa);
  case Op::I32TruncSatF64S: return truncSaturating<int32_t>(Da);
  case Op::I32TruncSatF64U: return truncSaturating<uint32_t>(Da);
  case Op::I64TruncSatF32S: return truncSaturating<int64_t>(Fa);
  case Op::I64TruncSatF32U: return truncSaturating<uint64_t>(Fa);
  case Op::I64TruncSatF64S: return truncSaturating<int64_t>(Da);
  case Op::I64TruncSatF64U: return truncSaturating<uint64_t>(Da);
  // The host's int->float conversions round to nearest even.
  case Op::F32ConvertI32S: return value(bitsOf(float(SA32)));
  case Op::F32ConvertI32U: return value(bitsOf(float(A32)));
  case Op::F32ConvertI64S: return value(bitsOf(float(SA64)));
  case Op::F32ConvertI64U: return value(bitsOf(float(A)));
  case Op::F64ConvertI32S: return value(bitsOf(double(SA32)));
  case Op::F64ConvertI32U: return value(bitsOf(double(A32)));
  case Op::F64ConvertI64S: return value(bitsOf(double(SA64)));
  case Op::F64ConvertI64U: return value(bitsOf(double(A)));
  case Op::F32DemoteF64: return floatResult(float(Da), NanF64);
  case Op::F64PromoteF32: return floatResult(double(Fa), NanF32);
  case Op::I32ReinterpretF32:
  case Op::F32ReinterpretI32:
    return value(A32);
  case Op::I64ReinterpretF64:
  case Op::F64ReinterpretI64:
    return value(A);
  default:
    break;
  }
  ADD_FAILURE() << "no reference for " << kiln::wasm::opName(O);
  return {};
}
// clang-format on

//===----------------------------------------------------------------------===//
// Edge-case inputs
//===----------------------------------------------------------------------===//

// Neighbours of the f64 truncation bounds. ulp(2^31) = 2^-21 and the ulp
// just below 2^31 is 2^-22, so these are the last values that truncate into
// range; the static_asserts keep the literals honest.
constexpr double F64Below2p31 = 0x1.fffffffffffffp+30; // 2147483647.99999976
constexpr double F64AboveMinus2p31Minus1 = -0x1.00000001fffffp+31;
constexpr double F64Below2p32 = 0x1.fffffffffffffp+31; // 4294967295.99999952
constexpr double F64BelowOne = 0x1.fffffffffffffp-1;
static_assert(F64Below2p31 == 0x1p+31 - 0x1p-22);
static_assert(F64AboveMinus2p31Minus1 == -2147483649.0 + 0x1p-21);
static_assert(F64Below2p32 == 0x1p+32 - 0x1p-21);
static_assert(F64BelowOne == 1.0 - 0x1p-53);
// The f32 ones: ulp(2^31) = 2^8, so the first f32 below -2^31 is
// -2147483904 = -0x1.000002p+31.
static_assert(-0x1.000002p+31f == -2147483904.0f);
static_assert(-0x1.000002p+63f == -9223373136366403584.0f);
static_assert(-0x1.0000000000001p+63 == -9223372036854777856.0);
constexpr float InfF32 = std::numeric_limits<float>::infinity();
constexpr double InfF64 = std::numeric_limits<double>::infinity();

// clang-format off
std::vector<uint64_t> i32Inputs() {
  return {0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x7fff,
          0x8000, 0xffff, 0x12345678, 0x7fffffff, 0x80000000, 0x80000001,
          0xdeadbeef, 0x01000001,
          uint32_t(-7), uint32_t(-32), uint32_t(-33), uint32_t(-2),
          uint32_t(-1)};
}

std::vector<uint64_t> i64Inputs() {
  return {0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x8000,
          0x80000000, 0xffffffff, 0x100000000, 0x0123456789abcdef,
          0xfedcba9876543210, 0x7fffffffffffffff, 0x8000000000000000,
          0x8000000000000001,
          uint64_t(-7), uint64_t(-64), uint64_t(-65), uint64_t(-2),
          uint64_t(-1),
          // Conversions: 2^53 + 1 rounds to even in f64; the others need
          // correct rounding to f32 (rounding through f64 first is wrong).
          0x0020000000000001, 0x0020000020000001, 0xffdfffffdfffffff,
          0x7fffff4000000001, 0x8000008000000001, 0xfffffffffffff401};
}
// clang-format on

std::vector<uint64_t> f32Inputs() {
  std::vector<uint64_t> V;
  for (float X :
       {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 3.5f,
        0x1.fffffep-2f /*0.49999997*/, 0x1.000002p+23f /*2^23+1*/, 0x1p+24f,
        0x1.fffffep+127f, -0x1.fffffep+127f, 0x1p-149f, -0x1p-149f, 0x1p-126f,
        2.0f, 3.0f, 1e10f, -1e10f, 0x1.921fb6p+1f,
        // Trap/clamp boundaries: last valid and first invalid each side.
        -0x1p+31f, -0x1.000002p+31f, 0x1.fffffep+30f, 0x1p+31f, 0x1.fffffep+31f,
        0x1p+32f, -0x1.fffffep-1f /*-0.99999994*/, 0x1.fffffep+62f, 0x1p+63f,
        -0x1p+63f, -0x1.000002p+63f, 0x1.fffffep+63f, 0x1p+64f,
        std::numeric_limits<float>::infinity(),
        -std::numeric_limits<float>::infinity()})
    V.push_back(bitsOf(X));
  // NaNs: canonical both signs, quiet with payload, signalling.
  for (uint32_t N :
       {0x7fc00000u, 0xffc00000u, 0x7fc00001u, 0xffe12345u, 0x7f800001u,
        0xff800001u, 0x7fa00000u /*nan:0x200000*/, 0x7fffffffu})
    V.push_back(N);
  return V;
}

std::vector<uint64_t> f64Inputs() {
  std::vector<uint64_t> V;
  for (double X :
       {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5,
        0x1.fffffffffffffp-2 /*0.49999999999999994*/,
        0x1.0000000000001p+52 /*2^52+1*/, 0x1p+53, 0x1.fffffffffffffp+1023,
        -0x1.fffffffffffffp+1023, 0x1p-1074, -0x1p-1074, 0x1p-1022, 2.0, 3.0,
        1e300, -1e300, 0x1.921fb54442d18p+1,
        // f32 demotion: rounding, overflow and underflow.
        0x1.fffffefffffffp+127, 0x1.ffffffp+127, 0x1.000001p+0,
        0x1.0000010000001p+0, 0x1p-150, 0x1.0000000000001p-150,
        // Trap/clamp boundaries: last valid and first invalid each side.
        -0x1p+31, -2147483649.0, F64AboveMinus2p31Minus1,
        -0x1.00000001p+31 /*-2147483648.5*/, F64Below2p31, 0x1p+31,
        F64Below2p32, 0x1p+32, -F64BelowOne, 0x1.fffffffffffffp+62, 0x1p+63,
        -0x1p+63, -0x1.0000000000001p+63, 0x1.fffffffffffffp+63, 0x1p+64,
        std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()})
    V.push_back(bitsOf(X));
  for (uint64_t N :
       {0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff8000000000001ull,
        0xfffc123456789abcull, 0x7ff0000000000001ull, 0xfff0000000000001ull,
        0x7ff4000000000000ull /*nan:0x4000000000000*/, 0x7fffffffffffffffull})
    V.push_back(N);
  return V;
}

std::vector<uint64_t> inputsFor(OpType T) {
  switch (T) {
  case OpType::I32:
    return i32Inputs();
  case OpType::I64:
    return i64Inputs();
  case OpType::F32:
    return f32Inputs();
  case OpType::F64:
    return f64Inputs();
  default:
    ADD_FAILURE() << "not a scalar type";
    return {};
  }
}

//===----------------------------------------------------------------------===//
// Building and running the thunks
//===----------------------------------------------------------------------===//

bool isScalarNumeric(Op O) {
  const kiln::wasm::OpInfo &I = kiln::wasm::opInfo(O);
  switch (I.Category) {
  case OpCategory::Unary:
  case OpCategory::Binary:
  case OpCategory::Compare:
  case OpCategory::Test:
  case OpCategory::Convert:
    return I.Result != OpType::V128 && I.P0 != OpType::V128;
  default:
    return false;
  }
}

bool isBinary(Op O) {
  OpCategory C = kiln::wasm::opInfo(O).Category;
  return C == OpCategory::Binary || C == OpCategory::Compare;
}

std::vector<Op> scalarNumericOps() {
  std::vector<Op> Ops;
  for (unsigned I = 0; I < kiln::wasm::NumOps; ++I)
    if (isScalarNumeric(Op(I)))
      Ops.push_back(Op(I));
  return Ops;
}

llvm::Type *llvmType(llvm::LLVMContext &C, OpType T) {
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

/// Traps by storing the code through the thunk's out-pointer and returning
/// 0, in place of the runtime's noreturn trap call. Remembers the trap sites
/// it was asked for.
class ReturningTrapSink final : public TrapSink {
public:
  ReturningTrapSink(llvm::IRBuilder<> &B, llvm::Value *TrapOut)
      : B(B), TrapOut(TrapOut) {}

  void trapIf(llvm::Value *Cond, TrapCode Code) override {
    EXPECT_TRUE(Cond->getType()->isIntegerTy(1));
    llvm::Function *F = B.GetInsertBlock()->getParent();
    llvm::LLVMContext &C = F->getContext();
    llvm::BasicBlock *Trap = llvm::BasicBlock::Create(C, "trap", F);
    llvm::BasicBlock *Cont = llvm::BasicBlock::Create(C, "cont", F);
    B.CreateCondBr(Cond, Trap, Cont);
    B.SetInsertPoint(Trap);
    B.CreateStore(B.getInt32(uint32_t(Code)), TrapOut);
    B.CreateRet(B.getInt64(0));
    B.SetInsertPoint(Cont);
    Sites.push_back(Code);
  }

  std::vector<TrapCode> Sites;

private:
  llvm::IRBuilder<> &B;
  llvm::Value *TrapOut;
};

/// i64 carrying raw bits -> the Wasm-typed value.
llvm::Value *fromBits(llvm::IRBuilder<> &B, llvm::Value *Bits, OpType T) {
  switch (T) {
  case OpType::I32:
    return B.CreateTrunc(Bits, B.getInt32Ty());
  case OpType::I64:
    return Bits;
  case OpType::F32:
    return B.CreateBitCast(B.CreateTrunc(Bits, B.getInt32Ty()), B.getFloatTy());
  case OpType::F64:
    return B.CreateBitCast(Bits, B.getDoubleTy());
  default:
    return nullptr;
  }
}

llvm::Value *toBits(llvm::IRBuilder<> &B, llvm::Value *V, OpType T) {
  switch (T) {
  case OpType::I32:
    return B.CreateZExt(V, B.getInt64Ty());
  case OpType::I64:
    return V;
  case OpType::F32:
    return B.CreateZExt(B.CreateBitCast(V, B.getInt32Ty()), B.getInt64Ty());
  case OpType::F64:
    return B.CreateBitCast(V, B.getInt64Ty());
  default:
    return nullptr;
  }
}

/// uint64_t thunk(uint64_t A, uint64_t B, uint32_t *Trap): runs an op on
/// the operands' bits and returns the result's bits, zero-extended.
using Thunk = uint64_t (*)(uint64_t, uint64_t, uint32_t *);

std::string thunkName(Op O) { return "op_" + std::to_string(unsigned(O)); }

struct ThunkOptions {
  std::string Name; ///< Defaults to thunkName(O).
  /// Operands baked into the IR as constants instead of read from the
  /// thunk's arguments, as happens when a Wasm operand is a *.const.
  std::optional<uint64_t> ConstA, ConstB;
  /// Set fast-math flags on the builder first; the lowering must ignore them.
  bool FastMathBuilder = false;
  llvm::Value **Lowered = nullptr; ///< Receives the lowered value.
};

ThunkOptions withConstants(std::string Name, std::optional<uint64_t> A,
                           std::optional<uint64_t> B) {
  ThunkOptions Opts;
  Opts.Name = std::move(Name);
  Opts.ConstA = A;
  Opts.ConstB = B;
  return Opts;
}

/// Emits a thunk for \p O into \p M and returns the trap sites the lowering
/// requested.
std::vector<TrapCode> emitThunk(llvm::Module &M, Op O,
                                const ThunkOptions &Opts = {}) {
  llvm::LLVMContext &C = M.getContext();
  llvm::Type *I64 = llvm::Type::getInt64Ty(C);
  auto *FnTy = llvm::FunctionType::get(
      I64, {I64, I64, llvm::PointerType::getUnqual(C)}, false);
  auto *Fn =
      llvm::Function::Create(FnTy, llvm::Function::ExternalLinkage,
                             Opts.Name.empty() ? thunkName(O) : Opts.Name, M);
  llvm::IRBuilder<> B(llvm::BasicBlock::Create(C, "entry", Fn));
  if (Opts.FastMathBuilder)
    B.setFastMathFlags(llvm::FastMathFlags::getFast());
  ReturningTrapSink Traps(B, Fn->getArg(2));
  NumericLowering L(B, Traps);

  const kiln::wasm::OpInfo &Info = kiln::wasm::opInfo(O);
  auto Operand = [&](const std::optional<uint64_t> &Const, unsigned Arg,
                     OpType T) {
    return fromBits(B,
                    Const ? static_cast<llvm::Value *>(B.getInt64(*Const))
                          : Fn->getArg(Arg),
                    T);
  };
  llvm::Value *X = Operand(Opts.ConstA, 0, Info.P0);
  llvm::Value *R = isBinary(O)
                       ? L.lowerBinary(O, X, Operand(Opts.ConstB, 1, Info.P1))
                       : L.lowerUnary(O, X);
  EXPECT_EQ(R->getType(), llvmType(C, Info.Result)) << kiln::wasm::opName(O);
  if (Opts.Lowered)
    *Opts.Lowered = R;
  B.CreateRet(toBits(B, R, Info.Result));
  return Traps.Sites;
}

void initNativeTarget() {
  static bool Done = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)Done;
}

struct Config {
  bool Optimize;    ///< O2 IR pipeline + default codegen, else O0 both.
  bool BaselineCpu; ///< "generic" CPU without host extensions.
};

std::string configName(const testing::TestParamInfo<Config> &Info) {
  return std::string(Info.param.Optimize ? "O2" : "O0") +
         (Info.param.BaselineCpu ? "_BaselineCpu" : "_HostCpu");
}

/// One JIT holding the thunks \p Build emits.
class JittedOps {
public:
  JittedOps(Config Cfg, const std::function<void(llvm::Module &)> &Build) {
    initNativeTarget();
    auto JTMB = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!JTMB) {
      Failure = llvm::toString(JTMB.takeError());
      return;
    }
    if (Cfg.BaselineCpu) {
      JTMB->setCPU("generic");
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
    auto M = std::make_unique<llvm::Module>("numeric", *Ctx);
    M->setDataLayout(Jit->getDataLayout());
    M->setTargetTriple(Jit->getTargetTriple().str());
    Build(*M);
    std::string Err;
    llvm::raw_string_ostream OS(Err);
    if (llvm::verifyModule(*M, &OS)) {
      Failure = "invalid IR: " + Err;
      return;
    }
    if (Cfg.Optimize)
      optimize(*M, **TM);

    if (llvm::Error E = Jit->addIRModule(
            llvm::orc::ThreadSafeModule(std::move(M), std::move(Ctx)))) {
      Failure = llvm::toString(std::move(E));
      return;
    }
  }

  const std::string &failure() const { return Failure; }

  /// Runs thunk \p Name; returns the trap code and stores the result bits.
  TrapCode run(const std::string &Name, uint64_t A, uint64_t B,
               uint64_t &Bits) {
    Thunk &F = Thunks[Name];
    if (!F) {
      auto Addr = Jit->lookup(Name);
      if (!Addr) {
        ADD_FAILURE() << llvm::toString(Addr.takeError());
        Bits = 0;
        return TrapCode::None;
      }
      F = Addr->toPtr<Thunk>();
    }
    uint32_t Trap = 0;
    Bits = F(A, B, &Trap);
    return TrapCode(Trap);
  }

private:
  static void optimize(llvm::Module &M, llvm::TargetMachine &TM) {
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

  std::unique_ptr<llvm::orc::LLJIT> Jit;
  std::map<std::string, Thunk> Thunks;
  std::string Failure;
};

/// The JIT with one thunk per op for \p Cfg, built once per process.
JittedOps &jitFor(Config Cfg) {
  static std::map<std::pair<bool, bool>, std::unique_ptr<JittedOps>> Cache;
  auto &Slot = Cache[{Cfg.Optimize, Cfg.BaselineCpu}];
  if (!Slot)
    Slot = std::make_unique<JittedOps>(Cfg, [](llvm::Module &M) {
      for (Op O : scalarNumericOps())
        emitThunk(M, O);
    });
  return *Slot;
}

std::string hex(uint64_t V) {
  char Buf[24];
  std::snprintf(Buf, sizeof Buf, "0x%" PRIx64, V);
  return Buf;
}

/// Runs thunk \p Name (which computes \p O) on one input pair and checks
/// the outcome against \p Want.
void expectThunkOutcome(JittedOps &J, const std::string &Name, Op O, uint64_t A,
                        uint64_t B, const Outcome &Want, unsigned &Failures,
                        const char *Note = "") {
  uint64_t Bits = 0;
  TrapCode Trap = J.run(Name, A, B, Bits);
  if (matches(Want, Trap, Bits, kiln::wasm::opInfo(O).Result))
    return;
  // Report a few per op rather than flooding the log.
  if (++Failures <= 8)
    ADD_FAILURE() << kiln::wasm::opName(O) << "(" << hex(A)
                  << (isBinary(O) ? ", " + hex(B) : "") << ")" << Note
                  << ": expected " << describe(Want) << ", got "
                  << describe(Trap == TrapCode::None ? value(Bits)
                                                     : trapped(Trap));
}

class NumericLoweringTest : public testing::TestWithParam<Config> {
protected:
  void SetUp() override {
    JittedOps &J = jitFor(GetParam());
    ASSERT_TRUE(J.failure().empty()) << J.failure();
    Jit = &J;
  }

  /// Checks \p O on one input pair against \p Want.
  void expectOutcome(Op O, uint64_t A, uint64_t B, const Outcome &Want,
                     unsigned &Failures) {
    expectThunkOutcome(*Jit, thunkName(O), O, A, B, Want, Failures);
  }

  /// Every op selected by \p Pred on every (pair of) edge-case input(s),
  /// against the reference.
  void checkAgainstReference(const std::function<bool(Op)> &Pred) {
    unsigned Ops = 0;
    for (Op O : scalarNumericOps()) {
      if (!Pred(O))
        continue;
      ++Ops;
      const kiln::wasm::OpInfo &Info = kiln::wasm::opInfo(O);
      std::vector<uint64_t> Xs = inputsFor(Info.P0);
      std::vector<uint64_t> Ys =
          isBinary(O) ? inputsFor(Info.P1) : std::vector<uint64_t>{0};
      unsigned Failures = 0;
      for (uint64_t X : Xs)
        for (uint64_t Y : Ys)
          expectOutcome(O, X, Y, reference(O, X, Y), Failures);
      EXPECT_EQ(Failures, 0u) << kiln::wasm::opName(O);
    }
    EXPECT_GT(Ops, 0u);
  }

  /// A hand-written expectation, independent of reference().
  struct Spot {
    Op O;
    uint64_t A;
    uint64_t B;
    Outcome Want;
  };
  void checkSpots(std::initializer_list<Spot> Spots) {
    for (const Spot &S : Spots) {
      unsigned Failures = 0;
      expectOutcome(S.O, S.A, S.B, S.Want, Failures);
    }
  }

  JittedOps *Jit = nullptr;
};

OpCategory categoryOf(Op O) { return kiln::wasm::opInfo(O).Category; }
bool isFloat(OpType T) { return T == OpType::F32 || T == OpType::F64; }

//===----------------------------------------------------------------------===//
// Exhaustive comparison with the reference
//===----------------------------------------------------------------------===//

TEST_P(NumericLoweringTest, IntegerArithmeticMatchesReference) {
  checkAgainstReference([](Op O) {
    OpCategory C = categoryOf(O);
    return (C == OpCategory::Unary || C == OpCategory::Binary ||
            C == OpCategory::Test) &&
           !isFloat(kiln::wasm::opInfo(O).P0);
  });
}

TEST_P(NumericLoweringTest, FloatArithmeticMatchesReference) {
  checkAgainstReference([](Op O) {
    OpCategory C = categoryOf(O);
    return (C == OpCategory::Unary || C == OpCategory::Binary) &&
           isFloat(kiln::wasm::opInfo(O).P0);
  });
}

TEST_P(NumericLoweringTest, ComparisonsMatchReference) {
  checkAgainstReference(
      [](Op O) { return categoryOf(O) == OpCategory::Compare; });
}

TEST_P(NumericLoweringTest, ConversionsMatchReference) {
  checkAgainstReference(
      [](Op O) { return categoryOf(O) == OpCategory::Convert; });
}

//===----------------------------------------------------------------------===//
// Hand-written edge cases
//===----------------------------------------------------------------------===//

constexpr uint64_t I32Min = 0x80000000u;
constexpr uint64_t I32MinusOne = 0xffffffffu;
constexpr uint64_t I64Min = 0x8000000000000000ull;
constexpr uint64_t I64MinusOne = ~0ull;
constexpr TrapCode DivByZero = TrapCode::IntegerDivideByZero;
constexpr TrapCode Overflow = TrapCode::IntegerOverflow;
constexpr TrapCode Invalid = TrapCode::InvalidConversion;

uint64_t nanF32(uint32_t Payload, bool Negative = false) {
  return (Negative ? F32Sign : 0) | 0x7f800000u | Payload;
}
uint64_t nanF64(uint64_t Payload, bool Negative = false) {
  return (Negative ? F64Sign : 0) | 0x7ff0000000000000ull | Payload;
}

TEST_P(NumericLoweringTest, IntegerDivisionEdgeCases) {
  checkSpots({
      {Op::I32DivS, I32Min, I32MinusOne, trapped(Overflow)},
      {Op::I32DivS, I32Min, 1, value(I32Min)},
      {Op::I32DivS, 7, 0, trapped(DivByZero)},
      {Op::I32DivS, 0, 0, trapped(DivByZero)},
      {Op::I32DivS, uint32_t(-7), 2, value(uint32_t(-3))},
      {Op::I32DivU, I32Min, I32MinusOne, value(0)},
      {Op::I32DivU, 7, 0, trapped(DivByZero)},
      {Op::I32RemS, I32Min, I32MinusOne, value(0)},
      {Op::I32RemS, 5, I32MinusOne, value(0)},
      {Op::I32RemS, uint32_t(-7), 2, value(uint32_t(-1))},
      {Op::I32RemS, 7, uint32_t(-2), value(1)},
      {Op::I32RemS, I32Min, 0, trapped(DivByZero)},
      {Op::I32RemU, I32Min, I32MinusOne, value(I32Min)},
      {Op::I32RemU, 7, 0, trapped(DivByZero)},
      {Op::I64DivS, I64Min, I64MinusOne, trapped(Overflow)},
      {Op::I64DivS, I64Min, 0, trapped(DivByZero)},
      {Op::I64DivS, I64Min, 2, value(0xc000000000000000ull)},
      {Op::I64DivU, I64Min, I64MinusOne, value(0)},
      {Op::I64RemS, I64Min, I64MinusOne, value(0)},
      {Op::I64RemS, uint64_t(-7), 2, value(uint64_t(-1))},
      {Op::I64RemU, I64MinusOne, 0, trapped(DivByZero)},
      {Op::I64RemU, I64MinusOne, 10, value(5)},
  });
}

TEST_P(NumericLoweringTest, ShiftsAndRotatesTakeCountModuloWidth) {
  checkSpots({
      {Op::I32Shl, 1, 32, value(1)},
      {Op::I32Shl, 1, 33, value(2)},
      {Op::I32Shl, 1, I32MinusOne, value(I32Min)},
      {Op::I32ShrS, I32Min, 31, value(I32MinusOne)},
      {Op::I32ShrS, I32Min, 32, value(I32Min)},
      {Op::I32ShrS, I32Min, I32MinusOne, value(I32MinusOne)},
      {Op::I32ShrU, I32Min, 33, value(0x40000000u)},
      {Op::I32ShrU, I32Min, I32MinusOne, value(1)},
      {Op::I32Rotl, 0x80000001u, 1, value(3)},
      {Op::I32Rotl, 0x80000001u, 33, value(3)},
      {Op::I32Rotl, 0x12345678u, 32, value(0x12345678u)},
      {Op::I32Rotr, 0x80000001u, 1, value(0xc0000000u)},
      {Op::I32Rotr, 1, I32MinusOne, value(2)},
      {Op::I64Shl, 1, 64, value(1)},
      {Op::I64Shl, 1, 65, value(2)},
      {Op::I64Shl, 1, I64MinusOne, value(I64Min)},
      {Op::I64Shl, 1, 32, value(0x100000000ull)},
      {Op::I64ShrS, I64Min, 63, value(I64MinusOne)},
      {Op::I64ShrS, I64Min, 64, value(I64Min)},
      {Op::I64ShrU, I64Min, 65, value(0x4000000000000000ull)},
      {Op::I64Rotl, 0x8000000000000001ull, 1, value(3)},
      {Op::I64Rotl, 0x8000000000000001ull, 65, value(3)},
      {Op::I64Rotr, 1, I64MinusOne, value(2)},
      {Op::I64Rotr, 1, 64, value(1)},
  });
}

TEST_P(NumericLoweringTest, BitCountsAndSignExtension) {
  checkSpots({
      {Op::I32Clz, 0, 0, value(32)},
      {Op::I32Ctz, 0, 0, value(32)},
      {Op::I32Clz, 1, 0, value(31)},
      {Op::I32Ctz, I32Min, 0, value(31)},
      {Op::I32Popcnt, I32MinusOne, 0, value(32)},
      {Op::I64Clz, 0, 0, value(64)},
      {Op::I64Ctz, 0, 0, value(64)},
      {Op::I64Clz, 0xffffffff, 0, value(32)},
      {Op::I64Popcnt, I64MinusOne, 0, value(64)},
      {Op::I32Eqz, 0, 0, value(1)},
      {Op::I32Eqz, I32Min, 0, value(0)},
      {Op::I64Eqz, 0x100000000ull, 0, value(0)},
      {Op::I32Extend8S, 0x80, 0, value(0xffffff80u)},
      {Op::I32Extend8S, 0x1237f, 0, value(0x7f)},
      {Op::I32Extend16S, 0x8000, 0, value(0xffff8000u)},
      {Op::I64Extend8S, 0xff, 0, value(I64MinusOne)},
      {Op::I64Extend16S, 0x12347fff, 0, value(0x7fff)},
      {Op::I64Extend32S, 0x80000000, 0, value(0xffffffff80000000ull)},
      {Op::I64Extend32S, 0xffffffff7fffffffull, 0, value(0x7fffffff)},
      {Op::I64ExtendI32S, I32Min, 0, value(0xffffffff80000000ull)},
      {Op::I64ExtendI32U, I32Min, 0, value(I32Min)},
      {Op::I32WrapI64, 0x123456789ull, 0, value(0x23456789)},
  });
}

TEST_P(NumericLoweringTest, TrappingTruncationBoundaries) {
  checkSpots({
      // i32.trunc_f32_s: valid iff -2147483904 < x < 2147483648.
      {Op::I32TruncF32S, bitsOf(0x1.fffffep+30f), 0, value(0x7fffff80)},
      {Op::I32TruncF32S, bitsOf(0x1p+31f), 0, trapped(Overflow)},
      {Op::I32TruncF32S, bitsOf(-0x1p+31f), 0, value(I32Min)},
      {Op::I32TruncF32S, bitsOf(-2147483904.0f), 0, trapped(Overflow)},
      {Op::I32TruncF32S, bitsOf(-0.9f), 0, value(0)},
      {Op::I32TruncF32S, bitsOf(-1.9f), 0, value(I32MinusOne)},
      {Op::I32TruncF32S, nanF32(0x400000), 0, trapped(Invalid)},
      {Op::I32TruncF32S, nanF32(0x400000, true), 0, trapped(Invalid)},
      {Op::I32TruncF32S, nanF32(1), 0, trapped(Invalid)},
      {Op::I32TruncF32S, bitsOf(InfF32), 0, trapped(Overflow)},
      {Op::I32TruncF32S, bitsOf(-InfF32), 0, trapped(Overflow)},
      // i32.trunc_f32_u: valid iff -1 < x < 4294967296.
      {Op::I32TruncF32U, bitsOf(0x1.fffffep+31f), 0, value(0xffffff00u)},
      {Op::I32TruncF32U, bitsOf(0x1p+32f), 0, trapped(Overflow)},
      {Op::I32TruncF32U, bitsOf(-0x1.fffffep-1f), 0, value(0)},
      {Op::I32TruncF32U, bitsOf(-0.0f), 0, value(0)},
      {Op::I32TruncF32U, bitsOf(-1.0f), 0, trapped(Overflow)},
      {Op::I32TruncF32U, nanF32(0x200000), 0, trapped(Invalid)},
      // i32.trunc_f64_s: valid iff -2147483649 < x < 2147483648.
      {Op::I32TruncF64S, bitsOf(F64Below2p31), 0, value(0x7fffffff)},
      {Op::I32TruncF64S, bitsOf(2147483648.0), 0, trapped(Overflow)},
      {Op::I32TruncF64S, bitsOf(F64AboveMinus2p31Minus1), 0, value(I32Min)},
      {Op::I32TruncF64S, bitsOf(-2147483649.0), 0, trapped(Overflow)},
      {Op::I32TruncF64S, nanF64(1, true), 0, trapped(Invalid)},
      // i32.trunc_f64_u: valid iff -1 < x < 4294967296.
      {Op::I32TruncF64U, bitsOf(F64Below2p32), 0, value(0xffffffffu)},
      {Op::I32TruncF64U, bitsOf(4294967296.0), 0, trapped(Overflow)},
      {Op::I32TruncF64U, bitsOf(-F64BelowOne), 0, value(0)},
      {Op::I32TruncF64U, bitsOf(-1.0), 0, trapped(Overflow)},
      {Op::I32TruncF64U, bitsOf(1e16), 0, trapped(Overflow)},
      // i64.trunc_f32_s: valid iff -2^63 - 2^40 < x < 2^63.
      {Op::I64TruncF32S, bitsOf(0x1.fffffep+62f), 0,
       value(0x7fffff8000000000ull)},
      {Op::I64TruncF32S, bitsOf(0x1p+63f), 0, trapped(Overflow)},
      {Op::I64TruncF32S, bitsOf(-0x1p+63f), 0, value(I64Min)},
      {Op::I64TruncF32S, bitsOf(-0x1.000002p+63f), 0, trapped(Overflow)},
      // i64.trunc_f32_u: valid iff -1 < x < 2^64.
      {Op::I64TruncF32U, bitsOf(0x1.fffffep+63f), 0,
       value(0xffffff0000000000ull)},
      {Op::I64TruncF32U, bitsOf(0x1p+64f), 0, trapped(Overflow)},
      {Op::I64TruncF32U, bitsOf(-0x1.fffffep-1f), 0, value(0)},
      {Op::I64TruncF32U, bitsOf(-1.0f), 0, trapped(Overflow)},
      // i64.trunc_f64_s: valid iff -2^63 - 2^11 < x < 2^63.
      {Op::I64TruncF64S, bitsOf(0x1.fffffffffffffp+62), 0,
       value(0x7ffffffffffffc00ull)},
      {Op::I64TruncF64S, bitsOf(0x1p+63), 0, trapped(Overflow)},
      {Op::I64TruncF64S, bitsOf(-0x1p+63), 0, value(I64Min)},
      {Op::I64TruncF64S, bitsOf(-0x1.0000000000001p+63), 0, trapped(Overflow)},
      // i64.trunc_f64_u: valid iff -1 < x < 2^64.
      {Op::I64TruncF64U, bitsOf(0x1.fffffffffffffp+63), 0,
       value(0xfffffffffffff800ull)},
      {Op::I64TruncF64U, bitsOf(0x1p+64), 0, trapped(Overflow)},
      {Op::I64TruncF64U, bitsOf(0x1p+63), 0, value(I64Min)},
      {Op::I64TruncF64U, bitsOf(-0x1.fffffffffffffp-1), 0, value(0)},
      {Op::I64TruncF64U, bitsOf(-1.0), 0, trapped(Overflow)},
      {Op::I64TruncF64U, nanF64(0x8000000000000ull), 0, trapped(Invalid)},
  });
}

TEST_P(NumericLoweringTest, SaturatingTruncationClamps) {
  checkSpots({
      {Op::I32TruncSatF32S, nanF32(0x400000), 0, value(0)},
      {Op::I32TruncSatF32S, nanF32(1, true), 0, value(0)},
      {Op::I32TruncSatF32S, bitsOf(0x1p+31f), 0, value(0x7fffffff)},
      {Op::I32TruncSatF32S, bitsOf(-2147483904.0f), 0, value(I32Min)},
      {Op::I32TruncSatF32S, bitsOf(-InfF32), 0, value(I32Min)},
      {Op::I32TruncSatF32S, bitsOf(-1.5f), 0, value(I32MinusOne)},
      {Op::I32TruncSatF32U, bitsOf(-1.0f), 0, value(0)},
      {Op::I32TruncSatF32U, bitsOf(-0x1.fffffep-1f), 0, value(0)},
      {Op::I32TruncSatF32U, bitsOf(0x1p+32f), 0, value(0xffffffffu)},
      {Op::I32TruncSatF32U, bitsOf(0x1.fffffep+31f), 0, value(0xffffff00u)},
      {Op::I32TruncSatF64S, bitsOf(2147483648.0), 0, value(0x7fffffff)},
      {Op::I32TruncSatF64S, bitsOf(-2147483649.0), 0, value(I32Min)},
      {Op::I32TruncSatF64S, bitsOf(F64AboveMinus2p31Minus1), 0, value(I32Min)},
      {Op::I32TruncSatF64U, bitsOf(4294967296.0), 0, value(0xffffffffu)},
      {Op::I32TruncSatF64U, bitsOf(-InfF64), 0, value(0)},
      {Op::I32TruncSatF64U, nanF64(0x8000000000000ull), 0, value(0)},
      {Op::I64TruncSatF32S, bitsOf(0x1p+63f), 0, value(0x7fffffffffffffffull)},
      {Op::I64TruncSatF32S, bitsOf(-0x1.000002p+63f), 0, value(I64Min)},
      {Op::I64TruncSatF32U, bitsOf(0x1p+64f), 0, value(I64MinusOne)},
      {Op::I64TruncSatF32U, bitsOf(-1.0f), 0, value(0)},
      {Op::I64TruncSatF64S, bitsOf(0x1p+63), 0, value(0x7fffffffffffffffull)},
      {Op::I64TruncSatF64S, bitsOf(-0x1.0000000000001p+63), 0, value(I64Min)},
      {Op::I64TruncSatF64S, nanF64(1), 0, value(0)},
      {Op::I64TruncSatF64U, bitsOf(0x1p+64), 0, value(I64MinusOne)},
      {Op::I64TruncSatF64U, bitsOf(0x1.fffffffffffffp+63), 0,
       value(0xfffffffffffff800ull)},
      {Op::I64TruncSatF64U, bitsOf(InfF64), 0, value(I64MinusOne)},
  });
}

TEST_P(NumericLoweringTest, NearestRoundsHalfToEven) {
  checkSpots({
      {Op::F32Nearest, bitsOf(0.5f), 0, value(bitsOf(0.0f))},
      {Op::F32Nearest, bitsOf(1.5f), 0, value(bitsOf(2.0f))},
      {Op::F32Nearest, bitsOf(2.5f), 0, value(bitsOf(2.0f))},
      {Op::F32Nearest, bitsOf(-0.5f), 0, value(bitsOf(-0.0f))},
      {Op::F32Nearest, bitsOf(-2.5f), 0, value(bitsOf(-2.0f))},
      {Op::F32Nearest, bitsOf(0x1.fffffep-2f), 0, value(bitsOf(0.0f))},
      {Op::F32Nearest, bitsOf(0x1.000002p+23f), 0,
       value(bitsOf(0x1.000002p+23f))},
      {Op::F64Nearest, bitsOf(0.5), 0, value(bitsOf(0.0))},
      {Op::F64Nearest, bitsOf(1.5), 0, value(bitsOf(2.0))},
      {Op::F64Nearest, bitsOf(2.5), 0, value(bitsOf(2.0))},
      {Op::F64Nearest, bitsOf(-0.5), 0, value(bitsOf(-0.0))},
      {Op::F64Nearest, bitsOf(0x1.fffffffffffffp-2), 0, value(bitsOf(0.0))},
      // Rounding functions keep the sign of zero results.
      {Op::F32Ceil, bitsOf(-0.5f), 0, value(bitsOf(-0.0f))},
      {Op::F64Ceil, bitsOf(-0.5), 0, value(bitsOf(-0.0))},
      {Op::F32Floor, bitsOf(-0.5f), 0, value(bitsOf(-1.0f))},
      {Op::F64Trunc, bitsOf(-0.5), 0, value(bitsOf(-0.0))},
      {Op::F32Sqrt, bitsOf(-0.0f), 0, value(bitsOf(-0.0f))},
      {Op::F32Sqrt, bitsOf(-1.0f), 0, anyNan(NanRule::Canonical)},
      {Op::F64Sqrt, nanF64(1), 0, anyNan(NanRule::Arithmetic)},
  });
}

TEST_P(NumericLoweringTest, MinMaxPropagateNanAndOrderZeros) {
  uint64_t PZ = bitsOf(0.0f), NZ = bitsOf(-0.0f);
  uint64_t DPZ = bitsOf(0.0), DNZ = bitsOf(-0.0);
  checkSpots({
      {Op::F32Min, NZ, PZ, value(NZ)},
      {Op::F32Min, PZ, NZ, value(NZ)},
      {Op::F32Max, NZ, PZ, value(PZ)},
      {Op::F32Max, PZ, NZ, value(PZ)},
      {Op::F64Min, DNZ, DPZ, value(DNZ)},
      {Op::F64Min, DPZ, DNZ, value(DNZ)},
      {Op::F64Max, DNZ, DPZ, value(DPZ)},
      {Op::F64Max, DPZ, DNZ, value(DPZ)},
      {Op::F32Min, nanF32(0x400000), bitsOf(1.0f), anyNan(NanRule::Canonical)},
      {Op::F32Min, bitsOf(1.0f), nanF32(0x400000), anyNan(NanRule::Canonical)},
      {Op::F32Max, bitsOf(-InfF32), nanF32(0x400000, true),
       anyNan(NanRule::Canonical)},
      // A signalling NaN must come out quiet (an arithmetic NaN).
      {Op::F32Min, nanF32(0x200000), bitsOf(-0.0f),
       anyNan(NanRule::Arithmetic)},
      {Op::F32Max, bitsOf(1.0f), nanF32(0x200000, true),
       anyNan(NanRule::Arithmetic)},
      {Op::F64Min, nanF64(0x4000000000000ull), bitsOf(1.0),
       anyNan(NanRule::Arithmetic)},
      {Op::F64Max, bitsOf(1.0), nanF64(1), anyNan(NanRule::Arithmetic)},
      {Op::F64Max, nanF64(1), nanF64(1), anyNan(NanRule::Arithmetic)},
      {Op::F32Min, bitsOf(InfF32), bitsOf(-InfF32), value(bitsOf(-InfF32))},
      {Op::F64Max, bitsOf(-1.0), bitsOf(-2.0), value(bitsOf(-1.0))},
  });
}

TEST_P(NumericLoweringTest, SignOperationsAreBitExactOnNans) {
  checkSpots({
      {Op::F32Neg, nanF32(0x200000), 0, value(nanF32(0x200000, true))},
      {Op::F32Neg, nanF32(0x400000, true), 0, value(nanF32(0x400000))},
      {Op::F32Abs, nanF32(1, true), 0, value(nanF32(1))},
      {Op::F32Abs, bitsOf(-0.0f), 0, value(bitsOf(0.0f))},
      {Op::F32Neg, bitsOf(0.0f), 0, value(bitsOf(-0.0f))},
      {Op::F32Copysign, nanF32(0x200001), bitsOf(-1.0f),
       value(nanF32(0x200001, true))},
      {Op::F32Copysign, bitsOf(1.0f), nanF32(0x400000, true),
       value(bitsOf(-1.0f))},
      {Op::F32Copysign, nanF32(5, true), nanF32(0x400000), value(nanF32(5))},
      {Op::F64Neg, nanF64(1), 0, value(nanF64(1, true))},
      {Op::F64Abs, nanF64(0x4000000000000ull, true), 0,
       value(nanF64(0x4000000000000ull))},
      {Op::F64Copysign, nanF64(1), bitsOf(-0.0), value(nanF64(1, true))},
      {Op::F64Copysign, bitsOf(2.0), nanF64(0x8000000000000ull, true),
       value(bitsOf(-2.0))},
      {Op::I32ReinterpretF32, nanF32(1, true), 0, value(nanF32(1, true))},
      {Op::F32ReinterpretI32, nanF32(1), 0, value(nanF32(1))},
      {Op::F64ReinterpretI64, nanF64(1, true), 0, value(nanF64(1, true))},
  });
}

TEST_P(NumericLoweringTest, FloatComparisonsWithNan) {
  uint64_t Nan = nanF32(0x400000), One = bitsOf(1.0f);
  checkSpots({
      {Op::F32Eq, Nan, Nan, value(0)},
      {Op::F32Ne, Nan, Nan, value(1)},
      {Op::F32Ne, Nan, One, value(1)},
      {Op::F32Lt, Nan, One, value(0)},
      {Op::F32Gt, One, Nan, value(0)},
      {Op::F32Le, Nan, One, value(0)},
      {Op::F32Ge, One, Nan, value(0)},
      {Op::F32Eq, bitsOf(0.0f), bitsOf(-0.0f), value(1)},
      {Op::F64Ne, nanF64(1), nanF64(1), value(1)},
      {Op::F64Le, bitsOf(-0.0), bitsOf(0.0), value(1)},
      {Op::F64Lt, bitsOf(-0.0), bitsOf(0.0), value(0)},
  });
}

TEST_P(NumericLoweringTest, ConversionRounding) {
  checkSpots({
      // From the spec's conversions.wast.
      {Op::F32ConvertI64S, 0x0020000020000001ull, 0,
       value(bitsOf(0x1.000002p+53f))},
      {Op::F32ConvertI64U, 0xffdfffffdfffffffull, 0,
       value(bitsOf(0x1.ffcp+63f))},
      // Rounding through f64 first would give 0x1p+63 (a tie, to even).
      {Op::F32ConvertI64U, 0x8000008000000001ull, 0,
       value(bitsOf(0x1.000002p+63f))},
      {Op::F32ConvertI64U, I64MinusOne, 0, value(bitsOf(0x1p+64f))},
      {Op::F32ConvertI64U, I64Min, 0, value(bitsOf(0x1p+63f))},
      {Op::F32ConvertI32U, I32MinusOne, 0, value(bitsOf(0x1p+32f))},
      {Op::F32ConvertI32S, 0x7fffffc0u, 0, value(bitsOf(0x1p+31f))},
      {Op::F32ConvertI32S, 0x01000001u, 0, value(bitsOf(0x1p+24f))},
      {Op::F64ConvertI64S, 0x0020000000000001ull, 0, value(bitsOf(0x1p+53))},
      {Op::F64ConvertI64U, I64MinusOne, 0, value(bitsOf(0x1p+64))},
      {Op::F64ConvertI64U, 0x8000000000000401ull, 0,
       value(bitsOf(0x1.0000000000001p+63))},
      {Op::F64ConvertI32U, I32Min, 0, value(bitsOf(2147483648.0))},
      {Op::F32DemoteF64, bitsOf(0x1.fffffefffffffp+127), 0,
       value(bitsOf(0x1.fffffep+127f))},
      {Op::F32DemoteF64, bitsOf(0x1.ffffffp+127), 0, value(bitsOf(InfF32))},
      {Op::F32DemoteF64, bitsOf(0x1p-150), 0, value(bitsOf(0.0f))},
      {Op::F32DemoteF64, bitsOf(-0x1.0000000000001p-150), 0,
       value(bitsOf(-0x1p-149f))},
      {Op::F32DemoteF64, nanF64(F64Quiet), 0, anyNan(NanRule::Canonical)},
      {Op::F32DemoteF64, nanF64(1), 0, anyNan(NanRule::Arithmetic)},
      {Op::F64PromoteF32, nanF32(0x200000), 0, anyNan(NanRule::Arithmetic)},
      {Op::F64PromoteF32, bitsOf(0x1p-149f), 0, value(bitsOf(0x1p-149))},
  });
}

INSTANTIATE_TEST_SUITE_P(Configs, NumericLoweringTest,
                         testing::Values(Config{false, false},
                                         Config{true, false},
                                         Config{false, true},
                                         Config{true, true}),
                         configName);

//===----------------------------------------------------------------------===//
// Constant operands
//===----------------------------------------------------------------------===//
//
// Wasm operands are often constants. Then the -O2 pipeline folds the lowered
// IR (and the builder already folds some of it on the spot), so the lowering
// must also be right for LLVM's constant folder and InstCombine, not only for
// the instructions the backend selects: a shift by a constant 33 must not
// become poison, rem_s by a constant -1 must fold to 0, a trapping
// truncation of a constant must still trap.

bool isSignallingNan(uint64_t Bits, OpType T) {
  return isNanBits(Bits, T) && !isArithmeticNan(Bits, T);
}

/// The one known deviation, and it is not the lowering's: InstSimplify folds
/// x + -0, x - +0, x * 1 and x / 1 to x, and -0 - x, x * -1, -1 * x and
/// x / -1 to fneg x. LLVM's LangRef allows that (LLVM does not promise to
/// quiet signalling NaNs), but Wasm wants an arithmetic NaN there, so a
/// signalling NaN comes out unquieted. Only strictfp/constrained FP stops
/// these folds. The spec suite checks exactly this in float_exprs.wast
/// (no_fold_mul_one and friends, with nan:0x200000).
bool isLlvmIdentityFoldOfSignallingNan(Op O, uint64_t A, uint64_t B,
                                       bool AIsConst) {
  OpType T = kiln::wasm::opInfo(O).Result;
  if (T != OpType::F32 && T != OpType::F64)
    return false;
  uint64_t Var = AIsConst ? B : A, Const = AIsConst ? A : B;
  if (!isSignallingNan(Var, T))
    return false;
  double C = T == OpType::F32 ? double(f32(Const)) : f64(Const);
  bool NegZero = C == 0 && std::signbit(C), PosZero = C == 0 && !NegZero;
  switch (O) {
  case Op::F32Add:
  case Op::F64Add:
    return NegZero;
  case Op::F32Sub:
  case Op::F64Sub:
    return AIsConst ? NegZero : PosZero;
  case Op::F32Mul:
  case Op::F64Mul:
    return C == 1 || C == -1;
  case Op::F32Div:
  case Op::F64Div:
    return !AIsConst && (C == 1 || C == -1);
  default:
    return false;
  }
}

/// What the O2 pipeline must produce for \p O on (A, B) with the operands
/// flagged constant baked into the IR.
Outcome foldedReference(Op O, uint64_t A, uint64_t B, bool AConst,
                        bool BConst) {
  if ((AConst && isLlvmIdentityFoldOfSignallingNan(O, A, B, true)) ||
      (BConst && isLlvmIdentityFoldOfSignallingNan(O, A, B, false)))
    return anyNan(NanRule::AnyNan);
  return reference(O, A, B);
}

TEST(NumericLoweringConstants, OneConstantOperandMatchesReference) {
  auto Name = [](Op O, char Which, size_t I) {
    return thunkName(O) + "_" + Which + std::to_string(I);
  };
  JittedOps J({/*Optimize=*/true, /*BaselineCpu=*/false}, [&](llvm::Module &M) {
    for (Op O : scalarNumericOps()) {
      const kiln::wasm::OpInfo &Info = kiln::wasm::opInfo(O);
      std::vector<uint64_t> As = inputsFor(Info.P0);
      for (size_t I = 0; I < As.size(); ++I)
        emitThunk(M, O, withConstants(Name(O, 'a', I), As[I], {}));
      if (!isBinary(O))
        continue;
      std::vector<uint64_t> Bs = inputsFor(Info.P1);
      for (size_t I = 0; I < Bs.size(); ++I)
        emitThunk(M, O, withConstants(Name(O, 'b', I), {}, Bs[I]));
    }
  });
  ASSERT_TRUE(J.failure().empty()) << J.failure();

  for (Op O : scalarNumericOps()) {
    const kiln::wasm::OpInfo &Info = kiln::wasm::opInfo(O);
    std::vector<uint64_t> As = inputsFor(Info.P0);
    std::vector<uint64_t> Bs =
        isBinary(O) ? inputsFor(Info.P1) : std::vector<uint64_t>{0};
    unsigned Failures = 0;
    for (size_t I = 0; I < As.size(); ++I)
      for (uint64_t B : Bs)
        expectThunkOutcome(J, Name(O, 'a', I), O, As[I], B,
                           foldedReference(O, As[I], B, true, !isBinary(O)),
                           Failures, " [first operand constant]");
    if (isBinary(O))
      for (size_t I = 0; I < Bs.size(); ++I)
        for (uint64_t A : As)
          expectThunkOutcome(J, Name(O, 'b', I), O, A, Bs[I],
                             foldedReference(O, A, Bs[I], false, true),
                             Failures, " [second operand constant]");
    EXPECT_EQ(Failures, 0u) << kiln::wasm::opName(O);
  }
}

/// Both operands constant: LLVM evaluates the whole operation with APFloat /
/// APInt. A reduced input set keeps the module small.
TEST(NumericLoweringConstants, BothOperandsConstantMatchReference) {
  auto Inputs = [](OpType T) -> std::vector<uint64_t> {
    switch (T) {
    case OpType::I32:
      return {0,  1,          7,      31,           32,
              33, 0x7fffffff, I32Min, uint32_t(-7), I32MinusOne};
    case OpType::I64:
      return {0,
              1,
              7,
              63,
              64,
              65,
              0x7fffffffffffffff,
              I64Min,
              uint64_t(-7),
              I64MinusOne};
    case OpType::F32:
      return {
          bitsOf(0.0f),     bitsOf(-0.0f),          bitsOf(1.0f),
          bitsOf(-1.0f),    bitsOf(2.5f),           bitsOf(InfF32),
          bitsOf(-InfF32),  bitsOf(0x1p-149f),      bitsOf(0x1.fffffep+127f),
          nanF32(0x400000), nanF32(0x400000, true), nanF32(0x400001),
          nanF32(0x200000)};
    case OpType::F64:
      return {bitsOf(0.0),
              bitsOf(-0.0),
              bitsOf(1.0),
              bitsOf(-1.0),
              bitsOf(2.5),
              bitsOf(InfF64),
              bitsOf(-InfF64),
              bitsOf(0x1p-1074),
              bitsOf(0x1.fffffffffffffp+1023),
              nanF64(F64Quiet),
              nanF64(F64Quiet, true),
              nanF64(F64Quiet | 1),
              nanF64(1)};
    default:
      return {};
    }
  };
  auto Name = [](Op O, size_t I, size_t K) {
    return thunkName(O) + "_c" + std::to_string(I) + "_" + std::to_string(K);
  };
  std::vector<Op> Ops;
  for (Op O : scalarNumericOps())
    if (isBinary(O))
      Ops.push_back(O);
  JittedOps J({/*Optimize=*/true, /*BaselineCpu=*/false}, [&](llvm::Module &M) {
    for (Op O : Ops) {
      const kiln::wasm::OpInfo &Info = kiln::wasm::opInfo(O);
      std::vector<uint64_t> As = Inputs(Info.P0), Bs = Inputs(Info.P1);
      for (size_t I = 0; I < As.size(); ++I)
        for (size_t K = 0; K < Bs.size(); ++K)
          emitThunk(M, O, withConstants(Name(O, I, K), As[I], Bs[K]));
    }
  });
  ASSERT_TRUE(J.failure().empty()) << J.failure();
  for (Op O : Ops) {
    const kiln::wasm::OpInfo &Info = kiln::wasm::opInfo(O);
    std::vector<uint64_t> As = Inputs(Info.P0), Bs = Inputs(Info.P1);
    unsigned Failures = 0;
    for (size_t I = 0; I < As.size(); ++I)
      for (size_t K = 0; K < Bs.size(); ++K)
        expectThunkOutcome(J, Name(O, I, K), O, As[I], Bs[K],
                           foldedReference(O, As[I], Bs[K], true, true),
                           Failures, " [both operands constant]");
    EXPECT_EQ(Failures, 0u) << kiln::wasm::opName(O);
  }
}

//===----------------------------------------------------------------------===//
// Shape of the emitted IR
//===----------------------------------------------------------------------===//

TEST(NumericLoweringIR, CoversEveryScalarNumericOpWithValidIR) {
  llvm::LLVMContext C;
  llvm::Module M("shape", C);
  std::vector<Op> Ops = scalarNumericOps();
  for (Op O : Ops)
    emitThunk(M, O);
  std::string Err;
  llvm::raw_string_ostream OS(Err);
  EXPECT_FALSE(llvm::verifyModule(M, &OS)) << Err;
  // 123 MVP numeric ops + 5 sign-extension + 8 saturating truncations.
  EXPECT_EQ(Ops.size(), 136u);
}

TEST(NumericLoweringIR, TrapsExactlyWhereTheSpecDoes) {
  llvm::LLVMContext C;
  llvm::Module M("traps", C);
  const std::vector<TrapCode> None;
  const std::vector<TrapCode> DivZero = {DivByZero};
  const std::vector<TrapCode> DivZeroOrOverflow = {DivByZero, Overflow};
  const std::vector<TrapCode> NanOrOverflow = {Invalid, Overflow};
  for (Op O : scalarNumericOps()) {
    const std::vector<TrapCode> *Want = &None;
    switch (O) {
    case Op::I32DivS:
    case Op::I64DivS:
      Want = &DivZeroOrOverflow;
      break;
    // rem_s must not trap on INT_MIN rem -1.
    case Op::I32RemS:
    case Op::I64RemS:
    case Op::I32DivU:
    case Op::I64DivU:
    case Op::I32RemU:
    case Op::I64RemU:
      Want = &DivZero;
      break;
    case Op::I32TruncF32S:
    case Op::I32TruncF32U:
    case Op::I32TruncF64S:
    case Op::I32TruncF64U:
    case Op::I64TruncF32S:
    case Op::I64TruncF32U:
    case Op::I64TruncF64S:
    case Op::I64TruncF64U:
      Want = &NanOrOverflow;
      break;
    default:
      break;
    }
    EXPECT_EQ(emitThunk(M, O), *Want) << kiln::wasm::opName(O);
  }
}

TEST(NumericLoweringIR, IgnoresFastMathFlagsOnTheBuilder) {
  llvm::LLVMContext C;
  llvm::Module M("fmf", C);
  for (Op O : {Op::F32Add, Op::F64Mul, Op::F32Div, Op::F64Sqrt, Op::F32Min,
               Op::F64Nearest}) {
    llvm::Value *R = nullptr;
    ThunkOptions Opts;
    Opts.FastMathBuilder = true;
    Opts.Lowered = &R;
    emitThunk(M, O, Opts);
    auto *I = llvm::dyn_cast<llvm::Instruction>(R);
    ASSERT_NE(I, nullptr) << kiln::wasm::opName(O);
    EXPECT_FALSE(I->getFastMathFlags().any()) << kiln::wasm::opName(O);
    // Min/max wrap the intrinsic in a NaN select; check the intrinsic too.
    if (auto *Sel = llvm::dyn_cast<llvm::SelectInst>(I)) {
      auto *Inner = llvm::cast<llvm::Instruction>(Sel->getFalseValue());
      EXPECT_FALSE(Inner->getFastMathFlags().any()) << kiln::wasm::opName(O);
    }
  }
}

} // namespace
