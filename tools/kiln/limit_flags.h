//===- tools/kiln/limit_flags.h - kiln run's resource limits ----*- C++ -*-===//
//
// The ResourceLimits (kiln/limits.h) of `kiln run`, spelled as wasmtime
// spells them: `-W max-memory-size=N` (bytes of one memory),
// `-W max-table-elements=N`, `-W max-instances=N`, `-W max-tables=N`,
// `-W max-memories=N`, plus Kiln's store-wide totals
// `-W max-total-memory-size=N` and `-W max-total-table-elements=N`. Each is
// also a long option (`--max-memory-size N`), as --timeout and --fuel are.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_LIMIT_FLAGS_H
#define KILN_TOOLS_LIMIT_FLAGS_H

#include "kiln/limits.h"

#include <string>

namespace kiln::cli {

/// True if `Name` (without "-W " or "--") is one of the limit options.
bool isLimitOption(const std::string &Name);

/// Applies "NAME=VALUE" (a -W value) or, with a separate Value, a long
/// option's. Sizes take K, M, G suffixes; "unlimited" lifts the limit.
/// Returns false and sets Error for a bad value.
bool applyLimitOption(const std::string &Name, const std::string &Value,
                      ResourceLimits &L, std::string &Error);

/// The long options that take a value, for splitOptionValues.
extern const char *const LimitLongOptions[7];

/// Help lines for the limits and their defaults.
std::string limitOptionsHelp();

} // namespace kiln::cli

#endif // KILN_TOOLS_LIMIT_FLAGS_H
