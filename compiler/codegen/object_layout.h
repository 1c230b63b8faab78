//===- compiler/codegen/object_layout.h - ELF object to code image -*- C++ -*-===//
//
// Turns the relocatable ELF object LLVM emitted into the artifact's code
// image: text sections first, then a stub per libcall used, then (page
// aligned) read-only data and the stubs' pointer slots. Every PC-relative
// relocation is resolved here, at compile time, because the image is mapped
// as one piece; what remains for the loader are absolute pointer writes of
// relocs.def kinds. Relocation types are per architecture
// (object_<arch>.cc); anything the compiler does not understand, or an
// external symbol outside libcalls.def, is an error naming it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_OBJECT_LAYOUT_H
#define KILN_CODEGEN_OBJECT_LAYOUT_H

#include "kiln/error.h"
#include "kiln/format.h"
#include "kiln/target.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <cstdint>
#include <map>
#include <vector>

namespace kiln::codegen {

struct SymbolPlacement {
  uint32_t Offset = 0; // in the image
  uint32_t Size = 0;
};

struct LaidOutImage {
  format::ImageRec Image;
  std::vector<format::RelocRec> Relocs;
  llvm::StringMap<SymbolPlacement> Symbols; // defined function symbols
  /// Where each section of the object that is in the image starts there,
  /// by section index (how the code map places DWARF addresses).
  std::map<uint64_t, uint32_t> SectionOffset;
};

Expected<LaidOutImage> layOutObject(llvm::MemoryBufferRef Object, Arch A,
                                    uint32_t PageAlign);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_OBJECT_LAYOUT_H
