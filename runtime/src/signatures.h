//===- runtime/src/signatures.h - Canonical function signatures -*- C++ -*-===//
//
// call_indirect compares a callee's signature id with the id of the type it
// expects, across modules. Ids are canonical for the whole process: two
// FuncSigs get the same id exactly when they are equal. The registry only
// grows (ids stay valid forever) and is safe to use from any thread.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_SIGNATURES_H
#define KILN_RUNTIME_SIGNATURES_H

#include "kiln/format.h"
#include "kiln/runtime.h"

#include <cstdint>
#include <string>

namespace kiln::rt {

/// Never handed out: a FuncRefEntry with this id matches no type.
inline constexpr uint32_t InvalidSigId = 0;

/// The process-wide id of `Sig` (registering it on first use).
uint32_t canonicalSigId(const FuncSig &Sig);

/// The FuncSig of an artifact type record (values use the Wasm encoding).
FuncSig funcSigOf(const format::FuncTypeRec &T);

/// "i32", "funcref", ... ("?" for anything else).

/// Bytes of a value of type T in a slot or cell (a pointer for references).
unsigned valTypeBytes(ValType T);

/// A Value of type T from a 16-byte slot or cell, with the bytes beyond the
/// type's width zeroed (generated code stores only the width).
Value valueFromBytes(ValType T, const uint8_t *Bytes);

/// "[i32 i64] -> [f32]", the form used in link errors.
std::string sigString(const FuncSig &Sig);

} // namespace kiln::rt

#endif // KILN_RUNTIME_SIGNATURES_H
