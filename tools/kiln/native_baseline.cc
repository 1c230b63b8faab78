//===- tools/kiln/native_baseline.cc - kiln bench --native ----------------===//
//
// How a function whose type is known only at run time is called with no
// libffi and no per-call marshalling: on x86-64 (System V), AArch64 and
// RISC-V LP64D the first integer arguments go in integer registers and the
// first floating-point ones in FP registers, each class in order and
// independently of the other. Calling through a pointer typed
//   R (*)(int64 x 6, double x 8)
// therefore puts every integer argument where the callee reads it and
// every FP argument in the register the callee reads it from, whatever the
// order of the two classes in its real signature; the extra registers are
// ignored. Two details make narrower types land right: an i32 is passed
// sign-extended (RISC-V requires it; the others ignore the upper half) and
// an f32 as a double whose low half holds the float and whose upper half is
// all ones (the callee reads the low 32 bits; RISC-V also wants them
// NaN-boxed that way). Stack-passed arguments (32-bit ABIs, or more
// arguments than registers) do not have this property, so those are refused
// rather than called wrongly.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/native_baseline.h"

#include <algorithm>
#include <cstring>
#include <dlfcn.h>
#include <sys/stat.h>
#include <utility>

#if defined(__x86_64__) || defined(__aarch64__) ||                             \
    (defined(__riscv) && __riscv_xlen == 64 && defined(__riscv_float_abi_double))
#define KILN_NATIVE_BASELINE_SUPPORTED 1
#else
#define KILN_NATIVE_BASELINE_SUPPORTED 0
#endif

namespace kiln::cli {

namespace {
template <typename R>
using RegisterCall = R (*)(int64_t, int64_t, int64_t, int64_t, int64_t,
                           int64_t, double, double, double, double, double,
                           double, double, double);
} // namespace

static bool isFloat(ValType T) {
  return T == ValType::F32 || T == ValType::F64;
}

static bool isScalar(ValType T) {
  return T == ValType::I32 || T == ValType::I64 || isFloat(T);
}

/// dlopen searches the library path for a name without a '/', never the
/// current directory; a file that is right here is what the user meant.
static std::string libraryPath(const std::string &Lib) {
  struct stat St;
  if (Lib.find('/') == std::string::npos && ::stat(Lib.c_str(), &St) == 0)
    return "./" + Lib;
  return Lib;
}

Expected<NativeBaseline>
NativeBaseline::open(const std::string &Spec, std::span<const ValType> Params,
                     std::span<const ValType> Results) {
  size_t Colon = Spec.rfind(':');
  if (Colon == std::string::npos || Colon == 0 || Colon + 1 == Spec.size())
    return Error::make(ErrorKind::Usage,
                       "--native needs LIB.so:SYMBOL, got '" + Spec + "'");
  if (!KILN_NATIVE_BASELINE_SUPPORTED)
    return Error::make(ErrorKind::Unsupported,
                       "--native is supported on x86-64, aarch64 and riscv64 "
                       "hosts (arguments in registers), not on this one");
  size_t Ints = 0, Floats = 0;
  for (ValType T : Params) {
    if (!isScalar(T))
      return Error::make(ErrorKind::Unsupported,
                         std::string("--native cannot pass a ") +
                             valTypeName(T) + " argument");
    ++(isFloat(T) ? Floats : Ints);
  }
  if (Ints > MaxIntArgs || Floats > MaxFloatArgs)
    return Error::make(ErrorKind::Unsupported,
                       formatString("--native calls functions of up to %zu "
                                    "integer and %zu float arguments; this "
                                    "one has %zu and %zu",
                                    MaxIntArgs, MaxFloatArgs, Ints, Floats));
  if (Results.size() > 1 || (Results.size() == 1 && !isScalar(Results[0])))
    return Error::make(ErrorKind::Unsupported,
                       "--native calls functions with at most one i32, i64, "
                       "f32 or f64 result");

  std::string Lib = Spec.substr(0, Colon), Sym = Spec.substr(Colon + 1);
  NativeBaseline B;
  B.Handle = ::dlopen(libraryPath(Lib).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!B.Handle)
    return Error::make(ErrorKind::Io, "--native: cannot load " + Lib + ": " +
                                          ::dlerror());
  B.Symbol = ::dlsym(B.Handle, Sym.c_str());
  if (!B.Symbol)
    return Error::make(ErrorKind::Link, "--native: " + Lib +
                                            " has no symbol '" + Sym + "'");
  B.NumParams = Params.size();
  std::copy(Params.begin(), Params.end(), B.ParamTypes);
  B.HasResult = !Results.empty();
  if (B.HasResult)
    B.ResultType = Results[0];
  return B;
}

NativeBaseline::NativeBaseline(NativeBaseline &&O) noexcept
    : Handle(std::exchange(O.Handle, nullptr)), Symbol(O.Symbol),
      ResultType(O.ResultType), HasResult(O.HasResult),
      NumParams(O.NumParams), Result(O.Result) {
  std::memcpy(ParamTypes, O.ParamTypes, sizeof(ParamTypes));
  std::memcpy(Ints, O.Ints, sizeof(Ints));
  std::memcpy(Floats, O.Floats, sizeof(Floats));
}

NativeBaseline::~NativeBaseline() {
  if (Handle)
    ::dlclose(Handle);
}

bool NativeBaseline::callSetup(const std::string &Name) {
  void *Setup = ::dlsym(Handle, Name.c_str());
  if (!Setup)
    return false;
  reinterpret_cast<void (*)()>(Setup)();
  return true;
}

void NativeBaseline::setArgs(const uint8_t (*Slots)[16]) {
  size_t NextInt = 0, NextFloat = 0;
  for (size_t I = 0; I < NumParams; ++I) {
    switch (ParamTypes[I]) {
    case ValType::I32: {
      int32_t V;
      std::memcpy(&V, Slots[I], 4);
      Ints[NextInt++] = V; // sign-extended
      break;
    }
    case ValType::I64:
      std::memcpy(&Ints[NextInt++], Slots[I], 8);
      break;
    case ValType::F32: {
      uint64_t Boxed = 0xffffffff00000000u;
      std::memcpy(&Boxed, Slots[I], 4); // little-endian: the low half
      std::memcpy(&Floats[NextFloat++], &Boxed, 8);
      break;
    }
    case ValType::F64:
      std::memcpy(&Floats[NextFloat++], Slots[I], 8);
      break;
    case ValType::V128:
    case ValType::FuncRef:
    case ValType::ExternRef:
      break; // refused by open()
    }
  }
}

void NativeBaseline::call() {
  const int64_t *I = Ints;
  const double *F = Floats;
#define KILN_REGISTER_ARGS                                                     \
  I[0], I[1], I[2], I[3], I[4], I[5], F[0], F[1], F[2], F[3], F[4], F[5],      \
      F[6], F[7]
  if (HasResult && ResultType == ValType::F32) {
    float R = reinterpret_cast<RegisterCall<float>>(Symbol)(KILN_REGISTER_ARGS);
    uint32_t Bits;
    std::memcpy(&Bits, &R, 4);
    Result = Bits;
  } else if (HasResult && ResultType == ValType::F64) {
    double R =
        reinterpret_cast<RegisterCall<double>>(Symbol)(KILN_REGISTER_ARGS);
    std::memcpy(&Result, &R, 8);
  } else {
    uint64_t R =
        reinterpret_cast<RegisterCall<uint64_t>>(Symbol)(KILN_REGISTER_ARGS);
    // An i32 result leaves the upper half of the register undefined.
    Result = HasResult && ResultType == ValType::I32 ? uint32_t(R) : R;
  }
#undef KILN_REGISTER_ARGS
}

} // namespace kiln::cli
