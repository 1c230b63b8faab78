//===- compiler/codegen/object_layout.cc - ELF object to code image -------===//

#include "compiler/codegen/object_layout.h"

#include "compiler/codegen/object_arch.h"

#include "kiln/format_tables.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"

#include <map>

namespace kiln::codegen {

static uint32_t alignTo(uint32_t V, uint32_t A) { return (V + A - 1) / A * A; }

struct LibcallRow {
  const char *Name;
  bool ArmOnly;
};
static const LibcallRow Libcalls[] = {
#define KILN_LIBCALL(Name, Index) {#Name, false},
#define KILN_LIBCALL_ARM(Name, Index) {#Name, true},
#include "kiln/libcalls.def"
};

/// The row of a libcall the code of architecture `A` may call, or -1.
static int libcallIndex(llvm::StringRef Name, Arch A) {
  for (unsigned I = 0; I < sizeof(Libcalls) / sizeof(Libcalls[0]); ++I)
    if (Name == Libcalls[I].Name && (!Libcalls[I].ArmOnly || A == Arch::Arm))
      return int(I);
  return -1;
}

static Error objectError(llvm::Error E, const char *What) {
  return Error::make(ErrorKind::Unsupported,
                     std::string(What) + ": " + llvm::toString(std::move(E)));
}

Expected<LaidOutImage> layOutObject(llvm::MemoryBufferRef Buf, Arch A,
                                    uint32_t PageAlign) {
  auto ObjOrErr = llvm::object::ObjectFile::createObjectFile(Buf);
  if (!ObjOrErr)
    return objectError(ObjOrErr.takeError(), "cannot read the emitted object");
  llvm::object::ObjectFile &Obj = **ObjOrErr;
  const ArchRelocator *ArchPtr = archRelocator(A);
  if (!ArchPtr)
    return Error::make(ErrorKind::Unsupported,
                       std::string("code layout for ") + archName(A) +
                           " is not implemented yet");
  const ArchRelocator &Arch = *ArchPtr;

  // 1. Place allocatable sections: executable ones first, then read-only.
  std::map<uint64_t, uint32_t> SectionOffset; // section index -> image offset
  std::vector<llvm::object::SectionRef> Text, ReadOnly;
  for (const llvm::object::SectionRef &S : Obj.sections()) {
    llvm::object::ELFSectionRef ES(S);
    if (!(ES.getFlags() & llvm::ELF::SHF_ALLOC) || S.getSize() == 0)
      continue;
    // ARM unwind tables (.ARM.exidx, .ARM.extab): Wasm code never unwinds
    // with exceptions (traps return through the runtime), so they are
    // dropped with their PREL31 relocations.
    if (ES.getType() == llvm::ELF::SHT_ARM_EXIDX)
      continue;
    llvm::Expected<llvm::StringRef> Name = S.getName();
    if (Name && Name->starts_with(".ARM.extab"))
      continue;
    if (ES.getFlags() & llvm::ELF::SHF_WRITE)
      return Error::make(ErrorKind::Unsupported,
                         "generated code has a writable section '" +
                             (Name ? Name->str() : std::string("?")) +
                             "', which artifacts cannot carry");
    if (!Name)
      llvm::consumeError(Name.takeError());
    if (ES.getFlags() & llvm::ELF::SHF_EXECINSTR)
      Text.push_back(S);
    else
      ReadOnly.push_back(S);
  }
  LaidOutImage Out;
  uint32_t Pos = 0;
  for (const llvm::object::SectionRef &S : Text) {
    Pos = alignTo(Pos, uint32_t(S.getAlignment().value()));
    SectionOffset[S.getIndex()] = Pos;
    Pos += uint32_t(S.getSize());
  }

  // 2. Libcalls used: find undefined symbols referenced by relocations.
  std::vector<int> LibcallsUsed;
  std::map<int, uint32_t> StubOffset, SlotOffset;
  for (const llvm::object::SymbolRef &Sym : Obj.symbols()) {
    llvm::Expected<uint32_t> Flags = Sym.getFlags();
    if (!Flags) {
      llvm::consumeError(Flags.takeError());
      continue;
    }
    if (!(*Flags & llvm::object::SymbolRef::SF_Undefined))
      continue;
    llvm::Expected<llvm::StringRef> Name = Sym.getName();
    if (!Name)
      return objectError(Name.takeError(), "bad symbol");
    if (Name->empty())
      continue;
    int Index = libcallIndex(*Name, A);
    if (Index < 0)
      return Error::make(ErrorKind::Unsupported,
                         "generated code needs '" + Name->str() +
                             "', which is not in the libcall table "
                             "(kiln/libcalls.def)");
    LibcallsUsed.push_back(Index);
  }
  for (int Index : LibcallsUsed) {
    Pos = alignTo(Pos, 16);
    StubOffset[Index] = Pos;
    Pos += Arch.stubSize();
  }
  Out.Image.TextSize = Pos;

  Pos = alignTo(Pos, PageAlign);
  Out.Image.ReadOnlyOffset = Pos;
  for (const llvm::object::SectionRef &S : ReadOnly) {
    Pos = alignTo(Pos, uint32_t(S.getAlignment().value()));
    SectionOffset[S.getIndex()] = Pos;
    Pos += uint32_t(S.getSize());
  }
  unsigned PtrBytes = archPointerBytes(A);
  for (int Index : LibcallsUsed) {
    Pos = alignTo(Pos, PtrBytes);
    SlotOffset[Index] = Pos;
    Out.Relocs.push_back(
        {Pos, uint8_t(format::libcallRelocFor(PtrBytes)), uint32_t(Index)});
    Pos += PtrBytes;
  }
  Out.Image.PageAlign = PageAlign;
  Out.Image.Bytes.assign(Pos, 0);

  // 3. Copy section contents.
  for (const auto &[Index, Offset] : SectionOffset) {
    llvm::object::SectionRef S = *std::next(Obj.section_begin(), Index);
    if (S.isBSS())
      continue;
    llvm::Expected<llvm::StringRef> Data = S.getContents();
    if (!Data)
      return objectError(Data.takeError(), "cannot read a section");
    std::copy(Data->begin(), Data->end(), Out.Image.Bytes.begin() + Offset);
  }
  for (int Index : LibcallsUsed)
    Arch.writeStub(Out.Image.Bytes, StubOffset[Index], SlotOffset[Index]);

  // 4. Symbols of the functions and trampolines.
  for (const llvm::object::SymbolRef &Sym : Obj.symbols()) {
    llvm::Expected<llvm::object::SymbolRef::Type> Ty = Sym.getType();
    if (!Ty || *Ty != llvm::object::SymbolRef::ST_Function) {
      if (!Ty)
        llvm::consumeError(Ty.takeError());
      continue;
    }
    llvm::Expected<llvm::StringRef> Name = Sym.getName();
    llvm::Expected<llvm::object::section_iterator> Sec = Sym.getSection();
    llvm::Expected<uint64_t> Value = Sym.getValue();
    if (!Name || !Sec || !Value) {
      if (!Name)
        llvm::consumeError(Name.takeError());
      if (!Sec)
        llvm::consumeError(Sec.takeError());
      if (!Value)
        llvm::consumeError(Value.takeError());
      return Error::make(ErrorKind::Unsupported, "unreadable function symbol");
    }
    auto It = SectionOffset.find((*Sec)->getIndex());
    if (It == SectionOffset.end())
      continue;
    SymbolPlacement P;
    P.Offset = It->second + uint32_t(*Value);
    P.Size = uint32_t(llvm::object::ELFSymbolRef(Sym).getSize());
    Out.Symbols[*Name] = P;
  }

  // 5. Relocations.
  std::vector<Fixup> Fixups;
  for (const llvm::object::SectionRef &RelSec : Obj.sections()) {
    llvm::Expected<llvm::object::section_iterator> Target =
        RelSec.getRelocatedSection();
    if (!Target) {
      llvm::consumeError(Target.takeError());
      continue;
    }
    if (*Target == Obj.section_end())
      continue;
    auto It = SectionOffset.find((*Target)->getIndex());
    if (It == SectionOffset.end())
      continue; // relocations of sections we drop (debug info, eh_frame)
    uint32_t Base = It->second;
    for (const llvm::object::RelocationRef &R : RelSec.relocations()) {
      llvm::object::ELFRelocationRef ER(R);
      llvm::Expected<int64_t> Addend = ER.getAddend();
      Fixup Fx;
      if (Addend) {
        Fx.Addend = *Addend;
        Fx.HasAddend = true;
      } else {
        llvm::consumeError(Addend.takeError()); // REL: addend in the place
      }
      Fx.Type = uint32_t(R.getType());
      if (R.getOffset() + 2 > (*Target)->getSize())
        return Error::make(ErrorKind::Unsupported,
                           formatString("relocation type %u at section offset "
                                        "0x%llx is outside its section",
                                        Fx.Type,
                                        (unsigned long long)R.getOffset()));
      Fx.Place = Base + uint32_t(R.getOffset());
      llvm::object::symbol_iterator Sym = R.getSymbol();
      if (Sym == Obj.symbol_end())
        return Error::make(ErrorKind::Unsupported,
                           "relocation without a symbol");
      llvm::Expected<uint32_t> Flags = Sym->getFlags();
      if (!Flags)
        return objectError(Flags.takeError(), "bad symbol flags");
      if (*Flags & llvm::object::SymbolRef::SF_Undefined) {
        llvm::Expected<llvm::StringRef> Name = Sym->getName();
        if (!Name)
          return objectError(Name.takeError(), "bad symbol name");
        int Index = libcallIndex(*Name, A);
        Fx.Target = StubOffset[Index];
        Fx.SlotOfLibcall = SlotOffset[Index];
        Fx.Libcall = Index;
      } else {
        llvm::Expected<llvm::object::section_iterator> SymSec =
            Sym->getSection();
        llvm::Expected<uint64_t> Value = Sym->getValue();
        if (!SymSec || !Value) {
          if (!SymSec)
            llvm::consumeError(SymSec.takeError());
          if (!Value)
            llvm::consumeError(Value.takeError());
          return Error::make(ErrorKind::Unsupported, "unreadable symbol");
        }
        auto SIt = SectionOffset.find((*SymSec)->getIndex());
        if (SIt == SectionOffset.end())
          return Error::make(ErrorKind::Unsupported,
                             "relocation against a section that is not in "
                             "the image");
        Fx.Target = SIt->second + uint32_t(*Value);
      }
      Fixups.push_back(Fx);
    }
  }
  KILN_CHECK(Arch.applyAll(Fixups, Out));
  Out.SectionOffset = std::move(SectionOffset);
  return Out;
}

} // namespace kiln::codegen
