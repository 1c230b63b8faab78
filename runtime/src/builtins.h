//===- runtime/src/builtins.h - The VMContext::Builtins table ---*- C++ -*-===//
//
// The runtime's side of kiln/builtins.def: the table every VMContext points
// at, filled from the same rows the compiler calls through, with each
// function's C signature checked against its row at compile time.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_BUILTINS_H
#define KILN_RUNTIME_BUILTINS_H

namespace kiln::rt {

/// VMContext::Builtins for every context (instances and host functions).
void *const *builtinTable();

} // namespace kiln::rt

#endif // KILN_RUNTIME_BUILTINS_H
