//===- tests/unit/address_no_wrap_test.cc - Addresses that cannot wrap ----===//
//
// AddressNoWrapPass (compiler/codegen/address_no_wrap.h) computes in 64 bits
// the addresses that a successful access dominates. The assembly tests show
// the rewrites happen where they are sound and nowhere else; the result
// tests run every function of tests/unit/modules/address_no_wrap.wat at
// inputs where Wasm's i32 address wraps, in both memory modes, and demand
// Wasm's answer: the wrapped read, or the trap.
//
//===----------------------------------------------------------------------===//

#include "codegen_test_util.h"

#include <gtest/gtest.h>

#include <cstring>
#include <regex>

namespace {

using namespace kiln;
using namespace kiln::testutil;

enum Func : unsigned {
  Fetch,
  PairBelow,
  PairBelowDisplaced,
  PairAbove,
  Unproven,
  NotDominating,
  Scan,
  ScanUp,
  ScanDown
};

std::string text(const std::string &Asm, unsigned F) {
  return joinLines(functionLines(Asm, F));
}

bool has(const std::string &Text, const char *Pattern) {
  return std::regex_search(Text, std::regex(Pattern));
}

const char *const AddImmediate = R"(\sadd[lq]\s+\$)";

TEST(AddressNoWrap, DominatedAddressesBecomeDisplacements) {
  std::string Asm = compileToX86Asm("address_no_wrap", "x86-64-v2");
  // Program[Pc]: one address computation; the opcode 4 below the immediate
  // just loaded, the other load at no displacement.
  std::string T = text(Asm, Fetch);
  EXPECT_TRUE(has(T, R"(movzbl\s+-4\(%\w+,%\w+\))")) << T;
  EXPECT_FALSE(has(T, AddImmediate)) << T;
  T = text(Asm, PairBelow);
  EXPECT_TRUE(has(T, R"(movzbl\s+-4\(%\w+,%\w+\))")) << T;
  T = text(Asm, PairAbove);
  EXPECT_TRUE(has(T, R"(movl\s+4\(%\w+,%\w+\))")) << T;
  EXPECT_FALSE(has(T, AddImmediate)) << T;
}

TEST(AddressNoWrap, UnprovenAddressesKeepTheir32BitSum) {
  std::string Asm = compileToX86Asm("address_no_wrap", "x86-64-v2");
  // A displacement on the lower access could carry a wrapped address back
  // into memory, so nothing is rebased below it.
  std::string T = text(Asm, PairBelowDisplaced);
  EXPECT_FALSE(has(T, R"(-\d+\(%\w+,%\w+\))")) << T;
  for (unsigned F : {Unproven, NotDominating}) {
    T = text(Asm, F);
    EXPECT_TRUE(has(T, R"(\saddl\s+\$4,)")) << "function " << F << "\n" << T;
  }
}

TEST(AddressNoWrap, BoundsCheckedModeRebasesOnlyUpward) {
  std::string Asm = compileToX86Asm("address_no_wrap", "x86-64-v2",
                                    MemoryMode::BoundsChecked);
  // The explicit check of an address rebased below zero would wrap in 64
  // bits, so bounds-checked code never does it.
  for (unsigned F : {Fetch, PairBelow}) {
    std::string T = text(Asm, F);
    EXPECT_FALSE(has(T, R"(-\d+\(%\w+,%\w+\))")) << "function " << F << "\n" << T;
  }
  // Upward, the first check is the proof (its load comes after the second
  // check): one register, a displacement.
  std::string T = text(Asm, PairAbove);
  EXPECT_TRUE(has(T, R"(movl\s+4\(%\w+,%\w+\))")) << T;
}

TEST(AddressNoWrap, ScanPointerSteps64Bit) {
  std::string Asm = compileToX86Asm("address_no_wrap", "x86-64-v2");
  // `while (*p < v) ++p`: the store-free scan's pointer is widened, so the
  // loop steps a 64-bit register and needs no 32-bit copy to address.
  std::vector<std::string> Loop = firstLoopOf(Asm, Scan);
  std::string T = joinLines(Loop);
  ASSERT_FALSE(Loop.empty()) << text(Asm, Scan);
  EXPECT_TRUE(has(T, R"((leaq\s+4\(%\w+\)|addq\s+\$4,))")) << T;
  EXPECT_FALSE(has(T, R"(movl\s+%e\w+,\s*%e\w+|movl\s+%r\w+d,\s*%r\w+d)")) << T;
}

TEST(AddressNoWrap, IndexedScansStep64Bit) {
  // A[i] with i the loop's counter: the address 4096 + 4*i becomes a 64-bit
  // recurrence of its own, rising and (guard mode) falling.
  std::string Asm = compileToX86Asm("address_no_wrap", "x86-64-v2");
  for (auto [F, Step] : {std::pair<unsigned, const char *>{ScanUp, "4"},
                         {ScanDown, "-4"}}) {
    std::string T = joinLines(firstLoopOf(Asm, F));
    ASSERT_FALSE(T.empty()) << text(Asm, F);
    std::string Stepped = std::string(R"((leaq\s+)") + Step +
                          R"(\(%\w+\)|addq\s+\$)" + Step + ",)";
    EXPECT_TRUE(has(T, Stepped.c_str())) << "function " << F << "\n" << T;
    EXPECT_FALSE(has(T, R"(lea[lq]\s+4096\()")) << "function " << F << "\n" << T;
  }
}

class AddressNoWrapResult : public testing::TestWithParam<MemoryMode> {
protected:
  void SetUp() override {
    I = instantiateTestModule("address_no_wrap", GetParam());
    ASSERT_TRUE(I);
    Bytes = patternedMemory(*I, MemBytes);
    ASSERT_TRUE(Bytes);
  }

  uint32_t u32At(uint32_t Addr) const {
    uint32_t V;
    std::memcpy(&V, Bytes + Addr, 4);
    return V;
  }

  /// The call's i32 result, or nullopt after an out-of-bounds trap; any
  /// other failure fails the test.
  std::optional<uint32_t> call(const char *Name, std::vector<Value> Args) {
    Expected<std::vector<Value>> R = I->call(Name, Args);
    if (!R) {
      std::string Msg = R.takeError().str();
      EXPECT_NE(Msg.find("out of bounds"), std::string::npos) << Msg;
      return std::nullopt;
    }
    return uint32_t((*R)[0].i32());
  }

  static constexpr uint32_t MemBytes = 65536;
  std::unique_ptr<Instance> I;
  uint8_t *Bytes = nullptr;
};

TEST_P(AddressNoWrapResult, FetchFollowsWasmWrapping) {
  EXPECT_EQ(call("fetch", {Value::i32(3)}),
            Bytes[3 * 8 + 1040] + u32At(3 * 8 + 1044));
  // Pc * 8 = 0xfffffff8: both addresses wrap, to 1032 and 1036.
  EXPECT_EQ(call("fetch", {Value::i32(0x1fffffff)}),
            Bytes[1032] + u32At(1036));
  // Pc * 8 + 1044 = 0x10000: the immediate is past the memory.
  EXPECT_EQ(call("fetch", {Value::i32((MemBytes - 1044) / 8 + 1)}),
            std::nullopt);
}

TEST_P(AddressNoWrapResult, LowerAccessTrapsWhereWasmWraps) {
  EXPECT_EQ(call("pair_below", {Value::i32(100)}), Bytes[104] + u32At(108));
  EXPECT_EQ(call("pair_below", {Value::i32(-4)}), Bytes[0] + u32At(4));
  // The upper access reads address 0; the lower one wraps to 0xfffffffc.
  EXPECT_EQ(call("pair_below", {Value::i32(-8)}), std::nullopt);
  EXPECT_EQ(call("pair_below_displaced", {Value::i32(100)}),
            Bytes[108] + u32At(108));
  // 0xfffffffc + offset 4 is past 4 GiB; rebased, it would read 0.
  EXPECT_EQ(call("pair_below_displaced", {Value::i32(-8)}), std::nullopt);
}

TEST_P(AddressNoWrapResult, UpperAccessTrapsAtTheEnd) {
  EXPECT_EQ(call("pair_above", {Value::i32(MemBytes - 8)}),
            u32At(MemBytes - 8) + u32At(MemBytes - 4));
  EXPECT_EQ(call("pair_above", {Value::i32(MemBytes - 4)}), std::nullopt);
  EXPECT_EQ(call("pair_above", {Value::i32(-4)}), std::nullopt);
}

TEST_P(AddressNoWrapResult, UnprovenAddressesWrapToZero) {
  EXPECT_EQ(call("unproven", {Value::i32(-4)}), u32At(0));
  EXPECT_EQ(call("not_dominating", {Value::i32(0), Value::i32(-4)}),
            u32At(0));
  EXPECT_EQ(call("not_dominating", {Value::i32(1), Value::i32(-4)}),
            std::nullopt);
  EXPECT_EQ(call("not_dominating", {Value::i32(1), Value::i32(8)}),
            u32At(8) + u32At(12));
}

TEST_P(AddressNoWrapResult, ScanStopsAtTheValueOrTrapsAtTheEnd) {
  for (uint32_t K = 0; K < MemBytes; K += 4) {
    uint32_t V = K;
    std::memcpy(Bytes + K, &V, 4);
  }
  EXPECT_EQ(call("scan", {Value::i32(0), Value::i32(4000)}), 4000u);
  EXPECT_EQ(call("scan", {Value::i32(64), Value::i32(0)}), 64u);
  // Nothing reaches the value: the walk runs off the end of memory.
  EXPECT_EQ(call("scan", {Value::i32(MemBytes - 64), Value::i32(-1)}),
            std::nullopt);
  EXPECT_EQ(call("scan", {Value::i32(-16), Value::i32(-1)}),
            std::nullopt);
}

TEST_P(AddressNoWrapResult, IndexedScansTrapWhereWasmWraps) {
  // The i32 at address a holds a; the one at 0 holds 5.
  for (uint32_t K = 0; K < MemBytes; K += 4) {
    uint32_t V = K ? K : 5;
    std::memcpy(Bytes + K, &V, 4);
  }
  EXPECT_EQ(call("scan_up", {Value::i32(0), Value::i32(8192)}), 1024u);
  // i = -1024 addresses 0: in Wasm, 4096 + 4*i wraps there.
  EXPECT_EQ(call("scan_up", {Value::i32(-1024), Value::i32(0)}), uint32_t(-1024));
  EXPECT_EQ(call("scan_up", {Value::i32(-1025), Value::i32(0)}), std::nullopt);
  EXPECT_EQ(call("scan_up", {Value::i32(0), Value::i32(-1)}), std::nullopt);
  EXPECT_EQ(call("scan_down", {Value::i32(1024), Value::i32(4096)}), 0u);
  // j = -1023 addresses 4, which holds 4.
  EXPECT_EQ(call("scan_down", {Value::i32(10), Value::i32(4)}), uint32_t(-1023));
  // Nothing at or below 3: past address 0 the walk wraps to 0xfffffffc.
  EXPECT_EQ(call("scan_down", {Value::i32(10), Value::i32(3)}), std::nullopt);
  EXPECT_EQ(call("scan_down", {Value::i32(MemBytes / 4), Value::i32(0)}),
            std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Modes, AddressNoWrapResult,
                         testing::Values(MemoryMode::Guard,
                                         MemoryMode::BoundsChecked),
                         modeName);

} // namespace
