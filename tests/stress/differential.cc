//===- tests/stress/differential.cc - Kiln against binaryen's interpreter -===//
//
//   kiln-differential WASM_OPT OUT_DIR COUNT FIRST_SEED [--max-input BYTES]
//                     [--verbose] [--opt N] [--replay FILE.wasm]
//
// --replay compares one given module (a kept divergence, or a reduction of
// one by wasm-reduce) instead of generating; --opt fixes the -O level.
//
// Differential testing of the whole compiler and runtime. For each seed
// FIRST_SEED .. FIRST_SEED+COUNT-1:
//
//  1. random bytes become a valid Wasm 2.0 module with SIMD through
//     binaryen's translate-to-fuzz (`wasm-opt -ttf`), with `--denan` so that
//     NaN payloads (which the spec leaves nondeterministic) cannot reach an
//     integer and make two correct engines disagree;
//  2. the oracle runs it: binaryen's interpreter (`--fuzz-exec-before`)
//     calls every exported function with zero arguments and prints every
//     call to the "fuzzing-support" logging imports, every result and every
//     trap;
//  3. Kiln compiles it (at -O0..-O3 by seed) in guard mode and in
//     bounds-checked mode, loads it through the verifier, and runs it the
//     way binaryen does (the module's "hangLimitInitializer" export before
//     each call, arguments zero, one instance for all calls, so that memory
//     and globals carry over), recording the same events;
//  4. the two event lists must be equal: the same calls, the same logged
//     values and results bit for bit (any NaN equals any NaN), a trap where
//     the oracle traps. Trap messages are not compared (each engine words
//     its own).
//
// A module the oracle cannot finish (its interpreter's own host limits) is
// skipped and counted. A divergence keeps the module in OUT_DIR and prints
// the first event that differs; agreeing modules are deleted.
//
// Prints each divergence, then 'N passed, N failed, N skipped' over modules
// (a module passes when both memory modes agree with the oracle).
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"
#include "kiln/runtime.h"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

using namespace kiln;

namespace {

/// Wasm 2.0 with SIMD, as binaryen spells it. Reference types stay off:
/// binaryen 108 generates typed function references under that flag, which
/// are not Wasm 2.0.
constexpr const char *WasmFeatures =
    "--enable-simd --enable-sign-ext --enable-nontrapping-float-to-int "
    "--enable-bulk-memory --enable-multivalue";

enum class EventKind { Call, Log, Result, Trap, Other };

/// What the oracle printed, one line: values as binaryen's text tokens.
struct OracleEvent {
  EventKind Kind;
  std::string Name; // Call and Result: the export; Other: the whole line
  std::vector<std::string> Tokens;
};

/// What Kiln did: values with their types.
struct TypedValue {
  ValType Type;
  Value V;
};
struct KilnEvent {
  EventKind Kind;
  std::string Name;
  std::vector<TypedValue> Values;
  std::string Detail; // a non-trap error, which is always a divergence
};

std::string runCapture(const std::string &Cmd, int &Status) {
  std::string Out;
  FILE *P = popen(Cmd.c_str(), "r");
  if (!P) {
    Status = -1;
    return Out;
  }
  char Buf[4096];
  size_t N;
  while ((N = fread(Buf, 1, sizeof Buf, P)) > 0)
    Out.append(Buf, N);
  Status = pclose(P);
  return Out;
}

std::vector<std::string> splitValueTokens(std::string S) {
  for (char &C : S)
    if (C == '(' || C == ')' || C == ',')
      C = ' ';
  std::vector<std::string> T;
  size_t I = 0;
  while (I < S.size()) {
    while (I < S.size() && S[I] == ' ')
      ++I;
    size_t J = I;
    while (J < S.size() && S[J] != ' ')
      ++J;
    if (J > I)
      T.push_back(S.substr(I, J - I));
    I = J;
  }
  return T;
}

bool startsWith(const std::string &S, const char *P) {
  return S.compare(0, std::strlen(P), P) == 0;
}

/// Parses --fuzz-exec-before output. Returns false when the oracle hit a
/// host limit of its own (a result it says not to compare).
bool parseOracle(const std::string &Text, std::vector<OracleEvent> &Events) {
  size_t Pos = 0;
  while (Pos < Text.size()) {
    size_t End = Text.find('\n', Pos);
    if (End == std::string::npos)
      End = Text.size();
    std::string L = Text.substr(Pos, End - Pos);
    Pos = End + 1;
    if (L.empty())
      continue;
    static const char *Calling = "[fuzz-exec] calling ";
    static const char *Note = "[fuzz-exec] note result: ";
    static const char *Logging = "[LoggingExternalInterface logging";
    if (startsWith(L, Calling)) {
      Events.push_back({EventKind::Call, L.substr(std::strlen(Calling)), {}});
    } else if (startsWith(L, Note)) {
      std::string Rest = L.substr(std::strlen(Note));
      size_t Arrow = Rest.find(" => ");
      if (Arrow == std::string::npos) {
        Events.push_back({EventKind::Other, L, {}});
        continue;
      }
      Events.push_back({EventKind::Result, Rest.substr(0, Arrow),
                        splitValueTokens(Rest.substr(Arrow + 4))});
    } else if (startsWith(L, Logging) && L.back() == ']') {
      std::string Rest =
          L.substr(std::strlen(Logging), L.size() - 1 - std::strlen(Logging));
      Events.push_back({EventKind::Log, "", splitValueTokens(Rest)});
    } else if (startsWith(L, "[trap ")) {
      Events.push_back({EventKind::Trap, "", {}});
    } else if (startsWith(L, "[host limit")) {
      return false;
    } else {
      Events.push_back({EventKind::Other, L, {}});
    }
  }
  return true;
}

bool parseInt(const std::string &T, int64_t &Out) {
  char *E = nullptr;
  errno = 0;
  long long V = std::strtoll(T.c_str(), &E, 10);
  if (errno || *E)
    return false;
  Out = V;
  return true;
}

/// Equal as Wasm sees a float: bit for bit, except that NaNs are all equal.
bool floatMatches(double Kiln, const std::string &T) {
  if (std::isnan(Kiln))
    return T.find("nan") != std::string::npos;
  char *E = nullptr;
  double O = std::strtod(T.c_str(), &E);
  if (*E)
    return false;
  return std::memcmp(&O, &Kiln, sizeof O) == 0;
}

/// How many v128 values were equal only up to NaN payloads.
unsigned long NanLaneMatches = 0;

bool isF32Nan(uint32_t X) {
  return (X & 0x7f800000u) == 0x7f800000u && (X & 0x7fffffu);
}
bool isF64Nan(uint32_t Lo, uint32_t Hi) {
  return (Hi & 0x7ff00000u) == 0x7ff00000u && ((Hi & 0xfffffu) || Lo);
}

/// Lanes equal bit for bit, except that a NaN lane (as f64x2 or as f32x4)
/// equals any NaN in the same place. --denan does not reach into vectors in
/// binaryen 108, and the spec lets a float lane op return any NaN when an
/// operand is one: binaryen's interpreter gives the canonical NaN, x86's
/// SSE keeps the first operand's payload. Without the lane type (the
/// vector may hold anything) both shapes are tried, per 64-bit half.
bool v128Matches(const uint32_t K[4], const uint32_t O[4]) {
  bool Exact = true;
  for (int H = 0; H < 2; ++H) {
    const uint32_t *KH = K + 2 * H, *OH = O + 2 * H;
    if (KH[0] == OH[0] && KH[1] == OH[1])
      continue;
    Exact = false;
    if (isF64Nan(KH[0], KH[1]) && isF64Nan(OH[0], OH[1]))
      continue;
    for (int L = 0; L < 2; ++L)
      if (KH[L] != OH[L] && !(isF32Nan(KH[L]) && isF32Nan(OH[L])))
        return false;
  }
  NanLaneMatches += !Exact;
  return true;
}

/// Whether Kiln's typed values print as the oracle's tokens. `InLog`: an
/// i64 passed to a logging import prints as two i32 halves, low first
/// (binaryen does so to match JS legalization).
bool valuesMatch(const std::vector<TypedValue> &Vs,
                 const std::vector<std::string> &Ts, bool InLog) {
  size_t T = 0;
  auto Next = [&](std::string &Out) {
    if (T >= Ts.size())
      return false;
    Out = Ts[T++];
    return true;
  };
  for (const TypedValue &TV : Vs) {
    std::string Tok;
    int64_t I;
    switch (TV.Type) {
    case ValType::I32:
      if (!Next(Tok) || !parseInt(Tok, I) || I != int32_t(TV.V.i32()))
        return false;
      break;
    case ValType::I64:
      if (InLog) {
        uint64_t X = TV.V.i64();
        if (!Next(Tok) || !parseInt(Tok, I) || I != int32_t(uint32_t(X)))
          return false;
        if (!Next(Tok) || !parseInt(Tok, I) || I != int32_t(uint32_t(X >> 32)))
          return false;
      } else if (!Next(Tok) || !parseInt(Tok, I) || I != int64_t(TV.V.i64())) {
        return false;
      }
      break;
    case ValType::F32: {
      float F;
      uint32_t Bits = TV.V.f32Bits();
      std::memcpy(&F, &Bits, 4);
      if (!Next(Tok) || !floatMatches(double(F), Tok))
        return false;
      break;
    }
    case ValType::F64: {
      double D;
      uint64_t Bits = TV.V.f64Bits();
      std::memcpy(&D, &Bits, 8);
      if (!Next(Tok) || !floatMatches(D, Tok))
        return false;
      break;
    }
    case ValType::V128: {
      // Printed as "i32x4 0x.. 0x.. 0x.. 0x..", lanes in memory order.
      if (!Next(Tok) || Tok != "i32x4")
        return false;
      std::array<uint8_t, 16> B = TV.V.Bits;
      uint32_t K[4], O[4];
      for (int L = 0; L < 4; ++L) {
        K[L] = uint32_t(B[4 * L]) | uint32_t(B[4 * L + 1]) << 8 |
               uint32_t(B[4 * L + 2]) << 16 | uint32_t(B[4 * L + 3]) << 24;
        char *E = nullptr;
        if (!Next(Tok))
          return false;
        O[L] = uint32_t(std::strtoul(Tok.c_str(), &E, 16));
        if (*E)
          return false;
      }
      if (!v128Matches(K, O))
        return false;
      break;
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
      // Binaryen prints a type name or a function name: only the count of
      // values is comparable.
      if (!Next(Tok))
        return false;
      break;
    }
  }
  return T == Ts.size();
}

std::string showValues(const std::vector<TypedValue> &Vs) {
  std::string S;
  for (const TypedValue &TV : Vs) {
    char Buf[96];
    switch (TV.Type) {
    case ValType::I32:
      std::snprintf(Buf, sizeof Buf, " i32:%d", int32_t(TV.V.i32()));
      break;
    case ValType::I64:
      std::snprintf(Buf, sizeof Buf, " i64:%lld",
                    (long long)int64_t(TV.V.i64()));
      break;
    case ValType::F32:
      std::snprintf(Buf, sizeof Buf, " f32:0x%08x", TV.V.f32Bits());
      break;
    case ValType::F64:
      std::snprintf(Buf, sizeof Buf, " f64:0x%016llx",
                    (unsigned long long)TV.V.f64Bits());
      break;
    case ValType::V128: {
      std::array<uint8_t, 16> B = TV.V.Bits;
      std::string H = " v128:";
      for (uint8_t X : B) {
        char Two[3];
        std::snprintf(Two, sizeof Two, "%02x", X);
        H += Two;
      }
      S += H;
      continue;
    }
    default:
      std::snprintf(Buf, sizeof Buf, " ref");
    }
    S += Buf;
  }
  return S;
}

const char *kindName(EventKind K) {
  switch (K) {
  case EventKind::Call:
    return "call";
  case EventKind::Log:
    return "log";
  case EventKind::Result:
    return "result";
  case EventKind::Trap:
    return "trap";
  case EventKind::Other:
    return "other";
  }
  return "?";
}

std::string showOracle(const OracleEvent &E) {
  std::string S = std::string(kindName(E.Kind)) + " " + E.Name;
  for (const std::string &T : E.Tokens)
    S += " " + T;
  return S;
}

std::string showKiln(const KilnEvent &E) {
  return std::string(kindName(E.Kind)) + " " + E.Name + showValues(E.Values) +
         (E.Detail.empty() ? "" : " (" + E.Detail + ")");
}

Value zeroOf(ValType T) {
  switch (T) {
  case ValType::I32:
    return Value::i32(0);
  case ValType::I64:
    return Value::i64(0);
  case ValType::F32:
    return Value::f32Bits(0);
  case ValType::F64:
    return Value::f64Bits(0);
  case ValType::V128:
    return Value::v128({});
  case ValType::FuncRef:
    return Value::funcRef(nullptr);
  case ValType::ExternRef:
    return Value::externRef(nullptr);
  }
  return Value::i32(0);
}

/// Runs the module the way binaryen's fuzz-exec does, recording events.
/// Returns false (with Why) when Kiln could not compile or load it.
bool runKiln(const std::vector<uint8_t> &Wasm, MemoryMode Mode, unsigned Opt,
             std::vector<KilnEvent> &Events, std::string &Why) {
  codegen::CompileOptions CO;
  CO.OptLevel = Opt;
  CO.Mode = Mode;
  Expected<format::Artifact> A = codegen::compileWasm(Wasm, CO);
  if (!A) {
    Why = "compile: " + A.takeError().str();
    return false;
  }
  Expected<std::shared_ptr<Module>> M =
      Module::load(format::writeArtifact(*A));
  if (!M) {
    Why = "load: " + M.takeError().str();
    return false;
  }
  Linker L;
  auto Log = [&Events](ValType T) {
    return [&Events, T](std::span<const Value> Args, std::span<Value>) {
      Events.push_back({EventKind::Log, "", {{T, Args[0]}}, ""});
      return Error::success();
    };
  };
  for (auto [Name, T] :
       {std::pair{"log-i32", ValType::I32}, {"log-i64", ValType::I64},
        {"log-f32", ValType::F32}, {"log-f64", ValType::F64},
        {"log-v128", ValType::V128}})
    L.defineFunc("fuzzing-support", Name, FuncSig{{T}, {}}, Log(T));

  Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
  if (!I) {
    Error E = I.takeError();
    if (E.kind() == ErrorKind::Trap) {
      Events.push_back({EventKind::Trap, "", {}, ""});
      return true;
    }
    Why = "instantiate: " + E.str();
    return false;
  }
  Instance &Inst = **I;
  // The oracle never hangs (every loop and call is bounded by the hang
  // limit), so neither may Kiln: a minute is far beyond any honest run.
  auto Bound = [] { return Deadline::after(std::chrono::seconds(60)); };
  bool HasHangInit = Inst.exportOf("hangLimitInitializer").has_value();
  for (const auto &[Name, Ext] : Inst.exports()) {
    if (Ext.Kind != ExternKind::Func)
      continue;
    Events.push_back({EventKind::Call, Name, {}, ""});
    if (HasHangInit) {
      Expected<std::vector<Value>> H =
          Inst.call("hangLimitInitializer", {}, Bound());
      if (!H) {
        Events.push_back({EventKind::Trap, "", {}, H.takeError().str()});
        continue;
      }
    }
    const FuncSig &Sig = funcSig(*Ext.F);
    std::vector<Value> Args;
    for (ValType T : Sig.Params)
      Args.push_back(zeroOf(T));
    Expected<std::vector<Value>> R = Inst.call(
        Name, std::span<const Value>(Args.data(), Args.size()), Bound());
    if (!R) {
      Error Err = R.takeError();
      KilnEvent E{EventKind::Trap, "", {}, ""};
      if (Err.kind() != ErrorKind::Trap ||
          Err.trapCode() == uint32_t(TrapCode::Interrupted))
        E = {EventKind::Other, Name, {}, Err.str()};
      Events.push_back(std::move(E));
      continue;
    }
    if (R->empty())
      continue;
    KilnEvent E{EventKind::Result, Name, {}, ""};
    for (size_t K = 0; K < R->size(); ++K)
      E.Values.push_back({Sig.Results[K], (*R)[K]});
    Events.push_back(std::move(E));
  }
  return true;
}

/// The first index at which the two lists differ, or -1.
long firstDifference(const std::vector<OracleEvent> &O,
                     const std::vector<KilnEvent> &K) {
  size_t N = std::min(O.size(), K.size());
  for (size_t I = 0; I < N; ++I) {
    if (O[I].Kind != K[I].Kind || !K[I].Detail.empty())
      return long(I);
    switch (O[I].Kind) {
    case EventKind::Call:
      if (O[I].Name != K[I].Name)
        return long(I);
      break;
    case EventKind::Result:
      if (O[I].Name != K[I].Name ||
          !valuesMatch(K[I].Values, O[I].Tokens, false))
        return long(I);
      break;
    case EventKind::Log:
      if (!valuesMatch(K[I].Values, O[I].Tokens, true))
        return long(I);
      break;
    case EventKind::Trap:
      break;
    case EventKind::Other:
      return long(I);
    }
  }
  return O.size() == K.size() ? -1 : long(N);
}

/// The comparison itself, checked on every module: Kiln's events with one
/// bit of the first recorded value flipped must differ from the oracle.
/// For floats and vectors the bit is an exponent's top bit (bit 30 of the
/// f32 or of the second i32 lane, bit 62 of the f64 or of the first f64
/// lane), so that a NaN stops being one and NaN tolerance cannot hide the
/// change. (True when there is no value to flip.)
bool comparatorSeesChange(const std::vector<OracleEvent> &O,
                          std::vector<KilnEvent> K) {
  for (KilnEvent &E : K) {
    if (E.Values.empty() || E.Values[0].Type == ValType::FuncRef ||
        E.Values[0].Type == ValType::ExternRef)
      continue;
    std::array<uint8_t, 16> &B = E.Values[0].V.Bits;
    switch (E.Values[0].Type) {
    case ValType::F32:
      B[3] ^= 0x40;
      break;
    case ValType::F64:
    case ValType::V128:
      B[7] ^= 0x40;
      break;
    default:
      B[0] ^= 1;
    }
    unsigned long Saved = NanLaneMatches;
    bool Seen = firstDifference(O, K) >= 0;
    NanLaneMatches = Saved;
    return Seen;
  }
  return true;
}

std::vector<uint8_t> readFile(const std::string &Path) {
  std::ifstream In(Path, std::ios::binary);
  return {std::istreambuf_iterator<char>(In), {}};
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: kiln-differential WASM_OPT OUT_DIR COUNT "
                         "FIRST_SEED [--max-input BYTES] [--verbose] "
                         "[--opt N] [--replay FILE.wasm]\n");
    return 2;
  }
  std::string WasmOpt = argv[1], Dir = argv[2];
  unsigned long Count = std::strtoul(argv[3], nullptr, 10);
  unsigned long First = std::strtoul(argv[4], nullptr, 10);
  size_t MaxInput = 16384;
  bool Verbose = false;
  int FixedOpt = -1;
  std::string Replay;
  for (int I = 5; I < argc; ++I) {
    if (!std::strcmp(argv[I], "--max-input") && I + 1 < argc)
      MaxInput = std::strtoul(argv[++I], nullptr, 10);
    else if (!std::strcmp(argv[I], "--opt") && I + 1 < argc)
      FixedOpt = std::atoi(argv[++I]) & 3;
    else if (!std::strcmp(argv[I], "--replay") && I + 1 < argc)
      Replay = argv[++I];
    else if (!std::strcmp(argv[I], "--verbose"))
      Verbose = true;
    else {
      std::fprintf(stderr, "kiln-differential: unknown argument '%s'\n",
                   argv[I]);
      return 2;
    }
  }
  if (std::system(("mkdir -p '" + Dir + "'").c_str()) != 0) {
    std::fprintf(stderr, "kiln-differential: cannot create %s\n", Dir.c_str());
    return 2;
  }

  if (!Replay.empty())
    Count = 1;
  unsigned long Passed = 0, Failed = 0, Skipped = 0, Events = 0, Traps = 0;
  auto Start = std::chrono::steady_clock::now();
  for (unsigned long S = First; S < First + Count; ++S) {
    std::mt19937_64 Rng(S);
    std::vector<char> Input(256 + Rng() % MaxInput);
    for (char &C : Input)
      C = char(Rng());
    std::string Base = Dir + "/seed-" + std::to_string(S);
    int St = 0;
    if (!Replay.empty()) {
      Base = Replay.substr(0, Replay.size() - (Replay.ends_with(".wasm") ? 5 : 0));
    } else {
      {
        std::ofstream Out(Base + ".bin", std::ios::binary);
        Out.write(Input.data(), std::streamsize(Input.size()));
      }
      runCapture(WasmOpt + " '" + Base + ".bin' -ttf " + WasmFeatures +
                     " --denan -o '" + Base + ".wasm' 2>/dev/null",
                 St);
    }
    auto Clean = [&] {
      if (Replay.empty()) {
        std::remove((Base + ".bin").c_str());
        std::remove((Base + ".wasm").c_str());
      }
    };
    std::string OracleText =
        St == 0 ? runCapture("timeout 120 " + WasmOpt + " '" + Base +
                                 ".wasm' " + WasmFeatures +
                                 " --fuzz-exec-before -q 2>/dev/null",
                             St)
                : "";
    std::vector<OracleEvent> Oracle;
    if (St != 0 || !parseOracle(OracleText, Oracle)) {
      ++Skipped;
      std::printf("seed %lu: skipped (%s)\n", S,
                  St != 0 ? "binaryen failed" : "oracle host limit");
      Clean();
      continue;
    }
    std::vector<uint8_t> Wasm = readFile(Base + ".wasm");
    unsigned Opt = FixedOpt >= 0 ? unsigned(FixedOpt) : unsigned(S % 4);
    bool Agree = true;
    for (MemoryMode Mode : {MemoryMode::Guard, MemoryMode::BoundsChecked}) {
      const char *ModeName = Mode == MemoryMode::Guard ? "guard" : "bounds";
      std::vector<KilnEvent> Kiln;
      std::string Why;
      if (!runKiln(Wasm, Mode, Opt, Kiln, Why)) {
        std::printf("seed %lu: DIVERGENCE (%s, -O%u): %s\n", S, ModeName, Opt,
                    Why.c_str());
        Agree = false;
        continue;
      }
      if (!comparatorSeesChange(Oracle, Kiln)) {
        std::printf("seed %lu: the comparator missed a changed value\n", S);
        Agree = false;
      }
      long D = firstDifference(Oracle, Kiln);
      if (D >= 0) {
        std::printf("seed %lu: DIVERGENCE (%s, -O%u) at event %ld:\n"
                    "  oracle: %s\n  kiln:   %s\n",
                    S, ModeName, Opt, D,
                    size_t(D) < Oracle.size() ? showOracle(Oracle[D]).c_str()
                                              : "(end)",
                    size_t(D) < Kiln.size() ? showKiln(Kiln[D]).c_str()
                                            : "(end)");
        Agree = false;
      }
    }
    Events += Oracle.size();
    for (const OracleEvent &E : Oracle)
      Traps += E.Kind == EventKind::Trap;
    if (Agree) {
      ++Passed;
      Clean();
      if (Verbose)
        std::printf("seed %lu: agree (%zu events, -O%u)\n", S, Oracle.size(),
                    Opt);
    } else {
      ++Failed;
      std::printf("  kept %s.wasm\n", Base.c_str());
    }
    std::fflush(stdout);
  }
  double Secs = std::chrono::duration<double>(
                    std::chrono::steady_clock::now() - Start)
                    .count();
  std::printf("%lu modules, %lu oracle events (%lu traps) compared in guard "
              "and bounds-checked mode, %.0f s; %lu vectors equal only up to "
              "NaN payloads\n",
              Passed + Failed + Skipped, Events, Traps, Secs, NanLaneMatches);
  std::printf("%lu passed, %lu failed, %lu skipped\n", Passed, Failed,
              Skipped);
  return Failed ? 1 : 0;
}
