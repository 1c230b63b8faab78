//===- tests/unit/opcode_test.cc - Tests for the opcode table -------------===//
//
// The opcode numbers themselves were cross-checked against wabt when the
// table was written; these tests pin them with spot checks and guard the
// structural invariants (round trips, uniqueness, counts, signature shapes)
// that the decoder and validator rely on.
//
//===----------------------------------------------------------------------===//

#include "compiler/wasm/opcode.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

using namespace kiln::wasm;

namespace {

Op opAt(unsigned Index) { return static_cast<Op>(Index); }

std::string describe(Op O) {
  const OpInfo &Info = opInfo(O);
  char Buf[64];
  std::snprintf(Buf, sizeof(Buf), "%s (0x%02x 0x%x)", Info.Text,
                unsigned(Info.Prefix), unsigned(Info.Code));
  return Buf;
}

bool isSimdCategory(OpCategory C) {
  return static_cast<uint8_t>(C) >= static_cast<uint8_t>(OpCategory::SimdLoad);
}

/// Categories whose OpInfo signature is the complete stack signature.
bool hasPureSignature(OpCategory C) {
  switch (C) {
  case OpCategory::Control:
  case OpCategory::Call:
  case OpCategory::Parametric:
  case OpCategory::Variable:
  case OpCategory::Table:
  case OpCategory::Reference:
  case OpCategory::Memory:
    return false;
  default:
    return true;
  }
}

bool accessesMemory(OpCategory C) {
  return C == OpCategory::Load || C == OpCategory::Store ||
         C == OpCategory::SimdLoad || C == OpCategory::SimdStore ||
         C == OpCategory::SimdLoadLane || C == OpCategory::SimdStoreLane;
}

unsigned countIf(bool (*Pred)(const OpInfo &)) {
  unsigned N = 0;
  for (unsigned I = 0; I < NumOps; ++I)
    N += Pred(opInfo(opAt(I)));
  return N;
}

/// The mechanical Name derivation documented in opcodes.def.
std::string camelFromText(std::string_view Text) {
  std::string Out;
  bool Upper = true;
  for (char C : Text) {
    if (C == '.' || C == '_') {
      Upper = true;
      continue;
    }
    Out += Upper
               ? static_cast<char>(std::toupper(static_cast<unsigned char>(C)))
               : C;
    Upper = false;
  }
  return Out;
}

TEST(OpcodeTest, EveryRowRoundTripsThroughLookup) {
  for (unsigned I = 0; I < NumOps; ++I) {
    Op O = opAt(I);
    const OpInfo &Info = opInfo(O);
    std::optional<Op> Found = lookupOp(Info.Prefix, Info.Code);
    ASSERT_TRUE(Found.has_value()) << describe(O);
    EXPECT_EQ(*Found, O) << describe(O);
    EXPECT_STREQ(opName(O), Info.Text);
  }
}

TEST(OpcodeTest, EncodingsAreUnique) {
  std::set<std::pair<uint8_t, uint32_t>> Seen;
  for (unsigned I = 0; I < NumOps; ++I) {
    const OpInfo &Info = opInfo(opAt(I));
    EXPECT_TRUE(Seen.insert({Info.Prefix, Info.Code}).second)
        << describe(opAt(I));
  }
}

TEST(OpcodeTest, TextsAreUniqueExceptTypedSelect) {
  // The spec spells both 0x1B and the typed 0x1C "select"; that is the only
  // text allowed to repeat.
  std::map<std::string, Op> Seen;
  for (unsigned I = 0; I < NumOps; ++I) {
    Op O = opAt(I);
    if (O == Op::SelectT)
      continue;
    ASSERT_NE(opName(O), nullptr);
    EXPECT_NE(std::string(opName(O)), "");
    EXPECT_TRUE(Seen.emplace(opName(O), O).second) << describe(O);
  }
  EXPECT_STREQ(opName(Op::Select), "select");
  EXPECT_STREQ(opName(Op::SelectT), "select");
}

TEST(OpcodeTest, NamesAreDerivedFromText) {
  struct Row {
    const char *Name;
    const char *Text;
  };
  static constexpr Row Rows[] = {
#define KILN_OP(Prefix, Code, Name, Text, ...) {#Name, Text},
#include "compiler/wasm/opcodes.def"
  };
  ASSERT_EQ(std::size(Rows), NumOps);
  for (const Row &R : Rows) {
    if (std::string_view(R.Name) == "SelectT")
      continue;
    EXPECT_EQ(camelFromText(R.Text), R.Name);
  }
}

TEST(OpcodeTest, Counts) {
  EXPECT_EQ(NumOps, 457u);
  EXPECT_EQ(countIf([](const OpInfo &I) { return I.Prefix == 0; }), 183u);
  EXPECT_EQ(countIf([](const OpInfo &I) { return I.Prefix == MiscPrefix; }),
            18u);
  EXPECT_EQ(countIf([](const OpInfo &I) { return I.Prefix == SimdPrefix; }),
            256u);
  EXPECT_EQ(countIf([](const OpInfo &I) { return I.Feat == Feature::Simd; }),
            236u);
  EXPECT_EQ(
      countIf([](const OpInfo &I) { return I.Feat == Feature::RelaxedSimd; }),
      20u);
  EXPECT_EQ(countIf([](const OpInfo &I) { return I.Feat == Feature::SignExt; }),
            5u);
  EXPECT_EQ(
      countIf([](const OpInfo &I) { return I.Feat == Feature::SatFloatToInt; }),
      8u);
  EXPECT_EQ(
      countIf([](const OpInfo &I) { return I.Feat == Feature::BulkMemory; }),
      7u);
  EXPECT_EQ(countIf([](const OpInfo &I) {
              return I.Feat == Feature::ReferenceTypes;
            }),
            9u);

  // The decode tables agree with the row counts.
  unsigned Single = 0, Misc = 0, Simd = 0;
  for (uint32_t C = 0; C < 0x200; ++C) {
    Single += lookupOp(0, C).has_value();
    Misc += lookupOp(MiscPrefix, C).has_value();
    Simd += lookupOp(SimdPrefix, C).has_value();
  }
  EXPECT_EQ(Single, 183u);
  EXPECT_EQ(Misc, 18u);
  EXPECT_EQ(Simd, 256u);
}

TEST(OpcodeTest, UnassignedEncodingsAreRejected) {
  // Prefix bytes are not opcodes, and neither are other proposals' opcodes
  // (exceptions, tail calls, GC, atomics).
  for (uint32_t C :
       {0x06u, 0x07u, 0x08u, 0x09u, 0x0au, 0x12u, 0x13u, 0x14u, 0x1du, 0x1fu,
        0x27u, 0xc5u, 0xcfu, 0xd3u, 0xfbu, 0xfcu, 0xfdu, 0xfeu, 0xffu, 0x100u})
    EXPECT_FALSE(lookupOp(0, C).has_value()) << std::hex << C;
  // Holes in the Wasm 2.0 SIMD code space.
  for (uint32_t C :
       {0x9au, 0xa2u, 0xa5u, 0xa6u, 0xafu, 0xb0u, 0xb2u, 0xb3u, 0xb4u, 0xbbu,
        0xc2u, 0xc5u, 0xc6u, 0xcfu, 0xd0u, 0xd2u, 0xd3u, 0xd4u, 0xe2u, 0xeeu})
    EXPECT_FALSE(lookupOp(SimdPrefix, C).has_value()) << std::hex << C;
  EXPECT_FALSE(lookupOp(SimdPrefix, 0x114).has_value());
  EXPECT_FALSE(lookupOp(SimdPrefix, 0xFFFFFFFF).has_value());
  EXPECT_FALSE(lookupOp(MiscPrefix, 18).has_value());
  EXPECT_FALSE(lookupOp(MiscPrefix, 0xFFFFFFFF).has_value());
  EXPECT_FALSE(lookupOp(0xFE, 0).has_value());
  EXPECT_FALSE(lookupOp(0xFB, 0).has_value());
}

void expectOp(uint8_t Prefix, uint32_t Code, Op Expected, const char *Text,
              ImmKind Imm, OpCategory Cat, OpType Result, OpType P0, OpType P1,
              OpType P2, unsigned Width, Feature Feat) {
  std::optional<Op> O = lookupOp(Prefix, Code);
  ASSERT_TRUE(O.has_value()) << Text;
  EXPECT_EQ(*O, Expected) << Text;
  const OpInfo &Info = opInfo(*O);
  EXPECT_STREQ(Info.Text, Text);
  EXPECT_EQ(Info.Imm, Imm) << Text;
  EXPECT_EQ(Info.Category, Cat) << Text;
  EXPECT_EQ(Info.Result, Result) << Text;
  EXPECT_EQ(Info.P0, P0) << Text;
  EXPECT_EQ(Info.P1, P1) << Text;
  EXPECT_EQ(Info.P2, P2) << Text;
  EXPECT_EQ(Info.Width, Width) << Text;
  EXPECT_EQ(Info.Feat, Feat) << Text;
}

TEST(OpcodeTest, SpotChecksScalar) {
  using C = OpCategory;
  using T = OpType;
  using I = ImmKind;
  using F = Feature;
  expectOp(0, 0x00, Op::Unreachable, "unreachable", I::None, C::Control,
           T::Void, T::Void, T::Void, T::Void, 0, F::Mvp);
  expectOp(0, 0x0e, Op::BrTable, "br_table", I::BrTable, C::Control, T::Any,
           T::Any, T::Any, T::Any, 0, F::Mvp);
  expectOp(0, 0x11, Op::CallIndirect, "call_indirect", I::CallIndirect, C::Call,
           T::Any, T::Any, T::Any, T::Any, 0, F::Mvp);
  expectOp(0, 0x1c, Op::SelectT, "select", I::SelectTypes, C::Parametric,
           T::Any, T::Any, T::Any, T::I32, 0, F::ReferenceTypes);
  expectOp(0, 0x2e, Op::I32Load16S, "i32.load16_s", I::MemArg, C::Load, T::I32,
           T::I32, T::Void, T::Void, 2, F::Mvp);
  expectOp(0, 0x3e, Op::I64Store32, "i64.store32", I::MemArg, C::Store, T::Void,
           T::I32, T::I64, T::Void, 4, F::Mvp);
  expectOp(0, 0x3f, Op::MemorySize, "memory.size", I::MemIdx, C::Memory, T::I32,
           T::Void, T::Void, T::Void, 0, F::Mvp);
  expectOp(0, 0x40, Op::MemoryGrow, "memory.grow", I::MemIdx, C::Memory, T::I32,
           T::I32, T::Void, T::Void, 0, F::Mvp);
  expectOp(0, 0x44, Op::F64Const, "f64.const", I::F64, C::Const, T::F64,
           T::Void, T::Void, T::Void, 0, F::Mvp);
  expectOp(0, 0x50, Op::I64Eqz, "i64.eqz", I::None, C::Test, T::I32, T::I64,
           T::Void, T::Void, 0, F::Mvp);
  expectOp(0, 0x63, Op::F64Lt, "f64.lt", I::None, C::Compare, T::I32, T::F64,
           T::F64, T::Void, 0, F::Mvp);
  expectOp(0, 0x6a, Op::I32Add, "i32.add", I::None, C::Binary, T::I32, T::I32,
           T::I32, T::Void, 0, F::Mvp);
  expectOp(0, 0x98, Op::F32Copysign, "f32.copysign", I::None, C::Binary, T::F32,
           T::F32, T::F32, T::Void, 0, F::Mvp);
  expectOp(0, 0xac, Op::I64ExtendI32S, "i64.extend_i32_s", I::None, C::Convert,
           T::I64, T::I32, T::Void, T::Void, 0, F::Mvp);
  expectOp(0, 0xbf, Op::F64ReinterpretI64, "f64.reinterpret_i64", I::None,
           C::Convert, T::F64, T::I64, T::Void, T::Void, 0, F::Mvp);
  expectOp(0, 0xc4, Op::I64Extend32S, "i64.extend32_s", I::None, C::Unary,
           T::I64, T::I64, T::Void, T::Void, 0, F::SignExt);
  expectOp(0, 0xd0, Op::RefNull, "ref.null", I::RefType, C::Reference, T::Any,
           T::Void, T::Void, T::Void, 0, F::ReferenceTypes);
  expectOp(0, 0xd1, Op::RefIsNull, "ref.is_null", I::None, C::Reference, T::I32,
           T::Any, T::Void, T::Void, 0, F::ReferenceTypes);
  expectOp(0, 0xd2, Op::RefFunc, "ref.func", I::FuncIdx, C::Reference,
           T::FuncRef, T::Void, T::Void, T::Void, 0, F::ReferenceTypes);
}

TEST(OpcodeTest, SpotChecksMisc) {
  using C = OpCategory;
  using T = OpType;
  using I = ImmKind;
  using F = Feature;
  expectOp(0xFC, 0, Op::I32TruncSatF32S, "i32.trunc_sat_f32_s", I::None,
           C::Convert, T::I32, T::F32, T::Void, T::Void, 0, F::SatFloatToInt);
  expectOp(0xFC, 7, Op::I64TruncSatF64U, "i64.trunc_sat_f64_u", I::None,
           C::Convert, T::I64, T::F64, T::Void, T::Void, 0, F::SatFloatToInt);
  expectOp(0xFC, 8, Op::MemoryInit, "memory.init", I::MemoryInit, C::Memory,
           T::Void, T::I32, T::I32, T::I32, 0, F::BulkMemory);
  expectOp(0xFC, 9, Op::DataDrop, "data.drop", I::DataIdx, C::Memory, T::Void,
           T::Void, T::Void, T::Void, 0, F::BulkMemory);
  expectOp(0xFC, 10, Op::MemoryCopy, "memory.copy", I::MemoryCopy, C::Memory,
           T::Void, T::I32, T::I32, T::I32, 0, F::BulkMemory);
  expectOp(0xFC, 11, Op::MemoryFill, "memory.fill", I::MemIdx, C::Memory,
           T::Void, T::I32, T::I32, T::I32, 0, F::BulkMemory);
  expectOp(0xFC, 12, Op::TableInit, "table.init", I::TableInit, C::Table,
           T::Void, T::I32, T::I32, T::I32, 0, F::BulkMemory);
  expectOp(0xFC, 13, Op::ElemDrop, "elem.drop", I::ElemIdx, C::Table, T::Void,
           T::Void, T::Void, T::Void, 0, F::BulkMemory);
  expectOp(0xFC, 14, Op::TableCopy, "table.copy", I::TableCopy, C::Table,
           T::Void, T::I32, T::I32, T::I32, 0, F::BulkMemory);
  expectOp(0xFC, 15, Op::TableGrow, "table.grow", I::TableIdx, C::Table, T::I32,
           T::Any, T::I32, T::Void, 0, F::ReferenceTypes);
  expectOp(0xFC, 16, Op::TableSize, "table.size", I::TableIdx, C::Table, T::I32,
           T::Void, T::Void, T::Void, 0, F::ReferenceTypes);
  expectOp(0xFC, 17, Op::TableFill, "table.fill", I::TableIdx, C::Table,
           T::Void, T::I32, T::Any, T::I32, 0, F::ReferenceTypes);
}

TEST(OpcodeTest, SpotChecksSimd) {
  using C = OpCategory;
  using T = OpType;
  using I = ImmKind;
  using F = Feature;
  const T V = T::V128, N = T::Void;
  expectOp(0xFD, 0x00, Op::V128Load, "v128.load", I::MemArg, C::SimdLoad, V,
           T::I32, N, N, 16, F::Simd);
  expectOp(0xFD, 0x01, Op::V128Load8x8S, "v128.load8x8_s", I::MemArg,
           C::SimdLoad, V, T::I32, N, N, 8, F::Simd);
  expectOp(0xFD, 0x09, Op::V128Load32Splat, "v128.load32_splat", I::MemArg,
           C::SimdLoad, V, T::I32, N, N, 4, F::Simd);
  expectOp(0xFD, 0x0b, Op::V128Store, "v128.store", I::MemArg, C::SimdStore, N,
           T::I32, V, N, 16, F::Simd);
  expectOp(0xFD, 0x0c, Op::V128Const, "v128.const", I::V128, C::SimdConst, V, N,
           N, N, 0, F::Simd);
  expectOp(0xFD, 0x0d, Op::I8x16Shuffle, "i8x16.shuffle", I::Shuffle,
           C::SimdShuffle, V, V, V, N, 0, F::Simd);
  expectOp(0xFD, 0x0e, Op::I8x16Swizzle, "i8x16.swizzle", I::None,
           C::SimdSwizzle, V, V, V, N, 0, F::Simd);
  expectOp(0xFD, 0x12, Op::I64x2Splat, "i64x2.splat", I::None, C::SimdSplat, V,
           T::I64, N, N, 0, F::Simd);
  expectOp(0xFD, 0x15, Op::I8x16ExtractLaneS, "i8x16.extract_lane_s",
           I::LaneIdx, C::SimdExtractLane, T::I32, V, N, N, 16, F::Simd);
  expectOp(0xFD, 0x1a, Op::I16x8ReplaceLane, "i16x8.replace_lane", I::LaneIdx,
           C::SimdReplaceLane, V, V, T::I32, N, 8, F::Simd);
  expectOp(0xFD, 0x21, Op::F64x2ExtractLane, "f64x2.extract_lane", I::LaneIdx,
           C::SimdExtractLane, T::F64, V, N, N, 2, F::Simd);
  expectOp(0xFD, 0x40, Op::I32x4GeU, "i32x4.ge_u", I::None, C::SimdCompare, V,
           V, V, N, 0, F::Simd);
  expectOp(0xFD, 0x52, Op::V128Bitselect, "v128.bitselect", I::None,
           C::SimdBitwise, V, V, V, V, 0, F::Simd);
  expectOp(0xFD, 0x53, Op::V128AnyTrue, "v128.any_true", I::None, C::SimdTest,
           T::I32, V, N, N, 0, F::Simd);
  expectOp(0xFD, 0x54, Op::V128Load8Lane, "v128.load8_lane", I::MemArgLane,
           C::SimdLoadLane, V, T::I32, V, N, 1, F::Simd);
  expectOp(0xFD, 0x5b, Op::V128Store64Lane, "v128.store64_lane", I::MemArgLane,
           C::SimdStoreLane, N, T::I32, V, N, 8, F::Simd);
  expectOp(0xFD, 0x5c, Op::V128Load32Zero, "v128.load32_zero", I::MemArg,
           C::SimdLoad, V, T::I32, N, N, 4, F::Simd);
  expectOp(0xFD, 0x5d, Op::V128Load64Zero, "v128.load64_zero", I::MemArg,
           C::SimdLoad, V, T::I32, N, N, 8, F::Simd);
  expectOp(0xFD, 0x5e, Op::F32x4DemoteF64x2Zero, "f32x4.demote_f64x2_zero",
           I::None, C::SimdConvert, V, V, N, N, 0, F::Simd);
  expectOp(0xFD, 0x5f, Op::F64x2PromoteLowF32x4, "f64x2.promote_low_f32x4",
           I::None, C::SimdConvert, V, V, N, N, 0, F::Simd);
  expectOp(0xFD, 0x62, Op::I8x16Popcnt, "i8x16.popcnt", I::None, C::SimdUnary,
           V, V, N, N, 0, F::Simd);
  expectOp(0xFD, 0x64, Op::I8x16Bitmask, "i8x16.bitmask", I::None, C::SimdTest,
           T::I32, V, N, N, 0, F::Simd);
  expectOp(0xFD, 0x6b, Op::I8x16Shl, "i8x16.shl", I::None, C::SimdShift, V, V,
           T::I32, N, 0, F::Simd);
  expectOp(0xFD, 0x7c, Op::I16x8ExtaddPairwiseI8x16S,
           "i16x8.extadd_pairwise_i8x16_s", I::None, C::SimdConvert, V, V, N, N,
           0, F::Simd);
  expectOp(0xFD, 0x82, Op::I16x8Q15mulrSatS, "i16x8.q15mulr_sat_s", I::None,
           C::SimdBinary, V, V, V, N, 0, F::Simd);
  expectOp(0xFD, 0x9b, Op::I16x8AvgrU, "i16x8.avgr_u", I::None, C::SimdBinary,
           V, V, V, N, 0, F::Simd);
  expectOp(0xFD, 0xb5, Op::I32x4Mul, "i32x4.mul", I::None, C::SimdBinary, V, V,
           V, N, 0, F::Simd);
  expectOp(0xFD, 0xba, Op::I32x4DotI16x8S, "i32x4.dot_i16x8_s", I::None,
           C::SimdBinary, V, V, V, N, 0, F::Simd);
  expectOp(0xFD, 0xd6, Op::I64x2Eq, "i64x2.eq", I::None, C::SimdCompare, V, V,
           V, N, 0, F::Simd);
  expectOp(0xFD, 0xdb, Op::I64x2GeS, "i64x2.ge_s", I::None, C::SimdCompare, V,
           V, V, N, 0, F::Simd);
  expectOp(0xFD, 0xdf, Op::I64x2ExtmulHighI32x4U, "i64x2.extmul_high_i32x4_u",
           I::None, C::SimdBinary, V, V, V, N, 0, F::Simd);
  expectOp(0xFD, 0xe3, Op::F32x4Sqrt, "f32x4.sqrt", I::None, C::SimdUnary, V, V,
           N, N, 0, F::Simd);
  expectOp(0xFD, 0xf7, Op::F64x2Pmax, "f64x2.pmax", I::None, C::SimdBinary, V,
           V, V, N, 0, F::Simd);
  expectOp(0xFD, 0xfd, Op::I32x4TruncSatF64x2UZero,
           "i32x4.trunc_sat_f64x2_u_zero", I::None, C::SimdConvert, V, V, N, N,
           0, F::Simd);
  expectOp(0xFD, 0xff, Op::F64x2ConvertLowI32x4U, "f64x2.convert_low_i32x4_u",
           I::None, C::SimdConvert, V, V, N, N, 0, F::Simd);
}

TEST(OpcodeTest, SpotChecksRelaxedSimd) {
  using C = OpCategory;
  using I = ImmKind;
  using F = Feature;
  const OpType V = OpType::V128, N = OpType::Void;
  expectOp(0xFD, 0x100, Op::I8x16RelaxedSwizzle, "i8x16.relaxed_swizzle",
           I::None, C::SimdSwizzle, V, V, V, N, 0, F::RelaxedSimd);
  expectOp(0xFD, 0x101, Op::I32x4RelaxedTruncF32x4S,
           "i32x4.relaxed_trunc_f32x4_s", I::None, C::SimdRelaxed, V, V, N, N,
           0, F::RelaxedSimd);
  expectOp(0xFD, 0x104, Op::I32x4RelaxedTruncF64x2UZero,
           "i32x4.relaxed_trunc_f64x2_u_zero", I::None, C::SimdRelaxed, V, V, N,
           N, 0, F::RelaxedSimd);
  expectOp(0xFD, 0x105, Op::F32x4RelaxedMadd, "f32x4.relaxed_madd", I::None,
           C::SimdRelaxed, V, V, V, V, 0, F::RelaxedSimd);
  expectOp(0xFD, 0x108, Op::F64x2RelaxedNmadd, "f64x2.relaxed_nmadd", I::None,
           C::SimdRelaxed, V, V, V, V, 0, F::RelaxedSimd);
  expectOp(0xFD, 0x109, Op::I8x16RelaxedLaneselect, "i8x16.relaxed_laneselect",
           I::None, C::SimdRelaxed, V, V, V, V, 0, F::RelaxedSimd);
  expectOp(0xFD, 0x10c, Op::I64x2RelaxedLaneselect, "i64x2.relaxed_laneselect",
           I::None, C::SimdRelaxed, V, V, V, V, 0, F::RelaxedSimd);
  expectOp(0xFD, 0x110, Op::F64x2RelaxedMax, "f64x2.relaxed_max", I::None,
           C::SimdRelaxed, V, V, V, N, 0, F::RelaxedSimd);
  expectOp(0xFD, 0x111, Op::I16x8RelaxedQ15mulrS, "i16x8.relaxed_q15mulr_s",
           I::None, C::SimdRelaxed, V, V, V, N, 0, F::RelaxedSimd);
  expectOp(0xFD, 0x112, Op::I16x8RelaxedDotI8x16I7x16S,
           "i16x8.relaxed_dot_i8x16_i7x16_s", I::None, C::SimdRelaxed, V, V, V,
           N, 0, F::RelaxedSimd);
  expectOp(0xFD, 0x113, Op::I32x4RelaxedDotI8x16I7x16AddS,
           "i32x4.relaxed_dot_i8x16_i7x16_add_s", I::None, C::SimdRelaxed, V, V,
           V, V, 0, F::RelaxedSimd);
}

TEST(OpcodeTest, SignatureShapes) {
  for (unsigned I = 0; I < NumOps; ++I) {
    const OpInfo &Info = opInfo(opAt(I));
    const std::string D = describe(opAt(I));
    // Operands fill slots from P0 up, so the operand count is the number of
    // leading non-Void slots.
    if (Info.P0 == OpType::Void) {
      EXPECT_EQ(Info.P1, OpType::Void) << D;
    }
    if (Info.P1 == OpType::Void) {
      EXPECT_EQ(Info.P2, OpType::Void) << D;
    }

    if (!hasPureSignature(Info.Category))
      continue;
    for (OpType T : {Info.Result, Info.P0, Info.P1, Info.P2})
      EXPECT_NE(T, OpType::Any) << D;
    switch (Info.Category) {
    case OpCategory::Load:
    case OpCategory::SimdLoad:
      EXPECT_EQ(Info.P0, OpType::I32) << D;
      EXPECT_EQ(Info.P1, OpType::Void) << D;
      EXPECT_NE(Info.Result, OpType::Void) << D;
      break;
    case OpCategory::Store:
    case OpCategory::SimdStore:
    case OpCategory::SimdStoreLane:
      EXPECT_EQ(Info.P0, OpType::I32) << D;
      EXPECT_NE(Info.P1, OpType::Void) << D;
      EXPECT_EQ(Info.Result, OpType::Void) << D;
      break;
    case OpCategory::SimdLoadLane:
      EXPECT_EQ(Info.P0, OpType::I32) << D;
      EXPECT_EQ(Info.P1, OpType::V128) << D;
      EXPECT_EQ(Info.Result, OpType::V128) << D;
      break;
    case OpCategory::Const:
    case OpCategory::SimdConst:
      EXPECT_EQ(Info.P0, OpType::Void) << D;
      EXPECT_NE(Info.Result, OpType::Void) << D;
      break;
    case OpCategory::Unary:
      EXPECT_EQ(Info.P0, Info.Result) << D;
      EXPECT_EQ(Info.P1, OpType::Void) << D;
      break;
    case OpCategory::Binary:
      EXPECT_EQ(Info.P0, Info.Result) << D;
      EXPECT_EQ(Info.P1, Info.Result) << D;
      EXPECT_EQ(Info.P2, OpType::Void) << D;
      break;
    case OpCategory::Compare:
      EXPECT_EQ(Info.Result, OpType::I32) << D;
      EXPECT_EQ(Info.P0, Info.P1) << D;
      break;
    case OpCategory::Test:
    case OpCategory::SimdTest:
      EXPECT_EQ(Info.Result, OpType::I32) << D;
      EXPECT_NE(Info.P0, OpType::Void) << D;
      EXPECT_EQ(Info.P1, OpType::Void) << D;
      break;
    case OpCategory::SimdShift:
      EXPECT_EQ(Info.Result, OpType::V128) << D;
      EXPECT_EQ(Info.P0, OpType::V128) << D;
      EXPECT_EQ(Info.P1, OpType::I32) << D;
      break;
    case OpCategory::SimdExtractLane:
      EXPECT_EQ(Info.P0, OpType::V128) << D;
      EXPECT_EQ(Info.P1, OpType::Void) << D;
      break;
    case OpCategory::SimdReplaceLane:
      EXPECT_EQ(Info.Result, OpType::V128) << D;
      EXPECT_EQ(Info.P0, OpType::V128) << D;
      EXPECT_NE(Info.P1, OpType::Void) << D;
      break;
    case OpCategory::SimdSplat:
      EXPECT_EQ(Info.Result, OpType::V128) << D;
      EXPECT_NE(Info.P0, OpType::V128) << D;
      break;
    case OpCategory::SimdCompare:
    case OpCategory::SimdBinary:
    case OpCategory::SimdShuffle:
    case OpCategory::SimdSwizzle:
      EXPECT_EQ(Info.Result, OpType::V128) << D;
      EXPECT_EQ(Info.P0, OpType::V128) << D;
      EXPECT_EQ(Info.P1, OpType::V128) << D;
      EXPECT_EQ(Info.P2, OpType::Void) << D;
      break;
    case OpCategory::SimdUnary:
    case OpCategory::SimdConvert:
      EXPECT_EQ(Info.Result, OpType::V128) << D;
      EXPECT_EQ(Info.P0, OpType::V128) << D;
      EXPECT_EQ(Info.P1, OpType::Void) << D;
      break;
    case OpCategory::SimdBitwise:
    case OpCategory::SimdRelaxed:
      EXPECT_EQ(Info.Result, OpType::V128) << D;
      for (OpType T : {Info.P0, Info.P1, Info.P2})
        EXPECT_TRUE(T == OpType::V128 || T == OpType::Void) << D;
      break;
    default:
      break;
    }
  }
}

TEST(OpcodeTest, WidthsAndImmediatesMatchCategories) {
  for (unsigned I = 0; I < NumOps; ++I) {
    const OpInfo &Info = opInfo(opAt(I));
    const std::string D = describe(opAt(I));
    const std::string_view Text = Info.Text;
    const bool IsLane = Info.Category == OpCategory::SimdExtractLane ||
                        Info.Category == OpCategory::SimdReplaceLane;
    if (accessesMemory(Info.Category)) {
      EXPECT_TRUE(Info.Width == 1 || Info.Width == 2 || Info.Width == 4 ||
                  Info.Width == 8 || Info.Width == 16)
          << D;
      const bool IsLaneAccess = Info.Category == OpCategory::SimdLoadLane ||
                                Info.Category == OpCategory::SimdStoreLane;
      EXPECT_EQ(Info.Imm, IsLaneAccess ? ImmKind::MemArgLane : ImmKind::MemArg)
          << D;
    } else if (IsLane) {
      // "i8x16.extract_lane_s" -> 16 lanes.
      const std::string_view Shape = Text.substr(0, Text.find('.'));
      const unsigned Lanes =
          std::stoul(std::string(Shape.substr(Shape.find('x') + 1)));
      EXPECT_EQ(Info.Width, Lanes) << D;
      EXPECT_EQ(Info.Imm, ImmKind::LaneIdx) << D;
    } else {
      EXPECT_EQ(Info.Width, 0u) << D;
      EXPECT_NE(Info.Imm, ImmKind::MemArg) << D;
      EXPECT_NE(Info.Imm, ImmKind::MemArgLane) << D;
      EXPECT_NE(Info.Imm, ImmKind::LaneIdx) << D;
    }
  }
  // Scalar access widths follow the mnemonic: the explicit size suffix, or
  // the full size of the value type.
  EXPECT_EQ(opInfo(Op::I64Load).Width, 8u);
  EXPECT_EQ(opInfo(Op::F32Load).Width, 4u);
  EXPECT_EQ(opInfo(Op::I64Load8U).Width, 1u);
  EXPECT_EQ(opInfo(Op::I64Load32S).Width, 4u);
  EXPECT_EQ(opInfo(Op::I32Store16).Width, 2u);
  EXPECT_EQ(opInfo(Op::F64Store).Width, 8u);
  EXPECT_EQ(opInfo(Op::V128Load64Splat).Width, 8u);
  EXPECT_EQ(opInfo(Op::V128Load16x4U).Width, 8u);
  EXPECT_EQ(opInfo(Op::V128Load32Lane).Width, 4u);
}

TEST(OpcodeTest, FeaturesMatchEncodings) {
  for (unsigned I = 0; I < NumOps; ++I) {
    const OpInfo &Info = opInfo(opAt(I));
    const std::string D = describe(opAt(I));
    const bool IsSimdFeature =
        Info.Feat == Feature::Simd || Info.Feat == Feature::RelaxedSimd;
    EXPECT_EQ(Info.Prefix == SimdPrefix, IsSimdFeature) << D;
    EXPECT_EQ(isSimdCategory(Info.Category), IsSimdFeature) << D;
    if (Info.Prefix == SimdPrefix) {
      EXPECT_EQ(Info.Code >= 0x100, Info.Feat == Feature::RelaxedSimd) << D;
    }
    if (Info.Category == OpCategory::SimdRelaxed) {
      EXPECT_EQ(Info.Feat, Feature::RelaxedSimd) << D;
    }
    // relaxed_swizzle shares SimdSwizzle with i8x16.swizzle; every other
    // relaxed op is SimdRelaxed.
    if (Info.Feat == Feature::RelaxedSimd &&
        Info.Category != OpCategory::SimdRelaxed) {
      EXPECT_EQ(opAt(I), Op::I8x16RelaxedSwizzle) << D;
    }
    if (Info.Prefix == MiscPrefix) {
      EXPECT_EQ(Info.Feat, Info.Code < 8    ? Feature::SatFloatToInt
                           : Info.Code < 15 ? Feature::BulkMemory
                                            : Feature::ReferenceTypes)
          << D;
    }
  }
}

} // namespace
