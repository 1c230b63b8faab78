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
// the spec's wording, the Wasm function index in funcIndex()). The runtime
// stays usable after any number of traps. Objects that an instance exports
// (functions, memories, tables, globals) are reference counted and outlive
// the instance as long as someone (another instance, a Linker) holds them.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include "kiln/error.h"
#include "kiln/format.h"
#include "kiln/target.h"
#include "kiln/trap.h"
#include "kiln/types.h"

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
};

/// A verified artifact with its code mapped (R+X) and relocated. Immutable;
/// instantiate it any number of times.
class Module {
public:
  static Expected<std::shared_ptr<Module>>
  load(std::span<const uint8_t> ArtifactBytes,
       const LoadOptions &Opts = LoadOptions());
  ~Module();

  const format::Artifact &artifact() const;
  MemoryMode memoryMode() const;

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

/// Resolves imports by (module, field).
class Linker {
public:
  Linker();
  ~Linker();
  void define(std::string_view Module, std::string_view Field, Extern E);
  void defineFunc(std::string_view Module, std::string_view Field, FuncSig Sig,
                  HostFunc Fn);
  /// Makes every export of `I` importable as (Name, export name).
  void defineInstance(std::string_view Name, const Instance &I);

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
  /// The export named `Name`, if any.
  std::optional<Extern> exportOf(std::string_view Name) const;
  const std::vector<std::pair<std::string, Extern>> &exports() const;

  /// Stack bytes a call may use before trapping with "call stack exhausted";
  /// checked deterministically in every function's prologue.
  void setMaxStackBytes(size_t Bytes);

  struct Impl;
  Impl &impl() const { return *P; }
  explicit Instance(std::unique_ptr<Impl> P);

private:
  std::unique_ptr<Impl> P;
};

/// Calls a function object (an export or a funcref).
Expected<std::vector<Value>> callFunc(const Func &F, std::span<const Value> Args);
const FuncSig &funcSig(const Func &F);
Value globalValue(const Global &G);
Error setGlobalValue(Global &G, const Value &V);
uint64_t memorySizeBytes(const Memory &M);
uint8_t *memoryData(Memory &M);

/// While a host function runs on this thread: memory 0 of the instance that
/// imported it, or null (no memory, or not inside a host function). Host
/// modules (WASI, hostlib) reach guest buffers through it, checking every
/// (offset, length) against memorySizeBytes() first.
Memory *callerMemory();

} // namespace kiln

#endif // KILN_RUNTIME_H
