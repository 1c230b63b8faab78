//===- tests/unit/runtime_table_test.cc - Tables --------------------------===//

#include "src/table.h"

#include <gtest/gtest.h>

using namespace kiln;

static void *ptr(uintptr_t V) { return reinterpret_cast<void *>(V); }

static std::shared_ptr<Table> make(uint32_t Min, std::optional<uint32_t> Max,
                                   ValType Elem = ValType::FuncRef) {
  Expected<std::shared_ptr<Table>> T = createTable(Elem, Min, Max);
  EXPECT_TRUE(bool(T)) << (T ? "" : T.takeError().str());
  return T ? *T : nullptr;
}

TEST(RuntimeTable, StartsNullAtTheDeclaredSize) {
  std::shared_ptr<Table> T = make(3, 5);
  ASSERT_TRUE(T);
  EXPECT_EQ(T->size(), 3u);
  EXPECT_EQ(T->desc()->Size, 3u);
  for (uint32_t I = 0; I < 3; ++I)
    EXPECT_EQ(T->elems()[I], nullptr);
}

TEST(RuntimeTable, GrowFillsWithTheInitValueAndKeepsTheDescriptor) {
  std::shared_ptr<Table> T = make(1, std::nullopt, ValType::ExternRef);
  ASSERT_TRUE(T);
  rt::TableDesc *D = T->desc();
  T->elems()[0] = ptr(0x10);
  EXPECT_EQ(T->grow(0, ptr(1)), 1u);
  EXPECT_EQ(T->grow(100, ptr(0x20)), 1u);
  EXPECT_EQ(T->desc(), D); // contexts point here; it never moves
  EXPECT_EQ(D->Size, 101u);
  EXPECT_EQ(D->Elems[0], ptr(0x10));
  for (uint32_t I = 1; I < 101; ++I)
    ASSERT_EQ(D->Elems[I], ptr(0x20));
}

TEST(RuntimeTable, GrowBeyondTheMaxReturnsMinusOne) {
  std::shared_ptr<Table> T = make(0, 10);
  ASSERT_TRUE(T);
  EXPECT_EQ(T->grow(1, nullptr), 0u);
  EXPECT_EQ(T->grow(9, nullptr), 1u);
  EXPECT_EQ(T->grow(1, nullptr), ~uint32_t(0));
  EXPECT_EQ(T->grow(0x10000, nullptr), ~uint32_t(0));
  EXPECT_EQ(T->grow(0, nullptr), 10u);
  EXPECT_EQ(T->size(), 10u);
}

TEST(RuntimeTable, GrowBeyondTheImplementationLimitReturnsMinusOne) {
  std::shared_ptr<Table> T = make(0, std::nullopt);
  ASSERT_TRUE(T);
  EXPECT_EQ(T->grow(0xffffffffu, nullptr), ~uint32_t(0));
  EXPECT_EQ(T->size(), 0u);
}

TEST(RuntimeTable, FillChecksTheWholeRangeFirst) {
  std::shared_ptr<Table> T = make(5, 5);
  ASSERT_TRUE(T);
  EXPECT_TRUE(T->fill(3, ptr(7), 2));
  EXPECT_EQ(T->elems()[3], ptr(7));
  EXPECT_EQ(T->elems()[4], ptr(7));
  EXPECT_FALSE(T->fill(4, ptr(9), 2)); // partially out: nothing written
  EXPECT_EQ(T->elems()[4], ptr(7));
  EXPECT_TRUE(T->fill(5, ptr(9), 0));  // empty at the end: fine
  EXPECT_FALSE(T->fill(6, ptr(9), 0)); // empty past the end: out of bounds
  EXPECT_FALSE(T->fill(0xffffffffu, ptr(9), 2)); // no wrap-around
}

TEST(RuntimeTable, CopyOverlapsLikeMemmove) {
  std::shared_ptr<Table> T = make(6, std::nullopt);
  ASSERT_TRUE(T);
  for (uint32_t I = 0; I < 6; ++I)
    T->elems()[I] = ptr(I + 1);
  EXPECT_TRUE(Table::copy(*T, 1, *T, 0, 4)); // forward overlap
  EXPECT_EQ(T->elems()[1], ptr(1));
  EXPECT_EQ(T->elems()[4], ptr(4));
  EXPECT_TRUE(Table::copy(*T, 0, *T, 1, 4)); // backward overlap
  EXPECT_EQ(T->elems()[0], ptr(1));
  EXPECT_EQ(T->elems()[3], ptr(4));
}

TEST(RuntimeTable, CopyOutOfBoundsWritesNothing) {
  std::shared_ptr<Table> A = make(4, std::nullopt), B = make(2, std::nullopt);
  ASSERT_TRUE(A && B);
  B->elems()[0] = ptr(5);
  EXPECT_FALSE(Table::copy(*A, 0, *B, 1, 2));
  EXPECT_EQ(A->elems()[0], nullptr);
  EXPECT_FALSE(Table::copy(*B, 1, *A, 0, 2));
  EXPECT_TRUE(Table::copy(*A, 4, *B, 2, 0)); // both at their ends
  EXPECT_FALSE(Table::copy(*A, 5, *B, 0, 0));
}

TEST(RuntimeTable, InitFromASegment) {
  std::shared_ptr<Table> T = make(4, std::nullopt);
  ASSERT_TRUE(T);
  std::vector<void *> Seg = {ptr(1), ptr(2), ptr(3)};
  EXPECT_TRUE(T->init(1, Seg, 1, 2));
  EXPECT_EQ(T->elems()[1], ptr(2));
  EXPECT_EQ(T->elems()[2], ptr(3));
  EXPECT_FALSE(T->init(0, Seg, 2, 2)); // past the segment
  EXPECT_FALSE(T->init(3, Seg, 0, 2)); // past the table
  EXPECT_TRUE(T->init(4, Seg, 3, 0));
  std::vector<void *> Dropped;
  EXPECT_TRUE(T->init(0, Dropped, 0, 0));
  EXPECT_FALSE(T->init(0, Dropped, 0, 1));
}

TEST(RuntimeTable, ScrubNullsReferencesIntoARange) {
  std::shared_ptr<Table> T = make(3, std::nullopt);
  ASSERT_TRUE(T);
  char Range[32];
  T->elems()[0] = Range + 8;
  T->elems()[1] = ptr(0x10);
  T->elems()[2] = Range + 31;
  T->scrub(Range, Range + 32);
  EXPECT_EQ(T->elems()[0], nullptr);
  EXPECT_EQ(T->elems()[1], ptr(0x10));
  EXPECT_EQ(T->elems()[2], nullptr);
}

TEST(RuntimeTable, RefusesBadParameters) {
  Expected<std::shared_ptr<Table>> A = createTable(ValType::I32, 1, 2);
  ASSERT_FALSE(A);
  EXPECT_EQ(A.takeError().kind(), ErrorKind::Usage);
  Expected<std::shared_ptr<Table>> B = createTable(ValType::FuncRef, 3, 2);
  ASSERT_FALSE(B);
  EXPECT_EQ(B.takeError().message(), "table min 3 exceeds its max 2");
  Expected<std::shared_ptr<Table>> C =
      createTable(ValType::FuncRef, 0xffffffffu, std::nullopt);
  ASSERT_FALSE(C);
  EXPECT_EQ(C.takeError().kind(), ErrorKind::Limit);
}
