//===- tools/kiln/trap_report.cc - A guest trap, for people ---------------===//

#include "tools/kiln/trap_report.h"

#include <cstdio>

namespace kiln::cli {

void reportTrap(const Error &Err, const FuncNames &Names) {
  std::fprintf(stderr, "error: wasm trap: %s\n", Err.str().c_str());
  std::vector<uint32_t> Frames = Err.backtrace();
  if (Frames.empty() && Err.funcIndex() != NoIndex)
    Frames.push_back(Err.funcIndex());
  if (Frames.empty())
    return;
  std::fprintf(stderr, "wasm backtrace:\n");
  for (size_t I = 0; I < Frames.size(); ++I) {
    auto It = Names.find(Frames[I]);
    std::fprintf(stderr, "  %2zu: function %u%s%s%s\n", I, Frames[I],
                 It == Names.end() ? "" : " <",
                 It == Names.end() ? "" : It->second.c_str(),
                 It == Names.end() ? "" : ">");
  }
}

} // namespace kiln::cli
