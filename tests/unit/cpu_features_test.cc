//===- tests/unit/cpu_features_test.cc - Code only for CPUs that run it ---===//
//
// kiln/cpu_features.def is the contract between the compiler, which records
// the features an artifact's code may use, and the loader, which refuses
// an artifact whose features the running CPU lacks (before mapping any
// code) and names them. These tests check the table against LLVM's and the
// host detection, and the refusals: a richer CPU, a feature nobody knows,
// a triple that contradicts the header. And if code with an instruction
// this CPU lacks runs anyway, the trap says so.
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"
#include "compiler/codegen/target.h"
#include "kiln/host_cpu.h"
#include "kiln/runtime.h"

#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"

#include <gtest/gtest.h>

#include <memory>

using namespace kiln;

namespace {

// (module (func (export "mix") (param i32 i32 i32) (result i32)
//   (i32.xor (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2))
//            (i32.shl (local.get 0) (local.get 2)))))
// Three-operand arithmetic: with APX's new data destination LLVM writes
// results to a third register.
const std::vector<uint8_t> MixWasm = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,             // header
    0x01, 0x08, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f, // type
    0x03, 0x02, 0x01, 0x00,                                     // func
    0x07, 0x07, 0x01, 0x03, 'm', 'i', 'x', 0x00, 0x00,          // export
    0x0a, 0x12, 0x01, 0x10, 0x00,                               // code
    0x20, 0x00, 0x20, 0x01, 0x6c, 0x20, 0x02, 0x6a,             // a*b + c
    0x20, 0x00, 0x20, 0x02, 0x74, 0x73, 0x0b};                  // ^ (a << c)

struct Compiled {
  format::Artifact Art;
  std::vector<uint8_t> Bytes;
};

Compiled compileMix(const std::string &Triple, const std::string &Cpu,
                    const std::string &Features) {
  codegen::CompileOptions Opts;
  Opts.Triple = Triple;
  Opts.Cpu = Cpu;
  Opts.Features = Features;
  if (Triple.rfind("armv7", 0) == 0)
    Opts.Mode = MemoryMode::BoundsChecked;
  Expected<format::Artifact> A = codegen::compileWasm(MixWasm, Opts);
  EXPECT_TRUE(bool(A)) << (A ? "" : A.takeError().str());
  if (!A)
    return {};
  std::vector<uint8_t> Bytes = format::writeArtifact(*A);
  return {std::move(*A), std::move(Bytes)};
}

std::string refusal(const std::vector<uint8_t> &Bytes,
                    const LoadOptions &Opts = LoadOptions()) {
  Expected<std::shared_ptr<Module>> M = Module::load(Bytes, Opts);
  if (M)
    return "(loaded)";
  Error E = M.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Refused) << E.str();
  return E.str();
}

bool contains(const std::string &S, const std::string &Part) {
  return S.find(Part) != std::string::npos;
}

struct Row {
  Arch A;
  const char *Name;
};
constexpr Row Rows[] = {
#define KILN_CPU_FEATURE(A, Name, Description) {Arch::A, Name},
#include "kiln/cpu_features.def"
};

} // namespace

TEST(CpuFeatures, EveryRowIsAFeatureLlvmKnows) {
  for (const codegen::TargetDesc &D : codegen::supportedTargets()) {
    ASSERT_TRUE(bool(codegen::selectTarget(D.Name, "", "")));
    std::string Err;
    const llvm::Target *T = llvm::TargetRegistry::lookupTarget(D.LlvmTriple, Err);
    ASSERT_NE(T, nullptr) << Err;
    std::unique_ptr<llvm::MCSubtargetInfo> STI(
        T->createMCSubtargetInfo(D.LlvmTriple, "", ""));
    for (const Row &R : Rows) {
      if (R.A != D.A)
        continue;
      bool Known = false;
      for (const llvm::SubtargetFeatureKV &K : STI->getAllProcessorFeatures())
        Known = Known || llvm::StringRef(K.Key) == R.Name;
      EXPECT_TRUE(Known) << D.Name << ": " << R.Name;
    }
  }
}

TEST(CpuFeatures, EveryHostRowHasADetectionRule) {
  unsigned Rules = 0;
  for (const Row &R : Rows)
    if (R.A == hostArch()) {
      EXPECT_TRUE(hostHasCpuFeature(R.Name).has_value()) << R.Name;
      ++Rules;
    }
  EXPECT_GT(Rules, 0u);
  EXPECT_FALSE(hostHasCpuFeature("no-such-feature").has_value());
}

TEST(CpuFeatures, ArtifactsRecordWhatTheirCpuImplies) {
  // The defaults are the conservative baselines of each family.
  EXPECT_EQ(compileMix("x86_64-linux-gnu", "", "").Art.Target.Features,
            "+sse3,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16,+sahf");
  EXPECT_EQ(compileMix("aarch64-linux-gnu", "", "").Art.Target.Features,
            "+fp-armv8,+neon"); // not the Cortex-A53's optional crypto
  EXPECT_EQ(compileMix("riscv64-linux-gnu", "", "+v").Art.Target.Features,
            "+m,+a,+f,+d,+c,+v");
  std::string V4 = compileMix("x86_64-linux-gnu", "x86-64-v4", "").Art.Target.Features;
  for (const char *F : {"+avx2", "+fma", "+bmi2", "+lzcnt", "+avx512f", "+avx512vl"})
    EXPECT_TRUE(contains(V4, F)) << V4;
  // A feature turned off stays off.
  EXPECT_FALSE(contains(
      compileMix("x86_64-linux-gnu", "x86-64-v3", "-avx2").Art.Target.Features,
      "avx2"));
}

TEST(CpuFeatures, DefaultArtifactLoadsHere) {
  EXPECT_EQ(refusal(compileMix("", "", "").Bytes), "(loaded)");
}

TEST(CpuFeatures, NativeArtifactLoadsHere) {
  // --cpu native takes the features LLVM detects, not only the CPU's name:
  // a virtual machine may hide some of what its model has.
  EXPECT_EQ(refusal(compileMix("", "native", "").Bytes), "(loaded)");
}

TEST(CpuFeatures, RefusesCodeForARicherCpuNamingWhatIsMissing) {
  Compiled V4 = compileMix("x86_64-linux-gnu", "x86-64-v4", "");
  LoadOptions Older; // a CPU of the x86-64-v2 level
  Older.CpuFeatures = "+sse3,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16,+sahf";
  Older.ExpectedArch = Arch::X86_64;
  std::string Why = refusal(V4.Bytes, Older);
  EXPECT_TRUE(contains(Why, "compiled for a CPU ('x86-64-v4') with features "
                            "this CPU lacks"))
      << Why;
  EXPECT_TRUE(contains(Why, "avx2 (AVX2)")) << Why;
  EXPECT_TRUE(contains(Why, "avx512f (AVX-512 Foundation)")) << Why;
  EXPECT_FALSE(contains(Why, "sse4.2")) << Why;
  EXPECT_TRUE(contains(Why, "section Target")) << Why;
}

TEST(CpuFeatures, RefusesEachArchitecturesExtensions) {
  // Checked against a CPU described by hand: what the code may use on
  // AArch64 (SVE), ARM (NEON) and RISC-V (V).
  struct Case {
    const char *Triple, *Cpu, *Features, *Have, *Missing;
    Arch A;
  };
  const Case Cases[] = {
      {"aarch64-linux-gnu", "", "+sve", "+fp-armv8,+neon", "sve (Scalable", Arch::AArch64},
      {"armv7-linux-gnueabihf", "", "+neon", "+vfp2,+vfp3,+vfp4,+d32,+hwdiv-arm",
       "neon (NEON)", Arch::Arm},
      {"riscv64-linux-gnu", "", "+v", "+m,+a,+f,+d,+c", "v (V (vectors))",
       Arch::RiscV64},
  };
  for (const Case &C : Cases) {
    LoadOptions Opts;
    Opts.ExpectedArch = C.A;
    Opts.AllowGuard = C.A != Arch::Arm;
    Opts.CpuFeatures = C.Have;
    std::string Why = refusal(compileMix(C.Triple, C.Cpu, C.Features).Bytes, Opts);
    EXPECT_TRUE(contains(Why, C.Missing)) << C.Triple << ": " << Why;
  }
}

TEST(CpuFeatures, RefusesFeaturesThisMachineLacks) {
  // APX: no CPU this suite runs on has it yet (if one does, nothing to show).
  if (hostHasCpuFeature("egpr").value_or(true))
    GTEST_SKIP() << "this CPU has APX";
  std::string Why = refusal(compileMix("", "", "+egpr,+ndd").Bytes);
  EXPECT_TRUE(contains(Why, "egpr (APX extended registers (r16-r31))")) << Why;
  EXPECT_TRUE(contains(Why, "ndd (APX new data destination)")) << Why;
}

TEST(CpuFeatures, RefusesUnknownFeatureAndContradictoryTriple) {
  Compiled C = compileMix("", "", "");
  format::Artifact Unknown = C.Art;
  Unknown.Target.Features += ",+crc32";
  std::string Why = refusal(format::writeArtifact(Unknown));
  EXPECT_TRUE(contains(Why, "CPU feature '+crc32' is not one a")) << Why;

  format::Artifact Removed = C.Art;
  Removed.Target.Features += ",-avx2";
  Why = refusal(format::writeArtifact(Removed));
  EXPECT_TRUE(contains(Why, "CPU feature '-avx2' is not one a")) << Why;

  format::Artifact Other = C.Art;
  Other.Target.Triple = "aarch64-linux-gnu";
  Why = refusal(format::writeArtifact(Other));
  EXPECT_TRUE(contains(Why, "target triple 'aarch64-linux-gnu' does not match "
                            "the header's architecture"))
      << Why;
}

TEST(CpuFeatures, AnIllegalInstructionIsReportedAsOne) {
  // Told the CPU has APX, the loader maps code that uses it; the CPU then
  // refuses the first such instruction. The trap must say so (not
  // "unreachable") and leave the instance usable.
  if (hostArch() != Arch::X86_64 || hostHasCpuFeature("ndd").value_or(true))
    GTEST_SKIP() << "needs an x86-64 CPU without APX";
  LoadOptions Trusting;
  Trusting.CpuFeatures = hostCpuFeatures() + ",+egpr,+ndd,+ppx,+push2pop2,+ccmp,+nf,+cf,+zu";
  Compiled C = compileMix("", "", "+egpr,+ndd");
  Expected<std::shared_ptr<Module>> M = Module::load(C.Bytes, Trusting);
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  Linker L;
  Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
  ASSERT_TRUE(bool(I)) << I.takeError().str();
  for (int Round = 0; Round < 2; ++Round) {
    Expected<std::vector<Value>> R =
        (*I)->call("mix", {Value::i32(3), Value::i32(5), Value::i32(2)});
    ASSERT_FALSE(bool(R)) << "the APX code ran on a CPU without APX";
    Error E = R.takeError();
    EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::IllegalInstruction)) << E.str();
    EXPECT_TRUE(contains(E.str(), "illegal instruction")) << E.str();
  }
}
