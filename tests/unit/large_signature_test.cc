//===- tests/unit/large_signature_test.cc - Values passed in slots --------===//
//
// Functions whose signature is larger than kiln/abi.h's register limits
// take and return their values in slots. Every way into and out of such a
// function must agree on it: direct calls, call_indirect, a host import
// (the exit trampoline), the runtime's calls (the entry trampoline), in both
// memory modes, and a module whose types repeat one signature (they share
// its trampolines).
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"
#include "kiln/abi.h"
#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace {

using namespace kiln;

constexpr unsigned NumParams = 40, NumResults = 10;
static_assert(kiln::abi::passesInSlots(NumParams, NumResults) &&
                  NumParams > kiln::abi::MaxRegisterParams &&
                  NumResults > kiln::abi::MaxRegisterResults,
              "the module must exercise both limits");

std::shared_ptr<Module> load(MemoryMode Mode) {
  std::ifstream In(KILN_TEST_MODULES "/large_signatures.wasm",
                   std::ios::binary);
  std::vector<uint8_t> Wasm{std::istreambuf_iterator<char>(In), {}};
  EXPECT_FALSE(Wasm.empty());
  codegen::CompileOptions O;
  O.Mode = Mode;
  Expected<format::Artifact> A = codegen::compileWasm(Wasm, O);
  EXPECT_TRUE(bool(A)) << (A ? "" : A.takeError().str());
  if (!A)
    return nullptr;
  Expected<std::shared_ptr<Module>> M =
      Module::load(format::writeArtifact(*A));
  EXPECT_TRUE(bool(M)) << (M ? "" : M.takeError().str());
  return M ? *M : nullptr;
}

class LargeSignature : public testing::TestWithParam<MemoryMode> {
protected:
  void SetUp() override {
    M = load(GetParam());
    ASSERT_TRUE(M);
    FuncSig Sig;
    Sig.Params.assign(NumParams, ValType::I32);
    Sig.Results.assign(NumResults, ValType::I32);
    // The host's answer: each param times two, the first ten of them.
    L.defineFunc("env", "host", Sig,
                 [this](std::span<const Value> Args, std::span<Value> Res) {
                   HostArgs.assign(Args.begin(), Args.end());
                   for (unsigned K = 0; K < NumResults; ++K)
                     Res[K] = Value::i32(Args[K].i32() * 2);
                   return Error::success();
                 });
    Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
    ASSERT_TRUE(bool(I)) << (I ? "" : I.takeError().str());
    Inst = std::move(*I);
  }

  uint32_t callI32(const char *Name, std::vector<Value> Args = {}) {
    Expected<std::vector<Value>> R = Inst->call(Name, Args);
    EXPECT_TRUE(bool(R)) << (R ? "" : R.takeError().str());
    return R && R->size() == 1 ? (*R)[0].i32() : 0;
  }

  std::shared_ptr<Module> M;
  Linker L;
  std::unique_ptr<Instance> Inst;
  std::vector<Value> HostArgs;
};

TEST_P(LargeSignature, DirectCallPassesEveryValue) {
  EXPECT_EQ(callI32("direct"), 820u + 45u);
}

TEST_P(LargeSignature, IndirectCallPassesEveryValue) {
  EXPECT_EQ(callI32("indirect", {Value::i32(0)}), 820u + 45u);
}

TEST_P(LargeSignature, HostImportGetsAndReturnsEveryValue) {
  // Results 2, 4, ..., 20 sum to 110.
  EXPECT_EQ(callI32("viahost"), 110u);
  ASSERT_EQ(HostArgs.size(), NumParams);
  for (unsigned K = 0; K < NumParams; ++K)
    EXPECT_EQ(HostArgs[K].i32(), K + 1) << "param " << K;
}

TEST_P(LargeSignature, IndirectCallOfAHostImportPassesEveryValue) {
  EXPECT_EQ(callI32("indirect", {Value::i32(1)}), 110u);
}

TEST_P(LargeSignature, TheRuntimeCallsAndReadsEveryValue) {
  std::vector<Value> Args;
  for (unsigned K = 0; K < NumParams; ++K)
    Args.push_back(Value::i32(100 + K));
  Expected<std::vector<Value>> R = Inst->call("big", Args);
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  ASSERT_EQ(R->size(), NumResults);
  uint32_t Sum = 0;
  for (unsigned K = 0; K < NumParams; ++K)
    Sum += 100 + K;
  EXPECT_EQ((*R)[0].i32(), Sum);
  for (unsigned K = 1; K < NumResults; ++K)
    EXPECT_EQ((*R)[K].i32(), 100 + K - 1) << "result " << K;
}

INSTANTIATE_TEST_SUITE_P(BothModes, LargeSignature,
                         testing::Values(MemoryMode::Guard,
                                         MemoryMode::BoundsChecked),
                         [](const testing::TestParamInfo<MemoryMode> &I) {
                           return I.param == MemoryMode::Guard
                                      ? std::string("Guard")
                                      : std::string("BoundsChecked");
                         });

TEST(Trampolines, TypesOfOneSignatureShareTheirTrampolines) {
  // (type (func)) three times, then (type (func (param i32))), and a
  // function of the third type.
  std::vector<uint8_t> Wasm = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
      0x01, 0x0e, 0x04, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00, 0x60, 0x00,
      0x00, 0x60, 0x01, 0x7f, 0x00,                   // types
      0x03, 0x02, 0x01, 0x02,                         // func of type 2
      0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,       // export "f"
      0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};            // empty body
  Expected<format::Artifact> A = codegen::compileWasm(Wasm, {});
  ASSERT_TRUE(bool(A)) << A.takeError().str();
  ASSERT_EQ(A->Trampolines.size(), 4u);
  for (unsigned T : {1u, 2u}) {
    EXPECT_EQ(A->Trampolines[T].EntryOffset, A->Trampolines[0].EntryOffset);
    EXPECT_EQ(A->Trampolines[T].ExitOffset, A->Trampolines[0].ExitOffset);
  }
  EXPECT_NE(A->Trampolines[3].EntryOffset, A->Trampolines[0].EntryOffset);
  Expected<std::shared_ptr<Module>> M =
      Module::load(format::writeArtifact(*A));
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  Linker L;
  Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
  ASSERT_TRUE(bool(I)) << I.takeError().str();
  Expected<std::vector<Value>> R = (*I)->call("f", {});
  EXPECT_TRUE(bool(R)) << (R ? "" : R.takeError().str());
}

} // namespace
