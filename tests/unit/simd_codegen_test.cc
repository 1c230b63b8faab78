//===- tests/unit/simd_codegen_test.cc - SIMD code quality on x86-64 ------===//
//
// Compiles tests/unit/modules/simd_hot_shapes.wat through the real compiler for
// x86-64 and reads the generated assembly: each hot shape (an f32x4 FIR
// inner loop, common i8x16.shuffle patterns, i32x4.dot_i16x8_s, swizzle,
// bitmask, Wasm-exact f32x4.min) must be a few native vector instructions,
// not per-lane scalar code. The checks name instructions, so a regression to
// scalarized lowering (pextrb/pinsrb chains, mulss loops) fails here even
// though the spec suite, which checks only results, would still pass.
//
//===----------------------------------------------------------------------===//

#include "codegen_test_util.h"

#include <gtest/gtest.h>

namespace {

using namespace kiln;
using namespace kiln::testutil;

// Per-lane code shows up as lane inserts/extracts and scalar float math.
const char *ScalarLaneCode = "v?(pextr[bwdq]|pinsr[bwdq]|extractps|insertps|"
                             "(mul|add|min|max)s[sd])";

class SimdCodegenTest : public ::testing::TestWithParam<const char *> {
protected:
  void SetUp() override { Asm = compileToX86Asm("simd_hot_shapes", GetParam()); }
  std::vector<std::string> fn(unsigned Index) const {
    std::vector<std::string> I = mnemonicsOf(Asm, Index);
    EXPECT_FALSE(I.empty()) << "function " << Index << " not found in the assembly";
    return I;
  }
  std::string Asm;
};

// Function indices follow simd_hot_shapes.wat.
TEST_P(SimdCodegenTest, FirInnerLoopIsPackedMultiplyAdd) {
  // LLVM may unroll the tap loop; per tap there is one packed multiply and
  // one packed add (never fused: Wasm rounds twice), and the splat of h[k]
  // is one broadcast or shuffle, not four inserts.
  std::vector<std::string> I = fn(0);
  size_t Muls = count(I, "v?mulps");
  EXPECT_GE(Muls, 1u) << listing(I);
  EXPECT_EQ(count(I, "v?addps"), Muls) << listing(I);
  EXPECT_EQ(count(I, "vfn?m(add|sub).*"), 0u) << listing(I);
  EXPECT_LE(count(I, "v?(shufps|pshufd|vbroadcastss)"), Muls) << listing(I);
  EXPECT_EQ(count(I, ScalarLaneCode), 0u) << listing(I);
}

TEST_P(SimdCodegenTest, InterleaveLowBytesIsOneUnpack) {
  std::vector<std::string> I = fn(1);
  EXPECT_EQ(count(I, "v?punpcklbw"), 1u) << listing(I);
  EXPECT_EQ(count(I, ScalarLaneCode), 0u) << listing(I);
}

TEST_P(SimdCodegenTest, ByteReverseIsOnePshufb) {
  std::vector<std::string> I = fn(2);
  EXPECT_EQ(count(I, "v?pshufb"), 1u) << listing(I);
  EXPECT_EQ(count(I, ScalarLaneCode), 0u) << listing(I);
}

TEST_P(SimdCodegenTest, BroadcastLaneIsOneShuffle) {
  std::vector<std::string> I = fn(3);
  EXPECT_EQ(count(I, "v?(pshufd|shufps|vpbroadcastd|vbroadcastss)"), 1u) << listing(I);
  EXPECT_EQ(count(I, ScalarLaneCode), 0u) << listing(I);
}

TEST_P(SimdCodegenTest, SlidingWindowIsOnePalignr) {
  std::vector<std::string> I = fn(4);
  EXPECT_EQ(count(I, "v?palignr"), 1u) << listing(I);
  EXPECT_EQ(count(I, ScalarLaneCode), 0u) << listing(I);
}

TEST_P(SimdCodegenTest, DotProductIsPmaddwd) {
  std::vector<std::string> I = fn(5);
  EXPECT_EQ(count(I, "v?pmaddwd"), 1u) << listing(I);
  EXPECT_EQ(count(I, ScalarLaneCode), 0u) << listing(I);
}

TEST_P(SimdCodegenTest, WasmExactMinStaysPacked) {
  // NaN propagation and -0 < +0 cost a few extra packed ops, never lanes.
  std::vector<std::string> I = fn(6);
  EXPECT_GE(count(I, "v?minps"), 1u) << listing(I);
  EXPECT_EQ(count(I, ScalarLaneCode), 0u) << listing(I);
  EXPECT_LE(I.size(), 20u) << listing(I);
}

TEST_P(SimdCodegenTest, SwizzleIsSaturatedPshufb) {
  std::vector<std::string> I = fn(7);
  EXPECT_EQ(count(I, "v?pshufb"), 1u) << listing(I);
  EXPECT_EQ(count(I, ScalarLaneCode), 0u) << listing(I);
}

TEST_P(SimdCodegenTest, BitmaskIsPmovmskb) {
  std::vector<std::string> I = fn(8);
  EXPECT_EQ(count(I, "v?pmovmskb"), 1u) << listing(I);
  EXPECT_EQ(count(I, ScalarLaneCode), 0u) << listing(I);
}

// The default x86-64 baseline (SSE4.2) and an AVX2 CPU.
INSTANTIATE_TEST_SUITE_P(Cpus, SimdCodegenTest,
                         ::testing::Values("x86-64-v2", "haswell"), cpuName);

} // namespace
