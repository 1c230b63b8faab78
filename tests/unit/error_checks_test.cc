//===- tests/unit/error_checks_test.cc - Unchecked errors abort ----------===//
//
// kiln/error.h's run-time checks: with detail::ErrorChecks on (the default
// in Debug, sanitizer and fuzz builds; switched on here so that every build
// tests them), a failure destroyed unhandled and a read of a failed
// Expected abort with the error's text, and every legitimate way of
// handling an error does not.
//
//===----------------------------------------------------------------------===//

#include "kiln/error.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

using namespace kiln;

namespace {

class ErrorChecks : public ::testing::Test {
protected:
  void SetUp() override {
    Saved = detail::ErrorChecks;
    detail::ErrorChecks = true;
  }
  void TearDown() override { detail::ErrorChecks = Saved; }
  bool Saved = false;
};

Error fail(const char *Why) { return Error::make(ErrorKind::Invalid, Why); }
Expected<int> failInt() { return fail("no number here"); }
Expected<int> fortyTwo() { return 42; }

Error propagate() {
  KILN_CHECK(fail("inner failure"));
  return Error::success();
}

Expected<int> propagateExpected() {
  Expected<int> V = failInt();
  if (!V)
    return V.takeError();
  return *V + 1;
}

TEST_F(ErrorChecks, DroppedFailureAborts) {
  EXPECT_DEATH({ Error E = fail("the lost one"); }, "an error was dropped.*the lost one");
}

TEST_F(ErrorChecks, TestingAFailureIsNotHandlingIt) {
  EXPECT_DEATH(
      {
        Error E = fail("tested, then forgotten");
        if (E)
          (void)0;
      },
      "an error was dropped.*tested, then forgotten");
}

TEST_F(ErrorChecks, DroppedExpectedAborts) {
  EXPECT_DEATH(
      {
        Expected<int> V = failInt();
        if (!V)
          (void)0; // tested but neither taken nor read
      },
      "an error was dropped.*no number here");
}

TEST_F(ErrorChecks, ReadingAFailedValueAborts) {
  EXPECT_DEATH(
      {
        Expected<int> V = failInt();
        int X = *V;
        (void)X;
      },
      "read the value of a failed Expected.*no number here");
}

TEST_F(ErrorChecks, ReadingAFailedValueAbortsEvenWithoutChecks) {
  detail::ErrorChecks = false; // undefined behaviour otherwise: never allowed
  EXPECT_DEATH(
      {
        Expected<std::string> V = Expected<std::string>(fail("empty"));
        (void)V->size();
      },
      "read the value of a failed Expected");
}

TEST_F(ErrorChecks, ReleaseBuildsCarryOnAfterADrop) {
  detail::ErrorChecks = false;
  { Error E = fail("ignored in release"); }
  SUCCEED();
}

TEST_F(ErrorChecks, EveryWayOfHandlingPasses) {
  // Passed on, then read.
  Error E = propagate();
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(E.message(), "inner failure");

  // Taken out of an Expected and rendered.
  Expected<int> V = propagateExpected();
  ASSERT_FALSE(bool(V));
  EXPECT_EQ(V.takeError().str(), "no number here");

  // Inspected by kind only.
  EXPECT_EQ(fail("kind").kind(), ErrorKind::Invalid);

  // Consumed on purpose.
  fail("a fallback covers this").consume();

  // Moved into another Error, which is handled; the moved-from one is empty.
  Error A = fail("moved");
  Error B = std::move(A);
  EXPECT_FALSE(bool(A));
  EXPECT_EQ(B.message(), "moved");

  // Assigned over after being handled.
  Error C = fail("first");
  EXPECT_EQ(C.kind(), ErrorKind::Invalid);
  C = Error::success();
  EXPECT_FALSE(bool(C));

  // Context added in place: an Error assigned to itself.
  Error D = fail("context");
  D = std::move(D).inFunction(3).atOffset(0x10);
  EXPECT_EQ(D.str(), "offset 0x10, function 3: context");

  // Successes need nothing.
  Error S = Error::success();
  Expected<int> Ok = fortyTwo();
  ASSERT_TRUE(bool(Ok));
  EXPECT_EQ(*Ok, 42);
}

TEST_F(ErrorChecks, AssigningOverAnUnhandledFailureAborts) {
  EXPECT_DEATH(
      {
        Error E = fail("overwritten");
        E = Error::success();
      },
      "an error was dropped.*overwritten");
}

} // namespace
