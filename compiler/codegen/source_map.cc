//===- compiler/codegen/source_map.cc - Wasm offsets to source lines ------===//

#include "compiler/codegen/source_map.h"

#include "llvm/DebugInfo/DWARF/DWARFContext.h"
#include "llvm/Object/Wasm.h"

#include <map>
#include <set>
#include <tuple>

namespace kiln::codegen {

bool hasDwarf(const wasm::Module &M) {
  for (const wasm::CustomSection &C : M.Customs)
    if (C.Name == ".debug_info")
      return true;
  return false;
}

namespace {

class SourceTables {
public:
  explicit SourceTables(format::DebugRec &Out) : Out(Out) {}

  /// Stores the frames of `Info` (innermost first); returns the innermost
  /// one's index, or NoIndex when DWARF knows nothing of the address.
  uint32_t add(const llvm::DIInliningInfo &Info) {
    uint32_t Caller = format::NoIndex;
    for (uint32_t K = Info.getNumberOfFrames(); K-- > 0;) {
      const llvm::DILineInfo &F = Info.getFrame(K);
      format::SourceFrameRec R;
      R.Function = string(F.FunctionName);
      R.File = string(F.FileName);
      R.Line = F.Line;
      R.Column = F.Column;
      R.Caller = Caller;
      auto Key = std::make_tuple(R.Function, R.File, R.Line, R.Column, Caller);
      auto [It, New] = Frames.try_emplace(Key, uint32_t(Out.SourceFrames.size()));
      if (New)
        Out.SourceFrames.push_back(R);
      Caller = It->second;
    }
    return Caller;
  }

private:
  uint32_t string(const std::string &S) {
    if (S.empty() || S == llvm::DILineInfo::BadString)
      return format::NoIndex;
    auto [It, New] = Strings.try_emplace(S, uint32_t(Out.Strings.size()));
    if (New)
      Out.Strings.push_back(S);
    return It->second;
  }

  format::DebugRec &Out;
  std::map<std::string, uint32_t> Strings;
  std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t>,
           uint32_t>
      Frames;
};

} // namespace

void buildSourceMap(const wasm::Module &M, format::DebugRec &Out) {
  if (!hasDwarf(M) || M.CodeSectionOffset == 0)
    return;
  llvm::MemoryBufferRef Buf(
      llvm::StringRef(reinterpret_cast<const char *>(M.Bytes.data()),
                      M.Bytes.size()),
      "module.wasm");
  llvm::Error Err = llvm::Error::success();
  llvm::object::WasmObjectFile Obj(Buf, Err);
  if (Err) {
    llvm::consumeError(std::move(Err));
    return;
  }
  std::unique_ptr<llvm::DWARFContext> Dwarf = llvm::DWARFContext::create(
      Obj, llvm::DWARFContext::ProcessDebugRelocations::Process, nullptr, "",
      [](llvm::Error E) { llvm::consumeError(std::move(E)); },
      [](llvm::Error E) { llvm::consumeError(std::move(E)); });

  std::set<uint32_t> Offsets;
  for (const format::WasmFrameRec &F : Out.WasmFrames)
    if (F.WasmOffset > M.CodeSectionOffset)
      Offsets.insert(F.WasmOffset);
  // DWARF for Wasm addresses code by its offset in the code section's
  // payload (after the section id and size).
  llvm::DILineInfoSpecifier Spec(
      llvm::DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath,
      llvm::DINameKind::ShortName);
  SourceTables Tables(Out);
  for (uint32_t Offset : Offsets) {
    llvm::object::SectionedAddress At{Offset - M.CodeSectionOffset,
                                      llvm::object::SectionedAddress::UndefSection};
    uint32_t Frame = Tables.add(Dwarf->getInliningInfoForAddress(At, Spec));
    if (Frame != format::NoIndex)
      Out.SourceSites.push_back({Offset, Frame});
  }
}

} // namespace kiln::codegen
