//===- tools/kiln/trap_report.h - A guest trap, for people ------*- C++ -*-===//
//
// How the CLI shows a trap: "error: wasm trap: <message>" and, under it, the
// Wasm backtrace with function names where it has them.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_TRAP_REPORT_H
#define KILN_TOOLS_TRAP_REPORT_H

#include "tools/kiln/wasm_names.h"

namespace kiln::cli {

/// Prints a trap (an Error of kind Trap) and its backtrace to stderr.
void reportTrap(const Error &Err, const FuncNames &Names);

} // namespace kiln::cli

#endif // KILN_TOOLS_TRAP_REPORT_H
