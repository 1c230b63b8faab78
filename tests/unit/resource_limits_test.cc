//===- tests/unit/resource_limits_test.cc - A store's resource limits -----===//
//
// The Linker's ResourceLimits (kiln/limits.h), through the C++ and the C
// API: a grow past a limit returns -1 to the guest, a module declaring more
// than the store may hold is refused at instantiation with an error naming
// the limit and the amount, before anything is allocated, and what an
// instance held is given back when it goes.
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"
#include "kiln/kiln.h"
#include "kiln/runtime.h"
#include "tests/unit/limits_modules.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sys/resource.h>

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr uint64_t Page = 65536;

std::vector<uint8_t> compileToArtifact(const Bytes &Wasm) {
  Expected<format::Artifact> A = codegen::compileWasm(Wasm, {});
  if (!A) {
    ADD_FAILURE() << A.takeError().str();
    return {};
  }
  return format::writeArtifact(*A);
}

std::shared_ptr<Module> load(const Bytes &Wasm) {
  Expected<std::shared_ptr<Module>> M = Module::load(compileToArtifact(Wasm));
  if (!M) {
    ADD_FAILURE() << M.takeError().str();
    return nullptr;
  }
  return *M;
}

/// grow(Delta) through the export; the i32 result as signed.
int32_t grow(Instance &I, uint32_t Delta) {
  Expected<std::vector<Value>> R = I.call("grow", {Value::i32(Delta)});
  if (!R) {
    ADD_FAILURE() << R.takeError().str();
    return 0;
  }
  return int32_t((*R)[0].i32());
}

std::unique_ptr<Instance> instantiate(const Linker &L, const Module &M) {
  Expected<std::unique_ptr<Instance>> I = L.instantiate(M);
  if (!I) {
    ADD_FAILURE() << I.takeError().str();
    return nullptr;
  }
  return std::move(*I);
}

std::string refusal(const Linker &L, const Module &M) {
  Expected<std::unique_ptr<Instance>> I = L.instantiate(M);
  if (I)
    return "instantiated";
  Error E = I.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Limit) << E.str();
  return E.message();
}

TEST(ResourceLimits, MemoryGrowPastThePerMemoryLimitReturnsMinusOne) {
  std::shared_ptr<Module> M = load(memoryGrowModule(1));
  ASSERT_TRUE(M);
  Linker L;
  ResourceLimits Lim = ResourceLimits::defaults();
  Lim.MaxMemoryBytes = 4 * Page;
  L.setLimits(Lim);
  std::unique_ptr<Instance> I = instantiate(L, *M);
  ASSERT_TRUE(I);
  EXPECT_EQ(grow(*I, 2), 1);  // 3 pages
  EXPECT_EQ(grow(*I, 2), -1); // 5 > 4
  EXPECT_EQ(grow(*I, 1), 3);  // exactly 4
  EXPECT_EQ(grow(*I, 1), -1);
  EXPECT_EQ(grow(*I, 0), 4);  // the size, unchanged by refused grows
}

TEST(ResourceLimits, MemoryGrowPastTheTotalLimitReturnsMinusOne) {
  std::shared_ptr<Module> M = load(memoryGrowModule(1));
  ASSERT_TRUE(M);
  Linker L;
  ResourceLimits Lim = ResourceLimits::defaults();
  Lim.MaxTotalMemoryBytes = 5 * Page;
  L.setLimits(Lim);
  std::unique_ptr<Instance> A = instantiate(L, *M), B = instantiate(L, *M);
  ASSERT_TRUE(A && B);
  EXPECT_EQ(grow(*A, 2), 1);  // 3 + 1 = 4 pages in the store
  EXPECT_EQ(grow(*B, 2), -1); // 3 + 3 > 5
  EXPECT_EQ(grow(*B, 1), 1);  // exactly 5
  A.reset();                  // gives its 3 pages back
  EXPECT_EQ(grow(*B, 3), 2);
}

TEST(ResourceLimits, MemoryGrowOfFourGiBIsRefusedByTheDefaultTotal) {
  // What a hostile guest does: grow to the whole index space. The default
  // total (half the RAM) refuses it on any machine with less than 8 GiB;
  // above that, a total set below 4 GiB must.
  std::shared_ptr<Module> M = load(memoryGrowModule(0));
  ASSERT_TRUE(M);
  Linker L;
  ResourceLimits Lim = ResourceLimits::defaults();
  Lim.MaxTotalMemoryBytes = std::min<uint64_t>(Lim.MaxTotalMemoryBytes,
                                               uint64_t(1) << 30);
  L.setLimits(Lim);
  std::unique_ptr<Instance> I = instantiate(L, *M);
  ASSERT_TRUE(I);
  EXPECT_EQ(grow(*I, 65535), -1);
  EXPECT_EQ(grow(*I, 0), 0);
}

TEST(ResourceLimits, TableGrowPastTheLimitReturnsMinusOne) {
  std::shared_ptr<Module> M = load(tableGrowModule(10));
  ASSERT_TRUE(M);
  Linker L;
  ResourceLimits Lim = ResourceLimits::defaults();
  Lim.MaxTableElements = 100;
  L.setLimits(Lim);
  std::unique_ptr<Instance> I = instantiate(L, *M);
  ASSERT_TRUE(I);
  EXPECT_EQ(grow(*I, 91), -1);
  EXPECT_EQ(grow(*I, 90), 10);
  EXPECT_EQ(grow(*I, 1), -1);
}

TEST(ResourceLimits, TableGrowPastTheTotalLimitReturnsMinusOne) {
  std::shared_ptr<Module> M = load(tableGrowModule(10));
  ASSERT_TRUE(M);
  Linker L;
  ResourceLimits Lim = ResourceLimits::defaults();
  Lim.MaxTotalTableElements = 50;
  L.setLimits(Lim);
  std::unique_ptr<Instance> A = instantiate(L, *M), B = instantiate(L, *M);
  ASSERT_TRUE(A && B);
  EXPECT_EQ(grow(*A, 25), 10); // 35 + 10
  EXPECT_EQ(grow(*B, 6), -1);
  EXPECT_EQ(grow(*B, 5), 10);
}

TEST(ResourceLimits, AThousandTablesOfTenMillionAreRefusedBeforeAllocating) {
  // 6 KB that used to ask for 80 GB of table entries.
  std::shared_ptr<Module> M =
      load(module({funcType(0, 0)}, 1, {}, "f", tables(1000, 10'000'000)));
  ASSERT_TRUE(M);
  Linker L; // the defaults
  rusage Before{};
  getrusage(RUSAGE_SELF, &Before);
  auto Start = std::chrono::steady_clock::now();
  EXPECT_EQ(refusal(L, *M),
            "instantiation refused: table 1 needs 10000000 elements, but "
            "only 0 of the 10000000 elements all tables may hold are left "
            "(max-total-table-elements)");
  double Ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - Start)
                  .count();
  rusage After{};
  getrusage(RUSAGE_SELF, &After);
  // Nothing was allocated: the peak did not move by a table's 80 MB.
  EXPECT_LT(After.ru_maxrss - Before.ru_maxrss, 40 * 1024) << "KiB";
  RecordProperty("refusal_ms", std::to_string(Ms));
}

TEST(ResourceLimits, AMemoryDeclaredOverThePerMemoryLimitIsRefused) {
  std::shared_ptr<Module> M = load(memoryGrowModule(17));
  ASSERT_TRUE(M);
  Linker L;
  ResourceLimits Lim = ResourceLimits::defaults();
  Lim.MaxMemoryBytes = 16 * Page;
  L.setLimits(Lim);
  EXPECT_EQ(refusal(L, *M),
            "instantiation refused: memory 0 (17 pages) needs 1114112 bytes, "
            "more than the limit of 1048576 bytes per memory "
            "(max-memory-size)");
}

TEST(ResourceLimits, MemoriesOverTheTotalAreRefusedAndGivenBack) {
  std::shared_ptr<Module> M = load(memoryGrowModule(2));
  ASSERT_TRUE(M);
  Linker L;
  ResourceLimits Lim = ResourceLimits::defaults();
  Lim.MaxTotalMemoryBytes = 3 * Page;
  L.setLimits(Lim);
  std::unique_ptr<Instance> A = instantiate(L, *M);
  ASSERT_TRUE(A);
  EXPECT_EQ(refusal(L, *M),
            "instantiation refused: memory 0 (2 pages) needs 131072 bytes, "
            "but only 65536 of the 196608 bytes all memories may use are "
            "left (max-total-memory-size)");
  A.reset();
  EXPECT_TRUE(instantiate(L, *M));
}

TEST(ResourceLimits, InstancesOverTheLimitAreRefusedUntilOneGoes) {
  std::shared_ptr<Module> M = load(module({funcType(0, 0)}, 1, {}));
  ASSERT_TRUE(M);
  Linker L;
  ResourceLimits Lim = ResourceLimits::defaults();
  Lim.MaxInstances = 2;
  L.setLimits(Lim);
  std::unique_ptr<Instance> A = instantiate(L, *M), B = instantiate(L, *M);
  ASSERT_TRUE(A && B);
  EXPECT_EQ(refusal(L, *M), "instantiation refused: 2 instances are live, "
                            "the limit is 2 (max-instances)");
  A.reset();
  EXPECT_TRUE(instantiate(L, *M));
}

TEST(ResourceLimits, TablesAndMemoriesOverTheirCountsAreRefused) {
  std::shared_ptr<Module> T =
      load(module({funcType(0, 0)}, 1, {}, "f", tables(3, 1)));
  std::shared_ptr<Module> Mem = load(memoryGrowModule(0));
  ASSERT_TRUE(T && Mem);
  Linker L;
  ResourceLimits Lim = ResourceLimits::defaults();
  Lim.MaxTables = 2;
  Lim.MaxMemories = 1;
  L.setLimits(Lim);
  EXPECT_EQ(refusal(L, *T), "instantiation refused: the module defines 3 "
                            "tables, 0 are live, the limit is 2 (max-tables)");
  std::unique_ptr<Instance> A = instantiate(L, *Mem);
  ASSERT_TRUE(A);
  EXPECT_EQ(refusal(L, *Mem),
            "instantiation refused: the module defines 1 memories, 1 are "
            "live, the limit is 1 (max-memories)");
}

TEST(ResourceLimits, LinkersAreSeparateStores) {
  std::shared_ptr<Module> M = load(memoryGrowModule(2));
  ASSERT_TRUE(M);
  ResourceLimits Lim = ResourceLimits::defaults();
  Lim.MaxTotalMemoryBytes = 2 * Page;
  Linker A, B;
  A.setLimits(Lim);
  B.setLimits(Lim);
  std::unique_ptr<Instance> IA = instantiate(A, *M), IB = instantiate(B, *M);
  EXPECT_TRUE(IA && IB);
}

TEST(ResourceLimits, DefaultsKeepTheMachineAlive) {
  ResourceLimits D = ResourceLimits::defaults();
  EXPECT_EQ(D.MaxTotalMemoryBytes, defaultTotalMemoryBytes());
  EXPECT_GT(D.MaxTotalMemoryBytes, 0u);
  EXPECT_LT(D.MaxTotalMemoryBytes, ResourceLimits::Unlimited);
  EXPECT_EQ(D.MaxTotalTableElements, 10'000'000u);
  EXPECT_EQ(D.MaxInstances, 10'000u);
  EXPECT_EQ(Linker().limits().MaxTotalTableElements, 10'000'000u);
}

//===----------------------------------------------------------------------===//
// The C API
//===----------------------------------------------------------------------===//

TEST(ResourceLimitsCApi, GrowPastTheLimitReturnsMinusOne) {
  std::vector<uint8_t> Art = compileToArtifact(memoryGrowModule(1));
  char Err[256] = "";
  kiln_module *M = kiln_module_load(Art.data(), Art.size(), Err, sizeof Err);
  ASSERT_NE(M, nullptr) << Err;
  kiln_linker *L = kiln_linker_new();
  kiln_limits Lim;
  kiln_limits_default(&Lim);
  EXPECT_EQ(Lim.max_total_table_elements, 10'000'000u);
  Lim.max_memory_bytes = 2 * Page;
  kiln_linker_set_limits(L, &Lim);
  kiln_instance *I = kiln_linker_instantiate(L, M, Err, sizeof Err);
  ASSERT_NE(I, nullptr) << Err;
  auto Grow = [&](uint32_t Delta) {
    kiln_val Arg = {KILN_I32, {}}, Res = {KILN_I32, {}};
    Arg.of.i32 = Delta;
    kiln_trap Trap;
    EXPECT_EQ(kiln_call(I, "grow", &Arg, 1, &Res, 1, &Trap, Err, sizeof Err),
              KILN_OK)
        << Err;
    return int32_t(Res.of.i32);
  };
  EXPECT_EQ(Grow(1), 1);
  EXPECT_EQ(Grow(1), -1);
  kiln_instance_free(I);
  kiln_linker_free(L);
  kiln_module_free(M);
}

TEST(ResourceLimitsCApi, InstantiationOverTheLimitSaysWhich) {
  std::vector<uint8_t> Art = compileToArtifact(
      module({funcType(0, 0)}, 1, {}, "f", tables(1000, 10'000'000)));
  char Err[256] = "";
  kiln_module *M = kiln_module_load(Art.data(), Art.size(), Err, sizeof Err);
  ASSERT_NE(M, nullptr) << Err;
  kiln_linker *L = kiln_linker_new();
  kiln_limits Lim;
  kiln_limits_default(&Lim);
  Lim.max_tables = 100;
  kiln_linker_set_limits(L, &Lim);
  EXPECT_EQ(kiln_linker_instantiate(L, M, Err, sizeof Err), nullptr);
  EXPECT_STREQ(Err, "instantiation refused: the module defines 1000 tables, "
                    "0 are live, the limit is 100 (max-tables)");
  kiln_linker_free(L);
  kiln_module_free(M);
}

} // namespace
