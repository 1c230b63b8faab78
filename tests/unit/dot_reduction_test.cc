//===- tests/unit/dot_reduction_test.cc - int8 dot products ---------------===//
//
// IntegerDotReductionPass (compiler/codegen/dot_reduction.h) turns clang's
// wasm spelling of an int8 dot product into one reduce.add(mul(sext, sext)).
// tests/unit/modules/dot_reductions.wat has that shape, a permuted variant,
// and near misses (a lane left out, a lane counted twice, a partial sum used
// elsewhere). The code checks: the full dot products become pmaddwd with no
// pmullw left; the near misses do not. The result checks: every function,
// in both memory modes, against a scalar reference on random and extreme
// bytes (-128 * -128 is the largest product).
//
//===----------------------------------------------------------------------===//

#include "codegen_test_util.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <functional>
#include <random>

namespace {

using namespace kiln;
using namespace kiln::testutil;

// Function indices follow dot_reductions.wat.
enum : unsigned { Dot, DotReversed, Partial, Twice, PartialStored };

class DotReductionCodeTest : public testing::TestWithParam<const char *> {
protected:
  void SetUp() override { Asm = compileToX86Asm("dot_reductions", GetParam()); }
  std::string Asm;
};

TEST_P(DotReductionCodeTest, FullDotProductsBecomePmaddwd) {
  for (unsigned F : {Dot, DotReversed}) {
    std::vector<std::string> I = mnemonicsOf(Asm, F);
    EXPECT_GE(count(I, "v?pmaddwd"), 1u) << "function " << F << ": " << listing(I);
    EXPECT_EQ(count(I, "v?pmullw"), 0u) << "function " << F << ": " << listing(I);
  }
}

TEST_P(DotReductionCodeTest, NearMissesAreLeftAlone) {
  for (unsigned F : {Partial, Twice, PartialStored}) {
    std::vector<std::string> I = mnemonicsOf(Asm, F);
    EXPECT_FALSE(I.empty()) << "function " << F << " not found";
    EXPECT_EQ(count(I, "v?pmaddwd"), 0u) << "function " << F << ": " << listing(I);
  }
}

INSTANTIATE_TEST_SUITE_P(Cpus, DotReductionCodeTest,
                         testing::Values("x86-64-v2", "haswell"), cpuName);

constexpr uint32_t AOff = 0, BOff = 16, OutOff = 32;

struct Case {
  const char *Export;
  std::function<int32_t(const int8_t *, const int8_t *)> Reference;
};

int32_t dotOver(const int8_t *A, const int8_t *B, std::initializer_list<int> Lanes,
                bool ReverseB = false) {
  int32_t S = 0;
  for (int L : Lanes)
    S += int32_t(A[L]) * int32_t(B[ReverseB ? 15 - L : L]);
  return S;
}

const std::array<Case, 5> Cases = {{
    {"dot_i8x16",
     [](const int8_t *A, const int8_t *B) {
       return dotOver(A, B, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
     }},
    {"dot_i8x16_reversed",
     [](const int8_t *A, const int8_t *B) {
       return dotOver(A, B, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
                      /*ReverseB=*/true);
     }},
    {"partial_i8x12",
     [](const int8_t *A, const int8_t *B) {
       return dotOver(A, B, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
     }},
    {"twice_i8x16",
     [](const int8_t *A, const int8_t *B) {
       return dotOver(A, B, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3});
     }},
    {"dot_i8x16_partial_stored",
     [](const int8_t *A, const int8_t *B) {
       return dotOver(A, B, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
     }},
}};

class DotReductionResultTest : public testing::TestWithParam<MemoryMode> {};

TEST_P(DotReductionResultTest, MatchesScalarReference) {
  std::unique_ptr<Instance> I = instantiateTestModule("dot_reductions", GetParam());
  ASSERT_TRUE(I);
  std::shared_ptr<Memory> Mem = exportedMemory(*I);
  ASSERT_TRUE(Mem);
  uint8_t *Bytes = memoryData(*Mem);

  std::mt19937 Rng(20261124);
  std::uniform_int_distribution<int> Byte(-128, 127);
  for (int Round = 0; Round < 200; ++Round) {
    int8_t Av[16], Bv[16];
    for (int L = 0; L < 16; ++L) {
      // The first rounds hold the extremes, where a narrowing bug shows.
      Av[L] = int8_t(Round == 0 ? -128 : Round == 1 ? 127 : Round == 2 ? -128 : Byte(Rng));
      Bv[L] = int8_t(Round == 0 ? -128 : Round == 1 ? 127 : Round == 2 ? 127 : Byte(Rng));
    }
    std::memcpy(Bytes + AOff, Av, 16);
    std::memcpy(Bytes + BOff, Bv, 16);
    for (const Case &C : Cases) {
      std::vector<Value> Args = {Value::i32(AOff), Value::i32(BOff)};
      if (std::string_view(C.Export) == "dot_i8x16_partial_stored")
        Args.push_back(Value::i32(OutOff));
      Expected<std::vector<Value>> R = I->call(C.Export, Args);
      ASSERT_TRUE(bool(R)) << C.Export << ": " << R.takeError().str();
      ASSERT_EQ(R->size(), 1u);
      EXPECT_EQ((*R)[0].i32(), uint32_t(C.Reference(Av, Bv)))
          << C.Export << " round " << Round;
    }
    // The stored partial sum: lanes (l) + (l + 2) of the four groups' sum.
    int32_t Stored[2];
    std::memcpy(Stored, Bytes + OutOff, sizeof Stored);
    for (int L = 0; L < 2; ++L)
      EXPECT_EQ(Stored[L], dotOver(Av, Bv, {L, L + 4, L + 8, L + 12, L + 2, L + 6,
                                            L + 10, L + 14}))
          << "stored lane " << L << " round " << Round;
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, DotReductionResultTest,
                         testing::Values(MemoryMode::Guard, MemoryMode::BoundsChecked),
                         modeName);

} // namespace
