//===- compiler/codegen/module_info.h - Module model to records -*- C++ -*-===//
//
// Describes the compiled module for the runtime: the artifact's metadata
// records from the decoded module model, and the code offsets of functions
// and trampolines from the laid-out image.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_MODULE_INFO_H
#define KILN_CODEGEN_MODULE_INFO_H

#include "compiler/codegen/object_layout.h"
#include "compiler/wasm/module.h"
#include "kiln/error.h"
#include "kiln/format.h"

namespace kiln::codegen {

/// Fills every record of `Art` except the target description. Moves the
/// image out of `Image`.
Error describeModule(const wasm::Module &M, LaidOutImage &Image,
                     format::Artifact &Art);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_MODULE_INFO_H
