//===- kiln/runtime.h - The C++ embedding API -------------------*- C++ -*-===//
//
// Load a verified artifact, link its imports, instantiate it, call it:
//
//   kiln::Expected<std::shared_ptr<kiln::Module>> M = kiln::Module::load(Bytes);
//   kiln::Linker L;
//   L.defineFunc("env", "log", {{kiln::ValType::I32}, {}},
//                [](std::span<const kiln::Value> Args, std::span<kiln::Value>)
//                    -> kiln::Error { ...; return kiln::Error::success(); });
//   kiln::Expected<std::unique_ptr<kiln::Instance>> I = L.instantiate(*M);
//   kiln::Expected<std::vector<kiln::Value>> R =
//       (*I)->call("run", {kiln::Value::i32(7)});
//
// A guest trap comes back as an Error of kind Trap (trapCode(), message in
// the spec's wording, the Wasm function index in funcIndex()). Any call can
// be bounded (a Deadline per call or per instance, Instance::interrupt(),
// epochs: kiln/interrupt.h); a stopped call is the Interrupted trap. The runtime
// stays usable after any number of traps. Objects that an instance exports
// (functions, memories, tables, globals) are reference counted and outlive
// the instance as long as someone (another instance, a Linker) holds them.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include "kiln/error.h"
#include "kiln/format.h"
#include "kiln/interrupt.h"
#include "kiln/limits.h"
#include "kiln/target.h"
#include "kiln/trap.h"
#include "kiln/types.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace kiln {

/// A typed Wasm value. Floats are kept as bit patterns (NaN payloads
/// survive); references are pointers (null is nullptr; a funcref points at
/// the runtime's function entry, an externref is whatever the host gave).
struct Value {
  ValType Type = ValType::I32;
  std::array<uint8_t, 16> Bits{}; // little-endian

  static Value i32(uint32_t V);
  static Value i64(uint64_t V);
  static Value f32Bits(uint32_t V);
  static Value f64Bits(uint64_t V);
  static Value v128(const std::array<uint8_t, 16> &V);
  static Value funcRef(void *P);
  static Value externRef(void *P);

  uint32_t i32() const;
  uint64_t i64() const;
  uint32_t f32Bits() const { return i32(); }
  uint64_t f64Bits() const { return i64(); }
  void *ref() const;
};

struct FuncSig {
  std::vector<ValType> Params;
  std::vector<ValType> Results;
  bool operator==(const FuncSig &) const = default;
};

/// A host function: reads Args, writes Results (pre-sized and typed).
/// Returning an Error makes the calling guest trap with HostError and the
/// message.
using HostFunc =
    std::function<Error(std::span<const Value> Args, std::span<Value> Results)>;

/// Checks the loader applies before trusting an artifact. The defaults are
/// "what this runtime build can run".
struct LoadOptions {
  Arch ExpectedArch = hostArch();
  /// Modes this device can honour: guard needs a 64-bit MMU target.
  bool AllowGuard = sizeof(void *) == 8;
  bool AllowBoundsChecked = true;
  /// The features (kiln/cpu_features.def, as "+a,+b") of the CPU the code
  /// will run on: every feature the artifact records must be among them.
  /// Unset: the running CPU's (kiln/host_cpu.h) when the artifact is for
  /// this architecture; not checked when only verifying an artifact for
  /// another one.
  std::optional<std::string> CpuFeatures;
  /// Ed25519 public keys this runtime trusts. When there are any, only
  /// artifacts signed by one of them load (kiln/signature.h; `kiln sign`),
  /// checked before anything else of the file; without any, a signature is
  /// not checked.
  std::vector<std::array<uint8_t, 32>> TrustedKeys;
};

/// A verified artifact with its code mapped (R+X) and relocated. Immutable;
/// instantiate it any number of times.
class Module {
public:
  static Expected<std::shared_ptr<Module>>
  load(std::span<const uint8_t> ArtifactBytes,
       const LoadOptions &Opts = LoadOptions());
  /// Every check load() makes, without mapping anything: whether a runtime
  /// like this one (or one configured by `Opts`) would run the artifact,
  /// and if so its records. For tools and for checking an update before
  /// installing it.
  static Expected<format::Artifact>
  verify(std::span<const uint8_t> ArtifactBytes,
         const LoadOptions &Opts = LoadOptions());
  ~Module();

  const format::Artifact &artifact() const;
  MemoryMode memoryMode() const;
  /// The machine code of defined function `DefinedIndex` (0 is the first
  /// function the module defines, after its imports) where this process
  /// mapped it, for profilers and debuggers; empty for an index out of
  /// range.
  std::span<const uint8_t> functionCode(size_t DefinedIndex) const;

  struct Impl;
  Impl &impl() const { return *P; }

private:
  explicit Module(std::unique_ptr<Impl> P);
  std::unique_ptr<Impl> P;
};

/// Runtime objects that can be imported and exported.
class Func;
class Memory;
class Table;
class Global;

struct Extern {
  ExternKind Kind = ExternKind::Func;
  std::shared_ptr<Func> F;
  std::shared_ptr<Table> T;
  std::shared_ptr<Memory> M;
  std::shared_ptr<Global> G;
};

class Instance;

/// Standalone host-side objects, e.g. the spec suite's "spectest" module.
Expected<std::shared_ptr<Memory>> createMemory(uint32_t MinPages,
                                               std::optional<uint32_t> MaxPages,
                                               MemoryMode Mode);
Expected<std::shared_ptr<Table>> createTable(ValType Elem, uint32_t Min,
                                             std::optional<uint32_t> Max);
std::shared_ptr<Global> createGlobal(Value Init, bool Mutable);
std::shared_ptr<Func> createHostFunc(FuncSig Sig, HostFunc Fn);

/// A host function on raw slots: the arguments, then (written by it) the
/// results, 16 little-endian bytes each (kiln/abi.h's ValSlot). What
/// Linker::defineTyped builds: a call from Wasm reaches it with no Value
/// conversions.
using RawHostFunc = std::function<Error(uint8_t (*Slots)[16])>;
std::shared_ptr<Func> createRawHostFunc(FuncSig Sig, RawHostFunc Fn);

namespace detail {
/// The Wasm type a C++ parameter or result type stands for in TypedFunc.
template <typename T> constexpr ValType wasmTypeOf() {
  if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, uint32_t>)
    return ValType::I32;
  else if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t>)
    return ValType::I64;
  else if constexpr (std::is_same_v<T, float>)
    return ValType::F32;
  else if constexpr (std::is_same_v<T, double>)
    return ValType::F64;
  else
    static_assert(sizeof(T) == 0,
                  "TypedFunc takes int32_t, uint32_t, int64_t, uint64_t, "
                  "float and double");
}
/// Checks F's signature against the C++ one (an error that shows both).
Error checkTypedSig(const Func &F, std::span<const ValType> Params,
                    std::span<const ValType> Results);
/// Calls F with arguments, then results, in 16-byte little-endian slots
/// (the entry trampoline's layout, kiln/abi.h), its signature already
/// checked: no per-call checks, conversions or allocation. `D` (if not
/// null) bounds the call instead of its instance's default deadline.
Error callWithSlots(const Func &F, void *Slots, const Deadline *D = nullptr);
} // namespace detail

/// A function whose signature was checked once against a C++ signature, so
/// each call is a direct jump into the generated code: no argument checks,
/// no Value conversions, no allocation (wasmtime's TypedFunc). Holding it
/// keeps the function's instance alive.
///
///   auto Fir = kiln::TypedFunc<float(int32_t, int32_t)>::wrap(*I, "fir");
///   kiln::Expected<float> Y = (*Fir)(Offset, Count);
template <typename Sig> class TypedFunc;
template <typename R, typename... Ps> class TypedFunc<R(Ps...)> {
public:
  static Expected<TypedFunc> wrap(std::shared_ptr<Func> F) {
    static constexpr ValType Params[] = {detail::wasmTypeOf<Ps>()...,
                                         ValType::I32};
    std::span<const ValType> Ps_(Params, sizeof...(Ps));
    std::span<const ValType> Rs;
    if constexpr (!std::is_void_v<R>) {
      static constexpr ValType Result[] = {detail::wasmTypeOf<R>()};
      Rs = Result;
    }
    if (!F)
      return Error::make(ErrorKind::Usage, "not a function");
    if (Error E = detail::checkTypedSig(*F, Ps_, Rs))
      return E;
    return TypedFunc(std::move(F));
  }
  static Expected<TypedFunc> wrap(const Instance &I, std::string_view Export);

  /// Runs the function (bounded by its instance's default deadline); a
  /// trap comes back as an Error of kind Trap.
  auto operator()(Ps... Args) const { return run(nullptr, Args...); }
  /// Runs the function bounded by `D` (Interrupted trap when it passes).
  auto call(const Deadline &D, Ps... Args) const { return run(&D, Args...); }

  const std::shared_ptr<Func> &func() const { return F; }

private:
  auto run(const Deadline *D, Ps... Args) const {
    alignas(16) uint8_t Slots[std::max<size_t>(sizeof...(Ps), 1)][16];
    size_t Next = 0;
    ((std::memcpy(Slots[Next++], &Args, sizeof(Ps))), ...);
    (void)Next;
    Error E = detail::callWithSlots(*F, Slots, D);
    if constexpr (std::is_void_v<R>) {
      return E;
    } else {
      if (E)
        return Expected<R>(std::move(E));
      R Result;
      std::memcpy(&Result, Slots[0], sizeof(R));
      return Expected<R>(Result);
    }
  }

  explicit TypedFunc(std::shared_ptr<Func> F) : F(std::move(F)) {}
  std::shared_ptr<Func> F;
};

/// Resolves imports by (module, field), and is the store of what it
/// instantiates: the instances it creates, with their memories and tables,
/// are held to its ResourceLimits together (kiln/limits.h).
class Linker {
public:
  Linker();
  ~Linker();
  /// The limits of this Linker's instances from now on (new instances, and
  /// every later memory.grow and table.grow of existing ones). A Linker
  /// starts with ResourceLimits::defaults().
  void setLimits(const ResourceLimits &L);
  ResourceLimits limits() const;
  void define(std::string_view Module, std::string_view Field, Extern E);
  void defineFunc(std::string_view Module, std::string_view Field, FuncSig Sig,
                  HostFunc Fn);
  /// Defines a host function from a C++ callable. `Sig` is `R(Ps...)` with
  /// Wasm scalar types (int32_t, uint32_t, int64_t, uint64_t, float,
  /// double; R may be void), from which the Wasm signature follows; the
  /// callable takes Ps... and returns R, or Expected<R> (Error for void) to
  /// make its caller trap with HostError. The fast path for hot imports.
  template <typename Sig, typename Fn>
  void defineTyped(std::string_view Module, std::string_view Field, Fn F);
  /// Makes every export of `I` importable as (Name, export name).
  void defineInstance(std::string_view Name, const Instance &I);
  /// What (Module, Field) is defined as, if anything: lets a tool check a
  /// module's imports against this Linker before instantiating anything.
  std::optional<Extern> find(std::string_view Module,
                             std::string_view Field) const;
  /// Whether anything is defined under the import module name `Module`.
  bool definesModule(std::string_view Module) const;

  /// Links imports (checking kinds, signatures, limits and global types,
  /// with an error naming the import), creates memories, tables and
  /// globals, applies element and data segments and runs the start function.
  Expected<std::unique_ptr<Instance>> instantiate(const Module &M) const;

private:
  struct Impl;
  std::unique_ptr<Impl> P;
};

class Instance {
public:
  ~Instance();

  /// Calls an exported function. Argument count and types are checked.
  Expected<std::vector<Value>> call(std::string_view Export,
                                    std::span<const Value> Args);
  Expected<std::vector<Value>> call(std::string_view Export,
                                    std::initializer_list<Value> Args) {
    return call(Export, std::span<const Value>(Args.begin(), Args.size()));
  }
  /// The same, bounded by `D` instead of the default deadline.
  Expected<std::vector<Value>> call(std::string_view Export,
                                    std::span<const Value> Args,
                                    const Deadline &D);
  Expected<std::vector<Value>> call(std::string_view Export,
                                    std::initializer_list<Value> Args,
                                    const Deadline &D) {
    return call(Export, std::span<const Value>(Args.begin(), Args.size()), D);
  }

  /// The deadline of every call into this instance that is not given one
  /// (Deadline::none() by default). Refused (Usage) when some code the
  /// instance can run was compiled with --no-interrupt.
  Error setDefaultDeadline(const Deadline &D);
  /// Whether calls into this instance can be stopped: every module whose
  /// code it can run (its own and those it imports functions from) was
  /// compiled with interruption polls.
  bool interruptible() const;
  /// Stops the call running code of this instance now, on whatever thread;
  /// if none is running, the next call into it stops at its first poll.
  /// Safe from any thread at any time (no lock, no allocation).
  void interrupt();
  /// The export named `Name`, if any.
  std::optional<Extern> exportOf(std::string_view Name) const;
  const std::vector<std::pair<std::string, Extern>> &exports() const;

  /// Stack bytes a call may use before trapping with "call stack exhausted";
  /// checked deterministically in every function's prologue.
  void setMaxStackBytes(size_t Bytes);

  /// Real time: pre-faults and locks every linear memory of the instance in
  /// RAM (mlock), now and after each memory.grow, so that no page fault
  /// lands inside a deadline. Needs RLIMIT_MEMLOCK (ulimit -l) or
  /// CAP_IPC_LOCK for the memory's size; says so when refused.
  Error lockMemoryInRam();

  struct Impl;
  Impl &impl() const { return *P; }
  explicit Instance(std::unique_ptr<Impl> P);

private:
  std::unique_ptr<Impl> P;
};

namespace detail {
template <typename Sig> struct TypedHost;
template <typename R, typename... Ps> struct TypedHost<R(Ps...)> {
  static FuncSig sig() {
    FuncSig S{{wasmTypeOf<Ps>()...}, {}};
    if constexpr (!std::is_void_v<R>)
      S.Results.push_back(wasmTypeOf<R>());
    return S;
  }
  template <typename Fn> static RawHostFunc wrap(Fn F) {
    return [F = std::move(F)](uint8_t (*Slots)[16]) -> Error {
      return call(F, Slots, std::index_sequence_for<Ps...>());
    };
  }
  template <typename T> static T arg(uint8_t (*Slots)[16], size_t I) {
    T V;
    std::memcpy(&V, Slots[I], sizeof(T));
    return V;
  }
  template <typename Fn, size_t... Is>
  static Error call(const Fn &F, uint8_t (*Slots)[16],
                    std::index_sequence<Is...>) {
    using Ret = decltype(F(arg<Ps>(Slots, Is)...));
    if constexpr (std::is_void_v<Ret>) {
      F(arg<Ps>(Slots, Is)...);
      return Error::success();
    } else if constexpr (std::is_same_v<Ret, Error>) {
      return F(arg<Ps>(Slots, Is)...);
    } else if constexpr (std::is_same_v<Ret, R>) {
      R V = F(arg<Ps>(Slots, Is)...);
      std::memcpy(Slots[0], &V, sizeof(R));
      return Error::success();
    } else {
      static_assert(std::is_same_v<Ret, Expected<R>>,
                    "a typed host function returns R, or Expected<R> "
                    "(Error when R is void)");
      Expected<R> V = F(arg<Ps>(Slots, Is)...);
      if (!V)
        return V.takeError();
      std::memcpy(Slots[0], &*V, sizeof(R));
      return Error::success();
    }
  }
};
} // namespace detail

template <typename Sig, typename Fn>
void Linker::defineTyped(std::string_view Module, std::string_view Field,
                         Fn F) {
  Extern E;
  E.Kind = ExternKind::Func;
  E.F = createRawHostFunc(detail::TypedHost<Sig>::sig(),
                          detail::TypedHost<Sig>::wrap(std::move(F)));
  define(Module, Field, std::move(E));
}

template <typename R, typename... Ps>
Expected<TypedFunc<R(Ps...)>>
TypedFunc<R(Ps...)>::wrap(const Instance &I, std::string_view Export) {
  std::optional<Extern> E = I.exportOf(Export);
  if (!E || E->Kind != ExternKind::Func)
    return Error::make(ErrorKind::Usage, "no exported function named '" +
                                             std::string(Export) + "'");
  return wrap(E->F);
}

/// Calls a function object (an export or a funcref); `D`, if not null,
/// bounds the call instead of its instance's default deadline.
Expected<std::vector<Value>> callFunc(const Func &F, std::span<const Value> Args,
                                      const Deadline *D = nullptr);
const FuncSig &funcSig(const Func &F);
Value globalValue(const Global &G);
Error setGlobalValue(Global &G, const Value &V);
uint64_t memorySizeBytes(const Memory &M);
uint8_t *memoryData(Memory &M);

/// Real time: pre-faults and locks `Bytes` of the calling thread's stack,
/// below the current frame, in RAM, so that calls made from this thread
/// (up to Instance::setMaxStackBytes deep) take no page fault on the stack.
/// Refused when the thread's stack is smaller than that.
Error lockStackInRam(size_t Bytes);

/// While a host function runs on this thread: memory 0 of the instance that
/// imported it, or null (no memory, or not inside a host function). Host
/// modules (WASI, hostlib) reach guest buffers through it, checking every
/// (offset, length) against memorySizeBytes() first.
Memory *callerMemory();

} // namespace kiln

#endif // KILN_RUNTIME_H
