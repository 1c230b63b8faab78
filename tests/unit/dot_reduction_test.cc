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

#include "compiler/artifact/writer.h"
#include "compiler/codegen/compile.h"
#include "kiln/abi.h"
#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <regex>
#include <sstream>

namespace {

using namespace kiln;

std::vector<uint8_t> readModule() {
  std::ifstream In(KILN_TEST_MODULES "/dot_reductions.wasm", std::ios::binary);
  return {std::istreambuf_iterator<char>(In), std::istreambuf_iterator<char>()};
}

Expected<format::Artifact> compile(codegen::CompileOptions Opts) {
  std::vector<uint8_t> Wasm = readModule();
  EXPECT_FALSE(Wasm.empty()) << "cannot read dot_reductions.wasm";
  return codegen::compileWasm(Wasm, Opts);
}

/// Mnemonics of function `Index` in x86-64 assembly.
std::vector<std::string> mnemonicsOf(const std::string &Asm, unsigned Index) {
  std::string Label = std::string(kiln::abi::FuncSymbolPrefix) + std::to_string(Index) + ":";
  std::vector<std::string> Out;
  std::istringstream In(Asm);
  std::string Line;
  bool Inside = false;
  while (std::getline(In, Line)) {
    if (!Inside) {
      Inside = Line.rfind(Label, 0) == 0;
      continue;
    }
    if (Line.rfind(".Lfunc_end", 0) == 0)
      break;
    size_t First = Line.find_first_not_of(" \t");
    if (First == std::string::npos || Line[First] == '.' || Line[First] == '#' ||
        Line.back() == ':')
      continue;
    size_t End = Line.find_first_of(" \t", First);
    Out.push_back(Line.substr(First, End == std::string::npos ? End : End - First));
  }
  return Out;
}

size_t count(const std::vector<std::string> &Insts, const char *Pattern) {
  std::regex Re(Pattern);
  size_t N = 0;
  for (const std::string &I : Insts)
    N += std::regex_match(I, Re);
  return N;
}

std::string listing(const std::vector<std::string> &Insts) {
  std::string S;
  for (const std::string &I : Insts)
    S += I + " ";
  return S;
}

// Function indices follow dot_reductions.wat.
enum : unsigned { Dot, DotReversed, Partial, Twice, PartialStored };

class DotReductionCodeTest : public testing::TestWithParam<const char *> {
protected:
  void SetUp() override {
    codegen::CompileOptions Opts;
    Opts.Triple = "x86_64-linux-gnu";
    Opts.Cpu = GetParam();
    Opts.OptLevel = 2;
    Opts.AssemblyOut = &Asm;
    Expected<format::Artifact> A = compile(Opts);
    ASSERT_TRUE(bool(A)) << A.takeError().message();
  }
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
                         testing::Values("x86-64-v2", "haswell"),
                         [](const testing::TestParamInfo<const char *> &P) {
                           std::string N = P.param;
                           for (char &C : N)
                             if (C == '-')
                               C = '_';
                           return N;
                         });

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
  codegen::CompileOptions Opts;
  Opts.Mode = GetParam();
  Expected<format::Artifact> A = compile(Opts);
  ASSERT_TRUE(bool(A)) << A.takeError().message();
  Expected<std::shared_ptr<Module>> M = Module::load(artifact::writeArtifact(*A));
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  Linker L;
  Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
  ASSERT_TRUE(bool(I)) << I.takeError().str();
  std::optional<Extern> Mem = (*I)->exportOf("memory");
  ASSERT_TRUE(Mem && Mem->M);
  uint8_t *Bytes = memoryData(*Mem->M);

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
      Expected<std::vector<Value>> R = (*I)->call(C.Export, Args);
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
                         [](const testing::TestParamInfo<MemoryMode> &P) {
                           return P.param == MemoryMode::Guard ? "guard" : "bounds";
                         });

} // namespace
