//===- tests/fuzz/fuzz_artifact.cc - Fuzz target: load a .kiln artifact ---===//
//
// Checks that kiln::Module::load (verify, then map and relocate) never
// crashes, leaks or trips a sanitizer on a damaged artifact: it must load or
// be refused. Nothing from the artifact is ever run: a load that succeeds
// maps the code, and the module is destroyed without being instantiated.
//
// Structure-aware: random bytes almost never get past the per-section
// SHA-256 digests and the trailer (kiln/format.h), so the custom mutator
// reseals half of its mutants (recomputes every section digest the table
// names, then the trailer) to reach the parser and the semantic checks, and
// leaves the other half as they are to fuzz the checks before the checksums.
// Half of the resealed mutants are mutated inside one section only, so the
// small record sections are not drowned out by the page-sized code image.
// Seeds: tests/fuzz/corpus/artifact/ (real `kiln compile` output, x86-64).
//
//===----------------------------------------------------------------------===//

#include "kiln/format.h"
#include "kiln/runtime.h"
#include "kiln/sha256.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

using namespace kiln::format;

extern "C" size_t LLVMFuzzerMutate(uint8_t *Data, size_t Size, size_t MaxSize);

static uint64_t get64(const uint8_t *P) {
  uint64_t V = 0;
  for (unsigned I = 0; I < 8; ++I)
    V |= uint64_t(P[I]) << (8 * I);
  return V;
}

/// The count of section-table entries that fit in the first `Size` bytes.
static size_t tableEntries(const uint8_t *Data, size_t Size) {
  if (Size < PreambleBytes)
    return 0;
  uint32_t Count = uint32_t(Data[16]) | uint32_t(Data[17]) << 8 |
                   uint32_t(Data[18]) << 16 | uint32_t(Data[19]) << 24;
  size_t Fit = (Size - PreambleBytes) / SectionEntryBytes;
  return Count < Fit ? Count : Fit;
}

/// Recomputes the digest of every section the table names (when it lies in
/// the file) and then the trailer, as the writer would have.
static void reseal(uint8_t *Data, size_t Size) {
  if (Size < PreambleBytes + DigestBytes)
    return;
  size_t TrailerAt = Size - DigestBytes;
  size_t N = tableEntries(Data, TrailerAt);
  for (size_t I = 0; I < N; ++I) {
    uint8_t *E = Data + PreambleBytes + I * SectionEntryBytes;
    uint64_t Off = get64(E + 8), Len = get64(E + 16);
    if (Off > TrailerAt || Len > TrailerAt - Off)
      continue;
    kiln::Sha256Digest D = kiln::sha256({Data + Off, size_t(Len)});
    std::memcpy(E + 24, D.data(), DigestBytes);
  }
  kiln::Sha256Digest D = kiln::sha256({Data, TrailerAt});
  std::memcpy(Data + TrailerAt, D.data(), DigestBytes);
}

/// Mutates the bytes of one section, chosen by `Seed`, in place and without
/// changing its size (a shorter result keeps the section's old tail), so the
/// table still describes the file. False if no section lies in the file.
static bool mutateOneSection(uint8_t *Data, size_t Size, unsigned Seed) {
  size_t N = tableEntries(Data, Size);
  if (N == 0)
    return false;
  const uint8_t *E = Data + PreambleBytes + (Seed % N) * SectionEntryBytes;
  uint64_t Off = get64(E + 8), Len = get64(E + 16);
  if (Len == 0 || Off > Size || Len > Size - Off)
    return false;
  LLVMFuzzerMutate(Data + Off, size_t(Len), size_t(Len));
  return true;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *Data, size_t Size,
                                          size_t MaxSize, unsigned int Seed) {
  // Seed bit 0: reseal or not; bit 1: whole file or one section. The rest
  // of the seed picks the section.
  bool Reseal = Seed & 1;
  if (!(Reseal && (Seed & 2) && mutateOneSection(Data, Size, Seed >> 2)))
    Size = LLVMFuzzerMutate(Data, Size, MaxSize);
  if (Reseal)
    reseal(Data, Size);
  return Size;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  // Default options: what this runtime would accept for this machine, so an
  // accepted mutant goes on to be mapped and relocated.
  kiln::Expected<std::shared_ptr<kiln::Module>> M =
      kiln::Module::load(std::span<const uint8_t>(Data, Size));
  if (!M) {
    kiln::Error E = M.takeError();
    (void)E.str(); // the message names offsets and sections: format it too
  }
  return 0; // the module, if any, is unmapped here without running anything
}
