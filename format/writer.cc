//===- format/writer.cc - Serialize a .kiln artifact ----------------------===//

#include "kiln/format_writer.h"

#include "kiln/format_io.h"
#include "kiln/format_tables.h"
#include "kiln/sha256.h"

#include <array>
#include <cassert>
#include <cstring>

namespace kiln::format {

static uint64_t alignTo(uint64_t V, uint64_t Align) {
  return (V + Align - 1) / Align * Align;
}

std::vector<uint8_t> writeArtifact(const Artifact &A) {
  // sectionFields() takes a mutable record because the reader fills it in;
  // ByteWriter only reads, so the const_cast never leads to a write, and it
  // spares copying the (possibly large) code image.
  Artifact &Src = const_cast<Artifact &>(A);

  // Version A.Version's sections: a prefix of the list (sections.def).
  const uint32_t Count = sectionCount(A.Version);
  std::array<std::vector<uint8_t>, NumSections> Payloads;
  for (uint32_t I = 0; I < Count; ++I) {
    ByteWriter W(Payloads[I]);
    sectionFields(W, SectionOrder[I], Src);
  }

  std::array<SectionEntryRec, NumSections> Table;
  uint64_t Pos = uint64_t(PreambleBytes) + Count * SectionEntryBytes;
  for (uint32_t I = 0; I < Count; ++I) {
    Table[I].Id = uint32_t(SectionOrder[I]);
    Table[I].Offset = alignTo(Pos, SectionAlign);
    Table[I].Size = Payloads[I].size();
    Table[I].Sha256 = sha256(Payloads[I]);
    Pos = Table[I].Offset + Table[I].Size;
  }

  PreambleRec P;
  static_assert(sizeof(Magic) == sizeof(P.MagicBytes));
  std::memcpy(P.MagicBytes.data(), Magic, sizeof(Magic));
  P.Version = A.Version;
  P.TargetArch = uint8_t(A.TargetArch);
  P.Mode = uint8_t(A.Mode);
  P.PointerBytes = A.PointerBytes;
  P.SectionCount = Count;

  std::vector<uint8_t> Out;
  Out.reserve(Pos + DigestBytes);
  ByteWriter W(Out);
  fields(W, P);
  for (uint32_t I = 0; I < Count; ++I)
    fields(W, Table[I]);
  for (uint32_t I = 0; I < Count; ++I) {
    Out.resize(Table[I].Offset, 0); // zero padding up to the aligned offset
    Out.insert(Out.end(), Payloads[I].begin(), Payloads[I].end());
  }
  assert(Out.size() == Pos && "section layout computed twice differently");

  W.bytes(sha256(Out));
  return Out;
}

} // namespace kiln::format
