//===- tools/kiln/wast/json.h - A small strict JSON parser ------*- C++ -*-===//
//
// Reads the JSON that wast2json writes for the spec tests (RFC 8259) into a
// `Value` tree. It is part of the runtime-only build, which runs on small
// devices, so it uses no exceptions, no RTTI and no third-party code.
//
// It is strict on purpose: a test script that does not parse exactly is a
// broken script, and guessing would hide that. In particular it rejects
// trailing commas, leading zeros, raw control characters in strings, invalid
// UTF-8, unpaired surrogate escapes and duplicate object keys.
//
// The parser is iterative (an explicit stack on the heap), so nesting depth
// cannot overflow the native stack. The tree's destructor and most
// consumers do recurse, so the depth limit is what keeps them safe.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_WAST_JSON_H
#define KILN_TOOLS_WAST_JSON_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::json {

class Value {
public:
  enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };
  struct Member;

  Value() = default; // null
  static Value makeBool(bool B);
  // Text must be a valid JSON number; it is kept verbatim so callers can
  // read it at whatever precision they need.
  static Value makeNumber(std::string Text);
  static Value makeString(std::string S);
  static Value makeArray();
  static Value makeObject();

  Kind kind() const { return K; }
  bool isNull() const { return K == Kind::Null; }
  bool isBool() const { return K == Kind::Bool; }
  bool isNumber() const { return K == Kind::Number; }
  bool isString() const { return K == Kind::String; }
  bool isArray() const { return K == Kind::Array; }
  bool isObject() const { return K == Kind::Object; }

  // Accessors on the wrong kind return false / empty rather than failing, so
  // a caller that checks the kind once cannot be crashed by odd input.
  bool asBool() const { return K == Kind::Bool && B; }
  const std::string &asString() const;   // contents of a String
  const std::string &numberText() const; // source text of a Number
  // A Number written as an integer (no fraction, no exponent) in range.
  std::optional<int64_t> asInt64() const;
  const std::vector<Value> &asArray() const;
  const std::vector<Member> &members() const; // in document order
  // The member named Key of an Object, or null (also when not an Object).
  const Value *get(std::string_view Key) const;

  // For building trees (the parser, tests); meaningful for that kind only.
  std::vector<Value> &items() { return Items; }
  std::vector<Member> &membersMut() { return Members; }

private:
  Kind K = Kind::Null;
  bool B = false;
  std::string Text; // String contents or Number text
  std::vector<Value> Items;
  std::vector<Member> Members;
};

struct Value::Member {
  std::string Key;
  Value Val;
};

inline constexpr unsigned DefaultMaxDepth = 256;

struct ParseResult {
  std::optional<Value> V; // set on success
  // On failure "LINE:COLUMN: message", 1-based; the column counts
  // characters (UTF-8 code points), as an editor shows them.
  std::string Error;
};

// Parses one JSON text (any value at the top level, surrounded by optional
// whitespace). Arrays and objects nested more than MaxDepth deep are an error.
ParseResult parse(std::string_view Text, unsigned MaxDepth = DefaultMaxDepth);

// Writes `V` as compact JSON that parse() reads back to an equal tree
// (numbers keep their source text; strings are escaped as RFC 8259 needs).
std::string serialize(const Value &V);

} // namespace kiln::json

#endif // KILN_TOOLS_WAST_JSON_H
