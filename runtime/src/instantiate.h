//===- runtime/src/instantiate.h - Building an instance ---------*- C++ -*-===//
//
// Instantiation after linking: the imports are resolved and type-checked
// (linker.cc); this creates the memories, tables and globals, builds the
// VMContext, applies element and data segments in order and runs the start
// function, with the Wasm 2.0 semantics (a failing segment leaves the
// effects of earlier ones in place).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_INSTANTIATE_H
#define KILN_RUNTIME_INSTANTIATE_H

#include "kiln/runtime.h"
#include "src/resource_account.h"

#include <memory>
#include <vector>

namespace kiln::rt {

/// `Imports` has one checked Extern per import of M, in order. With an
/// `Account` (the Linker's), the instance, its memories and its tables are
/// charged to it, and refused before anything is allocated when what the
/// module declares exceeds its limits.
///
/// If instantiation fails after this instance's functions may have been
/// stored in imported tables or globals (a later segment or the start
/// function failed), the spec keeps those functions callable from there, so
/// the failed instance's state is handed to `Retain`, whose owner (the
/// Linker) keeps it alive. Nothing else would: a table cannot own it without
/// a reference cycle (the instance's context points at the table).
Expected<std::unique_ptr<Instance>>
instantiate(const Module &M, std::vector<Extern> Imports,
            std::shared_ptr<void> &Retain,
            const std::shared_ptr<ResourceAccount> &Account);

} // namespace kiln::rt

#endif // KILN_RUNTIME_INSTANTIATE_H
