//===- tools/kiln/features_flag.h - The -W feature flag ---------*- C++ -*-===//
//
// `-W NAME[=y|n]` turns a WebAssembly proposal on or off, as in wasmtime
// (`-W relaxed-simd=y`). Shared by every command that reads modules.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_FEATURES_FLAG_H
#define KILN_TOOLS_FEATURES_FLAG_H

#include "compiler/wasm/features.h"

#include <string>

namespace kiln::cli {

/// Applies one -W value ("relaxed-simd", "relaxed-simd=n"). Returns false
/// and sets Error for an unknown name or value.
inline bool applyFeatureFlag(std::string Value, wasm::Features &F,
                             std::string &Error) {
  // "-W=relaxed-simd" spells "-W relaxed-simd" too.
  if (!Value.empty() && Value[0] == '=')
    Value.erase(0, 1);
  std::string Name = Value, Setting = "y";
  if (size_t Eq = Value.find('='); Eq != std::string::npos) {
    Name = Value.substr(0, Eq);
    Setting = Value.substr(Eq + 1);
  }
  bool On;
  if (Setting == "y" || Setting == "yes" || Setting == "true")
    On = true;
  else if (Setting == "n" || Setting == "no" || Setting == "false")
    On = false;
  else {
    Error = "bad value '" + Setting + "' for -W " + Name + " (use y or n)";
    return false;
  }
  if (Name == "relaxed-simd") {
    F.RelaxedSimd = On;
    return true;
  }
  Error = "unknown WebAssembly feature '" + Name +
          "' (known: relaxed-simd; Wasm 2.0 features are always on)";
  return false;
}

inline const char *featureFlagHelp() {
  return "  -W <NAME[=y|n]>       Enable or disable a WebAssembly proposal:\n"
         "                        relaxed-simd (default n). Wasm 2.0 is always "
         "on.\n";
}

} // namespace kiln::cli

#endif // KILN_TOOLS_FEATURES_FLAG_H
