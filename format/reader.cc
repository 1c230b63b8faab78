//===- format/reader.cc - The one reader of .kiln files -------------------===//
//
//                    *** SUBTLE: CRITICAL TO THE SANDBOX ***
//
// Every byte of an untrusted artifact passes through here first; the
// loader's verifier trusts the Layout and the record shapes it returns. The
// order is fixed and cheap-first: size, magic, format version, architecture,
// pointer size, memory mode, section count, section table, section digests,
// trailer digest, zero padding, records. Every refusal needs a test named
// after it (tests/unit/artifact_test.cc, format_test.cc), and the
// exhaustive byte-flip and truncation tests must stay green.
//
// All arithmetic on file-supplied numbers is done in uint64_t on values that
// are at most 32 bits wide, or written as `Off > Size || Len > Size - Off`,
// so that nothing wraps around (STYLE.md section 3).
//
//===----------------------------------------------------------------------===//

#include "kiln/format_reader.h"

#include "kiln/format_io.h"
#include "kiln/sha256.h"
#include "kiln/signature.h"

#include <cstring>
#include <string>
#include <utility>

namespace kiln::format {

static unsigned long long ull(uint64_t V) { return V; }

/// Where the section table of a file of format version `Version` ends.
static constexpr uint64_t tableEnd(uint32_t Version) {
  return uint64_t(PreambleBytes) +
         uint64_t(sectionCount(Version)) * SectionEntryBytes;
}

static constexpr size_t entryAt(uint32_t I) {
  return PreambleBytes + size_t(I) * SectionEntryBytes;
}

/// A fixed-size record at `At`; the caller has checked that it fits.
template <class Rec>
static Rec readFixed(std::span<const uint8_t> B, size_t At) {
  Rec R{};
  ByteReader Io(B.data(), At, At + recordBytes<Rec>());
  fields(Io, R);
  return R;
}

Expected<PreambleRec> readPreamble(std::span<const uint8_t> B) {
  if (B.size() < PreambleBytes)
    return refusal(0, formatString("file is %zu bytes, too small for a kiln "
                                  "artifact (the preamble alone is %u)",
                                  B.size(), PreambleBytes));
  PreambleRec P = readFixed<PreambleRec>(B, 0);
  if (std::memcmp(P.MagicBytes.data(), Magic, sizeof(Magic)) != 0)
    return refusal(preambleOffset(&PreambleRec::MagicBytes),
                  "not a kiln artifact");
  const size_t VersionAt = preambleOffset(&PreambleRec::Version);
  if (P.Version > FormatVersion)
    return refusal(VersionAt,
                  formatString("format version %u is newer than this "
                               "runtime reads (versions %u to %u): update "
                               "the runtime, or compile with the compiler "
                               "of this release",
                               P.Version, OldestReadableFormatVersion,
                               FormatVersion));
  if (P.Version < OldestReadableFormatVersion)
    return refusal(VersionAt,
                  formatString("format version %u is older than this "
                               "runtime reads (versions %u to %u): "
                               "recompile the module",
                               P.Version, OldestReadableFormatVersion,
                               FormatVersion));

  const size_t ArchAt = preambleOffset(&PreambleRec::TargetArch);
  if (!isKnownArch(P.TargetArch))
    return refusal(ArchAt,
                  formatString("unknown architecture %u", P.TargetArch));
  Arch A = Arch(P.TargetArch);
  if (P.PointerBytes != archPointerBytes(A))
    return refusal(preambleOffset(&PreambleRec::PointerBytes),
                  formatString("pointer size %u bytes, but %s pointers "
                               "are %u bytes",
                               P.PointerBytes, archName(A),
                               archPointerBytes(A)));
  const size_t ModeAt = preambleOffset(&PreambleRec::Mode);
  if (!isKnownMemoryMode(P.Mode))
    return refusal(ModeAt, formatString("unknown memory mode %u", P.Mode));
  if (!archSupportsMemoryMode(A, MemoryMode(P.Mode)))
    return refusal(ModeAt, formatString("artifact uses guard-page memory on "
                                       "%s, which needs a 64-bit target",
                                       archName(A)));
  if (P.Reserved8 != 0)
    return refusal(preambleOffset(&PreambleRec::Reserved8),
                  formatString("reserved preamble byte is 0x%02x, must be 0",
                               P.Reserved8));
  if (P.SectionCount != sectionCount(P.Version))
    return refusal(preambleOffset(&PreambleRec::SectionCount),
                  formatString("%u sections, format version %u has "
                               "exactly %u",
                               P.SectionCount, P.Version,
                               sectionCount(P.Version)));
  if (P.Reserved32 != 0)
    return refusal(preambleOffset(&PreambleRec::Reserved32),
                  formatString("reserved preamble word is 0x%x, must be 0",
                               P.Reserved32));
  return P;
}

/// The section table: ids in order, reserved fields zero, every section
/// inside the file, aligned, after the one before it and before the
/// trailer. Fills in where each section is.
static Error readSectionTable(std::span<const uint8_t> B, uint32_t Count,
                              Layout &L,
                              std::array<Digest, NumSections> &Digests) {
  const uint64_t TableEnd = uint64_t(PreambleBytes) + Count * SectionEntryBytes;
  if (B.size() < TableEnd + DigestBytes)
    return refusal(PreambleBytes,
                  formatString("section table and trailer need 0x%llx bytes, "
                               "the file has 0x%zx",
                               ull(TableEnd + DigestBytes), B.size()));
  const uint64_t TrailerAt = B.size() - DigestBytes;
  const size_t OffsetField = fieldOffset(&SectionEntryRec::Offset);
  uint64_t PrevEnd = TableEnd;
  for (uint32_t I = 0; I < Count; ++I) {
    const size_t E = entryAt(I);
    SectionEntryRec S = readFixed<SectionEntryRec>(B, E);
    const char *Want = sectionName(SectionOrder[I]);
    if (!isKnownSectionId(S.Id))
      return refusal(E, formatString("unknown section id %u", S.Id));
    const char *Name = sectionName(SectionId(S.Id));
    if (SectionId(S.Id) != SectionOrder[I])
      return refusal(E, formatString("section %s where section %s was "
                                    "expected; each section appears once, "
                                    "in order",
                                    Name, Want));
    if (S.Reserved != 0)
      return refusal(E + fieldOffset(&SectionEntryRec::Reserved),
                    formatString("section %s: reserved field is 0x%x, "
                                 "must be 0",
                                 Name, S.Reserved));
    const uint64_t Off = S.Offset, Size = S.Size;
    if (Off > B.size() || Size > B.size() - Off)
      return refusal(E + OffsetField,
                    formatString("section %s: offset 0x%llx + size "
                                 "0x%llx runs past the end of the file "
                                 "(0x%zx bytes)",
                                 Name, ull(Off), ull(Size), B.size()));
    if (Off % SectionAlign)
      return refusal(E + OffsetField,
                    formatString("section %s: offset 0x%llx is not "
                                 "%u-byte aligned",
                                 Name, ull(Off), SectionAlign));
    if (Off < PrevEnd)
      return refusal(E + OffsetField,
                    formatString("section %s: offset 0x%llx overlaps "
                                 "the section table or the previous "
                                 "section, which ends at 0x%llx",
                                 Name, ull(Off), ull(PrevEnd)));
    if (Off + Size > TrailerAt)
      return refusal(E + OffsetField,
                    formatString("section %s: offset 0x%llx + size "
                                 "0x%llx runs into the trailer at "
                                 "0x%llx",
                                 Name, ull(Off), ull(Size), ull(TrailerAt)));
    L.SectionAt[I] = Off;
    L.SectionSize[I] = Size;
    Digests[I] = S.Sha256;
    PrevEnd = Off + Size;
  }
  return Error::success();
}

static Error checkDigests(std::span<const uint8_t> B, uint32_t Count,
                          const Layout &L,
                          const std::array<Digest, NumSections> &Digests) {
  for (uint32_t I = 0; I < Count; ++I) {
    Digest D = sha256(
        B.subspan(size_t(L.SectionAt[I]), size_t(L.SectionSize[I])));
    if (D != Digests[I]) {
      const char *Name = sectionName(SectionOrder[I]);
      return refusal(L.SectionAt[I],
                    formatString("checksum mismatch at section %s", Name))
          .inSection(Name);
    }
  }
  const size_t TrailerAt = B.size() - DigestBytes;
  Digest D = sha256(B.first(TrailerAt));
  if (std::memcmp(D.data(), B.data() + TrailerAt, DigestBytes) != 0)
    return refusal(TrailerAt, "checksum mismatch in the trailer: the preamble "
                             "or the section table is corrupt");
  return Error::success();
}

/// Bytes between sections are padding and must be zero. The checksums
/// already cover them; this keeps artifacts canonical, so nothing can ride
/// along in the file outside a section.
static Error checkPadding(std::span<const uint8_t> B, uint32_t Version,
                          const Layout &L) {
  const uint32_t Count = sectionCount(Version);
  uint64_t Pos = tableEnd(Version);
  for (uint32_t I = 0; I <= Count; ++I) {
    uint64_t Next = I < Count ? L.SectionAt[I] : B.size() - DigestBytes;
    for (; Pos < Next; ++Pos)
      if (B[size_t(Pos)] != 0)
        return refusal(Pos, formatString("padding byte is 0x%02x, must be 0",
                                        B[size_t(Pos)]));
    if (I < Count)
      Pos = L.SectionAt[I] + L.SectionSize[I];
  }
  return Error::success();
}

namespace {

/// Reads like ByteReader and remembers where each top-level record of a
/// vector section starts. It goes through format::sectionFields like the
/// writer, so the section layout is still described only once.
class RecordingReader {
public:
  RecordingReader(ByteReader &R, std::vector<size_t> &Starts)
      : R(R), Starts(Starts) {}

  void u8(uint8_t &V) { R.u8(V); }
  void u32(uint32_t &V) { R.u32(V); }
  void u64(uint64_t &V) { R.u64(V); }
  template <size_t N> void bytes(std::array<uint8_t, N> &A) { R.bytes(A); }
  void str(std::string &S) { R.str(S); }
  void blob(std::vector<uint8_t> &B) { R.blob(B); }
  void uleb(uint32_t &V) { R.uleb(V); }
  void index(uint32_t &V) { R.index(V); }
  void ascending(uint32_t &V, uint32_t &Prev) { R.ascending(V, Prev); }
  template <typename T, typename Fn> void vec(std::vector<T> &V, Fn F) {
    bool TopLevel = Depth == 0;
    ++Depth;
    R.vec(V, [&](T &E) {
      if (TopLevel)
        Starts.push_back(R.offset());
      F(E);
    });
    --Depth;
  }

private:
  ByteReader &R;
  std::vector<size_t> &Starts;
  unsigned Depth = 0;
};

} // namespace

static Error readSections(std::span<const uint8_t> B, uint32_t Count,
                          Layout &L, Artifact &A) {
  for (uint32_t I = 0; I < Count; ++I) {
    const char *Name = sectionName(SectionOrder[I]);
    const size_t Begin = size_t(L.SectionAt[I]);
    const size_t End = Begin + size_t(L.SectionSize[I]);
    ByteReader R(B.data(), Begin, End);
    RecordingReader Io(R, L.RecordAt[I]);
    sectionFields(Io, SectionOrder[I], A);
    if (!R.ok())
      return refusal(R.failOffset(), R.failReason()).inSection(Name);
    if (!R.atEnd())
      return refusal(R.offset(),
                    formatString("%llu unexpected bytes after the section's "
                                 "records",
                                 ull(End - R.offset())))
          .inSection(Name);
  }
  return Error::success();
}

Expected<ReadArtifact> readArtifact(std::span<const uint8_t> Bytes) {
  Expected<PreambleRec> P = readPreamble(Bytes);
  if (!P)
    return P.takeError();
  return readSections(Bytes, *P);
}

Expected<ReadArtifact> readSections(std::span<const uint8_t> File,
                                    const PreambleRec &P) {
  // A signed file is the artifact and a signature block after it
  // (kiln/signature.h); whether the signature is trusted is the loader's
  // question, not the format's.
  std::span<const uint8_t> Bytes = splitSignature(File).Artifact;
  ReadArtifact R;
  std::array<Digest, NumSections> Digests{};
  const uint32_t Count = sectionCount(P.Version);
  KILN_CHECK(readSectionTable(Bytes, Count, R.L, Digests));
  KILN_CHECK(checkDigests(Bytes, Count, R.L, Digests));
  KILN_CHECK(checkPadding(Bytes, P.Version, R.L));
  R.A.Version = P.Version;
  R.A.TargetArch = Arch(P.TargetArch);
  R.A.Mode = MemoryMode(P.Mode);
  R.A.PointerBytes = P.PointerBytes;
  KILN_CHECK(readSections(Bytes, Count, R.L, R.A));
  return R;
}

} // namespace kiln::format
