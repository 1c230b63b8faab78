//===- tools/kiln/wast/values.h - Script values vs runtime values -*- C++ -*-===//
//
// Converts spec-script arguments to runtime values and checks results
// against expectations, including the NaN patterns (nan:canonical,
// nan:arithmetic) per scalar and per v128 lane. An externref "N" of the
// script is the host pointer N+1, so that ref.extern 0 is not null.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_WAST_VALUES_H
#define KILN_TOOLS_WAST_VALUES_H

#include "kiln/runtime.h"
#include "tools/kiln/wast/script.h"

#include <string>

namespace kiln::wast {

kiln::Value toRuntimeValue(const Value &V);
/// True if `Got` satisfies the expectation `Want`.
bool matches(const Value &Want, const kiln::Value &Got);
std::string describe(const kiln::Value &V);
std::string describe(const Value &V);

} // namespace kiln::wast

#endif // KILN_TOOLS_WAST_VALUES_H
