//===- runtime/src/func.h - Function objects --------------------*- C++ -*-===//
//
// kiln::Func is what a funcref points at: its first member is the
// FuncRefEntry generated code reads ({code, context, signature id}), so a
// funcref value, a FuncRefEntry* and a Func* are the same address
// (rt::funcFromRef). Kinds:
//
//   Wasm        a function defined by an instance. Lives inside the
//               instance's state (InstanceState::Funcs); shared_ptr<Func>
//               handed out for it alias the state, so holding the function
//               keeps its instance alive.
//   Host        made by createHostFunc: a HostFunc and its FuncSig, with no
//               code of its own (Entry.Code is null) until a module imports
//               it.
//   HostImport  a Host function as imported by one instance: Entry.Code is
//               that module's exit trampoline for the type and Entry.Ctx is
//               HostCtx, a VMContext whose Instance field points back at
//               this Func (the HostCall builtin finds the function there).
//               Lives inside the importing instance's state.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_FUNC_H
#define KILN_RUNTIME_FUNC_H

#include "kiln/runtime.h"
#include "src/signatures.h"
#include "src/vmcontext.h"

#include <memory>

namespace kiln {

namespace rt {
struct InstanceState;

enum class FuncKind : uint8_t { None, Wasm, Host, HostImport };

struct HostFuncData {
  FuncSig Sig;
  HostFunc Fn;     // one of these two is set
  RawHostFunc Raw; // (Linker::defineTyped)
};
} // namespace rt

class Func {
public:
  Func() = default;
  Func(const Func &) = delete;
  Func &operator=(const Func &) = delete;

  /// Must stay the first member: a funcref is the address of Entry.
  rt::FuncRefEntry Entry{nullptr, nullptr, rt::InvalidSigId};
  rt::FuncKind Kind = rt::FuncKind::None;
  uint32_t Index = 0;     // Wasm: function index in Owner's module
  uint32_t TypeIndex = 0; // Wasm, HostImport: type index in Owner's module
  const FuncSig *Sig = nullptr;
  /// Wasm: the defining instance. HostImport: the importing instance.
  rt::InstanceState *Owner = nullptr;
  /// Wasm: the entry trampoline for its type, resolved at instantiation so
  /// a call from the host does not look it up.
  rt::EntryTrampoline EntryTrampoline = nullptr;
  std::shared_ptr<rt::HostFuncData> Host; // Host, HostImport
  rt::VMContext HostCtx{};                // HostImport only
};

namespace rt {

/// The Func a non-null funcref value (FuncRefEntry*) points at.
inline Func *funcFromRef(void *Ref) { return reinterpret_cast<Func *>(Ref); }

/// Checks argument count and types against Sig ("expected 2 arguments, got
/// 1"; "argument 0 is i64, expected i32").
Error checkArgs(const FuncSig &Sig, std::span<const Value> Args);

} // namespace rt
} // namespace kiln

#endif // KILN_RUNTIME_FUNC_H
