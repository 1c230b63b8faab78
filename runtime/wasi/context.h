//===- runtime/wasi/context.h - The state of one WASI program ---*- C++ -*-===//
#ifndef KILN_RUNTIME_WASI_CONTEXT_H
#define KILN_RUNTIME_WASI_CONTEXT_H

#include "kiln/wasi.h"
#include "wasi/fd_table.h"
#include "wasi/sandbox_path.h"

#include <string>
#include <vector>

namespace kiln {

class WasiContext {
public:
  std::vector<std::string> Args;
  std::vector<std::string> Env;
  wasi::FdTable Fds;
  wasi::ResolveMode Resolve = wasi::ResolveMode::Auto;
};

} // namespace kiln

#endif // KILN_RUNTIME_WASI_CONTEXT_H
