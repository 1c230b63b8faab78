//===- tests/unit/shift_register_unroll_test.cc - Rotating-state loops ----===//
//
// ShiftRegisterUnrollPass (compiler/codegen/shift_register_unroll.h) unrolls
// a loop whose header phis form a chain (d = c; c = b; b = a) by the chain's
// length. Checked three ways: the chain measure on hand-written IR (chains,
// a swap cycle, no chain, a chain longer than the cap), the code of
// tests/unit/modules/shift_chains.wat (its 64-trip loop holds four copies of
// the body), and what that module computes against a C++ model, with trip
// counts that leave every remainder, in both memory modes.
//
//===----------------------------------------------------------------------===//

#include "codegen_test_util.h"

#include "compiler/codegen/shift_register_unroll.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/SourceMgr.h"

#include <gtest/gtest.h>

#include <bit>
#include <regex>

namespace {

using namespace kiln;
using namespace kiln::testutil;

/// longestShiftChain of the only loop of @f in `IR`.
unsigned chainOf(const char *IR) {
  llvm::LLVMContext Ctx;
  llvm::SMDiagnostic Err;
  std::unique_ptr<llvm::Module> M = llvm::parseAssemblyString(IR, Err, Ctx);
  EXPECT_TRUE(M) << Err.getMessage().str();
  if (!M)
    return 0;
  llvm::Function &F = *M->getFunction("f");
  llvm::DominatorTree DT(F);
  llvm::LoopInfo LI(DT);
  EXPECT_EQ(LI.getTopLevelLoops().size(), 1u);
  if (LI.getTopLevelLoops().size() != 1)
    return 0;
  return codegen::longestShiftChain(*LI.getTopLevelLoops()[0]);
}

TEST(ShiftRegisterUnroll, MeasuresTheLongestChain) {
  // a <- new, b <- a, c <- b: three links; x is independent.
  EXPECT_EQ(chainOf(R"(
define i32 @f(i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %a = phi i32 [ 1, %entry ], [ %new, %loop ]
  %b = phi i32 [ 2, %entry ], [ %a, %loop ]
  %c = phi i32 [ 3, %entry ], [ %b, %loop ]
  %x = phi i32 [ 4, %entry ], [ %x.next, %loop ]
  %new = add i32 %a, %c
  %x.next = mul i32 %x, 3
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  %r = add i32 %c, %x
  ret i32 %r
})"),
            3u);
}

TEST(ShiftRegisterUnroll, SwapIsATwoLinkCycle) {
  EXPECT_EQ(chainOf(R"(
define i32 @f(i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %a = phi i32 [ 1, %entry ], [ %b, %loop ]
  %b = phi i32 [ 2, %entry ], [ %a, %loop ]
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  %r = sub i32 %a, %b
  ret i32 %r
})"),
            2u);
}

TEST(ShiftRegisterUnroll, NoChainIsOne) {
  EXPECT_EQ(chainOf(R"(
define i32 @f(i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %s = phi i32 [ 0, %entry ], [ %s.next, %loop ]
  %s.next = add i32 %s, %i
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret i32 %s.next
})"),
            1u);
}

TEST(ShiftRegisterUnroll, LongChainsAreCappedAtEight) {
  std::string IR = "define i32 @f(i32 %n) {\nentry:\n  br label %loop\nloop:\n"
                   "  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]\n"
                   "  %p0 = phi i32 [ 0, %entry ], [ %new, %loop ]\n";
  for (int K = 1; K < 12; ++K)
    IR += "  %p" + std::to_string(K) + " = phi i32 [ 0, %entry ], [ %p" +
          std::to_string(K - 1) + ", %loop ]\n";
  IR += "  %new = add i32 %p0, %p11\n  %i.next = add i32 %i, 1\n"
        "  %done = icmp eq i32 %i.next, %n\n"
        "  br i1 %done, label %exit, label %loop\nexit:\n  ret i32 %p11\n}\n";
  EXPECT_EQ(chainOf(IR.c_str()), 8u);
}

TEST(ShiftRegisterUnroll, SixtyFourTripLoopHoldsFourBodies) {
  std::string Asm = compileToX86Asm("shift_chains", "x86-64-v2");
  // Function 0 is the body, inlined; 1 is rotate_64.
  std::vector<std::string> Loop = firstLoopOf(Asm, 1);
  ASSERT_FALSE(Loop.empty()) << "no loop in rotate_64:\n" << Asm;
  // The body rotates by 5 once; x86 spells it rol or shld.
  static const std::regex Rotate5(R"(\s(rol|shld)l\s+\$5,)");
  unsigned Rotates = 0;
  std::string Text;
  for (const std::string &L : Loop) {
    Rotates += std::regex_search(L, Rotate5);
    Text += L + "\n";
  }
  EXPECT_EQ(Rotates, 4u) << Text;
}

/// What shift_chains.wat computes, in C++.
uint32_t rotateModel(uint32_t A, uint32_t B, uint32_t C, uint32_t D, uint32_t N) {
  for (uint32_t I = 0; I < N; ++I) {
    uint32_t T =
        ((std::rotl(A ^ D, 5) + (B * 3 + I)) +
         ((std::rotl(C, 7) ^ std::rotl(C, 18) ^ (C >> 3)) +
          (std::rotl(B, 17) ^ std::rotl(B, 19) ^ (B >> 10)))) ^
        ((A & B) | (C & D));
    D = C;
    C = B;
    B = A;
    A = T;
  }
  return A ^ std::rotl(B, 8) ^ std::rotl(C, 16) ^ std::rotl(D, 24);
}

class ShiftRegisterUnrollResult : public testing::TestWithParam<MemoryMode> {};

TEST_P(ShiftRegisterUnrollResult, MatchesTheModelForEveryRemainder) {
  std::unique_ptr<Instance> I = instantiateTestModule("shift_chains", GetParam());
  ASSERT_TRUE(I);
  const uint32_t A = 0x6a09e667, B = 0xbb67ae85, C = 0x3c6ef372, D = 0xa54ff53a;
  auto Args = [&](std::vector<Value> Extra) {
    std::vector<Value> V = {Value::i32(A), Value::i32(B), Value::i32(C),
                            Value::i32(D)};
    V.insert(V.end(), Extra.begin(), Extra.end());
    return V;
  };
  Expected<std::vector<Value>> R = I->call("rotate_64", Args({}));
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_EQ(uint32_t((*R)[0].i32()), rotateModel(A, B, C, D, 64));
  for (uint32_t N : {0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 63u, 64u, 65u, 1001u}) {
    R = I->call("rotate_n", Args({Value::i32(N)}));
    ASSERT_TRUE(bool(R)) << R.takeError().str();
    EXPECT_EQ(uint32_t((*R)[0].i32()), rotateModel(A, B, C, D, N)) << "n = " << N;
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, ShiftRegisterUnrollResult,
                         testing::Values(MemoryMode::Guard, MemoryMode::BoundsChecked),
                         modeName);

} // namespace
