//===- agent/src/module_slot.cc - One module of a running application -----===//

#include "agent/src/module_slot.h"

#include <algorithm>
#include <cstring>
#include <mutex>

namespace kiln::agent {

FailedCallee &failedCallee() {
  thread_local FailedCallee F;
  return F;
}

ModuleSlot *&enteredProbation() {
  thread_local ModuleSlot *Slot = nullptr;
  return Slot;
}

std::optional<size_t> ModuleSlot::exportIndex(std::string_view Name) const {
  auto It = std::find(ResolvedNames.begin(), ResolvedNames.end(), Name);
  if (It == ResolvedNames.end())
    return std::nullopt;
  return size_t(It - ResolvedNames.begin());
}

namespace {

/// The function an importer calls for (Target, export): finds Target's
/// current generation, enters it under its lock and passes the slots on.
/// Runs on the calling task's thread, which holds the run lock (shared), so
/// the generation cannot change under it.
std::shared_ptr<Func> makeForwarder(ModuleSlot &Target, size_t Index,
                                    FuncSig Sig) {
  return createRawHostFunc(
      std::move(Sig), [&Target, Index](uint8_t (*Slots)[16]) -> Error {
        ModuleState St = Target.State.load(std::memory_order_acquire);
        Generation *G = Target.Current.get();
        if (!G || St == ModuleState::Failed || St == ModuleState::Stopped) {
          if (!failedCallee().Slot)
            failedCallee() = {&Target, G};
          return Error::make(ErrorKind::Usage,
                             "module '" + Target.name() + "' is " +
                                 moduleStateName(St));
        }
        if (St == ModuleState::Probation)
          enteredProbation() = &Target;
        std::lock_guard<PiMutex> Lock(Target.CallLock);
        Error E = detail::callWithSlots(*G->Resolved[Index], Slots);
        // An interrupted or out-of-fuel call is the task's deadline, not a
        // fault of the callee: the runtime passes those traps on as they are.
        if (E && !failedCallee().Slot &&
            !(E.kind() == ErrorKind::Trap &&
              (E.trapCode() == uint32_t(TrapCode::Interrupted) ||
               E.trapCode() == uint32_t(TrapCode::OutOfFuel))))
          failedCallee() = {&Target, G};
        return E;
      });
}

ResourceLimits limitsOf(const ModuleSpec &S) {
  ResourceLimits L = ResourceLimits::defaults();
  if (S.Limits.MemoryPages)
    L.MaxMemoryBytes = uint64_t(*S.Limits.MemoryPages) * 65536;
  return L;
}

} // namespace

Expected<std::shared_ptr<Generation>>
ModuleSlot::instantiate(VerifiedArtifact Art, std::string Version,
                        const std::map<std::string, ModuleSlot *> &Slots,
                        const HostEnvironment &Env) const {
  auto G = std::make_shared<Generation>();
  G->Version = std::move(Version);
  Expected<std::shared_ptr<Module>> M = Module::load(Art.Bytes, Env.Load);
  if (!M)
    return M.takeError();
  G->Mod = std::move(*M);
  G->Artifact = std::move(Art);
  G->Store = std::make_unique<Linker>();
  G->Store->setLimits(limitsOf(Spec));
  if (Env.DefineHostModules)
    Env.DefineHostModules(*G->Store);
  if (importsWasi(*G->Mod)) {
    WasiConfig Cfg = Spec.Wasi.value_or(WasiConfig());
    if (Cfg.Args.empty())
      Cfg.Args.push_back(Spec.Name);
    Expected<std::shared_ptr<WasiContext>> W = createWasiContext(Cfg);
    if (!W)
      return W.takeError();
    G->Wasi = *W;
    if (Error E = defineWasi(*G->Store, G->Wasi))
      return E;
  }

  // Imports from other modules of the application: forwarders.
  const format::Artifact &A = G->Artifact.Record;
  for (const format::ImportRec &I : A.Imports) {
    auto B = std::find_if(Spec.Imports.begin(), Spec.Imports.end(),
                          [&](const Binding &B) {
                            return B.ImportModule == I.Module &&
                                   B.Kind == Binding::Provider::AppModule;
                          });
    if (B == Spec.Imports.end())
      continue;
    auto T = Slots.find(B->Target);
    std::optional<size_t> Index =
        T == Slots.end() ? std::nullopt : T->second->exportIndex(I.Field);
    if (!Index)
      return Error::make(ErrorKind::Link,
                         "import '" + I.Module + "'.'" + I.Field +
                             "' is bound to a module that does not forward "
                             "it");
    Extern E;
    E.Kind = ExternKind::Func;
    E.F = makeForwarder(*T->second, *Index, funcSigOf(A, I.TypeIndex));
    G->Store->define(I.Module, I.Field, std::move(E));
  }

  Expected<std::unique_ptr<Instance>> Inst = G->Store->instantiate(*G->Mod);
  if (!Inst)
    return Inst.takeError();
  G->Inst = std::move(*Inst);
  if (Spec.Limits.StackBytes)
    G->Inst->setMaxStackBytes(size_t(*Spec.Limits.StackBytes));
  if (Spec.Limits.Deadline)
    if (Error E = G->Inst->setDefaultDeadline(
            Deadline::after(*Spec.Limits.Deadline)))
      return E;

  for (const std::string &Name : ResolvedNames) {
    std::optional<Extern> E = G->Inst->exportOf(Name);
    if (!E || E->Kind != ExternKind::Func)
      return Error::make(ErrorKind::Link,
                         "module '" + Spec.Name + "' must export function '" +
                             Name + "': a task or another module calls it");
    G->Resolved.push_back(E->F);
  }
  return G;
}

bool handsOverState(const Generation &G) {
  return G.Inst->exportOf("kiln_state_save") &&
         G.Inst->exportOf("kiln_state_area") &&
         G.Inst->exportOf("kiln_state_restore") && G.Inst->exportOf("memory");
}

namespace {

Expected<uint32_t> callI32(Instance &I, const char *Name,
                           std::initializer_list<Value> Args) {
  Expected<std::vector<Value>> R = I.call(Name, Args);
  if (!R)
    return R.takeError();
  if (R->size() != 1 || (*R)[0].Type != ValType::I32)
    return Error::make(ErrorKind::Link,
                       std::string("'") + Name + "' does not return an i32");
  return (*R)[0].i32();
}

/// A region of an instance's exported memory, checked against its size.
Expected<uint8_t *> stateRegion(Instance &I, uint32_t Addr, uint32_t Len,
                                const char *Side) {
  std::optional<Extern> M = I.exportOf("memory");
  if (!M || M->Kind != ExternKind::Memory || !M->M)
    return Error::make(ErrorKind::Link,
                       std::string(Side) + " exports no memory 'memory'");
  uint64_t Size = memorySizeBytes(*M->M);
  if (uint64_t(Addr) + Len > Size)
    return Error::make(ErrorKind::Usage,
                       std::string(Side) + "'s state area [" +
                           std::to_string(Addr) + ", +" + std::to_string(Len) +
                           ") is outside its memory of " +
                           std::to_string(Size) + " bytes");
  return memoryData(*M->M) + Addr;
}

} // namespace

Error handOverState(Generation &From, Generation &To) {
  if (!handsOverState(From) || !handsOverState(To))
    return Error::make(ErrorKind::Unsupported,
                       "the state hand-over functions are missing");
  Expected<uint32_t> Len = callI32(*From.Inst, "kiln_state_save", {});
  if (!Len)
    return Len.takeError();
  Expected<uint32_t> Src = callI32(*From.Inst, "kiln_state_area", {});
  if (!Src)
    return Src.takeError();
  Expected<uint32_t> Dst = callI32(*To.Inst, "kiln_state_area", {});
  if (!Dst)
    return Dst.takeError();
  Expected<uint8_t *> SrcP = stateRegion(*From.Inst, *Src, *Len, "the old one");
  if (!SrcP)
    return SrcP.takeError();
  Expected<uint8_t *> DstP = stateRegion(*To.Inst, *Dst, *Len, "the new one");
  if (!DstP)
    return DstP.takeError();
  std::memmove(*DstP, *SrcP, *Len);
  Expected<uint32_t> Rc =
      callI32(*To.Inst, "kiln_state_restore", {Value::i32(*Len)});
  if (!Rc)
    return Rc.takeError();
  if (*Rc != 0)
    return Error::make(ErrorKind::Refused,
                       "the new version refused the state (kiln_state_restore "
                       "returned " +
                           std::to_string(int32_t(*Rc)) + ")");
  return Error::success();
}

Error checkHealth(const ModuleSpec &Spec, Generation &G,
                  std::chrono::nanoseconds Bound) {
  if (!Spec.Health)
    return Error::success();
  Expected<std::vector<Value>> R =
      G.Inst->call(*Spec.Health, {}, Deadline::after(Bound));
  if (!R) {
    Error E = R.takeError();
    return Error::make(ErrorKind::Trap,
                       "health check '" + *Spec.Health + "' failed: " +
                           E.str());
  }
  if (R->size() != 1 || (*R)[0].i32() != 0)
    return Error::make(ErrorKind::Usage,
                       "health check '" + *Spec.Health + "' returned " +
                           std::to_string(R->empty()
                                              ? -1
                                              : int32_t((*R)[0].i32())));
  return Error::success();
}

} // namespace kiln::agent
