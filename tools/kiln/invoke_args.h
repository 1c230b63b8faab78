//===- tools/kiln/invoke_args.h - Export arguments as text ----*- C++ -*-===//
//
// `kiln run --invoke NAME ARGS` and `kiln bench --invoke NAME ARGS` take an
// export's parameters as text; this reads one, for the parameter's type,
// and writes it in the 16-byte slot layout a typed call passes
// (kiln/abi.h's ValSlot).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_INVOKE_ARGS_H
#define KILN_TOOLS_INVOKE_ARGS_H

#include "kiln/runtime.h"

#include <string>

namespace kiln::cli {

/// Parses a decimal (or 0x) integer for i32/i64, a float for f32/f64 (nan,
/// inf accepted). False when S is not a valid value of type T (an i32 out
/// of range, trailing text, a v128 or reference parameter).
bool parseInvokeArg(const std::string &S, ValType T, Value &Out);

/// The value as `kiln run` prints a result: integers signed, floats with
/// enough digits to read back the same bits.
std::string formatValue(const Value &V);

} // namespace kiln::cli

#endif // KILN_TOOLS_INVOKE_ARGS_H
