//===- tests/unit/guard_traps_test.cc - Loads that must fault -------------===//
//
// GuardTrapsPass (compiler/codegen/guard_traps.h) keeps, in guard mode,
// every linear-memory load that could fault. These tests read the
// optimized IR: the loads of tests/unit/modules/guard_traps.wat, each
// unused or partly used, stay and are volatile, and no trap keeper
// survives to instruction selection; fully used loads (the gathers of
// byte_gather.wat) stay plain, so the optimizer keeps its freedom. Whether
// they trap is the scripted runs' part (tests/cross/gathers.sh, on every
// target).
//
//===----------------------------------------------------------------------===//

#include "codegen_test_util.h"

#include <gtest/gtest.h>

namespace {

using namespace kiln;
using namespace kiln::testutil;

/// The optimized IR of module `Name` for x86-64 in `Mode` at `OptLevel`.
std::string optimizedIr(const std::string &Name, MemoryMode Mode,
                        unsigned OptLevel) {
  codegen::CompileOptions Opts;
  Opts.Mode = Mode;
  Opts.Triple = "x86_64-linux-gnu";
  Opts.OptLevel = OptLevel;
  Opts.DumpIr = true;
  testing::internal::CaptureStderr();
  Expected<format::Artifact> A = codegen::compileWasm(readTestModule(Name), Opts);
  std::string Ir = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(bool(A)) << (A ? "" : A.takeError().message());
  return Ir;
}

size_t occurrences(const std::string &Text, const std::string &Pattern) {
  size_t N = 0;
  for (size_t At = Text.find(Pattern); At != std::string::npos;
       At = Text.find(Pattern, At + 1))
    ++N;
  return N;
}

/// The IR of Wasm function `Index` (kiln_f<Index>), from `define` to `}`.
std::string functionIr(const std::string &Ir, unsigned Index) {
  std::string Name = "@" + std::string(kiln::abi::FuncSymbolPrefix) +
                     std::to_string(Index) + "(";
  size_t At = Ir.find(Name);
  if (At == std::string::npos)
    return "";
  size_t Begin = Ir.rfind("define", At);
  size_t End = Ir.find("\n}\n", At);
  return Ir.substr(Begin, End == std::string::npos ? End : End + 3 - Begin);
}

/// guard_traps.wat's functions, each with a load LLVM would drop or narrow.
constexpr unsigned GuardTrapFunctions = 17;
/// byte_gather.wat's be_words and be_words_loop, whose loads are all used.
constexpr unsigned BeWords = 0, BeWordsLoop = 1;

class GuardTraps : public testing::TestWithParam<unsigned> {};

TEST_P(GuardTraps, LoadsThatCouldVanishStayWhole) {
  std::string Ir = optimizedIr("guard_traps", MemoryMode::Guard, GetParam());
  for (unsigned F = 0; F < GuardTrapFunctions; ++F)
    EXPECT_NE(functionIr(Ir, F).find("load volatile"), std::string::npos)
        << "function " << F << "\n" << functionIr(Ir, F);
  EXPECT_EQ(occurrences(Ir, "call void @llvm.assume"), 0u)
      << "a trap keeper survived\n" << Ir;
}

TEST_P(GuardTraps, FullyUsedLoadsStayPlain) {
  // The gathers' loads: every byte used, so nothing to keep; the optimizer
  // keeps its freedom (one wide load and a shuffle).
  std::string Ir = optimizedIr("byte_gather", MemoryMode::Guard, GetParam());
  for (unsigned F : {BeWords, BeWordsLoop}) {
    std::string Text = functionIr(Ir, F);
    ASSERT_FALSE(Text.empty()) << Ir;
    EXPECT_EQ(occurrences(Text, "volatile"), 0u) << Text;
    EXPECT_NE(Text.find("load <16 x i8>"), std::string::npos) << Text;
  }
  EXPECT_EQ(occurrences(Ir, "call void @llvm.assume"), 0u) << Ir;
}

TEST(GuardTraps, NoKeeperSurvivesMinusO0) {
  // -O0 runs GuardTrapsPass too (instruction selection narrows loads there
  // as well); the scripted runs check that those loads trap.
  std::string Ir = optimizedIr("guard_traps", MemoryMode::Guard, 0);
  EXPECT_EQ(occurrences(Ir, "call void @llvm.assume"), 0u) << Ir;
  EXPECT_GT(occurrences(Ir, "load volatile"), 0u) << Ir;
}

TEST(GuardTraps, BoundsCheckedModeNeedsNoKeepers) {
  // Its checks are branches to a trap, which LLVM keeps anyway.
  std::string Ir = optimizedIr("guard_traps", MemoryMode::BoundsChecked, 2);
  EXPECT_EQ(occurrences(Ir, "@llvm.assume"), 0u) << Ir;
  EXPECT_EQ(occurrences(Ir, "kiln.keep"), 0u) << Ir;
}

INSTANTIATE_TEST_SUITE_P(OptLevels, GuardTraps, testing::Values(1u, 2u, 3u),
                         [](const testing::TestParamInfo<unsigned> &P) {
                           return "O" + std::to_string(P.param);
                         });

} // namespace
