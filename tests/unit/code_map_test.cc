//===- tests/unit/code_map_test.cc - Traps name where they happened -------===//
//
// The artifact's Debug section (issue 24): a trap in code that LLVM inlined
// names the callee and its instruction, lists every caller with the offset
// of its call, and long backtraces say how many frames they leave out. The
// code map costs nothing at run time: the code is byte-identical without it.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/compile.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/names.h"
#include "kiln/format_writer.h"
#include "kiln/runtime.h"
#include "codegen_test_util.h"

#include <gtest/gtest.h>

using namespace kiln;

namespace {

struct Config {
  unsigned Opt;
  MemoryMode Mode;
};
const Config Configs[] = {{0, MemoryMode::Guard},
                          {2, MemoryMode::Guard},
                          {0, MemoryMode::BoundsChecked},
                          {2, MemoryMode::BoundsChecked}};

std::string name(const Config &C) {
  return formatString("-O%u %s", C.Opt, memoryModeName(C.Mode));
}

format::Artifact compile(const std::vector<uint8_t> &Wasm, const Config &C,
                         bool CodeMap) {
  codegen::CompileOptions O;
  O.OptLevel = C.Opt;
  O.Mode = C.Mode;
  O.CodeMap = CodeMap;
  O.Names = CodeMap;
  Expected<format::Artifact> A = codegen::compileWasm(Wasm, O);
  if (!A) {
    ADD_FAILURE() << A.takeError().str();
    return {};
  }
  return std::move(*A);
}

/// The byte range [Begin, End) of defined function `Index`'s body.
std::pair<uint64_t, uint64_t> bodyRange(const std::vector<uint8_t> &Wasm,
                                        uint32_t Index) {
  Expected<wasm::Module> M = wasm::decodeModule(Wasm, {});
  EXPECT_TRUE(bool(M));
  if (!M) {
    M.takeError().consume();
    return {0, 0};
  }
  return {M->body(Index).CodeStart, M->body(Index).End};
}

Error callExport(const format::Artifact &A, const char *Name, int32_t Arg) {
  Expected<std::shared_ptr<Module>> M = Module::load(format::writeArtifact(A));
  if (!M)
    return M.takeError();
  Linker L;
  Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
  if (!I)
    return I.takeError();
  Expected<std::vector<Value>> R = (*I)->call(Name, {Value::i32(Arg)});
  if (R)
    return Error::make(ErrorKind::Usage, "the call did not trap");
  return R.takeError();
}

} // namespace

// Debug locations must not change what LLVM generates (its rule for -g).
TEST(CodeMap, LeavesTheCodeUnchanged) {
  for (const char *Module : {"trap_frames", "typed_calls", "guard_traps",
                             "simd_hot_shapes", "checked_loops"}) {
    std::vector<uint8_t> Wasm = testutil::readTestModule(Module);
    for (const Config &C : Configs) {
      SCOPED_TRACE(std::string(Module) + " " + name(C));
      format::Artifact With = compile(Wasm, C, true);
      format::Artifact Without = compile(Wasm, C, false);
      EXPECT_EQ(With.Image.Bytes, Without.Image.Bytes);
      EXPECT_FALSE(With.Debug.CodeRanges.empty());
      EXPECT_TRUE(Without.Debug.CodeRanges.empty());
      EXPECT_TRUE(Without.Debug.FuncNames.empty());
    }
  }
}

// $outer -> $middle -> $divide, inlined into one native function at -O2.
TEST(CodeMap, NamesTheInlinedCalleeAndEveryCaller) {
  std::vector<uint8_t> Wasm = testutil::readTestModule("trap_frames");
  auto [DivBegin, DivEnd] = bodyRange(Wasm, 0);
  auto [MidBegin, MidEnd] = bodyRange(Wasm, 1);
  auto [OutBegin, OutEnd] = bodyRange(Wasm, 2);
  for (const Config &C : Configs) {
    SCOPED_TRACE(name(C));
    Error E = callExport(compile(Wasm, C, true), "outer", 0);
    ASSERT_EQ(E.kind(), ErrorKind::Trap) << E.str();
    EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::IntegerDivideByZero));
    EXPECT_EQ(E.funcIndex(), 0u) << E.str();
    // The i32.div_s is the body's last instruction before `end`.
    EXPECT_EQ(E.offset(), DivEnd - 2) << E.str();
    const std::vector<TrapFrame> &F = E.frames();
    ASSERT_EQ(F.size(), 3u);
    EXPECT_EQ(F[0].FuncIndex, 0u);
    EXPECT_EQ(F[0].FuncName, "divide");
    EXPECT_EQ(F[0].WasmOffset, DivEnd - 2);
    EXPECT_EQ(F[1].FuncIndex, 1u);
    EXPECT_EQ(F[1].FuncName, "middle");
    EXPECT_GT(F[1].WasmOffset, MidBegin); // the call
    EXPECT_LT(F[1].WasmOffset, MidEnd);
    EXPECT_EQ(F[2].FuncIndex, 2u);
    EXPECT_EQ(F[2].FuncName, "outer");
    EXPECT_GT(F[2].WasmOffset, OutBegin);
    EXPECT_LT(F[2].WasmOffset, OutEnd);
    EXPECT_FALSE(F[2].Inlined);
    if (C.Opt == 2) {
      EXPECT_TRUE(F[0].Inlined);
      EXPECT_TRUE(F[1].Inlined);
    }
    EXPECT_EQ(E.backtrace(), (std::vector<uint32_t>{0, 1, 2}));
    EXPECT_EQ(E.framesLeftOut(), 0u);
  }
}

// In guard mode the fault comes from the signal handler: its PC is found
// in the map like a call's.
TEST(CodeMap, GivesAnOutOfBoundsLoadItsOffset) {
  std::vector<uint8_t> Wasm = testutil::readTestModule("trap_frames");
  auto [LoadBegin, LoadEnd] = bodyRange(Wasm, 3);
  for (const Config &C : Configs) {
    SCOPED_TRACE(name(C));
    Error E = callExport(compile(Wasm, C, true), "reader", 65534);
    ASSERT_EQ(E.kind(), ErrorKind::Trap) << E.str();
    EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::MemoryOutOfBounds));
    EXPECT_EQ(E.funcIndex(), 3u) << E.str();
    EXPECT_EQ(E.offset(), LoadEnd - 4) << E.str(); // i32.load offset=4
    ASSERT_EQ(E.frames().size(), 2u);
    EXPECT_EQ(E.frames()[1].FuncName, "reader");
  }
}

TEST(CodeMap, CountsTheFramesItLeavesOut) {
  std::vector<uint8_t> Wasm = testutil::readTestModule("trap_frames");
  Error E = callExport(compile(Wasm, {2, MemoryMode::Guard}, true),
                       "recurse", 100);
  ASSERT_EQ(E.kind(), ErrorKind::Trap) << E.str();
  // 101 activations of $recurse: the trapping one and the callers among
  // the 64 native frames the runtime keeps are listed (65 in a release
  // build; a sanitizer build's trap builtin takes one), the rest counted.
  EXPECT_GE(E.frames().size(), 64u);
  EXPECT_LE(E.frames().size(), 65u);
  EXPECT_EQ(E.frames().size() + E.framesLeftOut(), 101u);
  for (const TrapFrame &F : E.frames())
    EXPECT_EQ(F.FuncName, "recurse");
}

// Without the map a trap still names its function (from the trap's own
// offset), as before version 4.
TEST(CodeMap, WithoutTheMapTheFunctionIsStillKnown) {
  std::vector<uint8_t> Wasm = testutil::readTestModule("trap_frames");
  auto [DivBegin, DivEnd] = bodyRange(Wasm, 0);
  Error E = callExport(compile(Wasm, {2, MemoryMode::BoundsChecked}, false),
                       "outer", 0);
  ASSERT_EQ(E.kind(), ErrorKind::Trap) << E.str();
  EXPECT_EQ(E.funcIndex(), 0u) << E.str();
  EXPECT_EQ(E.offset(), DivEnd - 2);
  ASSERT_FALSE(E.frames().empty());
  EXPECT_TRUE(E.frames()[0].FuncName.empty());
}

// The name section is best effort: any prefix of one reads without
// failing, keeping the names before the cut.
TEST(NameSection, ReadsEveryPrefixOfAPayload) {
  // Subsection 0 (module name "m"), then 1: {0: "ab", 5: "cde"}.
  const std::vector<uint8_t> P = {0, 2, 1, 'm', 1, 10, 2, 0, 2, 'a', 'b',
                                  5, 3, 'c', 'd', 'e'};
  wasm::FunctionNames All = wasm::readFunctionNames(P);
  EXPECT_EQ(All, (wasm::FunctionNames{{0, "ab"}, {5, "cde"}}));
  for (size_t N = 0; N < P.size(); ++N) {
    wasm::FunctionNames Some =
        wasm::readFunctionNames(std::span<const uint8_t>(P.data(), N));
    EXPECT_LE(Some.size(), 1u) << "prefix of " << N << " bytes";
  }
}
