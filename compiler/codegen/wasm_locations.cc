//===- compiler/codegen/wasm_locations.cc - Wasm offsets as debug lines ---===//

#include "compiler/codegen/wasm_locations.h"

#include "compiler/codegen/module_lowering.h"

#include "llvm/BinaryFormat/Dwarf.h"

namespace kiln::codegen {

WasmLocations::WasmLocations(const wasm::Module &M, llvm::Module &LM,
                             const std::vector<llvm::Function *> &Funcs)
    : M(M), DIB(LM) {
  // DWARF 4: one line table, no string-offset sections to relocate.
  LM.addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
  LM.addModuleFlag(llvm::Module::Warning, "Debug Info Version",
                   llvm::DEBUG_METADATA_VERSION);
  llvm::DIFile *File = DIB.createFile("module.wasm", "");
  llvm::DICompileUnit *CU = DIB.createCompileUnit(
      llvm::dwarf::DW_LANG_C, File, "kiln", /*isOptimized=*/true, "", 0, "",
      llvm::DICompileUnit::LineTablesOnly);
  llvm::DISubroutineType *Ty =
      DIB.createSubroutineType(DIB.getOrCreateTypeArray({}));
  Subprograms.reserve(Funcs.size());
  for (size_t I = 0; I < Funcs.size(); ++I) {
    uint32_t Index = M.NumImportedFuncs + uint32_t(I);
    unsigned Line = unsigned(M.body(Index).CodeStart);
    llvm::DISubprogram *SP = DIB.createFunction(
        CU, funcSymbol(Index), llvm::StringRef(), File, Line, Ty, Line,
        llvm::DINode::FlagZero,
        llvm::DISubprogram::SPFlagDefinition |
            llvm::DISubprogram::SPFlagOptimized);
    Funcs[I]->setSubprogram(SP);
    Subprograms.push_back(SP);
  }
}

llvm::DILocation *WasmLocations::at(uint32_t FuncIndex, uint64_t Offset) const {
  return llvm::DILocation::get(
      Subprograms[FuncIndex - M.NumImportedFuncs]->getContext(),
      unsigned(Offset), 0, Subprograms[FuncIndex - M.NumImportedFuncs]);
}

} // namespace kiln::codegen
