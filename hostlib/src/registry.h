//===- hostlib/src/registry.h - Host function tables (internal) -*- C++ -*-===//
//
// One row per importable function: its name, its Wasm signature (a letter
// per parameter: 'i' i32, 'f' f32; the result: "" none, "i" or "f") and the
// handler that checks the arguments through GuestCall and runs the kernel.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_HOSTLIB_REGISTRY_H
#define KILN_HOSTLIB_REGISTRY_H

#include "kiln/hostlib/kernels.h"
#include "src/guest_args.h"

#include <span>

namespace kiln::hostlib {

/// What the registered closures share: owned by them, freed with the last.
struct HostlibState {
  FftPlans Fft;
};

struct HostFnDef {
  const char *Name;
  const char *Params;
  const char *Result;
  Error (*Run)(GuestCall &C, HostlibState &S);
};

std::span<const HostFnDef> dspFunctions();
std::span<const HostFnDef> nnFunctions();

} // namespace kiln::hostlib

#endif // KILN_HOSTLIB_REGISTRY_H
