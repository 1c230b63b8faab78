//===- tests/unit/artifact_refusal_test.cc - Real artifacts, corrupted ----===//
//
// An artifact produced by the real compiler, then damaged: every single-byte
// change and every truncation must be refused by Module::load (never
// accepted, never a crash), and so must an artifact built for another
// architecture or a memory mode the device cannot honour.
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"
#include "kiln/runtime.h"

#include <gtest/gtest.h>

using namespace kiln;

namespace {

// (module (func (export "inc") (param i32) (result i32)
//   local.get 0 i32.const 1 i32.add))
const std::vector<uint8_t> IncWasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, // type (i32)->(i32)
    0x03, 0x02, 0x01, 0x00,                         // func 0: type 0
    0x07, 0x07, 0x01, 0x03, 'i',  'n',  'c',  0x00, 0x00, // export "inc"
    0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b};

std::vector<uint8_t> compileInc(MemoryMode Mode) {
  codegen::CompileOptions Opts;
  Opts.Mode = Mode;
  Expected<format::Artifact> A = codegen::compileWasm(IncWasm, Opts);
  EXPECT_TRUE(bool(A));
  if (!A)
    return {};
  return format::writeArtifact(*A);
}

} // namespace

TEST(ArtifactRefusal, CompiledArtifactLoadsAndRuns) {
  std::vector<uint8_t> Bytes = compileInc(MemoryMode::Guard);
  Expected<std::shared_ptr<Module>> M = Module::load(Bytes);
  ASSERT_TRUE(bool(M));
  Linker L;
  Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
  ASSERT_TRUE(bool(I));
  Expected<std::vector<Value>> R = (*I)->call("inc", {Value::i32(41)});
  ASSERT_TRUE(bool(R));
  EXPECT_EQ((*R)[0].i32(), 42u);
}

TEST(ArtifactRefusal, CompilationIsDeterministic) {
  EXPECT_EQ(compileInc(MemoryMode::Guard), compileInc(MemoryMode::Guard));
}

TEST(ArtifactRefusal, RefusesEverySingleByteChange) {
  std::vector<uint8_t> Bytes = compileInc(MemoryMode::Guard);
  ASSERT_FALSE(Bytes.empty());
  for (size_t At = 0; At < Bytes.size(); ++At) {
    std::vector<uint8_t> Bad = Bytes;
    Bad[At] ^= 0xff;
    Expected<std::shared_ptr<Module>> M = Module::load(Bad);
    ASSERT_FALSE(bool(M)) << "accepted a change at byte " << At;
    Error E = M.takeError();
    EXPECT_EQ(E.kind(), ErrorKind::Refused) << E.str();
  }
}

TEST(ArtifactRefusal, RefusesEveryTruncation) {
  std::vector<uint8_t> Bytes = compileInc(MemoryMode::Guard);
  for (size_t Len = 0; Len < Bytes.size(); ++Len) {
    std::vector<uint8_t> Short(Bytes.begin(), Bytes.begin() + Len);
    Expected<std::shared_ptr<Module>> M = Module::load(Short);
    ASSERT_FALSE(bool(M)) << "accepted a truncation to " << Len << " bytes";
    EXPECT_EQ(M.takeError().kind(), ErrorKind::Refused);
  }
}

TEST(ArtifactRefusal, RefusesArtifactForAnotherArchitecture) {
  std::vector<uint8_t> Bytes = compileInc(MemoryMode::Guard);
  LoadOptions Opts;
  Opts.ExpectedArch = Arch::AArch64;
  Expected<std::shared_ptr<Module>> M = Module::load(Bytes, Opts);
  ASSERT_FALSE(bool(M));
  Error E = M.takeError();
  EXPECT_NE(E.message().find("built for x86_64"), std::string::npos)
      << E.str();
}

TEST(ArtifactRefusal, RefusesMemoryModeTheDeviceCannotHonour) {
  LoadOptions NoGuard;
  NoGuard.AllowGuard = false;
  Expected<std::shared_ptr<Module>> M =
      Module::load(compileInc(MemoryMode::Guard), NoGuard);
  ASSERT_FALSE(bool(M));
  EXPECT_NE(M.takeError().message().find("guard"), std::string::npos);

  LoadOptions NoChecks;
  NoChecks.AllowBoundsChecked = false;
  M = Module::load(compileInc(MemoryMode::BoundsChecked), NoChecks);
  ASSERT_FALSE(bool(M));
  EXPECT_NE(M.takeError().message().find("bounds"), std::string::npos);
}
