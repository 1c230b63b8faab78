//===- tools/kiln/compile_flags.h - How a .wasm is compiled -----*- C++ -*-===//
//
// The flags that choose how a module is compiled, parsed one way for every
// command that compiles: `kiln compile`, and `kiln run` for .wasm input
// (-O0..-O3, --cpu, --features, --bounds-checks, --guard-pages); `kiln
// wast` shares the -O spelling.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_COMPILE_FLAGS_H
#define KILN_TOOLS_COMPILE_FLAGS_H

#include "tools/kiln/cli.h"

#include <string>
#include <vector>

#ifdef KILN_WITH_COMPILER
#include "compiler/codegen/compile.h"
#endif

namespace kiln::cli {

/// "-O0".."-O3": sets Level and returns true; false for anything else.
inline bool parseOptLevelFlag(const std::string &A, unsigned &Level) {
  if (A.size() != 3 || A[0] != '-' || A[1] != 'O' || A[2] < '0' || A[2] > '3')
    return false;
  Level = unsigned(A[2] - '0');
  return true;
}

/// Whether Args[I] is one of the flags parseCompileFlag takes.
inline bool isCompileFlag(const std::string &A) {
  unsigned Ignored;
  return parseOptLevelFlag(A, Ignored) || A == "--cpu" || A == "--features" ||
         A == "--bounds-checks" || A == "--guard-pages";
}

#ifdef KILN_WITH_COMPILER
/// Parses the compile flag at Args[I] (isCompileFlag) into C, advancing I
/// past its value. Returns -1, or the exit code of a usage error of `Cmd`:
/// a missing value, an option given as the CPU (features may start with
/// '-': "-sse4.2"), or the two memory modes together.
inline int parseCompileFlag(const char *Cmd, const std::vector<std::string> &Args,
                            size_t &I, codegen::CompileOptions &C) {
  const std::string &A = Args[I];
  if (parseOptLevelFlag(A, C.OptLevel))
    return -1;
  if (A == "--cpu" || A == "--features") {
    if (I + 1 >= Args.size())
      return usageError(Cmd, A + " needs a value");
    const std::string &V = Args[I + 1];
    if (A == "--cpu" && V.size() > 1 && V[0] == '-')
      return usageError(Cmd, "--cpu needs a value, not the option '" + V + "'");
    (A == "--cpu" ? C.Cpu : C.Features) = Args[++I];
    return -1;
  }
  MemoryMode M =
      A == "--guard-pages" ? MemoryMode::Guard : MemoryMode::BoundsChecked;
  if (C.Mode && *C.Mode != M)
    return usageError(Cmd, "--bounds-checks and --guard-pages contradict "
                           "each other; give one");
  C.Mode = M;
  return -1;
}
#endif

} // namespace kiln::cli

#endif // KILN_TOOLS_COMPILE_FLAGS_H
