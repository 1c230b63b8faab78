//===- compiler/wasm/features.h - Enabled Wasm proposals --------*- C++ -*-===//
//
// The feature set a module is decoded and validated against. The default is
// exactly Wasm 2.0 (MVP, sign extension, non-trapping float-to-int,
// multi-value, mutable-global import/export, reference types, bulk memory,
// fixed-width SIMD); later proposals are opt-in, as in wabt and wasmtime.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_WASM_FEATURES_H
#define KILN_WASM_FEATURES_H

#include "compiler/wasm/opcode.h"

namespace kiln::wasm {

struct Features {
  bool RelaxedSimd = false;

  /// Whether instructions of feature `F` decode under this feature set.
  bool allows(Feature F) const {
    switch (F) {
    case Feature::Mvp:
    case Feature::SignExt:
    case Feature::SatFloatToInt:
    case Feature::BulkMemory:
    case Feature::ReferenceTypes:
    case Feature::Simd:
      return true;
    case Feature::RelaxedSimd:
      return RelaxedSimd;
    }
    return false;
  }
};

} // namespace kiln::wasm

#endif // KILN_WASM_FEATURES_H
