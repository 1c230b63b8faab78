//===- tests/unit/signed_indices_test.cc - Negative-counter indices -------===//
//
// SignedIndexPass (compiler/codegen/signed_indices.h) rewrites zext(i + c)
// as sext(i) + c where scalar evolution bounds i + c to [0, 2^32).
// tests/unit/modules/negative_counters.wat: a clang-shaped histogram loop
// whose index counts up to zero must address memory as base + i + constant
// with no mask, and count right; a loop whose first index goes below zero
// must still trap, in both memory modes (rewritten, it would read below the
// linear memory).
//
//===----------------------------------------------------------------------===//

#include "codegen_test_util.h"

#include <gtest/gtest.h>

#include <regex>

namespace {

using namespace kiln;
using namespace kiln::testutil;

TEST(SignedIndices, NegativeCounterAddressesWithoutAMask) {
  std::string Asm = compileToX86Asm("negative_counters", "x86-64-v2");
  std::string Text;
  unsigned DisplacedLoads = 0;
  // Each of the four byte loads is one addressing mode: a constant
  // displacement from the memory base plus the widened index.
  static const std::regex Displaced(R"(movzbl\s+\d+\(%\w+,%\w+\),)");
  for (const std::string &L : functionLines(Asm, 0)) {
    DisplacedLoads += std::regex_search(L, Displaced);
    Text += L + "\n";
  }
  static const std::regex Mask(R"(\sand[lq]\s)");
  EXPECT_FALSE(std::regex_search(Text, Mask)) << Text;
  EXPECT_EQ(DisplacedLoads, 4u) << Text;
}

class SignedIndicesResult : public testing::TestWithParam<MemoryMode> {};

TEST_P(SignedIndicesResult, CountsInBoundsAndTrapsBelowZero) {
  std::unique_ptr<Instance> I = instantiateTestModule("negative_counters", GetParam());
  ASSERT_TRUE(I);
  std::shared_ptr<Memory> Mem = exportedMemory(*I);
  ASSERT_TRUE(Mem);
  uint8_t *Bytes = memoryData(*Mem);
  uint32_t Bins[256] = {};
  for (uint32_t K = 0; K < 4096; ++K) {
    Bytes[16384 + K] = uint8_t((K * 2654435761u) >> 24);
    ++Bins[Bytes[16384 + K]];
  }
  kiln::Expected<std::vector<Value>> R = I->call("count_bytes", {});
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  for (uint32_t B = 0; B < 256; ++B) {
    uint32_t Got;
    std::memcpy(&Got, Bytes + 4 * B, 4);
    EXPECT_EQ(Got, Bins[B]) << "bin " << B;
  }

  R = I->call("count_from_below_zero", {});
  ASSERT_FALSE(bool(R)) << "an index wrapped to 0xfffffff0 was read";
  EXPECT_NE(R.takeError().str().find("out of bounds"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Modes, SignedIndicesResult,
                         testing::Values(MemoryMode::Guard, MemoryMode::BoundsChecked),
                         modeName);

} // namespace
