//===- runtime/src/instance.cc - Instances --------------------------------===//

#include "src/instance.h"

namespace kiln {
namespace rt {

InstanceState::~InstanceState() {
  if (Account)
    Account->releaseInstance();
  struct ReleaseCtx {
    VMContext &C;
    ~ReleaseCtx() { releaseContext(C); } // last, after the cleanup below
  } Release{Ctx};
  if (Memory *M = memory0())
    M->detach(&Ctx);
  // References to this instance's functions (defined ones and the host
  // functions it imported) that others can still reach become null.
  if (!Funcs)
    return;
  const void *Begin = Funcs.get(), *End = Funcs.get() + NumFuncs;
  for (const std::shared_ptr<Table> &T : Tables)
    if (T.use_count() > 1)
      T->scrub(Begin, End);
  for (const std::shared_ptr<Global> &G : Globals)
    if (G.use_count() > 1 && G->isMutable())
      G->scrub(Begin, End);
}

std::span<const uint8_t> InstanceState::dataSegment(uint32_t Seg) const {
  if (DataDropped[Seg])
    return {};
  const std::vector<uint8_t> &B = Mod->Art.Datas[Seg].Bytes;
  return {B.data(), B.size()};
}

Extern exportExtern(const std::shared_ptr<InstanceState> &S,
                    const format::ExportRec &E) {
  Extern X;
  switch (format::ExternKind(E.Kind)) {
  case format::ExternKind::Func:
    X.Kind = ExternKind::Func;
    if (E.Index < S->Mod->NumImportedFuncs)
      X.F = S->ImportedFuncObjs[E.Index]; // re-export: the same object
    else
      X.F = std::shared_ptr<Func>(S, &S->Funcs[E.Index]);
    break;
  case format::ExternKind::Table:
    X.Kind = ExternKind::Table;
    X.T = S->Tables[E.Index];
    break;
  case format::ExternKind::Memory:
    X.Kind = ExternKind::Memory;
    X.M = S->Memories[E.Index];
    break;
  case format::ExternKind::Global:
    X.Kind = ExternKind::Global;
    X.G = S->Globals[E.Index];
    break;
  }
  return X;
}

Expected<std::vector<Value>> callFuncIndex(InstanceState &S,
                                           uint32_t FuncIndex,
                                           std::span<const Value> Args) {
  if (FuncIndex < S.Mod->NumImportedFuncs &&
      S.Funcs[FuncIndex].Kind == FuncKind::None)
    return callFunc(*S.ImportedFuncObjs[FuncIndex], Args);
  return callFunc(S.Funcs[FuncIndex], Args);
}

} // namespace rt

Instance::Instance(std::unique_ptr<Impl> P) : P(std::move(P)) {}
Instance::~Instance() = default;

/// An exported function of `P` called with `Args`, bounded by `D` (null:
/// the instance's default deadline).
static Expected<std::vector<Value>> callExport(const Instance::Impl &P,
                                               std::string_view Export,
                                               std::span<const Value> Args,
                                               const Deadline *D) {
  auto It = P.ExportIndex.find(Export);
  if (It == P.ExportIndex.end() ||
      P.Exports[It->second].second.Kind != ExternKind::Func)
    return Error::make(ErrorKind::Usage,
                       "no exported function named '" + std::string(Export) +
                           "'");
  return callFunc(*P.Exports[It->second].second.F, Args, D);
}

Expected<std::vector<Value>> Instance::call(std::string_view Export,
                                            std::span<const Value> Args) {
  return callExport(*P, Export, Args, nullptr);
}

Expected<std::vector<Value>> Instance::call(std::string_view Export,
                                            std::span<const Value> Args,
                                            const Deadline &D) {
  return callExport(*P, Export, Args, &D);
}

Error Instance::setDefaultDeadline(const Deadline &D) {
  if (Error E = rt::checkBoundable(*P->State, D, "this instance"))
    return E;
  P->State->DefaultDeadline = D;
  return Error::success();
}

bool Instance::interruptible() const { return P->State->Interruptible; }

void Instance::interrupt() {
  P->State->InterruptRequested.store(1, std::memory_order_seq_cst);
  rt::flagAllContexts();
}

std::optional<Extern> Instance::exportOf(std::string_view Name) const {
  auto It = P->ExportIndex.find(Name);
  if (It == P->ExportIndex.end())
    return std::nullopt;
  return P->Exports[It->second].second;
}

const std::vector<std::pair<std::string, Extern>> &Instance::exports() const {
  return P->Exports;
}

void Instance::setMaxStackBytes(size_t Bytes) { P->State->MaxStackBytes = Bytes; }

Error Instance::lockMemoryInRam() {
  for (const std::shared_ptr<Memory> &M : P->State->Memories)
    if (Error E = M->lockInRam())
      return E;
  return Error::success();
}

} // namespace kiln
