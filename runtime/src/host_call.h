//===- runtime/src/host_call.h - Calls from Wasm to the host ----*- C++ -*-===//
//
// The HostCall builtin (what every exit trampoline calls) and the direct
// call of host functions from C++. Guest arguments are unpacked by the host
// function's FuncSig; a host function that returns an Error makes its Wasm
// caller trap with HostError and the error's message (the trap's function
// index is the imported function's). An Error of kind Exit (WASI proc_exit)
// unwinds the same way but reaches the embedder unchanged, with its status.
//
// While a host function runs, hostCaller() names the instance that imported
// it, so host modules such as WASI can reach the caller's memory.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_HOST_CALL_H
#define KILN_RUNTIME_HOST_CALL_H

#include "kiln/runtime.h"
#include "src/vmcontext.h"

namespace kiln::rt {

struct InstanceState;

/// Builtins[HostCall]: `HostCtx` is the context of a HostImport function
/// (its Instance field points at the Func), `Slots` the exit trampoline's
/// argument/result slots.
void builtinHostCall(VMContext *HostCtx, void *Slots);

/// Calls a Host or HostImport function from C++ (arguments already
/// checked). The host function's Error is returned unchanged.
Expected<std::vector<Value>> callHostDirect(const Func &F,
                                            std::span<const Value> Args);

/// The instance whose import is running on this thread, or null (outside
/// host functions, or for a host function called directly from C++).
InstanceState *hostCaller();

/// Memory 0 of hostCaller(), or null.
Memory *callerMemory();

} // namespace kiln::rt

#endif // KILN_RUNTIME_HOST_CALL_H
