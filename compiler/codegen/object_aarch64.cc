//===- compiler/codegen/object_aarch64.cc - AArch64 fixups ----------------===//
//
// AArch64 code is compiled PIC with the small code model: calls are
// CALL26/JUMP26, constants and jump tables are reached with ADRP plus a
// 12-bit low part (ADD or a scaled load offset), all resolved here against
// the image layout. The image is mapped page aligned (PageAlign >= 4096), so
// ADRP's page arithmetic on image offsets equals that on addresses. ABS64
// in read-only data becomes an ImageAbs64/LibcallAbs64 record. Anything
// else (GOT, TLS, large code model MOVW_UABS_*) is refused by name.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/object_arch.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"

namespace kiln::codegen {

namespace {

class AArch64Relocator final : public ArchRelocator {
public:
  uint32_t stubSize() const override { return 16; }

  void writeStub(std::vector<uint8_t> &Image, uint32_t StubAt,
                 uint32_t SlotAt) const override {
    // adrp x16, slot; ldr x16, [x16, :lo12:slot]; br x16; brk #1
    int64_t Pages = (int64_t(SlotAt) >> 12) - (int64_t(StubAt) >> 12);
    uint32_t Imm = uint32_t(Pages) & 0x1fffff;
    write32le(Image, StubAt,
              0x90000010u | ((Imm & 3) << 29) | ((Imm >> 2) << 5));
    write32le(Image, StubAt + 4,
              0xf9400210u | (((SlotAt & 0xfff) >> 3) << 10));
    write32le(Image, StubAt + 8, 0xd61f0200u);
    write32le(Image, StubAt + 12, 0xd4200020u);
  }

  Error apply(const Fixup &F, LaidOutImage &Out) const override {
    std::vector<uint8_t> &B = Out.Image.Bytes;
    const char *Name = typeName(F.Type);
    if (uint64_t(F.Place) + 4 > B.size())
      return fixupError(Arch::AArch64, Name, F, "place outside the image");
    int64_t S = int64_t(F.Target), A = F.Addend, P = int64_t(F.Place);
    uint32_t Insn = read32le(B, F.Place);
    auto Page = [](int64_t X) { return X & ~int64_t(0xfff); };
    switch (F.Type) {
    case llvm::ELF::R_AARCH64_NONE:
      return Error::success();
    case llvm::ELF::R_AARCH64_CALL26:
    case llvm::ELF::R_AARCH64_JUMP26: {
      int64_t D = S + A - P;
      if (!fitsSigned(D, 28) || (D & 3))
        return fixupError(Arch::AArch64, Name, F, "branch out of range");
      write32le(B, F.Place, (Insn & ~0x03ffffffu) | ((uint64_t(D) >> 2) & 0x03ffffffu));
      return Error::success();
    }
    case llvm::ELF::R_AARCH64_CONDBR19:
    case llvm::ELF::R_AARCH64_LD_PREL_LO19: {
      int64_t D = S + A - P;
      if (!fitsSigned(D, 21) || (D & 3))
        return fixupError(Arch::AArch64, Name, F, "target out of range");
      write32le(B, F.Place, (Insn & ~(0x7ffffu << 5)) | (((uint64_t(D) >> 2) & 0x7ffff) << 5));
      return Error::success();
    }
    case llvm::ELF::R_AARCH64_TSTBR14: {
      int64_t D = S + A - P;
      if (!fitsSigned(D, 16) || (D & 3))
        return fixupError(Arch::AArch64, Name, F, "branch out of range");
      write32le(B, F.Place, (Insn & ~(0x3fffu << 5)) | (((uint64_t(D) >> 2) & 0x3fff) << 5));
      return Error::success();
    }
    case llvm::ELF::R_AARCH64_ADR_PREL_LO21:
      return writeAdr(B, F, Insn, S + A - P, true, Name);
    case llvm::ELF::R_AARCH64_ADR_PREL_PG_HI21:
      return writeAdr(B, F, Insn, (Page(S + A) - Page(P)) >> 12, true, Name);
    case llvm::ELF::R_AARCH64_ADR_PREL_PG_HI21_NC:
      return writeAdr(B, F, Insn, (Page(S + A) - Page(P)) >> 12, false, Name);
    case llvm::ELF::R_AARCH64_ADD_ABS_LO12_NC:
      return writeLo12(B, F, Insn, S + A, 0, Name);
    case llvm::ELF::R_AARCH64_LDST8_ABS_LO12_NC:
      return writeLo12(B, F, Insn, S + A, 0, Name);
    case llvm::ELF::R_AARCH64_LDST16_ABS_LO12_NC:
      return writeLo12(B, F, Insn, S + A, 1, Name);
    case llvm::ELF::R_AARCH64_LDST32_ABS_LO12_NC:
      return writeLo12(B, F, Insn, S + A, 2, Name);
    case llvm::ELF::R_AARCH64_LDST64_ABS_LO12_NC:
      return writeLo12(B, F, Insn, S + A, 3, Name);
    case llvm::ELF::R_AARCH64_LDST128_ABS_LO12_NC:
      return writeLo12(B, F, Insn, S + A, 4, Name);
    case llvm::ELF::R_AARCH64_PREL32: {
      int64_t D = S + A - P;
      if (!fitsSigned(D, 32))
        return fixupError(Arch::AArch64, Name, F, "offset out of range");
      write32le(B, F.Place, uint32_t(D));
      return Error::success();
    }
    case llvm::ELF::R_AARCH64_PREL64:
      if (uint64_t(F.Place) + 8 > B.size())
        return fixupError(Arch::AArch64, Name, F, "place outside the image");
      write64le(B, F.Place, uint64_t(S + A - P));
      return Error::success();
    case llvm::ELF::R_AARCH64_ABS64:
      return absolutePointer(Arch::AArch64, Name, F, A, Out);
    default:
      return unsupportedFixup(Arch::AArch64, Name, F);
    }
  }

private:
  static const char *typeName(uint32_t Type) {
    return llvm::object::getELFRelocationTypeName(llvm::ELF::EM_AARCH64, Type)
        .data();
  }

  // ADR/ADRP: immlo in bits 30:29, immhi in bits 23:5.
  static Error writeAdr(std::vector<uint8_t> &B, const Fixup &F, uint32_t Insn,
                        int64_t Imm, bool Check, const char *Name) {
    if (Check && !fitsSigned(Imm, 21))
      return fixupError(Arch::AArch64, Name, F, "target out of range");
    uint32_t U = uint32_t(Imm) & 0x1fffff;
    Insn &= ~((3u << 29) | (0x7ffffu << 5));
    write32le(B, F.Place, Insn | ((U & 3) << 29) | ((U >> 2) << 5));
    return Error::success();
  }

  // ADD/LDR/STR unsigned 12-bit offset in bits 21:10, scaled by the size.
  static Error writeLo12(std::vector<uint8_t> &B, const Fixup &F, uint32_t Insn,
                         int64_t V, unsigned Shift, const char *Name) {
    uint32_t Lo = uint32_t(V) & 0xfff;
    if (Lo & ((1u << Shift) - 1))
      return fixupError(Arch::AArch64, Name, F,
                        formatString("target 0x%llx is not %u-byte aligned",
                                     (unsigned long long)V, 1u << Shift));
    Insn &= ~(0xfffu << 10);
    write32le(B, F.Place, Insn | ((Lo >> Shift) << 10));
    return Error::success();
  }
};

} // namespace

const ArchRelocator &aarch64Relocator() {
  static const AArch64Relocator R;
  return R;
}

} // namespace kiln::codegen
