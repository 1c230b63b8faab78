//===- tests/unit/runtime_memory_test.cc - Linear memory ------------------===//

#include "src/memory.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>

using namespace kiln;

static constexpr uint64_t Page = Memory::PageBytes;

static std::shared_ptr<Memory> make(uint32_t Min, std::optional<uint32_t> Max,
                                    MemoryMode Mode) {
  Expected<std::shared_ptr<Memory>> M = createMemory(Min, Max, Mode);
  EXPECT_TRUE(bool(M)) << (M ? "" : M.takeError().str());
  return M ? *M : nullptr;
}

static std::vector<MemoryMode> modesOfThisHost() {
  if (sizeof(void *) == 8)
    return {MemoryMode::Guard, MemoryMode::BoundsChecked};
  return {MemoryMode::BoundsChecked};
}

TEST(RuntimeMemory, StartsZeroedAtTheDeclaredSize) {
  for (MemoryMode Mode : modesOfThisHost()) {
    std::shared_ptr<Memory> M = make(2, 4, Mode);
    ASSERT_TRUE(M);
    EXPECT_EQ(memorySizeBytes(*M), 2 * Page);
    EXPECT_EQ(M->pages(), 2u);
    uint8_t *B = memoryData(*M);
    ASSERT_NE(B, nullptr);
    for (uint64_t I = 0; I < 2 * Page; I += 4093)
      EXPECT_EQ(B[I], 0);
    B[2 * Page - 1] = 7; // the last byte is writable
  }
}

TEST(RuntimeMemory, GrowReturnsOldPagesAndKeepsContents) {
  for (MemoryMode Mode : modesOfThisHost()) {
    std::shared_ptr<Memory> M = make(1, 3, Mode);
    ASSERT_TRUE(M);
    uint8_t *Base = M->base();
    Base[100] = 42;
    EXPECT_EQ(M->grow(0), 1u);
    EXPECT_EQ(M->grow(1), 1u);
    EXPECT_EQ(M->pages(), 2u);
    EXPECT_EQ(M->base()[100], 42);
    EXPECT_EQ(M->base()[Page + 5], 0); // new pages are zero
    M->base()[2 * Page - 1] = 1;       // and writable
    EXPECT_EQ(M->grow(1), 2u);
    EXPECT_EQ(M->pages(), 3u);
    // With a declared max, the base never moves.
    EXPECT_EQ(M->base(), Base);
  }
}

TEST(RuntimeMemory, GrowBeyondTheMaxFailsWithoutChangingTheSize) {
  for (MemoryMode Mode : modesOfThisHost()) {
    std::shared_ptr<Memory> M = make(1, 2, Mode);
    ASSERT_TRUE(M);
    EXPECT_EQ(M->grow(2), ~uint32_t(0));
    EXPECT_EQ(M->pages(), 1u);
    EXPECT_EQ(M->grow(1), 1u);
    EXPECT_EQ(M->grow(1), ~uint32_t(0));
    EXPECT_EQ(M->pages(), 2u);
  }
}

TEST(RuntimeMemory, GrowBeyondTheIndexSpaceFails) {
  for (MemoryMode Mode : modesOfThisHost()) {
    std::shared_ptr<Memory> M = make(1, std::nullopt, Mode);
    ASSERT_TRUE(M);
    EXPECT_EQ(M->grow(65536), ~uint32_t(0));
    EXPECT_EQ(M->grow(0xffffffffu), ~uint32_t(0));
    EXPECT_EQ(M->pages(), 1u);
    EXPECT_EQ(M->grow(3), 1u);
    EXPECT_EQ(M->pages(), 4u);
  }
}

TEST(RuntimeMemory, ZeroPageMemoryHasABase) {
  for (MemoryMode Mode : modesOfThisHost()) {
    std::shared_ptr<Memory> M = make(0, 0, Mode);
    ASSERT_TRUE(M);
    EXPECT_NE(M->base(), nullptr);
    EXPECT_EQ(M->sizeBytes(), 0u);
    EXPECT_EQ(M->grow(1), ~uint32_t(0));
    EXPECT_EQ(M->grow(0), 0u);
  }
}

TEST(RuntimeMemory, GrowUpdatesEveryAttachedContext) {
  for (MemoryMode Mode : modesOfThisHost()) {
    std::shared_ptr<Memory> M = make(1, std::nullopt, Mode);
    ASSERT_TRUE(M);
    rt::VMContext A{}, B{};
    M->attach(&A);
    M->attach(&B);
    EXPECT_EQ(A.MemoryBase, M->base());
    EXPECT_EQ(A.MemorySize, Page);
    EXPECT_EQ(M->grow(2), 1u);
    EXPECT_EQ(A.MemorySize, 3 * Page);
    EXPECT_EQ(B.MemorySize, 3 * Page);
    EXPECT_EQ(A.MemoryBase, M->base());
    EXPECT_EQ(B.MemoryBase, M->base());
    M->detach(&B);
    EXPECT_EQ(M->grow(1), 3u);
    EXPECT_EQ(A.MemorySize, 4 * Page);
    EXPECT_EQ(B.MemorySize, 3 * Page); // detached: left alone
  }
}

TEST(RuntimeMemory, RefusesInconsistentLimits) {
  Expected<std::shared_ptr<Memory>> M =
      createMemory(3, 2, MemoryMode::BoundsChecked);
  ASSERT_FALSE(M);
  EXPECT_EQ(M.takeError().message(), "memory min 3 pages exceeds its max 2");
  Expected<std::shared_ptr<Memory>> Big =
      createMemory(65537, std::nullopt, MemoryMode::BoundsChecked);
  ASSERT_FALSE(Big);
  EXPECT_EQ(Big.takeError().kind(), ErrorKind::Limit);
}

// kiln::abi::MaxMemoryPages: the compiler's address_no_wrap.h relies on no memory
// ever reaching 65536 pages, whatever the module declares.
TEST(RuntimeMemory, StopsOnePageShortOf4GiB) {
  Expected<std::shared_ptr<Memory>> Full =
      createMemory(65536, std::nullopt, MemoryMode::BoundsChecked);
  ASSERT_FALSE(Full);
  EXPECT_EQ(Full.takeError().message(),
            "memory size 65536 pages exceeds Kiln's limit of 65535 pages "
            "(4 GiB - 64 KiB)");
  // A declared max of 65536 is valid Wasm and instantiates; growing stops
  // at 65535. Guard mode only: its reservation makes the pages free.
  if (sizeof(void *) < 8)
    return;
  for (std::optional<uint32_t> Max :
       {std::optional<uint32_t>(65536), std::optional<uint32_t>()}) {
    std::shared_ptr<Memory> M = make(0, Max, MemoryMode::Guard);
    ASSERT_TRUE(M);
    EXPECT_EQ(M->limitPages(), kiln::abi::MaxMemoryPages);
    EXPECT_EQ(M->grow(65536), ~uint32_t(0));
    EXPECT_EQ(M->grow(65535), 0u);
    EXPECT_EQ(M->pages(), 65535u);
    EXPECT_EQ(M->grow(1), ~uint32_t(0));
    EXPECT_EQ(M->grow(0), 65535u);
  }
}

#if defined(__x86_64__) || defined(__aarch64__) || defined(__riscv)
TEST(RuntimeMemory, GuardModeBaseIsStableWithoutAMax) {
  std::shared_ptr<Memory> M = make(1, std::nullopt, MemoryMode::Guard);
  ASSERT_TRUE(M);
  uint8_t *Base = M->base();
  for (int I = 0; I < 16; ++I)
    EXPECT_EQ(M->grow(7), 1u + 7u * I);
  EXPECT_EQ(M->base(), Base);
}

TEST(RuntimeMemoryDeathTest, GuardModeAccessBeyondTheSizeFaults) {
  std::shared_ptr<Memory> M = make(1, 2, MemoryMode::Guard);
  ASSERT_TRUE(M);
  volatile uint8_t *B = M->base();
  B[Page - 1] = 1;
  // Beyond the size, and far beyond it (inside the 8 GiB reservation): both
  // fault. No Kiln activation is running, so the process dies.
  EXPECT_EXIT(B[Page] = 1, testing::KilledBySignal(SIGSEGV), "");
  EXPECT_EXIT(B[(uint64_t(4) << 30) + 4096] = 1,
              testing::KilledBySignal(SIGSEGV), "");
  // Below the base too: abi::GuardBytesBelowBase, where the compiler's
  // rebased addresses land when Wasm's would have wrapped.
  EXPECT_EXIT(B[-1] = 1, testing::KilledBySignal(SIGSEGV), "");
  EXPECT_EXIT(B[-int64_t(kiln::abi::GuardBytesBelowBase)] = 1,
              testing::KilledBySignal(SIGSEGV), "");
  // Growing makes the next page accessible.
  EXPECT_EQ(M->grow(1), 1u);
  B[Page] = 1;
  EXPECT_EQ(B[Page], 1);
}
#endif
