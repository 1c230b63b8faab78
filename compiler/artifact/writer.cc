//===- compiler/artifact/writer.cc - Serialize a .kiln artifact -----------===//

#include "compiler/artifact/writer.h"

#include "kiln/format_io.h"
#include "kiln/sha256.h"

#include <array>
#include <cassert>

namespace kiln::artifact {

using namespace kiln::format;

static constexpr SectionId SectionOrder[] = {
#define KILN_SECTION(Name, Id, Required) SectionId::Name,
#include "kiln/sections.def"
};
static constexpr uint32_t NumSections =
    sizeof(SectionOrder) / sizeof(SectionOrder[0]);

static uint64_t alignTo(uint64_t V, uint64_t Align) {
  return (V + Align - 1) / Align * Align;
}

std::vector<uint8_t> writeArtifact(const Artifact &A) {
  // sectionFields() takes a mutable record because the reader fills it in;
  // ByteWriter only reads, so the const_cast never leads to a write, and it
  // spares copying the (possibly large) code image.
  Artifact &Src = const_cast<Artifact &>(A);

  std::array<std::vector<uint8_t>, NumSections> Payloads;
  for (uint32_t I = 0; I < NumSections; ++I) {
    ByteWriter W(Payloads[I]);
    sectionFields(W, SectionOrder[I], Src);
  }

  std::array<uint64_t, NumSections> Offsets;
  uint64_t Pos = uint64_t(PreambleBytes) + NumSections * SectionEntryBytes;
  for (uint32_t I = 0; I < NumSections; ++I) {
    Offsets[I] = alignTo(Pos, SectionAlign);
    Pos = Offsets[I] + Payloads[I].size();
  }

  std::vector<uint8_t> Out;
  Out.reserve(Pos + DigestBytes);
  ByteWriter W(Out);
  for (uint8_t B : Magic)
    W.u8(B);
  W.u32(FormatVersion);
  W.u8(uint8_t(A.TargetArch));
  W.u8(uint8_t(A.Mode));
  W.u8(A.PointerBytes);
  W.u8(0);
  W.u32(NumSections);
  W.u32(0);
  assert(Out.size() == PreambleBytes &&
         "preamble layout drifted from format.h");

  for (uint32_t I = 0; I < NumSections; ++I) {
    W.u32(uint32_t(SectionOrder[I]));
    W.u32(0);
    W.u64(Offsets[I]);
    W.u64(Payloads[I].size());
    W.bytes(sha256(Payloads[I]));
  }

  for (uint32_t I = 0; I < NumSections; ++I) {
    Out.resize(Offsets[I], 0); // zero padding up to the aligned offset
    Out.insert(Out.end(), Payloads[I].begin(), Payloads[I].end());
  }
  assert(Out.size() == Pos && "section layout computed twice differently");

  W.bytes(sha256(Out));
  return Out;
}

} // namespace kiln::artifact
