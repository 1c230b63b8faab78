//===- compiler/wasm/validator.h - Module validation ------------*- C++ -*-===//
//
// Validation as the Wasm 2.0 spec defines it. Module-level rules (limits,
// indices, constant expressions, segments, exports, start) live in
// validator.cc; the per-function operand and control stack algorithm lives in
// func_validator.h so that code generation can drive it one instruction at a
// time, validating each operator just before lowering it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_VALIDATOR_H
#define KILN_WASM_VALIDATOR_H

#include "compiler/wasm/features.h"
#include "compiler/wasm/module.h"
#include "kiln/error.h"

#include <vector>

namespace kiln::wasm {

/// Facts about a module that function validation needs and that are cheaper
/// to compute once: the functions that may be named by `ref.func`.
struct ModuleContext {
  const Module &M;
  std::vector<bool> DeclaredRefs; // per function index

  explicit ModuleContext(const Module &M);
};

/// Validates everything except function bodies.
Error validateModuleFields(const ModuleContext &Ctx);

/// Validates one defined function's body.
Error validateFunction(const ModuleContext &Ctx, uint32_t FuncIndex,
                       const Features &F);

/// The whole module: fields, then every function body.
Error validateModule(const Module &M, const Features &F = Features());

} // namespace kiln::wasm

#endif // KILN_WASM_VALIDATOR_H
