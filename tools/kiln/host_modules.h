//===- tools/kiln/host_modules.h - Host modules the CLI links ---*- C++ -*-===//
//
// The importable host modules `kiln run` offers a guest besides WASI: in the
// full build, hostlib's `kiln:dsp` and `kiln:nn`.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_HOST_MODULES_H
#define KILN_TOOLS_HOST_MODULES_H

#include "kiln/runtime.h"

namespace kiln::cli {

/// Defines every host module this build of `kiln` has into `L`.
void linkHostModules(Linker &L);

} // namespace kiln::cli

#endif // KILN_TOOLS_HOST_MODULES_H
