//===- tools/kiln/trap_report.cc - A guest trap, for people ---------------===//

#include "tools/kiln/trap_report.h"

#include <cstdio>

namespace kiln::cli {

/// "prog.c:5:12", or "" when the location has no file.
static std::string sourcePosition(const SourceLocation &L) {
  if (L.File.empty())
    return "";
  std::string S = L.File;
  if (L.Line)
    S += formatString(":%u", L.Line);
  if (L.Line && L.Column)
    S += formatString(":%u", L.Column);
  return S;
}

void reportTrap(const Error &Err, const FuncNames &Names) {
  std::fprintf(stderr, "error: wasm trap: %s\n", Err.str().c_str());
  std::vector<TrapFrame> Frames = Err.frames();
  if (Frames.empty() && Err.funcIndex() != NoIndex) {
    Frames.emplace_back();
    Frames.back().FuncIndex = Err.funcIndex();
  }
  if (Frames.empty())
    return;
  std::fprintf(stderr, "wasm backtrace:\n");
  for (size_t I = 0; I < Frames.size(); ++I) {
    const TrapFrame &F = Frames[I];
    std::string Name = F.FuncName;
    if (auto It = Names.find(F.FuncIndex); Name.empty() && It != Names.end())
      Name = It->second;
    std::string Line = formatString("  %2zu: function %u", I, F.FuncIndex);
    if (!Name.empty())
      Line += " <" + Name + ">";
    if (F.WasmOffset != NoOffset)
      Line += formatString(" at offset 0x%llx",
                           (unsigned long long)F.WasmOffset);
    if (F.Inlined)
      Line += ", inlined into the next frame";
    std::fprintf(stderr, "%s\n", Line.c_str());
    // Source frames, innermost first: several where the module's own
    // compiler inlined functions into this one.
    for (const SourceLocation &S : F.Source) {
      std::string Pos = sourcePosition(S);
      if (Pos.empty() && S.Function.empty())
        continue;
      std::fprintf(stderr, "        %s%s%s\n", S.Function.c_str(),
                   S.Function.empty() || Pos.empty() ? "" : " at ",
                   Pos.c_str());
    }
  }
  if (uint32_t More = Err.framesLeftOut())
    std::fprintf(stderr, "  ... %u more frame%s left out\n", More,
                 More == 1 ? "" : "s");
}

} // namespace kiln::cli
