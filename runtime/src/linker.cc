//===- runtime/src/linker.cc - Resolving imports --------------------------===//
//
// Imports are resolved in order by (module, field) and checked against the
// import's declared type with the spec's rules: kinds must match, functions
// need equal signatures, globals equal type and mutability, and tables and
// memories limits subtyping (the provided object's current size is at least
// the declared min; if a max is declared, the object has a max no larger).
// Errors name the import and say why; the spec suite matches the prefixes
// "unknown import" and "incompatible import type".
//
//===----------------------------------------------------------------------===//

#include "src/func.h"
#include "src/global.h"
#include "src/instance.h"
#include "src/instantiate.h"
#include "src/memory.h"
#include "src/signatures.h"
#include "src/table.h"

#include <map>
#include <mutex>
#include <utility>

namespace kiln {

struct Linker::Impl {
  std::map<std::pair<std::string, std::string>, Extern> Defs;
  /// Instances whose instantiation failed after their functions were
  /// stored in imported tables (see rt::instantiate): kept as long as the
  /// Linker, like a store would. When they go, their table entries are
  /// nulled.
  std::mutex RetainLock;
  std::vector<std::shared_ptr<void>> Retained;
  /// What this Linker's instances hold, against its ResourceLimits.
  std::shared_ptr<rt::ResourceAccount> Account =
      std::make_shared<rt::ResourceAccount>(ResourceLimits::defaults());
};

Linker::Linker() : P(std::make_unique<Impl>()) {}
Linker::~Linker() = default;

void Linker::setLimits(const ResourceLimits &L) { P->Account->setLimits(L); }
ResourceLimits Linker::limits() const { return P->Account->limits(); }

void Linker::define(std::string_view Module, std::string_view Field,
                    Extern E) {
  P->Defs[{std::string(Module), std::string(Field)}] = std::move(E);
}

void Linker::defineFunc(std::string_view Module, std::string_view Field,
                        FuncSig Sig, HostFunc Fn) {
  Extern E;
  E.Kind = ExternKind::Func;
  E.F = createHostFunc(std::move(Sig), std::move(Fn));
  define(Module, Field, std::move(E));
}

std::optional<Extern> Linker::find(std::string_view Module,
                                   std::string_view Field) const {
  auto It = P->Defs.find({std::string(Module), std::string(Field)});
  if (It == P->Defs.end())
    return std::nullopt;
  return It->second;
}

bool Linker::definesModule(std::string_view Module) const {
  auto It = P->Defs.lower_bound({std::string(Module), std::string()});
  return It != P->Defs.end() && It->first.first == Module;
}

void Linker::defineInstance(std::string_view Name, const Instance &I) {
  for (const auto &[Field, E] : I.exports())
    define(Name, Field, E);
}


static std::string limitsString(uint64_t Min, std::optional<uint64_t> Max) {
  if (Max)
    return formatString("{min %llu, max %llu}", (unsigned long long)Min,
                        (unsigned long long)*Max);
  return formatString("{min %llu, no max}", (unsigned long long)Min);
}

/// Limits subtyping: [Min, Max] fits within the declared [DMin, DMax].
static bool limitsMatch(uint64_t Min, std::optional<uint64_t> Max,
                        const format::LimitsRec &Declared) {
  if (Min < Declared.Min)
    return false;
  if (!Declared.HasMax)
    return true;
  return Max && *Max <= Declared.Max;
}

static std::string globalTypeString(ValType T, bool Mutable) {
  return Mutable ? std::string("(mut ") + valTypeName(T) + ")"
                 : std::string(valTypeName(T));
}

static std::optional<uint64_t> declaredMax(const format::LimitsRec &L) {
  return L.HasMax ? std::optional<uint64_t>(L.Max) : std::nullopt;
}

/// Why `E` cannot satisfy import `I` of M, or an empty string.
static std::string mismatch(const format::ImportRec &I, const Extern &E,
                            const Module::Impl &M) {
  auto Want = ExternKind(I.Kind);
  bool Present = (E.Kind == ExternKind::Func && E.F) ||
                 (E.Kind == ExternKind::Table && E.T) ||
                 (E.Kind == ExternKind::Memory && E.M) ||
                 (E.Kind == ExternKind::Global && E.G);
  if (E.Kind != Want || !Present)
    return formatString("expected %s, got %s", externKindName(Want),
                        Present ? externKindName(E.Kind) : "nothing");
  switch (Want) {
  case ExternKind::Func: {
    const FuncSig &Expected = M.Sigs[I.TypeIndex];
    if (*E.F->Sig == Expected)
      return {};
    return "expected " + rt::sigString(Expected) + ", got " +
           rt::sigString(*E.F->Sig);
  }
  case ExternKind::Table: {
    auto Elem = ValType(I.ElemType);
    std::optional<uint64_t> Max;
    if (E.T->max())
      Max = *E.T->max();
    if (E.T->elemType() == Elem && limitsMatch(E.T->size(), Max, I.Lim))
      return {};
    return std::string("expected table ") + limitsString(I.Lim.Min, declaredMax(I.Lim)) +
           " " + valTypeName(Elem) + ", got table " +
           limitsString(E.T->size(), Max) + " " +
           valTypeName(E.T->elemType());
  }
  case ExternKind::Memory: {
    std::optional<uint64_t> Max;
    if (E.M->maxPages())
      Max = *E.M->maxPages();
    if (!limitsMatch(E.M->pages(), Max, I.Lim))
      return "expected memory " + limitsString(I.Lim.Min, declaredMax(I.Lim)) +
             " pages, got memory " + limitsString(E.M->pages(), Max) + " pages";
    // Guard-mode code has no bounds checks: it needs the reservation.
    if (M.Art.Mode == MemoryMode::Guard && E.M->mode() != MemoryMode::Guard)
      return std::string("the module needs a guard-mode memory, got a ") +
             memoryModeName(E.M->mode()) + " one";
    return {};
  }
  case ExternKind::Global: {
    auto T = ValType(I.ValType);
    bool Mut = I.Mutable != 0;
    if (E.G->type() == T && E.G->isMutable() == Mut)
      return {};
    return "expected global " + globalTypeString(T, Mut) + ", got global " +
           globalTypeString(E.G->type(), E.G->isMutable());
  }
  }
  return "unknown import kind";
}

Expected<std::unique_ptr<Instance>>
Linker::instantiate(const Module &Mod) const {
  const Module::Impl &M = Mod.impl();
  std::vector<Extern> Imports;
  Imports.reserve(M.Art.Imports.size());
  for (const format::ImportRec &I : M.Art.Imports) {
    std::string Name = I.Module + "." + I.Field;
    auto It = P->Defs.find({I.Module, I.Field});
    if (It == P->Defs.end())
      return Error::make(ErrorKind::Link, "unknown import: " + Name);
    std::string Why = mismatch(I, It->second, M);
    if (!Why.empty())
      return Error::make(ErrorKind::Link,
                         "incompatible import type for " + Name + ": " + Why);
    Imports.push_back(It->second);
  }
  std::shared_ptr<void> Retain;
  Expected<std::unique_ptr<Instance>> I =
      rt::instantiate(Mod, std::move(Imports), Retain, P->Account);
  if (Retain) {
    std::lock_guard<std::mutex> Guard(P->RetainLock);
    P->Retained.push_back(std::move(Retain));
  }
  return I;
}

} // namespace kiln
