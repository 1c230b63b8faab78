//===- tests/unit/typed_call_test.cc - TypedFunc and defineTyped ----------===//
//
// The fast call paths of the embedding API, on a real module compiled by the
// compiler (tests/unit/modules/typed_calls.wat): TypedFunc checks the
// signature once and then calls through raw slots; Linker::defineTyped
// gives Wasm a host function with no Value conversions. Both must carry
// every scalar type bit for bit, report traps and host errors like the
// dynamic API does, and refuse a mismatched signature with a clear message.
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"
#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <fstream>
#include <iterator>

namespace {

using namespace kiln;

std::shared_ptr<Module> loadTypedCalls() {
  std::ifstream In(KILN_TEST_MODULES "/typed_calls.wasm", std::ios::binary);
  std::vector<uint8_t> Wasm{std::istreambuf_iterator<char>(In), {}};
  EXPECT_FALSE(Wasm.empty());
  Expected<format::Artifact> A = codegen::compileWasm(Wasm, {});
  EXPECT_TRUE(bool(A)) << (A ? "" : A.takeError().str());
  if (!A)
    return nullptr;
  Expected<std::shared_ptr<Module>> M =
      Module::load(format::writeArtifact(*A));
  EXPECT_TRUE(bool(M)) << (M ? "" : M.takeError().str());
  return M ? *M : nullptr;
}

class TypedCallTest : public testing::Test {
protected:
  void SetUp() override {
    M = loadTypedCalls();
    ASSERT_TRUE(M);
    L.defineTyped<double(double, int32_t)>(
        "host", "scale", [](double X, int32_t K) { return X * K; });
    L.defineTyped<void(int64_t)>("host", "count",
                                 [this](int64_t I) { Counted.push_back(I); });
    L.defineTyped<int32_t(int32_t)>("host", "check",
                                    [](int32_t X) -> Expected<int32_t> {
                                      if (X < 0)
                                        return Error::make(ErrorKind::Usage,
                                                           "negative input");
                                      return X + 1;
                                    });
    Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
    ASSERT_TRUE(bool(I)) << (I ? "" : I.takeError().str());
    Inst = std::move(*I);
  }

  std::shared_ptr<Module> M;
  Linker L;
  std::unique_ptr<Instance> Inst;
  std::vector<int64_t> Counted;
};

TEST_F(TypedCallTest, CallsWithEveryScalarType) {
  auto Add = TypedFunc<int32_t(int32_t, int32_t)>::wrap(*Inst, "add_i32");
  ASSERT_TRUE(bool(Add));
  Expected<int32_t> R = (*Add)(0x7fffffff, 1);
  ASSERT_TRUE(bool(R));
  EXPECT_EQ(*R, INT32_MIN); // wraps, as i32.add does

  auto Unsigned = TypedFunc<uint32_t(uint32_t, uint32_t)>::wrap(*Inst, "add_i32");
  ASSERT_TRUE(bool(Unsigned));
  EXPECT_EQ(*(*Unsigned)(0xfffffffeu, 1), 0xffffffffu);

  auto Mix = TypedFunc<double(int64_t, float, double)>::wrap(*Inst, "mix");
  ASSERT_TRUE(bool(Mix));
  Expected<double> D = (*Mix)(-(int64_t(1) << 40), 0.5f, 0.25);
  ASSERT_TRUE(bool(D));
  EXPECT_EQ(*D, -double(int64_t(1) << 40) + 0.75);

  auto Nothing = TypedFunc<void()>::wrap(*Inst, "nothing");
  ASSERT_TRUE(bool(Nothing));
  EXPECT_FALSE((*Nothing)());
}

TEST_F(TypedCallTest, TrapsComeBackAsErrors) {
  auto Div = TypedFunc<uint32_t(uint32_t, uint32_t)>::wrap(*Inst, "div_u");
  ASSERT_TRUE(bool(Div));
  Expected<uint32_t> R = (*Div)(7, 0);
  ASSERT_FALSE(bool(R));
  Error E = R.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Trap);
  EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::IntegerDivideByZero));
  // The instance is usable after the trap.
  EXPECT_EQ(*(*Div)(7, 2), 3u);
}

TEST_F(TypedCallTest, MismatchedSignaturesAreRefused) {
  auto Wrong = TypedFunc<int64_t(int32_t, int32_t)>::wrap(*Inst, "add_i32");
  ASSERT_FALSE(bool(Wrong));
  std::string Msg = Wrong.takeError().message();
  EXPECT_NE(Msg.find("(i32 i32) -> (i32)"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("(i32 i32) -> (i64)"), std::string::npos) << Msg;

  auto Missing = TypedFunc<void()>::wrap(*Inst, "no_such_export");
  ASSERT_FALSE(bool(Missing));
  EXPECT_NE(Missing.takeError().message().find("no_such_export"),
            std::string::npos);
  auto NotAFunc = TypedFunc<void()>::wrap(*Inst, "memory");
  ASSERT_FALSE(bool(NotAFunc));
  EXPECT_NE(NotAFunc.takeError().message().find("memory"), std::string::npos);
}

TEST_F(TypedCallTest, TypedHostFunctionsReceiveAndReturnValues) {
  auto Scale = TypedFunc<double(double, int32_t)>::wrap(*Inst, "call_scale");
  ASSERT_TRUE(bool(Scale));
  EXPECT_EQ(*(*Scale)(1.5, -4), -6.0);
  // NaN payloads cross the host boundary untouched.
  double Nan = std::bit_cast<double>(uint64_t(0x7ff4000000000123));
  EXPECT_EQ(std::bit_cast<uint64_t>(*(*Scale)(Nan, 1)) & 0xfff,
            std::bit_cast<uint64_t>(Nan * 1) & 0xfff);

  auto Count = TypedFunc<void(int64_t)>::wrap(*Inst, "count_to");
  ASSERT_TRUE(bool(Count));
  EXPECT_FALSE((*Count)(5));
  EXPECT_EQ(Counted, (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

TEST_F(TypedCallTest, TypedHostErrorsTrapTheCaller) {
  auto Check = TypedFunc<int32_t(int32_t)>::wrap(*Inst, "call_check");
  ASSERT_TRUE(bool(Check));
  EXPECT_EQ(*(*Check)(41), 42);
  Expected<int32_t> R = (*Check)(-1);
  ASSERT_FALSE(bool(R));
  Error E = R.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Trap);
  EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::HostError));
  EXPECT_NE(E.message().find("negative input"), std::string::npos) << E.str();
  EXPECT_EQ(*(*Check)(1), 2);
}

TEST_F(TypedCallTest, DynamicApiReachesTypedHostFunctions) {
  // A typed host function is still a Func: callFunc converts for it.
  Expected<std::vector<Value>> R =
      Inst->call("call_scale", {Value::f64Bits(std::bit_cast<uint64_t>(2.0)),
                                Value::i32(3)});
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_EQ(std::bit_cast<double>((*R)[0].f64Bits()), 6.0);

  std::shared_ptr<Func> Host = createRawHostFunc(
      {{ValType::I32}, {ValType::I32}}, [](uint8_t (*Slots)[16]) {
        Slots[0][0] ^= 1;
        return Error::success();
      });
  Value Four = Value::i32(4);
  Expected<std::vector<Value>> H = callFunc(*Host, std::span(&Four, 1));
  ASSERT_TRUE(bool(H)) << H.takeError().str();
  EXPECT_EQ((*H)[0].i32(), 5u);
}

} // namespace
