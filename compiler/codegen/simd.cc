//===- compiler/codegen/simd.cc - Lowering of v128 operations -------------===//
//
// Every register-only SIMD instruction becomes a short sequence of LLVM
// vector operations on the lane shape it works on. A v128 arrives and leaves
// as <4 x i32>; each lowering bitcasts to its shape (<16 x i8>, <8 x i16>,
// <4 x i32>, <2 x i64>, <4 x float>, <2 x double>) and back, which LLVM
// folds away. The bitcasts assume a little-endian target, as Wasm's lane
// numbering does; every Kiln target is little-endian.
//
// As in numeric.cc, wherever an LLVM operation is undefined or poison on
// inputs Wasm defines (over-wide shifts, out-of-range float-to-int, abs of
// INT_MIN), the lowering either uses a form LLVM defines (the .sat and abs
// intrinsics) or rewrites the operands first.
//
// On x86 a few operations use the SSE intrinsic whose semantics are the
// Wasm ones (or are permitted for relaxed SIMD) where LLVM would otherwise
// not find the single instruction: pshufb, pmaddwd, pmaddubsw, pmulhrsw, the
// packs and cvttps2dq/cvttpd2dq. They need SSSE3/SSE4.1, which the x86-64-v2
// baseline Kiln targets has.
//
// Relaxed SIMD choices (spec "relaxed" parameters; fixed per artifact):
//
//   operation           x86 (IsX86)                      elsewhere
//   relaxed_swizzle     pshufb: i[j mod 16] for j < 128  exact swizzle (0)
//   relaxed_trunc _s    cvttps2dq/cvttpd2dq: INT_MIN     saturating
//   relaxed_trunc _u    saturating                       saturating
//   relaxed_(n)madd     unfused fmul + fadd              unfused
//   relaxed_laneselect  by each lane's top bit (blendv)  bitselect
//   relaxed_min/max     minps/maxps: z1 < z2 ? z1 : z2   exact fmin/fmax
//   relaxed_q15mulr_s   pmulhrsw (INT16_MIN on overflow) saturating
//   relaxed_dot         pmaddubsw (b unsigned, sat sum)  signed * signed
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/simd.h"

#include "kiln/error.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/IntrinsicsX86.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace kiln::codegen {

using wasm::Op;

namespace {

using llvm::Constant;
using llvm::IRBuilder;
using llvm::Type;
using llvm::Value;
namespace Intrinsic = llvm::Intrinsic;
using Pred = llvm::CmpInst::Predicate;

//===----------------------------------------------------------------------===//
// Lane shapes
//===----------------------------------------------------------------------===//

enum class LaneKind : uint8_t { I8, I16, I32, I64, F32, F64 };

struct Shape {
  LaneKind Kind;
  unsigned Lanes;

  unsigned laneBits() const { return 128 / Lanes; }
};

/// How extract_lane widens an i8/i16 lane to its i32 result.
enum class LaneExt : uint8_t { None, Sign, Zero };

constexpr Shape I8x16{LaneKind::I8, 16};
constexpr Shape I16x8{LaneKind::I16, 8};
constexpr Shape I32x4{LaneKind::I32, 4};
constexpr Shape I64x2{LaneKind::I64, 2};
constexpr Shape F32x4{LaneKind::F32, 4};
constexpr Shape F64x2{LaneKind::F64, 2};

/// The integer shape with the same lanes as \p S.
Shape intShape(Shape S) {
  switch (S.Kind) {
  case LaneKind::F32:
    return I32x4;
  case LaneKind::F64:
    return I64x2;
  default:
    return S;
  }
}

/// Lowers one instruction. The helpers live here rather than as
/// SimdLowering members so that simd.h stays the small public interface.
class Lowerer {
public:
  Lowerer(IRBuilder<> &B, Type *V128Ty, bool IsX86)
      : B(B), V128Ty(V128Ty), IsX86(IsX86) {}

  Value *lower(const wasm::Instr &I, std::span<Value *const> Args);

private:
  //--- Types and reshaping ---------------------------------------------===//

  Type *laneType(Shape S) {
    switch (S.Kind) {
    case LaneKind::I8:
      return B.getInt8Ty();
    case LaneKind::I16:
      return B.getInt16Ty();
    case LaneKind::I32:
      return B.getInt32Ty();
    case LaneKind::I64:
      return B.getInt64Ty();
    case LaneKind::F32:
      return B.getFloatTy();
    case LaneKind::F64:
      return B.getDoubleTy();
    }
    KILN_UNREACHABLE("unhandled lane kind");
  }
  llvm::FixedVectorType *vecType(Shape S) {
    return llvm::FixedVectorType::get(laneType(S), S.Lanes);
  }
  /// The v128 \p V viewed as shape \p S.
  Value *as(Value *V, Shape S) { return B.CreateBitCast(V, vecType(S)); }
  /// Any 128-bit vector back as the canonical v128.
  Value *v128(Value *V) { return B.CreateBitCast(V, V128Ty); }

  /// A splat of the integer \p Bits in the lanes of \p S's integer shape.
  Constant *splatInt(Shape S, uint64_t Bits) {
    return llvm::ConstantInt::get(vecType(intShape(S)), Bits);
  }
  static unsigned lanesOf(Value *V) {
    return llvm::cast<llvm::FixedVectorType>(V->getType())->getNumElements();
  }

  /// Lanes [First, First + Count) of \p V.
  Value *lanes(Value *V, unsigned First, unsigned Count) {
    llvm::SmallVector<int, 16> Mask;
    for (unsigned I = 0; I < Count; ++I)
      Mask.push_back(int(First + I));
    return B.CreateShuffleVector(V, Mask);
  }
  Value *lowHalf(Value *V) { return lanes(V, 0, lanesOf(V) / 2); }
  Value *highHalf(Value *V) { return lanes(V, lanesOf(V) / 2, lanesOf(V) / 2); }
  Value *half(Value *V, bool High) { return High ? highHalf(V) : lowHalf(V); }
  /// Every second lane of \p V, starting at lane \p First (0 or 1).
  Value *everyOther(Value *V, unsigned First) {
    llvm::SmallVector<int, 16> Mask;
    for (unsigned I = First; I < lanesOf(V); I += 2)
      Mask.push_back(int(I));
    return B.CreateShuffleVector(V, Mask);
  }
  /// \p Lo's lanes followed by \p Hi's (same type).
  Value *concat(Value *Lo, Value *Hi) {
    llvm::SmallVector<int, 32> Mask;
    for (unsigned I = 0; I < 2 * lanesOf(Lo); ++I)
      Mask.push_back(int(I));
    return B.CreateShuffleVector(Lo, Hi, Mask);
  }
  /// A half-width vector widened to 128 bits with zero upper lanes, as the
  /// `_zero` conversions produce.
  Value *withZeroHigh(Value *Low) {
    return v128(concat(Low, Constant::getNullValue(Low->getType())));
  }
  /// Sign- or zero-extends each lane to twice its width.
  Value *extend(Value *V, bool Signed) {
    auto *Wide = llvm::VectorType::getExtendedElementVectorType(
        llvm::cast<llvm::VectorType>(V->getType()));
    return Signed ? B.CreateSExt(V, Wide) : B.CreateZExt(V, Wide);
  }
  /// Sums adjacent lane pairs: lane i of the result is V[2i] + V[2i+1].
  Value *pairwiseAdd(Value *V) {
    return B.CreateAdd(everyOther(V, 0), everyOther(V, 1));
  }

  /// The places the lowering looks past IsX86: code-generator limitations
  /// of one target, read from the module being built.
  bool targetIsArm32() {
    const llvm::Module *M = B.GetInsertBlock()->getModule();
    return llvm::Triple(M->getTargetTriple()).isARM();
  }

  bool targetIsRiscV() {
    const llvm::Module *M = B.GetInsertBlock()->getModule();
    return llvm::Triple(M->getTargetTriple()).isRISCV();
  }

  Value *x86(Intrinsic::ID Id, llvm::ArrayRef<Value *> Ops) {
    return B.CreateIntrinsic(Id, {}, Ops);
  }
  /// minps/minpd/maxps/maxpd on shaped float vectors: a < b ? a : b (or
  /// a > b), i.e. b whenever either is NaN or they compare equal.
  Value *x86MinMax(Shape S, bool IsMax, Value *A, Value *C) {
    Intrinsic::ID Id;
    if (S.Kind == LaneKind::F32)
      Id = IsMax ? Intrinsic::x86_sse_max_ps : Intrinsic::x86_sse_min_ps;
    else
      Id = IsMax ? Intrinsic::x86_sse2_max_pd : Intrinsic::x86_sse2_min_pd;
    return x86(Id, {A, C});
  }

  //--- Instruction groups ----------------------------------------------===//

  Value *constant(const wasm::Instr &I);
  Value *shuffle(const wasm::Instr &I, Value *X, Value *Y);
  Value *swizzle(Value *X, Value *Y);
  Value *relaxedSwizzle(Value *X, Value *Y);
  Value *splat(Shape S, Value *Scalar);
  Value *extractLane(Shape S, unsigned Lane, Value *X, LaneExt Ext);
  Value *replaceLane(Shape S, unsigned Lane, Value *X, Value *Scalar);

  Value *icmp(Shape S, Pred P, Value *X, Value *Y);
  Value *fcmp(Shape S, Pred P, Value *X, Value *Y);

  Value *bitselect(Value *V1, Value *V2, Value *Mask);
  Value *anyTrue(Value *X);
  Value *allTrue(Shape S, Value *X);
  Value *bitmask(Shape S, Value *X);
  Value *shift(Shape S, llvm::Instruction::BinaryOps Opc, Value *X,
               Value *Count);

  Value *intBinary(Shape S, llvm::Instruction::BinaryOps Opc, Value *X,
                   Value *Y);
  Value *intIntrinsic(Shape S, Intrinsic::ID Id, Value *X, Value *Y);
  Value *intAbs(Shape S, Value *X);
  Value *intNeg(Shape S, Value *X);
  Value *popcnt(Value *X);
  Value *avgrU(Shape S, Value *X, Value *Y);
  Value *q15mulrSat(Value *X, Value *Y);
  Value *q15mulrExact(Value *X, Value *Y);
  Value *dotI16x8(Value *X, Value *Y);
  Value *extmul(Shape From, bool High, bool Signed, Value *X, Value *Y);
  Value *extaddPairwise(Shape From, bool Signed, Value *X);
  Value *narrow(Shape From, bool Signed, Value *X, Value *Y);
  Value *extendHalf(Shape From, bool High, bool Signed, Value *X);

  Value *floatBinary(Shape S, llvm::Instruction::BinaryOps Opc, Value *X,
                     Value *Y);
  Value *floatUnary(Shape S, Intrinsic::ID Id, Value *X);
  Value *floatAbs(Shape S, Value *X);
  Value *floatNeg(Shape S, Value *X);
  Value *floatMinMax(Shape S, bool IsMax, Value *X, Value *Y);
  Value *pseudoMinMax(Shape S, bool IsMax, Value *X, Value *Y);

  Value *truncSat(Shape From, bool Signed, Value *X);
  Value *truncSatX86(Shape From, bool Signed, Value *X);
  Value *convertI32x4(bool Signed, Value *X);
  Value *convertLowI32x4(bool Signed, Value *X);
  Value *demote(Value *X);
  Value *promoteLow(Value *X);

  Value *relaxedTruncS(Shape From, Value *X);
  Value *relaxedMadd(Shape S, bool Negate, Value *X, Value *Y, Value *Z);
  Value *relaxedLaneselect(Shape S, Value *X, Value *Y, Value *Mask);
  Value *relaxedMinMax(Shape S, bool IsMax, Value *X, Value *Y);
  Value *relaxedDotI16(Value *X, Value *Y);
  Value *relaxedDotAdd(Value *X, Value *Y, Value *Acc);

  Value *lowerSimd(const wasm::Instr &I, std::span<Value *const> Args);

  IRBuilder<> &B;
  Type *V128Ty;
  bool IsX86;
};

//===----------------------------------------------------------------------===//
// Constants, shuffles, lanes
//===----------------------------------------------------------------------===//

Value *Lowerer::constant(const wasm::Instr &I) {
  // As <16 x i8> in memory order; the bitcast folds to a <4 x i32>
  // constant on a little-endian target.
  Constant *Bytes = llvm::ConstantDataVector::get(
      B.getContext(), llvm::ArrayRef<uint8_t>(I.Bytes.data(), I.Bytes.size()));
  return v128(Bytes);
}

Value *Lowerer::shuffle(const wasm::Instr &I, Value *X, Value *Y) {
  llvm::SmallVector<int, 16> Mask;
  for (uint8_t Lane : I.Bytes) {
    if (Lane >= 32)
      KILN_UNREACHABLE("i8x16.shuffle lane index >= 32 passed validation");
    Mask.push_back(Lane);
  }
  return v128(B.CreateShuffleVector(as(X, I8x16), as(Y, I8x16), Mask));
}

/// i8x16.swizzle: lane i is X[Y[i]], or 0 when Y[i] >= 16.
Value *Lowerer::swizzle(Value *X, Value *Y) {
  Value *Src = as(X, I8x16), *Idx = as(Y, I8x16);
  if (IsX86) {
    // pshufb zeroes a lane whose index has its top bit set and otherwise
    // uses the low four bits. Adding 0x70 with unsigned saturation keeps the
    // low four bits of 0..15 (giving 0x70..0x7f) and pushes every index
    // >= 16 to 0x80 or above.
    Value *Adj =
        B.CreateBinaryIntrinsic(Intrinsic::uadd_sat, Idx, splatInt(I8x16, 0x70));
    return v128(x86(Intrinsic::x86_ssse3_pshuf_b_128, {Src, Adj}));
  }
  // No generic IR for a variable byte shuffle: select source lane k into
  // every result lane whose index equals k. Sixteen compare/broadcast/select
  // steps, all on whole vectors; lanes no index matches stay zero.
  Value *R = Constant::getNullValue(Src->getType());
  for (unsigned K = 0; K < 16; ++K) {
    Value *Match = B.CreateICmpEQ(Idx, splatInt(I8x16, K));
    Value *Lane = B.CreateShuffleVector(
        Src, llvm::SmallVector<int, 16>(16, int(K)));
    R = B.CreateSelect(Match, Lane, R);
  }
  return v128(R);
}

/// i8x16.relaxed_swizzle. x86: pshufb as is, which for an index in 16..127
/// returns X[index mod 16] (permitted) and 0 for 128..255 (required).
Value *Lowerer::relaxedSwizzle(Value *X, Value *Y) {
  if (!IsX86)
    return swizzle(X, Y);
  return v128(
      x86(Intrinsic::x86_ssse3_pshuf_b_128, {as(X, I8x16), as(Y, I8x16)}));
}

Value *Lowerer::splat(Shape S, Value *Scalar) {
  Type *Lane = laneType(S);
  if (Scalar->getType() != Lane) // i8/i16 lanes take an i32 operand
    Scalar = B.CreateTrunc(Scalar, Lane);
  return v128(B.CreateVectorSplat(S.Lanes, Scalar));
}

Value *Lowerer::extractLane(Shape S, unsigned Lane, Value *X, LaneExt Ext) {
  if (Lane >= S.Lanes)
    KILN_UNREACHABLE("lane index out of range passed validation");
  Value *E = B.CreateExtractElement(as(X, S), uint64_t(Lane));
  switch (Ext) {
  case LaneExt::Sign:
    return B.CreateSExt(E, B.getInt32Ty());
  case LaneExt::Zero:
    return B.CreateZExt(E, B.getInt32Ty());
  case LaneExt::None:
    break;
  }
  return E;
}

Value *Lowerer::replaceLane(Shape S, unsigned Lane, Value *X, Value *Scalar) {
  if (Lane >= S.Lanes)
    KILN_UNREACHABLE("lane index out of range passed validation");
  Type *LaneTy = laneType(S);
  if (Scalar->getType() != LaneTy)
    Scalar = B.CreateTrunc(Scalar, LaneTy);
  return v128(B.CreateInsertElement(as(X, S), Scalar, uint64_t(Lane)));
}

//===----------------------------------------------------------------------===//
// Comparisons, bitwise operations, tests, shifts
//===----------------------------------------------------------------------===//

/// Comparisons give all ones or all zeros per lane.
Value *Lowerer::icmp(Shape S, Pred P, Value *X, Value *Y) {
  return v128(B.CreateSExt(B.CreateICmp(P, as(X, S), as(Y, S)), vecType(S)));
}

/// The predicate is ordered for every comparison but `ne` (une): Wasm
/// comparisons are false on NaN except `ne`.
Value *Lowerer::fcmp(Shape S, Pred P, Value *X, Value *Y) {
  return v128(
      B.CreateSExt(B.CreateFCmp(P, as(X, S), as(Y, S)), vecType(intShape(S))));
}

/// Bits of V1 where Mask is set, of V2 where it is clear.
Value *Lowerer::bitselect(Value *V1, Value *V2, Value *Mask) {
  return B.CreateOr(B.CreateAnd(V1, Mask), B.CreateAnd(V2, B.CreateNot(Mask)));
}

Value *Lowerer::anyTrue(Value *X) {
  Value *Wide = B.CreateBitCast(X, B.getInt128Ty());
  return B.CreateZExt(B.CreateICmpNE(Wide, B.getIntN(128, 0)), B.getInt32Ty());
}

Value *Lowerer::allTrue(Shape S, Value *X) {
  Value *NonZero = B.CreateICmpNE(as(X, S), Constant::getNullValue(vecType(S)));
  return B.CreateZExt(B.CreateAndReduce(NonZero), B.getInt32Ty());
}

/// Bit i of the result is the top bit of lane i (movmsk on x86).
Value *Lowerer::bitmask(Shape S, Value *X) {
  Value *Neg = B.CreateICmpSLT(as(X, S), Constant::getNullValue(vecType(S)));
  Value *Bits = B.CreateBitCast(Neg, B.getIntNTy(S.Lanes));
  return B.CreateZExt(Bits, B.getInt32Ty());
}

/// The count is taken modulo the lane width, as Wasm requires; an LLVM
/// shift by >= the width would be poison.
Value *Lowerer::shift(Shape S, llvm::Instruction::BinaryOps Opc, Value *X,
                      Value *Count) {
  Value *C = B.CreateAnd(Count, B.getInt32(S.laneBits() - 1));
  C = B.CreateZExtOrTrunc(C, laneType(S));
  return v128(B.CreateBinOp(Opc, as(X, S), B.CreateVectorSplat(S.Lanes, C)));
}

//===----------------------------------------------------------------------===//
// Integer arithmetic
//===----------------------------------------------------------------------===//

Value *Lowerer::intBinary(Shape S, llvm::Instruction::BinaryOps Opc, Value *X,
                          Value *Y) {
  return v128(B.CreateBinOp(Opc, as(X, S), as(Y, S)));
}

/// Two-operand integer intrinsics: saturating add/sub, min/max.
Value *Lowerer::intIntrinsic(Shape S, Intrinsic::ID Id, Value *X, Value *Y) {
  return v128(B.CreateBinaryIntrinsic(Id, as(X, S), as(Y, S)));
}

/// abs(INT_MIN) is INT_MIN in Wasm: is_int_min_poison must be false.
Value *Lowerer::intAbs(Shape S, Value *X) {
  return v128(B.CreateIntrinsic(Intrinsic::abs, {vecType(S)},
                                {as(X, S), B.getFalse()}));
}

/// Wrapping negation (no nsw: -INT_MIN is INT_MIN).
Value *Lowerer::intNeg(Shape S, Value *X) {
  return v128(B.CreateSub(Constant::getNullValue(vecType(S)), as(X, S)));
}

Value *Lowerer::popcnt(Value *X) {
  return v128(B.CreateUnaryIntrinsic(Intrinsic::ctpop, as(X, I8x16)));
}

/// (a + b + 1) >> 1 without overflow, in lanes twice as wide; x86 selects
/// pavgb/pavgw for the pattern.
Value *Lowerer::avgrU(Shape S, Value *X, Value *Y) {
  Value *A = extend(as(X, S), false), *C = extend(as(Y, S), false);
  Value *Sum = B.CreateAdd(B.CreateAdd(A, C),
                           llvm::ConstantInt::get(A->getType(), 1));
  return v128(B.CreateTrunc(B.CreateLShr(Sum, 1), vecType(S)));
}

/// i16x8.q15mulr_sat_s: sat((a * b + 0x4000) >> 15). Only
/// INT16_MIN * INT16_MIN overflows (to 0x8000); no other product reaches
/// -0x8000 after rounding, since the smallest is -0x8000 * 0x7fff.
Value *Lowerer::q15mulrSat(Value *X, Value *Y) {
  if (IsX86) {
    // pmulhrsw computes exactly this without the saturation; the one
    // overflow is the only way to produce 0x8000, so flip those lanes to
    // 0x7fff.
    Value *R = x86(Intrinsic::x86_ssse3_pmul_hr_sw_128,
                   {as(X, I16x8), as(Y, I16x8)});
    Value *Over = B.CreateICmpEQ(R, splatInt(I16x8, 0x8000));
    return v128(B.CreateXor(R, B.CreateSExt(Over, vecType(I16x8))));
  }
  return q15mulrExact(X, Y);
}

Value *Lowerer::q15mulrExact(Value *X, Value *Y) {
  Value *A = extend(as(X, I16x8), true), *C = extend(as(Y, I16x8), true);
  Value *P = B.CreateAShr(
      B.CreateAdd(B.CreateMul(A, C), llvm::ConstantInt::get(A->getType(), 0x4000)),
      15);
  P = B.CreateBinaryIntrinsic(Intrinsic::smin, P,
                              llvm::ConstantInt::get(A->getType(), 0x7fff));
  return v128(B.CreateTrunc(P, vecType(I16x8)));
}

/// i32x4.dot_i16x8_s: pairwise sums of the 32-bit products, wrapping (only
/// (-0x8000)^2 * 2 overflows, to INT32_MIN, in Wasm and pmaddwd alike).
Value *Lowerer::dotI16x8(Value *X, Value *Y) {
  if (IsX86)
    return v128(
        x86(Intrinsic::x86_sse2_pmadd_wd, {as(X, I16x8), as(Y, I16x8)}));
  Value *P = B.CreateMul(extend(as(X, I16x8), true), extend(as(Y, I16x8), true));
  return v128(pairwiseAdd(P));
}

/// extmul_{low,high}: the products of the widened halves, which cannot
/// overflow the wide lane.
Value *Lowerer::extmul(Shape From, bool High, bool Signed, Value *X,
                       Value *Y) {
  Value *A = extend(half(as(X, From), High), Signed);
  Value *C = extend(half(as(Y, From), High), Signed);
  return v128(B.CreateMul(A, C));
}

Value *Lowerer::extaddPairwise(Shape From, bool Signed, Value *X) {
  Value *V = as(X, From);
  if (IsX86) {
    // Multiply-add by ones: no product or sum can saturate or overflow.
    if (From.Kind == LaneKind::I8) {
      Value *Ones = splatInt(I8x16, 1);
      // pmaddubsw treats its first operand as unsigned, its second signed.
      return v128(Signed
                      ? x86(Intrinsic::x86_ssse3_pmadd_ub_sw_128, {Ones, V})
                      : x86(Intrinsic::x86_ssse3_pmadd_ub_sw_128, {V, Ones}));
    }
    Value *Ones = splatInt(I16x8, 1);
    if (Signed)
      return v128(x86(Intrinsic::x86_sse2_pmadd_wd, {V, Ones}));
    // Unsigned: u = (u ^ 0x8000) + 0x8000 with the xor read as signed, so
    // the pair sum is pmaddwd(u ^ 0x8000, 1) + 0x10000.
    Value *Biased = B.CreateXor(V, splatInt(I16x8, 0x8000));
    Value *Sum = x86(Intrinsic::x86_sse2_pmadd_wd, {Biased, Ones});
    return v128(B.CreateAdd(Sum, splatInt(I32x4, 0x10000)));
  }
  return v128(pairwiseAdd(extend(V, Signed)));
}

/// narrow_s/u: X's lanes then Y's, each saturated (from its signed value)
/// to the signed/unsigned range of the half-width lane.
Value *Lowerer::narrow(Shape From, bool Signed, Value *X, Value *Y) {
  Value *A = as(X, From), *C = as(Y, From);
  if (IsX86) {
    Intrinsic::ID Id;
    if (From.Kind == LaneKind::I16)
      Id = Signed ? Intrinsic::x86_sse2_packsswb_128
                  : Intrinsic::x86_sse2_packuswb_128;
    else
      Id = Signed ? Intrinsic::x86_sse2_packssdw_128
                  : Intrinsic::x86_sse41_packusdw;
    return v128(x86(Id, {A, C}));
  }
  Value *Cat = concat(A, C);
  unsigned Bits = From.laneBits(), NarrowBits = Bits / 2;
  llvm::APInt Lo = Signed ? llvm::APInt::getSignedMinValue(NarrowBits).sext(Bits)
                          : llvm::APInt(Bits, 0);
  llvm::APInt Hi = Signed ? llvm::APInt::getSignedMaxValue(NarrowBits).sext(Bits)
                          : llvm::APInt::getMaxValue(NarrowBits).zext(Bits);
  Cat = B.CreateBinaryIntrinsic(Intrinsic::smax, Cat,
                                llvm::ConstantInt::get(Cat->getType(), Lo));
  Cat = B.CreateBinaryIntrinsic(Intrinsic::smin, Cat,
                                llvm::ConstantInt::get(Cat->getType(), Hi));
  auto *NarrowTy = llvm::VectorType::getTruncatedElementVectorType(
      llvm::cast<llvm::VectorType>(Cat->getType()));
  return v128(B.CreateTrunc(Cat, NarrowTy));
}

Value *Lowerer::extendHalf(Shape From, bool High, bool Signed, Value *X) {
  return v128(extend(half(as(X, From), High), Signed));
}

//===----------------------------------------------------------------------===//
// Floating point
//===----------------------------------------------------------------------===//

Value *Lowerer::floatBinary(Shape S, llvm::Instruction::BinaryOps Opc,
                            Value *X, Value *Y) {
  return v128(B.CreateBinOp(Opc, as(X, S), as(Y, S)));
}

/// sqrt, ceil, floor, trunc, nearest (roundeven). On RISC-V (no rounding
/// instruction before Zfa/Zvfh), LLVM 19 expands the rounding ones by
/// converting to integer and back where |x| < 2^mantissa and otherwise
/// keeps x, so a signalling NaN lane comes out unquieted; there NaN lanes
/// become the canonical NaN, as numeric.cc does for scalars.
Value *Lowerer::floatUnary(Shape S, Intrinsic::ID Id, Value *X) {
  Value *A = as(X, S);
  Value *R = B.CreateUnaryIntrinsic(Id, A);
  if (Id != Intrinsic::sqrt && targetIsRiscV())
    R = B.CreateSelect(B.CreateFCmpUNO(A, A),
                       llvm::ConstantFP::getQNaN(A->getType()), R);
  return v128(R);
}

/// abs and neg only touch the sign bit, NaN payloads included, so they are
/// done on the integer view.
Value *Lowerer::floatAbs(Shape S, Value *X) {
  Shape IS = intShape(S);
  uint64_t Mask = ~0ull >> (64 - S.laneBits() + 1);
  return v128(B.CreateAnd(as(X, IS), splatInt(IS, Mask)));
}

Value *Lowerer::floatNeg(Shape S, Value *X) {
  Shape IS = intShape(S);
  return v128(B.CreateXor(as(X, IS), splatInt(IS, 1ull << (S.laneBits() - 1))));
}

/// fmin/fmax, as numeric.cc's minMax: llvm.minimum/maximum give Wasm's NaN
/// propagation and -0 < +0, but on x86 LLVM 19 can return a signalling NaN
/// operand unquieted, so any NaN lane becomes the canonical NaN (allowed
/// whatever the operands' payloads, and deterministic).
Value *Lowerer::floatMinMax(Shape S, bool IsMax, Value *X, Value *Y) {
  Value *A = as(X, S), *C = as(Y, S);
  Value *R;
  if (IsX86) {
    // LLVM's own expansion of llvm.minimum is about 14 instructions. minps
    // returns its second operand on NaN or equality, so for non-NaN lanes
    // minps(a, b) and minps(b, a) agree except on (+0, -0), where OR-ing
    // the two picks -0 (AND-ing the maxps results picks +0). NaN lanes are
    // replaced below anyway.
    Value *AC = x86MinMax(S, IsMax, A, C), *CA = x86MinMax(S, IsMax, C, A);
    Shape IS = intShape(S);
    Value *Both = IsMax ? B.CreateAnd(as(AC, IS), as(CA, IS))
                        : B.CreateOr(as(AC, IS), as(CA, IS));
    R = as(Both, S);
  } else if (S.Kind == LaneKind::F64 && targetIsArm32()) {
    // LLVM 19 cannot select llvm.minimum/maximum.f64 for 32-bit ARM; the
    // ordered cases with compares and selects: the smaller (larger) operand,
    // and for equal ones the OR (AND) of the bits, which orders -0 < +0.
    Shape IS = intShape(S);
    Value *Take = IsMax ? B.CreateFCmpOGT(A, C) : B.CreateFCmpOLT(A, C);
    Value *Same = IsMax ? B.CreateAnd(as(A, IS), as(C, IS))
                        : B.CreateOr(as(A, IS), as(C, IS));
    R = B.CreateSelect(B.CreateFCmpOEQ(A, C), as(Same, S),
                       B.CreateSelect(Take, A, C));
  } else {
    R = B.CreateBinaryIntrinsic(IsMax ? Intrinsic::maximum : Intrinsic::minimum,
                                A, C);
  }
  Value *Nan = llvm::ConstantFP::getQNaN(vecType(S));
  return v128(B.CreateSelect(B.CreateFCmpUNO(A, C), Nan, R));
}

/// pmin(a, b) = b < a ? b : a;  pmax(a, b) = a < b ? b : a. Exactly one
/// operand is returned, bit for bit (a NaN `a` included). That is
/// minps(b, a) / maxps(b, a) exactly, which LLVM does not find by itself
/// (it emits a compare and a blend).
Value *Lowerer::pseudoMinMax(Shape S, bool IsMax, Value *X, Value *Y) {
  Value *A = as(X, S), *C = as(Y, S);
  if (IsX86)
    return v128(x86MinMax(S, IsMax, C, A));
  Value *Take = IsMax ? B.CreateFCmpOLT(A, C) : B.CreateFCmpOLT(C, A);
  return v128(B.CreateSelect(Take, C, A));
}

/// trunc_sat: fpto[su]i.sat clamp out-of-range lanes and give 0 for NaN
/// (one instruction on NEON and RVV; x86 scalarizes them, see
/// truncSatX86). The f64x2 forms fill the upper two i32 lanes with zeros.
Value *Lowerer::truncSat(Shape From, bool Signed, Value *X) {
  if (IsX86)
    return truncSatX86(From, Signed, X);
  Value *V = as(X, From);
  auto *To = llvm::FixedVectorType::get(B.getInt32Ty(), From.Lanes);
  if (From.Lanes == 2 && targetIsRiscV()) {
    // f64 -> i32 narrows, which RVV does with vfncvt.rtz, an instruction
    // qemu-riscv64 7.2 (our test platform) aborts on. Saturate to i64
    // (vfcvt.rtz, same width), clamp to the i32 range and narrow: the same
    // result (NaN -> 0, out of range -> the bound) at two more instructions.
    auto *Wide = llvm::FixedVectorType::get(B.getInt64Ty(), 2);
    Value *W = B.CreateIntrinsic(
        Signed ? Intrinsic::fptosi_sat : Intrinsic::fptoui_sat,
        {Wide, V->getType()}, {V});
    if (Signed) {
      W = B.CreateBinaryIntrinsic(Intrinsic::smax, W,
                                  llvm::ConstantInt::getSigned(Wide, INT32_MIN));
      W = B.CreateBinaryIntrinsic(Intrinsic::smin, W,
                                  llvm::ConstantInt::getSigned(Wide, INT32_MAX));
    } else {
      W = B.CreateBinaryIntrinsic(Intrinsic::umin, W,
                                  llvm::ConstantInt::get(Wide, UINT32_MAX));
    }
    return withZeroHigh(B.CreateTrunc(W, To));
  }
  Value *R = B.CreateIntrinsic(
      Signed ? Intrinsic::fptosi_sat : Intrinsic::fptoui_sat, {To, V->getType()},
      {V});
  return From.Lanes == 4 ? v128(R) : withZeroHigh(R);
}

/// trunc_sat on SSE4.1, built on cvttps2dq/cvttpd2dq, which truncate
/// in-range lanes and give 0x80000000 for NaN and out-of-range ones.
Value *Lowerer::truncSatX86(Shape From, bool Signed, Value *X) {
  Value *V = as(X, From);
  Type *VTy = V->getType();
  Constant *Zero = Constant::getNullValue(VTy);
  auto F = [&](double D) { return llvm::ConstantFP::get(VTy, D); };
  if (From.Kind == LaneKind::F32 && Signed) {
    // Negative overflow already gives INT32_MIN; fix positive overflow and
    // NaN.
    Value *R = x86(Intrinsic::x86_sse2_cvttps2dq, {V});
    R = B.CreateSelect(B.CreateFCmpOGE(V, F(0x1p31)), splatInt(I32x4, 0x7fffffff),
                       R);
    R = B.CreateSelect(B.CreateFCmpUNO(V, V), splatInt(I32x4, 0), R);
    return v128(R);
  }
  if (From.Kind == LaneKind::F32) {
    // maxps(x, 0) sends NaN and negative lanes to 0. Lanes below 2^31
    // convert directly; for [2^31, 2^32) the direct conversion gives
    // 0x80000000 and converting x - 2^31 (exact there) supplies the rest,
    // clamped at 0 for the lanes below 2^31. Lanes >= 2^32 saturate.
    Value *Pos = x86MinMax(F32x4, true, V, Zero);
    Value *Lo = x86(Intrinsic::x86_sse2_cvttps2dq, {Pos});
    Value *Hi = x86(Intrinsic::x86_sse2_cvttps2dq,
                    {B.CreateFSub(Pos, F(0x1p31))});
    Hi = B.CreateBinaryIntrinsic(Intrinsic::smax, Hi, splatInt(I32x4, 0));
    Value *R = B.CreateAdd(Lo, Hi);
    R = B.CreateSelect(B.CreateFCmpOGE(Pos, F(0x1p32)),
                       splatInt(I32x4, 0xffffffff), R);
    return v128(R);
  }
  if (Signed) {
    // Zero the NaN lanes, clamp the top at INT32_MAX (below that a lane
    // truncates the same); negative overflow gives INT32_MIN by itself.
    Value *Ordered = B.CreateSExt(B.CreateFCmpORD(V, V), vecType(I64x2));
    Value *NoNan = as(B.CreateAnd(as(V, I64x2), Ordered), F64x2);
    Value *Clamped = x86MinMax(F64x2, false, NoNan, F(2147483647.0));
    return v128(x86(Intrinsic::x86_sse2_cvttpd2dq, {Clamped}));
  }
  // Unsigned f64x2: clamp to [0, 2^32 - 1] (NaN to 0), truncate, and add
  // 2^52, which puts the integer in the low 32 bits of the double.
  Value *Clamped = x86MinMax(F64x2, false, x86MinMax(F64x2, true, V, Zero),
                             F(4294967295.0));
  Value *T = B.CreateUnaryIntrinsic(Intrinsic::trunc, Clamped);
  Value *Biased = as(B.CreateFAdd(T, F(0x1p52)), I32x4);
  return v128(B.CreateShuffleVector(Biased, Constant::getNullValue(vecType(I32x4)),
                                    {0, 2, 4, 4}));
}

Value *Lowerer::convertI32x4(bool Signed, Value *X) {
  Value *V = as(X, I32x4);
  return v128(Signed ? B.CreateSIToFP(V, vecType(F32x4))
                     : B.CreateUIToFP(V, vecType(F32x4)));
}

Value *Lowerer::convertLowI32x4(bool Signed, Value *X) {
  Value *V = lowHalf(as(X, I32x4));
  return v128(Signed ? B.CreateSIToFP(V, vecType(F64x2))
                     : B.CreateUIToFP(V, vecType(F64x2)));
}

Value *Lowerer::demote(Value *X) {
  auto *Two = llvm::FixedVectorType::get(B.getFloatTy(), 2);
  return withZeroHigh(B.CreateFPTrunc(as(X, F64x2), Two));
}

Value *Lowerer::promoteLow(Value *X) {
  return v128(B.CreateFPExt(lowHalf(as(X, F32x4)), vecType(F64x2)));
}

//===----------------------------------------------------------------------===//
// Relaxed SIMD
//===----------------------------------------------------------------------===//

/// relaxed_trunc_*_s. x86: cvttps2dq/cvttpd2dq, which give INT32_MIN for
/// NaN and every out-of-range lane (the spec's second choice) and zero the
/// upper lanes of the f64x2 form.
Value *Lowerer::relaxedTruncS(Shape From, Value *X) {
  if (!IsX86)
    return truncSat(From, true, X);
  if (From.Kind == LaneKind::F32)
    return v128(x86(Intrinsic::x86_sse2_cvttps2dq, {as(X, F32x4)}));
  return v128(x86(Intrinsic::x86_sse2_cvttpd2dq, {as(X, F64x2)}));
}

/// relaxed_madd: a * b + c rounded twice (the unfused choice, which is also
/// the deterministic profile's); nmadd negates a first. The builder's
/// fast-math flags are cleared, so LLVM may not contract the pair.
Value *Lowerer::relaxedMadd(Shape S, bool Negate, Value *X, Value *Y,
                            Value *Z) {
  Value *A = as(X, S);
  if (Negate)
    A = B.CreateFNeg(A);
  return v128(B.CreateFAdd(B.CreateFMul(A, as(Y, S)), as(Z, S)));
}

/// relaxed_laneselect. x86: select by each lane's top bit (pblendvb,
/// blendvps, blendvpd; i16 lanes via pcmpgtw + pblendvb), for every lane
/// width alike, as the spec's single parameter requires. Elsewhere:
/// bitselect, which is what NEON's bsl does.
Value *Lowerer::relaxedLaneselect(Shape S, Value *X, Value *Y, Value *Mask) {
  if (!IsX86)
    return bitselect(X, Y, Mask);
  Value *M = as(Mask, S);
  Value *Top = B.CreateICmpSLT(M, Constant::getNullValue(M->getType()));
  return v128(B.CreateSelect(Top, as(X, S), as(Y, S)));
}

/// relaxed_min/max. x86: minps/maxps, i.e. z1 < z2 ? z1 : z2 (and >),
/// which returns z2 when either is NaN or both are zeros: the spec's third
/// choice. Elsewhere: exact fmin/fmax.
Value *Lowerer::relaxedMinMax(Shape S, bool IsMax, Value *X, Value *Y) {
  if (!IsX86)
    return floatMinMax(S, IsMax, X, Y);
  return v128(x86MinMax(S, IsMax, as(X, S), as(Y, S)));
}

/// i16x8.relaxed_dot_i8x16_i7x16_s: products of a's signed bytes with b's
/// bytes read as signed (deterministic choice) or unsigned (x86's
/// pmaddubsw, which takes its unsigned operand first), pair sums
/// saturated to i16. The products themselves fit in i16 either way.
Value *Lowerer::relaxedDotI16(Value *X, Value *Y) {
  if (IsX86)
    return v128(x86(Intrinsic::x86_ssse3_pmadd_ub_sw_128,
                    {as(Y, I8x16), as(X, I8x16)}));
  Value *P = B.CreateMul(extend(as(X, I8x16), true), extend(as(Y, I8x16), true));
  return v128(B.CreateBinaryIntrinsic(Intrinsic::sadd_sat, everyOther(P, 0),
                                      everyOther(P, 1)));
}

/// i32x4.relaxed_dot_i8x16_i7x16_add_s: the i16x8 relaxed dot, pairwise
/// sums of that widened to i32, plus the accumulator (wrapping).
Value *Lowerer::relaxedDotAdd(Value *X, Value *Y, Value *Acc) {
  Value *Dot = as(relaxedDotI16(X, Y), I16x8);
  Value *Sum = IsX86 ? x86(Intrinsic::x86_sse2_pmadd_wd,
                           {Dot, splatInt(I16x8, 1)})
                     : pairwiseAdd(extend(Dot, true));
  return v128(B.CreateAdd(Sum, as(Acc, I32x4)));
}

//===----------------------------------------------------------------------===//
// Dispatch
//===----------------------------------------------------------------------===//

using BinOp = llvm::Instruction::BinaryOps;

Value *Lowerer::lower(const wasm::Instr &I, std::span<Value *const> Args) {
  // Wasm float semantics are exact; never inherit the caller's flags.
  IRBuilder<>::FastMathFlagGuard Guard(B);
  B.clearFastMathFlags();
  return lowerSimd(I, Args);
}

Value *Lowerer::lowerSimd(const wasm::Instr &I, std::span<Value *const> Args) {
  // Operands by depth; null past the count (the validator guarantees each
  // op gets as many as opInfo lists, and only those are used).
  Value *X = Args.size() > 0 ? Args[0] : nullptr;
  Value *Y = Args.size() > 1 ? Args[1] : nullptr;
  Value *Z = Args.size() > 2 ? Args[2] : nullptr;
  // clang-format off
  switch (I.Opcode) {
  // Constants, shuffles, splats, lanes.
  case Op::V128Const:             return constant(I);
  case Op::I8x16Shuffle:          return shuffle(I, X, Y);
  case Op::I8x16Swizzle:          return swizzle(X, Y);
  case Op::I8x16RelaxedSwizzle:   return relaxedSwizzle(X, Y);
  case Op::I8x16Splat:            return splat(I8x16, X);
  case Op::I16x8Splat:            return splat(I16x8, X);
  case Op::I32x4Splat:            return splat(I32x4, X);
  case Op::I64x2Splat:            return splat(I64x2, X);
  case Op::F32x4Splat:            return splat(F32x4, X);
  case Op::F64x2Splat:            return splat(F64x2, X);
  case Op::I8x16ExtractLaneS:     return extractLane(I8x16, I.Lane, X, LaneExt::Sign);
  case Op::I8x16ExtractLaneU:     return extractLane(I8x16, I.Lane, X, LaneExt::Zero);
  case Op::I16x8ExtractLaneS:     return extractLane(I16x8, I.Lane, X, LaneExt::Sign);
  case Op::I16x8ExtractLaneU:     return extractLane(I16x8, I.Lane, X, LaneExt::Zero);
  case Op::I32x4ExtractLane:      return extractLane(I32x4, I.Lane, X, LaneExt::None);
  case Op::I64x2ExtractLane:      return extractLane(I64x2, I.Lane, X, LaneExt::None);
  case Op::F32x4ExtractLane:      return extractLane(F32x4, I.Lane, X, LaneExt::None);
  case Op::F64x2ExtractLane:      return extractLane(F64x2, I.Lane, X, LaneExt::None);
  case Op::I8x16ReplaceLane:      return replaceLane(I8x16, I.Lane, X, Y);
  case Op::I16x8ReplaceLane:      return replaceLane(I16x8, I.Lane, X, Y);
  case Op::I32x4ReplaceLane:      return replaceLane(I32x4, I.Lane, X, Y);
  case Op::I64x2ReplaceLane:      return replaceLane(I64x2, I.Lane, X, Y);
  case Op::F32x4ReplaceLane:      return replaceLane(F32x4, I.Lane, X, Y);
  case Op::F64x2ReplaceLane:      return replaceLane(F64x2, I.Lane, X, Y);

  // Comparisons.
  case Op::I8x16Eq:  return icmp(I8x16, Pred::ICMP_EQ, X, Y);
  case Op::I8x16Ne:  return icmp(I8x16, Pred::ICMP_NE, X, Y);
  case Op::I8x16LtS: return icmp(I8x16, Pred::ICMP_SLT, X, Y);
  case Op::I8x16LtU: return icmp(I8x16, Pred::ICMP_ULT, X, Y);
  case Op::I8x16GtS: return icmp(I8x16, Pred::ICMP_SGT, X, Y);
  case Op::I8x16GtU: return icmp(I8x16, Pred::ICMP_UGT, X, Y);
  case Op::I8x16LeS: return icmp(I8x16, Pred::ICMP_SLE, X, Y);
  case Op::I8x16LeU: return icmp(I8x16, Pred::ICMP_ULE, X, Y);
  case Op::I8x16GeS: return icmp(I8x16, Pred::ICMP_SGE, X, Y);
  case Op::I8x16GeU: return icmp(I8x16, Pred::ICMP_UGE, X, Y);
  case Op::I16x8Eq:  return icmp(I16x8, Pred::ICMP_EQ, X, Y);
  case Op::I16x8Ne:  return icmp(I16x8, Pred::ICMP_NE, X, Y);
  case Op::I16x8LtS: return icmp(I16x8, Pred::ICMP_SLT, X, Y);
  case Op::I16x8LtU: return icmp(I16x8, Pred::ICMP_ULT, X, Y);
  case Op::I16x8GtS: return icmp(I16x8, Pred::ICMP_SGT, X, Y);
  case Op::I16x8GtU: return icmp(I16x8, Pred::ICMP_UGT, X, Y);
  case Op::I16x8LeS: return icmp(I16x8, Pred::ICMP_SLE, X, Y);
  case Op::I16x8LeU: return icmp(I16x8, Pred::ICMP_ULE, X, Y);
  case Op::I16x8GeS: return icmp(I16x8, Pred::ICMP_SGE, X, Y);
  case Op::I16x8GeU: return icmp(I16x8, Pred::ICMP_UGE, X, Y);
  case Op::I32x4Eq:  return icmp(I32x4, Pred::ICMP_EQ, X, Y);
  case Op::I32x4Ne:  return icmp(I32x4, Pred::ICMP_NE, X, Y);
  case Op::I32x4LtS: return icmp(I32x4, Pred::ICMP_SLT, X, Y);
  case Op::I32x4LtU: return icmp(I32x4, Pred::ICMP_ULT, X, Y);
  case Op::I32x4GtS: return icmp(I32x4, Pred::ICMP_SGT, X, Y);
  case Op::I32x4GtU: return icmp(I32x4, Pred::ICMP_UGT, X, Y);
  case Op::I32x4LeS: return icmp(I32x4, Pred::ICMP_SLE, X, Y);
  case Op::I32x4LeU: return icmp(I32x4, Pred::ICMP_ULE, X, Y);
  case Op::I32x4GeS: return icmp(I32x4, Pred::ICMP_SGE, X, Y);
  case Op::I32x4GeU: return icmp(I32x4, Pred::ICMP_UGE, X, Y);
  case Op::I64x2Eq:  return icmp(I64x2, Pred::ICMP_EQ, X, Y);
  case Op::I64x2Ne:  return icmp(I64x2, Pred::ICMP_NE, X, Y);
  case Op::I64x2LtS: return icmp(I64x2, Pred::ICMP_SLT, X, Y);
  case Op::I64x2GtS: return icmp(I64x2, Pred::ICMP_SGT, X, Y);
  case Op::I64x2LeS: return icmp(I64x2, Pred::ICMP_SLE, X, Y);
  case Op::I64x2GeS: return icmp(I64x2, Pred::ICMP_SGE, X, Y);
  case Op::F32x4Eq:  return fcmp(F32x4, Pred::FCMP_OEQ, X, Y);
  case Op::F32x4Ne:  return fcmp(F32x4, Pred::FCMP_UNE, X, Y);
  case Op::F32x4Lt:  return fcmp(F32x4, Pred::FCMP_OLT, X, Y);
  case Op::F32x4Gt:  return fcmp(F32x4, Pred::FCMP_OGT, X, Y);
  case Op::F32x4Le:  return fcmp(F32x4, Pred::FCMP_OLE, X, Y);
  case Op::F32x4Ge:  return fcmp(F32x4, Pred::FCMP_OGE, X, Y);
  case Op::F64x2Eq:  return fcmp(F64x2, Pred::FCMP_OEQ, X, Y);
  case Op::F64x2Ne:  return fcmp(F64x2, Pred::FCMP_UNE, X, Y);
  case Op::F64x2Lt:  return fcmp(F64x2, Pred::FCMP_OLT, X, Y);
  case Op::F64x2Gt:  return fcmp(F64x2, Pred::FCMP_OGT, X, Y);
  case Op::F64x2Le:  return fcmp(F64x2, Pred::FCMP_OLE, X, Y);
  case Op::F64x2Ge:  return fcmp(F64x2, Pred::FCMP_OGE, X, Y);

  // Bitwise operations and tests.
  case Op::V128Not:       return B.CreateNot(X);
  case Op::V128And:       return B.CreateAnd(X, Y);
  case Op::V128Andnot:    return B.CreateAnd(X, B.CreateNot(Y));
  case Op::V128Or:        return B.CreateOr(X, Y);
  case Op::V128Xor:       return B.CreateXor(X, Y);
  case Op::V128Bitselect: return bitselect(X, Y, Z);
  case Op::V128AnyTrue:   return anyTrue(X);
  case Op::I8x16AllTrue:  return allTrue(I8x16, X);
  case Op::I16x8AllTrue:  return allTrue(I16x8, X);
  case Op::I32x4AllTrue:  return allTrue(I32x4, X);
  case Op::I64x2AllTrue:  return allTrue(I64x2, X);
  case Op::I8x16Bitmask:  return bitmask(I8x16, X);
  case Op::I16x8Bitmask:  return bitmask(I16x8, X);
  case Op::I32x4Bitmask:  return bitmask(I32x4, X);
  case Op::I64x2Bitmask:  return bitmask(I64x2, X);

  // Shifts.
  case Op::I8x16Shl:  return shift(I8x16, BinOp::Shl, X, Y);
  case Op::I8x16ShrS: return shift(I8x16, BinOp::AShr, X, Y);
  case Op::I8x16ShrU: return shift(I8x16, BinOp::LShr, X, Y);
  case Op::I16x8Shl:  return shift(I16x8, BinOp::Shl, X, Y);
  case Op::I16x8ShrS: return shift(I16x8, BinOp::AShr, X, Y);
  case Op::I16x8ShrU: return shift(I16x8, BinOp::LShr, X, Y);
  case Op::I32x4Shl:  return shift(I32x4, BinOp::Shl, X, Y);
  case Op::I32x4ShrS: return shift(I32x4, BinOp::AShr, X, Y);
  case Op::I32x4ShrU: return shift(I32x4, BinOp::LShr, X, Y);
  case Op::I64x2Shl:  return shift(I64x2, BinOp::Shl, X, Y);
  case Op::I64x2ShrS: return shift(I64x2, BinOp::AShr, X, Y);
  case Op::I64x2ShrU: return shift(I64x2, BinOp::LShr, X, Y);

  // Integer unary.
  case Op::I8x16Abs:    return intAbs(I8x16, X);
  case Op::I16x8Abs:    return intAbs(I16x8, X);
  case Op::I32x4Abs:    return intAbs(I32x4, X);
  case Op::I64x2Abs:    return intAbs(I64x2, X);
  case Op::I8x16Neg:    return intNeg(I8x16, X);
  case Op::I16x8Neg:    return intNeg(I16x8, X);
  case Op::I32x4Neg:    return intNeg(I32x4, X);
  case Op::I64x2Neg:    return intNeg(I64x2, X);
  case Op::I8x16Popcnt: return popcnt(X);

  // Integer binary.
  case Op::I8x16Add:    return intBinary(I8x16, BinOp::Add, X, Y);
  case Op::I16x8Add:    return intBinary(I16x8, BinOp::Add, X, Y);
  case Op::I32x4Add:    return intBinary(I32x4, BinOp::Add, X, Y);
  case Op::I64x2Add:    return intBinary(I64x2, BinOp::Add, X, Y);
  case Op::I8x16Sub:    return intBinary(I8x16, BinOp::Sub, X, Y);
  case Op::I16x8Sub:    return intBinary(I16x8, BinOp::Sub, X, Y);
  case Op::I32x4Sub:    return intBinary(I32x4, BinOp::Sub, X, Y);
  case Op::I64x2Sub:    return intBinary(I64x2, BinOp::Sub, X, Y);
  case Op::I16x8Mul:    return intBinary(I16x8, BinOp::Mul, X, Y);
  case Op::I32x4Mul:    return intBinary(I32x4, BinOp::Mul, X, Y);
  case Op::I64x2Mul:    return intBinary(I64x2, BinOp::Mul, X, Y);
  case Op::I8x16AddSatS: return intIntrinsic(I8x16, Intrinsic::sadd_sat, X, Y);
  case Op::I8x16AddSatU: return intIntrinsic(I8x16, Intrinsic::uadd_sat, X, Y);
  case Op::I8x16SubSatS: return intIntrinsic(I8x16, Intrinsic::ssub_sat, X, Y);
  case Op::I8x16SubSatU: return intIntrinsic(I8x16, Intrinsic::usub_sat, X, Y);
  case Op::I16x8AddSatS: return intIntrinsic(I16x8, Intrinsic::sadd_sat, X, Y);
  case Op::I16x8AddSatU: return intIntrinsic(I16x8, Intrinsic::uadd_sat, X, Y);
  case Op::I16x8SubSatS: return intIntrinsic(I16x8, Intrinsic::ssub_sat, X, Y);
  case Op::I16x8SubSatU: return intIntrinsic(I16x8, Intrinsic::usub_sat, X, Y);
  case Op::I8x16MinS:   return intIntrinsic(I8x16, Intrinsic::smin, X, Y);
  case Op::I8x16MinU:   return intIntrinsic(I8x16, Intrinsic::umin, X, Y);
  case Op::I8x16MaxS:   return intIntrinsic(I8x16, Intrinsic::smax, X, Y);
  case Op::I8x16MaxU:   return intIntrinsic(I8x16, Intrinsic::umax, X, Y);
  case Op::I16x8MinS:   return intIntrinsic(I16x8, Intrinsic::smin, X, Y);
  case Op::I16x8MinU:   return intIntrinsic(I16x8, Intrinsic::umin, X, Y);
  case Op::I16x8MaxS:   return intIntrinsic(I16x8, Intrinsic::smax, X, Y);
  case Op::I16x8MaxU:   return intIntrinsic(I16x8, Intrinsic::umax, X, Y);
  case Op::I32x4MinS:   return intIntrinsic(I32x4, Intrinsic::smin, X, Y);
  case Op::I32x4MinU:   return intIntrinsic(I32x4, Intrinsic::umin, X, Y);
  case Op::I32x4MaxS:   return intIntrinsic(I32x4, Intrinsic::smax, X, Y);
  case Op::I32x4MaxU:   return intIntrinsic(I32x4, Intrinsic::umax, X, Y);
  case Op::I8x16AvgrU:  return avgrU(I8x16, X, Y);
  case Op::I16x8AvgrU:  return avgrU(I16x8, X, Y);
  case Op::I16x8Q15mulrSatS: return q15mulrSat(X, Y);
  case Op::I32x4DotI16x8S:   return dotI16x8(X, Y);
  case Op::I16x8ExtmulLowI8x16S:  return extmul(I8x16, false, true, X, Y);
  case Op::I16x8ExtmulHighI8x16S: return extmul(I8x16, true, true, X, Y);
  case Op::I16x8ExtmulLowI8x16U:  return extmul(I8x16, false, false, X, Y);
  case Op::I16x8ExtmulHighI8x16U: return extmul(I8x16, true, false, X, Y);
  case Op::I32x4ExtmulLowI16x8S:  return extmul(I16x8, false, true, X, Y);
  case Op::I32x4ExtmulHighI16x8S: return extmul(I16x8, true, true, X, Y);
  case Op::I32x4ExtmulLowI16x8U:  return extmul(I16x8, false, false, X, Y);
  case Op::I32x4ExtmulHighI16x8U: return extmul(I16x8, true, false, X, Y);
  case Op::I64x2ExtmulLowI32x4S:  return extmul(I32x4, false, true, X, Y);
  case Op::I64x2ExtmulHighI32x4S: return extmul(I32x4, true, true, X, Y);
  case Op::I64x2ExtmulLowI32x4U:  return extmul(I32x4, false, false, X, Y);
  case Op::I64x2ExtmulHighI32x4U: return extmul(I32x4, true, false, X, Y);
  case Op::I8x16NarrowI16x8S: return narrow(I16x8, true, X, Y);
  case Op::I8x16NarrowI16x8U: return narrow(I16x8, false, X, Y);
  case Op::I16x8NarrowI32x4S: return narrow(I32x4, true, X, Y);
  case Op::I16x8NarrowI32x4U: return narrow(I32x4, false, X, Y);

  // Integer widening conversions.
  case Op::I16x8ExtendLowI8x16S:  return extendHalf(I8x16, false, true, X);
  case Op::I16x8ExtendHighI8x16S: return extendHalf(I8x16, true, true, X);
  case Op::I16x8ExtendLowI8x16U:  return extendHalf(I8x16, false, false, X);
  case Op::I16x8ExtendHighI8x16U: return extendHalf(I8x16, true, false, X);
  case Op::I32x4ExtendLowI16x8S:  return extendHalf(I16x8, false, true, X);
  case Op::I32x4ExtendHighI16x8S: return extendHalf(I16x8, true, true, X);
  case Op::I32x4ExtendLowI16x8U:  return extendHalf(I16x8, false, false, X);
  case Op::I32x4ExtendHighI16x8U: return extendHalf(I16x8, true, false, X);
  case Op::I64x2ExtendLowI32x4S:  return extendHalf(I32x4, false, true, X);
  case Op::I64x2ExtendHighI32x4S: return extendHalf(I32x4, true, true, X);
  case Op::I64x2ExtendLowI32x4U:  return extendHalf(I32x4, false, false, X);
  case Op::I64x2ExtendHighI32x4U: return extendHalf(I32x4, true, false, X);
  case Op::I16x8ExtaddPairwiseI8x16S: return extaddPairwise(I8x16, true, X);
  case Op::I16x8ExtaddPairwiseI8x16U: return extaddPairwise(I8x16, false, X);
  case Op::I32x4ExtaddPairwiseI16x8S: return extaddPairwise(I16x8, true, X);
  case Op::I32x4ExtaddPairwiseI16x8U: return extaddPairwise(I16x8, false, X);

  // Float unary.
  case Op::F32x4Abs:     return floatAbs(F32x4, X);
  case Op::F64x2Abs:     return floatAbs(F64x2, X);
  case Op::F32x4Neg:     return floatNeg(F32x4, X);
  case Op::F64x2Neg:     return floatNeg(F64x2, X);
  case Op::F32x4Sqrt:    return floatUnary(F32x4, Intrinsic::sqrt, X);
  case Op::F64x2Sqrt:    return floatUnary(F64x2, Intrinsic::sqrt, X);
  case Op::F32x4Ceil:    return floatUnary(F32x4, Intrinsic::ceil, X);
  case Op::F64x2Ceil:    return floatUnary(F64x2, Intrinsic::ceil, X);
  case Op::F32x4Floor:   return floatUnary(F32x4, Intrinsic::floor, X);
  case Op::F64x2Floor:   return floatUnary(F64x2, Intrinsic::floor, X);
  case Op::F32x4Trunc:   return floatUnary(F32x4, Intrinsic::trunc, X);
  case Op::F64x2Trunc:   return floatUnary(F64x2, Intrinsic::trunc, X);
  case Op::F32x4Nearest: return floatUnary(F32x4, Intrinsic::roundeven, X);
  case Op::F64x2Nearest: return floatUnary(F64x2, Intrinsic::roundeven, X);

  // Float binary.
  case Op::F32x4Add:  return floatBinary(F32x4, BinOp::FAdd, X, Y);
  case Op::F64x2Add:  return floatBinary(F64x2, BinOp::FAdd, X, Y);
  case Op::F32x4Sub:  return floatBinary(F32x4, BinOp::FSub, X, Y);
  case Op::F64x2Sub:  return floatBinary(F64x2, BinOp::FSub, X, Y);
  case Op::F32x4Mul:  return floatBinary(F32x4, BinOp::FMul, X, Y);
  case Op::F64x2Mul:  return floatBinary(F64x2, BinOp::FMul, X, Y);
  case Op::F32x4Div:  return floatBinary(F32x4, BinOp::FDiv, X, Y);
  case Op::F64x2Div:  return floatBinary(F64x2, BinOp::FDiv, X, Y);
  case Op::F32x4Min:  return floatMinMax(F32x4, false, X, Y);
  case Op::F64x2Min:  return floatMinMax(F64x2, false, X, Y);
  case Op::F32x4Max:  return floatMinMax(F32x4, true, X, Y);
  case Op::F64x2Max:  return floatMinMax(F64x2, true, X, Y);
  case Op::F32x4Pmin: return pseudoMinMax(F32x4, false, X, Y);
  case Op::F64x2Pmin: return pseudoMinMax(F64x2, false, X, Y);
  case Op::F32x4Pmax: return pseudoMinMax(F32x4, true, X, Y);
  case Op::F64x2Pmax: return pseudoMinMax(F64x2, true, X, Y);

  // Float conversions.
  case Op::I32x4TruncSatF32x4S:     return truncSat(F32x4, true, X);
  case Op::I32x4TruncSatF32x4U:     return truncSat(F32x4, false, X);
  case Op::I32x4TruncSatF64x2SZero: return truncSat(F64x2, true, X);
  case Op::I32x4TruncSatF64x2UZero: return truncSat(F64x2, false, X);
  case Op::F32x4ConvertI32x4S:      return convertI32x4(true, X);
  case Op::F32x4ConvertI32x4U:      return convertI32x4(false, X);
  case Op::F64x2ConvertLowI32x4S:   return convertLowI32x4(true, X);
  case Op::F64x2ConvertLowI32x4U:   return convertLowI32x4(false, X);
  case Op::F32x4DemoteF64x2Zero:    return demote(X);
  case Op::F64x2PromoteLowF32x4:    return promoteLow(X);

  // Relaxed SIMD (relaxed_swizzle is with the swizzles above).
  case Op::I32x4RelaxedTruncF32x4S:     return relaxedTruncS(F32x4, X);
  case Op::I32x4RelaxedTruncF32x4U:     return truncSat(F32x4, false, X);
  case Op::I32x4RelaxedTruncF64x2SZero: return relaxedTruncS(F64x2, X);
  case Op::I32x4RelaxedTruncF64x2UZero: return truncSat(F64x2, false, X);
  case Op::F32x4RelaxedMadd:   return relaxedMadd(F32x4, false, X, Y, Z);
  case Op::F32x4RelaxedNmadd:  return relaxedMadd(F32x4, true, X, Y, Z);
  case Op::F64x2RelaxedMadd:   return relaxedMadd(F64x2, false, X, Y, Z);
  case Op::F64x2RelaxedNmadd:  return relaxedMadd(F64x2, true, X, Y, Z);
  case Op::I8x16RelaxedLaneselect: return relaxedLaneselect(I8x16, X, Y, Z);
  case Op::I16x8RelaxedLaneselect: return relaxedLaneselect(I16x8, X, Y, Z);
  case Op::I32x4RelaxedLaneselect: return relaxedLaneselect(I32x4, X, Y, Z);
  case Op::I64x2RelaxedLaneselect: return relaxedLaneselect(I64x2, X, Y, Z);
  case Op::F32x4RelaxedMin: return relaxedMinMax(F32x4, false, X, Y);
  case Op::F32x4RelaxedMax: return relaxedMinMax(F32x4, true, X, Y);
  case Op::F64x2RelaxedMin: return relaxedMinMax(F64x2, false, X, Y);
  case Op::F64x2RelaxedMax: return relaxedMinMax(F64x2, true, X, Y);
  case Op::I16x8RelaxedQ15mulrS:
    return IsX86 ? v128(x86(Intrinsic::x86_ssse3_pmul_hr_sw_128,
                            {as(X, I16x8), as(Y, I16x8)}))
                 : q15mulrExact(X, Y);
  case Op::I16x8RelaxedDotI8x16I7x16S:    return relaxedDotI16(X, Y);
  case Op::I32x4RelaxedDotI8x16I7x16AddS: return relaxedDotAdd(X, Y, Z);

  default:
    break;
  }
  // clang-format on
  KILN_UNREACHABLE("not a register-only SIMD instruction");
}

} // namespace

llvm::Value *SimdLowering::lower(const wasm::Instr &I,
                                 std::span<llvm::Value *const> Args) {
  return Lowerer(B, V128Ty, IsX86).lower(I, Args);
}

} // namespace kiln::codegen
