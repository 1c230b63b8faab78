//===- tests/unit/sha256_test.cc - Tests for kiln/sha256.h ----------------===//
//
// The FIPS 180-4 example vectors (the empty string, "abc", the 448- and
// 896-bit messages, one million 'a'), and incremental hashing split at every
// point of a message that spans block and padding boundaries.
//
//===----------------------------------------------------------------------===//

#include "kiln/sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

using namespace kiln;

namespace {

std::string hex(const Sha256Digest &D) {
  std::string S;
  char Buf[3];
  for (uint8_t B : D) {
    std::snprintf(Buf, sizeof(Buf), "%02x", B);
    S += Buf;
  }
  return S;
}

std::string hashOf(const std::string &S) {
  return hex(sha256(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t *>(S.data()), S.size())));
}

TEST(Sha256, HashesEmptyMessage) {
  EXPECT_EQ(hashOf(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, HashesAbc) {
  EXPECT_EQ(hashOf("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, Hashes448BitFipsVector) {
  EXPECT_EQ(hashOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, Hashes896BitFipsVector) {
  EXPECT_EQ(hashOf("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                   "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, HashesOneMillionAs) {
  EXPECT_EQ(hashOf(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, HashesOneMillionAsFedInOddChunks) {
  std::string Chunk(997, 'a');
  Sha256 H;
  size_t Left = 1000000;
  while (Left) {
    size_t N = Left < Chunk.size() ? Left : Chunk.size();
    H.update(Chunk.data(), N);
    Left -= N;
  }
  EXPECT_EQ(hex(H.final()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalMatchesOneShotAtEverySplit) {
  // 200 bytes cross three block boundaries; lengths 55, 56 and 64 exercise
  // both padding cases.
  std::vector<uint8_t> Msg(200);
  for (size_t I = 0; I < Msg.size(); ++I)
    Msg[I] = uint8_t(I * 7 + 1);
  for (size_t Len : {size_t(0), size_t(55), size_t(56), size_t(63), size_t(64),
                     size_t(65), size_t(119), size_t(200)}) {
    std::span<const uint8_t> M(Msg.data(), Len);
    Sha256Digest Want = sha256(M);
    for (size_t Split = 0; Split <= Len; ++Split) {
      Sha256 H;
      H.update(M.first(Split));
      H.update(M.subspan(Split));
      EXPECT_EQ(H.final(), Want) << "length " << Len << ", split " << Split;
    }
  }
}

TEST(Sha256, ResetStartsOver) {
  Sha256 H;
  H.update("xyz", 3);
  (void)H.final();
  H.reset();
  H.update("abc", 3);
  EXPECT_EQ(hex(H.final()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

} // namespace
