//===- kiln/profiling.h - Let profilers name Kiln code ----------*- C++ -*-===//
//
// Kiln maps machine code that no ELF file describes, so a profiler sees it
// as anonymous addresses. perf reads a plain map for such code,
// /tmp/perf-PID.map ("START SIZE NAME" per line, hex without 0x), and so
// does every tool that follows its convention. Linux only.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_PROFILING_H
#define KILN_PROFILING_H

#include "kiln/error.h"
#include "kiln/runtime.h"

#include <cstdint>
#include <functional>
#include <string>

namespace kiln {

/// Appends one line per function `M` defines to this process's perf map,
/// named "PREFIX NAME", NAME from `Name(F)` for function index F (imports
/// included, as in the module). Appends, so that every module a process
/// loads can be added; the file stays after the process ends, as perf
/// expects. Returns the map's path.
Expected<std::string>
appendPerfMap(const Module &M, const std::string &Prefix,
              const std::function<std::string(uint32_t FuncIndex)> &Name);

} // namespace kiln

#endif // KILN_PROFILING_H
