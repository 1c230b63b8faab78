//===- runtime/src/debug_map.cc - A trap's frames, for people -------------===//

#include "src/debug_map.h"

#include <algorithm>

namespace kiln::rt {

void appendFramesAtPc(const Module::Impl &M, uintptr_t Pc,
                      std::vector<TrapFrame> &Out) {
  const format::DebugRec &D = M.Art.Debug;
  uintptr_t Base = reinterpret_cast<uintptr_t>(M.Image.base());
  if (Pc < Base || Pc - Base >= M.Art.Image.TextSize)
    return;
  uint64_t Off = Pc - Base;
  auto It = std::upper_bound(D.CodeRanges.begin(), D.CodeRanges.end(), Off,
                             [](uint64_t O, const format::CodeRangeRec &R) {
                               return O < R.CodeOffset;
                             });
  if (It == D.CodeRanges.begin())
    return;
  // Callers are earlier records (checked by the loader): the walk ends.
  for (uint32_t I = (It - 1)->Frame; I != format::NoIndex;) {
    const format::WasmFrameRec &W = D.WasmFrames[I];
    TrapFrame F;
    F.FuncIndex = W.Func;
    F.WasmOffset = W.WasmOffset ? W.WasmOffset : NoOffset;
    F.Inlined = W.Caller != format::NoIndex;
    Out.push_back(std::move(F));
    I = W.Caller;
  }
}

static std::string stringAt(const format::DebugRec &D, uint32_t I) {
  return I == format::NoIndex ? std::string() : D.Strings[I];
}

void describeFrame(const Module::Impl &M, TrapFrame &F) {
  const format::DebugRec &D = M.Art.Debug;
  auto Name = std::lower_bound(
      D.FuncNames.begin(), D.FuncNames.end(), F.FuncIndex,
      [](const format::FuncNameRec &N, uint32_t I) { return N.Func < I; });
  if (Name != D.FuncNames.end() && Name->Func == F.FuncIndex) {
    F.FuncName = Name->Name;
  } else {
    for (const format::ExportRec &E : M.Art.Exports)
      if (format::ExternKind(E.Kind) == format::ExternKind::Func &&
          E.Index == F.FuncIndex) {
        F.FuncName = E.Name;
        break;
      }
  }

  if (F.WasmOffset == NoOffset)
    return;
  auto Site = std::lower_bound(
      D.SourceSites.begin(), D.SourceSites.end(), F.WasmOffset,
      [](const format::SourceSiteRec &S, uint64_t O) {
        return S.WasmOffset < O;
      });
  if (Site == D.SourceSites.end() || Site->WasmOffset != F.WasmOffset)
    return;
  for (uint32_t I = Site->Frame; I != format::NoIndex;) {
    const format::SourceFrameRec &S = D.SourceFrames[I];
    F.Source.push_back({stringAt(D, S.Function), stringAt(D, S.File), S.Line,
                        S.Column});
    I = S.Caller;
  }
}

} // namespace kiln::rt
