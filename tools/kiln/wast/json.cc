//===- tools/kiln/wast/json.cc - A small strict JSON parser ---------------===//
//
// Grammar: RFC 8259. See json.h for why it is strict and iterative.
//
//===----------------------------------------------------------------------===//
#include "tools/kiln/wast/json.h"

#include <algorithm>
#include <utility>

namespace kiln::json {

namespace {
// Returned by accessors used on the wrong kind.
const std::string EmptyString;
const std::vector<Value> EmptyItems;
const std::vector<Value::Member> EmptyMembers;
} // namespace

Value Value::makeBool(bool B) {
  Value V;
  V.K = Kind::Bool;
  V.B = B;
  return V;
}

Value Value::makeNumber(std::string Text) {
  Value V;
  V.K = Kind::Number;
  V.Text = std::move(Text);
  return V;
}

Value Value::makeString(std::string S) {
  Value V;
  V.K = Kind::String;
  V.Text = std::move(S);
  return V;
}

Value Value::makeArray() {
  Value V;
  V.K = Kind::Array;
  return V;
}

Value Value::makeObject() {
  Value V;
  V.K = Kind::Object;
  return V;
}

const std::string &Value::asString() const {
  return K == Kind::String ? Text : EmptyString;
}

const std::string &Value::numberText() const {
  return K == Kind::Number ? Text : EmptyString;
}

std::optional<int64_t> Value::asInt64() const {
  if (K != Kind::Number || Text.empty())
    return std::nullopt;
  size_t I = 0;
  bool Negative = Text[0] == '-';
  if (Negative)
    I = 1;
  if (I == Text.size())
    return std::nullopt;
  // Accumulate as a negative number: its range includes INT64_MIN.
  int64_t Acc = 0;
  for (; I < Text.size(); ++I) {
    char C = Text[I];
    if (C < '0' || C > '9')
      return std::nullopt; // fraction or exponent
    int D = C - '0';
    if (Acc < (INT64_MIN + D) / 10)
      return std::nullopt;
    Acc = Acc * 10 - D;
  }
  if (!Negative) {
    if (Acc == INT64_MIN)
      return std::nullopt;
    Acc = -Acc;
  }
  return Acc;
}

const std::vector<Value> &Value::asArray() const {
  return K == Kind::Array ? Items : EmptyItems;
}

const std::vector<Value::Member> &Value::members() const {
  return K == Kind::Object ? Members : EmptyMembers;
}

const Value *Value::get(std::string_view Key) const {
  if (K != Kind::Object)
    return nullptr;
  // Linear: wast2json objects have a handful of keys, and parse() has
  // already rejected duplicates, so the first match is the only one.
  for (const Member &M : Members)
    if (M.Key == Key)
      return &M.Val;
  return nullptr;
}

namespace {

std::string describeByte(unsigned char C) {
  if (C < 0x20 || C >= 0x7f) {
    static const char Hex[] = "0123456789abcdef";
    std::string S = "byte 0x";
    S += Hex[C >> 4];
    S += Hex[C & 15];
    return S;
  }
  return std::string("'") + static_cast<char>(C) + "'";
}

class Parser {
public:
  Parser(std::string_view In, unsigned MaxDepth) : In(In), MaxDepth(MaxDepth) {}

  ParseResult run();

private:
  // An array or object that is still open. Children are moved into it only
  // once complete, so no pointer into a growing vector is ever held.
  struct Frame {
    Value Container;
    std::string Key; // object: the key of the member being parsed
    size_t Start;    // offset of '[' or '{', for error messages
  };

  bool fail(size_t At, std::string Msg) {
    ErrPos = At;
    Err = std::move(Msg);
    return false;
  }
  bool atEnd() const { return Pos >= In.size(); }
  char peek() const { return atEnd() ? '\0' : In[Pos]; }
  void skipWhitespace() {
    while (!atEnd() && (In[Pos] == ' ' || In[Pos] == '\t' || In[Pos] == '\n' ||
                        In[Pos] == '\r'))
      ++Pos;
  }

  bool parseScalar(Value &Out);
  bool parseLiteral(std::string_view Word, Value V, Value &Out);
  bool parseNumber(Value &Out);
  bool parseString(std::string &Out);
  bool parseHex4(unsigned &Out);
  bool copyUtf8Sequence(std::string &Out);
  bool parseMemberKey(Frame &F);
  bool checkDuplicateKeys(const Frame &F);
  std::string position(size_t At) const;
  // What is at Pos, for "expected X but found Y" messages.
  std::string found() const {
    return atEnd() ? "end of input"
                   : describeByte(static_cast<unsigned char>(In[Pos]));
  }

  std::string_view In;
  unsigned MaxDepth;
  size_t Pos = 0;
  std::string Err;
  size_t ErrPos = 0;
};

// 1-based line and column; the column counts characters, not bytes, so that
// it matches what an editor shows for non-ASCII text.
std::string Parser::position(size_t At) const {
  unsigned Line = 1, Column = 1;
  for (size_t I = 0; I < At && I < In.size(); ++I) {
    unsigned char C = static_cast<unsigned char>(In[I]);
    if (C == '\n') {
      ++Line;
      Column = 1;
    } else if ((C & 0xc0) != 0x80) {
      ++Column;
    }
  }
  return std::to_string(Line) + ":" + std::to_string(Column);
}

ParseResult Parser::run() {
  ParseResult R;
  std::vector<Frame> Stack;
  Value Done; // the most recently completed value

  skipWhitespace();
  for (;;) {
    // Here a value must start.
    char C = peek();
    if (C == '[' || C == '{') {
      if (Stack.size() >= MaxDepth) {
        fail(Pos, "nesting deeper than " + std::to_string(MaxDepth));
        break;
      }
      bool IsObject = C == '{';
      Stack.push_back(Frame{IsObject ? Value::makeObject() : Value::makeArray(),
                            std::string(), Pos});
      ++Pos;
      skipWhitespace();
      if (peek() == (IsObject ? '}' : ']')) {
        ++Pos;
        Done = std::move(Stack.back().Container);
        Stack.pop_back();
      } else {
        if (IsObject && !parseMemberKey(Stack.back()))
          break;
        continue; // parse the first element / member value
      }
    } else if (!parseScalar(Done)) {
      break;
    }

    // Here Done is complete: attach it to its container, then see what
    // follows. Closing a container completes it, so this loops upwards.
    bool NextValue = false;
    while (!NextValue) {
      if (Stack.empty()) {
        skipWhitespace();
        if (!atEnd()) {
          fail(Pos, "unexpected " + found() + " after the value");
          break;
        }
        R.V = std::move(Done);
        return R;
      }
      Frame &Top = Stack.back();
      bool IsObject = Top.Container.isObject();
      if (IsObject)
        Top.Container.membersMut().push_back(
            Value::Member{std::move(Top.Key), std::move(Done)});
      else
        Top.Container.items().push_back(std::move(Done));
      skipWhitespace();
      char Close = IsObject ? '}' : ']';
      if (peek() == ',') {
        ++Pos;
        skipWhitespace();
        if (peek() == Close) {
          fail(Pos, std::string("trailing comma before '") + Close + "'");
          break;
        }
        if (IsObject && !parseMemberKey(Top))
          break;
        NextValue = true;
      } else if (peek() == Close) {
        ++Pos;
        if (IsObject && !checkDuplicateKeys(Top))
          break;
        Done = std::move(Top.Container);
        Stack.pop_back();
      } else {
        fail(Pos, std::string("expected ',' or '") + Close + "' but found " +
                      found());
        break;
      }
    }
    if (!Err.empty())
      break;
    skipWhitespace();
  }
  R.Error = position(ErrPos) + ": " + Err;
  return R;
}

// Reads `"key" :` and leaves Pos at the member's value.
bool Parser::parseMemberKey(Frame &F) {
  if (peek() != '"')
    return fail(Pos, "expected a string key but found " + found());
  F.Key.clear();
  if (!parseString(F.Key))
    return false;
  skipWhitespace();
  if (peek() != ':')
    return fail(Pos, "expected ':' after key but found " + found());
  ++Pos;
  skipWhitespace();
  return true;
}

// RFC 8259 only says keys SHOULD be unique; we insist, because get() would
// silently pick one of two conflicting values.
bool Parser::checkDuplicateKeys(const Frame &F) {
  const std::vector<Value::Member> &M = F.Container.members();
  auto Duplicate = [&](const std::string &Key) {
    return fail(F.Start, "duplicate key \"" + Key + "\" in object");
  };
  if (M.size() <= 8) { // the common case: no allocation
    for (size_t I = 1; I < M.size(); ++I)
      for (size_t J = 0; J < I; ++J)
        if (M[I].Key == M[J].Key)
          return Duplicate(M[I].Key);
    return true;
  }
  // Sorting keeps huge hostile objects from costing quadratic time.
  std::vector<std::string_view> Keys;
  Keys.reserve(M.size());
  for (const Value::Member &Mem : M)
    Keys.push_back(Mem.Key);
  std::sort(Keys.begin(), Keys.end());
  for (size_t I = 1; I < Keys.size(); ++I)
    if (Keys[I] == Keys[I - 1])
      return Duplicate(std::string(Keys[I]));
  return true;
}

bool Parser::parseScalar(Value &Out) {
  switch (peek()) {
  case '"': {
    std::string S;
    if (!parseString(S))
      return false;
    Out = Value::makeString(std::move(S));
    return true;
  }
  case 't':
    return parseLiteral("true", Value::makeBool(true), Out);
  case 'f':
    return parseLiteral("false", Value::makeBool(false), Out);
  case 'n':
    return parseLiteral("null", Value(), Out);
  default:
    if (!atEnd() && (peek() == '-' || (peek() >= '0' && peek() <= '9')))
      return parseNumber(Out);
    break;
  }
  return fail(Pos, "expected a value but found " + found());
}

bool Parser::parseLiteral(std::string_view Word, Value V, Value &Out) {
  if (In.substr(Pos, Word.size()) != Word)
    return fail(Pos, "invalid literal (expected '" + std::string(Word) + "')");
  Pos += Word.size();
  Out = std::move(V);
  return true;
}

bool Parser::parseNumber(Value &Out) {
  size_t Start = Pos;
  auto Digit = [&] { return peek() >= '0' && peek() <= '9'; };
  if (peek() == '-')
    ++Pos;
  if (peek() == '0') {
    ++Pos;
    if (Digit())
      return fail(Start, "leading zero in number");
  } else if (Digit()) {
    while (Digit())
      ++Pos;
  } else {
    return fail(Pos, "expected a digit but found " + found());
  }
  if (peek() == '.') {
    ++Pos;
    if (!Digit())
      return fail(Pos, "expected a digit after '.' but found " + found());
    while (Digit())
      ++Pos;
  }
  if (peek() == 'e' || peek() == 'E') {
    ++Pos;
    if (peek() == '+' || peek() == '-')
      ++Pos;
    if (!Digit())
      return fail(Pos, "expected a digit in exponent but found " + found());
    while (Digit())
      ++Pos;
  }
  Out = Value::makeNumber(std::string(In.substr(Start, Pos - Start)));
  return true;
}

bool Parser::parseHex4(unsigned &Out) {
  Out = 0;
  for (int I = 0; I < 4; ++I) {
    char C = peek();
    unsigned D;
    if (C >= '0' && C <= '9')
      D = static_cast<unsigned>(C - '0');
    else if (C >= 'a' && C <= 'f')
      D = static_cast<unsigned>(C - 'a' + 10);
    else if (C >= 'A' && C <= 'F')
      D = static_cast<unsigned>(C - 'A' + 10);
    else
      return fail(Pos,
                  "expected a hex digit in \\u escape but found " + found());
    Out = Out * 16 + D;
    ++Pos;
  }
  return true;
}

void appendUtf8(std::string &Out, unsigned CP) {
  if (CP < 0x80) {
    Out += static_cast<char>(CP);
  } else if (CP < 0x800) {
    Out += static_cast<char>(0xc0 | (CP >> 6));
    Out += static_cast<char>(0x80 | (CP & 0x3f));
  } else if (CP < 0x10000) {
    Out += static_cast<char>(0xe0 | (CP >> 12));
    Out += static_cast<char>(0x80 | ((CP >> 6) & 0x3f));
    Out += static_cast<char>(0x80 | (CP & 0x3f));
  } else {
    Out += static_cast<char>(0xf0 | (CP >> 18));
    Out += static_cast<char>(0x80 | ((CP >> 12) & 0x3f));
    Out += static_cast<char>(0x80 | ((CP >> 6) & 0x3f));
    Out += static_cast<char>(0x80 | (CP & 0x3f));
  }
}

// Copies one multi-byte UTF-8 sequence starting at Pos, rejecting overlong
// forms, encoded surrogates and code points above U+10FFFF (RFC 3629), so
// every string in the tree is valid UTF-8.
bool Parser::copyUtf8Sequence(std::string &Out) {
  auto Byte = [&](size_t I) {
    return Pos + I < In.size() ? static_cast<unsigned char>(In[Pos + I]) : 0u;
  };
  unsigned Lead = Byte(0);
  size_t Len;
  unsigned Lo = 0x80, Hi = 0xbf; // allowed range of the second byte
  if (Lead >= 0xc2 && Lead <= 0xdf) {
    Len = 2;
  } else if (Lead >= 0xe0 && Lead <= 0xef) {
    Len = 3;
    if (Lead == 0xe0)
      Lo = 0xa0; // overlong
    if (Lead == 0xed)
      Hi = 0x9f; // surrogates
  } else if (Lead >= 0xf0 && Lead <= 0xf4) {
    Len = 4;
    if (Lead == 0xf0)
      Lo = 0x90; // overlong
    if (Lead == 0xf4)
      Hi = 0x8f; // above U+10FFFF
  } else {
    return fail(Pos, "invalid UTF-8 in string");
  }
  if (Byte(1) < Lo || Byte(1) > Hi)
    return fail(Pos, "invalid UTF-8 in string");
  for (size_t I = 2; I < Len; ++I)
    if (Byte(I) < 0x80 || Byte(I) > 0xbf)
      return fail(Pos, "invalid UTF-8 in string");
  Out.append(In.substr(Pos, Len));
  Pos += Len;
  return true;
}

bool Parser::parseString(std::string &Out) {
  size_t Start = Pos;
  ++Pos; // opening quote
  for (;;) {
    // Copy the run of plain ASCII in one go.
    size_t Run = Pos;
    while (Run < In.size()) {
      unsigned char C = static_cast<unsigned char>(In[Run]);
      if (C == '"' || C == '\\' || C < 0x20 || C >= 0x80)
        break;
      ++Run;
    }
    Out.append(In.substr(Pos, Run - Pos));
    Pos = Run;
    if (atEnd())
      return fail(Start, "unterminated string");
    unsigned char C = static_cast<unsigned char>(In[Pos]);
    if (C == '"') {
      ++Pos;
      return true;
    }
    if (C < 0x20)
      return fail(Pos, "control character " + describeByte(C) +
                           " in string must be escaped");
    if (C >= 0x80) {
      if (!copyUtf8Sequence(Out))
        return false;
      continue;
    }
    // A backslash escape.
    size_t EscapeStart = Pos;
    ++Pos;
    if (atEnd())
      return fail(Start, "unterminated string");
    char E = In[Pos++];
    switch (E) {
    case '"':
      Out += '"';
      break;
    case '\\':
      Out += '\\';
      break;
    case '/':
      Out += '/';
      break;
    case 'b':
      Out += '\b';
      break;
    case 'f':
      Out += '\f';
      break;
    case 'n':
      Out += '\n';
      break;
    case 'r':
      Out += '\r';
      break;
    case 't':
      Out += '\t';
      break;
    case 'u': {
      unsigned CP;
      if (!parseHex4(CP))
        return false;
      if (CP >= 0xdc00 && CP <= 0xdfff)
        return fail(EscapeStart, "unpaired low surrogate in \\u escape");
      if (CP >= 0xd800 && CP <= 0xdbff) {
        // UTF-16 surrogate pair: the low half must follow immediately.
        if (In.substr(Pos, 2) != "\\u")
          return fail(EscapeStart, "unpaired high surrogate in \\u escape");
        Pos += 2;
        unsigned Low;
        if (!parseHex4(Low))
          return false;
        if (Low < 0xdc00 || Low > 0xdfff)
          return fail(EscapeStart, "unpaired high surrogate in \\u escape");
        CP = 0x10000 + ((CP - 0xd800) << 10) + (Low - 0xdc00);
      }
      appendUtf8(Out, CP);
      break;
    }
    default:
      return fail(EscapeStart, "invalid escape character " +
                                   describeByte(static_cast<unsigned char>(E)) +
                                   " after '\\' in string");
    }
  }
}

} // namespace

ParseResult parse(std::string_view Text, unsigned MaxDepth) {
  return Parser(Text, MaxDepth).run();
}

static void writeString(std::string &Out, const std::string &S) {
  Out += '"';
  for (char Ch : S) {
    unsigned char C = static_cast<unsigned char>(Ch);
    if (C == '"' || C == '\\') {
      Out += '\\';
      Out += Ch;
    } else if (C < 0x20) {
      static const char Hex[] = "0123456789abcdef";
      Out += "\\u00";
      Out += Hex[C >> 4];
      Out += Hex[C & 15];
    } else {
      Out += Ch; // valid UTF-8 already (the parser checked it)
    }
  }
  Out += '"';
}

// Recursive like the tree's destructor; the parser's depth limit bounds it.
static void writeValue(std::string &Out, const Value &V) {
  switch (V.kind()) {
  case Value::Kind::Null:
    Out += "null";
    return;
  case Value::Kind::Bool:
    Out += V.asBool() ? "true" : "false";
    return;
  case Value::Kind::Number:
    Out += V.numberText();
    return;
  case Value::Kind::String:
    writeString(Out, V.asString());
    return;
  case Value::Kind::Array: {
    Out += '[';
    bool First = true;
    for (const Value &I : V.asArray()) {
      Out += First ? "" : ",";
      First = false;
      writeValue(Out, I);
    }
    Out += ']';
    return;
  }
  case Value::Kind::Object: {
    Out += '{';
    bool First = true;
    for (const Value::Member &M : V.members()) {
      Out += First ? "" : ",";
      First = false;
      writeString(Out, M.Key);
      Out += ':';
      writeValue(Out, M.Val);
    }
    Out += '}';
    return;
  }
  }
}

std::string serialize(const Value &V) {
  std::string Out;
  writeValue(Out, V);
  return Out;
}

} // namespace kiln::json
