//===- compiler/codegen/object_arch.h - Per-architecture fixups -*- C++ -*-===//
//
// One ArchRelocator per architecture (object_x86_64.cc, ...): how to apply
// each ELF relocation type LLVM emits for Kiln's code model, and how a
// libcall stub looks. PC-relative fixups are written into the image;
// absolute ones become relocs.def records for the loader.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_OBJECT_ARCH_H
#define KILN_CODEGEN_OBJECT_ARCH_H

#include "compiler/codegen/object_layout.h"

namespace kiln::codegen {

struct Fixup {
  uint32_t Type = 0;   // ELF relocation type
  uint32_t Place = 0;  // image offset being patched (P)
  uint32_t Target = 0; // image offset of the symbol (S; a stub for libcalls)
  int64_t Addend = 0;  // A (RELA objects; REL ones keep it in the place)
  bool HasAddend = false; // false: read the implicit addend at Place (ARM)
  int Libcall = -1;    // libcall index when the symbol is external
  uint32_t SlotOfLibcall = 0;
};

class ArchRelocator {
public:
  virtual ~ArchRelocator() = default;
  virtual uint32_t stubSize() const = 0;
  /// Writes a stub at StubAt that jumps through the pointer at SlotAt.
  virtual void writeStub(std::vector<uint8_t> &Image, uint32_t StubAt,
                         uint32_t SlotAt) const = 0;
  virtual Error apply(const Fixup &F, LaidOutImage &Out) const = 0;
  /// Applies all fixups of the object, in relocation-table order. The
  /// default applies each on its own; RISC-V overrides it because a
  /// PCREL_LO12 fixup needs the value of the PCREL_HI20 it points at.
  virtual Error applyAll(const std::vector<Fixup> &All,
                         LaidOutImage &Out) const {
    for (const Fixup &F : All)
      KILN_CHECK(apply(F, Out));
    return Error::success();
  }
};

/// "R_AARCH64_CALL26 at image offset 0x40: target out of range (...)".
Error fixupError(Arch A, const char *TypeName, const Fixup &F,
                 const std::string &Why);
/// A relocation type the compiler does not handle: refuses the artifact.
Error unsupportedFixup(Arch A, const char *TypeName, const Fixup &F);
/// Absolute pointer of PtrBytes at F.Place: becomes an ImageAbs/LibcallAbs
/// record for the loader (which only patches read-only data, never code).
Error absolutePointer(Arch A, const char *TypeName, const Fixup &F,
                      int64_t Addend, LaidOutImage &Out);

inline bool fitsSigned(int64_t V, unsigned Bits) {
  return V >= -(int64_t(1) << (Bits - 1)) && V < (int64_t(1) << (Bits - 1));
}

/// The relocator for `A`, or null if code layout for it is not implemented.
const ArchRelocator *archRelocator(Arch A);

/// Little-endian helpers for fixups.
inline void write32le(std::vector<uint8_t> &B, uint32_t At, uint32_t V) {
  for (unsigned I = 0; I < 4; ++I)
    B[At + I] = uint8_t(V >> (8 * I));
}
inline void write64le(std::vector<uint8_t> &B, uint32_t At, uint64_t V) {
  for (unsigned I = 0; I < 8; ++I)
    B[At + I] = uint8_t(V >> (8 * I));
}
inline void write16le(std::vector<uint8_t> &B, uint32_t At, uint16_t V) {
  B[At] = uint8_t(V);
  B[At + 1] = uint8_t(V >> 8);
}
inline uint16_t read16le(const std::vector<uint8_t> &B, uint32_t At) {
  return uint16_t(B[At] | (B[At + 1] << 8));
}
inline uint32_t read32le(const std::vector<uint8_t> &B, uint32_t At) {
  uint32_t V = 0;
  for (unsigned I = 0; I < 4; ++I)
    V |= uint32_t(B[At + I]) << (8 * I);
  return V;
}

} // namespace kiln::codegen

#endif // KILN_CODEGEN_OBJECT_ARCH_H
