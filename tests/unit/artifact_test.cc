//===- tests/unit/artifact_test.cc - Writer, verifier and mapper ----------===//
//
// A small artifact is built by hand (two types, imports of each useful kind,
// two functions whose code is a few bytes of x86-64, trampolines, a table,
// a global, exports, element and data segments, and a read-only part with
// an image relocation and a libcall slot), written, and read back.
//
// Then one test per refusal, named after what it refuses, asserting the
// message, the byte offset and the section. Refusals of the file structure
// edit the bytes (and reseal the checksums where the check comes after
// them); refusals of the contents edit the Artifact and write it, since the
// writer does not validate. Finally the exhaustive ones: every single-byte
// change and every truncation is refused, and every single-byte change with
// the checksums recomputed is refused or accepted without crashing.
//
// The map tests run the mapped code, written for whichever architecture
// runs the test (x86-64, or AArch64, ARMv7 and RISC-V under qemu-user).
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "kiln/signature.h"
#include "loader/libcalls.h"
#include "loader/map.h"
#include "loader/verify.h"

#include "kiln/abi.h"
#include "kiln/format_io.h"
#include "kiln/sha256.h"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#if KILN_HAVE_SODIUM
#include <sodium.h>
#endif

using namespace kiln;
using namespace kiln::format;
using loader::MappedImage;
using loader::verifyArtifact;

namespace {

// kiln/runtime.h has an API-level ExternKind and error.h a NoIndex; here
// they mean the artifact's.
using format::ExternKind;
using format::NoIndex;

//===----------------------------------------------------------------------===//
// The small artifact
//===----------------------------------------------------------------------===//

using Bytes = std::vector<uint8_t>;

constexpr uint32_t TextSize = 64;
constexpr uint32_t RoBytes = 32; // read-only part: two slots and a string

uint32_t pageAlign() {
  long P = sysconf(_SC_PAGESIZE);
  return P > 4096 ? uint32_t(P) : 4096;
}

ConstExprRec i32Const(uint32_t V) {
  ConstExprRec C;
  C.Kind = uint8_t(ConstKind::I32);
  for (unsigned I = 0; I < 4; ++I)
    C.Bits[I] = uint8_t(V >> (8 * I));
  return C;
}

ConstExprRec i64Const(uint64_t V) {
  ConstExprRec C;
  C.Kind = uint8_t(ConstKind::I64);
  for (unsigned I = 0; I < 8; ++I)
    C.Bits[I] = uint8_t(V >> (8 * I));
  return C;
}

ConstExprRec globalGet(uint32_t Index) {
  ConstExprRec C;
  C.Kind = uint8_t(ConstKind::GlobalGet);
  C.Index = Index;
  return C;
}

ConstExprRec refFunc(uint32_t Index) {
  ConstExprRec C;
  C.Kind = uint8_t(ConstKind::RefFunc);
  C.Index = Index;
  return C;
}

ConstExprRec refNull(uint8_t Type) {
  ConstExprRec C;
  C.Kind = uint8_t(ConstKind::RefNull);
  C.Type = Type;
  return C;
}

ImportRec import(const char *Module, const char *Field, ExternKind K) {
  ImportRec I;
  I.Module = Module;
  I.Field = Field;
  I.Kind = uint8_t(K);
  return I;
}

/// Function index space: 0 = env.log (imported), 1 = "answer", 2 = "nop".
/// Global index space: 0 = env.base (imported), 1 = defined.
Artifact smallArtifact() {
  Artifact A;
  A.TargetArch = Arch::X86_64;
  A.Mode = MemoryMode::Guard;
  A.PointerBytes = 8;

  A.Target.Triple = "x86_64-linux-gnu";
  A.Target.Cpu = "x86-64-v2";
  A.Target.Features = "+sse4.2";
  A.Target.CompilerVersion = "kiln test";
  const uint8_t Wasm[] = {0x00, 'a', 's', 'm', 1, 0, 0, 0};
  A.Target.WasmSha256 = sha256(Wasm);
  A.Target.OptLevel = 2;

  A.Types = {{{}, {0x7f}}, {{0x7f, 0x7e}, {}}};

  ImportRec Log = import("env", "log", ExternKind::Func);
  Log.TypeIndex = 1;
  ImportRec Base = import("env", "base", ExternKind::Global);
  Base.ValType = 0x7f;
  ImportRec Mem = import("env", "mem", ExternKind::Memory);
  Mem.Lim = {1, 1, 2};
  A.Imports = {Log, Base, Mem};

  A.Functions = {{0, 0, 6, 0x40}, {1, 16, 1, 0x50}};
  A.Tables = {{0x70, {2, 1, 2}}};
  A.Globals = {{0x7f, 1, globalGet(0)}};
  A.Exports = {{"answer", uint8_t(ExternKind::Func), 1},
               {"nop", uint8_t(ExternKind::Func), 2},
               {"table", uint8_t(ExternKind::Table), 0},
               {"mem", uint8_t(ExternKind::Memory), 0},
               {"g", uint8_t(ExternKind::Global), 1}};
  A.Start = NoIndex;

  ElemRec E;
  E.Mode = uint8_t(SegmentMode::Active);
  E.Table = 0;
  E.Offset = i32Const(0);
  E.ElemType = 0x70;
  E.Items = {refFunc(1), refFunc(2)};
  A.Elems = {E};

  DataRec D0;
  D0.Mode = uint8_t(SegmentMode::Active);
  D0.Memory = 0;
  D0.Offset = i32Const(8);
  D0.Bytes = {'h', 'i'};
  DataRec D1;
  D1.Mode = uint8_t(SegmentMode::Passive);
  D1.Bytes = {'x', 'y', 'z'};
  A.Datas = {D0, D1};

  A.Trampolines = {{32, 33}, {48, 49}};

  uint32_t P = pageAlign();
  A.Image.PageAlign = P;
  A.Image.TextSize = TextSize;
  A.Image.ReadOnlyOffset = P;
  A.Image.Bytes.assign(P + RoBytes, 0);
  std::fill(A.Image.Bytes.begin(), A.Image.Bytes.begin() + TextSize, 0xcc);
  const uint8_t Answer[] = {0xb8, 0x2a, 0x00,
                            0x00, 0x00, 0xc3}; // mov eax,42; ret
  std::memcpy(A.Image.Bytes.data(), Answer, sizeof(Answer));
  for (uint32_t Ret : {16u, 32u, 33u, 48u, 49u})
    A.Image.Bytes[Ret] = 0xc3;
  std::memcpy(A.Image.Bytes.data() + P + 16, "kiln", 4);

  A.Relocs = {{P, uint8_t(RelocKind::ImageAbs64), 16},
              {P + 8, uint8_t(RelocKind::LibcallAbs64), 0}};
  return A;
}

LoadOptions x86Options() {
  LoadOptions O;
  O.ExpectedArch = Arch::X86_64;
  O.AllowGuard = true;
  O.AllowBoundsChecked = true;
  return O;
}

//===----------------------------------------------------------------------===//
// Reading and editing the layout
//===----------------------------------------------------------------------===//

uint32_t get32(const Bytes &B, size_t At) {
  return uint32_t(B[At]) | uint32_t(B[At + 1]) << 8 |
         uint32_t(B[At + 2]) << 16 | uint32_t(B[At + 3]) << 24;
}
uint64_t get64(const Bytes &B, size_t At) {
  return uint64_t(get32(B, At)) | uint64_t(get32(B, At + 4)) << 32;
}
void put32(Bytes &B, size_t At, uint32_t V) {
  for (unsigned I = 0; I < 4; ++I)
    B[At + I] = uint8_t(V >> (8 * I));
}
void put64(Bytes &B, size_t At, uint64_t V) {
  for (unsigned I = 0; I < 8; ++I)
    B[At + I] = uint8_t(V >> (8 * I));
}

constexpr uint32_t NumSections = 15; // format version 4

/// Position of section `Id` in the table (ids are 1..15 in order).
size_t entryAt(SectionId Id) {
  return PreambleBytes + (uint32_t(Id) - 1) * SectionEntryBytes;
}
uint64_t sectionOffset(const Bytes &B, SectionId Id) {
  return get64(B, entryAt(Id) + 8);
}
uint64_t sectionSize(const Bytes &B, SectionId Id) {
  return get64(B, entryAt(Id) + 16);
}

/// File offset of record `I` of a vector section whose records are `Recs`.
template <class T>
uint64_t recordAt(const Bytes &B, SectionId Id, const std::vector<T> &Recs,
                  size_t I) {
  std::vector<uint8_t> Tmp;
  ByteWriter W(Tmp);
  for (size_t K = 0; K < I; ++K)
    fields(W, const_cast<T &>(Recs[K]));
  return sectionOffset(B, Id) + 4 + Tmp.size();
}

/// Recomputes every section digest and the trailer, so an edit reaches the
/// checks that come after the checksums.
void reseal(Bytes &B) {
  for (uint32_t I = 0; I < NumSections; ++I) {
    size_t E = PreambleBytes + I * SectionEntryBytes;
    uint64_t Off = get64(B, E + 8), Size = get64(B, E + 16);
    if (Off > B.size() || Size > B.size() - Off)
      continue;
    Digest D = sha256(std::span<const uint8_t>(B.data() + Off, Size));
    std::memcpy(B.data() + E + 24, D.data(), DigestBytes);
  }
  size_t TrailerAt = B.size() - DigestBytes;
  Digest D = sha256(std::span<const uint8_t>(B.data(), TrailerAt));
  std::memcpy(B.data() + TrailerAt, D.data(), DigestBytes);
}

//===----------------------------------------------------------------------===//
// Refusal assertions
//===----------------------------------------------------------------------===//

Error refusalOf(const Bytes &B, const LoadOptions &O = x86Options()) {
  Expected<Artifact> A = verifyArtifact(B, O);
  if (A) {
    ADD_FAILURE() << "artifact was accepted";
    return Error::make(ErrorKind::Usage, "accepted");
  }
  return A.takeError();
}

void expectRefusal(const Error &E, uint64_t Offset, const char *Section,
                   const std::string &Message) {
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(E.kind(), ErrorKind::Refused) << E.str();
  EXPECT_EQ(E.message(), Message);
  EXPECT_EQ(E.offset(), Offset) << E.str();
  if (Section)
    EXPECT_STREQ(E.section(), Section) << E.str();
  else
    EXPECT_EQ(E.section(), nullptr) << E.str();
}

std::string hex(uint64_t V) {
  char Buf[32];
  std::snprintf(Buf, sizeof(Buf), "0x%llx", (unsigned long long)V);
  return Buf;
}

//===----------------------------------------------------------------------===//
// Writer and round trip
//===----------------------------------------------------------------------===//

TEST(Writer, IsDeterministic) {
  EXPECT_EQ(format::writeArtifact(smallArtifact()),
            format::writeArtifact(smallArtifact()));
}

TEST(Writer, WritesPreambleSectionTableAndTrailerAsFormatHSays) {
  Bytes B = format::writeArtifact(smallArtifact());
  ASSERT_GE(B.size(), 840u);
  EXPECT_EQ(std::memcmp(B.data(), Magic, 8), 0);
  EXPECT_EQ(get32(B, 8), FormatVersion);
  EXPECT_EQ(B[12], uint8_t(Arch::X86_64));
  EXPECT_EQ(B[13], uint8_t(MemoryMode::Guard));
  EXPECT_EQ(B[14], 8);
  EXPECT_EQ(B[15], 0);
  EXPECT_EQ(get32(B, 16), NumSections);
  EXPECT_EQ(get32(B, 20), 0u);

  uint64_t PrevEnd = PreambleBytes + NumSections * SectionEntryBytes;
  for (uint32_t I = 0; I < NumSections; ++I) {
    size_t E = PreambleBytes + I * SectionEntryBytes;
    EXPECT_EQ(get32(B, E), I + 1) << "sections.def order";
    EXPECT_EQ(get32(B, E + 4), 0u);
    uint64_t Off = get64(B, E + 8), Size = get64(B, E + 16);
    EXPECT_EQ(Off % SectionAlign, 0u);
    EXPECT_EQ(Off, (PrevEnd + 15) / 16 * 16) << "no gap beyond alignment";
    for (uint64_t Pad = PrevEnd; Pad < Off; ++Pad)
      EXPECT_EQ(B[Pad], 0) << "padding at " << Pad;
    Digest D = sha256(std::span<const uint8_t>(B.data() + Off, Size));
    EXPECT_EQ(std::memcmp(D.data(), B.data() + E + 24, 32), 0);
    PrevEnd = Off + Size;
  }
  EXPECT_EQ(PrevEnd + DigestBytes, B.size())
      << "trailer follows the last section";
  Digest T = sha256(std::span<const uint8_t>(B.data(), B.size() - 32));
  EXPECT_EQ(std::memcmp(T.data(), B.data() + B.size() - 32, 32), 0);
}

TEST(Verify, AcceptsAndRoundTripsSmallArtifact) {
  Artifact In = smallArtifact();
  Bytes B = format::writeArtifact(In);
  Expected<Artifact> Out = verifyArtifact(B, x86Options());
  ASSERT_TRUE(bool(Out)) << Out.takeError().str();
  // Byte-identical after a second write: every field survived.
  EXPECT_EQ(format::writeArtifact(*Out), B);
  EXPECT_EQ(Out->TargetArch, Arch::X86_64);
  EXPECT_EQ(Out->Mode, MemoryMode::Guard);
  EXPECT_EQ(Out->PointerBytes, 8);
  EXPECT_EQ(Out->Target.Triple, "x86_64-linux-gnu");
  EXPECT_EQ(Out->Target.WasmSha256, In.Target.WasmSha256);
  ASSERT_EQ(Out->Imports.size(), 3u);
  EXPECT_EQ(Out->Imports[0].Field, "log");
  ASSERT_EQ(Out->Functions.size(), 2u);
  EXPECT_EQ(Out->Functions[1].CodeOffset, 16u);
  EXPECT_EQ(Out->Exports[0].Name, "answer");
  EXPECT_EQ(Out->Start, NoIndex);
  ASSERT_EQ(Out->Elems.size(), 1u);
  EXPECT_EQ(Out->Elems[0].Items[1].Index, 2u);
  EXPECT_EQ(Out->Datas[1].Bytes, Bytes({'x', 'y', 'z'}));
  EXPECT_EQ(Out->Relocs.size(), 2u);
  EXPECT_EQ(Out->Image.Bytes, In.Image.Bytes);
}

TEST(Verify, AcceptsBoundsCheckedArtifactForArmv7) {
  Artifact A = smallArtifact();
  A.TargetArch = Arch::Arm;
  A.Target.Triple = archTriple(A.TargetArch);
  A.Target.Features = "";
  A.PointerBytes = 4;
  A.Mode = MemoryMode::BoundsChecked;
  A.Relocs[0].Kind = uint8_t(RelocKind::ImageAbs32);
  A.Relocs[1].Kind = uint8_t(RelocKind::LibcallAbs32);
  LoadOptions O = x86Options();
  O.ExpectedArch = Arch::Arm;
  Expected<Artifact> Out = verifyArtifact(format::writeArtifact(A), O);
  ASSERT_TRUE(bool(Out)) << Out.takeError().str();
  EXPECT_EQ(Out->TargetArch, Arch::Arm);
}

TEST(Verify, AcceptsValidStartFunction) {
  Artifact A = smallArtifact();
  A.Types.push_back({});
  A.Trampolines.push_back({40, 41}); // () -> () has trampolines of its own
  A.Functions[1].TypeIndex = 2;
  A.Start = 2;
  Expected<Artifact> Out =
      verifyArtifact(format::writeArtifact(A), x86Options());
  ASSERT_TRUE(bool(Out)) << Out.takeError().str();
  EXPECT_EQ(Out->Start, 2u);
}

//===----------------------------------------------------------------------===//
// Refusals: preamble
//===----------------------------------------------------------------------===//

TEST(Verify, RefusesFileSmallerThanPreamble) {
  Bytes B = format::writeArtifact(smallArtifact());
  B.resize(23);
  expectRefusal(refusalOf(B), 0, nullptr,
                "file is 23 bytes, too small for a kiln artifact (the "
                "preamble alone is 24)");
}

TEST(Verify, RefusesWrongMagic) {
  Bytes B = format::writeArtifact(smallArtifact());
  B[4] = 'X';
  expectRefusal(refusalOf(B), 0, nullptr, "not a kiln artifact");
}

TEST(Verify, RefusesWasmModuleAsNotAnArtifact) {
  Bytes B(64, 0);
  const uint8_t Wasm[] = {0x00, 'a', 's', 'm', 1, 0, 0, 0};
  std::memcpy(B.data(), Wasm, sizeof(Wasm));
  expectRefusal(refusalOf(B), 0, nullptr, "not a kiln artifact");
}

// Version 3 is version 4 without the Debug section (format.h): it loads,
// and its traps have no code map.
TEST(Verify, ReadsVersionThreeWithoutTheDebugSection) {
  format::Artifact Small = smallArtifact();
  Small.Version = 3;
  Bytes B = format::writeArtifact(Small);
  Expected<format::Artifact> A = loader::verifyArtifact(B, x86Options());
  ASSERT_TRUE(bool(A)) << A.takeError().str();
  EXPECT_EQ(A->Version, 3u);
  EXPECT_TRUE(A->Debug.CodeRanges.empty());
  // A version-3 preamble on a file with the Debug section is refused.
  Bytes Four = format::writeArtifact(smallArtifact());
  put32(Four, 8, 3);
  reseal(Four);
  expectRefusal(refusalOf(Four), 16, nullptr,
                "15 sections, format version 3 has exactly 14");
}

/// A Debug section that names function 1, maps its code to two Wasm
/// frames (one inlined into the other) and has a source line.
static format::DebugRec smallDebug() {
  format::DebugRec D;
  D.FuncNames = {{1, "answer_impl"}, {2, "nop"}};
  D.WasmFrames = {{1, 0x45, NoIndex}, {2, 0x51, 0}};
  // A range starts at each function (0, 16) and trampoline (32, 33, 48, 49).
  D.CodeRanges = {{0, 1},        {4, NoIndex},  {16, 0},      {32, NoIndex},
                  {33, NoIndex}, {48, NoIndex}, {49, NoIndex}};
  D.Strings = {"f", "a.c", "g"};
  D.SourceFrames = {{0, 1, 7, 3, NoIndex}, {2, 1, 3, 1, 0}};
  D.SourceSites = {{0x45, 0}, {0x51, 1}};
  return D;
}

TEST(Verify, RoundTripsTheDebugSection) {
  format::Artifact In = smallArtifact();
  In.Debug = smallDebug();
  Bytes B = format::writeArtifact(In);
  Expected<format::Artifact> Out = verifyArtifact(B, x86Options());
  ASSERT_TRUE(bool(Out)) << Out.takeError().str();
  EXPECT_EQ(format::writeArtifact(*Out), B);
  ASSERT_EQ(Out->Debug.FuncNames.size(), 2u);
  EXPECT_EQ(Out->Debug.FuncNames[0].Name, "answer_impl");
  ASSERT_EQ(Out->Debug.WasmFrames.size(), 2u);
  EXPECT_EQ(Out->Debug.WasmFrames[1].Caller, 0u);
  EXPECT_EQ(Out->Debug.Strings[1], "a.c");
}

// Every index and order in the Debug section is checked (the runtime
// binary-searches its lists and follows its chains on a trap).
TEST(Verify, RefusesABadDebugSection) {
  struct Case {
    const char *Why;
    void (*Break)(format::DebugRec &);
    const char *Message;
  };
  const Case Cases[] = {
      {"name of a function that does not exist",
       [](format::DebugRec &D) { D.FuncNames[1].Func = 3; },
       "names[1]: function 3 does not exist"},
      {"names out of order",
       [](format::DebugRec &D) { D.FuncNames[1].Func = 1; },
       "names[1]: functions are not in increasing order"},
      {"code range outside the text",
       [](format::DebugRec &D) { D.CodeRanges.back().CodeOffset = TextSize; },
       "outside the text"},
      {"code ranges out of order",
       [](format::DebugRec &D) { D.CodeRanges[2].CodeOffset = 4; },
       "code ranges[2]: offsets are not in increasing order"},
      {"code range with a missing frame",
       [](format::DebugRec &D) { D.CodeRanges[0].Frame = 2; },
       "code ranges[0]: frame 2 does not exist"},
      {"frame of an imported function",
       [](format::DebugRec &D) { D.WasmFrames[0].Func = 0; },
       "wasm frames[0]: function 0 is not a defined function"},
      {"a frame that is its own caller (a cycle)",
       [](format::DebugRec &D) { D.WasmFrames[1].Caller = 1; },
       "wasm frames[1]: caller 1 is not an earlier frame"},
      {"source site with a missing frame",
       [](format::DebugRec &D) { D.SourceSites[1].Frame = 9; },
       "source sites[1]: frame 9 does not exist"},
      {"source sites out of order",
       [](format::DebugRec &D) { D.SourceSites[1].WasmOffset = 0x45; },
       "source sites[1]: offsets are not in increasing order"},
      {"source frame naming a missing string",
       [](format::DebugRec &D) { D.SourceFrames[0].File = 3; },
       "source frames[0]: string index out of range"},
      {"source frame cycle",
       [](format::DebugRec &D) { D.SourceFrames[0].Caller = 1; },
       "source frames[0]: caller 1 is not an earlier frame"},
  };
  for (const Case &C : Cases) {
    SCOPED_TRACE(C.Why);
    format::Artifact A = smallArtifact();
    A.Debug = smallDebug();
    C.Break(A.Debug);
    Expected<format::Artifact> R =
        verifyArtifact(format::writeArtifact(A), x86Options());
    ASSERT_FALSE(bool(R));
    Error E = R.takeError();
    EXPECT_EQ(E.kind(), ErrorKind::Refused);
    EXPECT_NE(E.message().find(C.Message), std::string::npos) << E.str();
    EXPECT_STREQ(E.section(), "Debug");
  }
}

// Found by the mutation experiment: function 1's code offset moved 4 bytes
// into its own alignment padding contradicts no other field, and ran into
// the middle of an instruction. The code map starts a range at every
// function, so a moved start is refused when the artifact has one.
TEST(Verify, RefusesAFunctionThatStartsNoRangeOfTheCodeMap) {
  format::Artifact A = smallArtifact();
  A.Debug = smallDebug();
  A.Functions[1].CodeOffset = 20;
  Error E = refusalOf(format::writeArtifact(A));
  EXPECT_EQ(E.kind(), ErrorKind::Refused);
  EXPECT_EQ(E.message(), "function 2: code at 0x14 does not start a range of "
                         "the code map");
  // The same for a trampoline.
  A.Functions[1].CodeOffset = 16;
  A.Trampolines[0].EntryOffset = 34;
  Error T = refusalOf(format::writeArtifact(A));
  EXPECT_EQ(T.message(), "type 0: trampoline at 0x22 does not start a range "
                         "of the code map");
  EXPECT_STREQ(T.section(), "Trampolines");
  // Without a map the move is not seen (README: Trust).
  A.Debug = {};
  Expected<Artifact> Unseen =
      verifyArtifact(format::writeArtifact(A), x86Options());
  EXPECT_TRUE(bool(Unseen));
  if (!Unseen)
    Unseen.takeError().consume();
}

TEST(Verify, RefusesNewerFormatVersion) {
  Bytes B = format::writeArtifact(smallArtifact());
  put32(B, 8, FormatVersion + 1);
  expectRefusal(refusalOf(B), 8, nullptr,
                formatString("format version %u is newer than this runtime "
                             "reads (versions %u to %u): update the "
                             "runtime, or compile with the compiler of this "
                             "release",
                             FormatVersion + 1, OldestReadableFormatVersion,
                             FormatVersion)
                    .c_str());
}

TEST(Verify, RefusesFormatVersionOlderThanTheWindow) {
  Bytes B = format::writeArtifact(smallArtifact());
  put32(B, 8, OldestReadableFormatVersion - 1);
  expectRefusal(refusalOf(B), 8, nullptr,
                formatString("format version %u is older than this runtime "
                             "reads (versions %u to %u): recompile the module",
                             OldestReadableFormatVersion - 1,
                             OldestReadableFormatVersion, FormatVersion)
                    .c_str());
}

// The compatibility policy (format.h): a version-2 artifact means what a
// version-3 one does unless a signature is large enough to pass in slots.
TEST(Verify, ReadsVersionTwoWithoutLargeSignatures) {
  format::Artifact Small = smallArtifact();
  Small.Version = 2;
  Bytes B = format::writeArtifact(Small);
  Expected<format::Artifact> A =
      loader::verifyArtifact(B, x86Options());
  ASSERT_TRUE(bool(A)) << A.takeError().str();
}

TEST(Verify, RefusesVersionTwoWithALargeSignature) {
  format::Artifact Small = smallArtifact();
  Small.Types.push_back(
      {std::vector<uint8_t>(kiln::abi::MaxRegisterParams + 1, 0x7f), {}});
  Small.Version = 2;
  Bytes B = format::writeArtifact(Small);
  expectRefusal(refusalOf(B), 8, nullptr,
                formatString("format version 2 passes type %zu (%u params, 0 "
                             "results) in registers, which this runtime's "
                             "code passes in memory: recompile the module",
                             Small.Types.size() - 1,
                             kiln::abi::MaxRegisterParams + 1)
                    .c_str());
}

TEST(Verify, RefusesArtifactBuiltForOtherArch) {
  Artifact A = smallArtifact();
  A.TargetArch = Arch::AArch64;
  A.Target.Triple = archTriple(A.TargetArch);
  A.Target.Features = "";
  expectRefusal(refusalOf(format::writeArtifact(A)), 12, nullptr,
                "built for aarch64, this runtime is x86_64");
}

TEST(Verify, RefusesUnknownArch) {
  Bytes B = format::writeArtifact(smallArtifact());
  B[12] = 9;
  expectRefusal(refusalOf(B), 12, nullptr, "unknown architecture 9");
}

TEST(Verify, RefusesPointerSizeNotMatchingArch) {
  Artifact A = smallArtifact();
  A.PointerBytes = 4;
  expectRefusal(refusalOf(format::writeArtifact(A)), 14, nullptr,
                "pointer size 4 bytes, but x86_64 pointers are 8 bytes");
}

TEST(Verify, RefusesUnknownMemoryMode) {
  Bytes B = format::writeArtifact(smallArtifact());
  B[13] = 7;
  expectRefusal(refusalOf(B), 13, nullptr, "unknown memory mode 7");
}

TEST(Verify, RefusesGuardModeWhenNotAllowed) {
  LoadOptions O = x86Options();
  O.AllowGuard = false;
  expectRefusal(refusalOf(format::writeArtifact(smallArtifact()), O), 13,
                nullptr,
                "artifact uses guard-page memory, which this device cannot "
                "honour (needs a 64-bit MMU target); recompile with "
                "--bounds-checks");
}

TEST(Verify, RefusesBoundsCheckedModeWhenNotAllowed) {
  Artifact A = smallArtifact();
  A.Mode = MemoryMode::BoundsChecked;
  LoadOptions O = x86Options();
  O.AllowBoundsChecked = false;
  expectRefusal(refusalOf(format::writeArtifact(A), O), 13, nullptr,
                "artifact uses bounds-checked memory, which this runtime is "
                "configured not to allow; recompile without --bounds-checks");
}

TEST(Verify, RefusesGuardModeOn32BitTarget) {
  Artifact A = smallArtifact();
  A.TargetArch = Arch::Arm;
  A.Target.Triple = archTriple(A.TargetArch);
  A.Target.Features = "";
  A.PointerBytes = 4;
  LoadOptions O = x86Options();
  O.ExpectedArch = Arch::Arm;
  expectRefusal(refusalOf(format::writeArtifact(A), O), 13, nullptr,
                "artifact uses guard-page memory on armv7, which needs a "
                "64-bit target");
}

TEST(Verify, RefusesNonZeroReservedPreambleFields) {
  Bytes B = format::writeArtifact(smallArtifact());
  Bytes C = B;
  C[15] = 1;
  expectRefusal(refusalOf(C), 15, nullptr,
                "reserved preamble byte is 0x01, must be 0");
  C = B;
  put32(C, 20, 0x100);
  expectRefusal(refusalOf(C), 20, nullptr,
                "reserved preamble word is 0x100, must be 0");
}

//===----------------------------------------------------------------------===//
// Refusals: section table
//===----------------------------------------------------------------------===//

TEST(Verify, RefusesWrongSectionCount) {
  Bytes B = format::writeArtifact(smallArtifact());
  put32(B, 16, 13);
  expectRefusal(refusalOf(B), 16, nullptr,
                formatString("13 sections, format version %u has exactly 15",
                             FormatVersion)
                    .c_str());
}

TEST(Verify, RefusesTruncatedSectionTable) {
  Bytes B = format::writeArtifact(smallArtifact());
  B.resize(100);
  expectRefusal(refusalOf(B), 24, nullptr,
                "section table and trailer need 0x380 bytes, the file has "
                "0x64");
}

TEST(Verify, RefusesUnknownSectionIdByNumber) {
  Bytes B = format::writeArtifact(smallArtifact());
  put32(B, entryAt(SectionId::Imports), 99);
  expectRefusal(refusalOf(B), entryAt(SectionId::Imports), nullptr,
                "unknown section id 99");
}

TEST(Verify, RefusesSectionsOutOfOrder) {
  Bytes B = format::writeArtifact(smallArtifact());
  put32(B, entryAt(SectionId::Types), uint32_t(SectionId::Imports));
  put32(B, entryAt(SectionId::Imports), uint32_t(SectionId::Types));
  expectRefusal(refusalOf(B), entryAt(SectionId::Types), nullptr,
                "section Imports where section Types was expected; each "
                "section appears once, in order");
}

TEST(Verify, RefusesDuplicateSection) {
  Bytes B = format::writeArtifact(smallArtifact());
  put32(B, entryAt(SectionId::Imports), uint32_t(SectionId::Types));
  expectRefusal(refusalOf(B), entryAt(SectionId::Imports), nullptr,
                "section Types where section Imports was expected; each "
                "section appears once, in order");
}

TEST(Verify, RefusesNonZeroReservedSectionEntryField) {
  Bytes B = format::writeArtifact(smallArtifact());
  put32(B, entryAt(SectionId::Code) + 4, 1);
  expectRefusal(refusalOf(B), entryAt(SectionId::Code) + 4, nullptr,
                "section Code: reserved field is 0x1, must be 0");
}

TEST(Verify, RefusesMisalignedSection) {
  Bytes B = format::writeArtifact(smallArtifact());
  uint64_t Off = sectionOffset(B, SectionId::Exports);
  put64(B, entryAt(SectionId::Exports) + 8, Off + 4);
  expectRefusal(refusalOf(B), entryAt(SectionId::Exports) + 8, nullptr,
                "section Exports: offset " + hex(Off + 4) +
                    " is not 16-byte aligned");
}

TEST(Verify, RefusesSectionPastEndOfFile) {
  Bytes B = format::writeArtifact(smallArtifact());
  put64(B, entryAt(SectionId::Code) + 16, B.size());
  uint64_t Off = sectionOffset(B, SectionId::Code);
  expectRefusal(refusalOf(B), entryAt(SectionId::Code) + 8, nullptr,
                "section Code: offset " + hex(Off) + " + size " +
                    hex(B.size()) + " runs past the end of the file (" +
                    hex(B.size()) + " bytes)");
}

TEST(Verify, RefusesSectionWhoseSizeWrapsAround) {
  // Offset + size overflows 64 bits to a small number; written naively the
  // bounds check would pass.
  Bytes B = format::writeArtifact(smallArtifact());
  uint64_t Off = sectionOffset(B, SectionId::Types);
  put64(B, entryAt(SectionId::Types) + 16, ~uint64_t(0) - Off + 16);
  Error E = refusalOf(B);
  EXPECT_EQ(E.offset(), entryAt(SectionId::Types) + 8);
  EXPECT_NE(E.message().find("runs past the end of the file"),
            std::string::npos)
      << E.str();
}

TEST(Verify, RefusesSectionOverlappingTrailer) {
  Bytes B = format::writeArtifact(smallArtifact());
  // The last section, the one before the trailer.
  uint64_t Off = sectionOffset(B, SectionId::Debug);
  uint64_t Size = sectionSize(B, SectionId::Debug) + 16;
  put64(B, entryAt(SectionId::Debug) + 16, Size);
  expectRefusal(refusalOf(B), entryAt(SectionId::Debug) + 8, nullptr,
                "section Debug: offset " + hex(Off) + " + size " + hex(Size) +
                    " runs into the trailer at " + hex(B.size() - 32));
}

TEST(Verify, RefusesOverlappingSections) {
  Bytes B = format::writeArtifact(smallArtifact());
  uint64_t TypesOff = sectionOffset(B, SectionId::Types);
  uint64_t TypesEnd = TypesOff + sectionSize(B, SectionId::Types);
  put64(B, entryAt(SectionId::Imports) + 8, TypesOff);
  expectRefusal(refusalOf(B), entryAt(SectionId::Imports) + 8, nullptr,
                "section Imports: offset " + hex(TypesOff) +
                    " overlaps the section table or the previous section, "
                    "which ends at " +
                    hex(TypesEnd));
}

TEST(Verify, RefusesSectionOverlappingSectionTable) {
  Bytes B = format::writeArtifact(smallArtifact());
  put64(B, entryAt(SectionId::Target) + 8, 0x100);
  expectRefusal(refusalOf(B), entryAt(SectionId::Target) + 8, nullptr,
                "section Target: offset 0x100 overlaps the section table or "
                "the previous section, which ends at 0x360");
}

//===----------------------------------------------------------------------===//
// Refusals: checksums and parsing
//===----------------------------------------------------------------------===//

TEST(Verify, RefusesCorruptedSectionNamingIt) {
  Bytes B = format::writeArtifact(smallArtifact());
  uint64_t Code = sectionOffset(B, SectionId::Code);
  B[Code + 16 + 3] ^= 0x01; // inside the function "answer"
  expectRefusal(refusalOf(B), Code, "Code",
                "checksum mismatch at section Code");
}

TEST(Verify, RefusesCorruptedSectionDigest) {
  Bytes B = format::writeArtifact(smallArtifact());
  B[entryAt(SectionId::Exports) + 24] ^= 0x80;
  expectRefusal(refusalOf(B), sectionOffset(B, SectionId::Exports), "Exports",
                "checksum mismatch at section Exports");
}

TEST(Verify, RefusesCorruptedTrailer) {
  Bytes B = format::writeArtifact(smallArtifact());
  B.back() ^= 0x01;
  expectRefusal(refusalOf(B), B.size() - 32, nullptr,
                "checksum mismatch in the trailer: the preamble or the "
                "section table is corrupt");
}

TEST(Verify, RefusesCorruptedPaddingThroughTrailer) {
  Bytes B = format::writeArtifact(smallArtifact());
  uint64_t Start = sectionOffset(B, SectionId::Start);
  B[Start + 4] = 0xaa; // padding after the 4-byte Start section
  expectRefusal(refusalOf(B), B.size() - 32, nullptr,
                "checksum mismatch in the trailer: the preamble or the "
                "section table is corrupt");
}

TEST(Verify, RefusesNonZeroPadding) {
  Bytes B = format::writeArtifact(smallArtifact());
  uint64_t Start = sectionOffset(B, SectionId::Start);
  B[Start + 4] = 0xaa;
  reseal(B);
  expectRefusal(refusalOf(B), Start + 4, nullptr,
                "padding byte is 0xaa, must be 0");
}

TEST(Verify, RefusesTruncatedRecord) {
  Bytes B = format::writeArtifact(smallArtifact());
  put64(B, entryAt(SectionId::Start) + 16, 3);
  B[sectionOffset(B, SectionId::Start) + 3] = 0; // now padding, which is zero
  reseal(B);
  expectRefusal(refusalOf(B), sectionOffset(B, SectionId::Start), "Start",
                "field runs past the end of the section");
}

TEST(Verify, RefusesSectionWithTrailingBytes) {
  Bytes B = format::writeArtifact(smallArtifact());
  put64(B, entryAt(SectionId::Start) + 16, 8);
  reseal(B);
  uint64_t Start = sectionOffset(B, SectionId::Start);
  expectRefusal(refusalOf(B), Start + 4, "Start",
                "4 unexpected bytes after the section's records");
}

TEST(Verify, RefusesVectorLengthBeyondSection) {
  Bytes B = format::writeArtifact(smallArtifact());
  uint64_t Types = sectionOffset(B, SectionId::Types);
  put32(B, Types, 0xffffffff);
  reseal(B);
  expectRefusal(refusalOf(B), Types + 4, "Types",
                "vector length exceeds the section");
}

TEST(Verify, RefusesStringRunningPastSection) {
  Bytes B = format::writeArtifact(smallArtifact());
  uint64_t Target = sectionOffset(B, SectionId::Target);
  put32(B, Target, 0x7fffffff);
  reseal(B);
  expectRefusal(refusalOf(B), Target + 4, "Target",
                "string runs past the end of the section");
}

//===----------------------------------------------------------------------===//
// Refusals: contents
//===----------------------------------------------------------------------===//

/// Writes `A` and expects the refusal of record `Record` of section `Id`.
template <class T>
void expectRecordRefusal(const Artifact &A, SectionId Id,
                         const std::vector<T> &Recs, size_t Record,
                         const std::string &Message) {
  Bytes B = format::writeArtifact(A);
  expectRefusal(refusalOf(B), recordAt(B, Id, Recs, Record), sectionName(Id),
                Message);
}

TEST(Verify, RefusesInvalidValueType) {
  Artifact A = smallArtifact();
  A.Types[1].Params[1] = 0x40;
  expectRecordRefusal(A, SectionId::Types, A.Types, 1,
                      "type 1: invalid value type 0x40");
}

TEST(Verify, RefusesUnknownImportKind) {
  Artifact A = smallArtifact();
  A.Imports[2].Kind = 7;
  expectRecordRefusal(A, SectionId::Imports, A.Imports, 2,
                      "import 2 (env.mem): invalid import kind 7");
}

TEST(Verify, RefusesImportTypeIndexOutOfRange) {
  Artifact A = smallArtifact();
  A.Imports[0].TypeIndex = 5;
  expectRecordRefusal(A, SectionId::Imports, A.Imports, 0,
                      "import 0 (env.log): type index 5 out of range (2 "
                      "types)");
}

TEST(Verify, RefusesImportNameWithControlBytesEscaped) {
  Artifact A = smallArtifact();
  A.Imports[0].Field = "l\x1b[2Jg";
  A.Imports[0].TypeIndex = 5;
  expectRecordRefusal(A, SectionId::Imports, A.Imports, 0,
                      "import 0 (env.l\\x1b[2Jg): type index 5 out of range "
                      "(2 types)");
}

TEST(Verify, RefusesInvalidGlobalImportType) {
  Artifact A = smallArtifact();
  A.Imports[1].ValType = 0x00;
  expectRecordRefusal(A, SectionId::Imports, A.Imports, 1,
                      "import 1 (env.base): invalid value type 0x00");
}

TEST(Verify, RefusesInvalidMutabilityFlag) {
  Artifact A = smallArtifact();
  A.Globals[0].Mutable = 2;
  expectRecordRefusal(A, SectionId::Globals, A.Globals, 0,
                      "global 1: invalid mutability flag 2");
}

TEST(Verify, RefusesFunctionTypeIndexOutOfRange) {
  Artifact A = smallArtifact();
  A.Functions[1].TypeIndex = 2;
  Bytes B = format::writeArtifact(A);
  Error E = refusalOf(B);
  expectRefusal(E, recordAt(B, SectionId::Functions, A.Functions, 1),
                "Functions", "function 2: type index 2 out of range (2 types)");
  EXPECT_EQ(E.funcIndex(), 2u);
}

TEST(Verify, RefusesFunctionOutsideText) {
  Artifact A = smallArtifact();
  A.Functions[0].CodeSize = TextSize + 1;
  Bytes B = format::writeArtifact(A);
  Error E = refusalOf(B);
  expectRefusal(E, recordAt(B, SectionId::Functions, A.Functions, 0),
                "Functions",
                "function 1: code [0x0, 0x41) is outside the text [0, 0x40)");
  EXPECT_EQ(E.funcIndex(), 1u);
}

TEST(Verify, RefusesFunctionStartingAtEndOfText) {
  Artifact A = smallArtifact();
  A.Functions[1].CodeOffset = TextSize;
  A.Functions[1].CodeSize = 0;
  expectRecordRefusal(A, SectionId::Functions, A.Functions, 1,
                      "function 2: code [0x40, 0x40) is outside the text [0, "
                      "0x40)");
}

TEST(Verify, RefusesFunctionWhoseEndWrapsAround) {
  Artifact A = smallArtifact();
  A.Functions[1].CodeSize = 0xffffffff; // 16 + 0xffffffff wraps in 32 bits
  expectRecordRefusal(A, SectionId::Functions, A.Functions, 1,
                      "function 2: code [0x10, 0x10000000f) is outside the "
                      "text [0, 0x40)");
}

TEST(Verify, RefusesEmptyFunctionCode) {
  Artifact A = smallArtifact();
  A.Functions[1].CodeSize = 0;
  expectRecordRefusal(A, SectionId::Functions, A.Functions, 1,
                      "function 2: code at 0x10 is empty");
}

TEST(Verify, RefusesFunctionCodeOverlappingAnother) {
  // Moved into the middle of function 1 ([0, 6)), as an edited offset would.
  Artifact A = smallArtifact();
  A.Functions[1].CodeOffset = 4;
  expectRecordRefusal(A, SectionId::Functions, A.Functions, 1,
                      "function 2: code at 0x4 overlaps function 1's [0x0, "
                      "0x6)");
  // The order of the records does not matter.
  Artifact B = smallArtifact();
  B.Functions[0].CodeOffset = 14; // [14, 20) runs into function 2 at 16
  expectRecordRefusal(B, SectionId::Functions, B.Functions, 1,
                      "function 2: code at 0x10 overlaps function 1's [0xe, "
                      "0x14)");
}

TEST(Verify, RefusesTrampolineInsideAFunction) {
  Artifact A = smallArtifact();
  A.Trampolines[0].ExitOffset = 3; // inside function 1's [0, 6)
  expectRecordRefusal(A, SectionId::Trampolines, A.Trampolines, 0,
                      "trampoline of type 0 at 0x3 lies inside the code of "
                      "function 1");
}

TEST(Verify, RefusesTrampolinesSharedAcrossSignatures) {
  // Types 0 () -> i32 and 1 (i32, i64) -> (): one entry trampoline for both
  // would call one of them with the other's argument layout.
  Artifact A = smallArtifact();
  A.Trampolines[1].EntryOffset = A.Trampolines[0].EntryOffset;
  expectRecordRefusal(A, SectionId::Trampolines, A.Trampolines, 1,
                      "entry trampoline of type 1 at 0x20 is also the entry "
                      "trampoline of type 0, whose signature differs");
  // An entry is never an exit, even of the same type.
  Artifact B = smallArtifact();
  B.Trampolines[0].ExitOffset = B.Trampolines[0].EntryOffset;
  Bytes Out = format::writeArtifact(B);
  EXPECT_TRUE(refusalOf(Out).message().find("is also the entry trampoline of "
                                            "type 0") != std::string::npos)
      << refusalOf(Out).str();
}

TEST(Verify, AcceptsTrampolinesSharedByOneSignature) {
  Artifact A = smallArtifact();
  A.Types.push_back(A.Types[0]); // a second () -> i32
  A.Trampolines.push_back(A.Trampolines[0]);
  Expected<Artifact> Out = verifyArtifact(format::writeArtifact(A), x86Options());
  EXPECT_TRUE(bool(Out)) << (Out ? "" : Out.takeError().str());
}

TEST(Verify, RefusesMissingTrampoline) {
  Artifact A = smallArtifact();
  A.Trampolines.pop_back();
  Bytes B = format::writeArtifact(A);
  expectRefusal(refusalOf(B), sectionOffset(B, SectionId::Trampolines),
                "Trampolines",
                "1 trampoline pairs for 2 types; there must be one per type");
}

TEST(Verify, RefusesTrampolineOutsideText) {
  Artifact A = smallArtifact();
  A.Trampolines[1].ExitOffset = TextSize;
  expectRecordRefusal(A, SectionId::Trampolines, A.Trampolines, 1,
                      "trampolines of type 1 (entry 0x30, exit 0x40) are "
                      "outside the text [0, 0x40)");
}

TEST(Verify, RefusesPageAlignNotPowerOfTwo) {
  Artifact A = smallArtifact();
  A.Image.PageAlign = 6000;
  Bytes B = format::writeArtifact(A);
  expectRefusal(refusalOf(B), sectionOffset(B, SectionId::Code), "Code",
                "image page alignment 6000 is not a power of two >= 4096");
}

TEST(Verify, RefusesPageAlignBelow4096) {
  Artifact A = smallArtifact();
  A.Image.PageAlign = 2048;
  Bytes B = format::writeArtifact(A);
  expectRefusal(refusalOf(B), sectionOffset(B, SectionId::Code), "Code",
                "image page alignment 2048 is not a power of two >= 4096");
}

TEST(Verify, RefusesTextRunningIntoReadOnlyData) {
  Artifact A = smallArtifact();
  uint32_t P = pageAlign();
  A.Image.TextSize = P + 1;
  Bytes B = format::writeArtifact(A);
  expectRefusal(refusalOf(B), sectionOffset(B, SectionId::Code) + 4, "Code",
                "text size " + hex(P + 1) +
                    " runs into the read-only data at " + hex(P));
}

TEST(Verify, RefusesReadOnlyOffsetPastImageEnd) {
  Artifact A = smallArtifact();
  uint32_t P = pageAlign();
  A.Image.ReadOnlyOffset = 2 * P;
  Bytes B = format::writeArtifact(A);
  expectRefusal(refusalOf(B), sectionOffset(B, SectionId::Code) + 8, "Code",
                "read-only data offset " + hex(2 * P) +
                    " is past the end of the image (" + hex(P + RoBytes) +
                    " bytes)");
}

TEST(Verify, RefusesReadOnlyOffsetNotPageAligned) {
  Artifact A = smallArtifact();
  uint32_t P = pageAlign();
  A.Image.ReadOnlyOffset = P + 16;
  Bytes B = format::writeArtifact(A);
  expectRefusal(refusalOf(B), sectionOffset(B, SectionId::Code) + 8, "Code",
                "read-only data offset " + hex(P + 16) +
                    " is not a multiple of the page alignment " + hex(P));
}

TEST(Verify, RefusesRelocOutsideImage) {
  Artifact A = smallArtifact();
  uint32_t P = pageAlign();
  A.Relocs[0].Offset = P + RoBytes - 4; // an 8-byte write past the end
  expectRecordRefusal(A, SectionId::Relocs, A.Relocs, 0,
                      "relocation 0: ImageAbs64 at image offset " +
                          hex(P + RoBytes - 4) +
                          " (8 bytes) is outside the read-only data [" +
                          hex(P) + ", " + hex(P + RoBytes) + ")");
}

TEST(Verify, RefusesRelocWhoseEndWrapsAround) {
  Artifact A = smallArtifact();
  uint32_t P = pageAlign();
  A.Relocs[1].Offset = 0xfffffffc;
  expectRecordRefusal(A, SectionId::Relocs, A.Relocs, 1,
                      "relocation 1: LibcallAbs64 at image offset 0xfffffffc "
                      "(8 bytes) is outside the read-only data [" +
                          hex(P) + ", " + hex(P + RoBytes) + ")");
}

TEST(Verify, RefusesRelocPatchingText) {
  Artifact A = smallArtifact();
  uint32_t P = pageAlign();
  A.Relocs[0].Offset = 8;
  expectRecordRefusal(A, SectionId::Relocs, A.Relocs, 0,
                      "relocation 0: ImageAbs64 at image offset 0x8 (8 bytes) "
                      "is outside the read-only data [" +
                          hex(P) + ", " + hex(P + RoBytes) + ")");
}

TEST(Verify, RefusesUnknownRelocKind) {
  Artifact A = smallArtifact();
  A.Relocs[1].Kind = 9;
  expectRecordRefusal(A, SectionId::Relocs, A.Relocs, 1,
                      "relocation 1: unknown kind 9");
}

TEST(Verify, RefusesRelocWidthNotMatchingPointerSize) {
  Artifact A = smallArtifact();
  A.Relocs[0].Kind = uint8_t(RelocKind::ImageAbs32);
  expectRecordRefusal(A, SectionId::Relocs, A.Relocs, 0,
                      "relocation 0: ImageAbs32 writes 4 bytes, but x86_64 "
                      "pointers are 8 bytes");
}

TEST(Verify, RefusesAbs64RelocOn32BitTarget) {
  Artifact A = smallArtifact();
  A.TargetArch = Arch::Arm;
  A.Target.Triple = archTriple(A.TargetArch);
  A.Target.Features = "";
  A.PointerBytes = 4;
  A.Mode = MemoryMode::BoundsChecked;
  A.Relocs[0].Kind = uint8_t(RelocKind::ImageAbs32);
  LoadOptions O = x86Options();
  O.ExpectedArch = Arch::Arm;
  Bytes B = format::writeArtifact(A);
  expectRefusal(refusalOf(B, O), recordAt(B, SectionId::Relocs, A.Relocs, 1),
                "Relocs",
                "relocation 1: LibcallAbs64 writes 8 bytes, but armv7 pointers "
                "are 4 bytes");
}

TEST(Verify, RefusesImageRelocTargetOutsideImage) {
  Artifact A = smallArtifact();
  uint32_t P = pageAlign();
  A.Relocs[0].Value = P + RoBytes;
  expectRecordRefusal(A, SectionId::Relocs, A.Relocs, 0,
                      "relocation 0: ImageAbs64 target " + hex(P + RoBytes) +
                          " is outside the image (" + hex(P + RoBytes) +
                          " bytes)");
}

TEST(Verify, RefusesUnknownLibcall) {
  Artifact A = smallArtifact();
  uint32_t N = format::NumLibcalls;
  A.Relocs[1].Value = N;
  expectRecordRefusal(A, SectionId::Relocs, A.Relocs, 1,
                      "relocation 1: LibcallAbs64 names libcall " +
                          std::to_string(N) + ", the libcall table has " +
                          std::to_string(N) + " entries");
}

TEST(Verify, RefusesUnknownExportKind) {
  Artifact A = smallArtifact();
  A.Exports[2].Kind = 4;
  expectRecordRefusal(A, SectionId::Exports, A.Exports, 2,
                      "export 2 ('table'): invalid kind 4");
}

TEST(Verify, RefusesExportIndexOutOfRange) {
  Artifact A = smallArtifact();
  A.Exports[0].Index = 3;
  expectRecordRefusal(A, SectionId::Exports, A.Exports, 0,
                      "export 0 ('answer'): function index 3 out of range (3 "
                      "functions)");
}

TEST(Verify, RefusesExportOfMissingMemory) {
  Artifact A = smallArtifact();
  A.Exports[3].Index = 1;
  expectRecordRefusal(A, SectionId::Exports, A.Exports, 3,
                      "export 3 ('mem'): memory index 1 out of range (1 "
                      "memories)");
}

TEST(Verify, RefusesDuplicateExportName) {
  Artifact A = smallArtifact();
  A.Exports[4].Name = "answer";
  expectRecordRefusal(A, SectionId::Exports, A.Exports, 4,
                      "export 4: duplicate export name 'answer' (also export "
                      "0)");
}

TEST(Verify, RefusesStartFunctionOutOfRange) {
  Artifact A = smallArtifact();
  A.Start = 3;
  Bytes B = format::writeArtifact(A);
  expectRefusal(refusalOf(B), sectionOffset(B, SectionId::Start), "Start",
                "start function 3 out of range (3 functions)");
}

TEST(Verify, RefusesStartFunctionWithParameters) {
  Artifact A = smallArtifact();
  A.Start = 0; // env.log takes (i32, i64)
  Bytes B = format::writeArtifact(A);
  Error E = refusalOf(B);
  expectRefusal(E, sectionOffset(B, SectionId::Start), "Start",
                "start function 0 has parameters or results");
  EXPECT_EQ(E.funcIndex(), 0u);
}

TEST(Verify, RefusesElemTableOutOfRange) {
  Artifact A = smallArtifact();
  A.Elems[0].Table = 1;
  expectRecordRefusal(A, SectionId::Elems, A.Elems, 0,
                      "element segment 0: table 1 out of range (1 tables)");
}

TEST(Verify, RefusesElemTypeNotMatchingTable) {
  Artifact A = smallArtifact();
  A.Elems[0].ElemType = 0x6f;
  A.Elems[0].Items = {refNull(0x6f)};
  expectRecordRefusal(A, SectionId::Elems, A.Elems, 0,
                      "element segment 0: externref elements for a funcref "
                      "table");
}

TEST(Verify, RefusesInvalidElemMode) {
  Artifact A = smallArtifact();
  A.Elems[0].Mode = 3;
  expectRecordRefusal(A, SectionId::Elems, A.Elems, 0,
                      "element segment 0: invalid mode 3");
}

TEST(Verify, RefusesDeclarativeDataSegment) {
  Artifact A = smallArtifact();
  A.Datas[1].Mode = uint8_t(SegmentMode::Declarative);
  expectRecordRefusal(A, SectionId::Datas, A.Datas, 1,
                      "data segment 1: invalid mode 2");
}

TEST(Verify, RefusesDataMemoryOutOfRange) {
  Artifact A = smallArtifact();
  A.Datas[0].Memory = 1;
  expectRecordRefusal(A, SectionId::Datas, A.Datas, 0,
                      "data segment 0: memory 1 out of range (1 memories)");
}

TEST(Verify, RefusesDataOffsetOfWrongType) {
  Artifact A = smallArtifact();
  A.Datas[0].Offset = i64Const(8);
  expectRecordRefusal(A, SectionId::Datas, A.Datas, 0,
                      "data segment 0 offset: constant expression has type "
                      "i64, expected i32");
}

TEST(Verify, RefusesGlobalGetOfDefinedGlobal) {
  Artifact A = smallArtifact();
  A.Globals[0].Init = globalGet(1);
  expectRecordRefusal(A, SectionId::Globals, A.Globals, 0,
                      "global 1: global.get 1 is not an imported global (1 "
                      "imported globals)");
}

TEST(Verify, RefusesGlobalGetOfMutableImport) {
  Artifact A = smallArtifact();
  A.Imports[1].Mutable = 1;
  expectRecordRefusal(A, SectionId::Globals, A.Globals, 0,
                      "global 1: global.get 0 reads a mutable global");
}

TEST(Verify, RefusesRefFuncOutOfRange) {
  Artifact A = smallArtifact();
  A.Elems[0].Items[1] = refFunc(3);
  expectRecordRefusal(A, SectionId::Elems, A.Elems, 0,
                      "element segment 0 item 1: ref.func 3 out of range (3 "
                      "functions)");
}

TEST(Verify, RefusesConstExprTypeMismatch) {
  Artifact A = smallArtifact();
  A.Globals[0].Init = i64Const(1);
  expectRecordRefusal(A, SectionId::Globals, A.Globals, 0,
                      "global 1: constant expression has type i64, expected "
                      "i32");
}

TEST(Verify, RefusesIntegerAsFuncrefElement) {
  // Would otherwise put a forged code pointer into the table.
  Artifact A = smallArtifact();
  A.Elems[0].Items[0] = i32Const(0x1000);
  expectRecordRefusal(A, SectionId::Elems, A.Elems, 0,
                      "element segment 0 item 0: constant expression has type "
                      "i32, expected funcref");
}

TEST(Verify, RefusesUnknownConstExprKind) {
  Artifact A = smallArtifact();
  A.Globals[0].Init.Kind = 9;
  expectRecordRefusal(A, SectionId::Globals, A.Globals, 0,
                      "global 1: unknown constant expression kind 9");
  A.Globals[0].Init.Kind = 0;
  expectRecordRefusal(A, SectionId::Globals, A.Globals, 0,
                      "global 1: unknown constant expression kind 0");
}

TEST(Verify, RefusesSecondMemory) {
  Artifact A = smallArtifact();
  A.Memories.push_back({{1, 0, 0}});
  expectRecordRefusal(A, SectionId::Memories, A.Memories, 0,
                      "memory 1: at most one memory is allowed (imported and "
                      "defined together)");
}

TEST(Verify, RefusesLimitsMinAboveMax) {
  Artifact A = smallArtifact();
  A.Tables[0].Lim = {3, 1, 2};
  expectRecordRefusal(A, SectionId::Tables, A.Tables, 0,
                      "table 0: minimum 3 is greater than maximum 2");
}

TEST(Verify, RefusesMemoryLargerThan4GiB) {
  Artifact A = smallArtifact();
  A.Imports[2].Lim = {65537, 0, 0};
  expectRecordRefusal(A, SectionId::Imports, A.Imports, 2,
                      "import 2 (env.mem): minimum 65537 pages exceeds the "
                      "limit of 65536");
}

TEST(Verify, RefusesInvalidLimitsFlag) {
  Artifact A = smallArtifact();
  A.Tables[0].Lim.HasMax = 2;
  expectRecordRefusal(A, SectionId::Tables, A.Tables, 0,
                      "table 0: invalid limits flag 2");
}

TEST(Verify, RefusesInvalidTableElemType) {
  Artifact A = smallArtifact();
  A.Tables[0].ElemType = 0x7f;
  expectRecordRefusal(A, SectionId::Tables, A.Tables, 0,
                      "table 0: invalid element type 0x7f");
}

//===----------------------------------------------------------------------===//
// Exhaustive
//===----------------------------------------------------------------------===//

TEST(Verify, RefusesEverySingleByteChange) {
  const Bytes B = format::writeArtifact(smallArtifact());
  for (size_t I = 0; I < B.size(); ++I) {
    Bytes C = B;
    C[I] ^= 0xff;
    Expected<Artifact> A = verifyArtifact(C, x86Options());
    ASSERT_FALSE(bool(A)) << "accepted with byte " << I << " flipped";
    Error E = A.takeError();
    ASSERT_EQ(E.kind(), ErrorKind::Refused) << "byte " << I << ": " << E.str();
    ASSERT_NE(E.offset(), NoOffset) << "byte " << I << ": " << E.str();
  }
}

TEST(Verify, RefusesEveryTruncation) {
  const Bytes B = format::writeArtifact(smallArtifact());
  for (size_t Len = 0; Len < B.size(); ++Len) {
    Expected<Artifact> A =
        verifyArtifact(std::span<const uint8_t>(B.data(), Len), x86Options());
    ASSERT_FALSE(bool(A)) << "accepted truncated to " << Len << " bytes";
    Error E = A.takeError();
    ASSERT_EQ(E.kind(), ErrorKind::Refused) << "length " << Len;
  }
}

TEST(Verify, RefusesOrSafelyAcceptsEveryResealedByteChange) {
  // With the checksums recomputed, each change reaches the parser and the
  // semantic checks. Some changes are harmless (a byte of a data segment, a
  // name) and are accepted; whatever is accepted must also map, since map()
  // trusts what verify accepted. ASan/UBSan make "never crashes" meaningful.
  //
  // The zero filler between the end of the text and the page-aligned
  // read-only part is skipped: each of its ~4000 bytes is one more harmless
  // byte of unused image, and they would make this test several times slower.
  const Bytes B = format::writeArtifact(smallArtifact());
  uint64_t ImageAt = sectionOffset(B, SectionId::Code) + 16; // after 4 u32s
  uint64_t FillerBegin = ImageAt + TextSize, FillerEnd = ImageAt + pageAlign();
  size_t Accepted = 0;
  for (uint8_t Mask : {uint8_t(0xff), uint8_t(0x01), uint8_t(0x80)}) {
    for (size_t I = 0; I + DigestBytes < B.size(); ++I) {
      if (I >= FillerBegin && I < FillerEnd)
        continue;
      Bytes C = B;
      C[I] ^= Mask;
      reseal(C);
      Expected<Artifact> A = verifyArtifact(C, x86Options());
      if (!A) {
        Error E = A.takeError();
        ASSERT_EQ(E.kind(), ErrorKind::Refused) << "byte " << I;
        continue;
      }
      ++Accepted;
      if (sizeof(void *) == 8) { // map() refuses 8-byte relocs elsewhere
        Expected<MappedImage> M = MappedImage::map(A->Image, A->Relocs);
        ASSERT_TRUE(bool(M)) << "byte " << I << ": " << M.takeError().str();
      }
    }
  }
  EXPECT_GT(Accepted, 0u) << "reseal() should let harmless changes through";
}

//===----------------------------------------------------------------------===//
// Libcalls
//===----------------------------------------------------------------------===//

TEST(Libcalls, CoverEveryRowOfLibcallsDef) {
  uint32_t Rows = 0;
#define KILN_LIBCALL(Name, Index)                                              \
  ++Rows;                                                                      \
  EXPECT_STREQ(format::libcallName(Index), #Name);                             \
  EXPECT_NE(loader::libcallAddress(Index), nullptr) << #Name;
#if !defined(__arm__) // ARM EABI helpers exist only in an ARM runtime
#define KILN_LIBCALL_ARM(Name, Index)                                          \
  ++Rows;                                                                      \
  EXPECT_STREQ(format::libcallName(Index), #Name);                             \
  EXPECT_EQ(loader::libcallAddress(Index), nullptr) << #Name;
#endif
#include "kiln/libcalls.def"
  EXPECT_EQ(format::NumLibcalls, Rows);
  EXPECT_EQ(loader::libcallAddress(Rows), nullptr);
  EXPECT_EQ(format::libcallName(Rows), nullptr);
}

TEST(Libcalls, AreTheCLibraryRoutines) {
  EXPECT_EQ(loader::libcallAddress(0), reinterpret_cast<void *>(&::memcpy));
  auto Sqrtf = reinterpret_cast<float (*)(float)>(loader::libcallAddress(13));
  EXPECT_STREQ(format::libcallName(13), "sqrtf");
  EXPECT_EQ(Sqrtf(9.0f), 3.0f);
  auto Fma = reinterpret_cast<double (*)(double, double, double)>(
      loader::libcallAddress(20));
  EXPECT_EQ(Fma(2.0, 3.0, 1.0), 7.0);
}

//===----------------------------------------------------------------------===//
// Map
//===----------------------------------------------------------------------===//

/// Permissions ("r-xp") of the mapping that contains `P`, from
/// /proc/self/maps, or "" if none does.
std::string permissionsAt(const void *P) {
  std::ifstream Maps("/proc/self/maps");
  std::string Line;
  uintptr_t Addr = reinterpret_cast<uintptr_t>(P);
  while (std::getline(Maps, Line)) {
    unsigned long long Lo = 0, Hi = 0;
    char Perms[8] = {};
    if (std::sscanf(Line.c_str(), "%llx-%llx %7s", &Lo, &Hi, Perms) != 3)
      continue;
    if (Addr >= Lo && Addr < Hi)
      return Perms;
  }
  return "";
}

bool isMapped(const void *P) {
  unsigned char Vec;
  long Page = sysconf(_SC_PAGESIZE);
  void *PageStart = reinterpret_cast<void *>(reinterpret_cast<uintptr_t>(P) &
                                             ~uintptr_t(Page - 1));
  return mincore(PageStart, size_t(Page), &Vec) == 0;
}

/// The small artifact for the machine running the test: its two functions
/// become `return 42` and `return` in the host's instruction set, so the map
/// tests also run in the qemu-user cross matrix.
Artifact hostArtifact() {
  Artifact A = smallArtifact();
  A.TargetArch = hostArch();
  A.PointerBytes = uint8_t(archPointerBytes(A.TargetArch));
  if (A.PointerBytes == 4) {
    A.Mode = MemoryMode::BoundsChecked;
    A.Relocs[0].Kind = uint8_t(RelocKind::ImageAbs32);
    A.Relocs[1].Kind = uint8_t(RelocKind::LibcallAbs32);
  }
  std::vector<uint8_t> Answer, Ret;
  switch (A.TargetArch) {
  case Arch::X86_64:
    Answer = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3}; // mov eax, 42; ret
    Ret = {0xc3};
    break;
  case Arch::AArch64:
    Answer = {0x40, 0x05, 0x80, 0x52,
              0xc0, 0x03, 0x5f, 0xd6}; // mov w0, #42; ret
    Ret = {0xc0, 0x03, 0x5f, 0xd6};
    break;
  case Arch::Arm:
    Answer = {0x2a, 0x00, 0xa0, 0xe3,
              0x1e, 0xff, 0x2f, 0xe1}; // mov r0, #42; bx lr
    Ret = {0x1e, 0xff, 0x2f, 0xe1};
    break;
  case Arch::RiscV64:
    Answer = {0x13, 0x05, 0xa0, 0x02, 0x67, 0x80, 0x00, 0x00}; // li a0, 42; ret
    Ret = {0x67, 0x80, 0x00, 0x00};
    break;
  }
  std::memcpy(A.Image.Bytes.data(), Answer.data(), Answer.size());
  std::memcpy(A.Image.Bytes.data() + 16, Ret.data(), Ret.size());
  A.Functions[0].CodeSize = uint32_t(Answer.size());
  A.Functions[1].CodeSize = uint32_t(Ret.size());
  return A;
}

Expected<MappedImage> mapSmall() {
  Expected<Artifact> A =
      verifyArtifact(format::writeArtifact(hostArtifact()), LoadOptions());
  if (!A)
    return A.takeError();
  return MappedImage::map(A->Image, A->Relocs);
}

TEST(Map, RunsMappedCode) {
  Expected<MappedImage> M = mapSmall();
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  // Function 1 is `return 42` at CodeOffset 0, function 2 `return` at 16.
  auto Answer =
      reinterpret_cast<int (*)()>(reinterpret_cast<uintptr_t>(M->base()) + 0);
  EXPECT_EQ(Answer(), 42);
  auto Nop =
      reinterpret_cast<void (*)()>(reinterpret_cast<uintptr_t>(M->base()) + 16);
  Nop();
}

TEST(Map, AppliesImageAndLibcallRelocations) {
  Expected<MappedImage> M = mapSmall();
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  uint32_t P = pageAlign();
  uintptr_t Slot0, Slot1;
  std::memcpy(&Slot0, M->base() + P, sizeof(Slot0));
  std::memcpy(&Slot1, M->base() + P + 8, sizeof(Slot1));
  EXPECT_EQ(Slot0, reinterpret_cast<uintptr_t>(M->base()) + 16);
  EXPECT_EQ(Slot1, reinterpret_cast<uintptr_t>(&::memcpy));
  EXPECT_EQ(std::memcmp(M->base() + P + 16, "kiln", 4), 0);
  EXPECT_EQ(M->size(), P + RoBytes);
  EXPECT_EQ(M->textBegin(), M->base());
  EXPECT_EQ(M->textEnd(), M->base() + TextSize);
  EXPECT_TRUE(M->inText(M->base() + 5));
  EXPECT_FALSE(M->inText(M->base() + TextSize));
}

TEST(Map, ProtectsTextExecutableAndNothingWritable) {
  Expected<MappedImage> M = mapSmall();
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  uint32_t P = pageAlign();
  std::string Text = permissionsAt(M->base());
  std::string Ro = permissionsAt(M->base() + P);
  std::string RoEnd = permissionsAt(M->base() + P + RoBytes - 1);
  EXPECT_EQ(Text.substr(0, 3), "r-x");
  EXPECT_EQ(Ro.substr(0, 2), "r-");
  EXPECT_EQ(RoEnd.substr(0, 2), "r-");
  // qemu-user (the cross-architecture runs) reports every readable page as
  // executable, so the data's missing x bit is checked natively only.
  if (hostArch() == Arch::X86_64) {
    EXPECT_EQ(Ro, "r--p");
  }
}

TEST(MapDeathTest, WritingTextFaults) {
  Expected<MappedImage> M = mapSmall();
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  auto *Text = const_cast<volatile uint8_t *>(M->textBegin());
  EXPECT_DEATH(*Text = 0x90, "");
}

TEST(MapDeathTest, WritingReadOnlyDataFaults) {
  Expected<MappedImage> M = mapSmall();
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  auto *Data = const_cast<volatile uint8_t *>(M->base() + pageAlign());
  EXPECT_DEATH(*Data = 0, "");
}

TEST(Map, UnmapsOnDestruction) {
  const uint8_t *Base = nullptr;
  {
    Expected<MappedImage> M = mapSmall();
    ASSERT_TRUE(bool(M)) << M.takeError().str();
    Base = M->base();
    EXPECT_TRUE(isMapped(Base));
  }
  EXPECT_FALSE(isMapped(Base));
}

TEST(Map, MoveTransfersOwnership) {
  Expected<MappedImage> M = mapSmall();
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  const uint8_t *Base = M->base();
  {
    MappedImage Moved = std::move(*M);
    EXPECT_EQ(Moved.base(), Base);
    EXPECT_EQ(M->base(), nullptr);
    EXPECT_TRUE(isMapped(Base));
  }
  EXPECT_FALSE(isMapped(Base));
}

TEST(Map, RefusesRelocationWidthOfAnotherArchitecture) {
  // An artifact that inspect-style options let through verification must
  // still not be mapped into a process with another pointer size.
  Artifact A = hostArtifact();
  bool Host64 = sizeof(void *) == 8;
  A.Relocs[0].Kind =
      uint8_t(Host64 ? RelocKind::ImageAbs32 : RelocKind::ImageAbs64);
  Expected<MappedImage> M = MappedImage::map(A.Image, A.Relocs);
  ASSERT_FALSE(bool(M));
  Error E = M.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Refused);
  EXPECT_EQ(E.message(),
            Host64 ? "relocation 0 writes 4-byte pointers, this process's are "
                     "8 bytes; the artifact is for another architecture"
                   : "relocation 0 writes 8-byte pointers, this process's are "
                     "4 bytes; the artifact is for another architecture");
}

TEST(Map, MapsEmptyImage) {
  ImageRec Img;
  Img.PageAlign = pageAlign();
  Expected<MappedImage> M = MappedImage::map(Img, {});
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  EXPECT_NE(M->base(), nullptr);
  EXPECT_EQ(M->size(), 0u);
  EXPECT_EQ(M->textEnd(), M->textBegin());
}

//===----------------------------------------------------------------------===//
// Signatures (kiln/signature.h, loader/signature.h)
//===----------------------------------------------------------------------===//

#if KILN_HAVE_SODIUM

struct KeyPair {
  format::PublicKey Public{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> Secret{};
  KeyPair() {
    EXPECT_GE(sodium_init(), 0);
    crypto_sign_keypair(Public.data(), Secret.data());
  }
  Bytes sign(std::span<const uint8_t> Artifact) const {
    format::SignatureBlock B;
    B.Key = Public;
    crypto_sign_detached(B.Signature.data(), nullptr, Artifact.data(),
                         Artifact.size(), Secret.data());
    return format::appendSignature(Artifact, B);
  }
};

LoadOptions trusting(const KeyPair &K) {
  LoadOptions O = x86Options();
  O.TrustedKeys.push_back(K.Public);
  return O;
}

TEST(Signature, SignedArtifactLoadsUnderItsKey) {
  KeyPair K;
  Bytes Plain = format::writeArtifact(smallArtifact());
  Bytes Signed = K.sign(Plain);
  ASSERT_EQ(Signed.size(), Plain.size() + format::SignatureBlockBytes);
  Expected<Artifact> A = verifyArtifact(Signed, trusting(K));
  ASSERT_TRUE(bool(A)) << A.takeError().str();
  // The block is not part of the artifact: the records are the same.
  EXPECT_EQ(format::writeArtifact(*A), Plain);
}

TEST(Signature, WithoutTrustedKeysASignatureIsNotRequired) {
  KeyPair K;
  Bytes Plain = format::writeArtifact(smallArtifact());
  Expected<Artifact> A = verifyArtifact(Plain, x86Options());
  ASSERT_TRUE(bool(A)) << A.takeError().str();
  Expected<Artifact> B = verifyArtifact(K.sign(Plain), x86Options());
  ASSERT_TRUE(bool(B)) << B.takeError().str();
}

TEST(Signature, RefusesAnUnsignedArtifact) {
  KeyPair K;
  Bytes Plain = format::writeArtifact(smallArtifact());
  Error E = refusalOf(Plain, trusting(K));
  EXPECT_EQ(E.kind(), ErrorKind::Refused);
  EXPECT_EQ(E.message(), "artifact is not signed, and this runtime loads "
                         "only artifacts signed by a trusted key (kiln sign)");
}

TEST(Signature, RefusesAKeyItDoesNotTrust) {
  KeyPair Trusted, Other;
  Bytes Signed = Other.sign(format::writeArtifact(smallArtifact()));
  Error E = refusalOf(Signed, trusting(Trusted));
  EXPECT_EQ(E.kind(), ErrorKind::Refused);
  EXPECT_NE(E.message().find("which this runtime does not trust"),
            std::string::npos)
      << E.str();
}

// Every byte of the artifact is covered: each one-byte change, wherever it
// is (records, code, digests, trailer), is refused by the signature check,
// which runs before any section is read.
TEST(Signature, RefusesEveryOneByteChange) {
  KeyPair K;
  Bytes Signed = K.sign(format::writeArtifact(smallArtifact()));
  const size_t ArtifactBytes = Signed.size() - format::SignatureBlockBytes;
  size_t Refused = 0;
  for (size_t At = 0; At < Signed.size(); ++At) {
    if (At >= ArtifactBytes && At < ArtifactBytes + 8)
      continue; // the block's magic: changed, the file is simply unsigned
    Bytes B = Signed;
    B[At] ^= 0x20;
    Expected<Artifact> A = verifyArtifact(B, trusting(K));
    if (A) {
      ADD_FAILURE() << "a change at byte " << At << " loaded";
      continue;
    }
    Error E = A.takeError();
    // Changes to the preamble's arch, mode, version or pointer size are
    // refused by the cheaper preamble checks, before the signature.
    if (E.message().find("signature") != std::string::npos ||
        E.message().find("does not trust") != std::string::npos ||
        At < format::PreambleBytes)
      ++Refused;
    else
      ADD_FAILURE() << "byte " << At << ": refused for another reason: "
                    << E.str();
  }
  EXPECT_EQ(Refused, Signed.size() - 8);
}

TEST(Signature, RefusesAChangedMagicAsUnsigned) {
  KeyPair K;
  Bytes Signed = K.sign(format::writeArtifact(smallArtifact()));
  Signed[Signed.size() - format::SignatureBlockBytes] ^= 1;
  Error E = refusalOf(Signed, trusting(K));
  EXPECT_EQ(E.kind(), ErrorKind::Refused);
  EXPECT_NE(E.message().find("not signed"), std::string::npos) << E.str();
}

#endif // KILN_HAVE_SODIUM

} // namespace
