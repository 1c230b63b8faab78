//===- tests/unit/byte_gather_test.cc - Vectors gathered byte by byte ----===//
//
// ByteGatherPass (compiler/codegen/byte_gather.h) turns a v128 assembled
// from byte loads of one 16-byte window into one load and a shuffle, and
// LaneInductionUnrollPass (compiler/codegen/lane_induction_unroll.h)
// unrolls the loops whose lane addresses hide such windows. The assembly
// tests show where the rewrite happens and where it must not; the result
// tests run every function of tests/unit/modules/byte_gather.wat in both
// memory modes at windows inside memory, at its end and past it, and
// demand Wasm's answer: the bytes, or the trap.
//
//===----------------------------------------------------------------------===//

#include "codegen_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace {

using namespace kiln;
using namespace kiln::testutil;

enum Func : unsigned { BeWords, BeWordsLoop, ReverseMasked, StoreBetween, ShortSpan };

const char *const ByteInsert = "v?pinsrb";
const char *const ByteShuffle = "v?pshufb";

TEST(ByteGather, WholeWindowsBecomeOneLoadAndAShuffle) {
  for (MemoryMode Mode : {MemoryMode::Guard, MemoryMode::BoundsChecked}) {
    std::string Asm = compileToX86Asm("byte_gather", "x86-64-v2", Mode);
    for (unsigned F : {BeWords, ReverseMasked}) {
      std::vector<std::string> M = mnemonicsOf(Asm, F);
      EXPECT_EQ(count(M, ByteShuffle), 1u) << "function " << F << ": " << listing(M);
      EXPECT_EQ(count(M, ByteInsert), 0u) << "function " << F << ": " << listing(M);
    }
  }
}

TEST(ByteGather, LaneInductionLoopIsUnrolledAndGathered) {
  // Four trips of sixteen lane extracts become four loads and shuffles and
  // no loop. (Bounds-checked mode keeps the original loop, checks and byte
  // inserts and all, behind bounds_check_versioning's test.)
  std::string Asm = compileToX86Asm("byte_gather", "x86-64-v2");
  std::vector<std::string> M = mnemonicsOf(Asm, BeWordsLoop);
  EXPECT_EQ(count(M, ByteShuffle), 4u) << listing(M);
  EXPECT_EQ(count(M, ByteInsert), 0u) << listing(M);
  EXPECT_TRUE(loopsOf(Asm, BeWordsLoop).empty()) << listing(M);
  Asm = compileToX86Asm("byte_gather", "x86-64-v2", MemoryMode::BoundsChecked);
  EXPECT_EQ(count(mnemonicsOf(Asm, BeWordsLoop), ByteShuffle), 4u)
      << listing(mnemonicsOf(Asm, BeWordsLoop));
}

TEST(ByteGather, PartialWindowsKeepTheirByteLoads) {
  for (MemoryMode Mode : {MemoryMode::Guard, MemoryMode::BoundsChecked}) {
    std::string Asm = compileToX86Asm("byte_gather", "x86-64-v2", Mode);
    // 15 bytes: a 16-byte load would touch one the program never does.
    std::vector<std::string> M = mnemonicsOf(Asm, ShortSpan);
    EXPECT_EQ(count(M, ByteShuffle), 0u) << listing(M);
    EXPECT_GT(count(M, ByteInsert), 0u) << listing(M);
  }
  // A store between the loads: the load cannot move to the end. (In guard
  // mode LLVM itself hoists a load of the whole window above the store,
  // which reads the same bytes; see the result test.)
  std::string Asm = compileToX86Asm("byte_gather", "x86-64-v2",
                                    MemoryMode::BoundsChecked);
  std::vector<std::string> M = mnemonicsOf(Asm, StoreBetween);
  EXPECT_EQ(count(M, ByteShuffle), 0u) << listing(M);
  EXPECT_GT(count(M, ByteInsert), 0u) << listing(M);
}

using Window = std::array<uint8_t, 16>;

class ByteGatherResult : public testing::TestWithParam<MemoryMode> {
protected:
  void SetUp() override {
    I = instantiateTestModule("byte_gather", GetParam());
    ASSERT_TRUE(I);
    Bytes = patternedMemory(*I, MemBytes);
    ASSERT_TRUE(Bytes);
  }

  /// Runs `Name(P, Dst)`: true if it returned, false after an
  /// out-of-bounds trap; any other failure fails the test.
  bool run(const char *Name, uint32_t P, uint32_t Dst = DstAt) {
    Expected<std::vector<Value>> R =
        I->call(Name, {Value::i32(int32_t(P)), Value::i32(int32_t(Dst))});
    if (R)
      return true;
    std::string Msg = R.takeError().str();
    EXPECT_NE(Msg.find("out of bounds"), std::string::npos) << Msg;
    return false;
  }

  Window at(uint32_t Addr) const {
    Window W;
    std::memcpy(W.data(), Bytes + Addr, W.size());
    return W;
  }

  /// SHA-256's message words of the 16 bytes at P, stored little-endian.
  Window bigEndianWords(uint32_t P) const {
    Window W = at(P);
    for (unsigned L = 0; L < 16; L += 4)
      std::reverse(W.begin() + L, W.begin() + L + 4);
    return W;
  }

  static constexpr uint32_t MemBytes = 65536;
  /// Where results go: away from every window a test reads.
  static constexpr uint32_t DstAt = 32768;
  std::unique_ptr<Instance> I;
  uint8_t *Bytes = nullptr;
};

TEST_P(ByteGatherResult, BigEndianWordsAreTheWindowsBytes) {
  for (uint32_t P : {0u, 1u, 1003u, MemBytes - 16}) {
    Window Want = bigEndianWords(P);
    ASSERT_TRUE(run("be_words", P)) << P;
    EXPECT_EQ(at(DstAt), Want) << "window at " << P;
  }
  // Byte 15 is past the end; at 0xfffffffc the first byte is, and the ones
  // from p + 4 on wrap to address 0: still a trap.
  for (uint32_t P : {MemBytes - 15, 0xfffffffcu, 0xfffffff0u})
    EXPECT_FALSE(run("be_words", P)) << P;
}

TEST_P(ByteGatherResult, UnrolledLoopTrapsInItsLastTrip) {
  Window Want[4];
  for (unsigned T = 0; T < 4; ++T)
    Want[T] = bigEndianWords(MemBytes - 64 + 16 * T);
  ASSERT_TRUE(run("be_words_loop", MemBytes - 64));
  for (unsigned T = 0; T < 4; ++T)
    EXPECT_EQ(at(DstAt + 16 * T), Want[T]) << "trip " << T;

  // The fourth trip reads past the end. Bounds-checked memory then holds
  // exactly the three stores before it; guard mode does not promise that
  // (see README), so only the trap is checked there.
  std::memset(Bytes + DstAt, 0x55, 64);
  for (unsigned T = 0; T < 3; ++T)
    Want[T] = bigEndianWords(MemBytes - 48 + 16 * T);
  EXPECT_FALSE(run("be_words_loop", MemBytes - 48));
  if (GetParam() == MemoryMode::BoundsChecked) {
    for (unsigned T = 0; T < 3; ++T)
      EXPECT_EQ(at(DstAt + 16 * T), Want[T]) << "trip " << T;
    Window Untouched;
    Untouched.fill(0x55);
    EXPECT_EQ(at(DstAt + 48), Untouched);
  }
}

TEST_P(ByteGatherResult, MaskedBytesAreZero) {
  for (uint32_t P : {5u, MemBytes - 16}) {
    Window Want;
    for (unsigned J = 0; J < 16; ++J)
      Want[J] = J % 2 == 0 || J == 15 ? Bytes[P + 15 - J] : 0;
    ASSERT_TRUE(run("reverse_masked", P)) << P;
    EXPECT_EQ(at(DstAt), Want) << "window at " << P;
  }
  EXPECT_FALSE(run("reverse_masked", MemBytes - 15));
}

TEST_P(ByteGatherResult, StoreBetweenLoadsIsSeenByTheLaterOnesOnly) {
  uint32_t P = 200;
  Window Want = at(P);
  ASSERT_TRUE(run("store_between", P));
  EXPECT_EQ(at(DstAt), Want);
  EXPECT_EQ(Bytes[P + 3], 0xee);
  // Bytes 8-15 are past the end: the store came first.
  P = MemBytes - 8;
  uint8_t Before = Bytes[P + 3];
  EXPECT_FALSE(run("store_between", P));
  if (GetParam() == MemoryMode::BoundsChecked)
    EXPECT_EQ(Bytes[P + 3], 0xee);
  else
    EXPECT_TRUE(Bytes[P + 3] == 0xee || Bytes[P + 3] == Before);
}

TEST_P(ByteGatherResult, ShortSpanReadsOnlyItsFifteenBytes) {
  // Its last byte is memory's last: a 16-byte load would fault.
  for (uint32_t P : {7u, MemBytes - 15}) {
    Window Want;
    for (unsigned J = 0; J < 16; ++J)
      Want[J] = Bytes[P + (J ? J - 1 : 0)];
    ASSERT_TRUE(run("short_span", P)) << P;
    EXPECT_EQ(at(DstAt), Want) << "window at " << P;
  }
  EXPECT_FALSE(run("short_span", MemBytes - 14));
}

INSTANTIATE_TEST_SUITE_P(Modes, ByteGatherResult,
                         testing::Values(MemoryMode::Guard,
                                         MemoryMode::BoundsChecked),
                         modeName);

} // namespace
