//===- tools/kiln/native_baseline.h - kiln bench --native -------*- C++ -*-===//
//
// The baseline `kiln bench --native LIB.so:SYMBOL` times next to the Wasm
// export: the same C compiled natively into a shared library, opened with
// dlopen and called with the export's arguments. The symbol's C signature
// must be the one the export's Wasm type stands for (int32_t, int64_t,
// float, double; at most one result); a shared library carries no types,
// so they are taken from the export.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TOOLS_NATIVE_BASELINE_H
#define KILN_TOOLS_NATIVE_BASELINE_H

#include "kiln/error.h"
#include "kiln/types.h"

#include <cstdint>
#include <span>
#include <string>

namespace kiln::cli {

class NativeBaseline {
public:
  /// Arguments and results the baseline supports (the register-passed
  /// ones of the 64-bit calling conventions, see the .cc).
  static constexpr size_t MaxIntArgs = 6, MaxFloatArgs = 8;

  /// Opens "LIB:SYMBOL" for a function of Params -> Results. Usage errors
  /// (no ':', a signature it cannot call) and load errors (no library, no
  /// symbol) say which part is wrong.
  static Expected<NativeBaseline> open(const std::string &Spec,
                                       std::span<const ValType> Params,
                                       std::span<const ValType> Results);
  NativeBaseline(NativeBaseline &&O) noexcept;
  NativeBaseline &operator=(NativeBaseline &&) = delete;
  ~NativeBaseline();

  /// Calls the library's `void Symbol(void)` once if it has one (the
  /// native side of `--setup`, an init the measured function relies on);
  /// false when it has none.
  bool callSetup(const std::string &Symbol);

  /// Takes the arguments, in the 16-byte little-endian slots of a Wasm
  /// call (kiln/abi.h), once; call() then passes them every time.
  void setArgs(const uint8_t (*Slots)[16]);

  /// Calls the function: an indirect call with the arguments in registers,
  /// no allocation. The result is kept for result().
  void call();

  /// The last result in a Wasm result slot's layout (i32 zero-extended).
  uint64_t resultBits() const { return Result; }

private:
  NativeBaseline() = default;
  void *Handle = nullptr;
  void *Symbol = nullptr;
  ValType ResultType = ValType::I32;
  bool HasResult = false;
  size_t NumParams = 0;
  ValType ParamTypes[MaxIntArgs + MaxFloatArgs] = {};
  int64_t Ints[MaxIntArgs] = {};
  double Floats[MaxFloatArgs] = {};
  uint64_t Result = 0;
};

} // namespace kiln::cli

#endif // KILN_TOOLS_NATIVE_BASELINE_H
