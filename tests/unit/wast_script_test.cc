//===- tests/unit/wast_script_test.cc - kiln::wast script loader ----------===//
#include "tools/kiln/wast/script.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

using namespace kiln::wast;

namespace {

// Wraps command objects (JSON text, comma-separated) into a script.
std::string script(const std::string &Commands) {
  return R"({"source_filename": "t.wast", "commands": [)" + Commands + "]}";
}

Script load(const std::string &Json) {
  Script S;
  std::string Error;
  EXPECT_TRUE(loadScriptFromText(Json, "dir/t.json", S, Error)) << Error;
  return S;
}

// Loads one command, failing the test if it does not load.
Command loadOne(const std::string &CommandJson) {
  Script S = load(script(CommandJson));
  EXPECT_EQ(S.Commands.size(), 1u);
  return S.Commands.empty() ? Command() : S.Commands[0];
}

std::string loadError(const std::string &Json) {
  Script S;
  std::string Error;
  EXPECT_FALSE(loadScriptFromText(Json, "dir/t.json", S, Error));
  return Error;
}

bool contains(const std::string &S, const std::string &Part) {
  return S.find(Part) != std::string::npos;
}

// An assert_return of "f" with the given args and expected values.
std::string assertReturn(const std::string &Args, const std::string &Expected) {
  return R"({"type": "assert_return", "line": 3, "action": {"type": "invoke", "field": "f", "args": [)" +
         Args + R"(]}, "expected": [)" + Expected + "]}";
}

std::string invokeArg(const std::string &ValueJson) {
  return assertReturn(ValueJson, "");
}

} // namespace

TEST(WastScript, LoadsFileAndResolvesModulePathsNextToIt) {
  char Dir[] = "/tmp/kiln_wast_script_testXXXXXX";
  ASSERT_NE(mkdtemp(Dir), nullptr);
  std::string Path = std::string(Dir) + "/m.json";
  std::FILE *F = std::fopen(Path.c_str(), "wb");
  ASSERT_NE(F, nullptr);
  std::string Json = R"({"source_filename": "m.wast",
 "commands": [
  {"type": "module", "line": 1, "filename": "m.0.wasm"}
 ]}
)";
  std::fwrite(Json.data(), 1, Json.size(), F);
  std::fclose(F);

  Script S;
  std::string Error;
  ASSERT_TRUE(loadScript(Path, S, Error)) << Error;
  EXPECT_EQ(S.SourceFilename, "m.wast");
  EXPECT_EQ(S.Dir, Dir);
  ASSERT_EQ(S.Commands.size(), 1u);
  EXPECT_EQ(S.pathOf(S.Commands[0]), std::string(Dir) + "/m.0.wasm");

  std::remove(Path.c_str());
  rmdir(Dir);
}

TEST(WastScript, ReportsMissingFileByName) {
  Script S;
  std::string Error;
  EXPECT_FALSE(loadScript("/nonexistent/kiln/x.json", S, Error));
  EXPECT_TRUE(contains(Error, "/nonexistent/kiln/x.json")) << Error;
}

TEST(WastScript, DirIsDotForBarePath) {
  Script S;
  std::string Error;
  ASSERT_TRUE(loadScriptFromText(script(""), "t.json", S, Error)) << Error;
  EXPECT_EQ(S.Dir, ".");
  EXPECT_TRUE(S.Commands.empty());
}

TEST(WastScript, ReadsModuleCommandWithName) {
  Command C = loadOne(
      R"({"type": "module", "line": 3, "name": "$M1", "filename": "b.2.wasm"})");
  EXPECT_EQ(C.Kind, CommandKind::Module);
  EXPECT_EQ(C.Line, 3u);
  EXPECT_EQ(C.Filename, "b.2.wasm");
  EXPECT_EQ(C.ModType, ModuleType::Binary); // absent on module commands
  ASSERT_TRUE(C.Name);
  EXPECT_EQ(*C.Name, "$M1");
  EXPECT_FALSE(
      loadOne(R"({"type": "module", "line": 1, "filename": "a.wasm"})").Name);
}

TEST(WastScript, ReadsModuleAssertionsWithTypeAndText) {
  Command C = loadOne(R"({"type": "assert_malformed", "line": 8,
      "filename": "const.2.wat", "text": "unexpected token", "module_type": "text"})");
  EXPECT_EQ(C.Kind, CommandKind::AssertMalformed);
  EXPECT_EQ(C.ModType, ModuleType::Text);
  EXPECT_EQ(C.Text, "unexpected token");
  const char *Kinds[] = {"assert_invalid", "assert_unlinkable",
                         "assert_uninstantiable"};
  for (const char *K : Kinds) {
    Command D = loadOne(
        std::string(R"({"type": ")") + K +
        R"(", "line": 1, "filename": "x.1.wasm", "text": "t", "module_type": "binary"})");
    EXPECT_STREQ(commandKindName(D.Kind), K);
    EXPECT_EQ(D.ModType, ModuleType::Binary);
  }
}

TEST(WastScript, RequiresModuleTypeOnModuleAssertions) {
  EXPECT_TRUE(contains(loadError(script(R"({"type": "assert_invalid", "line": 4,
      "filename": "x.1.wasm", "text": "t"})")),
                       "module_type"));
  EXPECT_TRUE(contains(loadError(script(R"({"type": "assert_invalid", "line": 4,
      "filename": "x.1.wasm", "text": "t", "module_type": "wasm"})")),
                       "unknown module_type"));
}

TEST(WastScript, RejectsFilenameOutsideScriptDirectory) {
  for (const char *Name : {"../x.wasm", "/etc/passwd", "a\\\\b.wasm", "", ".."})
    EXPECT_TRUE(contains(
        loadError(script(
            std::string(R"({"type": "module", "line": 2, "filename": ")") +
            Name + "\"}")),
        "plain file name"))
        << Name;
}

TEST(WastScript, ReadsRegisterWithAndWithoutModuleName) {
  Command C = loadOne(
      R"({"type": "register", "line": 572, "name": "$module1", "as": "module1"})");
  EXPECT_EQ(C.Kind, CommandKind::Register);
  ASSERT_TRUE(C.Name);
  EXPECT_EQ(*C.Name, "$module1");
  EXPECT_EQ(C.As, "module1");
  Command D = loadOne(R"({"type": "register", "line": 21, "as": "test"})");
  EXPECT_FALSE(D.Name);
  EXPECT_EQ(D.As, "test");
}

TEST(WastScript, ReadsScalarArgsAsRawBits) {
  Command C = loadOne(invokeArg(R"({"type": "i32", "value": "4294967295"},
      {"type": "i64", "value": "18446744073709551615"},
      {"type": "f32", "value": "2143289344"},
      {"type": "f64", "value": "9221120237041090560"})"));
  ASSERT_TRUE(C.Act);
  EXPECT_EQ(C.Act->Kind, ActionKind::Invoke);
  EXPECT_FALSE(C.Act->Module);
  EXPECT_EQ(C.Act->Field, "f");
  ASSERT_EQ(C.Act->Args.size(), 4u);
  EXPECT_EQ(C.Act->Args[0].Type, ValueType::I32);
  EXPECT_EQ(C.Act->Args[0].Bits, 0xffffffffu);
  EXPECT_EQ(C.Act->Args[1].Type, ValueType::I64);
  EXPECT_EQ(C.Act->Args[1].Bits, UINT64_MAX);
  EXPECT_EQ(C.Act->Args[2].Type, ValueType::F32);
  EXPECT_EQ(C.Act->Args[2].Bits, 0x7fc00000u); // a NaN, as bits
  EXPECT_EQ(C.Act->Args[2].Nan, NanPattern::None);
  EXPECT_EQ(C.Act->Args[3].Bits, 0x7ff8000000000000u);
  EXPECT_TRUE(C.Expected.empty());
}

TEST(WastScript, RejectsScalarOutOfRangeForItsType) {
  EXPECT_TRUE(contains(
      loadError(script(invokeArg(R"({"type": "i32", "value": "4294967296"})"))),
      "bad i32 value"));
  loadError(script(invokeArg(R"({"type": "f32", "value": "4294967296"})")));
  loadError(
      script(invokeArg(R"({"type": "i64", "value": "18446744073709551616"})")));
  loadError(script(invokeArg(R"({"type": "i32", "value": "-1"})")));
  loadError(script(invokeArg(R"({"type": "i32", "value": ""})")));
  loadError(script(invokeArg(R"({"type": "i32", "value": 5})")));
}

TEST(WastScript, ReadsNanPatternsOfExpectedFloats) {
  Command C =
      loadOne(assertReturn("", R"({"type": "f32", "value": "nan:canonical"},
      {"type": "f64", "value": "nan:arithmetic"}, {"type": "f32", "value": "0"})"));
  ASSERT_EQ(C.Expected.size(), 3u);
  EXPECT_EQ(C.Expected[0].Nan, NanPattern::Canonical);
  EXPECT_TRUE(C.Expected[0].hasNanPattern());
  EXPECT_EQ(C.Expected[1].Nan, NanPattern::Arithmetic);
  EXPECT_EQ(C.Expected[2].Nan, NanPattern::None);
  EXPECT_FALSE(C.Expected[2].hasNanPattern());
}

TEST(WastScript, RejectsNanPatternWhereOnlyBitsMakeSense) {
  loadError(script(invokeArg(R"({"type": "f32", "value": "nan:canonical"})")));
  loadError(
      script(assertReturn("", R"({"type": "i32", "value": "nan:canonical"})")));
  loadError(script(assertReturn("", R"({"type": "f32", "value": "nan"})")));
}

TEST(WastScript, ReadsReferenceValues) {
  Command C = loadOne(assertReturn(
      R"({"type": "externref", "value": "1"}, {"type": "funcref", "value": "null"})",
      R"({"type": "externref", "value": "null"})"));
  ASSERT_EQ(C.Act->Args.size(), 2u);
  EXPECT_EQ(C.Act->Args[0].Type, ValueType::ExternRef);
  EXPECT_FALSE(C.Act->Args[0].IsNull);
  EXPECT_EQ(C.Act->Args[0].Bits, 1u);
  EXPECT_EQ(C.Act->Args[1].Type, ValueType::FuncRef);
  EXPECT_TRUE(C.Act->Args[1].IsNull);
  EXPECT_TRUE(C.Expected[0].IsNull);
}

TEST(WastScript, ReadsV128LanesOfAssertReturn) {
  Command C = loadOne(assertReturn(
      R"({"type": "v128", "lane_type": "i16", "value": ["32768", "1", "65535", "0", "0", "0", "0", "4660"]})",
      R"({"type": "v128", "lane_type": "i64", "value": ["1", "18446744073709551615"]})"));
  const Value &A = C.Act->Args[0];
  EXPECT_EQ(A.Type, ValueType::V128);
  EXPECT_EQ(A.Lanes, LaneType::I16);
  EXPECT_EQ(A.laneCount(), 8u);
  // Little-endian lanes, as in memory.
  EXPECT_EQ(A.Bytes[0], 0x00);
  EXPECT_EQ(A.Bytes[1], 0x80);
  EXPECT_EQ(A.Bytes[2], 0x01);
  EXPECT_EQ(A.Bytes[4], 0xff);
  EXPECT_EQ(A.Bytes[14], 0x34);
  EXPECT_EQ(A.Bytes[15], 0x12);
  EXPECT_EQ(A.lane(0), 32768u);
  EXPECT_EQ(A.lane(7), 4660u);
  const Value &E = C.Expected[0];
  EXPECT_EQ(E.Lanes, LaneType::I64);
  EXPECT_EQ(E.laneCount(), 2u);
  EXPECT_EQ(E.lane(0), 1u);
  EXPECT_EQ(E.lane(1), UINT64_MAX);
  for (int I = 8; I < 16; ++I)
    EXPECT_EQ(E.Bytes[I], 0xff);
}

TEST(WastScript, ReadsNanPatternsInV128Lanes) {
  Command C = loadOne(assertReturn(
      "",
      R"({"type": "v128", "lane_type": "f32", "value": ["nan:canonical", "1065353216", "nan:arithmetic", "0"]})"));
  const Value &E = C.Expected[0];
  EXPECT_EQ(E.laneNan(0), NanPattern::Canonical);
  EXPECT_EQ(E.laneNan(1), NanPattern::None);
  EXPECT_EQ(E.lane(1), 0x3f800000u);
  EXPECT_EQ(E.laneNan(2), NanPattern::Arithmetic);
  EXPECT_EQ(E.lane(0), 0u);
  EXPECT_TRUE(E.hasNanPattern());
  // Integer lanes cannot be NaN; arguments must be concrete.
  loadError(script(assertReturn(
      "",
      R"({"type": "v128", "lane_type": "i32", "value": ["nan:canonical", "0", "0", "0"]})")));
  loadError(script(invokeArg(
      R"({"type": "v128", "lane_type": "f64", "value": ["nan:canonical", "0"]})")));
}

TEST(WastScript, RejectsWrongV128LaneCountOrRange) {
  EXPECT_TRUE(contains(
      loadError(script(invokeArg(
          R"({"type": "v128", "lane_type": "i32", "value": ["0", "0", "0"]})"))),
      "needs 4 lanes"));
  loadError(script(invokeArg(
      R"({"type": "v128", "lane_type": "i8", "value": ["256", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]})")));
  loadError(script(
      invokeArg(R"({"type": "v128", "lane_type": "i128", "value": ["0"]})")));
  loadError(
      script(invokeArg(R"({"type": "v128", "value": ["0", "0", "0", "0"]})")));
  loadError(script(
      invokeArg(R"({"type": "v128", "lane_type": "i64", "value": "0"})")));
}

TEST(WastScript, ReadsResultTypesOfAssertTrapAndAction) {
  Command C = loadOne(
      R"({"type": "assert_trap", "line": 89, "action": {"type": "invoke",
      "field": "load", "args": [{"type": "i32", "value": "65506"}]},
      "text": "out of bounds memory access", "expected": [{"type": "v128"}, {"type": "externref"}]})");
  EXPECT_EQ(C.Kind, CommandKind::AssertTrap);
  EXPECT_EQ(C.Text, "out of bounds memory access");
  ASSERT_EQ(C.Expected.size(), 2u);
  EXPECT_EQ(C.Expected[0].Type, ValueType::V128);
  EXPECT_FALSE(C.Expected[0].HasValue);
  EXPECT_EQ(C.Expected[1].Type, ValueType::ExternRef);
  EXPECT_FALSE(C.Expected[1].HasValue);

  Command A =
      loadOne(R"({"type": "action", "line": 27, "action": {"type": "invoke",
      "field": "fill", "args": []}, "expected": []})");
  EXPECT_EQ(A.Kind, CommandKind::Action);
  EXPECT_TRUE(A.Expected.empty());

  Command E = loadOne(
      R"({"type": "assert_exhaustion", "line": 337, "action": {"type": "invoke",
      "field": "runaway", "args": []}, "text": "call stack exhausted", "expected": []})");
  EXPECT_EQ(E.Kind, CommandKind::AssertExhaustion);
  EXPECT_EQ(E.Text, "call stack exhausted");
}

TEST(WastScript, RejectsTypeOnlyResultInAssertReturn) {
  EXPECT_TRUE(
      contains(loadError(script(assertReturn("", R"({"type": "i32"})"))),
               "without \"value\""));
  loadError(script(invokeArg(R"({"type": "i32"})")));
}

TEST(WastScript, ReadsGetActionWithModule) {
  Command C =
      loadOne(R"({"type": "assert_return", "line": 9, "action": {"type": "get",
      "module": "$Mg", "field": "glob"}, "expected": [{"type": "i32", "value": "42"}]})");
  ASSERT_TRUE(C.Act);
  EXPECT_EQ(C.Act->Kind, ActionKind::Get);
  ASSERT_TRUE(C.Act->Module);
  EXPECT_EQ(*C.Act->Module, "$Mg");
  EXPECT_EQ(C.Act->Field, "glob");
  EXPECT_EQ(C.Expected[0].Bits, 42u);
}

TEST(WastScript, RejectsUnknownActionType) {
  EXPECT_TRUE(contains(loadError(script(R"({"type": "action", "line": 5,
      "action": {"type": "call", "field": "f", "args": []}})")),
                       "unknown action type \"call\""));
}

TEST(WastScript, ReadsEitherAlternativesOfAssertReturn) {
  Command C = loadOne(
      R"({"type": "assert_return", "line": 14, "action": {"type": "invoke",
      "field": "q", "args": []}, "either": [
      {"type": "v128", "lane_type": "i16", "value": ["32768", "32767", "32766", "0", "0", "0", "0", "0"]},
      {"type": "v128", "lane_type": "i16", "value": ["32767", "32767", "32766", "0", "0", "0", "0", "0"]},
      {"type": "v128", "lane_type": "f32", "value": ["nan:canonical", "0", "0", "0"]}]})");
  EXPECT_TRUE(C.Expected.empty());
  ASSERT_EQ(C.Either.size(), 3u);
  for (const std::vector<Value> &Alt : C.Either)
    EXPECT_EQ(Alt.size(), 1u);
  EXPECT_EQ(C.Either[0][0].lane(0), 32768u);
  EXPECT_EQ(C.Either[1][0].lane(0), 32767u);
  EXPECT_EQ(C.Either[2][0].laneNan(0), NanPattern::Canonical);
}

TEST(WastScript, RequiresExactlyOneOfExpectedAndEither) {
  std::string Head =
      R"({"type": "assert_return", "line": 14, "action": {"type": "invoke", "field": "q", "args": []})";
  loadError(script(Head + "}"));
  loadError(script(
      Head +
      R"(, "expected": [], "either": [{"type": "i32", "value": "1"}]})"));
  loadError(script(Head + R"(, "either": []})"));
}

TEST(WastScript, RejectsUnknownCommandTypeNamingFileAndLine) {
  std::string E = loadError(script(
      R"({"type": "module", "line": 1, "filename": "a.wasm"},
         {"type": "assert_frobnicated", "line": 7})"));
  EXPECT_TRUE(contains(E, "dir/t.json")) << E;
  EXPECT_TRUE(contains(E, "commands[1]")) << E;
  EXPECT_TRUE(contains(E, "line 7")) << E;
  EXPECT_TRUE(contains(E, "unknown command type \"assert_frobnicated\"")) << E;
}

TEST(WastScript, RejectsUnknownValueTypeNamingFileAndLine) {
  std::string E =
      loadError(script(invokeArg(R"({"type": "i128", "value": "0"})")));
  EXPECT_TRUE(contains(E, "dir/t.json")) << E;
  EXPECT_TRUE(contains(E, "line 3")) << E;
  EXPECT_TRUE(contains(E, "unknown value type \"i128\"")) << E;
}

TEST(WastScript, RejectsCommandWithoutValidLine) {
  EXPECT_TRUE(contains(loadError(script(R"({"type": "register", "as": "x"})")),
                       "\"line\""));
  loadError(script(R"({"type": "register", "line": "3", "as": "x"})"));
  loadError(script(R"({"type": "register", "line": -1, "as": "x"})"));
  loadError(script(R"({"type": "register", "line": 1.5, "as": "x"})"));
}

TEST(WastScript, RejectsMissingRequiredFields) {
  EXPECT_TRUE(contains(loadError(script(R"({"type": "register", "line": 2})")),
                       "missing \"as\""));
  loadError(script(R"({"type": "module", "line": 2})"));
  loadError(script(
      R"({"type": "assert_trap", "line": 2, "action": {"type": "invoke", "field": "f", "args": []}})"));
  loadError(script(R"({"type": "assert_return", "line": 2, "expected": []})"));
  loadError(script(
      R"({"type": "action", "line": 2, "action": {"type": "invoke", "field": "f"}})"));
}

TEST(WastScript, ReportsJsonSyntaxErrorWithFileLineAndColumn) {
  std::string E =
      loadError("{\"source_filename\": \"t.wast\",\n \"commands\": [,]}");
  EXPECT_EQ(E.substr(0, 16), "dir/t.json:2:15:") << E;
}

TEST(WastScript, RejectsWrongTopLevelShape) {
  loadError("[]");
  loadError(R"({"commands": []})");
  loadError(R"({"source_filename": "t.wast", "commands": {}})");
  loadError(script("1"));
}

TEST(WastScript, IgnoresUnknownKeys) {
  Command C = loadOne(
      R"({"type": "module", "line": 1, "filename": "a.wasm", "note": [1, {}]})");
  EXPECT_EQ(C.Filename, "a.wasm");
}

TEST(WastScript, CommandKindNamesMatchJsonSpelling) {
  const char *Names[] = {"module",
                         "action",
                         "register",
                         "assert_return",
                         "assert_trap",
                         "assert_exhaustion",
                         "assert_invalid",
                         "assert_malformed",
                         "assert_unlinkable",
                         "assert_uninstantiable"};
  for (unsigned K = 0; K < NumCommandKinds; ++K)
    EXPECT_STREQ(commandKindName(static_cast<CommandKind>(K)), Names[K]);
  EXPECT_STREQ(valueTypeName(ValueType::ExternRef), "externref");
  EXPECT_STREQ(laneTypeName(LaneType::F64), "f64");
}
