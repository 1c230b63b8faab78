//===- runtime/src/module.h - A loaded artifact -----------------*- C++ -*-===//
//
// Module::Impl owns what Module::load produced: the verified artifact, its
// mapped and relocated code image, and the registration of the image's
// text as generated code (for the signal handler). It also precomputes what
// every instantiation needs: each type's FuncSig and canonical signature id,
// the import counts per kind, and the lookups from a PC or a Wasm offset back
// to a function index.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_MODULE_H
#define KILN_RUNTIME_MODULE_H

#include "kiln/runtime.h"
#include "loader/map.h"
#include "src/code_registry.h"
#include "src/vmcontext.h"

#include <memory>
#include <vector>

namespace kiln {

struct Module::Impl {
  /// Takes a verified artifact and its mapped image (loader::verifyArtifact
  /// and loader::MappedImage::map), registers the text range and returns the
  /// Module. Module::load is this after verification and mapping.
  static Expected<std::shared_ptr<Module>> create(format::Artifact A,
                                                  loader::MappedImage Image);

  Impl(format::Artifact A, loader::MappedImage Image);

  format::Artifact Art;
  loader::MappedImage Image;
  /// [base, base + TextSize) registered as generated code. Declared after
  /// Image so that it is unregistered before the image is unmapped.
  rt::CodeRange Text;

  std::vector<FuncSig> Sigs;    // per type index
  std::vector<uint32_t> SigIds; // canonical id per type index (VMContext)
  uint32_t NumImportedFuncs = 0, NumImportedTables = 0,
           NumImportedMemories = 0, NumImportedGlobals = 0;
  /// Defined-function indices sorted by CodeOffset / by WasmOffset.
  std::vector<uint32_t> ByCode, ByWasmOffset;
  /// The Module this is the Impl of; lets an instance keep its module alive
  /// (Linker::instantiate gets a `const Module &`).
  std::weak_ptr<Module> Self;

  uint32_t numFuncs() const {
    return NumImportedFuncs + uint32_t(Art.Functions.size());
  }
  /// The type index of function `FuncIndex` (imports included).
  uint32_t funcTypeIndex(uint32_t FuncIndex) const;
  /// Code of defined function `FuncIndex` (FuncIndex >= NumImportedFuncs).
  void *funcCode(uint32_t FuncIndex) const {
    return code(Art.Functions[FuncIndex - NumImportedFuncs].CodeOffset);
  }
  rt::EntryTrampoline entryTrampoline(uint32_t TypeIndex) const {
    return reinterpret_cast<rt::EntryTrampoline>(
        code(Art.Trampolines[TypeIndex].EntryOffset));
  }
  void *exitTrampoline(uint32_t TypeIndex) const {
    return code(Art.Trampolines[TypeIndex].ExitOffset);
  }
  /// The address of image offset `Offset` as a code pointer (the image is
  /// immutable; generated code is only ever executed).
  void *code(uint32_t Offset) const {
    return const_cast<uint8_t *>(Image.base()) + Offset;
  }

  /// The function whose code contains `Pc`, or NoIndex.
  uint32_t funcIndexAtPc(uintptr_t Pc) const;
  /// The function whose body contains Wasm byte offset `Off`, or NoIndex.
  uint32_t funcIndexAtWasmOffset(uint32_t Off) const;
};

} // namespace kiln

#endif // KILN_RUNTIME_MODULE_H
