//===- compiler/codegen/object_riscv64.cc - RISC-V 64 fixups --------------===//
//
// RISC-V code is compiled PIC with the medium code model (medany) and
// without linker relaxation (-relax), so every reference is PC-relative:
// CALL/CALL_PLT (an AUIPC+JALR pair), PCREL_HI20 with its PCREL_LO12_I/S
// partners, branches and jumps, and 32_PCREL or ADD32/SUB32 label
// differences (jump-table entries). All are
// resolved here. A PCREL_LO12 fixup's symbol is the AUIPC that holds the
// high part, so the value comes from that HI20 fixup (hence applyAll).
// R_RISCV_64 in read-only data becomes an ImageAbs64/LibcallAbs64 record.
// R_RISCV_RELAX is a hint only; ALIGN would need the code to shrink and is
// refused, as are absolute HI20/LO12 (medlow), GOT and TLS relocations.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/object_arch.h"

#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"

#include <map>

namespace kiln::codegen {

namespace {

static uint32_t hi20(int64_t V) { return uint32_t((V + 0x800) >> 12) & 0xfffff; }
static uint32_t lo12(int64_t V) { return uint32_t(V) & 0xfff; }

static uint32_t withItype(uint32_t Insn, uint32_t Lo) {
  return (Insn & 0x000fffffu) | (Lo << 20);
}
static uint32_t withStype(uint32_t Insn, uint32_t Lo) {
  return (Insn & 0x01fff07fu) | (((Lo >> 5) & 0x7f) << 25) | ((Lo & 0x1f) << 7);
}
static uint32_t withUtype(uint32_t Insn, uint32_t Hi) {
  return (Insn & 0xfffu) | (Hi << 12);
}

class RiscV64Relocator final : public ArchRelocator {
public:
  uint32_t stubSize() const override { return 16; }

  void writeStub(std::vector<uint8_t> &Image, uint32_t StubAt,
                 uint32_t SlotAt) const override {
    // auipc t1, %pcrel_hi(slot); ld t1, %pcrel_lo(t1); jr t1; ebreak
    int64_t V = int64_t(SlotAt) - int64_t(StubAt);
    write32le(Image, StubAt, withUtype(0x00000317u, hi20(V)));
    write32le(Image, StubAt + 4, withItype(0x00033303u, lo12(V)));
    write32le(Image, StubAt + 8, 0x00030067u);
    write32le(Image, StubAt + 12, 0x00100073u);
  }

  Error applyAll(const std::vector<Fixup> &All,
                 LaidOutImage &Out) const override {
    // PC-relative value of each PCREL_HI20 by the place of its AUIPC.
    std::map<uint32_t, int64_t> HiValue;
    for (const Fixup &F : All)
      if (F.Type == llvm::ELF::R_RISCV_PCREL_HI20)
        HiValue[F.Place] = int64_t(F.Target) + F.Addend - int64_t(F.Place);
    for (size_t I = 0; I < All.size(); ++I) {
      const Fixup &F = All[I];
      if (unsigned Bytes = addBytes(F.Type)) {
        // A label difference (jump tables, line tables): ADDn S1 then SUBn
        // S2 at the same place. Only the pair is position independent.
        const Fixup *Sub = I + 1 < All.size() ? &All[I + 1] : nullptr;
        if (!Sub || Sub->Place != F.Place || subBytes(Sub->Type) != Bytes)
          return fixupError(Arch::RiscV64, typeName(F.Type), F,
                            "not followed by the matching SUB relocation");
        if (uint64_t(F.Place) + Bytes > Out.Image.Bytes.size())
          return fixupError(Arch::RiscV64, typeName(F.Type), F,
                            "place outside the image");
        int64_t D = (int64_t(F.Target) + F.Addend) -
                    (int64_t(Sub->Target) + Sub->Addend);
        uint64_t Old = 0;
        for (unsigned K = 0; K < Bytes; ++K)
          Old |= uint64_t(Out.Image.Bytes[F.Place + K]) << (8 * K);
        uint64_t New = Old + uint64_t(D);
        for (unsigned K = 0; K < Bytes; ++K)
          Out.Image.Bytes[F.Place + K] = uint8_t(New >> (8 * K));
        ++I;
        continue;
      }
      if (F.Type != llvm::ELF::R_RISCV_PCREL_LO12_I &&
          F.Type != llvm::ELF::R_RISCV_PCREL_LO12_S) {
        KILN_CHECK(apply(F, Out));
        continue;
      }
      auto It = HiValue.find(uint32_t(int64_t(F.Target) + F.Addend));
      if (It == HiValue.end())
        return fixupError(Arch::RiscV64, typeName(F.Type), F,
                          "no PCREL_HI20 at the instruction it names");
      uint32_t Insn = read32le(Out.Image.Bytes, F.Place);
      uint32_t Lo = lo12(It->second);
      write32le(Out.Image.Bytes, F.Place,
                F.Type == llvm::ELF::R_RISCV_PCREL_LO12_I ? withItype(Insn, Lo)
                                                          : withStype(Insn, Lo));
    }
    return Error::success();
  }

  Error apply(const Fixup &F, LaidOutImage &Out) const override {
    std::vector<uint8_t> &B = Out.Image.Bytes;
    const char *Name = typeName(F.Type);
    int64_t S = int64_t(F.Target), A = F.Addend, P = int64_t(F.Place);
    int64_t D = S + A - P;
    auto Need = [&](unsigned Bytes) { return uint64_t(F.Place) + Bytes <= B.size(); };
    switch (F.Type) {
    case llvm::ELF::R_RISCV_NONE:
    case llvm::ELF::R_RISCV_RELAX:
      return Error::success();
    case llvm::ELF::R_RISCV_CALL:
    case llvm::ELF::R_RISCV_CALL_PLT: {
      if (!Need(8))
        return fixupError(Arch::RiscV64, Name, F, "place outside the image");
      if (!fitsSigned(D + 0x800, 32))
        return fixupError(Arch::RiscV64, Name, F, "call out of range");
      write32le(B, F.Place, withUtype(read32le(B, F.Place), hi20(D)));
      write32le(B, F.Place + 4, withItype(read32le(B, F.Place + 4), lo12(D)));
      return Error::success();
    }
    case llvm::ELF::R_RISCV_PCREL_HI20:
      if (!Need(4))
        return fixupError(Arch::RiscV64, Name, F, "place outside the image");
      if (!fitsSigned(D + 0x800, 32))
        return fixupError(Arch::RiscV64, Name, F, "target out of range");
      write32le(B, F.Place, withUtype(read32le(B, F.Place), hi20(D)));
      return Error::success();
    case llvm::ELF::R_RISCV_BRANCH: {
      if (!Need(4))
        return fixupError(Arch::RiscV64, Name, F, "place outside the image");
      if (!fitsSigned(D, 13) || (D & 1))
        return fixupError(Arch::RiscV64, Name, F, "branch out of range");
      uint32_t U = uint32_t(D);
      uint32_t Insn = read32le(B, F.Place) & 0x01fff07fu;
      Insn |= ((U >> 12) & 1) << 31 | ((U >> 5) & 0x3f) << 25 |
              ((U >> 1) & 0xf) << 8 | ((U >> 11) & 1) << 7;
      write32le(B, F.Place, Insn);
      return Error::success();
    }
    case llvm::ELF::R_RISCV_JAL: {
      if (!Need(4))
        return fixupError(Arch::RiscV64, Name, F, "place outside the image");
      if (!fitsSigned(D, 21) || (D & 1))
        return fixupError(Arch::RiscV64, Name, F, "jump out of range");
      uint32_t U = uint32_t(D);
      uint32_t Insn = read32le(B, F.Place) & 0xfffu;
      Insn |= ((U >> 20) & 1) << 31 | ((U >> 1) & 0x3ff) << 21 |
              ((U >> 11) & 1) << 20 | ((U >> 12) & 0xff) << 12;
      write32le(B, F.Place, Insn);
      return Error::success();
    }
    case llvm::ELF::R_RISCV_32_PCREL:
      if (!Need(4))
        return fixupError(Arch::RiscV64, Name, F, "place outside the image");
      if (!fitsSigned(D, 32))
        return fixupError(Arch::RiscV64, Name, F, "offset out of range");
      write32le(B, F.Place, uint32_t(D));
      return Error::success();
    case llvm::ELF::R_RISCV_64:
      return absolutePointer(Arch::RiscV64, Name, F, A, Out);
    default:
      return unsupportedFixup(Arch::RiscV64, Name, F);
    }
  }

private:
  static unsigned addBytes(uint32_t Type) {
    switch (Type) {
    case llvm::ELF::R_RISCV_ADD8: return 1;
    case llvm::ELF::R_RISCV_ADD16: return 2;
    case llvm::ELF::R_RISCV_ADD32: return 4;
    case llvm::ELF::R_RISCV_ADD64: return 8;
    default: return 0;
    }
  }
  static unsigned subBytes(uint32_t Type) {
    switch (Type) {
    case llvm::ELF::R_RISCV_SUB8: return 1;
    case llvm::ELF::R_RISCV_SUB16: return 2;
    case llvm::ELF::R_RISCV_SUB32: return 4;
    case llvm::ELF::R_RISCV_SUB64: return 8;
    default: return 0;
    }
  }
  static const char *typeName(uint32_t Type) {
    return llvm::object::getELFRelocationTypeName(llvm::ELF::EM_RISCV, Type)
        .data();
  }
};

} // namespace

const ArchRelocator &riscv64Relocator() {
  static const RiscV64Relocator R;
  return R;
}

} // namespace kiln::codegen
