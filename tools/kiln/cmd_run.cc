//===- tools/kiln/cmd_run.cc - kiln run -----------------------------------===//
//
// `kiln run FILE.kiln|FILE.wasm --invoke NAME [ARGS...]`: load (compiling a
// .wasm in memory first, in builds with the compiler), instantiate and call
// an export, printing its results one per line. A trap prints the trap and
// exits 1; the process itself never dies because the guest misbehaved.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/cli.h"
#include "tools/kiln/commands.h"
#include "tools/kiln/module_loader.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kiln::cli {

static void printRunHelp() {
  std::printf(
      "Run a compiled artifact (or a .wasm module, compiled in memory).\n\n"
      "Usage: kiln run [OPTIONS] <FILE.kiln|FILE.wasm> --invoke <NAME> "
      "[ARGS...]\n\n"
      "Arguments after the file are the function's parameters, written as\n"
      "decimal integers or floats (nan, inf accepted), one per parameter.\n\n"
      "Options:\n"
      "      --invoke <NAME>   The exported function to call\n"
      "      --bounds-checks   For .wasm input: compile with explicit bounds "
      "checks\n"
      "  -h, --help            Print help\n\n"
      "Exit status: 0 on success, 1 if the module is refused or traps, 2 on "
      "usage errors.\n");
}

static bool parseArg(const std::string &S, ValType T, Value &Out) {
  const char *P = S.c_str();
  char *End = nullptr;
  errno = 0;
  switch (T) {
  case ValType::I32:
  case ValType::I64: {
    bool Neg = !S.empty() && S[0] == '-';
    uint64_t U = Neg ? uint64_t(std::strtoll(P, &End, 0))
                     : std::strtoull(P, &End, 0);
    if (errno || End == P || *End)
      return false;
    if (T == ValType::I32) {
      if (Neg ? int64_t(U) < INT32_MIN : U > UINT32_MAX)
        return false;
      Out = Value::i32(uint32_t(U));
    } else {
      Out = Value::i64(U);
    }
    return true;
  }
  case ValType::F32: {
    float F = std::strtof(P, &End);
    if (End == P || *End)
      return false;
    uint32_t Bits;
    std::memcpy(&Bits, &F, 4);
    Out = Value::f32Bits(Bits);
    return true;
  }
  case ValType::F64: {
    double D = std::strtod(P, &End);
    if (End == P || *End)
      return false;
    uint64_t Bits;
    std::memcpy(&Bits, &D, 8);
    Out = Value::f64Bits(Bits);
    return true;
  }
  case ValType::V128:
  case ValType::FuncRef:
  case ValType::ExternRef:
    return false;
  }
  return false;
}


static void printValue(const Value &V) {
  switch (V.Type) {
  case ValType::I32:
    std::printf("%" PRId32 "\n", int32_t(V.i32()));
    return;
  case ValType::I64:
    std::printf("%" PRId64 "\n", int64_t(V.i64()));
    return;
  case ValType::F32: {
    float F;
    uint32_t B = V.f32Bits();
    std::memcpy(&F, &B, 4);
    std::printf("%.9g\n", double(F));
    return;
  }
  case ValType::F64: {
    double D;
    uint64_t B = V.f64Bits();
    std::memcpy(&D, &B, 8);
    std::printf("%.17g\n", D);
    return;
  }
  case ValType::V128:
    for (int I = 15; I >= 0; --I)
      std::printf("%02x", V.Bits[size_t(I)]);
    std::printf("\n");
    return;
  case ValType::FuncRef:
  case ValType::ExternRef:
    std::printf("%s\n", V.ref() ? "ref" : "null");
    return;
  }
}

int runMain(const std::vector<std::string> &Args) {
  std::string File, Invoke;
  std::vector<std::string> FuncArgs;
  ModuleSource Src;
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    if (!File.empty() && !(A == "--invoke" && Invoke.empty())) {
      FuncArgs.push_back(A); // everything after the file is the guest's
      continue;
    }
    if (isHelpFlag(A)) {
      printRunHelp();
      return ExitOk;
    }
    if (A == "--invoke") {
      if (I + 1 >= Args.size())
        return usageError("run", "--invoke needs a function name");
      Invoke = Args[++I];
    } else if (A == "--bounds-checks") {
#ifdef KILN_WITH_COMPILER
      Src.Compile.Mode = MemoryMode::BoundsChecked;
#endif
    } else if (A.size() > 1 && A[0] == '-') {
      return usageError("run", "unknown option '" + A + "'");
    } else {
      File = A;
    }
  }
  if (File.empty())
    return usageError("run", "no module given");
  if (Invoke.empty())
    return usageError("run", "--invoke <NAME> is required (WASI commands "
                             "arrive with WASI support)");

  Expected<std::vector<uint8_t>> Bytes = readFile(File);
  if (!Bytes) {
    std::fprintf(stderr, "error: %s\n", Bytes.takeError().str().c_str());
    return ExitFailure;
  }
  Expected<std::shared_ptr<Module>> M = loadModuleBytes(*Bytes, Src);
  if (!M) {
    std::fprintf(stderr, "error: %s: %s\n", File.c_str(),
                 M.takeError().str().c_str());
    return ExitFailure;
  }
  Linker L;
  Expected<std::unique_ptr<Instance>> Inst = L.instantiate(**M);
  if (!Inst) {
    std::fprintf(stderr, "error: %s: %s\n", File.c_str(),
                 Inst.takeError().str().c_str());
    return ExitFailure;
  }
  std::optional<Extern> E = (*Inst)->exportOf(Invoke);
  if (!E || E->Kind != ExternKind::Func) {
    std::fprintf(stderr, "error: %s has no exported function '%s'\n",
                 File.c_str(), Invoke.c_str());
    return ExitFailure;
  }
  const FuncSig &Sig = funcSig(*E->F);
  if (FuncArgs.size() != Sig.Params.size())
    return usageError("run", formatString("'%s' takes %zu argument(s), %zu "
                                          "given",
                                          Invoke.c_str(), Sig.Params.size(),
                                          FuncArgs.size()));
  std::vector<Value> Vals(FuncArgs.size());
  for (size_t K = 0; K < FuncArgs.size(); ++K)
    if (!parseArg(FuncArgs[K], Sig.Params[K], Vals[K]))
      return usageError("run", formatString("argument %zu ('%s') is not a "
                                            "valid %s",
                                            K + 1, FuncArgs[K].c_str(),
                                            valTypeName(Sig.Params[K])));
  Expected<std::vector<Value>> R = (*Inst)->call(Invoke, Vals);
  if (!R) {
    Error Err = R.takeError();
    std::fprintf(stderr, "error: %s%s\n",
                 Err.kind() == ErrorKind::Trap ? "wasm trap: " : "",
                 Err.str().c_str());
    return ExitFailure;
  }
  for (const Value &V : *R)
    printValue(V);
  return ExitOk;
}

} // namespace kiln::cli
