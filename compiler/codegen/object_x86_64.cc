//===- compiler/codegen/object_x86_64.cc - x86-64 fixups ------------------===//
//
// Kiln compiles x86-64 code with the small code model and PIC, so LLVM emits
// PC-relative references (calls, RIP-relative constant-pool loads, jump
// table entries) that are resolved here; R_X86_64_64 in read-only data (a
// pointer to the image) becomes an ImageAbs64 record for the loader.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/object_arch.h"

#include "llvm/BinaryFormat/ELF.h"

namespace kiln::codegen {

namespace {

class X86_64Relocator final : public ArchRelocator {
public:
  uint32_t stubSize() const override { return 8; }

  void writeStub(std::vector<uint8_t> &Image, uint32_t StubAt,
                 uint32_t SlotAt) const override {
    // jmp *rel32(%rip): FF 25 <slot - (stub + 6)>
    Image[StubAt] = 0xff;
    Image[StubAt + 1] = 0x25;
    write32le(Image, StubAt + 2, SlotAt - (StubAt + 6));
    Image[StubAt + 6] = 0xcc; // int3 padding
    Image[StubAt + 7] = 0xcc;
  }

  Error apply(const Fixup &F, LaidOutImage &Out) const override {
    switch (F.Type) {
    case llvm::ELF::R_X86_64_PC32:
    case llvm::ELF::R_X86_64_PLT32: {
      int64_t V = int64_t(F.Target) + F.Addend - int64_t(F.Place);
      if (V < INT32_MIN || V > INT32_MAX)
        return Error::make(ErrorKind::Unsupported,
                           formatString("x86-64 PC32 fixup at 0x%x out of "
                                        "range",
                                        F.Place));
      write32le(Out.Image.Bytes, F.Place, uint32_t(int32_t(V)));
      return Error::success();
    }
    case llvm::ELF::R_X86_64_64:
      if (F.Place < Out.Image.ReadOnlyOffset)
        return Error::make(ErrorKind::Unsupported,
                           formatString("absolute address in code at 0x%x; "
                                        "artifacts only patch data",
                                        F.Place));
      if (F.Libcall >= 0) {
        Out.Relocs.push_back({F.Place, uint8_t(format::RelocKind::LibcallAbs64), uint32_t(F.Libcall)});
        return Error::success();
      }
      Out.Relocs.push_back(
          {F.Place, uint8_t(format::RelocKind::ImageAbs64), uint32_t(int64_t(F.Target) + F.Addend)});
      return Error::success();
    default:
      return Error::make(ErrorKind::Unsupported,
                         formatString("x86-64 relocation type %u at image "
                                      "offset 0x%x is not supported",
                                      F.Type, F.Place));
    }
  }
};

} // namespace

const ArchRelocator &x86_64Relocator() {
  static const X86_64Relocator R;
  return R;
}

} // namespace kiln::codegen
