//===- tests/unit/decoder_test.cc - Tests for the binary decoder ----------===//
//
// Encoding rules of the Wasm binary format (spec section 5): LEB128 limits
// and padding, section order and sizes, UTF-8 names, truncation, bounded
// allocation for hostile counts, and instruction encodings (reserved bytes,
// illegal opcodes, feature-gated opcodes). Every rejection is checked for its
// kind, its exact byte offset and the spec's wording.
//
// Modules are assembled here byte by byte (no wabt at test time), so every
// expected offset is computed from the same builder that wrote the bytes.
//
//===----------------------------------------------------------------------===//

#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
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

Bytes sleb(int64_t V) {
  Bytes Out;
  for (;;) {
    uint8_t B = V & 0x7f;
    V >>= 7; // arithmetic
    bool Done = (V == 0 && !(B & 0x40)) || (V == -1 && (B & 0x40));
    Out.push_back(Done ? B : uint8_t(B | 0x80));
    if (Done)
      return Out;
  }
}

Bytes cat(std::initializer_list<Bytes> Parts) {
  Bytes Out;
  for (const Bytes &P : Parts)
    Out.insert(Out.end(), P.begin(), P.end());
  return Out;
}

/// A length-prefixed name from raw bytes (which need not be valid UTF-8).
Bytes name(const Bytes &Raw) { return cat({uleb(Raw.size()), Raw}); }
Bytes name(std::string_view S) { return name(Bytes(S.begin(), S.end())); }

/// A vector: the element count, then the elements.
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
  SecCustom = 0,
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

struct Func {
  Bytes Locals; // the whole local declaration vector, count included
  Bytes Code;   // instructions, final `end` included
};

const Bytes NoLocals = {0x00};

/// Assembles a module and remembers where things went.
class WasmBuilder {
public:
  struct Placed {
    uint64_t Start;   // the section id byte
    uint64_t Payload; // the first payload byte
    uint64_t End;     // one past the payload
  };

  WasmBuilder() : Out{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00} {}

  Placed section(uint8_t Id, const Bytes &Payload) {
    return sectionWithSize(Id, uleb(Payload.size()), Payload);
  }
  /// A section whose size field is spelled `Size` (padded, wrong, ...).
  Placed sectionWithSize(uint8_t Id, const Bytes &Size, const Bytes &Payload) {
    Placed P;
    P.Start = Out.size();
    Out.push_back(Id);
    append(Size);
    P.Payload = Out.size();
    append(Payload);
    P.End = Out.size();
    return P;
  }
  Placed custom(std::string_view Name, const Bytes &Content) {
    return section(SecCustom, cat({name(Name), Content}));
  }
  /// Appends a code section; returns the offset of each body's first
  /// instruction.
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
  uint64_t append(const Bytes &B) {
    uint64_t At = Out.size();
    Out.insert(Out.end(), B.begin(), B.end());
    return At;
  }
  uint64_t size() const { return Out.size(); }
  const Bytes &bytes() const { return Out; }

private:
  Bytes Out;
};

//===----------------------------------------------------------------------===//
// Checking
//===----------------------------------------------------------------------===//

/// The decoder's verdict alone (falsy on success).
Error decodeError(const Bytes &B, const Features &F = Features()) {
  Expected<Module> M = decodeModule(B, F);
  if (M)
    return Error::success();
  return M.takeError();
}

/// Decode, then validate: what `kiln validate` does.
Error loadError(const Bytes &B, const Features &F = Features()) {
  Expected<Module> M = decodeModule(B, F);
  if (!M)
    return M.takeError();
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

int32_t constI32(const ConstExpr &E) {
  int32_t V;
  std::memcpy(&V, E.Instrs.at(0).Imm.data(), 4);
  return V;
}

int64_t constI64(const ConstExpr &E) {
  int64_t V;
  std::memcpy(&V, E.Instrs.at(0).Imm.data(), 8);
  return V;
}

/// A module with one function of type () -> () and the given body; the
/// memory section is there when `Memory` is set. Returns the offset of the
/// first instruction.
uint64_t oneFunc(WasmBuilder &W, const Func &F, bool Memory = false) {
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  if (Memory)
    W.section(SecMemory, vec({{0x00, 0x01}}));
  return W.code({F})[0];
}

/// A module whose only content is one global initialised by `Init` (an
/// expression with its `end`). Returns the offset of `Init`.
uint64_t oneGlobal(WasmBuilder &W, uint8_t Type, const Bytes &Init) {
  WasmBuilder::Placed S =
      W.section(SecGlobal, cat({{0x01, Type, 0x00}, Init}));
  return S.Payload + 3;
}

const Bytes Pad5Zero = {0x80, 0x80, 0x80, 0x80, 0x00};
const Bytes Pad6Zero = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};

//===----------------------------------------------------------------------===//
// LEB128
//===----------------------------------------------------------------------===//

TEST(Decoder, AcceptsPaddedFiveByteLebAsTypeIndex) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, cat({{0x01}, Pad5Zero}));
  W.code({{NoLocals, {0x0b}}});
  Expected<Module> M = decodeModule(W.bytes());
  ASSERT_TRUE(M) << M.takeError().str();
  ASSERT_EQ(M->Funcs.size(), 1u);
  EXPECT_EQ(M->Funcs[0], 0u);
  EXPECT_TRUE(succeeded(validateModule(*M)));
}

TEST(Decoder, AcceptsPaddedFiveByteLebAsSectionSize) {
  WasmBuilder W;
  Bytes Types = vec({funcType({}, {})});
  ASSERT_LT(Types.size(), 0x80u);
  W.sectionWithSize(SecType,
                    {uint8_t(0x80 | Types.size()), 0x80, 0x80, 0x80, 0x00},
                    Types);
  Expected<Module> M = decodeModule(W.bytes());
  ASSERT_TRUE(M) << M.takeError().str();
  EXPECT_EQ(M->Types.size(), 1u);
}

TEST(Decoder, AcceptsPaddedFiveByteLebAsLocalCount) {
  WasmBuilder W;
  // One run of 3 i64 locals, the count spelled in five bytes.
  oneFunc(W, {{0x01, 0x83, 0x80, 0x80, 0x80, 0x00, 0x7e},
              {0x20, 0x02, 0x1a, 0x0b}}); // local.get 2; drop; end
  Expected<Module> M = decodeModule(W.bytes());
  ASSERT_TRUE(M) << M.takeError().str();
  ASSERT_EQ(M->Bodies.size(), 1u);
  EXPECT_EQ(M->Bodies[0].NumLocals, 3u);
  ASSERT_EQ(M->Bodies[0].Locals.size(), 1u);
  EXPECT_EQ(M->Bodies[0].Locals[0].Type, ValType::I64);
  EXPECT_TRUE(succeeded(validateModule(*M)));
}

TEST(Decoder, AcceptsPaddedFiveByteLebAsI32Const) {
  WasmBuilder W;
  oneGlobal(W, 0x7f, cat({{0x41}, Pad5Zero, {0x0b}}));
  Expected<Module> M = decodeModule(W.bytes());
  ASSERT_TRUE(M) << M.takeError().str();
  EXPECT_EQ(constI32(M->Globals[0].Init), 0);
  EXPECT_TRUE(succeeded(validateModule(*M)));

  // And inside a function body, where it is decoded by the validator.
  WasmBuilder W2;
  oneFunc(W2, {NoLocals, cat({{0x41}, Pad5Zero, {0x1a, 0x0b}})});
  EXPECT_TRUE(succeeded(loadError(W2.bytes())));
}

TEST(Decoder, AcceptsPaddedLebOpcodeAfterPrefix) {
  // memory.fill is 0xFC 11; the u32 after the prefix may be padded.
  WasmBuilder W;
  oneFunc(W,
          {NoLocals, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x8b, 0x80,
                      0x80, 0x80, 0x00, 0x00, 0x0b}},
          /*Memory=*/true);
  EXPECT_TRUE(succeeded(loadError(W.bytes())));
}

TEST(Decoder, AcceptsMaxU32InFiveBytes) {
  WasmBuilder W;
  W.section(SecExport,
            cat({{0x01}, name("e"), {0x00, 0xff, 0xff, 0xff, 0xff, 0x0f}}));
  Expected<Module> M = decodeModule(W.bytes());
  ASSERT_TRUE(M) << M.takeError().str();
  EXPECT_EQ(M->Exports.at(0).Index, 0xffffffffu);
  // Well encoded, but there is no such function.
  EXPECT_TRUE(isError(validateModule(*M), ErrorKind::Invalid,
                      M->Exports[0].Offset, "unknown function 4294967295"));
}

TEST(Decoder, RejectsSixByteLebAsTypeIndex) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  WasmBuilder::Placed F = W.section(SecFunction, cat({{0x01}, Pad6Zero}));
  W.code({{NoLocals, {0x0b}}});
  // The fifth byte still has its continuation bit set.
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed,
                      F.Payload + 1 + 4, "integer representation too long"));
}

TEST(Decoder, RejectsSixByteLebAsSectionSize) {
  WasmBuilder W;
  W.sectionWithSize(SecType, {0x81, 0x80, 0x80, 0x80, 0x80, 0x00}, {0x00});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, 8 + 1 + 4,
                      "integer representation too long"));
}

TEST(Decoder, RejectsSixByteLebAsLocalCount) {
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {cat({{0x01}, Pad6Zero, {0x7f}}), {0x0b}});
  uint64_t Locals = Code - 8; // count, six LEB bytes, type
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, Locals + 1 + 4,
                      "integer representation too long"));
  EXPECT_EQ(sectionOf(E), "code");
  EXPECT_EQ(E.funcIndex(), 0u);
}

TEST(Decoder, RejectsSixByteLebAsI32Const) {
  WasmBuilder W;
  uint64_t Init = oneGlobal(W, 0x7f, cat({{0x41}, Pad6Zero, {0x0b}}));
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, Init + 1 + 4,
                      "integer representation too long"));
  EXPECT_EQ(sectionOf(E), "global");
}

TEST(Decoder, RejectsOverlongFiveByteU32LebWithHighBitsSet) {
  // The fifth byte of a u32 carries bits 28..31 only: 0x10 and up set a bit
  // that does not exist. Checked as a type index, for every last byte.
  for (unsigned Last = 0; Last < 0x80; ++Last) {
    SCOPED_TRACE("last byte " + std::to_string(Last));
    WasmBuilder W;
    WasmBuilder::Placed S = W.section(
        SecExport,
        cat({{0x01}, name("e"), {0x00, 0x80, 0x80, 0x80, 0x80, uint8_t(Last)}}));
    uint64_t LastAt = S.Payload + 1 + 2 + 1 + 4;
    Expected<Module> M = decodeModule(W.bytes());
    if (Last < 0x10) {
      ASSERT_TRUE(M) << M.takeError().str();
      EXPECT_EQ(M->Exports[0].Index, uint32_t(Last) << 28);
    } else {
      ASSERT_FALSE(M);
      EXPECT_TRUE(isError(M.takeError(), ErrorKind::Malformed, LastAt,
                          "integer too large"));
    }
  }
}

TEST(Decoder, RejectsU32LebTooLargeAsSectionSizeAndLocalCount) {
  {
    WasmBuilder W;
    W.sectionWithSize(SecType, {0x80, 0x80, 0x80, 0x80, 0x10}, {});
    EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, 8 + 1 + 4,
                        "integer too large"));
  }
  {
    // The spec's binary.wast: a local count of 0x100000000 does not fit.
    WasmBuilder W;
    uint64_t Code = oneFunc(
        W, {{0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7f, 0x02, 0x7e}, {0x0b}});
    uint64_t Locals = Code - 9;
    EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed,
                        Locals + 1 + 4, "integer too large"));
  }
}

TEST(Decoder, SignedI32LebLastByteMustSignExtend) {
  // The fifth byte of an s32 carries bits 28..31; bits 4..6 of the byte are
  // unused and must all equal bit 3, the sign bit. So 0x00-0x07 and
  // 0x78-0x7f are valid; 0x08 (sign set, padding clear), 0x0f, 0x10 and
  // 0x70 (sign clear, padding set) are all "integer too large".
  for (unsigned Last = 0; Last < 0x80; ++Last) {
    SCOPED_TRACE("last byte " + std::to_string(Last));
    WasmBuilder W;
    uint64_t Init =
        oneGlobal(W, 0x7f, {0x41, 0x80, 0x80, 0x80, 0x80, uint8_t(Last), 0x0b});
    Expected<Module> M = decodeModule(W.bytes());
    bool Valid = Last <= 0x07 || Last >= 0x78;
    if (Valid) {
      ASSERT_TRUE(M) << M.takeError().str();
      EXPECT_EQ(constI32(M->Globals[0].Init), int32_t(uint32_t(Last) << 28));
    } else {
      ASSERT_FALSE(M);
      EXPECT_TRUE(isError(M.takeError(), ErrorKind::Malformed, Init + 5,
                          "integer too large"));
    }
  }
}

TEST(Decoder, DecodesSignedI32Extremes) {
  struct Case {
    Bytes Leb;
    int32_t Value;
  } Cases[] = {
      {{0x7f}, -1},
      {{0xff, 0xff, 0xff, 0xff, 0x7f}, -1},
      {{0x80, 0x80, 0x80, 0x80, 0x78}, INT32_MIN},
      {{0xff, 0xff, 0xff, 0xff, 0x07}, INT32_MAX},
      {{0xc0, 0x00}, 64},
      {{0x40}, -64},
  };
  for (const Case &C : Cases) {
    SCOPED_TRACE(std::to_string(C.Value));
    WasmBuilder W;
    oneGlobal(W, 0x7f, cat({{0x41}, C.Leb, {0x0b}}));
    Expected<Module> M = decodeModule(W.bytes());
    ASSERT_TRUE(M) << M.takeError().str();
    EXPECT_EQ(constI32(M->Globals[0].Init), C.Value);
  }
}

TEST(Decoder, RejectsI32ConstWithBadSignExtensionInsideFunctionBody) {
  // 0xff 0xff 0xff 0xff 0x0f is 0xffffffff as a u32 but not a valid s32.
  WasmBuilder W;
  uint64_t Code = oneFunc(
      W, {NoLocals, {0x41, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x1a, 0x0b}});
  ASSERT_TRUE(succeeded(decodeError(W.bytes()))); // bodies decode lazily
  Error E = loadError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, Code + 5, "integer too large"));
  EXPECT_EQ(sectionOf(E), "code");
  EXPECT_EQ(E.funcIndex(), 0u);
}

TEST(Decoder, SignedI64LebTenthByteMustSignExtend) {
  // The tenth byte of an s64 carries bit 63 only; the other six bits must
  // copy it, so only 0x00 and 0x7f are valid there.
  for (unsigned Last = 0; Last < 0x80; ++Last) {
    SCOPED_TRACE("last byte " + std::to_string(Last));
    WasmBuilder W;
    Bytes Init = {0x42};
    for (int I = 0; I < 9; ++I)
      Init.push_back(0x80);
    Init.push_back(uint8_t(Last));
    Init.push_back(0x0b);
    uint64_t At = oneGlobal(W, 0x7e, Init);
    Expected<Module> M = decodeModule(W.bytes());
    if (Last == 0x00 || Last == 0x7f) {
      ASSERT_TRUE(M) << M.takeError().str();
      EXPECT_EQ(constI64(M->Globals[0].Init), Last ? INT64_MIN : 0);
    } else {
      ASSERT_FALSE(M);
      EXPECT_TRUE(isError(M.takeError(), ErrorKind::Malformed, At + 10,
                          "integer too large"));
    }
  }
}

TEST(Decoder, DecodesTenByteI64Extremes) {
  struct Case {
    Bytes Leb;
    int64_t Value;
  } Cases[] = {
      {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, -1},
      {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00},
       INT64_MAX},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f},
       INT64_MIN},
      {sleb(INT64_MIN), INT64_MIN},
      {sleb(-0x123456789abcLL), -0x123456789abcLL},
  };
  for (const Case &C : Cases) {
    SCOPED_TRACE(std::to_string(C.Value));
    WasmBuilder W;
    oneGlobal(W, 0x7e, cat({{0x42}, C.Leb, {0x0b}}));
    Expected<Module> M = decodeModule(W.bytes());
    ASSERT_TRUE(M) << M.takeError().str();
    EXPECT_EQ(constI64(M->Globals[0].Init), C.Value);
  }
}

TEST(Decoder, RejectsElevenByteI64Leb) {
  WasmBuilder W;
  Bytes Init = {0x42};
  for (int I = 0; I < 10; ++I)
    Init.push_back(0x80);
  Init.push_back(0x00);
  Init.push_back(0x0b);
  uint64_t At = oneGlobal(W, 0x7e, Init);
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, At + 10,
                      "integer representation too long"));
}

TEST(Decoder, AcceptsPaddedS33BlockTypeIndex) {
  // block (type 0), the index spelled as a five-byte s33.
  WasmBuilder W;
  oneFunc(W, {NoLocals, cat({{0x02}, Pad5Zero, {0x0b, 0x0b}})});
  EXPECT_TRUE(succeeded(loadError(W.bytes())));
}

TEST(Decoder, RejectsSixByteS33BlockType) {
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, cat({{0x02}, Pad6Zero, {0x0b, 0x0b}})});
  EXPECT_TRUE(isError(loadError(W.bytes()), ErrorKind::Malformed, Code + 5,
                      "integer representation too long"));
}

TEST(Decoder, RejectsS33BlockTypeWithBadSignExtension) {
  // The fifth byte of an s33 carries bits 28..32 (bit 4 is the sign); bits
  // 5 and 6 must copy it. 0x10 sets the sign without the padding, 0x60 the
  // padding without the sign.
  for (uint8_t Last : {0x10, 0x20, 0x60, 0x1f}) {
    SCOPED_TRACE("last byte " + std::to_string(Last));
    WasmBuilder W;
    uint64_t Code = oneFunc(
        W, {NoLocals, {0x02, 0x80, 0x80, 0x80, 0x80, Last, 0x0b, 0x0b}});
    EXPECT_TRUE(isError(loadError(W.bytes()), ErrorKind::Malformed, Code + 5,
                        "integer too large"));
  }
}

TEST(Decoder, S33BlockTypeIndexAboveInt32MaxIsWellFormed) {
  // 0x80000000 is a valid non-negative s33 (not an s32!): it decodes, then
  // fails validation because there is no such type.
  WasmBuilder W;
  uint64_t Code = oneFunc(
      W, {NoLocals, {0x02, 0x80, 0x80, 0x80, 0x80, 0x08, 0x0b, 0x0b}});
  Error E = loadError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Invalid, Code, "unknown type 2147483648"));
  EXPECT_EQ(sectionOf(E), "code");
}

TEST(Decoder, RejectsNegativeS33BlockTypeThatIsNotAValueType) {
  // 0x70 in the fifth byte is a correctly sign-extended s33 (-2^32), but no
  // block type is negative except the one-byte value types and 0x40.
  WasmBuilder W;
  uint64_t Code = oneFunc(
      W, {NoLocals, {0x02, 0x80, 0x80, 0x80, 0x80, 0x70, 0x0b, 0x0b}});
  EXPECT_TRUE(isError(loadError(W.bytes()), ErrorKind::Malformed, Code + 1,
                      "malformed block type"));
}

//===----------------------------------------------------------------------===//
// Section order and sizes
//===----------------------------------------------------------------------===//

TEST(Decoder, RejectsDuplicateSection) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  WasmBuilder::Placed Second = W.section(SecType, vec({funcType({}, {})}));
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, Second.Start,
                      "unexpected content after last section"));
  EXPECT_EQ(sectionOf(E), "type");
}

TEST(Decoder, RejectsDuplicateSectionOfEveryKind) {
  const std::pair<uint8_t, Bytes> Empty[] = {
      {SecType, {0x00}},   {SecImport, {0x00}}, {SecFunction, {0x00}},
      {SecTable, {0x00}},  {SecMemory, {0x00}}, {SecGlobal, {0x00}},
      {SecExport, {0x00}}, {SecElement, {0x00}}, {SecDataCount, {0x00}},
      {SecCode, {0x00}},   {SecData, {0x00}},
  };
  for (const auto &[Id, Payload] : Empty) {
    SCOPED_TRACE("section " + std::to_string(Id));
    WasmBuilder W;
    W.section(Id, Payload);
    WasmBuilder::Placed Second = W.section(Id, Payload);
    EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed,
                        Second.Start, "unexpected content after last section"));
  }
}

TEST(Decoder, RejectsOutOfOrderSections) {
  WasmBuilder W;
  W.section(SecMemory, vec({{0x00, 0x01}}));
  WasmBuilder::Placed Table = W.section(SecTable, vec({{0x70, 0x00, 0x01}}));
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, Table.Start,
                      "unexpected content after last section"));
  EXPECT_EQ(sectionOf(E), "table");
}

TEST(Decoder, RejectsDataCountOutsideItsSlot) {
  {
    // After code.
    WasmBuilder W;
    W.section(SecCode, {0x00});
    WasmBuilder::Placed DC = W.section(SecDataCount, {0x00});
    EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, DC.Start,
                        "unexpected content after last section"));
  }
  {
    // Before element: element is then out of order.
    WasmBuilder W;
    W.section(SecDataCount, {0x00});
    WasmBuilder::Placed Elem = W.section(SecElement, {0x00});
    EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed,
                        Elem.Start, "unexpected content after last section"));
  }
  {
    // After data.
    WasmBuilder W;
    W.section(SecData, {0x00});
    WasmBuilder::Placed DC = W.section(SecDataCount, {0x00});
    EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, DC.Start,
                        "unexpected content after last section"));
  }
}

TEST(Decoder, AcceptsDataCountBetweenElementAndCode) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  W.section(SecMemory, vec({{0x00, 0x01}}));
  W.section(SecElement, {0x00});
  W.section(SecDataCount, {0x01});
  W.code({{NoLocals, {0xfc, 0x09, 0x00, 0x0b}}}); // data.drop 0
  W.section(SecData, vec({{0x01, 0x00}}));         // passive, empty
  Expected<Module> M = decodeModule(W.bytes());
  ASSERT_TRUE(M) << M.takeError().str();
  EXPECT_EQ(M->DataCount, 1u);
  EXPECT_EQ(M->Datas.size(), 1u);
  EXPECT_TRUE(succeeded(validateModule(*M)));
}

TEST(Decoder, RejectsDataCountDisagreeingWithDataSection) {
  WasmBuilder W;
  W.section(SecDataCount, {0x02});
  W.section(SecData, vec({{0x01, 0x00}}));
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, W.size(),
                      "data count and data section have inconsistent "
                      "lengths"));
}

TEST(Decoder, RejectsFunctionSectionWithoutCodeSection) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, W.size(),
                      "function and code section have inconsistent lengths"));
}

TEST(Decoder, AcceptsCustomSectionsEverywhere) {
  // A custom section before the first section, between every pair of
  // sections and after the last one; each is recorded with its name.
  WasmBuilder W;
  std::vector<std::string> Names;
  std::vector<uint64_t> ContentAt;
  int N = 0;
  auto Custom = [&] {
    std::string Name = "c" + std::to_string(N++);
    WasmBuilder::Placed P = W.custom(Name, {0xde, 0xad});
    Names.push_back(Name);
    ContentAt.push_back(P.Payload + 1 + Name.size());
  };
  Custom();
  W.section(SecType, vec({funcType({}, {})}));
  Custom();
  W.section(SecImport, vec({cat({name("m"), name("f"), {0x00, 0x00}})}));
  Custom();
  W.section(SecFunction, vec({{0x00}}));
  Custom();
  W.section(SecTable, vec({{0x70, 0x00, 0x01}}));
  Custom();
  W.section(SecMemory, vec({{0x00, 0x01}}));
  Custom();
  W.section(SecGlobal, vec({{0x7f, 0x00, 0x41, 0x00, 0x0b}}));
  Custom();
  W.section(SecExport, vec({cat({name("f"), {0x00, 0x01}})}));
  Custom();
  W.section(SecStart, {0x01});
  Custom();
  W.section(SecElement, vec({{0x00, 0x41, 0x00, 0x0b, 0x01, 0x00}}));
  Custom();
  W.section(SecDataCount, {0x01});
  Custom();
  W.code({{NoLocals, {0x0b}}});
  Custom();
  W.section(SecData, vec({{0x00, 0x41, 0x00, 0x0b, 0x01, 0x2a}}));
  Custom();

  Expected<Module> M = decodeModule(W.bytes());
  ASSERT_TRUE(M) << M.takeError().str();
  ASSERT_EQ(M->Customs.size(), Names.size());
  for (size_t I = 0; I < Names.size(); ++I) {
    EXPECT_EQ(M->Customs[I].Name, Names[I]);
    EXPECT_EQ(M->Customs[I].Offset, ContentAt[I]);
    EXPECT_EQ(M->Customs[I].Size, 2u);
  }
  EXPECT_TRUE(succeeded(validateModule(*M)));
}

TEST(Decoder, RecordsEmptyCustomSectionContent) {
  WasmBuilder W;
  W.custom("name", {});
  Expected<Module> M = decodeModule(W.bytes());
  ASSERT_TRUE(M) << M.takeError().str();
  ASSERT_EQ(M->Customs.size(), 1u);
  EXPECT_EQ(M->Customs[0].Name, "name");
  EXPECT_EQ(M->Customs[0].Size, 0u);
  EXPECT_EQ(M->Customs[0].Offset, W.size());
}

TEST(Decoder, RejectsCustomSectionWithoutName) {
  // A custom section must at least hold its name; an empty payload is an
  // unexpected end (at the file's end here).
  WasmBuilder W;
  W.section(SecCustom, {});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, 10,
                      "unexpected end"));
}

TEST(Decoder, RejectsCustomSectionNameLongerThanSection) {
  WasmBuilder W;
  WasmBuilder::Placed C = W.section(SecCustom, {0x05, 'a', 'b'});
  W.section(SecType, {0x00});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, C.Payload,
                      "length out of bounds"));
}

TEST(Decoder, RejectsSectionId13) {
  WasmBuilder W;
  W.section(13, {0x00});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, 8,
                      "malformed section id"));
}

TEST(Decoder, RejectsEverySectionIdAbove12) {
  for (unsigned Id = 13; Id < 256; ++Id) {
    SCOPED_TRACE("id " + std::to_string(Id));
    WasmBuilder W;
    W.section(SecType, {0x00});
    WasmBuilder::Placed S = W.section(uint8_t(Id), {0x00});
    EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, S.Start,
                        "malformed section id " + std::to_string(Id)));
  }
}

TEST(Decoder, RejectsSectionSizeBeyondEndOfFile) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  // The memory section declares 10 bytes; 3 follow.
  WasmBuilder::Placed S = W.sectionWithSize(SecMemory, {0x0a}, {0x01, 0x00, 0x01});
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, S.Start, "length out of bounds"));
  EXPECT_EQ(sectionOf(E), "memory");
}

TEST(Decoder, RejectsSectionContentEndingBeforeDeclaredSize) {
  // The type section declares one more byte than its one type uses.
  WasmBuilder W;
  WasmBuilder::Placed S =
      W.section(SecType, cat({vec({funcType({}, {})}), {0x00}}));
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, S.End - 1,
                      "section size mismatch"));
  EXPECT_EQ(sectionOf(E), "type");
}

TEST(Decoder, NamesSharedAnd64BitMemoriesAsUnsupported) {
  // Flags 0x02/0x03 (threads) and 0x04-0x07 (memory64) are valid Wasm 3.0,
  // not malformed bytes: the error must say which feature is missing.
  for (uint8_t Flags : {0x02, 0x03, 0x04, 0x05}) {
    WasmBuilder W;
    WasmBuilder::Placed S = W.section(SecMemory, {0x01, Flags, 0x01, 0x02});
    Error E = decodeError(W.bytes());
    const char *What = Flags & 4 ? "64-bit memories (memory64) are not supported"
                                 : "shared memories (threads) are not supported";
    EXPECT_TRUE(isError(E, ErrorKind::Unsupported, S.Payload + 1, What))
        << int(Flags);
  }
  // The same for an imported memory.
  WasmBuilder W;
  WasmBuilder::Placed S =
      W.section(SecImport, cat({{0x01}, name("env"), name("m"), {0x02, 0x03, 0x01, 0x02}}));
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Unsupported,
                      S.End - 3, "shared memories (threads) are not supported"));
  // A table has no such flags.
  WasmBuilder T;
  WasmBuilder::Placed TS = T.section(SecTable, {0x01, 0x70, 0x03, 0x01, 0x02});
  EXPECT_TRUE(isError(decodeError(T.bytes()), ErrorKind::Malformed, TS.Payload + 2,
                      "integer too large"));
}

TEST(Decoder, RejectsSectionContentRunningPastDeclaredSize) {
  // The memory section declares 3 bytes, but its one memory has a maximum
  // (flags 1) that needs a fourth; the next section's bytes must not be read
  // as the missing one.
  WasmBuilder W;
  WasmBuilder::Placed S = W.section(SecMemory, {0x01, 0x01, 0x01});
  W.section(SecGlobal, {0x00}); // a byte the memory section could steal
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, S.End,
                      "unexpected end of section or function"));
  EXPECT_EQ(sectionOf(E), "memory");
}

// Disabled: known wording bug. The spec reads each section as its own
// stream, so running off a section's end is "unexpected end of section or
// function" even when the section is the file's last (binary.wast: "1 table
// declared, 0 given", "2 type declared, 1 given"). Reader::unexpectedEnd
// (reader.h) picks the short "unexpected end" whenever the window ends where
// the file does; window() should mark the reader as a section/body window
// instead. The kind (malformed) and offset are already right.
TEST(Decoder, SaysEndOfSectionWhenTheLastSectionIsShort) {
  WasmBuilder W;
  WasmBuilder::Placed S = W.section(SecTable, {0x01});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, S.Payload,
                      "unexpected end of section or function"));
}

TEST(Decoder, SaysEndOfSectionWhenASectionBeforeTheLastIsShort) {
  WasmBuilder W;
  WasmBuilder::Placed S = W.section(SecTable, {0x01});
  W.section(SecMemory, {0x00});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, S.Payload,
                      "unexpected end of section or function"));
}

TEST(Decoder, RejectsFunctionBodySizeBeyondCodeSection) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecFunction, vec({{0x00}}));
  WasmBuilder::Placed C = W.section(SecCode, {0x01, 0x05, 0x00, 0x0b});
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, C.Payload + 2,
                      "unexpected end"));
  EXPECT_EQ(sectionOf(E), "code");
  EXPECT_EQ(E.funcIndex(), 0u);
}

TEST(Decoder, RejectsBadMagicAndVersion) {
  EXPECT_TRUE(isError(decodeError({0x00, 0x61, 0x73, 0x6e, 0x01, 0, 0, 0}),
                      ErrorKind::Malformed, 0, "magic header not detected"));
  EXPECT_TRUE(isError(decodeError({0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0}),
                      ErrorKind::Malformed, 4, "unknown binary version"));
  EXPECT_TRUE(isError(decodeError({0x00, 0x61, 0x73}), ErrorKind::Malformed, 0,
                      "unexpected end"));
}

//===----------------------------------------------------------------------===//
// UTF-8 names
//===----------------------------------------------------------------------===//

const std::vector<Bytes> ValidUtf8 = {
    {'a', 'b', 'c'},
    {},
    {0x00},                   // NUL is a code point like any other
    {0x7f},                   // the last one-byte code point
    {0xc2, 0x80},             // U+0080, the first two-byte one
    {0xc3, 0xa9},             // é
    {0xdf, 0xbf},             // U+07FF
    {0xe0, 0xa0, 0x80},       // U+0800, the first three-byte one
    {0xe2, 0x82, 0xac},       // €
    {0xed, 0x9f, 0xbf},       // U+D7FF, just below the surrogates
    {0xee, 0x80, 0x80},       // U+E000, just above them
    {0xef, 0xbf, 0xbf},       // U+FFFF
    {0xf0, 0x90, 0x80, 0x80}, // U+10000, the first four-byte one
    {0xf0, 0x9f, 0x98, 0x80}, // 😀
    {0xf4, 0x8f, 0xbf, 0xbf}, // U+10FFFF, the last code point
    {'x', 0xce, 0xbb, 0xe2, 0x88, 0x80, 0xf0, 0x9d, 0x90, 0x80, 'y'},
};

const std::vector<Bytes> InvalidUtf8 = {
    {0x80},                         // lone continuation byte
    {0xbf},                         // another
    {'a', 0x80, 'b'},               // continuation between ASCII
    {0xc0, 0x80},                   // overlong NUL
    {0xc1, 0xbf},                   // overlong U+007F
    {0xe0, 0x80, 0x80},             // overlong three-byte
    {0xe0, 0x9f, 0xbf},             // overlong U+07FF
    {0xf0, 0x80, 0x80, 0x80},       // overlong four-byte
    {0xf0, 0x8f, 0xbf, 0xbf},       // overlong U+FFFF
    {0xed, 0xa0, 0x80},             // U+D800, a surrogate
    {0xed, 0xbf, 0xbf},             // U+DFFF, a surrogate
    {0xf4, 0x90, 0x80, 0x80},       // U+110000, above the last code point
    {0xf5, 0x80, 0x80, 0x80},       // lead byte that cannot start anything
    {0xf8, 0x88, 0x80, 0x80, 0x80}, // five-byte form
    {0xfe},                         //
    {0xff},                         //
    {0xc2},                         // truncated two-byte
    {0xe2, 0x82},                   // truncated three-byte
    {0xf0, 0x9f, 0x98},             // truncated four-byte
    {'a', 0xe2, 0x82},              // truncated at the name's end
    {0xc2, 0x41},                   // continuation missing
    {0xe2, 0x28, 0xa1},             // continuation missing in the middle
    {0xf0, 0x9f, 0x98, 0x41},       // last continuation missing
};

std::string hex(const Bytes &B) {
  std::string S;
  for (uint8_t C : B) {
    char Buf[4];
    std::snprintf(Buf, sizeof(Buf), "%02x ", C);
    S += Buf;
  }
  return S;
}

/// One function import named Module.Field (raw bytes). Returns where the
/// field's name bytes start (after its length).
struct ImportNames {
  Bytes File;
  uint64_t ModuleAt;
  uint64_t FieldAt;
};
ImportNames importWithNames(const Bytes &Mod, const Bytes &Field) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  Bytes ModName = name(Mod), FieldName = name(Field);
  WasmBuilder::Placed S =
      W.section(SecImport, cat({{0x01}, ModName, FieldName, {0x00, 0x00}}));
  uint64_t ModAt = S.Payload + 1 + uleb(Mod.size()).size();
  uint64_t FieldAt = S.Payload + 1 + ModName.size() + uleb(Field.size()).size();
  return {W.bytes(), ModAt, FieldAt};
}

TEST(Decoder, AcceptsMultibyteUtf8Names) {
  for (const Bytes &N : ValidUtf8) {
    SCOPED_TRACE(hex(N));
    std::string S(N.begin(), N.end());
    {
      ImportNames I = importWithNames(N, N);
      Expected<Module> M = decodeModule(I.File);
      ASSERT_TRUE(M) << M.takeError().str();
      EXPECT_EQ(M->Imports[0].Module, S);
      EXPECT_EQ(M->Imports[0].Field, S);
    }
    {
      WasmBuilder W;
      W.section(SecType, vec({funcType({}, {})}));
      W.section(SecFunction, vec({{0x00}}));
      W.section(SecExport, vec({cat({name(N), {0x00, 0x00}})}));
      W.code({{NoLocals, {0x0b}}});
      Expected<Module> M = decodeModule(W.bytes());
      ASSERT_TRUE(M) << M.takeError().str();
      EXPECT_EQ(M->Exports[0].Name, S);
      EXPECT_TRUE(succeeded(validateModule(*M)));
    }
    {
      WasmBuilder W;
      W.section(SecCustom, cat({name(N), {0x01}}));
      Expected<Module> M = decodeModule(W.bytes());
      ASSERT_TRUE(M) << M.takeError().str();
      EXPECT_EQ(M->Customs[0].Name, S);
    }
  }
}

TEST(Decoder, RejectsMalformedUtf8InImportNames) {
  for (const Bytes &N : InvalidUtf8) {
    SCOPED_TRACE(hex(N));
    ImportNames InModule = importWithNames(N, {'f'});
    Error E = decodeError(InModule.File);
    EXPECT_TRUE(isError(E, ErrorKind::Malformed, InModule.ModuleAt,
                        "malformed UTF-8 encoding"));
    EXPECT_EQ(sectionOf(E), "import");

    ImportNames InField = importWithNames({'m'}, N);
    EXPECT_TRUE(isError(decodeError(InField.File), ErrorKind::Malformed,
                        InField.FieldAt, "malformed UTF-8 encoding"));
  }
}

TEST(Decoder, RejectsMalformedUtf8InExportNames) {
  for (const Bytes &N : InvalidUtf8) {
    SCOPED_TRACE(hex(N));
    WasmBuilder W;
    W.section(SecType, vec({funcType({}, {})}));
    W.section(SecFunction, vec({{0x00}}));
    WasmBuilder::Placed S =
        W.section(SecExport, vec({cat({name(N), {0x00, 0x00}})}));
    W.code({{NoLocals, {0x0b}}});
    Error E = decodeError(W.bytes());
    EXPECT_TRUE(isError(E, ErrorKind::Malformed, S.Payload + 2,
                        "malformed UTF-8 encoding"));
    EXPECT_EQ(sectionOf(E), "export");
  }
}

TEST(Decoder, RejectsMalformedUtf8InCustomSectionNames) {
  for (const Bytes &N : InvalidUtf8) {
    SCOPED_TRACE(hex(N));
    WasmBuilder W;
    WasmBuilder::Placed S = W.section(SecCustom, cat({name(N), {0x01}}));
    Error E = decodeError(W.bytes());
    EXPECT_TRUE(isError(E, ErrorKind::Malformed, S.Payload + 1,
                        "malformed UTF-8 encoding"));
    EXPECT_EQ(sectionOf(E), "custom");
  }
}

TEST(Decoder, ChecksUtf8OnlyWithinTheNameLength) {
  // A name ending mid-sequence is malformed even when the bytes after it
  // would complete the sequence.
  WasmBuilder W;
  WasmBuilder::Placed S =
      W.section(SecCustom, {0x02, 'a', 0xc3, 0xa9, 0x00});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed,
                      S.Payload + 1, "malformed UTF-8 encoding"));
}

//===----------------------------------------------------------------------===//
// Truncation
//===----------------------------------------------------------------------===//

struct RichModule {
  Bytes File;
  /// Prefix lengths that are themselves complete, valid modules: the bare
  /// header and the ends of the sections no other section depends on.
  std::set<uint64_t> CompletePrefixes;
  uint64_t F2Body = 0;     // offset of function 2's locals
  uint64_t F2BodyLen = 0;  // its locals + code, in bytes
};

const Bytes F2Locals = {0x01, 0x01, 0x7e}; // one i64
const Bytes F2Code = {
    0x02, 0x7f,                   // block (result i32)
    0x02, 0x40,                   //   block
    0x02, 0x40,                   //     block
    0x20, 0x00,                   //       local.get 0
    0x0e, 0x02, 0x00, 0x01, 0x00, //       br_table 0 1 (default 0)
    0x0b,                         //     end
    0x41, 0x0a,                   //     i32.const 10
    0x0c, 0x01,                   //     br 1
    0x0b,                         //   end
    0x41, 0x14,                   //   i32.const 20
    0x0b,                         // end
    0x20, 0x00,                   // local.get 0
    0x02, 0x02,                   // block (type 2) [i32 i32] -> [i32]
    0x6a,                         //   i32.add
    0x0b,                         // end
    0x20, 0x00,                   // local.get 0
    0x04, 0x7f,                   // if (result i32)
    0x41, 0x01,                   //   i32.const 1
    0x05,                         // else
    0x41, 0x02,                   //   i32.const 2
    0x0b,                         // end
    0x6a,                         // i32.add
    0x41, 0x00, 0x28, 0x02, 0x04, // i32.const 0; i32.load align=4 offset=4
    0x6a,                         // i32.add
    0x3f, 0x00, 0x6a,             // memory.size; i32.add
    0x10, 0x00,                   // call 0 (the import)
    0x41, 0x00, 0x11, 0x01, 0x00, // i32.const 0; call_indirect (type 1)
    0x0b,                         // end
};

/// Types, a custom section, imports, two functions, table, memory, globals,
/// exports, start, two element segments, data count, code with blocks, an if
/// and a br_table, and two data segments. `F2Keep`, when set, truncates
/// function 2's body (locals and code) to that many bytes, sizes adjusted.
RichModule richModule(std::optional<size_t> F2Keep = std::nullopt) {
  RichModule R;
  WasmBuilder W;
  R.CompletePrefixes.insert(W.size());
  W.section(SecType, vec({funcType({}, {}),              // 0: [] -> []
                          funcType({0x7f}, {0x7f}),      // 1: [i32] -> [i32]
                          funcType({0x7f, 0x7f}, {0x7f})})); // 2
  R.CompletePrefixes.insert(W.size());
  W.custom("meta", {0x01, 0x02, 0x03});
  R.CompletePrefixes.insert(W.size());
  W.section(SecImport,
            vec({cat({name("env"), name("f"), {0x00, 0x01}}),
                 cat({name("env"), name("g\xc3\xa9"), {0x03, 0x7f, 0x00}})}));
  R.CompletePrefixes.insert(W.size());
  W.section(SecFunction, vec({{0x00}, {0x01}}));
  W.section(SecTable, vec({{0x70, 0x01, 0x02, 0x04}}));
  W.section(SecMemory, vec({{0x01, 0x01, 0x02}}));
  W.section(SecGlobal, vec({{0x7f, 0x01, 0x23, 0x00, 0x0b},   // global.get 0
                            {0x7e, 0x00, 0x42, 0x7f, 0x0b}})); // i64 -1
  W.section(SecExport, vec({cat({name("main"), {0x00, 0x02}}),
                            cat({name("mem"), {0x02, 0x00}}),
                            cat({name("tbl"), {0x01, 0x00}}),
                            cat({name("g"), {0x03, 0x01}})}));
  W.section(SecStart, {0x01});
  W.section(SecElement,
            vec({{0x00, 0x41, 0x00, 0x0b, 0x02, 0x01, 0x02},
                 {0x05, 0x70, 0x02, 0xd0, 0x70, 0x0b, 0xd2, 0x02, 0x0b}}));
  W.section(SecDataCount, {0x02});
  Bytes F1Code = {0x23, 0x01, 0x21, 0x00,             // global.get 1; local.set 0
                  0x41, 0x00, 0x41, 0x00, 0x41, 0x01, // three i32 operands
                  0xfc, 0x08, 0x01, 0x00,             // memory.init 1
                  0xfc, 0x09, 0x01,                   // data.drop 1
                  0x0b};
  Func F2 = {F2Locals, F2Code};
  if (F2Keep) {
    Bytes Whole = cat({F2Locals, F2Code});
    Whole.resize(*F2Keep);
    F2 = {Whole, {}};
  }
  std::vector<uint64_t> Starts = W.code({{{0x01, 0x01, 0x7f}, F1Code}, F2});
  R.F2Body = Starts[1] - F2.Locals.size();
  R.F2BodyLen = F2.Locals.size() + F2.Code.size();
  W.section(SecData, vec({cat({{0x00, 0x41, 0x10, 0x0b}, name("hi")}),
                          cat({{0x01}, name("xyz")})}));
  R.File = W.bytes();
  return R;
}

TEST(Decoder, FeatureRichModuleDecodesAndValidates) {
  RichModule R = richModule();
  Expected<Module> M = decodeModule(R.File);
  ASSERT_TRUE(M) << M.takeError().str();
  EXPECT_EQ(M->Types.size(), 3u);
  ASSERT_EQ(M->Imports.size(), 2u);
  EXPECT_EQ(M->Imports[1].Field, "g\xc3\xa9");
  EXPECT_EQ(M->NumImportedFuncs, 1u);
  EXPECT_EQ(M->NumImportedGlobals, 1u);
  EXPECT_EQ(M->Funcs, (std::vector<uint32_t>{1, 0, 1}));
  EXPECT_EQ(M->Tables.size(), 1u);
  EXPECT_EQ(M->Memories.size(), 1u);
  EXPECT_EQ(M->Globals.size(), 3u);
  EXPECT_EQ(M->Exports.size(), 4u);
  EXPECT_EQ(M->Start, 1u);
  ASSERT_EQ(M->Elems.size(), 2u);
  EXPECT_EQ(M->Elems[1].Mode, SegmentMode::Passive);
  EXPECT_EQ(M->Elems[1].Items.size(), 2u);
  EXPECT_EQ(M->DataCount, 2u);
  ASSERT_EQ(M->Bodies.size(), 2u);
  EXPECT_EQ(M->Bodies[1].CodeStart, R.F2Body + F2Locals.size());
  EXPECT_EQ(M->Bodies[1].End, R.F2Body + R.F2BodyLen);
  ASSERT_EQ(M->Datas.size(), 2u);
  EXPECT_EQ(M->Datas[1].BytesSize, 3u);
  ASSERT_EQ(M->Customs.size(), 1u);
  EXPECT_EQ(M->Customs[0].Name, "meta");
  EXPECT_TRUE(succeeded(validateModule(*M)));
}

TEST(Decoder, RejectsEveryProperPrefixOfFeatureRichModule) {
  RichModule R = richModule();
  std::set<uint64_t> Accepted;
  for (size_t Len = 0; Len < R.File.size(); ++Len) {
    SCOPED_TRACE("prefix of " + std::to_string(Len) + " bytes");
    Bytes Prefix(R.File.begin(), R.File.begin() + Len);
    Error E = loadError(Prefix);
    if (!E) {
      Accepted.insert(Len);
      continue;
    }
    EXPECT_EQ(E.kind(), ErrorKind::Malformed) << E.str();
    EXPECT_LE(E.offset(), Len) << E.str();
  }
  // The only prefixes that are modules are the ones that end between
  // sections and need nothing that follows (an empty module, types, a
  // custom section, imports).
  EXPECT_EQ(Accepted, R.CompletePrefixes);
}

TEST(Decoder, RejectsFunctionBodyTruncatedAtEveryByte) {
  RichModule Whole = richModule();
  for (size_t Keep = 0; Keep < Whole.F2BodyLen; ++Keep) {
    SCOPED_TRACE("body of " + std::to_string(Keep) + " bytes");
    RichModule R = richModule(Keep);
    Error E = loadError(R.File);
    ASSERT_TRUE(E);
    EXPECT_EQ(E.kind(), ErrorKind::Malformed) << E.str();
    EXPECT_GE(E.offset(), R.F2Body) << E.str();
    EXPECT_LE(E.offset(), R.F2Body + Keep) << E.str();
    EXPECT_EQ(E.funcIndex(), 2u) << E.str();
    EXPECT_EQ(sectionOf(E), "code") << E.str();
  }
}

//===----------------------------------------------------------------------===//
// Bounded allocation
//===----------------------------------------------------------------------===//

TEST(Decoder, RejectsHugeTypeCountInTinyFileWithoutAllocating) {
  // 0xFFFFFFFF types declared in a 20-byte file: the count is checked
  // against the bytes left before anything is reserved.
  WasmBuilder W;
  W.section(SecType, {0xff, 0xff, 0xff, 0xff, 0x0f, 0x60, 0x00, 0x00, 0x60,
                      0x00});
  ASSERT_EQ(W.size(), 20u);
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, 10, "unexpected end"));
  EXPECT_EQ(sectionOf(E), "type");
}

TEST(Decoder, RejectsHugeCountsInEveryVector) {
  // Each of these declares 0xFFFFFFFF elements of a vector in a small
  // section; each must fail as malformed at the count, not allocate.
  const Bytes Huge = {0xff, 0xff, 0xff, 0xff, 0x0f};
  struct Case {
    const char *What;
    uint8_t Id;
    Bytes Before;     // payload bytes before the count
    uint64_t After = 0; // where the error is, relative to the count
  } Cases[] = {
      {"imports", SecImport, {}},   {"functions", SecFunction, {}},
      {"tables", SecTable, {}},     {"memories", SecMemory, {}},
      {"globals", SecGlobal, {}},   {"exports", SecExport, {}},
      {"elements", SecElement, {}}, {"code", SecCode, {}},
      {"data", SecData, {}},
      {"element items", SecElement, {0x01, 0x00, 0x41, 0x00, 0x0b}},
      // A segment's byte count is checked once read, so it is reported
      // just after it.
      {"data bytes", SecData, {0x01, 0x00, 0x41, 0x00, 0x0b}, 5},
  };
  for (const Case &C : Cases) {
    SCOPED_TRACE(C.What);
    WasmBuilder W;
    if (C.Id == SecCode)
      W.section(SecFunction, {0x00});
    WasmBuilder::Placed S = W.section(C.Id, cat({C.Before, Huge, {0x00}}));
    Error E = decodeError(W.bytes());
    ASSERT_TRUE(E);
    EXPECT_EQ(E.kind(), ErrorKind::Malformed) << E.str();
    EXPECT_EQ(E.offset(), S.Payload + C.Before.size() + C.After) << E.str();
    EXPECT_NE(E.message().find("unexpected end"), std::string::npos)
        << E.str();
  }
}

TEST(Decoder, RejectsHugeParamCountInFunctionType) {
  WasmBuilder W;
  WasmBuilder::Placed S =
      W.section(SecType, {0x01, 0x60, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed,
                      S.Payload + 2, "unexpected end"));
}

TEST(Decoder, RejectsHugeBrTableTargetCount) {
  WasmBuilder W;
  uint64_t Code = oneFunc(
      W, {NoLocals,
          {0x41, 0x00, 0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x0b}});
  Error E = loadError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, Code + 3, "unexpected end"));
  EXPECT_EQ(E.funcIndex(), 0u);
}

TEST(Decoder, RejectsMoreThanFourBillionLocalsAsMalformed) {
  // Two runs of 0x7FFFFFFF and 0x80000001 locals: 2^32 in all, which no
  // u32 local index can reach. That is malformed by the spec, whatever
  // limit the implementation has.
  WasmBuilder W;
  Bytes Locals = {0x02};
  uint64_t Run2 = 1 + uleb(0x7fffffff).size() + 1;
  Locals = cat({Locals, uleb(0x7fffffff), {0x7f}, uleb(0x80000001), {0x7e}});
  uint64_t Code = oneFunc(W, {Locals, {0x0b}});
  uint64_t LocalsAt = Code - Locals.size();
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, LocalsAt + Run2,
                      "too many locals"));
  EXPECT_EQ(sectionOf(E), "code");
  EXPECT_EQ(E.funcIndex(), 0u);
}

TEST(Decoder, RejectsSpecTooManyLocalsExampleAsMalformed) {
  // binary.wast: 0xFFFFFFFF i32 locals then 2 i64 locals, "too many
  // locals" as assert_malformed.
  WasmBuilder W;
  Bytes Locals = {0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x02, 0x7e};
  uint64_t Code = oneFunc(W, {Locals, {0x0b}});
  uint64_t LocalsAt = Code - Locals.size();
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed,
                      LocalsAt + 7, "too many locals"));
}

TEST(Decoder, RejectsMoreThan50000LocalsAsLimit) {
  // 50,001 locals is valid Wasm but beyond the implementation limit.
  WasmBuilder W;
  Bytes Locals = cat({{0x02}, uleb(50000), {0x7f}, uleb(1), {0x7d}});
  uint64_t Run2 = 1 + uleb(50000).size() + 1;
  uint64_t Code = oneFunc(W, {Locals, {0x0b}});
  uint64_t LocalsAt = Code - Locals.size();
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Limit, LocalsAt + Run2, "too many locals"));
  EXPECT_EQ(sectionOf(E), "code");
  EXPECT_EQ(E.funcIndex(), 0u);
}

TEST(Decoder, RejectsMalformedLocalTypeBeforeApplyingLocalLimit) {
  // A malformed value type after a run that exceeds the limit is still a
  // malformed module, not an implementation limit.
  WasmBuilder W;
  Bytes Locals = cat({{0x02}, uleb(60000), {0x7f}, uleb(1), {0x40}});
  uint64_t Code = oneFunc(W, {Locals, {0x0b}});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, Code - 1,
                      "malformed value type"));
}

TEST(Decoder, Accepts50000Locals) {
  WasmBuilder W;
  oneFunc(W, {cat({{0x02}, uleb(49999), {0x7f}, uleb(1), {0x7c}}),
              cat({{0x20}, uleb(49999), {0x1a, 0x0b}})}); // local.get 49999
  Expected<Module> M = decodeModule(W.bytes());
  ASSERT_TRUE(M) << M.takeError().str();
  EXPECT_EQ(M->Bodies[0].NumLocals, 50000u);
  EXPECT_TRUE(succeeded(validateModule(*M)));
}

//===----------------------------------------------------------------------===//
// Function bodies and instruction encodings
//===----------------------------------------------------------------------===//

TEST(Decoder, FunctionBodyErrorsCarryFunctionIndexCountingImports) {
  // Two imported functions, then two defined; the second defined function
  // is function 3.
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecImport, vec({cat({name("m"), name("a"), {0x00, 0x00}}),
                            cat({name("m"), name("b"), {0x00, 0x00}})}));
  W.section(SecFunction, vec({{0x00}, {0x00}}));
  std::vector<uint64_t> Code =
      W.code({{NoLocals, {0x01, 0x0b}},
              {NoLocals, {0x01, 0x01, 0x06, 0x0b}}}); // nop nop <0x06> end
  Error E = loadError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, Code[1] + 2, "illegal opcode"));
  EXPECT_EQ(E.funcIndex(), 3u);
  EXPECT_EQ(sectionOf(E), "code");
}

TEST(Decoder, LocalDeclarationErrorsCarryFunctionIndexCountingImports) {
  WasmBuilder W;
  W.section(SecType, vec({funcType({}, {})}));
  W.section(SecImport, vec({cat({name("m"), name("a"), {0x00, 0x00}})}));
  W.section(SecFunction, vec({{0x00}, {0x00}}));
  std::vector<uint64_t> Code =
      W.code({{NoLocals, {0x0b}}, {{0x01, 0x01, 0x40}, {0x0b}}});
  Error E = decodeError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, Code[1] - 1,
                      "malformed value type"));
  EXPECT_EQ(E.funcIndex(), 2u);
  EXPECT_EQ(sectionOf(E), "code");
}

TEST(Decoder, RejectsNonZeroReservedByteAfterMemorySize) {
  WasmBuilder W;
  uint64_t Code = oneFunc(W, {NoLocals, {0x01, 0x3f, 0x01, 0x1a, 0x0b}},
                          /*Memory=*/true);
  Error E = loadError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, Code + 2, "zero byte expected"));
  EXPECT_EQ(E.funcIndex(), 0u);
  EXPECT_EQ(sectionOf(E), "code");
}

TEST(Decoder, RejectsNonZeroReservedBytesOfBulkMemoryOps) {
  struct Case {
    const char *What;
    Bytes Code;
    uint64_t BadAt; // offset of the bad byte within Code
  } Cases[] = {
      {"memory.grow", {0x41, 0x00, 0x40, 0x80, 0x00, 0x1a, 0x0b}, 3},
      {"memory.fill",
       {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0b, 0x01, 0x0b},
       8},
      {"memory.copy dst",
       {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0a, 0x01, 0x00, 0x0b},
       8},
      {"memory.copy src",
       {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0a, 0x00, 0x01, 0x0b},
       9},
  };
  for (const Case &C : Cases) {
    SCOPED_TRACE(C.What);
    WasmBuilder W;
    uint64_t Code = oneFunc(W, {NoLocals, C.Code}, /*Memory=*/true);
    EXPECT_TRUE(isError(loadError(W.bytes()), ErrorKind::Malformed,
                        Code + C.BadAt, "zero byte expected"));
  }
}

TEST(Decoder, RejectsUnknownOpcodes) {
  struct Case {
    const char *What;
    Bytes Op;
    const char *Msg;
  } Cases[] = {
      {"0x06", {0x06}, "illegal opcode 0x06"},
      {"0xfc 0x12", {0xfc, 0x12}, "illegal opcode 0xfc 0x12"},
      {"0xfd 0x114", {0xfd, 0x94, 0x02}, "illegal opcode 0xfd 0x114"},
      {"0xff", {0xff}, "illegal opcode 0xff"},
      {"0xfc 0xffffffff", {0xfc, 0xff, 0xff, 0xff, 0xff, 0x0f},
       "illegal opcode 0xfc 0xffffffff"},
  };
  for (const Case &C : Cases) {
    SCOPED_TRACE(C.What);
    for (bool Relaxed : {false, true}) {
      Features F;
      F.RelaxedSimd = Relaxed;
      WasmBuilder W;
      uint64_t Code = oneFunc(W, {NoLocals, cat({{0x01}, C.Op, {0x0b}})});
      Error E = loadError(W.bytes(), F);
      EXPECT_TRUE(isError(E, ErrorKind::Malformed, Code + 1, C.Msg));
      EXPECT_EQ(E.funcIndex(), 0u);
    }
  }
}

TEST(Decoder, DecodesRelaxedSwizzleOnlyWithRelaxedSimd) {
  // v128.const 0; v128.const 0; i8x16.relaxed_swizzle (0xFD 0x100); drop
  Bytes Code = {0xfd, 0x0c};
  Code.resize(Code.size() + 16, 0);
  Code = cat({Code, Code, {0xfd, 0x80, 0x02, 0x1a, 0x0b}});
  WasmBuilder W;
  uint64_t Start = oneFunc(W, {NoLocals, Code});

  Features Relaxed;
  Relaxed.RelaxedSimd = true;
  EXPECT_TRUE(succeeded(loadError(W.bytes(), Relaxed)));

  Error E = loadError(W.bytes());
  EXPECT_TRUE(isError(E, ErrorKind::Malformed, Start + 36,
                      "illegal opcode 0xfd 0x100"));
}

TEST(Decoder, RejectsRelaxedSimdInConstantExpressionWhenDisabled) {
  // Constant expressions are decoded eagerly, with the same feature gate.
  WasmBuilder W;
  uint64_t Init = oneGlobal(W, 0x7b, {0xfd, 0x80, 0x02, 0x0b});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, Init,
                      "illegal opcode 0xfd 0x100"));
}

TEST(Decoder, RejectsConstantExpressionWithoutEnd) {
  WasmBuilder W;
  WasmBuilder::Placed S = W.section(SecGlobal, {0x01, 0x7f, 0x00, 0x41, 0x00});
  W.section(SecExport, {0x00});
  EXPECT_TRUE(isError(decodeError(W.bytes()), ErrorKind::Malformed, S.End,
                      "unexpected end of section or function"));
}

} // namespace
