//===- tests/unit/validator_test.cc - Tests for module validation ---------===//
//
// Validation rules of the Wasm 2.0 spec (section 3): operand types, labels,
// locals, memory arguments, globals, exports, function references, the data
// count requirement, select, the start function and constant expressions,
// plus the rule that a malformed encoding anywhere outranks a validation
// error. Every rejection is checked for its kind, its byte offset, the
// function index and section where there is one, and the spec's wording.
//
// Modules are assembled byte by byte (no wabt at test time).
//
//===----------------------------------------------------------------------===//

#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

using namespace kiln;
using namespace kiln::wasm;

namespace {

//===----------------------------------------------------------------------===//
// Byte building
//===----------------------------------------------------------------------===//

using Bytes = std::vector<uint8_t>;

Bytes uleb(uint64_t V) {
  Bytes Out;
  do {
    uint8_t B = V & 0x7f;
    V >>= 7;
    Out.push_back(V ? uint8_t(B | 0x80) : B);
  } while (V);
  return Out;
}

Bytes cat(std::initializer_list<Bytes> Parts) {
  Bytes Out;
  for (const Bytes &P : Parts)
    Out.insert(Out.end(), P.begin(), P.end());
  return Out;
}

Bytes name(std::string_view S) {
  return cat({uleb(S.size()), Bytes(S.begin(), S.end())});
}

Bytes vec(std::initializer_list<Bytes> Items) {
  Bytes Out = uleb(Items.size());
  for (const Bytes &I : Items)
    Out.insert(Out.end(), I.begin(), I.end());
  return Out;
}

Bytes funcType(const Bytes &Params, const Bytes &Results) {
  return cat({{0x60}, uleb(Params.size()), Params, uleb(Results.size()),
              Results});
}

enum : uint8_t {
  SecType = 1,
  SecImport = 2,
  SecFunction = 3,
  SecTable = 4,
  SecMemory = 5,
  SecGlobal = 6,
  SecExport = 7,
  SecStart = 8,
  SecElement = 9,
  SecCode = 10,
  SecData = 11,
  SecDataCount = 12,
};

enum : uint8_t { I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, FuncRef = 0x70 };

struct Func {
  Bytes Locals; // the whole local declaration vector, count included
  Bytes Code;   // instructions, final `end` included
};

const Bytes NoLocals = {0x00};

class WasmBuilder {
public:
  struct Placed {
    uint64_t Start;
    uint64_t Payload;
    uint64_t End;
  };

  WasmBuilder() : Out{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00} {}

  Placed section(uint8_t Id, const Bytes &Payload) {
    Placed P;
    P.Start = Out.size();
    Out.push_back(Id);
    Bytes Size = uleb(Payload.size());
    Out.insert(Out.end(), Size.begin(), Size.end());
    P.Payload = Out.size();
    Out.insert(Out.end(), Payload.begin(), Payload.end());
    P.End = Out.size();
    return P;
  }
  /// Appends a code section; returns each body's first-instruction offset.
  std::vector<uint64_t> code(const std::vector<Func> &Funcs) {
    Bytes P = uleb(Funcs.size());
    std::vector<uint64_t> Starts;
    for (const Func &F : Funcs) {
      Bytes Size = uleb(F.Locals.size() + F.Code.size());
      P.insert(P.end(), Size.begin(), Size.end());
      Starts.push_back(P.size() + F.Locals.size());
      P.insert(P.end(), F.Locals.begin(), F.Locals.end());
      P.insert(P.end(), F.Code.begin(), F.Code.end());
    }
    Placed S = section(SecCode, P);
    for (uint64_t &Off : Starts)
      Off += S.Payload;
    return Starts;
  }
  const Bytes &bytes() const { return Out; }

private:
  Bytes Out;
};

//===----------------------------------------------------------------------===//
// Checking
//===----------------------------------------------------------------------===//

/// Decode, then validate. A decoding failure is reported as a test failure
/// too: these tests are about the validator, so their modules must decode.
Error validate(const Bytes &B, const Features &F = Features()) {
  Expected<Module> M = decodeModule(B, F);
  if (!M) {
    Error E = M.takeError();
    ADD_FAILURE() << "module does not decode: " << E.str();
    return E;
  }
  return validateModule(*M, F);
}

::testing::AssertionResult isError(const Error &E, ErrorKind Kind,
                                   uint64_t Offset, std::string_view Msg) {
  auto Want = [&] {
    return std::string(errorKindName(Kind)) + " \"" + std::string(Msg) +
           "\" at offset " + std::to_string(Offset);
  };
  if (!E)
    return ::testing::AssertionFailure() << "succeeded, expected " << Want();
  if (E.kind() != Kind || E.offset() != Offset ||
      E.message().find(Msg) == std::string::npos)
    return ::testing::AssertionFailure()
           << "got " << errorKindName(E.kind()) << " [" << E.str()
           << "] (offset " << E.offset() << "), expected " << Want();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult succeeded(const Error &E) {
  if (E)
    return ::testing::AssertionFailure()
           << "failed: " << errorKindName(E.kind()) << " [" << E.str() << "]";
  return ::testing::AssertionSuccess();
}

std::string sectionOf(const Error &E) {
  return E && E.section() ? E.section() : "";
}

/// Options for the one-function modules most tests use.
struct Shape {
  Bytes Params, Results;
  bool Memory = false;
  bool DataCount = false; // with one passive data segment when set
  Bytes Globals;          // global section payload, if not empty
};

Shape withParams(const Bytes &Params) {
  Shape S;
  S.Params = Params;
  return S;
}
Shape withResults(const Bytes &Results) {
  Shape S;
  S.Results = Results;
  return S;
}

/// A module with one function of type (Params) -> (Results) and body F.
/// Returns the offset of the body's first instruction.
uint64_t oneFunc(WasmBuilder &W, const Func &F, const Shape &S = Shape()) {
  W.section(SecType, vec({funcType(S.Params, S.Results)}));
  W.section(SecFunction, vec({{0x00}}));
  if (S.Memory)
    W.section(SecMemory, vec({{0x00, 0x01}}));
  if (!S.Globals.empty())
    W.section(SecGlobal, S.Globals);
  if (S.DataCount)
    W.section(SecDataCount, {0x01});
  uint64_t Code = W.code({F})[0];
  if (S.DataCount)
    W.section(SecData, vec({{0x01, 0x00}}));
  return Code;
}

/// Checks that a function-body error names function `Func` and section
/// "code" besides matching isError.
void expectBodyError(const Error &E, ErrorKind Kind, uint64_t Offset,
                     std::string_view Msg, uint32_t FuncIdx = 0) {
  EXPECT_TRUE(isError(E, Kind, Offset, Msg));
  if (E) {
    EXPECT_EQ(E.funcIndex(), FuncIdx) << E.str();
    EXPECT_EQ(sectionOf(E), "code") << E.str();
  }
}

const Bytes F32One = {0x43, 0x00, 0x00, 0x80, 0x3f}; // f32.const 1.0

//===----------------------------------------------------------------------===//
// Operand types, labels, locals
//===----------------------------------------------------------------------===//

TEST(Validator, AcceptsEmptyFunction) {
  WasmBuilder W;
  oneFunc(W, {NoLocals, {0x0b}});
  EXPECT_TRUE(succeeded(validate(W.bytes())));
}

TEST(Validator, RejectsI32AddOnF32Operands) {
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, cat({F32One, F32One, {0x6a, 0x1a, 0x0b}})});
  Error E = validate(W.bytes());
  expectBodyError(E, ErrorKind::Invalid, Code + 10, "type mismatch");
  EXPECT_NE(E.message().find("i32.add expected i32, found f32"),
            std::string::npos)
      << E.str();
}

TEST(Validator, RejectsI32AddWithOneOperand) {
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, {0x41, 0x01, 0x6a, 0x1a, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 2,
                  "type mismatch");
}

TEST(Validator, RejectsWrongResultAtFunctionEnd) {
  // () -> (i32) whose body leaves an i64.
  WasmBuilder W;
  uint64_t Code =
      oneFunc(W, {NoLocals, {0x42, 0x00, 0x0b}}, withResults({I32}));
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 2,
                  "type mismatch");
}

TEST(Validator, RejectsExtraValueAtBlockEnd) {
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, {0x02, 0x40, 0x41, 0x00, 0x0b, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 4,
                  "type mismatch");
}

TEST(Validator, AcceptsAnythingAfterUnreachable) {
  // The stack is polymorphic after unreachable: i32.add takes two unknowns.
  WasmBuilder W;
  oneFunc(W, {NoLocals, {0x00, 0x6a, 0x0b}}, withResults({I32}));
  EXPECT_TRUE(succeeded(validate(W.bytes())));
}

TEST(Validator, RejectsBrToUnknownLabel) {
  // Inside one block there are two labels: the block (0) and the function
  // (1). br 2 names neither.
  WasmBuilder W;
  uint64_t Code =
      oneFunc(W, {NoLocals, {0x02, 0x40, 0x0c, 0x02, 0x0b, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 2,
                  "unknown label 2");
}

TEST(Validator, AcceptsBrToTheFunctionLabel) {
  WasmBuilder W;
  oneFunc(W, {NoLocals, {0x02, 0x40, 0x0c, 0x01, 0x0b, 0x0b}});
  EXPECT_TRUE(succeeded(validate(W.bytes())));
}

TEST(Validator, RejectsBrIfAndBrTableToUnknownLabel) {
  {
    WasmBuilder W;
    uint64_t Code = oneFunc(W, {NoLocals, {0x41, 0x00, 0x0d, 0x01, 0x0b}});
    expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 2,
                    "unknown label 1");
  }
  {
    // br_table [0 5] default 0: the bad label is a non-default target.
    WasmBuilder W;
    uint64_t Code = oneFunc(
        W, {NoLocals, {0x41, 0x00, 0x0e, 0x02, 0x00, 0x05, 0x00, 0x0b}});
    expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 2,
                    "unknown label 5");
  }
}

TEST(Validator, RejectsBrTableTargetsOfDifferentArity) {
  // block (result i32) { i32.const 0; i32.const 0; br_table [0] 1 } where
  // label 0 carries an i32 and label 1 (the function) carries nothing.
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals,
                              {0x02, 0x7f, 0x41, 0x00, 0x41, 0x00, 0x0e, 0x01,
                               0x00, 0x01, 0x0b, 0x1a, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 6,
                  "type mismatch");
}

TEST(Validator, RejectsLocalGetOutOfRange) {
  // One parameter and one declared local: indices 0 and 1 exist.
  for (uint8_t Op : {0x20, 0x21, 0x22}) { // local.get, local.set, local.tee
    SCOPED_TRACE(int(Op));
    WasmBuilder W;
    uint64_t Code = oneFunc(
        W, {{0x01, 0x01, I64}, {0x41, 0x00, Op, 0x02, 0x0b}}, withParams({I32}));
    expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 2,
                    "unknown local 2");
  }
}

TEST(Validator, AcceptsLocalsAfterParameters) {
  WasmBuilder W;
  oneFunc(W,
          {{0x01, 0x01, I64},
           {0x20, 0x00, 0x1a, 0x20, 0x01, 0x1a, 0x0b}}, // local.get 0/1
          withParams({I32}));
  EXPECT_TRUE(succeeded(validate(W.bytes())));
}

TEST(Validator, RejectsLocalSetOfWrongType) {
  WasmBuilder W;
  uint64_t Code =
      oneFunc(W, {{0x01, 0x01, I64}, {0x41, 0x00, 0x21, 0x00, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 2,
                  "type mismatch");
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

TEST(Validator, RejectsAlignmentLargerThanNatural) {
  struct Case {
    const char *What;
    Bytes Code;
    uint64_t At; // offset of the access within Code
  } Cases[] = {
      {"i32.load align=8", {0x41, 0x00, 0x28, 0x03, 0x00, 0x1a, 0x0b}, 2},
      {"i32.load8_u align=2", {0x41, 0x00, 0x2d, 0x01, 0x00, 0x1a, 0x0b}, 2},
      {"i64.load align=16", {0x41, 0x00, 0x29, 0x04, 0x00, 0x1a, 0x0b}, 2},
      {"i64.store32 align=8",
       {0x41, 0x00, 0x42, 0x00, 0x3e, 0x03, 0x00, 0x0b},
       4},
      {"v128.load align=32",
       {0x41, 0x00, 0xfd, 0x00, 0x05, 0x00, 0x1a, 0x0b},
       2},
      {"i32.load align=2^(2^32-1)",
       {0x41, 0x00, 0x28, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x1a, 0x0b},
       2},
  };
  for (const Case &C : Cases) {
    SCOPED_TRACE(C.What);
    WasmBuilder W;
    Shape S;
    S.Memory = true;
    uint64_t Code = oneFunc(W, {NoLocals, C.Code}, S);
    expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + C.At,
                    "alignment must not be larger than natural");
  }
}

TEST(Validator, AcceptsNaturalAndSmallerAlignment) {
  WasmBuilder W;
  Shape S;
  S.Memory = true;
  oneFunc(W,
          {NoLocals,
           {0x41, 0x00, 0x28, 0x02, 0x00, 0x1a,             // i32.load align=4
            0x41, 0x00, 0x29, 0x03, 0x00, 0x1a,             // i64.load align=8
            0x41, 0x00, 0x2d, 0x00, 0x00, 0x1a,             // i32.load8_u
            0x41, 0x00, 0x28, 0x00, 0x00, 0x1a,             // i32.load align=1
            0x41, 0x00, 0xfd, 0x00, 0x04, 0x00, 0x1a, 0x0b}}, // v128.load
          S);
  EXPECT_TRUE(succeeded(validate(W.bytes())));
}

TEST(Validator, RejectsLoadWithoutMemory) {
  WasmBuilder W;
  uint64_t Code =
      oneFunc(W, {NoLocals, {0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 2,
                  "unknown memory 0");
}

TEST(Validator, MemoryInitWithoutDataCountIsMalformed) {
  // binary.wast: memory.init needs the data count section, because the
  // data section comes after the code.
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  W.section(SecMemory, vec({{0x00, 0x01}}));
  uint64_t Code = W.code({{NoLocals,
                           {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08,
                            0x00, 0x00, 0x0b}}})[0];
  W.section(SecData, vec({{0x01, 0x00}}));
  expectBodyError(validate(W.bytes()), ErrorKind::Malformed, Code + 6,
                  "data count section required");
}

TEST(Validator, DataDropWithoutDataCountIsMalformed) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  W.section(SecMemory, vec({{0x00, 0x01}}));
  uint64_t Code = W.code({{NoLocals, {0x01, 0xfc, 0x09, 0x00, 0x0b}}})[0];
  W.section(SecData, vec({{0x01, 0x00}}));
  expectBodyError(validate(W.bytes()), ErrorKind::Malformed, Code + 1,
                  "data count section required");
}

TEST(Validator, MemoryInitWithoutDataCountIsMalformedEvenWithoutMemory) {
  // Decoding comes before validation: the missing data count section makes
  // the module malformed before "unknown memory" could make it invalid.
  WasmBuilder W;
  uint64_t Code =
      oneFunc(W, {NoLocals, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08,
                             0x00, 0x00, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Malformed, Code + 6,
                  "data count section required");
}

TEST(Validator, AcceptsMemoryInitAndDataDropWithDataCount) {
  WasmBuilder W;
  Shape S;
  S.Memory = true;
  S.DataCount = true;
  oneFunc(W,
          {NoLocals,
           {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x00, 0x00, 0xfc,
            0x09, 0x00, 0x0b}},
          S);
  EXPECT_TRUE(succeeded(validate(W.bytes())));
}

TEST(Validator, RejectsDataDropOfUnknownSegment) {
  WasmBuilder W;
  Shape S;
  S.DataCount = true;
  uint64_t Code = oneFunc(W, {NoLocals, {0xfc, 0x09, 0x01, 0x0b}}, S);
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code,
                  "unknown data segment 1");
}

//===----------------------------------------------------------------------===//
// Globals
//===----------------------------------------------------------------------===//

TEST(Validator, RejectsGlobalSetOfImmutableGlobal) {
  WasmBuilder W;
  Shape S;
  S.Globals = vec({{I32, 0x00, 0x41, 0x00, 0x0b}});
  uint64_t Code = oneFunc(W, {NoLocals, {0x41, 0x01, 0x24, 0x00, 0x0b}}, S);
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 2,
                  "global is immutable");
}

TEST(Validator, RejectsGlobalSetOfImmutableImportedGlobal) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecImport, vec({cat({name("m"), name("g"), {0x03, I32, 0x00}})}));
  W.section(SecFunction, vec({{0x00}}));
  uint64_t Code = W.code({{NoLocals, {0x41, 0x01, 0x24, 0x00, 0x0b}}})[0];
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 2,
                  "global is immutable");
}

TEST(Validator, AcceptsGlobalSetOfMutableGlobal) {
  WasmBuilder W;
  Shape S;
  S.Globals = vec({{I32, 0x01, 0x41, 0x00, 0x0b}});
  oneFunc(W, {NoLocals, {0x41, 0x01, 0x24, 0x00, 0x0b}}, S);
  EXPECT_TRUE(succeeded(validate(W.bytes())));
}

TEST(Validator, RejectsGlobalGetOfUnknownGlobal) {
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, {0x23, 0x00, 0x1a, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code,
                  "unknown global 0");
}

//===----------------------------------------------------------------------===//
// Constant expressions
//===----------------------------------------------------------------------===//

TEST(Validator, RejectsI32AddInConstantExpression) {
  // Wasm 2.0 (without extended-const) has no arithmetic in constants.
  WasmBuilder W;
  WasmBuilder::Placed G = W.section(
      SecGlobal, vec({{I32, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b}}));
  Error E = validate(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Invalid, G.Payload + 1 + 2 + 4,
                      "constant expression required"));
  EXPECT_EQ(sectionOf(E), "global");
}

TEST(Validator, RejectsNonConstantInstructionInSegmentOffset) {
  // An active data segment whose offset is `nop; i32.const 0`.
  WasmBuilder W;
  W.section(SecMemory, vec({{0x00, 0x01}}));
  WasmBuilder::Placed D =
      W.section(SecData, vec({{0x00, 0x01, 0x41, 0x00, 0x0b, 0x00}}));
  EXPECT_TRUE(isError(validate(W.bytes()), ErrorKind::Invalid, D.Payload + 2,
                      "constant expression required"));
}

TEST(Validator, RejectsGlobalGetOfDefinedGlobalInConstantExpression) {
  // Wasm 2.0 constant expressions may read imported globals only; global 0
  // here is defined in the module.
  WasmBuilder W;
  WasmBuilder::Placed G =
      W.section(SecGlobal, vec({{I32, 0x00, 0x41, 0x00, 0x0b},
                                {I32, 0x00, 0x23, 0x00, 0x0b}}));
  Error E = validate(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Invalid, G.Payload + 1 + 5 + 2,
                      "unknown global 0"));
  EXPECT_EQ(sectionOf(E), "global");
}

TEST(Validator, RejectsGlobalGetOfMutableImportInConstantExpression) {
  WasmBuilder W;
  W.section(SecImport, vec({cat({name("m"), name("g"), {0x03, I32, 0x01}})}));
  WasmBuilder::Placed G =
      W.section(SecGlobal, vec({{I32, 0x00, 0x23, 0x00, 0x0b}}));
  EXPECT_TRUE(isError(validate(W.bytes()), ErrorKind::Invalid, G.Payload + 3,
                      "constant expression required"));
}

TEST(Validator, AcceptsGlobalGetOfImmutableImportInConstantExpression) {
  WasmBuilder W;
  W.section(SecImport, vec({cat({name("m"), name("g"), {0x03, I32, 0x00}})}));
  W.section(SecGlobal, vec({{I32, 0x00, 0x23, 0x00, 0x0b}}));
  EXPECT_TRUE(succeeded(validate(W.bytes())));
}

TEST(Validator, RejectsConstantExpressionOfWrongTypeOrArity) {
  struct Case {
    const char *What;
    Bytes Init;
  } Cases[] = {
      {"i64 for i32", {0x42, 0x00, 0x0b}},
      {"empty", {0x0b}},
      {"two values", {0x41, 0x00, 0x41, 0x00, 0x0b}},
  };
  for (const Case &C : Cases) {
    SCOPED_TRACE(C.What);
    WasmBuilder W;
    WasmBuilder::Placed G =
        W.section(SecGlobal, cat({{0x01, I32, 0x00}, C.Init}));
    EXPECT_TRUE(isError(validate(W.bytes()), ErrorKind::Invalid, G.Payload + 3,
                        "type mismatch"));
  }
}

//===----------------------------------------------------------------------===//
// Exports, references, select, start
//===----------------------------------------------------------------------===//

TEST(Validator, RejectsDuplicateExportName) {
  // The same name for a function and a memory is still a duplicate.
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  W.section(SecMemory, vec({{0x00, 0x01}}));
  Bytes First = cat({name("x"), {0x00, 0x00}});
  WasmBuilder::Placed S =
      W.section(SecExport, vec({First, cat({name("x"), {0x02, 0x00}})}));
  W.code({{NoLocals, {0x0b}}});
  EXPECT_TRUE(isError(validate(W.bytes()), ErrorKind::Invalid,
                      S.Payload + 1 + First.size(),
                      "duplicate export name"));
}

TEST(Validator, RejectsUndeclaredFunctionReference) {
  // ref.func in a body may only name functions declared elsewhere (an
  // element segment, a global initialiser or an export); the body's own
  // ref.func does not count.
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, {0xd2, 0x00, 0x1a, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code,
                  "undeclared function reference");
}

TEST(Validator, AcceptsFunctionReferenceDeclaredElsewhere) {
  const Bytes Body = {0xd2, 0x00, 0x1a, 0x0b};
  {
    SCOPED_TRACE("declarative element segment");
    WasmBuilder W;
    W.section(SecType, vec({funcType({}, {})}));
    W.section(SecFunction, vec({{0x00}}));
    W.section(SecElement, vec({{0x03, 0x00, 0x01, 0x00}}));
    W.code({{NoLocals, Body}});
    EXPECT_TRUE(succeeded(validate(W.bytes())));
  }
  {
    SCOPED_TRACE("export");
    WasmBuilder W;
    W.section(SecType, vec({funcType({}, {})}));
    W.section(SecFunction, vec({{0x00}}));
    W.section(SecExport, vec({cat({name("f"), {0x00, 0x00}})}));
    W.code({{NoLocals, Body}});
    EXPECT_TRUE(succeeded(validate(W.bytes())));
  }
  {
    SCOPED_TRACE("global initialiser");
    WasmBuilder W;
    W.section(SecType, vec({funcType({}, {})}));
    W.section(SecFunction, vec({{0x00}}));
    W.section(SecGlobal, vec({{FuncRef, 0x00, 0xd2, 0x00, 0x0b}}));
    W.code({{NoLocals, Body}});
    EXPECT_TRUE(succeeded(validate(W.bytes())));
  }
}

TEST(Validator, RejectsUntypedSelectOfFuncref) {
  // ref.null func; ref.null func; i32.const 1; select
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, {0xd0, FuncRef, 0xd0, FuncRef, 0x41,
                                         0x01, 0x1b, 0x1a, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 6,
                  "type mismatch");
}

TEST(Validator, AcceptsTypedSelectOfFuncref) {
  WasmBuilder W;
  oneFunc(W, {NoLocals, {0xd0, FuncRef, 0xd0, FuncRef, 0x41, 0x01, 0x1c, 0x01,
                         FuncRef, 0x1a, 0x0b}});
  EXPECT_TRUE(succeeded(validate(W.bytes())));
}

TEST(Validator, RejectsUntypedSelectOfMixedTypes) {
  WasmBuilder W;
  uint64_t Code = oneFunc(
      W, {NoLocals, {0x41, 0x00, 0x42, 0x00, 0x41, 0x01, 0x1b, 0x1a, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 6,
                  "type mismatch");
}

TEST(Validator, RejectsTypedSelectWithTwoTypes) {
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, {0x41, 0x00, 0x41, 0x00, 0x41, 0x01,
                                         0x1c, 0x02, I32, I32, 0x1a, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code + 6,
                  "invalid result arity");
}

// The module model records no offset for the start section, so these errors
// carry the section but point at offset 0; kind, section and wording are
// what is checked.
TEST(Validator, RejectsStartFunctionWithParams) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({I32}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  W.section(SecStart, {0x00});
  W.code({{NoLocals, {0x0b}}});
  Error E = validate(W.bytes());
  ASSERT_TRUE(E);
  EXPECT_EQ(E.kind(), ErrorKind::Invalid) << E.str();
  EXPECT_NE(E.message().find("start function"), std::string::npos) << E.str();
  EXPECT_EQ(sectionOf(E), "start");
}

TEST(Validator, RejectsStartFunctionWithResults) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {I32})}));
  W.section(SecFunction, vec({{0x00}}));
  W.section(SecStart, {0x00});
  W.code({{NoLocals, {0x41, 0x00, 0x0b}}});
  Error E = validate(W.bytes());
  ASSERT_TRUE(E);
  EXPECT_EQ(E.kind(), ErrorKind::Invalid) << E.str();
  EXPECT_NE(E.message().find("start function"), std::string::npos) << E.str();
  EXPECT_EQ(sectionOf(E), "start");
}

TEST(Validator, RejectsUnknownStartFunction) {
  WasmBuilder W;
  W.section(SecStart, {0x00});
  Error E = validate(W.bytes());
  ASSERT_TRUE(E);
  EXPECT_EQ(E.kind(), ErrorKind::Invalid) << E.str();
  EXPECT_NE(E.message().find("unknown function 0"), std::string::npos)
      << E.str();
  EXPECT_EQ(sectionOf(E), "start");
}

TEST(Validator, AcceptsImportedStartFunction) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecImport, vec({cat({name("m"), name("f"), {0x00, 0x00}})}));
  W.section(SecStart, {0x00});
  EXPECT_TRUE(succeeded(validate(W.bytes())));
}

//===----------------------------------------------------------------------===//
// Where errors are reported, and which error wins
//===----------------------------------------------------------------------===//

TEST(Validator, ErrorsCarryFunctionIndexCountingImports) {
  // Two imported functions, then two defined: the second defined one is
  // function 3.
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecImport, vec({cat({name("m"), name("a"), {0x00, 0x00}}),
                            cat({name("m"), name("b"), {0x00, 0x00}})}));
  W.section(SecFunction, vec({{0x00}, {0x00}}));
  std::vector<uint64_t> Code = W.code(
      {{NoLocals, {0x0b}}, {NoLocals, {0x01, 0x41, 0x00, 0x0b}}});
  expectBodyError(validate(W.bytes()), ErrorKind::Invalid, Code[1] + 3,
                  "type mismatch", 3);
}

TEST(Validator, MalformedInstructionLaterInBodyOutranksTypeError) {
  // i32.add on an empty stack, then an illegal opcode: decoding comes
  // first in the spec, so the module is malformed.
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, {0x6a, 0x01, 0x06, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Malformed, Code + 2,
                  "illegal opcode");
}

TEST(Validator, MissingEndOutranksTypeError) {
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, {0x02, 0x40, 0x6a}});
  expectBodyError(validate(W.bytes()), ErrorKind::Malformed, Code + 3,
                  "END opcode expected");
}

TEST(Validator, OperatorsAfterFinalEndAreMalformed) {
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, {0x0b, 0x01, 0x0b}});
  expectBodyError(validate(W.bytes()), ErrorKind::Malformed, Code + 1,
                  "operators remaining after end of function");
}

TEST(Validator, MalformedLaterFunctionOutranksTypeErrorInEarlierFunction) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}, {0x00}}));
  std::vector<uint64_t> Code =
      W.code({{NoLocals, {0x6a, 0x0b}}, {NoLocals, {0x01, 0xfc, 0x12, 0x0b}}});
  expectBodyError(validate(W.bytes()), ErrorKind::Malformed, Code[1] + 1,
                  "illegal opcode", 1);
}

TEST(Validator, MalformedBodyOutranksInvalidModuleField) {
  // A duplicate export (invalid) and a non-zero reserved byte in a body
  // (malformed): the module is malformed.
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  W.section(SecMemory, vec({{0x00, 0x01}}));
  W.section(SecExport, vec({cat({name("x"), {0x00, 0x00}}),
                            cat({name("x"), {0x02, 0x00}})}));
  uint64_t Code = W.code({{NoLocals, {0x3f, 0x01, 0x1a, 0x0b}}})[0];
  expectBodyError(validate(W.bytes()), ErrorKind::Malformed, Code + 1,
                  "zero byte expected");
}

TEST(Validator, MissingDataCountLaterInBodyOutranksTypeError) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  uint64_t Code = W.code({{NoLocals, {0x6a, 0xfc, 0x09, 0x00, 0x0b}}})[0];
  W.section(SecData, vec({{0x01, 0x00}}));
  expectBodyError(validate(W.bytes()), ErrorKind::Malformed, Code + 1,
                  "data count section required");
}

TEST(Validator, MissingDataCountOutranksInvalidModuleField) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  W.section(SecStart, {0x05}); // unknown function
  uint64_t Code = W.code({{NoLocals, {0xfc, 0x09, 0x00, 0x0b}}})[0];
  W.section(SecData, vec({{0x01, 0x00}}));
  expectBodyError(validate(W.bytes()), ErrorKind::Malformed, Code,
                  "data count section required");
}

} // namespace
