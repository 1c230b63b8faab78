//===- compiler/codegen/object_arch.cc - Relocator by architecture --------===//

#include "compiler/codegen/object_arch.h"

#include "kiln/format_tables.h"

namespace kiln::codegen {

const ArchRelocator &x86_64Relocator();
const ArchRelocator &aarch64Relocator();
const ArchRelocator &armRelocator();
const ArchRelocator &riscv64Relocator();

const ArchRelocator *archRelocator(Arch A) {
  switch (A) {
  case Arch::X86_64:
    return &x86_64Relocator();
  case Arch::AArch64:
    return &aarch64Relocator();
  case Arch::Arm:
    return &armRelocator();
  case Arch::RiscV64:
    return &riscv64Relocator();
  }
  return nullptr;
}

Error fixupError(Arch A, const char *TypeName, const Fixup &F,
                 const std::string &Why) {
  return Error::make(ErrorKind::Unsupported,
                     formatString("%s relocation %s at image offset 0x%x: %s",
                                  archName(A), TypeName, F.Place,
                                  Why.c_str()));
}

Error unsupportedFixup(Arch A, const char *TypeName, const Fixup &F) {
  return Error::make(
      ErrorKind::Unsupported,
      formatString("%s relocation %s (type %u) at image offset 0x%x is not "
                   "supported: the artifact could not be loaded",
                   archName(A), TypeName, F.Type, F.Place));
}

Error absolutePointer(Arch A, const char *TypeName, const Fixup &F,
                      int64_t Addend, LaidOutImage &Out) {
  unsigned Ptr = archPointerBytes(A);
  if (F.Place < Out.Image.ReadOnlyOffset)
    return fixupError(A, TypeName, F,
                      "absolute address in code; artifacts only patch data");
  if (uint64_t(F.Place) + Ptr > Out.Image.Bytes.size())
    return fixupError(A, TypeName, F, "place outside the image");
  if (F.Libcall >= 0) {
    if (Addend != 0)
      return fixupError(A, TypeName, F, "libcall address with an addend");
    Out.Relocs.push_back({F.Place,
                          uint8_t(format::libcallRelocFor(Ptr)),
                          uint32_t(F.Libcall)});
    return Error::success();
  }
  int64_t V = int64_t(F.Target) + Addend;
  if (V < 0 || V >= int64_t(Out.Image.Bytes.size()))
    return fixupError(A, TypeName, F, "address outside the image");
  Out.Relocs.push_back({F.Place,
                        uint8_t(format::imageRelocFor(Ptr)),
                        uint32_t(V)});
  return Error::success();
}

} // namespace kiln::codegen
