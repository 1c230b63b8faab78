//===- tests/unit/address_phis_test.cc - Loop-carried i32 addresses -------===//
//
// WidenAddressPhisPass (compiler/codegen/address_phis.h) lets x86-64 use a
// loop-carried Wasm address without re-zero-extending it every iteration.
// tests/unit/modules/address_loops.wat: a `*p++` scan to a zero byte, whose loop must
// have no 32-bit register-to-register copy (the zero-extension), and a loop
// whose address wraps from 0xffffffff to 0, which must still read the low
// bytes (a wrong 64-bit address would land in the guard region and trap).
//
//===----------------------------------------------------------------------===//

#include "codegen_test_util.h"

#include <gtest/gtest.h>

#include <regex>

namespace {

using namespace kiln;
using namespace kiln::testutil;

TEST(AddressPhis, ByteLoopHasNoZeroExtendingCopy) {
  std::string Asm = compileToX86Asm("address_loops", "x86-64-v2");
  std::vector<std::string> Loop = firstLoopOf(Asm, 0);
  ASSERT_FALSE(Loop.empty()) << "no loop found in function 0:\n" << Asm;
  std::string Text = joinLines(Loop);
  static const std::regex Copy32(R"(movl\s+%(e\w+|r\d+d), %(e\w+|r\d+d))");
  EXPECT_FALSE(std::regex_search(Text, Copy32)) << Text;
  EXPECT_TRUE(Text.find("movzbl") != std::string::npos) << Text;
}

class AddressPhisResult : public testing::TestWithParam<MemoryMode> {};

TEST_P(AddressPhisResult, WrappingAndPlainLoopsReadTheRightBytes) {
  std::unique_ptr<Instance> I = instantiateTestModule("address_loops", GetParam());
  ASSERT_TRUE(I);
  std::shared_ptr<Memory> Mem = exportedMemory(*I);
  ASSERT_TRUE(Mem);
  uint8_t *Bytes = memoryData(*Mem);
  for (unsigned B = 0; B < 256; ++B)
    Bytes[B] = uint8_t(B * 7 + 3) | 1; // no zero byte
  Bytes[200] = 0;

  auto Sum = [&](unsigned From, unsigned To) {
    uint32_t S = 0;
    for (unsigned B = From; B < To; ++B)
      S += Bytes[B];
    return S;
  };
  Expected<std::vector<Value>> R = I->call("sum_until_zero", {Value::i32(5)});
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_EQ((*R)[0].i32(), Sum(5, 200));

  // 0xfffffffc, ..., 0xffffffff, then 0, 1, ..., 11: bytes 0..11.
  R = I->call("sum_wrapping", {Value::i32(0xfffffffcu), Value::i32(16)});
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_EQ((*R)[0].i32(), Sum(0, 12));
}

INSTANTIATE_TEST_SUITE_P(Modes, AddressPhisResult,
                         testing::Values(MemoryMode::Guard, MemoryMode::BoundsChecked),
                         modeName);

} // namespace
