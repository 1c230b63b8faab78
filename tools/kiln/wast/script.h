//===- tools/kiln/wast/script.h - Typed wast2json spec scripts --*- C++ -*-===//
//
// The typed model of the JSON that wabt 1.0.32's `wast2json` writes for a
// .wast spec script, and its loader. `kiln wast` runs these commands; keeping
// every check of the JSON's shape here means the runner only deals with
// well-formed commands and never has to guess.
//
// Format notes (wast2json 1.0.32):
//  * Scalars are decimal strings of the unsigned bit pattern ("4294967295"
//    is i32 -1, "2143289344" is f32 NaN), so floats need no text parsing.
//  * Expected floats (and float lanes of v128) may instead be
//    "nan:canonical" or "nan:arithmetic".
//  * References are "null" or a host reference number.
//  * v128 has "lane_type" and one string per lane in "value".
//  * `action`, `assert_trap` and `assert_exhaustion` carry "expected" too,
//    but only as result types ({"type": "i32"} without a value).
//  * relaxed-simd's `(either r1 r2 ...)` replaces "expected" with an
//    "either" array with one single-value alternative per element.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_WAST_SCRIPT_H
#define KILN_TOOLS_WAST_SCRIPT_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::wast {

enum class ValueType : uint8_t { I32, I64, F32, F64, V128, FuncRef, ExternRef };
enum class LaneType : uint8_t { I8, I16, I32, I64, F32, F64 };
enum class NanPattern : uint8_t { None, Canonical, Arithmetic };

// One typed wast value: an argument or an expected result.
struct Value {
  ValueType Type = ValueType::I32;
  // False when the JSON gives only the type: the results listed by action,
  // assert_trap and assert_exhaustion. Arguments and assert_return results
  // always have a value.
  bool HasValue = true;
  bool IsNull = false;               // FuncRef/ExternRef: "null"
  NanPattern Nan = NanPattern::None; // F32/F64: a pattern instead of Bits
  // I32/F32: the 32-bit pattern; I64/F64: the 64-bit pattern;
  // FuncRef/ExternRef (not null): the host reference number.
  uint64_t Bits = 0;

  // V128 only. Bytes are little-endian, as in memory; a lane that holds a
  // NaN pattern has zero bytes. Only float lanes (at most 4) can hold one.
  LaneType Lanes = LaneType::I32;
  std::array<uint8_t, 16> Bytes{};
  std::array<NanPattern, 4> LaneNan{};

  unsigned laneCount() const;           // 16, 8, 4 or 2
  uint64_t lane(unsigned I) const;      // lane I's bits, zero-extended
  NanPattern laneNan(unsigned I) const; // None for integer lanes
  // True when the value is (or, for v128, has a lane that is) a NaN pattern.
  bool hasNanPattern() const;
};

enum class ActionKind : uint8_t { Invoke, Get };

struct Action {
  ActionKind Kind = ActionKind::Invoke;
  std::optional<std::string> Module; // "$name"; absent: the latest module
  std::string Field;
  std::vector<Value> Args; // Invoke only
};

enum class CommandKind : uint8_t {
  Module,
  Action,
  Register,
  AssertReturn,
  AssertTrap,
  AssertExhaustion,
  AssertInvalid,
  AssertMalformed,
  AssertUnlinkable,
  AssertUninstantiable,
};
inline constexpr unsigned NumCommandKinds = 10;

// "binary" is a .wasm file. "text" is a .wat file from `(module quote ...)`;
// it tests the text parser, so a binary-only engine skips it.
enum class ModuleType : uint8_t { Binary, Text };

struct Command {
  CommandKind Kind = CommandKind::Module;
  unsigned Line = 0; // in the .wast source

  // Module and the four module assertions: the module file (a plain name in
  // Script::Dir; see Script::pathOf) and its type.
  std::string Filename;
  ModuleType ModType = ModuleType::Binary;
  // Module: the "$x" it is bound to. Register: the module registered
  // (absent: the latest module).
  std::optional<std::string> Name;
  std::string As;   // Register: the import module name it gets
  std::string Text; // the expected message of the assert_* except return

  // Action, AssertReturn, AssertTrap, AssertExhaustion.
  std::optional<Action> Act;
  // AssertReturn: the results (all with values). Action, AssertTrap,
  // AssertExhaustion: the result types (HasValue false).
  std::vector<Value> Expected;
  // AssertReturn with (either ...), in place of Expected: the results may
  // equal any one alternative. Each alternative is a whole result list;
  // wast2json 1.0.32 only writes single-result alternatives.
  std::vector<std::vector<Value>> Either;

  // Written by `kiln wast --emit-dir` on the build machine (the host half of
  // a split run; see prepare.h) and read by the runtime on the device:
  // "kiln_error": compiling the module failed on the host (the command
  // fails with this message); "kiln_rejected": an assert_invalid or
  // assert_malformed module the host rejected, and why; "kiln_accepted":
  // one it wrongly accepted; "kiln_note": how the rejection's reason
  // differs from the suite's wording.
  std::optional<std::string> HostError;
  std::optional<std::string> HostRejection;
  bool HostAccepted = false;
  std::optional<std::string> HostNote;
};

struct Script {
  std::string SourceFilename; // the .wast, as wast2json saw it
  std::string Dir;            // directory of the .json ("." if none)
  std::vector<Command> Commands;
  // A prepared script (kiln wast --emit-dir): the target its modules were
  // compiled for ("kiln_target") and their memory mode ("kiln_memory_mode",
  // "guard" or "bounds-checked"). Empty for wast2json's own scripts.
  std::string PreparedTarget;
  std::string PreparedMode;

  // The path of a command's module file.
  std::string pathOf(const Command &C) const;
};

// Loads and types the JSON file. Errors name the file and, for a bad
// command, its index and .wast line.
bool loadScript(const std::string &JsonPath, Script &Out, std::string &Error);
// The same for JSON already in memory; JsonPath names it in errors and
// gives Script::Dir.
bool loadScriptFromText(std::string_view Json, const std::string &JsonPath,
                        Script &Out, std::string &Error);

// The JSON spelling: "module", "assert_return", ...
const char *commandKindName(CommandKind K);
const char *valueTypeName(ValueType T); // "i32", ..., "funcref"
const char *laneTypeName(LaneType T);   // "i8", ..., "f64"

} // namespace kiln::wast

#endif // KILN_TOOLS_WAST_SCRIPT_H
