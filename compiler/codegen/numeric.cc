//===- compiler/codegen/numeric.cc - Lowering of numeric ops --------------===//
//
// Each Wasm numeric instruction becomes a short IR sequence whose semantics
// match the spec's numerics chapter bit for bit. Wherever an LLVM operation
// has undefined or poison behaviour on inputs Wasm defines (division by zero,
// INT_MIN / -1, over-wide shifts, out-of-range float-to-int), the lowering
// either traps first or rewrites the operands so that the LLVM operation is
// only ever reached with inputs it defines.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/numeric.h"

#include "kiln/error.h"

#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"

namespace kiln::codegen {

using wasm::Op;
using wasm::OpType;

namespace {

using llvm::IRBuilder;
using llvm::Value;

/// The LLVM type a scalar Wasm value type is carried in.
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
  case OpType::Void:
  case OpType::V128:
  case OpType::FuncRef:
  case OpType::ExternRef:
  case OpType::Any:
    break;
  }
  KILN_UNREACHABLE("not a scalar numeric type");
}

/// The result type of \p O as declared in opcodes.def. Conversions need it
/// because their result type is not implied by the operand's.
llvm::Type *resultType(IRBuilder<> &B, Op O) {
  return scalarType(B.getContext(), wasm::opInfo(O).Result);
}

/// Wasm booleans are i32 0 or 1.
Value *boolToI32(IRBuilder<> &B, Value *Cond) {
  return B.CreateZExt(Cond, B.getInt32Ty());
}

Value *icmp(IRBuilder<> &B, llvm::CmpInst::Predicate P, Value *X, Value *Y) {
  return boolToI32(B, B.CreateICmp(P, X, Y));
}

/// Float comparisons. Callers pick the predicate that gives Wasm's NaN
/// behaviour: every comparison is false when an operand is NaN except `ne`,
/// which is true, so `ne` is the only unordered predicate.
Value *fcmp(IRBuilder<> &B, llvm::CmpInst::Predicate P, Value *X, Value *Y) {
  return boolToI32(B, B.CreateFCmp(P, X, Y));
}

/// Shifts take the count modulo the bit width in Wasm, whereas an LLVM shift
/// by >= the width is poison, so the count is masked explicitly. (x86 masks
/// in hardware, so the `and` folds away there.)
Value *shift(IRBuilder<> &B, llvm::Instruction::BinaryOps Opc, Value *X,
             Value *Y) {
  unsigned Width = X->getType()->getIntegerBitWidth();
  Value *Count =
      B.CreateAnd(Y, llvm::ConstantInt::get(Y->getType(), Width - 1));
  return B.CreateBinOp(Opc, X, Count);
}

/// A funnel shift of a value with itself is a rotate, and funnel shifts
/// already take the count modulo the width.
Value *rotate(IRBuilder<> &B, llvm::Intrinsic::ID Funnel, Value *X, Value *Y) {
  return B.CreateIntrinsic(Funnel, {X->getType()}, {X, X, Y});
}

/// Count leading/trailing zeros. is_zero_poison is false because Wasm
/// defines clz(0) = ctz(0) = width.
Value *countZeros(IRBuilder<> &B, llvm::Intrinsic::ID Id, Value *X) {
  return B.CreateIntrinsic(Id, {X->getType()}, {X, B.getFalse()});
}

/// iN.extendM_s: sign-extends the low \p FromBits bits in place.
Value *signExtendLow(IRBuilder<> &B, Value *X, unsigned FromBits) {
  return B.CreateSExt(B.CreateTrunc(X, B.getIntNTy(FromBits)), X->getType());
}

enum class DivKind { DivS, DivU, RemS, RemU };

/// The four integer division operations. LLVM's sdiv/udiv/srem/urem are
/// undefined for a zero divisor and sdiv/srem also for INT_MIN / -1 (and x86
/// idiv faults on both), so every case guards its inputs before dividing.
Value *divRem(IRBuilder<> &B, TrapSink &Traps, DivKind K, Value *X, Value *Y) {
  llvm::Type *Ty = X->getType();
  Traps.trapIf(B.CreateIsNull(Y), TrapCode::IntegerDivideByZero);
  Value *MinusOne = llvm::ConstantInt::getAllOnesValue(Ty);
  switch (K) {
  case DivKind::DivS: {
    // INT_MIN / -1 = -INT_MIN, which does not fit: the spec says trap.
    Value *Min = llvm::ConstantInt::get(
        Ty, llvm::APInt::getSignedMinValue(Ty->getIntegerBitWidth()));
    Traps.trapIf(
        B.CreateAnd(B.CreateICmpEQ(X, Min), B.CreateICmpEQ(Y, MinusOne)),
        TrapCode::IntegerOverflow);
    return B.CreateSDiv(X, Y);
  }
  case DivKind::DivU:
    return B.CreateUDiv(X, Y);
  case DivKind::RemS: {
    // INT_MIN rem -1 is 0 in Wasm and must not trap, but srem would still
    // be undefined (idiv faults). x rem -1 == x rem 1 == 0 for every x, so
    // divide by 1 instead; a select rather than a branch, usually a cmov.
    Value *Divisor = B.CreateSelect(B.CreateICmpEQ(Y, MinusOne),
                                    llvm::ConstantInt::get(Ty, 1), Y);
    return B.CreateSRem(X, Divisor);
  }
  case DivKind::RemU:
    return B.CreateURem(X, Y);
  }
  KILN_UNREACHABLE("unhandled division kind");
}

/// fmin/fmax. llvm.minimum/maximum propagate NaN and order -0 below +0,
/// as Wasm does (llvm.minnum/maxnum would return the non-NaN operand). But
/// LLVM leaves the NaN they return unspecified, and the x86 expansion in
/// LLVM 19 returns a signalling NaN operand unchanged, whereas Wasm requires
/// an arithmetic (quiet) NaN. So the NaN case returns the canonical NaN,
/// which the spec accepts whatever the operands' payloads were (canonical
/// is also arithmetic) and which makes the result deterministic.
/// llvm.canonicalize would be the other fix, but x86 cannot select it in
/// LLVM 19.
///
/// LLVM 19 crashes selecting llvm.minimum/maximum on f64 for ARMv7 (VFP has
/// no NaN-propagating f64 min/max), so there the same function is built from
/// compares: the smaller/larger operand, and for equal operands (only +0 vs
/// -0 differ) the bitwise OR (min: -0 wins) or AND (max: +0 wins).
Value *minMax(IRBuilder<> &B, llvm::Intrinsic::ID Id, Value *X, Value *Y) {
  Value *CanonicalNan = llvm::ConstantFP::getQNaN(X->getType());
  llvm::Triple TT(B.GetInsertBlock()->getModule()->getTargetTriple());
  if (TT.isARM() && X->getType()->isDoubleTy()) {
    bool IsMin = Id == llvm::Intrinsic::minimum;
    llvm::Type *I64 = B.getInt64Ty();
    Value *XI = B.CreateBitCast(X, I64), *YI = B.CreateBitCast(Y, I64);
    Value *Tie = B.CreateBitCast(IsMin ? B.CreateOr(XI, YI) : B.CreateAnd(XI, YI),
                                 X->getType());
    Value *XFirst = IsMin ? B.CreateFCmpOLT(X, Y) : B.CreateFCmpOGT(X, Y);
    Value *YFirst = IsMin ? B.CreateFCmpOLT(Y, X) : B.CreateFCmpOGT(Y, X);
    Value *R = B.CreateSelect(XFirst, X, B.CreateSelect(YFirst, Y, Tie));
    return B.CreateSelect(B.CreateFCmpUNO(X, Y), CanonicalNan, R);
  }
  Value *R = B.CreateBinaryIntrinsic(Id, X, Y);
  return B.CreateSelect(B.CreateFCmpUNO(X, Y), CanonicalNan, R);
}

/// ceil, floor, trunc, nearest. Wasm wants an arithmetic (quiet) NaN for a
/// NaN operand. RISC-V has no rounding instruction before Zfa, and LLVM 19's
/// expansion (convert to integer and back when |x| < 2^mantissa, else x)
/// returns a signalling NaN operand unchanged; there a NaN operand gives
/// the canonical NaN instead.
Value *roundToIntegral(IRBuilder<> &B, llvm::Intrinsic::ID Id, Value *X) {
  Value *R = B.CreateUnaryIntrinsic(Id, X);
  llvm::Triple TT(B.GetInsertBlock()->getModule()->getTargetTriple());
  if (!TT.isRISCV())
    return R;
  return B.CreateSelect(B.CreateFCmpUNO(X, X),
                        llvm::ConstantFP::getQNaN(X->getType()), R);
}

/// Exclusive float bounds of a trapping truncation: the input converts iff
/// Lo < x < Hi. Each bound is the nearest source-format value outside the
/// range whose truncation fits, so it is exactly representable in the source
/// type (the same constants WAVM and WAMR use):
///   - Hi is 2^N (unsigned) or 2^(N-1) (signed), a power of two.
///   - Lo is -1 for unsigned: (-1, 0) truncates to -0, which is 0.
///   - Lo for signed is -2^(N-1) - 1 when the source format has enough
///     precision to hold it (f64 -> i32), else the next representable value
///     below -2^(N-1): -2^31 - 2^8 for f32 -> i32, -2^63 - 2^40 for
///     f32 -> i64 and -2^63 - 2^11 for f64 -> i64.
struct TruncBounds {
  double Lo;
  double Hi;
  bool Signed;
};

TruncBounds truncBounds(Op O) {
  switch (O) {
  case Op::I32TruncF32S:
    return {-2147483904.0, 2147483648.0, true};
  case Op::I32TruncF64S:
    return {-2147483649.0, 2147483648.0, true};
  case Op::I32TruncF32U:
  case Op::I32TruncF64U:
    return {-1.0, 4294967296.0, false};
  case Op::I64TruncF32S:
    return {-9223373136366403584.0, 9223372036854775808.0, true};
  case Op::I64TruncF64S:
    return {-9223372036854777856.0, 9223372036854775808.0, true};
  case Op::I64TruncF32U:
  case Op::I64TruncF64U:
    return {-1.0, 18446744073709551616.0, false};
  default:
    KILN_UNREACHABLE("not a trapping truncation");
  }
}

/// Trapping float-to-int truncation (iN.trunc_fM_s/u). fptosi/fptoui yield
/// poison out of range, so the range is checked first; NaN gets its own
/// trap code because the spec's message differs.
Value *truncTrapping(IRBuilder<> &B, TrapSink &Traps, Op O, Value *X) {
  TruncBounds Bounds = truncBounds(O);
  llvm::Type *SrcTy = X->getType();
  Traps.trapIf(B.CreateFCmpUNO(X, X), TrapCode::InvalidConversion);
  // Both bounds are exact in SrcTy (see truncBounds), so converting the
  // double constants to float loses nothing.
  Value *Lo = llvm::ConstantFP::get(SrcTy, Bounds.Lo);
  Value *Hi = llvm::ConstantFP::get(SrcTy, Bounds.Hi);
  Traps.trapIf(B.CreateOr(B.CreateFCmpOLE(X, Lo), B.CreateFCmpOGE(X, Hi)),
               TrapCode::IntegerOverflow);
  llvm::Type *DstTy = resultType(B, O);
  return Bounds.Signed ? B.CreateFPToSI(X, DstTy) : B.CreateFPToUI(X, DstTy);
}

/// Saturating truncation (iN.trunc_sat_fM_s/u). The fpto[su]i.sat intrinsics
/// are defined exactly as Wasm: NaN -> 0, out-of-range clamps.
Value *truncSaturating(IRBuilder<> &B, Op O, Value *X, bool Signed) {
  llvm::Intrinsic::ID Id =
      Signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat;
  return B.CreateIntrinsic(Id, {resultType(B, O), X->getType()}, {X});
}

} // namespace

/// R, with a NaN turned into a quiet NaN (the quiet bit set, payload kept).
static Value *quietNaN(llvm::IRBuilder<> &B, Value *R) {
  llvm::Type *IntTy = B.getIntNTy(R->getType()->getPrimitiveSizeInBits());
  unsigned Mant = R->getType()->isFloatTy() ? 23 : 52;
  Value *Quieted = B.CreateBitCast(
      B.CreateOr(B.CreateBitCast(R, IntTy),
                 llvm::ConstantInt::get(IntTy, uint64_t(1) << (Mant - 1))),
      R->getType());
  return B.CreateSelect(B.CreateFCmpUNO(R, R), Quieted, R);
}

/// LLVM folds x*1, x/1, x+(-0), x-0 to x and x*-1, x/-1, -0-x to -x,
/// which is IEEE-correct except that a signalling NaN then comes out
/// unquieted, where Wasm requires an arithmetic (quiet) NaN. When an operand
/// is one of those constants, the result is quieted explicitly: a select LLVM
/// does not fold away, emitted only for these constant operands.
/// V is the constant D, bit for bit (so -0.0 is not +0.0).
static bool isConstant(Value *V, double D) {
  auto *C = llvm::dyn_cast<llvm::ConstantFP>(V);
  return C && C->getValueAPF().isExactlyValue(D);
}

/// Only the identities LLVM really applies count, operand by operand, so
/// that the select is not paid where nothing can fold (1.0 / x, x * 0):
///   x + -0 -> x       x - +0 -> x      -0 - x -> fneg x
///   x * +-1 -> x, fneg x               x / +-1 -> x, fneg x
static bool foldsToOperand(Op O, Value *X, Value *Y) {
  switch (O) {
  case Op::F32Add:
  case Op::F64Add:
    return isConstant(X, -0.0) || isConstant(Y, -0.0);
  case Op::F32Sub:
  case Op::F64Sub:
    return isConstant(Y, 0.0) || isConstant(X, -0.0);
  case Op::F32Mul:
  case Op::F64Mul:
    return isConstant(X, 1.0) || isConstant(X, -1.0) ||
           isConstant(Y, 1.0) || isConstant(Y, -1.0);
  case Op::F32Div:
  case Op::F64Div:
    return isConstant(Y, 1.0) || isConstant(Y, -1.0);
  default:
    return false;
  }
}

static Value *quietIfFoldable(llvm::IRBuilder<> &B, Op O, Value *R, Value *X,
                              Value *Y) {
  return foldsToOperand(O, X, Y) ? quietNaN(B, R) : R;
}

Value *NumericLowering::lowerUnary(Op O, Value *X) {
  // The builder is shared with the rest of the function's lowering; never
  // let fast-math flags leak onto operations whose NaN/zero/rounding
  // behaviour Wasm pins down.
  llvm::IRBuilderBase::FastMathFlagGuard Guard(B);
  B.clearFastMathFlags();

  switch (O) {
  // Test.
  case Op::I32Eqz:
  case Op::I64Eqz:
    return boolToI32(B, B.CreateIsNull(X));

  // Integer unary.
  case Op::I32Clz:
  case Op::I64Clz:
    return countZeros(B, llvm::Intrinsic::ctlz, X);
  case Op::I32Ctz:
  case Op::I64Ctz:
    return countZeros(B, llvm::Intrinsic::cttz, X);
  case Op::I32Popcnt:
  case Op::I64Popcnt:
    return B.CreateUnaryIntrinsic(llvm::Intrinsic::ctpop, X);
  case Op::I32Extend8S:
  case Op::I64Extend8S:
    return signExtendLow(B, X, 8);
  case Op::I32Extend16S:
  case Op::I64Extend16S:
    return signExtendLow(B, X, 16);
  case Op::I64Extend32S:
    return signExtendLow(B, X, 32);

  // Float unary. abs and neg are sign-bit operations in Wasm (they do not
  // quiet or canonicalise NaNs), which is exactly what llvm.fabs and fneg
  // guarantee; fsub -0.0, x would not be.
  case Op::F32Abs:
  case Op::F64Abs:
    return B.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, X);
  case Op::F32Neg:
  case Op::F64Neg:
    return B.CreateFNeg(X);
  case Op::F32Ceil:
  case Op::F64Ceil:
    return roundToIntegral(B, llvm::Intrinsic::ceil, X);
  case Op::F32Floor:
  case Op::F64Floor:
    return roundToIntegral(B, llvm::Intrinsic::floor, X);
  case Op::F32Trunc:
  case Op::F64Trunc:
    return roundToIntegral(B, llvm::Intrinsic::trunc, X);
  case Op::F32Nearest:
  case Op::F64Nearest:
    // Ties to even, independent of the dynamic rounding mode (llvm.rint and
    // llvm.nearbyint would depend on it; llvm.round rounds ties away).
    return roundToIntegral(B, llvm::Intrinsic::roundeven, X);
  case Op::F32Sqrt:
  case Op::F64Sqrt:
    return B.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, X);

  // Conversions between integer widths and float widths.
  case Op::I32WrapI64:
    return B.CreateTrunc(X, B.getInt32Ty());
  case Op::I64ExtendI32S:
    return B.CreateSExt(X, B.getInt64Ty());
  case Op::I64ExtendI32U:
    return B.CreateZExt(X, B.getInt64Ty());
  case Op::F32DemoteF64:
    // LLVM folds demote(promote(x)) to x, passing a signalling NaN through.
    if (llvm::isa<llvm::FPExtInst>(X))
      return quietNaN(B, B.CreateFPTrunc(X, B.getFloatTy()));
    return B.CreateFPTrunc(X, B.getFloatTy());
  case Op::F64PromoteF32:
    return B.CreateFPExt(X, B.getDoubleTy());

  // Integer to float: always defined, rounds to nearest even.
  case Op::F32ConvertI32S:
  case Op::F32ConvertI64S:
  case Op::F64ConvertI32S:
  case Op::F64ConvertI64S:
    return B.CreateSIToFP(X, resultType(B, O));
  case Op::F32ConvertI32U:
  case Op::F32ConvertI64U:
  case Op::F64ConvertI32U:
  case Op::F64ConvertI64U:
    return B.CreateUIToFP(X, resultType(B, O));

  // Reinterpretations move bits unchanged, NaN payloads included.
  case Op::I32ReinterpretF32:
  case Op::I64ReinterpretF64:
  case Op::F32ReinterpretI32:
  case Op::F64ReinterpretI64:
    return B.CreateBitCast(X, resultType(B, O));

  // Float to integer.
  case Op::I32TruncF32S:
  case Op::I32TruncF32U:
  case Op::I32TruncF64S:
  case Op::I32TruncF64U:
  case Op::I64TruncF32S:
  case Op::I64TruncF32U:
  case Op::I64TruncF64S:
  case Op::I64TruncF64U:
    return truncTrapping(B, Traps, O, X);
  case Op::I32TruncSatF32S:
  case Op::I32TruncSatF64S:
  case Op::I64TruncSatF32S:
  case Op::I64TruncSatF64S:
    return truncSaturating(B, O, X, /*Signed=*/true);
  case Op::I32TruncSatF32U:
  case Op::I32TruncSatF64U:
  case Op::I64TruncSatF32U:
  case Op::I64TruncSatF64U:
    return truncSaturating(B, O, X, /*Signed=*/false);

  default:
    // Op has hundreds of enumerators; everything else is either binary or
    // not a scalar numeric instruction.
    KILN_UNREACHABLE("not a one-operand numeric instruction");
  }
}

Value *NumericLowering::lowerBinary(Op O, Value *X, Value *Y) {
  // See lowerUnary.
  llvm::IRBuilderBase::FastMathFlagGuard Guard(B);
  B.clearFastMathFlags();

  using llvm::CmpInst;
  using llvm::Instruction;
  switch (O) {
  // Integer comparisons.
  case Op::I32Eq:
  case Op::I64Eq:
    return icmp(B, CmpInst::ICMP_EQ, X, Y);
  case Op::I32Ne:
  case Op::I64Ne:
    return icmp(B, CmpInst::ICMP_NE, X, Y);
  case Op::I32LtS:
  case Op::I64LtS:
    return icmp(B, CmpInst::ICMP_SLT, X, Y);
  case Op::I32LtU:
  case Op::I64LtU:
    return icmp(B, CmpInst::ICMP_ULT, X, Y);
  case Op::I32GtS:
  case Op::I64GtS:
    return icmp(B, CmpInst::ICMP_SGT, X, Y);
  case Op::I32GtU:
  case Op::I64GtU:
    return icmp(B, CmpInst::ICMP_UGT, X, Y);
  case Op::I32LeS:
  case Op::I64LeS:
    return icmp(B, CmpInst::ICMP_SLE, X, Y);
  case Op::I32LeU:
  case Op::I64LeU:
    return icmp(B, CmpInst::ICMP_ULE, X, Y);
  case Op::I32GeS:
  case Op::I64GeS:
    return icmp(B, CmpInst::ICMP_SGE, X, Y);
  case Op::I32GeU:
  case Op::I64GeU:
    return icmp(B, CmpInst::ICMP_UGE, X, Y);

  // Float comparisons (see fcmp for the choice of predicates).
  case Op::F32Eq:
  case Op::F64Eq:
    return fcmp(B, CmpInst::FCMP_OEQ, X, Y);
  case Op::F32Ne:
  case Op::F64Ne:
    return fcmp(B, CmpInst::FCMP_UNE, X, Y);
  case Op::F32Lt:
  case Op::F64Lt:
    return fcmp(B, CmpInst::FCMP_OLT, X, Y);
  case Op::F32Gt:
  case Op::F64Gt:
    return fcmp(B, CmpInst::FCMP_OGT, X, Y);
  case Op::F32Le:
  case Op::F64Le:
    return fcmp(B, CmpInst::FCMP_OLE, X, Y);
  case Op::F32Ge:
  case Op::F64Ge:
    return fcmp(B, CmpInst::FCMP_OGE, X, Y);

  // Integer arithmetic wraps; no nsw/nuw flags.
  case Op::I32Add:
  case Op::I64Add:
    return B.CreateAdd(X, Y);
  case Op::I32Sub:
  case Op::I64Sub:
    return B.CreateSub(X, Y);
  case Op::I32Mul:
  case Op::I64Mul:
    return B.CreateMul(X, Y);
  case Op::I32DivS:
  case Op::I64DivS:
    return divRem(B, Traps, DivKind::DivS, X, Y);
  case Op::I32DivU:
  case Op::I64DivU:
    return divRem(B, Traps, DivKind::DivU, X, Y);
  case Op::I32RemS:
  case Op::I64RemS:
    return divRem(B, Traps, DivKind::RemS, X, Y);
  case Op::I32RemU:
  case Op::I64RemU:
    return divRem(B, Traps, DivKind::RemU, X, Y);
  case Op::I32And:
  case Op::I64And:
    return B.CreateAnd(X, Y);
  case Op::I32Or:
  case Op::I64Or:
    return B.CreateOr(X, Y);
  case Op::I32Xor:
  case Op::I64Xor:
    return B.CreateXor(X, Y);
  case Op::I32Shl:
  case Op::I64Shl:
    return shift(B, Instruction::Shl, X, Y);
  case Op::I32ShrS:
  case Op::I64ShrS:
    return shift(B, Instruction::AShr, X, Y);
  case Op::I32ShrU:
  case Op::I64ShrU:
    return shift(B, Instruction::LShr, X, Y);
  case Op::I32Rotl:
  case Op::I64Rotl:
    return rotate(B, llvm::Intrinsic::fshl, X, Y);
  case Op::I32Rotr:
  case Op::I64Rotr:
    return rotate(B, llvm::Intrinsic::fshr, X, Y);

  // Float arithmetic: IEEE operations in round-to-nearest, which is what
  // plain LLVM instructions without fast-math flags give.
  case Op::F32Add:
  case Op::F64Add:
    return quietIfFoldable(B, O, B.CreateFAdd(X, Y), X, Y);
  case Op::F32Sub:
  case Op::F64Sub:
    return quietIfFoldable(B, O, B.CreateFSub(X, Y), X, Y);
  case Op::F32Mul:
  case Op::F64Mul:
    return quietIfFoldable(B, O, B.CreateFMul(X, Y), X, Y);
  case Op::F32Div:
  case Op::F64Div:
    return quietIfFoldable(B, O, B.CreateFDiv(X, Y), X, Y);
  case Op::F32Min:
  case Op::F64Min:
    return minMax(B, llvm::Intrinsic::minimum, X, Y);
  case Op::F32Max:
  case Op::F64Max:
    return minMax(B, llvm::Intrinsic::maximum, X, Y);
  case Op::F32Copysign:
  case Op::F64Copysign:
    // A sign-bit operation, like abs and neg: NaN payloads pass through.
    return B.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, X, Y);

  default:
    // Op has hundreds of enumerators; everything else is either unary or
    // not a scalar numeric instruction.
    KILN_UNREACHABLE("not a two-operand numeric instruction");
  }
}

} // namespace kiln::codegen
