//===- runtime/src/instance.h - Instance state ------------------*- C++ -*-===//
//
// rt::InstanceState is everything an instance's generated code can reach:
// its VMContext and the arrays the context points at, the function objects
// (defined functions and imported host functions), the imported and defined
// tables, memories and globals, and the segments. Builtins find it through
// VMContext::Instance.
//
// Ownership: the state holds its module and everything it imports; exported
// and escaping function objects alias the state (shared_ptr aliasing), so a
// function keeps its instance alive and nothing points back from the state
// to its own exports. Instance (the API object) holds the state and the
// export list.
//
// When the state is destroyed it detaches from its memory and nulls every
// reference to its functions in the tables and funcref globals it shares
// with others, so a surviving instance traps ("uninitialized element")
// instead of calling freed code. Only tables and globals this instance
// defines or imports are cleaned: a reference that Wasm code copied into a
// table the instance cannot reach, or a funcref Value the host kept, is not.
// Without a store, embedders keep an instance alive while such references
// may still be used (the spec runner keeps every instance of a script).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_INSTANCE_H
#define KILN_RUNTIME_INSTANCE_H

#include "kiln/runtime.h"
#include "src/func.h"
#include "src/global.h"
#include "src/memory.h"
#include "src/module.h"
#include "src/resource_account.h"
#include "src/table.h"
#include "src/interrupt.h"
#include "src/vmcontext.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kiln {
namespace rt {

inline constexpr size_t DefaultMaxStackBytes = 512 * 1024;

struct InstanceState : std::enable_shared_from_this<InstanceState> {
  InstanceState() = default;
  InstanceState(const InstanceState &) = delete;
  InstanceState &operator=(const InstanceState &) = delete;
  ~InstanceState();

  std::shared_ptr<const Module> ModuleRef; // keeps the code mapped
  const Module::Impl *Mod = nullptr;
  /// The store's account this instance is charged to (null: not counted);
  /// its memories and tables hold it too.
  std::shared_ptr<ResourceAccount> Account;

  /// From the never-freed pool (interrupt.h), so that the runtime can set
  /// its Interrupt word from any thread at any time.
  VMContext &Ctx = acquireContext();
  std::vector<ImportedFunc> ImportedFuncs; // per imported function
  std::vector<FuncRefEntry *> FuncRefs;    // per function index
  std::vector<GlobalCell *> GlobalCells;   // per global index
  std::vector<TableDesc *> TableDescs;     // per table index

  /// Per function index: defined functions (Wasm) and imported host
  /// functions (HostImport); unused (None) for imported Wasm functions.
  /// Allocated once, never moved: FuncRefEntry pointers into it escape.
  std::unique_ptr<Func[]> Funcs;
  uint32_t NumFuncs = 0;
  /// The objects behind each imported function (keeps exporters alive).
  std::vector<std::shared_ptr<Func>> ImportedFuncObjs;

  std::vector<std::shared_ptr<Table>> Tables;   // imports first
  std::vector<std::shared_ptr<Memory>> Memories; // imports first
  std::vector<std::shared_ptr<Global>> Globals; // imports first

  /// Evaluated element segments; emptied when dropped.
  std::vector<std::vector<void *>> ElemSegs;
  std::vector<uint8_t> DataDropped; // per data segment

  /// The contexts whose StackLimit a call into this instance sets: its own
  /// and, transitively, those of every instance it imports functions from.
  std::vector<VMContext *> StackCtxs;
  size_t MaxStackBytes = DefaultMaxStackBytes;

  /// Interruption (interrupt.h): whether every module whose code a call
  /// into this instance can run polls, the deadline of calls given none,
  /// and a pending Instance::interrupt().
  bool Interruptible = true;
  /// Every such module also counts fuel (--fuel).
  bool Fueled = true;
  Deadline DefaultDeadline;
  /// A word, not a bool: RISC-V has no byte-sized atomic exchange and GCC
  /// would call libatomic for one.
  std::atomic<uint32_t> InterruptRequested{0};

  Memory *memory0() const {
    return Memories.empty() ? nullptr : Memories[0].get();
  }
  /// Bytes of data segment `Seg` (empty once dropped).
  std::span<const uint8_t> dataSegment(uint32_t Seg) const;
  /// The state a context of this kind belongs to (VMContext::Instance).
  static InstanceState &of(VMContext *Ctx) {
    return *static_cast<InstanceState *>(Ctx->Instance);
  }
};

/// The Extern an export record names.
Extern exportExtern(const std::shared_ptr<InstanceState> &S,
                    const format::ExportRec &E);

/// Calls function `FuncIndex` of S (any kind) with checked arguments.
Expected<std::vector<Value>> callFuncIndex(InstanceState &S, uint32_t FuncIndex,
                                           std::span<const Value> Args);

} // namespace rt

struct Instance::Impl {
  std::shared_ptr<rt::InstanceState> State;
  std::vector<std::pair<std::string, Extern>> Exports;
  std::map<std::string, size_t, std::less<>> ExportIndex;
};

} // namespace kiln

#endif // KILN_RUNTIME_INSTANCE_H
