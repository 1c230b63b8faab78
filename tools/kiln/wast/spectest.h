//===- tools/kiln/wast/spectest.h - The "spectest" host module --*- C++ -*-===//
#ifndef KILN_TOOLS_WAST_SPECTEST_H
#define KILN_TOOLS_WAST_SPECTEST_H

#include "kiln/runtime.h"

namespace kiln::wast {

/// Defines the host module the spec suite imports as "spectest": print
/// functions, global_i32/i64/f32/f64 (666 / 666.6), a funcref table of
/// 10..20 elements and a memory of 1..2 pages.
Error defineSpectest(Linker &L, MemoryMode Mode);

} // namespace kiln::wast

#endif // KILN_TOOLS_WAST_SPECTEST_H
