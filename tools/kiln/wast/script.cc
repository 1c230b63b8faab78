//===- tools/kiln/wast/script.cc - Typed wast2json spec scripts -----------===//
//
// Turns the JSON tree into Commands, checking each field's presence and type
// so that a script wast2json did not write (or a newer format) is reported
// with its file and line instead of being half-understood.
//
// Unknown keys are ignored: wast2json versions add informative fields, and
// anything that changes meaning would also change a field we do check.
//
//===----------------------------------------------------------------------===//
#include "tools/kiln/wast/script.h"

#include "tools/kiln/wast/json.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace kiln::wast {

namespace {

struct KindName {
  CommandKind Kind;
  const char *Name;
};
// Indexed by CommandKind.
constexpr KindName CommandKinds[NumCommandKinds] = {
    {CommandKind::Module, "module"},
    {CommandKind::Action, "action"},
    {CommandKind::Register, "register"},
    {CommandKind::AssertReturn, "assert_return"},
    {CommandKind::AssertTrap, "assert_trap"},
    {CommandKind::AssertExhaustion, "assert_exhaustion"},
    {CommandKind::AssertInvalid, "assert_invalid"},
    {CommandKind::AssertMalformed, "assert_malformed"},
    {CommandKind::AssertUnlinkable, "assert_unlinkable"},
    {CommandKind::AssertUninstantiable, "assert_uninstantiable"},
};

constexpr const char *ValueTypeNames[] = {"i32",  "i64",     "f32",      "f64",
                                          "v128", "funcref", "externref"};
constexpr const char *LaneTypeNames[] = {"i8",  "i16", "i32",
                                         "i64", "f32", "f64"};

unsigned laneBytes(LaneType T) {
  switch (T) {
  case LaneType::I8:
    return 1;
  case LaneType::I16:
    return 2;
  case LaneType::I32:
  case LaneType::F32:
    return 4;
  case LaneType::I64:
  case LaneType::F64:
    return 8;
  }
  return 4;
}

bool isFloatLane(LaneType T) {
  return T == LaneType::F32 || T == LaneType::F64;
}

std::string quoted(std::string_view S) { return "\"" + std::string(S) + "\""; }

// Where a value is used decides what forms it may take.
enum class ValueUse {
  Arg,        // a concrete value
  Result,     // a concrete value or a NaN pattern
  ResultType, // as Result, or only the type
};

// Unsigned decimal, as wast2json writes bit patterns; at most Max.
bool parseDecimal(std::string_view S, uint64_t Max, uint64_t &Out) {
  if (S.empty())
    return false;
  uint64_t V = 0;
  for (char C : S) {
    if (C < '0' || C > '9')
      return false;
    unsigned D = static_cast<unsigned>(C - '0');
    if (V > (Max - D) / 10)
      return false;
    V = V * 10 + D;
  }
  Out = V;
  return true;
}

std::optional<NanPattern> nanPattern(std::string_view S) {
  if (S == "nan:canonical")
    return NanPattern::Canonical;
  if (S == "nan:arithmetic")
    return NanPattern::Arithmetic;
  return std::nullopt;
}

// Reads a string member. A missing optional member leaves Out untouched.
bool getString(const json::Value &Obj, const char *Key, bool Required,
               std::string &Out, std::string &Msg) {
  const json::Value *V = Obj.get(Key);
  if (!V) {
    if (Required)
      Msg = std::string("missing ") + quoted(Key);
    return !Required;
  }
  if (!V->isString()) {
    Msg = quoted(Key) + " must be a string";
    return false;
  }
  Out = V->asString();
  return true;
}

bool getOptionalString(const json::Value &Obj, const char *Key,
                       std::optional<std::string> &Out, std::string &Msg) {
  if (!Obj.get(Key))
    return true;
  Out.emplace();
  return getString(Obj, Key, true, *Out, Msg);
}

bool getArray(const json::Value &Obj, const char *Key,
              const std::vector<json::Value> *&Out, std::string &Msg) {
  const json::Value *V = Obj.get(Key);
  if (!V) {
    Msg = std::string("missing ") + quoted(Key);
    return false;
  }
  if (!V->isArray()) {
    Msg = quoted(Key) + " must be an array";
    return false;
  }
  Out = &V->asArray();
  return true;
}

bool parseV128Lanes(const json::Value &J, ValueUse Use, Value &Out,
                    std::string &Msg) {
  std::string LaneName;
  if (!getString(J, "lane_type", true, LaneName, Msg))
    return false;
  bool Known = false;
  for (unsigned I = 0; I < 6; ++I)
    if (LaneName == LaneTypeNames[I]) {
      Out.Lanes = static_cast<LaneType>(I);
      Known = true;
    }
  if (!Known) {
    Msg = "unknown v128 lane type " + quoted(LaneName);
    return false;
  }
  const std::vector<json::Value> *Lanes;
  if (!getArray(J, "value", Lanes, Msg))
    return false;
  unsigned Count = Out.laneCount(), Width = laneBytes(Out.Lanes);
  if (Lanes->size() != Count) {
    Msg = "v128 with lane type " + LaneName + " needs " +
          std::to_string(Count) + " lanes, not " +
          std::to_string(Lanes->size());
    return false;
  }
  uint64_t Max = Width == 8 ? UINT64_MAX : (uint64_t(1) << (8 * Width)) - 1;
  for (unsigned I = 0; I < Count; ++I) {
    const json::Value &L = (*Lanes)[I];
    if (!L.isString()) {
      Msg = "v128 lane " + std::to_string(I) + " must be a string";
      return false;
    }
    std::optional<NanPattern> P = nanPattern(L.asString());
    if (P && Use != ValueUse::Arg && isFloatLane(Out.Lanes)) {
      Out.LaneNan[I] = *P;
      continue;
    }
    uint64_t Bits;
    if (!parseDecimal(L.asString(), Max, Bits)) {
      Msg = "bad " + LaneName + " lane value " + quoted(L.asString());
      return false;
    }
    for (unsigned B = 0; B < Width; ++B)
      Out.Bytes[I * Width + B] = static_cast<uint8_t>(Bits >> (8 * B));
  }
  return true;
}

bool parseValue(const json::Value &J, ValueUse Use, Value &Out,
                std::string &Msg) {
  Out = Value();
  if (!J.isObject()) {
    Msg = "a value must be an object";
    return false;
  }
  std::string TypeName;
  if (!getString(J, "type", true, TypeName, Msg))
    return false;
  bool Known = false;
  for (unsigned I = 0; I < 7; ++I)
    if (TypeName == ValueTypeNames[I]) {
      Out.Type = static_cast<ValueType>(I);
      Known = true;
    }
  if (!Known) {
    Msg = "unknown value type " + quoted(TypeName);
    return false;
  }

  if (!J.get("value")) {
    if (Use != ValueUse::ResultType) {
      Msg = TypeName + " value without \"value\"";
      return false;
    }
    Out.HasValue = false;
    return true;
  }
  if (Out.Type == ValueType::V128)
    return parseV128Lanes(J, Use, Out, Msg);

  std::string Text;
  if (!getString(J, "value", true, Text, Msg))
    return false;
  uint64_t Max = UINT64_MAX;
  switch (Out.Type) {
  case ValueType::I32:
  case ValueType::F32:
    Max = UINT32_MAX;
    break;
  case ValueType::F64:
  case ValueType::I64:
    break;
  case ValueType::FuncRef:
  case ValueType::ExternRef:
    if (Text == "null") {
      Out.IsNull = true;
      return true;
    }
    break;
  case ValueType::V128:
    break; // handled above
  }
  bool IsFloat = Out.Type == ValueType::F32 || Out.Type == ValueType::F64;
  if (std::optional<NanPattern> P = nanPattern(Text);
      P && IsFloat && Use != ValueUse::Arg) {
    Out.Nan = *P;
    return true;
  }
  if (!parseDecimal(Text, Max, Out.Bits)) {
    Msg = "bad " + TypeName + " value " + quoted(Text);
    return false;
  }
  return true;
}

bool parseValues(const std::vector<json::Value> &J, ValueUse Use,
                 std::vector<Value> &Out, std::string &Msg) {
  Out.resize(J.size());
  for (size_t I = 0; I < J.size(); ++I)
    if (!parseValue(J[I], Use, Out[I], Msg))
      return false;
  return true;
}

bool parseAction(const json::Value &J, Action &Out, std::string &Msg) {
  if (!J.isObject()) {
    Msg = "\"action\" must be an object";
    return false;
  }
  std::string Type;
  if (!getString(J, "type", true, Type, Msg))
    return false;
  if (Type == "invoke") {
    Out.Kind = ActionKind::Invoke;
  } else if (Type == "get") {
    Out.Kind = ActionKind::Get;
  } else {
    Msg = "unknown action type " + quoted(Type);
    return false;
  }
  if (!getOptionalString(J, "module", Out.Module, Msg) ||
      !getString(J, "field", true, Out.Field, Msg))
    return false;
  if (Out.Kind == ActionKind::Get)
    return true;
  const std::vector<json::Value> *Args;
  return getArray(J, "args", Args, Msg) &&
         parseValues(*Args, ValueUse::Arg, Out.Args, Msg);
}

// The module file must be a plain name next to the JSON (wast2json writes
// basenames), so a hostile script cannot point the runner elsewhere.
bool parseModuleFile(const json::Value &J, bool TypeRequired, Command &C,
                     std::string &Msg) {
  if (!getString(J, "filename", true, C.Filename, Msg))
    return false;
  if (C.Filename.empty() || C.Filename == "." || C.Filename == ".." ||
      C.Filename.find_first_of("/\\") != std::string::npos) {
    Msg = "\"filename\" must be a plain file name, not " + quoted(C.Filename);
    return false;
  }
  // wast2json 1.0.32 writes module_type on the assertions only; modules
  // at the top level are always binary.
  std::string Type = "binary";
  if (!getString(J, "module_type", TypeRequired, Type, Msg))
    return false;
  if (Type == "binary") {
    C.ModType = ModuleType::Binary;
  } else if (Type == "text") {
    C.ModType = ModuleType::Text;
  } else {
    Msg = "unknown module_type " + quoted(Type);
    return false;
  }
  return true;
}

bool parseActionMember(const json::Value &J, Command &C, std::string &Msg) {
  const json::Value *A = J.get("action");
  if (!A) {
    Msg = "missing \"action\"";
    return false;
  }
  C.Act.emplace();
  return parseAction(*A, *C.Act, Msg);
}

// The result types that action / assert_trap / assert_exhaustion list.
// They are informative only, so they may be absent.
bool parseResultTypes(const json::Value &J, Command &C, std::string &Msg) {
  if (!J.get("expected"))
    return true;
  const std::vector<json::Value> *E;
  return getArray(J, "expected", E, Msg) &&
         parseValues(*E, ValueUse::ResultType, C.Expected, Msg);
}

bool parseAssertReturn(const json::Value &J, Command &C, std::string &Msg) {
  if (!parseActionMember(J, C, Msg))
    return false;
  bool HasExpected = J.get("expected"), HasEither = J.get("either");
  if (HasExpected == HasEither) {
    Msg = "needs exactly one of \"expected\" and \"either\"";
    return false;
  }
  const std::vector<json::Value> *E;
  if (HasExpected)
    return getArray(J, "expected", E, Msg) &&
           parseValues(*E, ValueUse::Result, C.Expected, Msg);
  if (!getArray(J, "either", E, Msg))
    return false;
  if (E->empty()) {
    Msg = "\"either\" needs at least one alternative";
    return false;
  }
  C.Either.resize(E->size());
  for (size_t I = 0; I < E->size(); ++I) {
    C.Either[I].resize(1);
    if (!parseValue((*E)[I], ValueUse::Result, C.Either[I][0], Msg))
      return false;
  }
  return true;
}

bool parseCommand(const json::Value &J, Command &C, std::string &Msg) {
  std::string Type;
  if (!getString(J, "type", true, Type, Msg))
    return false;
  bool Known = false;
  for (const KindName &K : CommandKinds)
    if (Type == K.Name) {
      C.Kind = K.Kind;
      Known = true;
    }
  if (!Known) {
    Msg = "unknown command type " + quoted(Type);
    return false;
  }

  switch (C.Kind) {
  case CommandKind::Module:
    return getOptionalString(J, "name", C.Name, Msg) &&
           parseModuleFile(J, /*TypeRequired=*/false, C, Msg);
  case CommandKind::Register:
    return getOptionalString(J, "name", C.Name, Msg) &&
           getString(J, "as", true, C.As, Msg);
  case CommandKind::Action:
    return parseActionMember(J, C, Msg) && parseResultTypes(J, C, Msg);
  case CommandKind::AssertReturn:
    return parseAssertReturn(J, C, Msg);
  case CommandKind::AssertTrap:
  case CommandKind::AssertExhaustion:
    return parseActionMember(J, C, Msg) &&
           getString(J, "text", true, C.Text, Msg) &&
           parseResultTypes(J, C, Msg);
  case CommandKind::AssertInvalid:
  case CommandKind::AssertMalformed:
  case CommandKind::AssertUnlinkable:
  case CommandKind::AssertUninstantiable:
    return parseModuleFile(J, /*TypeRequired=*/true, C, Msg) &&
           getString(J, "text", true, C.Text, Msg);
  }
  return false;
}

// The members `kiln wast --emit-dir` adds (see Command::HostError).
bool parseHostFields(const json::Value &J, Command &C, std::string &Msg) {
  if (!getOptionalString(J, "kiln_error", C.HostError, Msg) ||
      !getOptionalString(J, "kiln_rejected", C.HostRejection, Msg) ||
      !getOptionalString(J, "kiln_note", C.HostNote, Msg))
    return false;
  if (const json::Value *A = J.get("kiln_accepted")) {
    if (!A->isBool()) {
      Msg = "\"kiln_accepted\" must be true or false";
      return false;
    }
    C.HostAccepted = A->asBool();
  }
  return true;
}

bool readFile(const std::string &Path, std::string &Out, std::string &Error) {
  std::FILE *F = std::fopen(Path.c_str(), "rb");
  if (!F) {
    Error = Path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  Out.clear();
  char Buf[16384];
  size_t N;
  while ((N = std::fread(Buf, 1, sizeof Buf, F)) > 0)
    Out.append(Buf, N);
  bool Failed = std::ferror(F);
  std::fclose(F);
  if (Failed) {
    Error = Path + ": read error";
    return false;
  }
  return true;
}

} // namespace

unsigned Value::laneCount() const { return 16 / laneBytes(Lanes); }

uint64_t Value::lane(unsigned I) const {
  unsigned Width = laneBytes(Lanes);
  if (I >= laneCount())
    return 0;
  uint64_t LaneBits = 0;
  for (unsigned B = 0; B < Width; ++B)
    LaneBits |= uint64_t(Bytes[I * Width + B]) << (8 * B);
  return LaneBits;
}

NanPattern Value::laneNan(unsigned I) const {
  return isFloatLane(Lanes) && I < laneCount() ? LaneNan[I] : NanPattern::None;
}

bool Value::hasNanPattern() const {
  if (Type != ValueType::V128)
    return Nan != NanPattern::None;
  for (unsigned I = 0; I < laneCount(); ++I)
    if (laneNan(I) != NanPattern::None)
      return true;
  return false;
}

std::string Script::pathOf(const Command &C) const {
  if (!Dir.empty() && Dir.back() == '/')
    return Dir + C.Filename;
  return Dir + "/" + C.Filename;
}

const char *commandKindName(CommandKind K) {
  unsigned I = static_cast<unsigned>(K);
  return I < NumCommandKinds ? CommandKinds[I].Name : "?";
}

const char *valueTypeName(ValueType T) {
  unsigned I = static_cast<unsigned>(T);
  return I < 7 ? ValueTypeNames[I] : "?";
}

const char *laneTypeName(LaneType T) {
  unsigned I = static_cast<unsigned>(T);
  return I < 6 ? LaneTypeNames[I] : "?";
}

bool loadScriptFromText(std::string_view Json, const std::string &JsonPath,
                        Script &Out, std::string &Error) {
  Out = Script();
  size_t Slash = JsonPath.find_last_of('/');
  Out.Dir = Slash == std::string::npos ? "."
            : Slash == 0               ? "/"
                                       : JsonPath.substr(0, Slash);

  json::ParseResult R = json::parse(Json);
  if (!R.V) {
    Error = JsonPath + ":" + R.Error;
    return false;
  }
  const json::Value &Top = *R.V;
  std::string Msg;
  const std::vector<json::Value> *Commands;
  if (!Top.isObject()) {
    Error = JsonPath + ": the top level must be an object";
    return false;
  }
  if (!getString(Top, "source_filename", true, Out.SourceFilename, Msg) ||
      !getArray(Top, "commands", Commands, Msg) ||
      !getString(Top, "kiln_target", false, Out.PreparedTarget, Msg) ||
      !getString(Top, "kiln_memory_mode", false, Out.PreparedMode, Msg)) {
    Error = JsonPath + ": " + Msg;
    return false;
  }

  Out.Commands.resize(Commands->size());
  for (size_t I = 0; I < Commands->size(); ++I) {
    const json::Value &J = (*Commands)[I];
    Command &C = Out.Commands[I];
    std::string Where = JsonPath + ": commands[" + std::to_string(I) + "]";
    if (!J.isObject()) {
      Error = Where + ": a command must be an object";
      return false;
    }
    // The line first, so that every later error can name it.
    const json::Value *Line = J.get("line");
    std::optional<int64_t> L = Line ? Line->asInt64() : std::nullopt;
    if (!L || *L < 0 || *L > int64_t(UINT32_MAX)) {
      Error = Where + ": missing or bad \"line\"";
      return false;
    }
    C.Line = static_cast<unsigned>(*L);
    if (!parseCommand(J, C, Msg) || !parseHostFields(J, C, Msg)) {
      Error = Where + " (line " + std::to_string(C.Line) + "): " + Msg;
      return false;
    }
  }
  return true;
}

bool loadScript(const std::string &JsonPath, Script &Out, std::string &Error) {
  std::string Text;
  if (!readFile(JsonPath, Text, Error))
    return false;
  return loadScriptFromText(Text, JsonPath, Out, Error);
}

} // namespace kiln::wast
