//===- tests/unit/format_test.cc - The format library on its own ----------===//
//
// The artifact contract as its own library: the writer and the one reader
// agree on every record, the frame (preamble, section table) is the layout
// format.h documents, the helpers derived from the .def lists say what the
// lists say, and the reader applies the format's rules but no runtime's
// policy. The loader's refusals, which go through this reader, are
// artifact_test.cc's.
//
//===----------------------------------------------------------------------===//

#include "kiln/format.h"
#include "kiln/format_io.h"
#include "kiln/format_reader.h"
#include "kiln/format_tables.h"
#include "kiln/format_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

using namespace kiln;
using namespace kiln::format;

namespace {

/// Records of every kind, with values that differ from the defaults, for a
/// given target. Nonsense as a module (the reader does not check indices).
Artifact everyRecord(Arch A, MemoryMode M) {
  Artifact Art;
  Art.TargetArch = A;
  Art.Mode = M;
  Art.PointerBytes = uint8_t(archPointerBytes(A));
  Art.Target.Triple = archTriple(A);
  Art.Target.Cpu = "generic";
  Art.Target.Features = "+a,+b";
  Art.Target.CompilerVersion = "kiln test";
  Art.Target.WasmSha256[0] = 0xab;
  Art.Target.OptLevel = 3;
  Art.Types.push_back({{0x7f, 0x7e}, {0x7b}});
  ImportRec Imp;
  Imp.Module = "env";
  Imp.Field = "f";
  Imp.Lim = {1, 1, 7};
  Art.Imports.push_back(Imp);
  Art.Functions.push_back({0, 16, 32, 99});
  Art.Tables.push_back({0x6f, {2, 0, 0}});
  Art.Memories.push_back({{1, 1, 65536}});
  GlobalRec G;
  G.ValType = 0x7e;
  G.Mutable = 1;
  G.Init.Kind = uint8_t(ConstKind::I64);
  G.Init.Bits[7] = 0x80;
  Art.Globals.push_back(G);
  Art.Exports.push_back({"run", uint8_t(ExternKind::Func), 1});
  Art.Start = 1;
  ElemRec E;
  E.Items.resize(3);
  E.Items[2].Kind = uint8_t(ConstKind::RefFunc);
  E.Items[2].Index = 1;
  Art.Elems.push_back(E);
  DataRec D;
  D.Mode = uint8_t(SegmentMode::Passive);
  D.Bytes = {1, 2, 3};
  Art.Datas.push_back(D);
  Art.Trampolines.push_back({48, 64});
  Art.Relocs.push_back({4096, uint8_t(imageRelocFor(Art.PointerBytes)), 8});
  Art.Image.TextSize = 4096;
  Art.Image.ReadOnlyOffset = 4096;
  Art.Image.Bytes.assign(8192, 0xcc);
  return Art;
}

uint32_t le32(const std::vector<uint8_t> &B, size_t At) {
  return uint32_t(B[At]) | uint32_t(B[At + 1]) << 8 |
         uint32_t(B[At + 2]) << 16 | uint32_t(B[At + 3]) << 24;
}

} // namespace

TEST(Format, FrameFieldsAreAtTheOffsetsFormatHDocuments) {
  EXPECT_EQ(fieldOffset(&PreambleRec::MagicBytes), 0u);
  EXPECT_EQ(fieldOffset(&PreambleRec::Version), 8u);
  EXPECT_EQ(fieldOffset(&PreambleRec::TargetArch), 12u);
  EXPECT_EQ(fieldOffset(&PreambleRec::Mode), 13u);
  EXPECT_EQ(fieldOffset(&PreambleRec::PointerBytes), 14u);
  EXPECT_EQ(fieldOffset(&PreambleRec::Reserved8), 15u);
  EXPECT_EQ(fieldOffset(&PreambleRec::SectionCount), 16u);
  EXPECT_EQ(fieldOffset(&PreambleRec::Reserved32), 20u);
  EXPECT_EQ(recordBytes<PreambleRec>(), 24u);
  EXPECT_EQ(fieldOffset(&SectionEntryRec::Id), 0u);
  EXPECT_EQ(fieldOffset(&SectionEntryRec::Offset), 8u);
  EXPECT_EQ(fieldOffset(&SectionEntryRec::Size), 16u);
  EXPECT_EQ(fieldOffset(&SectionEntryRec::Sha256), 24u);
  EXPECT_EQ(recordBytes<SectionEntryRec>(), 56u);
}

TEST(Format, WriterWritesTheFrameThroughTheFieldTables) {
  std::vector<uint8_t> B =
      writeArtifact(everyRecord(Arch::AArch64, MemoryMode::Guard));
  ASSERT_GE(B.size(), PreambleBytes);
  EXPECT_EQ(std::memcmp(B.data(), Magic, sizeof(Magic)), 0);
  EXPECT_EQ(le32(B, 8), FormatVersion);
  EXPECT_EQ(B[12], uint8_t(Arch::AArch64));
  EXPECT_EQ(B[13], uint8_t(MemoryMode::Guard));
  EXPECT_EQ(B[14], 8);
  EXPECT_EQ(le32(B, 16), NumSections);
  for (uint32_t I = 0; I < NumSections; ++I)
    EXPECT_EQ(le32(B, PreambleBytes + I * SectionEntryBytes),
              uint32_t(SectionOrder[I]));
}

TEST(Format, ReaderReadsBackWhatTheWriterWrote) {
  for (Arch A : {Arch::X86_64, Arch::AArch64, Arch::Arm, Arch::RiscV64}) {
    SCOPED_TRACE(archName(A));
    Artifact Art = everyRecord(A, MemoryMode::BoundsChecked);
    std::vector<uint8_t> B = writeArtifact(Art);
    Expected<ReadArtifact> R = readArtifact(B);
    ASSERT_TRUE(R) << R.takeError().str();
    EXPECT_EQ(R->A.TargetArch, A);
    EXPECT_EQ(R->A.Target.Features, "+a,+b");
    EXPECT_EQ(R->A.Imports.at(0).Lim.Max, 7u);
    EXPECT_EQ(R->A.Elems.at(0).Items.at(2).Index, 1u);
    EXPECT_EQ(R->A.Datas.at(0).Bytes, (std::vector<uint8_t>{1, 2, 3}));
    EXPECT_EQ(R->A.Image.Bytes.size(), 8192u);
    // Every field, compared through the writer: the same bytes again.
    EXPECT_EQ(writeArtifact(R->A), B);
    // The layout points at the records: the first export's name length.
    uint64_t At = R->L.record(SectionId::Exports, 0);
    EXPECT_EQ(le32(B, At), 3u);
  }
}

TEST(Format, ReaderAppliesTheFormatsRulesButNoRuntimesPolicy) {
  // Another architecture than this one's: the reader takes it (the loader
  // refuses it, artifact_test.cc), so tools can read any artifact.
  Arch Foreign = hostArch() == Arch::AArch64 ? Arch::X86_64 : Arch::AArch64;
  EXPECT_TRUE(readArtifact(writeArtifact(
      everyRecord(Foreign, MemoryMode::Guard))));
  // Guard mode on a 32-bit target breaks a rule of the format itself
  // (kiln/target.h, archSupportsMemoryMode), whoever reads it.
  Expected<ReadArtifact> R =
      readArtifact(writeArtifact(everyRecord(Arch::Arm, MemoryMode::Guard)));
  ASSERT_FALSE(R);
  Error E = R.takeError();
  EXPECT_NE(E.message().find("needs a 64-bit target"), std::string::npos)
      << E.str();
  EXPECT_EQ(E.offset(), fieldOffset(&PreambleRec::Mode));
}

TEST(Format, ReadPreambleNamesTheFieldItRefuses) {
  std::vector<uint8_t> B =
      writeArtifact(everyRecord(Arch::X86_64, MemoryMode::Guard));
  struct Case {
    size_t At;
    uint8_t Value;
    const char *Says;
  };
  for (const Case &C : {Case{0, 0, "not a kiln artifact"},
                        Case{8, 99, "newer than this runtime reads"},
                        Case{12, 77, "unknown architecture 77"},
                        Case{13, 9, "unknown memory mode 9"},
                        Case{14, 4, "pointer size 4 bytes"},
                        Case{15, 1, "reserved preamble byte"},
                        Case{16, 3, "3 sections"},
                        Case{20, 1, "reserved preamble word"}}) {
    SCOPED_TRACE(C.Says);
    std::vector<uint8_t> Bad = B;
    Bad[C.At] = C.Value;
    Expected<PreambleRec> P = readPreamble(Bad);
    ASSERT_FALSE(P);
    Error E = P.takeError();
    EXPECT_EQ(E.kind(), ErrorKind::Refused);
    EXPECT_NE(E.message().find(C.Says), std::string::npos) << E.str();
    EXPECT_EQ(E.offset(), C.At);
  }
}

TEST(Format, WriterWritesTheVersionItIsGiven) {
  Artifact Art = everyRecord(Arch::X86_64, MemoryMode::Guard);
  Art.Version = OldestReadableFormatVersion;
  std::vector<uint8_t> B = writeArtifact(Art);
  EXPECT_EQ(le32(B, 8), OldestReadableFormatVersion);
  Expected<ReadArtifact> R = readArtifact(B);
  ASSERT_TRUE(R) << R.takeError().str();
  EXPECT_EQ(R->A.Version, OldestReadableFormatVersion);
}

TEST(FormatTables, SectionsFollowSectionsDef) {
  std::set<uint32_t> Ids;
  for (size_t I = 0; I < NumSections; ++I) {
    EXPECT_EQ(sectionIndex(SectionOrder[I]), I);
    EXPECT_TRUE(isKnownSectionId(uint32_t(SectionOrder[I])));
    EXPECT_STRNE(sectionName(SectionOrder[I]), "unknown");
    Ids.insert(uint32_t(SectionOrder[I]));
  }
  EXPECT_EQ(Ids.size(), NumSections);
  EXPECT_FALSE(isKnownSectionId(0));
  EXPECT_EQ(sectionIndex(SectionId(0)), NumSections);
  EXPECT_STREQ(sectionName(SectionId::Code), "Code");
}

TEST(FormatTables, RelocationWidthsMatchThePointerSizeTheyAreFor) {
  for (unsigned Ptr : {4u, 8u}) {
    EXPECT_EQ(relocBytes(uint8_t(imageRelocFor(Ptr))), Ptr);
    EXPECT_EQ(relocBytes(uint8_t(libcallRelocFor(Ptr))), Ptr);
    EXPECT_FALSE(isLibcallReloc(imageRelocFor(Ptr)));
    EXPECT_TRUE(isLibcallReloc(libcallRelocFor(Ptr)));
  }
  EXPECT_EQ(relocBytes(0), 0u);
  EXPECT_EQ(relocBytes(200), 0u);
  EXPECT_STREQ(relocName(uint8_t(RelocKind::ImageAbs32)), "ImageAbs32");
  EXPECT_STREQ(relocName(200), "unknown");
}

TEST(FormatTables, LibcallNamesFollowLibcallsDef) {
  uint32_t Rows = 0;
#define KILN_LIBCALL(Name, Index)                                              \
  EXPECT_STREQ(libcallName(Index), #Name);                                     \
  ++Rows;
#include "kiln/libcalls.def"
  EXPECT_EQ(NumLibcalls, Rows);
  EXPECT_EQ(libcallName(NumLibcalls), nullptr);
}

TEST(FormatTables, GuardModeNeedsA64BitTarget) {
  for (Arch A : {Arch::X86_64, Arch::AArch64, Arch::RiscV64})
    EXPECT_TRUE(archSupportsMemoryMode(A, MemoryMode::Guard)) << archName(A);
  EXPECT_FALSE(archSupportsMemoryMode(Arch::Arm, MemoryMode::Guard));
  EXPECT_TRUE(archSupportsMemoryMode(Arch::Arm, MemoryMode::BoundsChecked));
}
