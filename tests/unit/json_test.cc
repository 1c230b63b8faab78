//===- tests/unit/json_test.cc - kiln::json parser ------------------------===//
#include "tools/kiln/wast/json.h"

#include <gtest/gtest.h>

#include <string>

using kiln::json::parse;
using kiln::json::ParseResult;
using kiln::json::Value;

namespace {

// Parses Text, failing the test if it does not parse.
Value ok(std::string_view Text) {
  ParseResult R = parse(Text);
  EXPECT_TRUE(R.V.has_value()) << "input: " << Text << "\nerror: " << R.Error;
  return R.V ? *R.V : Value();
}

// Parses Text expecting an error, which is returned.
std::string err(std::string_view Text, unsigned MaxDepth = 256) {
  ParseResult R = parse(Text, MaxDepth);
  EXPECT_FALSE(R.V.has_value()) << "input should not parse: " << Text;
  EXPECT_FALSE(R.Error.empty());
  return R.Error;
}

std::string ofString(std::string_view Text) { return ok(Text).asString(); }

} // namespace

TEST(Json, ParsesScalarsAtTopLevel) {
  EXPECT_TRUE(ok("null").isNull());
  EXPECT_TRUE(ok("true").asBool());
  Value F = ok("false");
  EXPECT_TRUE(F.isBool());
  EXPECT_FALSE(F.asBool());
  EXPECT_EQ(ok("\"hi\"").asString(), "hi");
  EXPECT_EQ(ok(" \t\r\n 42 \n").numberText(), "42");
}

TEST(Json, KeepsNumberTextVerbatim) {
  EXPECT_EQ(ok("-1.50e+10").numberText(), "-1.50e+10");
  EXPECT_EQ(ok("0.0").numberText(), "0.0");
  EXPECT_EQ(ok("1E-3").numberText(), "1E-3");
  EXPECT_EQ(ok("-0").numberText(), "-0");
}

TEST(Json, ReadsIntegerNumbersAsInt64) {
  EXPECT_EQ(ok("637").asInt64(), 637);
  EXPECT_EQ(ok("-0").asInt64(), 0);
  EXPECT_EQ(ok("9223372036854775807").asInt64(), INT64_MAX);
  EXPECT_EQ(ok("-9223372036854775808").asInt64(), INT64_MIN);
}

TEST(Json, Int64IsAbsentForFractionsExponentsAndOverflow) {
  EXPECT_FALSE(ok("1.5").asInt64());
  EXPECT_FALSE(ok("1e3").asInt64());
  EXPECT_FALSE(ok("9223372036854775808").asInt64());
  EXPECT_FALSE(ok("-9223372036854775809").asInt64());
  EXPECT_FALSE(ok("\"12\"").asInt64());
}

TEST(Json, ParsesNestedContainersInDocumentOrder) {
  Value V = ok(R"({"b": [1, {"c": null}, []], "a": {}, "z": "s"})");
  ASSERT_TRUE(V.isObject());
  ASSERT_EQ(V.members().size(), 3u);
  EXPECT_EQ(V.members()[0].Key, "b");
  EXPECT_EQ(V.members()[1].Key, "a");
  EXPECT_EQ(V.members()[2].Key, "z");
  const Value *B = V.get("b");
  ASSERT_TRUE(B && B->isArray());
  ASSERT_EQ(B->asArray().size(), 3u);
  EXPECT_EQ(B->asArray()[0].asInt64(), 1);
  EXPECT_TRUE(B->asArray()[1].get("c")->isNull());
  EXPECT_TRUE(B->asArray()[2].isArray());
  EXPECT_TRUE(B->asArray()[2].asArray().empty());
  EXPECT_TRUE(V.get("a")->isObject());
  EXPECT_EQ(V.get("z")->asString(), "s");
}

TEST(Json, GetReturnsNullForMissingKeyOrNonObject) {
  Value V = ok(R"({"a": 1})");
  EXPECT_EQ(V.get("b"), nullptr);
  EXPECT_EQ(ok("[1]").get("a"), nullptr);
  EXPECT_EQ(ok("\"a\"").get("a"), nullptr);
}

TEST(Json, AccessorsOnWrongKindReturnEmpty) {
  Value N = ok("5");
  EXPECT_EQ(N.asString(), "");
  EXPECT_TRUE(N.asArray().empty());
  EXPECT_TRUE(N.members().empty());
  EXPECT_FALSE(N.asBool());
  EXPECT_EQ(ok("\"5\"").numberText(), "");
}

TEST(Json, DecodesSimpleEscapes) {
  EXPECT_EQ(ofString(R"("\" \\ \/ \b \f \n \r \t")"), "\" \\ / \b \f \n \r \t");
}

TEST(Json, DecodesUnicodeEscapeToUtf8) {
  EXPECT_EQ(ofString(R"("\u0041")"), "A");
  EXPECT_EQ(ofString(R"("\u00e9")"), "\xc3\xa9");
  EXPECT_EQ(ofString(R"("\u20AC")"), "\xe2\x82\xac");
  EXPECT_EQ(ofString(R"("\uFFFF")"), "\xef\xbf\xbf");
}

TEST(Json, KeepsEscapedNulInString) {
  // names.wast exports fields named with control characters, NUL included.
  std::string S = ofString(R"("a\u0000b")");
  ASSERT_EQ(S.size(), 3u);
  EXPECT_EQ(S[1], '\0');
}

TEST(Json, DecodesSurrogatePairEscape) {
  EXPECT_EQ(ofString(R"("\ud83d\ude00")"), "\xf0\x9f\x98\x80"); // U+1F600
  EXPECT_EQ(ofString(R"("\uDBFF\uDFFF")"), "\xf4\x8f\xbf\xbf"); // U+10FFFF
}

TEST(Json, RejectsUnpairedHighSurrogate) {
  err(R"("\ud83d")");
  err(R"("\ud83dx")");
  err(R"("\ud83d\u0041")");
  err(R"("\ud83d\ud83d")");
}

TEST(Json, RejectsLoneLowSurrogate) { err(R"("\ude00")"); }

TEST(Json, RejectsBadHexInUnicodeEscape) {
  err(R"("\u12G4")");
  err(R"("\u12")");
}

TEST(Json, PassesThroughRawUtf8) {
  EXPECT_EQ(ofString("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""),
            "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST(Json, RejectsInvalidUtf8) {
  err("\"\x80\"");             // lone continuation byte
  err("\"\xc0\x80\"");         // overlong NUL
  err("\"\xe0\x80\xaf\"");     // overlong '/'
  err("\"\xed\xa0\x80\"");     // encoded surrogate
  err("\"\xf4\x90\x80\x80\""); // above U+10FFFF
  err("\"\xf5\x80\x80\x80\"");
  err("\"\xe2\x82\""); // truncated
  err("\"\xff\"");
}

TEST(Json, RejectsRawControlCharacterInString) {
  err("\"a\nb\"");
  err("\"a\tb\"");
  err(std::string_view("\"a\0b\"", 5));
}

TEST(Json, RejectsInvalidEscape) {
  err(R"("\x41")");
  err(R"("\'")");
  err(R"("\U0041")");
}

TEST(Json, RejectsUnterminatedString) {
  err(R"("abc)");
  err(R"("abc\)");
}

TEST(Json, RejectsTrailingComma) {
  EXPECT_NE(err("[1, 2,]").find("trailing comma"), std::string::npos);
  EXPECT_NE(err(R"({"a": 1,})").find("trailing comma"), std::string::npos);
}

TEST(Json, RejectsMissingOrExtraSeparators) {
  err("[1 2]");
  err(R"({"a" 1})");
  err(R"({"a": 1 "b": 2})");
  err("[,1]");
  err("[1,,2]");
  err(R"({,"a": 1})");
}

TEST(Json, RejectsNonStringKeys) {
  err("{1: 2}");
  err("{a: 2}");
}

TEST(Json, RejectsLeadingZero) {
  err("01");
  err("-01");
  err("[00]");
}

TEST(Json, RejectsMalformedNumbers) {
  for (const char *S : {"-", "1.", ".5", "1e", "1e+", "+1", "0x10", "- 1",
                        "Infinity", "NaN", "-Infinity"})
    err(S);
}

TEST(Json, RejectsBadLiterals) {
  for (const char *S : {"tru", "True", "nul", "falsey", "undefined"})
    err(S);
}

TEST(Json, RejectsEmptyInput) {
  err("");
  err("   \n");
}

TEST(Json, RejectsTrailingContent) {
  err("1 2");
  err("{} {}");
  err("[]]");
  err("null,");
}

TEST(Json, RejectsCommentsAndSingleQuotes) {
  err("// c\n1");
  err("[1 /* c */]");
  err("'a'");
}

TEST(Json, AcceptsOnlyJsonWhitespace) {
  err("\f1");
  err("\v1");
  err(std::string("\xef\xbb\xbf") + "1"); // a byte order mark
}

TEST(Json, RejectsDuplicateKeys) {
  EXPECT_NE(err(R"({"a": 1, "b": 2, "a": 3})").find("duplicate key \"a\""),
            std::string::npos);
  // Large objects take the sorting path.
  std::string Big = "{";
  for (int I = 0; I < 100; ++I)
    Big += "\"k" + std::to_string(I) + "\": 0, ";
  EXPECT_TRUE(parse(Big + "\"last\": 0}").V.has_value());
  EXPECT_NE(err(Big + "\"k42\": 1}").find("duplicate key \"k42\""),
            std::string::npos);
}

TEST(Json, AllowsNestingUpToLimit) {
  std::string S = std::string(256, '[') + std::string(256, ']');
  EXPECT_TRUE(parse(S).V.has_value());
  std::string O;
  for (int I = 0; I < 256; ++I)
    O += "{\"a\":";
  O += "1" + std::string(256, '}');
  EXPECT_TRUE(parse(O).V.has_value());
}

TEST(Json, RejectsNestingDeeperThanLimit) {
  std::string S = std::string(257, '[') + std::string(257, ']');
  EXPECT_NE(err(S).find("nesting deeper than 256"), std::string::npos);
  EXPECT_NE(err("[[[1]]]", 2).find("nesting deeper than 2"), std::string::npos);
  EXPECT_TRUE(parse("[[1]]", 2).V.has_value());
}

TEST(Json, SurvivesHostileNestingWithoutRecursion) {
  // Far deeper than any native stack would take if the parser recursed.
  std::string S(1000000, '[');
  EXPECT_NE(err(S).find("nesting deeper"), std::string::npos);
  // With the limit lifted it fails only because the input ends.
  std::string T(100000, '[');
  EXPECT_NE(err(T, 200000).find("end of input"), std::string::npos);
}

TEST(Json, ReportsLineAndColumnOfError) {
  EXPECT_EQ(err("{\n  \"a\": tru\n}").substr(0, 5), "2:8: ");
  EXPECT_EQ(err("[1,\n2,\n]").substr(0, 4), "3:1:");
  EXPECT_EQ(err("").substr(0, 4), "1:1:");
}

TEST(Json, ColumnCountsCharactersNotBytes) {
  // "é€" is 5 bytes but 2 characters; the stray 'x' is at column 6.
  EXPECT_EQ(err("[\"\xc3\xa9\xe2\x82\xac\"x]").substr(0, 4), "1:6:");
}

TEST(Json, BuildsValuesProgrammatically) {
  Value A = Value::makeArray();
  A.items().push_back(Value::makeNumber("7"));
  Value O = Value::makeObject();
  O.membersMut().push_back({"k", A});
  ASSERT_NE(O.get("k"), nullptr);
  EXPECT_EQ(O.get("k")->asArray()[0].asInt64(), 7);
}

// --- tools/kiln/json_string.h: names from files as JSON literals ----------

#include "tools/kiln/json_string.h"

TEST(JsonString, EscapesQuotesBackslashesAndControlBytes) {
  EXPECT_EQ(kiln::cli::jsonString("a\"b\\c\n\x7f"),
            "\"a\\\"b\\\\c\\u000a\\u007f\"");
}

TEST(JsonString, KeepsValidUtf8AndEscapesInvalidBytes) {
  EXPECT_EQ(kiln::cli::jsonString("\xc3\xa9t\xc3\xa9 \xf0\x9f\x94\xa5"),
            "\"\xc3\xa9t\xc3\xa9 \xf0\x9f\x94\xa5\"");
  // A lone continuation byte, a truncated sequence, an overlong '/' and a
  // UTF-16 surrogate are not UTF-8: each byte becomes its own code point.
  EXPECT_EQ(kiln::cli::jsonString("\x80"), "\"\\u0080\"");
  EXPECT_EQ(kiln::cli::jsonString("\xe2\x82"), "\"\\u00e2\\u0082\"");
  EXPECT_EQ(kiln::cli::jsonString("\xc0\xaf"), "\"\\u00c0\\u00af\"");
  EXPECT_EQ(kiln::cli::jsonString("\xed\xa0\x80"),
            "\"\\u00ed\\u00a0\\u0080\"");
}
