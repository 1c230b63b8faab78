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
  int64_t Addend = 0;  // A
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
};

/// The relocator for `A`, or null if code layout for it is not implemented.
const ArchRelocator *archRelocator(Arch A);

/// Little-endian helpers for fixups.
inline void write32le(std::vector<uint8_t> &B, uint32_t At, uint32_t V) {
  for (unsigned I = 0; I < 4; ++I)
    B[At + I] = uint8_t(V >> (8 * I));
}
inline uint32_t read32le(const std::vector<uint8_t> &B, uint32_t At) {
  uint32_t V = 0;
  for (unsigned I = 0; I < 4; ++I)
    V |= uint32_t(B[At + I]) << (8 * I);
  return V;
}

} // namespace kiln::codegen

#endif // KILN_CODEGEN_OBJECT_ARCH_H
