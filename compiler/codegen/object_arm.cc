//===- compiler/codegen/object_arm.cc - ARMv7 (ARM state) fixups ----------===//
//
// ARMv7 code is compiled in ARM state (never Thumb, so every branch target
// in the image is ARM code and BL needs no interworking), PIC, with the
// hard-float EABI. ARM objects use REL relocations: the addend is the
// field the relocation patches, so each case reads it from the place
// first. Calls are R_ARM_CALL/JUMP24; PIC address computations are
// literal-pool words (REL32) or MOVW/MOVT pairs (MOVW_PREL_NC/MOVT_PREL);
// all are resolved here. ABS32 in read-only data becomes an
// ImageAbs32/LibcallAbs32 record. .ARM.exidx and its PREL31 relocations are
// dropped by the layout (no exceptions); Thumb (THM_*), GOT and TLS
// relocations are refused by name.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/object_arch.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"

namespace kiln::codegen {

namespace {

static int64_t signExtend(uint64_t V, unsigned Bits) {
  return int64_t(V << (64 - Bits)) >> (64 - Bits);
}

class ArmRelocator final : public ArchRelocator {
public:
  uint32_t stubSize() const override { return 16; }

  void writeStub(std::vector<uint8_t> &Image, uint32_t StubAt,
                 uint32_t SlotAt) const override {
    // ldr ip, [pc, #4]; add ip, pc, ip; ldr pc, [ip]; .word slot-(stub+12)
    // LDR to PC interworks, so the libcall may be Thumb code.
    write32le(Image, StubAt, 0xe59fc004u);
    write32le(Image, StubAt + 4, 0xe08fc00cu);
    write32le(Image, StubAt + 8, 0xe59cf000u);
    write32le(Image, StubAt + 12, SlotAt - (StubAt + 12));
  }

  Error apply(const Fixup &F, LaidOutImage &Out) const override {
    std::vector<uint8_t> &B = Out.Image.Bytes;
    const char *Name = typeName(F.Type);
    if (uint64_t(F.Place) + 4 > B.size())
      return fixupError(Arch::Arm, Name, F, "place outside the image");
    uint32_t Insn = read32le(B, F.Place);
    int64_t S = int64_t(F.Target), P = int64_t(F.Place);
    switch (F.Type) {
    case llvm::ELF::R_ARM_NONE:
    case llvm::ELF::R_ARM_V4BX:
      return Error::success();
    case llvm::ELF::R_ARM_CALL:
    case llvm::ELF::R_ARM_JUMP24:
    case llvm::ELF::R_ARM_PC24: {
      if ((Insn >> 28) == 0xf)
        return fixupError(Arch::Arm, Name, F,
                          "BLX to Thumb code; Kiln compiles ARM state only");
      int64_t A = addend(F, signExtend(Insn & 0xffffff, 24) * 4);
      int64_t D = S + A - P;
      if (!fitsSigned(D, 26) || (D & 3))
        return fixupError(Arch::Arm, Name, F, "branch out of range");
      write32le(B, F.Place, (Insn & 0xff000000u) | ((uint64_t(D) >> 2) & 0xffffff));
      return Error::success();
    }
    case llvm::ELF::R_ARM_REL32: {
      int64_t D = S + addend(F, int32_t(Insn)) - P;
      write32le(B, F.Place, uint32_t(D));
      return Error::success();
    }
    case llvm::ELF::R_ARM_MOVW_PREL_NC:
    case llvm::ELF::R_ARM_MOVT_PREL: {
      uint32_t Imm16 = ((Insn >> 4) & 0xf000) | (Insn & 0xfff);
      int64_t D = S + addend(F, signExtend(Imm16, 16)) - P;
      uint32_t V = F.Type == llvm::ELF::R_ARM_MOVT_PREL
                       ? (uint32_t(D) >> 16) & 0xffff
                       : uint32_t(D) & 0xffff;
      write32le(B, F.Place,
                (Insn & 0xfff0f000u) | ((V >> 12) << 16) | (V & 0xfff));
      return Error::success();
    }
    case llvm::ELF::R_ARM_ABS32:
      return absolutePointer(Arch::Arm, Name, F, addend(F, int32_t(Insn)), Out);
    default:
      return unsupportedFixup(Arch::Arm, Name, F);
    }
  }

private:
  static int64_t addend(const Fixup &F, int64_t Implicit) {
    return F.HasAddend ? F.Addend : Implicit;
  }
  static const char *typeName(uint32_t Type) {
    return llvm::object::getELFRelocationTypeName(llvm::ELF::EM_ARM, Type)
        .data();
  }
};

} // namespace

const ArchRelocator &armRelocator() {
  static const ArmRelocator R;
  return R;
}

} // namespace kiln::codegen
