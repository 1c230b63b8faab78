//===- runtime/src/instantiate.cc - Building an instance ------------------===//

#include "src/instantiate.h"

#include "src/builtins.h"
#include "src/instance.h"

#include <algorithm>
#include <cstring>

namespace kiln::rt {

using format::ConstKind;

/// The 16-byte little-endian value of a constant expression.
static void evalConst(const format::ConstExprRec &E, const InstanceState &S,
                      uint8_t Out[16]) {
  std::memset(Out, 0, 16);
  switch (ConstKind(E.Kind)) {
  case ConstKind::I32:
  case ConstKind::F32:
    std::memcpy(Out, E.Bits.data(), 4);
    return;
  case ConstKind::I64:
  case ConstKind::F64:
    std::memcpy(Out, E.Bits.data(), 8);
    return;
  case ConstKind::V128:
    std::memcpy(Out, E.Bits.data(), 16);
    return;
  case ConstKind::GlobalGet:
    std::memcpy(Out, S.GlobalCells[E.Index]->Bytes, 16);
    return;
  case ConstKind::RefNull:
    return;
  case ConstKind::RefFunc: {
    void *P = S.FuncRefs[E.Index];
    std::memcpy(Out, &P, sizeof(P));
    return;
  }
  }
  KILN_UNREACHABLE("verified constant expression of unknown kind");
}

static void *evalRef(const format::ConstExprRec &E, const InstanceState &S) {
  uint8_t B[16];
  evalConst(E, S, B);
  void *P;
  std::memcpy(&P, B, sizeof(P));
  return P;
}

static uint32_t evalOffset(const format::ConstExprRec &E,
                           const InstanceState &S) {
  uint8_t B[16];
  evalConst(E, S, B);
  return uint32_t(B[0]) | uint32_t(B[1]) << 8 | uint32_t(B[2]) << 16 |
         uint32_t(B[3]) << 24;
}

static void bindImportedFunc(InstanceState &S, uint32_t Index,
                             uint32_t TypeIndex,
                             const std::shared_ptr<Func> &F) {
  S.ImportedFuncObjs[Index] = F;
  if (F->Kind == FuncKind::Wasm) {
    // Another instance's function: call it with its own context.
    S.ImportedFuncs[Index] = {F->Entry.Code, F->Entry.Ctx};
    S.FuncRefs[Index] = &F->Entry;
    for (VMContext *C : F->Owner->StackCtxs)
      if (std::find(S.StackCtxs.begin(), S.StackCtxs.end(), C) ==
          S.StackCtxs.end())
        S.StackCtxs.push_back(C);
    return;
  }
  // A host function: generated code calls this module's exit trampoline
  // for the type, with a context that leads the HostCall builtin back here.
  Func &Alias = S.Funcs[Index];
  Alias.Kind = FuncKind::HostImport;
  Alias.Index = Index;
  Alias.TypeIndex = TypeIndex;
  Alias.Host = F->Host;
  Alias.Sig = &Alias.Host->Sig;
  Alias.Owner = &S;
  Alias.HostCtx.Builtins = builtinTable();
  Alias.HostCtx.Instance = &Alias;
  Alias.Entry = {S.Mod->exitTrampoline(TypeIndex), &Alias.HostCtx,
                 S.Mod->SigIds[TypeIndex]};
  S.ImportedFuncs[Index] = {Alias.Entry.Code, Alias.Entry.Ctx};
  S.FuncRefs[Index] = &Alias.Entry;
}

static std::optional<uint32_t> maxOf(const format::LimitsRec &L) {
  if (!L.HasMax)
    return std::nullopt;
  return uint32_t(L.Max);
}

/// Imports, functions, memories, tables, globals and the VMContext.
static Error build(InstanceState &S, std::vector<Extern> &Imports) {
  const Module::Impl &M = *S.Mod;
  const format::Artifact &A = M.Art;
  uint32_t NF = M.numFuncs();
  S.NumFuncs = NF;
  S.Funcs = std::make_unique<Func[]>(NF);
  S.FuncRefs.resize(NF);
  S.ImportedFuncs.resize(M.NumImportedFuncs);
  S.ImportedFuncObjs.resize(M.NumImportedFuncs);
  S.StackCtxs.push_back(&S.Ctx);

  uint32_t FuncIndex = 0;
  for (size_t I = 0; I < A.Imports.size(); ++I) {
    Extern &E = Imports[I];
    switch (format::ExternKind(A.Imports[I].Kind)) {
    case format::ExternKind::Func:
      bindImportedFunc(S, FuncIndex++, A.Imports[I].TypeIndex, E.F);
      break;
    case format::ExternKind::Table:
      S.Tables.push_back(E.T);
      break;
    case format::ExternKind::Memory:
      S.Memories.push_back(E.M);
      break;
    case format::ExternKind::Global:
      S.Globals.push_back(E.G);
      break;
    }
  }

  for (uint32_t I = M.NumImportedFuncs; I < NF; ++I) {
    const format::FunctionRec &R = A.Functions[I - M.NumImportedFuncs];
    Func &F = S.Funcs[I];
    F.Kind = FuncKind::Wasm;
    F.Index = I;
    F.TypeIndex = R.TypeIndex;
    F.Sig = &M.Sigs[R.TypeIndex];
    F.Owner = &S;
    F.EntryTrampoline = M.entryTrampoline(R.TypeIndex);
    F.Entry = {M.funcCode(I), &S.Ctx, M.SigIds[R.TypeIndex]};
    S.FuncRefs[I] = &F.Entry;
  }

  for (const format::MemoryRec &R : A.Memories) {
    Expected<std::shared_ptr<Memory>> Mem =
        Memory::create(uint32_t(R.Lim.Min), maxOf(R.Lim), A.Mode, S.Account);
    if (!Mem)
      return Mem.takeError();
    S.Memories.push_back(std::move(*Mem));
  }
  for (const format::TableRec &R : A.Tables) {
    Expected<std::shared_ptr<Table>> T =
        Table::create(ValType(R.ElemType), uint32_t(R.Lim.Min), maxOf(R.Lim),
                      nullptr, S.Account);
    if (!T)
      return T.takeError();
    S.Tables.push_back(std::move(*T));
  }

  for (const std::shared_ptr<Global> &G : S.Globals)
    S.GlobalCells.push_back(G->cell());
  for (const format::GlobalRec &R : A.Globals) {
    auto G = std::make_shared<Global>(ValType(R.ValType), R.Mutable != 0);
    evalConst(R.Init, S, G->cell()->Bytes); // sees only earlier globals
    S.GlobalCells.push_back(G->cell());
    S.Globals.push_back(std::move(G));
  }
  for (const std::shared_ptr<Table> &T : S.Tables)
    S.TableDescs.push_back(T->desc());

  VMContext &C = S.Ctx;
  C.MemoryBase = nullptr;
  C.MemorySize = 0;
  C.StackLimit = 0;
  C.Builtins = builtinTable();
  C.ImportedFuncs = S.ImportedFuncs.data();
  C.FuncRefs = S.FuncRefs.data();
  C.Globals = S.GlobalCells.data();
  C.Tables = S.TableDescs.data();
  C.SigIds = M.SigIds.data();
  C.Instance = &S;
  if (Memory *Mem = S.memory0())
    Mem->attach(&C);
  for (VMContext *Other : S.StackCtxs) {
    uint8_t Kind = InstanceState::of(Other).Mod->Art.Target.Interrupt;
    S.Interruptible &= Kind != uint8_t(format::InterruptKind::None);
    S.Fueled &= Kind == uint8_t(format::InterruptKind::PollsAndFuel);
  }

  S.ElemSegs.resize(A.Elems.size());
  S.DataDropped.assign(A.Datas.size(), 0);
  return Error::success();
}

/// Element segments, then data segments, in order (Wasm 2.0). `Exposed`
/// becomes true once this instance's functions may sit in an imported table.
static Error applySegments(InstanceState &S, bool &Exposed) {
  const format::Artifact &A = S.Mod->Art;
  for (size_t I = 0; I < A.Elems.size(); ++I) {
    const format::ElemRec &R = A.Elems[I];
    std::vector<void *> &Items = S.ElemSegs[I];
    Items.reserve(R.Items.size());
    for (const format::ConstExprRec &E : R.Items)
      Items.push_back(evalRef(E, S));
    switch (format::SegmentMode(R.Mode)) {
    case format::SegmentMode::Passive:
      continue;
    case format::SegmentMode::Declarative:
      std::vector<void *>().swap(Items);
      continue;
    case format::SegmentMode::Active:
      break;
    }
    uint32_t Offset = evalOffset(R.Offset, S);
    if (!S.Tables[R.Table]->init(Offset, Items, 0, uint32_t(Items.size())))
      return Error::trap(uint32_t(TrapCode::TableOutOfBounds),
                         trapMessage(TrapCode::TableOutOfBounds));
    if (R.Table < S.Mod->NumImportedTables && !Items.empty())
      Exposed = true;
    std::vector<void *>().swap(Items); // elem.drop
  }

  for (size_t I = 0; I < A.Datas.size(); ++I) {
    const format::DataRec &R = A.Datas[I];
    if (format::SegmentMode(R.Mode) != format::SegmentMode::Active)
      continue;
    Memory &Mem = *S.Memories[R.Memory];
    uint32_t Offset = evalOffset(R.Offset, S);
    if (uint64_t(Offset) + R.Bytes.size() > Mem.sizeBytes())
      return Error::trap(uint32_t(TrapCode::MemoryOutOfBounds),
                         trapMessage(TrapCode::MemoryOutOfBounds));
    if (!R.Bytes.empty())
      std::memcpy(Mem.base() + Offset, R.Bytes.data(), R.Bytes.size());
    S.DataDropped[I] = 1; // data.drop
  }
  return Error::success();
}

Expected<std::unique_ptr<Instance>>
instantiate(const Module &Mod, std::vector<Extern> Imports,
            std::shared_ptr<void> &Retain,
            const std::shared_ptr<ResourceAccount> &Account) {
  const Module::Impl &M = Mod.impl();
  // Before anything is allocated: a module declaring more than the store
  // may hold costs nothing but this check.
  if (Account)
    KILN_CHECK(Account->admitInstance(M.Art));
  auto S = std::make_shared<InstanceState>();
  S->Account = Account; // from here on the state gives the instance back
  S->ModuleRef = M.Self.lock();
  S->Mod = &M;
  if (Error E = build(*S, Imports))
    return E;

  bool Exposed = false;
  if (Error E = applySegments(*S, Exposed)) {
    if (Exposed)
      Retain = S;
    return E;
  }
  if (M.Art.Start != format::NoIndex) {
    Expected<std::vector<Value>> R = callFuncIndex(*S, M.Art.Start, {});
    if (!R) {
      // The start function may have stored references anywhere it could.
      if (M.NumImportedTables || M.NumImportedGlobals)
        Retain = S;
      return R.takeError();
    }
  }

  auto P = std::make_unique<Instance::Impl>();
  P->State = S;
  for (const format::ExportRec &E : M.Art.Exports) {
    P->ExportIndex.emplace(E.Name, P->Exports.size());
    P->Exports.emplace_back(E.Name, exportExtern(S, E));
  }
  return std::make_unique<Instance>(std::move(P));
}

} // namespace kiln::rt
