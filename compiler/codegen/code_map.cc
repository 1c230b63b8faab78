//===- compiler/codegen/code_map.cc - Native code back to Wasm ------------===//

#include "compiler/codegen/code_map.h"

#include "kiln/abi.h"

#include "llvm/DebugInfo/DWARF/DWARFContext.h"
#include "llvm/Object/ObjectFile.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace kiln::codegen {

/// The Wasm function index of symbol `Name` ("kiln_f12"), or NoIndex.
static uint32_t funcIndexOfSymbol(llvm::StringRef Name) {
  uint32_t Index;
  if (!Name.consume_front(abi::FuncSymbolPrefix) ||
      Name.getAsInteger(10, Index))
    return NoIndex;
  return Index;
}

namespace {

struct FuncCode {
  uint32_t Begin, End; // [Begin, End) in the image
  uint32_t Index;      // Wasm function index
};

/// The Wasm function whose code holds image offset `At`, or NoIndex.
uint32_t functionAt(const std::vector<FuncCode> &Funcs, uint32_t At) {
  auto It = std::upper_bound(
      Funcs.begin(), Funcs.end(), At,
      [](uint32_t A, const FuncCode &F) { return A < F.Begin; });
  if (It == Funcs.begin() || At >= (It - 1)->End)
    return NoIndex;
  return (It - 1)->Index;
}

/// Wasm frames, each stored once; a frame's caller is stored before it.
class FrameTable {
public:
  explicit FrameTable(std::vector<format::WasmFrameRec> &Frames)
      : Frames(Frames) {}

  /// The innermost frame of `Info` (frames innermost first) in Wasm
  /// function `Outer`, or NoIndex when it is in none. For a function with
  /// nothing inlined, line-tables-only DWARF has no subprogram entry, so
  /// the outermost frame's function comes from `Outer`, the function whose
  /// code holds the address.
  uint32_t add(const llvm::DIInliningInfo &Info, uint32_t Outer) {
    uint32_t Caller = format::NoIndex;
    for (uint32_t K = Info.getNumberOfFrames(); K-- > 0;) {
      const llvm::DILineInfo &F = Info.getFrame(K);
      uint32_t Func = funcIndexOfSymbol(F.FunctionName);
      if (Func == NoIndex && K + 1 == Info.getNumberOfFrames())
        Func = Outer;
      if (Func == NoIndex)
        return format::NoIndex;
      auto Key = std::make_tuple(Func, F.Line, Caller);
      auto [It, New] = Index.try_emplace(Key, uint32_t(Frames.size()));
      if (New)
        Frames.push_back({Func, F.Line, Caller});
      Caller = It->second;
    }
    return Caller;
  }

private:
  std::vector<format::WasmFrameRec> &Frames;
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint32_t> Index;
};

} // namespace

Error buildCodeMap(llvm::MemoryBufferRef Object, const LaidOutImage &Image,
                   format::DebugRec &Out) {
  auto ObjOrErr = llvm::object::ObjectFile::createObjectFile(Object);
  if (!ObjOrErr)
    return Error::make(ErrorKind::Unsupported,
                       "cannot read the emitted object's debug info: " +
                           llvm::toString(ObjOrErr.takeError()));
  // A malformed line table would be a bug in LLVM; the map is then partial,
  // which costs names in a backtrace, never correctness.
  std::unique_ptr<llvm::DWARFContext> Dwarf = llvm::DWARFContext::create(
      **ObjOrErr, llvm::DWARFContext::ProcessDebugRelocations::Process,
      nullptr, "", [](llvm::Error E) { llvm::consumeError(std::move(E)); },
      [](llvm::Error E) { llvm::consumeError(std::move(E)); });

  // The Wasm functions' code, by image offset.
  std::vector<FuncCode> Funcs;
  for (const auto &S : Image.Symbols)
    if (uint32_t F = funcIndexOfSymbol(S.getKey());
        F != NoIndex && S.getValue().Size)
      Funcs.push_back({S.getValue().Offset,
                       S.getValue().Offset + S.getValue().Size, F});
  std::sort(Funcs.begin(), Funcs.end(),
            [](const FuncCode &X, const FuncCode &Y) {
              return X.Begin < Y.Begin;
            });

  // Every row of every line table, as (image offset, innermost frame).
  FrameTable Frames(Out.WasmFrames);
  std::map<uint32_t, uint32_t> Rows;
  // Lines are Wasm offsets; the file is always "module.wasm", but without
  // a file kind LLVM leaves the lines out.
  llvm::DILineInfoSpecifier Spec(
      llvm::DILineInfoSpecifier::FileLineInfoKind::RawValue,
      llvm::DINameKind::ShortName);
  for (const auto &CU : Dwarf->compile_units()) {
    const llvm::DWARFDebugLine::LineTable *LT =
        Dwarf->getLineTableForUnit(CU.get());
    if (!LT)
      continue;
    for (const llvm::DWARFDebugLine::Row &R : LT->Rows) {
      auto Sec = Image.SectionOffset.find(R.Address.SectionIndex);
      if (Sec == Image.SectionOffset.end())
        continue;
      uint32_t At = Sec->second + uint32_t(R.Address.Address);
      if (R.EndSequence) {
        Rows.try_emplace(At, format::NoIndex);
        continue;
      }
      Rows[At] = Frames.add(Dwarf->getInliningInfoForAddress(R.Address, Spec),
                            functionAt(Funcs, At));
    }
  }

  // Clip to the Wasm functions: a line table's last row covers whatever
  // follows it in the section (a trampoline, say) until the sequence ends.
  for (auto [Begin, End, Index] : Funcs) {
    auto It = Rows.lower_bound(Begin);
    if (It == Rows.end() || It->first != Begin)
      Out.CodeRanges.push_back({Begin, format::NoIndex});
    for (; It != Rows.end() && It->first < End; ++It)
      Out.CodeRanges.push_back({It->first, It->second});
    if (End < Image.Image.TextSize)
      Out.CodeRanges.push_back({End, format::NoIndex});
  }
  // The trampolines' code has no Wasm frame, but each starts a range too
  // (below), as does each function's.
  std::vector<uint32_t> Starts;
  for (const FuncCode &F : Funcs)
    Starts.push_back(F.Begin);
  for (const auto &S : Image.Symbols)
    if (S.getKey().starts_with(abi::EntrySymbolPrefix) ||
        S.getKey().starts_with(abi::ExitSymbolPrefix)) {
      Out.CodeRanges.push_back({S.getValue().Offset, format::NoIndex});
      Starts.push_back(S.getValue().Offset);
    }
  std::stable_sort(Out.CodeRanges.begin(), Out.CodeRanges.end(),
                   [](const format::CodeRangeRec &X,
                      const format::CodeRangeRec &Y) {
                     return X.CodeOffset < Y.CodeOffset;
                   });
  std::sort(Starts.begin(), Starts.end());

  // Functions that abut: the end marker of one and the start of the next
  // share an offset, and the later entry (the next function's) wins. Runs
  // of one frame become one range, except that the code of every function
  // and trampoline starts a range of its own: the loader checks each start
  // against the map (verify.cc), which catches a moved code offset.
  std::vector<format::CodeRangeRec> Merged;
  for (const format::CodeRangeRec &R : Out.CodeRanges) {
    bool Start = std::binary_search(Starts.begin(), Starts.end(), R.CodeOffset);
    if (!Merged.empty() && Merged.back().CodeOffset == R.CodeOffset) {
      // A start's own entry (a function's first row) wins over an end
      // marker or a trampoline's NoIndex at the same offset.
      if (R.Frame == format::NoIndex && Merged.back().Frame != format::NoIndex)
        continue;
      Merged.pop_back();
    }
    if (Start || Merged.empty() || Merged.back().Frame != R.Frame)
      Merged.push_back(R);
  }
  Out.CodeRanges = std::move(Merged);
  return Error::success();
}

} // namespace kiln::codegen
