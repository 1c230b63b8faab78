//===- runtime/src/vmcontext.h - The structs generated code reads -*- C++ -*-===//
//
// The runtime's declaration of the native ABI of kiln/abi.h. The static
// asserts tie every offset to abi.h's functions for this build's pointer
// size, so a cross-built runtime checks the layout on its own architecture.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_VMCONTEXT_H
#define KILN_RUNTIME_VMCONTEXT_H

#include "kiln/abi.h"

#include <cstddef>
#include <cstdint>

namespace kiln::rt {

struct VMContext;

struct ImportedFunc {
  void *Code;
  VMContext *Ctx;
};

struct FuncRefEntry {
  void *Code;
  VMContext *Ctx;
  uint32_t SigId;
};

struct TableDesc {
  void **Elems;
  uint32_t Size;
};

struct alignas(16) GlobalCell {
  uint8_t Bytes[abi::GlobalCellBytes];
};

struct alignas(16) ValSlot {
  uint8_t Bytes[abi::ValSlotBytes];
};

struct VMContext {
  uint8_t *MemoryBase;
  alignas(8) uint64_t MemorySize;
  uintptr_t StackLimit;
  void *const *Builtins;
  ImportedFunc *ImportedFuncs;
  FuncRefEntry **FuncRefs;
  GlobalCell **Globals;
  TableDesc **Tables;
  const uint32_t *SigIds;
  void *Instance;
  /// Written by other threads (and interrupt handlers): access it only
  /// through interruptWord().
  uintptr_t Interrupt;
  /// Fuel left for the running call (code compiled with --fuel).
  int64_t *Fuel;
};

constexpr unsigned Ptr = sizeof(void *);
using abi::VMField;
static_assert(offsetof(VMContext, MemoryBase) == abi::vmOffset(VMField::MemoryBase, Ptr));
static_assert(offsetof(VMContext, MemorySize) == abi::vmOffset(VMField::MemorySize, Ptr));
static_assert(offsetof(VMContext, StackLimit) == abi::vmOffset(VMField::StackLimit, Ptr));
static_assert(offsetof(VMContext, Builtins) == abi::vmOffset(VMField::Builtins, Ptr));
static_assert(offsetof(VMContext, ImportedFuncs) == abi::vmOffset(VMField::ImportedFuncs, Ptr));
static_assert(offsetof(VMContext, FuncRefs) == abi::vmOffset(VMField::FuncRefs, Ptr));
static_assert(offsetof(VMContext, Globals) == abi::vmOffset(VMField::Globals, Ptr));
static_assert(offsetof(VMContext, Tables) == abi::vmOffset(VMField::Tables, Ptr));
static_assert(offsetof(VMContext, SigIds) == abi::vmOffset(VMField::SigIds, Ptr));
static_assert(offsetof(VMContext, Instance) == abi::vmOffset(VMField::Instance, Ptr));
static_assert(offsetof(VMContext, Interrupt) == abi::vmOffset(VMField::Interrupt, Ptr));
static_assert(offsetof(VMContext, Fuel) == abi::vmOffset(VMField::Fuel, Ptr));
static_assert(sizeof(VMContext) == abi::vmContextSize(Ptr));
static_assert(offsetof(ImportedFunc, Code) == abi::importedFuncCode(Ptr));
static_assert(offsetof(ImportedFunc, Ctx) == abi::importedFuncCtx(Ptr));
static_assert(sizeof(ImportedFunc) == abi::importedFuncSize(Ptr));
static_assert(offsetof(FuncRefEntry, Code) == abi::funcRefCode(Ptr));
static_assert(offsetof(FuncRefEntry, Ctx) == abi::funcRefCtx(Ptr));
static_assert(offsetof(FuncRefEntry, SigId) == abi::funcRefSigId(Ptr));
static_assert(offsetof(TableDesc, Elems) == abi::tableElems(Ptr));
static_assert(offsetof(TableDesc, Size) == abi::tableSize(Ptr));
static_assert(sizeof(GlobalCell) == abi::GlobalCellBytes);
static_assert(sizeof(ValSlot) == abi::ValSlotBytes);

/// The entry trampoline's C signature (see kiln/abi.h).
using EntryTrampoline = void (*)(void *Code, VMContext *Callee, ValSlot *Args);

} // namespace kiln::rt

#endif // KILN_RUNTIME_VMCONTEXT_H
