//===- tests/unit/runtime_linker_test.cc - Linking and instantiation ------===//
//
// Artifacts without code (imports, memories, tables, globals, segments and
// exports only), written with the compiler's artifact writer and loaded
// through the verifier, so these run before any code generator does.
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "kiln/runtime.h"
#include "src/global.h"
#include "src/memory.h"
#include "src/table.h"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace kiln;
using FK = format::ExternKind;

static MemoryMode hostMode() {
  return sizeof(void *) == 8 ? MemoryMode::Guard : MemoryMode::BoundsChecked;
}

static format::Artifact emptyArtifact(MemoryMode Mode = hostMode()) {
  format::Artifact A;
  A.TargetArch = hostArch();
  A.Mode = Mode;
  A.PointerBytes = uint8_t(sizeof(void *));
  A.Target.Triple = archTriple(hostArch());
  A.Image.PageAlign = uint32_t(sysconf(_SC_PAGESIZE));
  return A;
}

static std::shared_ptr<Module> load(const format::Artifact &A) {
  std::vector<uint8_t> Bytes = format::writeArtifact(A);
  Expected<std::shared_ptr<Module>> M = Module::load(Bytes);
  EXPECT_TRUE(bool(M)) << (M ? "" : M.takeError().str());
  return M ? *M : nullptr;
}

static format::LimitsRec limits(uint64_t Min, std::optional<uint64_t> Max) {
  format::LimitsRec L;
  L.Min = Min;
  L.HasMax = Max.has_value();
  L.Max = Max.value_or(0);
  return L;
}

static format::ImportRec funcImport(std::string M, std::string F,
                                    uint32_t Type) {
  format::ImportRec I;
  I.Module = std::move(M);
  I.Field = std::move(F);
  I.Kind = uint8_t(FK::Func);
  I.TypeIndex = Type;
  return I;
}

static format::ImportRec memoryImport(std::string M, std::string F,
                                      format::LimitsRec L) {
  format::ImportRec I;
  I.Module = std::move(M);
  I.Field = std::move(F);
  I.Kind = uint8_t(FK::Memory);
  I.Lim = L;
  return I;
}

static format::ImportRec tableImport(std::string M, std::string F,
                                     ValType Elem, format::LimitsRec L) {
  format::ImportRec I;
  I.Module = std::move(M);
  I.Field = std::move(F);
  I.Kind = uint8_t(FK::Table);
  I.ElemType = uint8_t(Elem);
  I.Lim = L;
  return I;
}

static format::ImportRec globalImport(std::string M, std::string F,
                                      ValType T, bool Mutable) {
  format::ImportRec I;
  I.Module = std::move(M);
  I.Field = std::move(F);
  I.Kind = uint8_t(FK::Global);
  I.ValType = uint8_t(T);
  I.Mutable = Mutable;
  return I;
}

static format::ConstExprRec i32Const(uint32_t V) {
  format::ConstExprRec C;
  C.Kind = uint8_t(format::ConstKind::I32);
  for (int I = 0; I < 4; ++I)
    C.Bits[I] = uint8_t(V >> (8 * I));
  return C;
}

static format::ConstExprRec globalGet(uint32_t Index) {
  format::ConstExprRec C;
  C.Kind = uint8_t(format::ConstKind::GlobalGet);
  C.Index = Index;
  return C;
}

static std::string linkError(const Linker &L, const Module &M) {
  Expected<std::unique_ptr<Instance>> I = L.instantiate(M);
  if (I)
    return "instantiated";
  Error E = I.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Link) << E.str();
  return E.message();
}

static Extern memExtern(uint32_t Min, std::optional<uint32_t> Max,
                        MemoryMode Mode = hostMode()) {
  Extern E;
  E.Kind = kiln::ExternKind::Memory;
  Expected<std::shared_ptr<Memory>> M = createMemory(Min, Max, Mode);
  EXPECT_TRUE(bool(M));
  if (M)
    E.M = *M;
  return E;
}

static Extern tableExtern(ValType Elem, uint32_t Min,
                          std::optional<uint32_t> Max) {
  Extern E;
  E.Kind = kiln::ExternKind::Table;
  Expected<std::shared_ptr<Table>> T = createTable(Elem, Min, Max);
  EXPECT_TRUE(bool(T));
  if (T)
    E.T = *T;
  return E;
}

static Extern globalExtern(Value V, bool Mutable) {
  Extern E;
  E.Kind = kiln::ExternKind::Global;
  E.G = createGlobal(V, Mutable);
  return E;
}

static HostFunc nop() {
  return [](std::span<const Value>, std::span<Value>) {
    return Error::success();
  };
}

// --- Link errors ------------------------------------------------------------

TEST(RuntimeLinker, UnknownImportNamesModuleAndField) {
  format::Artifact A = emptyArtifact();
  A.Types.push_back({{0x7f}, {}});
  A.Trampolines.push_back({0, 1}); // never used: no code
  A.Image.TextSize = 2;
  A.Image.ReadOnlyOffset = A.Image.PageAlign;
  A.Image.Bytes.assign(A.Image.PageAlign, 0xcc);
  A.Imports.push_back(funcImport("spectest", "print_i32", 0));
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  EXPECT_EQ(linkError(L, *M), "unknown import: spectest.print_i32");
  L.defineFunc("spectest", "print_i33", {{ValType::I32}, {}}, nop());
  EXPECT_EQ(linkError(L, *M), "unknown import: spectest.print_i32");
}

TEST(RuntimeLinker, FunctionSignaturesMustBeEqual) {
  format::Artifact A = emptyArtifact();
  A.Types.push_back({{0x7f}, {}});
  A.Trampolines.push_back({0, 1});
  A.Image.TextSize = 2;
  A.Image.ReadOnlyOffset = A.Image.PageAlign;
  A.Image.Bytes.assign(A.Image.PageAlign, 0xcc);
  A.Imports.push_back(funcImport("spectest", "print_i32", 0));
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  L.defineFunc("spectest", "print_i32", {{ValType::F32}, {}}, nop());
  EXPECT_EQ(linkError(L, *M), "incompatible import type for "
                              "spectest.print_i32: expected [i32] -> [], got "
                              "[f32] -> []");
  L.defineFunc("spectest", "print_i32", {{ValType::I32}, {ValType::I32}},
               nop());
  EXPECT_EQ(linkError(L, *M), "incompatible import type for "
                              "spectest.print_i32: expected [i32] -> [], got "
                              "[i32] -> [i32]");
  L.defineFunc("spectest", "print_i32", {{ValType::I32}, {}}, nop());
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  EXPECT_TRUE(bool(I)) << (I ? "" : I.takeError().str());
}

TEST(RuntimeLinker, KindsMustMatch) {
  format::Artifact A = emptyArtifact();
  A.Imports.push_back(memoryImport("env", "mem", limits(1, std::nullopt)));
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  L.define("env", "mem", tableExtern(ValType::FuncRef, 1, std::nullopt));
  EXPECT_EQ(linkError(L, *M),
            "incompatible import type for env.mem: expected memory, got table");
  L.defineFunc("env", "mem", {}, nop());
  EXPECT_EQ(linkError(L, *M),
            "incompatible import type for env.mem: expected memory, got func");
}

TEST(RuntimeLinker, MemoryLimitsFollowSubtyping) {
  format::Artifact A = emptyArtifact();
  A.Imports.push_back(memoryImport("env", "mem", limits(2, 3)));
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  L.define("env", "mem", memExtern(1, 3)); // too small
  EXPECT_EQ(linkError(L, *M),
            "incompatible import type for env.mem: expected memory {min 2, "
            "max 3} pages, got memory {min 1, max 3} pages");
  L.define("env", "mem", memExtern(2, std::nullopt)); // no max
  EXPECT_EQ(linkError(L, *M),
            "incompatible import type for env.mem: expected memory {min 2, "
            "max 3} pages, got memory {min 2, no max} pages");
  L.define("env", "mem", memExtern(2, 4)); // max too large
  EXPECT_NE(linkError(L, *M).find("incompatible import type"),
            std::string::npos);
  L.define("env", "mem", memExtern(3, 3)); // larger min, equal max: fine
  EXPECT_EQ(linkError(L, *M), "instantiated");
}

TEST(RuntimeLinker, MemoryMinIsTheCurrentSize) {
  format::Artifact A = emptyArtifact();
  A.Imports.push_back(memoryImport("env", "mem", limits(2, std::nullopt)));
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  Extern E = memExtern(1, std::nullopt);
  L.define("env", "mem", E);
  EXPECT_NE(linkError(L, *M), "instantiated");
  EXPECT_EQ(E.M->grow(1), 1u);
  EXPECT_EQ(linkError(L, *M), "instantiated");
}

TEST(RuntimeLinker, TableElementTypesAndLimitsMustMatch) {
  format::Artifact A = emptyArtifact();
  A.Imports.push_back(
      tableImport("env", "tab", ValType::FuncRef, limits(10, 20)));
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  L.define("env", "tab", tableExtern(ValType::ExternRef, 10, 20));
  EXPECT_EQ(linkError(L, *M),
            "incompatible import type for env.tab: expected table {min 10, "
            "max 20} funcref, got table {min 10, max 20} externref");
  L.define("env", "tab", tableExtern(ValType::FuncRef, 9, 20));
  EXPECT_NE(linkError(L, *M).find("incompatible import type"),
            std::string::npos);
  L.define("env", "tab", tableExtern(ValType::FuncRef, 10, 21));
  EXPECT_NE(linkError(L, *M).find("incompatible import type"),
            std::string::npos);
  L.define("env", "tab", tableExtern(ValType::FuncRef, 10, std::nullopt));
  EXPECT_NE(linkError(L, *M).find("incompatible import type"),
            std::string::npos);
  L.define("env", "tab", tableExtern(ValType::FuncRef, 15, 15));
  EXPECT_EQ(linkError(L, *M), "instantiated");
}

TEST(RuntimeLinker, GlobalTypeAndMutabilityMustMatch) {
  format::Artifact A = emptyArtifact();
  A.Imports.push_back(globalImport("env", "g", ValType::I32, false));
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  L.define("env", "g", globalExtern(Value::i64(1), false));
  EXPECT_EQ(linkError(L, *M), "incompatible import type for env.g: expected "
                              "global i32, got global i64");
  L.define("env", "g", globalExtern(Value::i32(1), true));
  EXPECT_EQ(linkError(L, *M), "incompatible import type for env.g: expected "
                              "global i32, got global (mut i32)");
  L.define("env", "g", globalExtern(Value::i32(1), false));
  EXPECT_EQ(linkError(L, *M), "instantiated");
}

TEST(RuntimeLinker, GuardModuleRefusesABoundsCheckedMemory) {
  if (sizeof(void *) != 8)
    GTEST_SKIP() << "guard mode needs a 64-bit host";
  format::Artifact A = emptyArtifact(MemoryMode::Guard);
  A.Imports.push_back(memoryImport("env", "mem", limits(1, std::nullopt)));
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  L.define("env", "mem", memExtern(1, std::nullopt, MemoryMode::BoundsChecked));
  EXPECT_EQ(linkError(L, *M),
            "incompatible import type for env.mem: the module needs a "
            "guard-mode memory, got a bounds-checked one");
  // The other way round is fine: checked code works on a guard memory.
  format::Artifact B = emptyArtifact(MemoryMode::BoundsChecked);
  B.Imports.push_back(memoryImport("env", "mem", limits(1, std::nullopt)));
  std::shared_ptr<Module> MB = load(B);
  ASSERT_TRUE(MB);
  L.define("env", "mem", memExtern(1, std::nullopt, MemoryMode::Guard));
  EXPECT_EQ(linkError(L, *MB), "instantiated");
}

// --- Instantiation ----------------------------------------------------------

TEST(RuntimeInstance, ExportsDefinedAndReexportedObjects) {
  format::Artifact A = emptyArtifact();
  A.Imports.push_back(globalImport("env", "g", ValType::I32, false));
  A.Imports.push_back(memoryImport("env", "mem", limits(1, std::nullopt)));
  A.Memories.clear();
  A.Tables.push_back({uint8_t(ValType::ExternRef), limits(3, 7)});
  A.Globals.push_back({uint8_t(ValType::I32), 1, globalGet(0)});
  A.Globals.push_back({uint8_t(ValType::I64), 0, i32Const(0)});
  A.Globals.back().Init.Kind = uint8_t(format::ConstKind::I64);
  A.Globals.back().Init.Bits[0] = 0x34;
  A.Globals.back().Init.Bits[7] = 0x12;
  A.Exports.push_back({"mem", uint8_t(FK::Memory), 0});
  A.Exports.push_back({"tab", uint8_t(FK::Table), 0});
  A.Exports.push_back({"g", uint8_t(FK::Global), 0});
  A.Exports.push_back({"copy", uint8_t(FK::Global), 1});
  A.Exports.push_back({"big", uint8_t(FK::Global), 2});
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);

  Linker L;
  Extern Mem = memExtern(1, std::nullopt);
  Extern G = globalExtern(Value::i32(99), false);
  L.define("env", "mem", Mem);
  L.define("env", "g", G);
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  ASSERT_TRUE(bool(I)) << I.takeError().str();
  Instance &Inst = **I;

  ASSERT_EQ(Inst.exports().size(), 5u);
  EXPECT_EQ(Inst.exports()[0].first, "mem");
  std::optional<Extern> XM = Inst.exportOf("mem");
  ASSERT_TRUE(XM);
  EXPECT_EQ(XM->M, Mem.M); // re-export: the same object
  std::optional<Extern> XG = Inst.exportOf("g");
  ASSERT_TRUE(XG);
  EXPECT_EQ(XG->G, G.G);
  std::optional<Extern> XT = Inst.exportOf("tab");
  ASSERT_TRUE(XT && XT->T);
  EXPECT_EQ(XT->T->size(), 3u);
  EXPECT_EQ(XT->T->max(), std::optional<uint32_t>(7));
  std::optional<Extern> Copy = Inst.exportOf("copy");
  ASSERT_TRUE(Copy && Copy->G);
  EXPECT_EQ(globalValue(*Copy->G).i32(), 99u); // global.get of an import
  EXPECT_TRUE(Copy->G->isMutable());
  std::optional<Extern> Big = Inst.exportOf("big");
  ASSERT_TRUE(Big && Big->G);
  EXPECT_EQ(globalValue(*Big->G).i64(), 0x1200000000000034ull);
  EXPECT_FALSE(Inst.exportOf("nope"));

  // A mutable exported global is shared: a write through the API is what
  // the next importer sees.
  EXPECT_FALSE(setGlobalValue(*Copy->G, Value::i32(5)));
  EXPECT_EQ(globalValue(*Copy->G).i32(), 5u);
  Error E = setGlobalValue(*Copy->G, Value::i64(5));
  ASSERT_TRUE(E);
  EXPECT_EQ(E.message(), "cannot set a i32 global to a i64 value");
  Error Immutable = setGlobalValue(*XG->G, Value::i32(1));
  ASSERT_TRUE(Immutable);
  EXPECT_NE(Immutable.message().find("immutable"), std::string::npos)
      << Immutable.str();
}

TEST(RuntimeInstance, DataSegmentsAreCopiedInOrder) {
  format::Artifact A = emptyArtifact();
  A.Memories.push_back({limits(1, 2)});
  A.Datas.push_back({uint8_t(format::SegmentMode::Active), 0, i32Const(10),
                     {1, 2, 3}});
  A.Datas.push_back({uint8_t(format::SegmentMode::Passive), 0, {}, {9, 9}});
  A.Datas.push_back({uint8_t(format::SegmentMode::Active), 0, i32Const(11),
                     {7}});
  A.Datas.push_back({uint8_t(format::SegmentMode::Active), 0,
                     i32Const(65536), {}}); // empty at the very end: fine
  A.Exports.push_back({"mem", uint8_t(FK::Memory), 0});
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  ASSERT_TRUE(bool(I)) << I.takeError().str();
  std::optional<Extern> X = (*I)->exportOf("mem");
  ASSERT_TRUE(X && X->M);
  uint8_t *D = memoryData(*X->M);
  EXPECT_EQ(D[10], 1);
  EXPECT_EQ(D[11], 7); // later segments overwrite earlier ones
  EXPECT_EQ(D[12], 3);
  EXPECT_EQ(D[0], 0);
  EXPECT_EQ(memorySizeBytes(*X->M), 65536u);
}

TEST(RuntimeInstance, OutOfBoundsDataSegmentTrapsAndKeepsEarlierWrites) {
  format::Artifact A = emptyArtifact();
  A.Imports.push_back(memoryImport("Mm", "mem", limits(1, std::nullopt)));
  A.Datas.push_back({uint8_t(format::SegmentMode::Active), 0, i32Const(0),
                     {'a', 'b', 'c'}});
  A.Datas.push_back({uint8_t(format::SegmentMode::Active), 0,
                     i32Const(65530), {'z', 'z', 'z', 'z', 'z', 'z', 'z'}});
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  Extern Mem = memExtern(1, std::nullopt);
  L.define("Mm", "mem", Mem);
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  ASSERT_FALSE(I);
  Error E = I.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Trap);
  EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::MemoryOutOfBounds));
  EXPECT_EQ(E.message(), "out of bounds memory access");
  uint8_t *D = memoryData(*Mem.M);
  EXPECT_EQ(D[0], 'a'); // Wasm 2.0: the first segment stays written
  EXPECT_EQ(D[65530], 0); // the failing one wrote nothing
}

TEST(RuntimeInstance, OutOfBoundsElemSegmentTrapsAndKeepsEarlierWrites) {
  format::Artifact A = emptyArtifact();
  A.Imports.push_back(globalImport("env", "ref", ValType::ExternRef, false));
  A.Imports.push_back(
      tableImport("env", "tab", ValType::ExternRef, limits(10, std::nullopt)));
  format::ElemRec Ok;
  Ok.Mode = uint8_t(format::SegmentMode::Active);
  Ok.Offset = i32Const(7);
  Ok.ElemType = uint8_t(ValType::ExternRef);
  Ok.Items = {globalGet(0)};
  format::ElemRec Bad = Ok;
  Bad.Offset = i32Const(8);
  Bad.Items = {globalGet(0), globalGet(0), globalGet(0)};
  A.Elems = {Ok, Bad};
  // The data segment must not run: elements fail first.
  A.Memories.push_back({limits(1, 1)});
  A.Datas.push_back({uint8_t(format::SegmentMode::Active), 0, i32Const(0),
                     {1}});
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);

  int Host = 0;
  Linker L;
  L.define("env", "ref", globalExtern(Value::externRef(&Host), false));
  Extern Tab = tableExtern(ValType::ExternRef, 10, std::nullopt);
  L.define("env", "tab", Tab);
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  ASSERT_FALSE(I);
  Error E = I.takeError();
  EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::TableOutOfBounds));
  EXPECT_EQ(E.message(), "out of bounds table access");
  EXPECT_EQ(Tab.T->elems()[7], &Host);
  EXPECT_EQ(Tab.T->elems()[8], nullptr);
  EXPECT_EQ(Tab.T->elems()[9], nullptr);
}

TEST(RuntimeInstance, EmptyActiveSegmentPastTheEndStillTraps) {
  format::Artifact A = emptyArtifact();
  A.Tables.push_back({uint8_t(ValType::FuncRef), limits(1, std::nullopt)});
  format::ElemRec S;
  S.Mode = uint8_t(format::SegmentMode::Active);
  S.Offset = i32Const(2);
  A.Elems = {S};
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  ASSERT_FALSE(I);
  EXPECT_EQ(I.takeError().message(), "out of bounds table access");
}

TEST(RuntimeInstance, DefineInstanceMakesExportsImportable) {
  format::Artifact Exporter = emptyArtifact();
  Exporter.Memories.push_back({limits(1, std::nullopt)});
  Exporter.Globals.push_back({uint8_t(ValType::I32), 1, i32Const(3)});
  Exporter.Exports.push_back({"mem", uint8_t(FK::Memory), 0});
  Exporter.Exports.push_back({"g", uint8_t(FK::Global), 0});
  std::shared_ptr<Module> ME = load(Exporter);
  ASSERT_TRUE(ME);

  format::Artifact Importer = emptyArtifact();
  Importer.Imports.push_back(memoryImport("M", "mem", limits(1, std::nullopt)));
  Importer.Imports.push_back(globalImport("M", "g", ValType::I32, true));
  Importer.Datas.push_back({uint8_t(format::SegmentMode::Active), 0,
                            i32Const(4), {0x5a}});
  std::shared_ptr<Module> MI = load(Importer);
  ASSERT_TRUE(MI);

  Linker L;
  std::unique_ptr<Instance> IE;
  {
    Expected<std::unique_ptr<Instance>> I = L.instantiate(*ME);
    ASSERT_TRUE(bool(I)) << I.takeError().str();
    IE = std::move(*I);
  }
  L.defineInstance("M", *IE);
  Expected<std::unique_ptr<Instance>> I2 = L.instantiate(*MI);
  ASSERT_TRUE(bool(I2)) << I2.takeError().str();
  std::optional<Extern> Mem = IE->exportOf("mem");
  ASSERT_TRUE(Mem);
  EXPECT_EQ(memoryData(*Mem->M)[4], 0x5a);

  // The memory outlives both instances while someone holds it.
  std::shared_ptr<Memory> Held = Mem->M;
  IE.reset();
  I2->reset();
  EXPECT_EQ(memoryData(*Held)[4], 0x5a);
}

TEST(RuntimeInstance, ManyInstancesOfOneModule) {
  format::Artifact A = emptyArtifact();
  A.Memories.push_back({limits(1, std::nullopt)});
  A.Tables.push_back({uint8_t(ValType::FuncRef), limits(4, std::nullopt)});
  std::shared_ptr<Module> M = load(A);
  ASSERT_TRUE(M);
  Linker L;
  for (int I = 0; I < 200; ++I) { // 200 x 8 GiB of reservations, released
    Expected<std::unique_ptr<Instance>> Inst = L.instantiate(*M);
    ASSERT_TRUE(bool(Inst)) << Inst.takeError().str();
  }
}

TEST(RuntimeInstance, CallingAMissingExportIsAUsageError) {
  std::shared_ptr<Module> M = load(emptyArtifact());
  ASSERT_TRUE(M);
  Linker L;
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  ASSERT_TRUE(bool(I));
  Expected<std::vector<Value>> R = (*I)->call("run", {});
  ASSERT_FALSE(R);
  Error E = R.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Usage);
  EXPECT_EQ(E.message(), "no exported function named 'run'");
}

TEST(RuntimeHostFunc, CallFuncCallsHostFunctionsDirectly) {
  std::shared_ptr<Func> F = createHostFunc(
      {{ValType::I32, ValType::I64}, {ValType::I64}},
      [](std::span<const Value> Args, std::span<Value> Results) {
        EXPECT_EQ(Results[0].Type, ValType::I64);
        Results[0] = Value::i64(Args[0].i32() + Args[1].i64());
        return Error::success();
      });
  Value Args[] = {Value::i32(2), Value::i64(40)};
  Expected<std::vector<Value>> R = callFunc(*F, Args);
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  ASSERT_EQ(R->size(), 1u);
  EXPECT_EQ((*R)[0].i64(), 42u);
  EXPECT_EQ(funcSig(*F).Params.size(), 2u);

  Value Wrong[] = {Value::i32(2), Value::i32(40)};
  Expected<std::vector<Value>> W = callFunc(*F, Wrong);
  ASSERT_FALSE(W);
  EXPECT_EQ(W.takeError().message(), "argument 1 is i32, expected i64");
  Expected<std::vector<Value>> N = callFunc(*F, {});
  ASSERT_FALSE(N);
  EXPECT_EQ(N.takeError().message(), "expected 2 arguments, got 0");
}
