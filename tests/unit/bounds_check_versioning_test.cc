//===- tests/unit/bounds_check_versioning_test.cc - Checks out of loops ---===//
//
// BoundsCheckVersioningPass (compiler/codegen/bounds_check_versioning.h)
// gives bounds-checked loops a copy without checks, chosen by one test
// before the loop. A test that admits a trip the checks would trap on is a
// sandbox escape, so the loops of tests/unit/modules/checked_loops.wat run
// against a model of Wasm's semantics on thousands of placements: inside
// the memory, ending exactly at its edge, one byte past it, crossing it on
// a late trip, wrapping past 2^32. The trap, the result and every byte of
// memory afterwards (the stores before a trap must have happened) must
// match, in both memory modes. The assembly test shows the pass fires:
// without it no loop of store_up4 is free of checks.
//
//===----------------------------------------------------------------------===//

#include "checked_loops_model.h"
#include "codegen_test_util.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>

namespace {

using namespace kiln;
using namespace kiln::testutil;

class BoundsCheckVersioning : public testing::TestWithParam<MemoryMode> {};

TEST_P(BoundsCheckVersioning, EveryPlacementMatchesTheModel) {
  std::unique_ptr<Instance> I = instantiateTestModule("checked_loops", GetParam());
  ASSERT_TRUE(I);
  std::shared_ptr<Memory> Mem = exportedMemory(*I);
  ASSERT_TRUE(Mem);
  ASSERT_EQ(memorySizeBytes(*Mem), MemoryBytes);
  uint8_t *Bytes = memoryData(*Mem);
  // The module's reset writes the pattern the model starts from.
  ASSERT_TRUE(bool(I->call("reset", {})));
  const std::vector<uint8_t> Initial = initialMemory();
  ASSERT_EQ(std::memcmp(Bytes, Initial.data(), MemoryBytes), 0);
  kiln::Expected<std::vector<Value>> Hash = I->call("hash", {});
  ASSERT_TRUE(bool(Hash));
  ASSERT_EQ(Hash->at(0).i64(), memoryHash(Initial));

  const std::vector<LoopFunc> Funcs = loopFuncs();
  std::vector<unsigned> Traps(Funcs.size()), Completed(Funcs.size());
  for (const LoopCase &C : loopCases(400)) {
    const LoopFunc &F = Funcs[C.Func];
    const std::vector<uint64_t> &Args = C.Args;
    std::vector<Value> Wasm;
    for (size_t P = 0; P < Args.size(); ++P)
      Wasm.push_back(F.Params[P] == 'I' ? Value::i64(Args[P]) : Value::i32(u32(Args[P])));

    Model M(Initial);
    uint64_t Expected = F.Run(M, Args);
    std::memcpy(Bytes, Initial.data(), MemoryBytes);
    kiln::Expected<std::vector<Value>> Got = I->call(F.Name, Wasm);

    std::string What = std::string(F.Name) + "(";
    for (size_t P = 0; P < Args.size(); ++P)
      What += std::to_string(Args[P]) + (P + 1 == Args.size() ? ")" : ", ");
    ASSERT_EQ(!Got, M.Trapped) << What << (Got ? " ran to the end" : " trapped");
    if (!Got) {
      kiln::Error E = Got.takeError();
      EXPECT_NE(E.str().find("out of bounds"), std::string::npos) << What;
      // A bounds check names the instruction's offset. A trap without one
      // is a fault: the unchecked copy ran an access the checks would have
      // stopped, and only the 4 GiB reservation behind this memory caught
      // it (a 32-bit device has none).
      if (GetParam() == MemoryMode::BoundsChecked)
        EXPECT_NE(E.offset(), NoOffset) << What << ": " << E.str();
      ++Traps[C.Func];
    } else {
      ++Completed[C.Func];
      if (F.Result == 'i')
        ASSERT_EQ(Got->at(0).i32(), u32(Expected)) << What;
      if (F.Result == 'I')
        ASSERT_EQ(Got->at(0).i64(), Expected) << What;
    }
    // Guard mode is exact up to LLVM combining neighbouring stores (a
    // vector store that faults writes none of its lanes), so after a trap
    // only bounds-checked mode promises every earlier store.
    if (Got || GetParam() == MemoryMode::BoundsChecked)
      ASSERT_EQ(std::memcmp(Bytes, M.Mem.data(), MemoryBytes), 0)
          << What << ": memory differs from the model";
  }
  for (size_t F = 0; F < Funcs.size(); ++F) {
    // The placements must exercise both outcomes of every loop.
    EXPECT_GT(Traps[F], 40u) << Funcs[F].Name;
    EXPECT_GT(Completed[F], 40u) << Funcs[F].Name;
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, BoundsCheckVersioning,
                         testing::Values(MemoryMode::Guard, MemoryMode::BoundsChecked),
                         modeName);

/// Per loop of function `Index` (codegen_test_util.h's loopsOf): whether
/// one of its conditional jumps goes to a trap block, a block that calls a
/// builtin (the trap) and does not return.
std::vector<bool> loopsWithChecks(const std::string &Asm, unsigned Index) {
  std::vector<std::string> Body = functionLines(Asm, Index);
  std::set<std::string> TrapLabels;
  for (size_t L = 0; L < Body.size(); ++L) {
    if (Body[L].rfind(".LBB", 0) != 0 || Body[L].back() != ':')
      continue;
    bool Calls = false, Returns = false;
    for (size_t K = L + 1; K < Body.size() && Body[K].rfind(".LBB", 0) != 0; ++K) {
      Calls |= Body[K].find("callq") != std::string::npos;
      Returns |= Body[K].find("retq") != std::string::npos ||
                 Body[K].find("jmp") != std::string::npos;
    }
    if (Calls && !Returns)
      TrapLabels.insert(Body[L].substr(0, Body[L].size() - 1));
  }
  std::vector<bool> Loops;
  static const std::regex Jump(R"(^\s+(j\w+)\s+(\.LBB\w+))");
  for (const std::vector<std::string> &Loop : loopsOf(Asm, Index)) {
    bool Checks = false;
    for (const std::string &Line : Loop) {
      std::smatch T;
      Checks |= std::regex_search(Line, T, Jump) && T[1] != "jmp" &&
                TrapLabels.count(T[2]);
    }
    Loops.push_back(Checks);
  }
  return Loops;
}

TEST(BoundsCheckVersioning, ProvableLoopsGetACopyWithoutChecks) {
  std::string Asm =
      compileToX86Asm("checked_loops", "x86-64-v2", MemoryMode::BoundsChecked);
  // Every function has a computable trip count: each keeps its checked loop
  // and gains one that jumps to no trap. store_until_end (7) has one only
  // because its store at p proves that p + 2 does not wrap (see
  // address_no_wrap.h); without that, its address could wrap and the loop
  // run forever before trapping.
  for (unsigned F = 0; F < 9; ++F) {
    std::vector<bool> Loops = loopsWithChecks(Asm, F);
    size_t Checked = std::count(Loops.begin(), Loops.end(), true);
    size_t Unchecked = Loops.size() - Checked;
    EXPECT_GE(Checked, 1u) << "function " << F << ": " << listing(mnemonicsOf(Asm, F));
    EXPECT_GT(Unchecked, 0u)
        << "function " << F << ": " << listing(mnemonicsOf(Asm, F));
  }
}

} // namespace
