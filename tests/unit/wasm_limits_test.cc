//===- tests/unit/wasm_limits_test.cc - Implementation limits -------------===//
//
// One test per limit of compiler/wasm/limits.h: a module one over it is
// refused with an error of kind Limit that names the limit, the value and
// where (offset and section); where it matters, one at the limit passes.
// Counts are followed by just enough bytes for the decoder to reach the
// limit check, which comes before any element is read.
//
//===----------------------------------------------------------------------===//

#include "compiler/wasm/decoder.h"
#include "compiler/wasm/limits.h"
#include "compiler/wasm/validator.h"
#include "tests/unit/limits_modules.h"

#include <gtest/gtest.h>

#include <string>

using namespace kiln;
using namespace kiln::wasm;
using namespace kiln::test;

namespace {

/// Decodes (and, if that passes, validates) and returns the error.
Error check(const Bytes &M) {
  Expected<Module> D = decodeModule(M);
  if (!D)
    return D.takeError();
  return validateModule(*D);
}

void expectLimit(const Error &E, const std::string &Message, uint64_t Offset,
                 const char *Section) {
  ASSERT_TRUE(bool(E)) << "accepted";
  EXPECT_EQ(E.kind(), ErrorKind::Limit) << E.str();
  EXPECT_EQ(E.message(), Message);
  EXPECT_EQ(E.offset(), Offset) << E.str();
  ASSERT_NE(E.section(), nullptr) << E.str();
  EXPECT_STREQ(E.section(), Section);
}

/// A module whose only section is `Id` with a count of `Count` and
/// `Filler` zero bytes; returns it and the count's offset.
std::pair<Bytes, uint64_t> countSection(uint8_t Id, uint64_t Count,
                                        uint64_t Filler) {
  Bytes M = header();
  uint64_t At = putSection(M, Id, countThenZeros(Count, Filler));
  return {M, At};
}

TEST(WasmLimits, RefusesMoreTypesThanOneMillion) {
  auto [M, At] = countSection(1, MaxTypes + 1, 3ull * (MaxTypes + 1));
  expectLimit(check(M), "too many types: 1000001, the limit is 1000000", At,
              "type");
}

TEST(WasmLimits, AcceptsOneMillionTypes) {
  std::vector<Bytes> Types(MaxTypes, funcType(0, 0));
  EXPECT_FALSE(bool(check(module(Types, 1, {})))) << "refused";
}

TEST(WasmLimits, RefusesATypeWithMoreThanAThousandParams) {
  Bytes M = module({funcType(0, 0), funcType(1001, 0)}, 1, {});
  // Header, section id and size (2 bytes), count, type 0 (3 bytes), form.
  uint64_t At = 8 + 1 + 2 + 1 + 3 + 1;
  expectLimit(check(M),
              "too many parameters in type 1: 1001, the limit is 1000", At,
              "type");
  EXPECT_FALSE(bool(check(module({funcType(1000, 0)}, 1, {}))));
}

TEST(WasmLimits, RefusesATypeWithMoreThanAThousandResults) {
  Bytes M = module({funcType(0, 1001)}, 1, {});
  uint64_t At = 8 + 1 + 2 + 1 + 1 + 1; // ... form, empty param list
  expectLimit(check(M), "too many results in type 0: 1001, the limit is 1000",
              At, "type");
}

TEST(WasmLimits, RefusesMoreImportsThanOneHundredThousand) {
  auto [M, At] = countSection(2, MaxImports + 1, 4ull * (MaxImports + 1));
  expectLimit(check(M), "too many imports: 100001, the limit is 100000", At,
              "import");
}

TEST(WasmLimits, RefusesMoreFunctionsThanOneMillion) {
  auto [M, At] = countSection(3, MaxFunctions + 1, MaxFunctions + 1);
  expectLimit(check(M),
              "too many functions (0 imported, 1000001 defined): 1000001, "
              "the limit is 1000000",
              At, "function");
}

TEST(WasmLimits, RefusesMoreGlobalsThanOneMillion) {
  auto [M, At] = countSection(6, MaxGlobals + 1, 3ull * (MaxGlobals + 1));
  expectLimit(check(M),
              "too many globals (0 imported, 1000001 defined): 1000001, the "
              "limit is 1000000",
              At, "global");
}

TEST(WasmLimits, RefusesMoreExportsThanOneHundredThousand) {
  auto [M, At] = countSection(7, MaxExports + 1, 3ull * (MaxExports + 1));
  expectLimit(check(M), "too many exports: 100001, the limit is 100000", At,
              "export");
}

TEST(WasmLimits, RefusesMoreElementSegmentsThanOneHundredThousand) {
  auto [M, At] =
      countSection(9, MaxElemSegments + 1, 2ull * (MaxElemSegments + 1));
  expectLimit(check(M),
              "too many element segments: 100001, the limit is 100000", At,
              "element");
}

TEST(WasmLimits, RefusesAnElementSegmentOfMoreThanTenMillionItems) {
  // Segment 0: flags 1 (passive), element kind 0, then the item count.
  Bytes P;
  putUleb(P, 1);
  P.push_back(0x01);
  P.push_back(0x00);
  uint64_t CountRel = P.size();
  Bytes Items = countThenZeros(MaxElemSegmentItems + 1,
                               uint64_t(MaxElemSegmentItems) + 1);
  P.insert(P.end(), Items.begin(), Items.end());
  Bytes M = header();
  uint64_t At = putSection(M, 9, P) + CountRel;
  expectLimit(check(M),
              "too many elements in element segment 0: 10000001, the limit "
              "is 10000000",
              At, "element");
}

TEST(WasmLimits, RefusesMoreDataSegmentsThanOneHundredThousand) {
  auto [M, At] =
      countSection(11, MaxDataSegments + 1, 2ull * (MaxDataSegments + 1));
  expectLimit(check(M), "too many data segments: 100001, the limit is 100000",
              At, "data");
}

TEST(WasmLimits, RefusesMoreLocalsThanFiftyThousand) {
  // One run of 50,001 i32 locals.
  Bytes M = header();
  putSection(M, 1, {0x01, 0x60, 0x00, 0x00});
  putSection(M, 3, {0x01, 0x00});
  Bytes Body{0x01};
  uint64_t RunRel = Body.size();
  putUleb(Body, MaxFunctionLocals + 1);
  Body.push_back(0x7f);
  Body.push_back(0x0b);
  Bytes Code{0x01};
  putUleb(Code, Body.size());
  uint64_t BodyRel = Code.size();
  Code.insert(Code.end(), Body.begin(), Body.end());
  uint64_t At = putSection(M, 10, Code) + BodyRel + RunRel;
  Error E = check(M);
  expectLimit(E, "too many locals: 50001, the limit is 50000", At, "code");
  EXPECT_EQ(E.funcIndex(), 0u);
}

TEST(WasmLimits, RefusesAFunctionBodyLargerThanTheLimit) {
  Bytes M = header();
  putSection(M, 1, {0x01, 0x60, 0x00, 0x00});
  putSection(M, 3, {0x01, 0x00});
  Bytes Code{0x01};
  uint64_t EntryRel = Code.size();
  putUleb(Code, MaxFunctionBodySize + 1);
  Code.push_back(0x00); // no locals
  Code.insert(Code.end(), MaxFunctionBodySize - 1, 0x01); // nop
  Code.push_back(0x0b);
  uint64_t At = putSection(M, 10, Code) + EntryRel;
  Error E = check(M);
  expectLimit(E, "function body too large: 7654322 bytes, the limit is "
                 "7654321",
              At, "code");
  EXPECT_EQ(E.funcIndex(), 0u);
}

TEST(WasmLimits, AcceptsAFunctionBodyOfExactlyTheLimit) {
  Bytes M = header();
  putSection(M, 1, {0x01, 0x60, 0x00, 0x00});
  putSection(M, 3, {0x01, 0x00});
  Bytes Code{0x01};
  putUleb(Code, MaxFunctionBodySize);
  Code.push_back(0x00);
  Code.insert(Code.end(), MaxFunctionBodySize - 2, 0x01);
  Code.push_back(0x0b);
  putSection(M, 10, Code);
  EXPECT_FALSE(bool(check(M)));
}

TEST(WasmLimits, RefusesATableLargerThanTenMillionElements) {
  Bytes M = module({funcType(0, 0)}, 1, {}, "f", tables(2, 10'000'001));
  Error E = check(M);
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(E.kind(), ErrorKind::Limit) << E.str();
  EXPECT_EQ(E.message(), "too many initial elements in table 0: 10000001, "
                         "the limit is 10000000");
  EXPECT_STREQ(E.section(), "table");
  EXPECT_FALSE(bool(check(module({funcType(0, 0)}, 1, {}, "f",
                                 tables(1, 10'000'000)))));
}

TEST(WasmLimits, AnInvalidTableIsInvalidBeforeItIsTooLarge) {
  // (table 0xffff_ffff 0 funcref): the spec suite wants "size minimum must
  // not be greater than maximum", not the limit.
  Bytes T{0x01, 0x70, 0x01};
  putUleb(T, 0xffffffffu);
  putUleb(T, 0);
  Error E = check(module({funcType(0, 0)}, 1, {}, "f", T));
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(E.kind(), ErrorKind::Invalid) << E.str();
  EXPECT_NE(E.message().find("size minimum must not be greater than maximum"),
            std::string::npos);
}

} // namespace
