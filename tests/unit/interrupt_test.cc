//===- tests/unit/interrupt_test.cc - Stopping any call -------------------===//
//
// Every way a call can run long (tests/unit/modules/runaways.wat: an endless
// loop, shallow exponential recursion, huge memory.fill, a loop that only
// calls the host, a vectorized loop, call_indirect, Wasm -> host -> Wasm)
// is stopped by each way of bounding it (a deadline, interrupt() from
// another thread, epochs), in both memory modes at -O0 and -O2; the
// instance stays usable after; code compiled with --no-interrupt refuses a
// deadline instead of ignoring it. No timing is asserted: only that the
// calls end, and how.
//
//===----------------------------------------------------------------------===//

#include "kiln/format_writer.h"
#include "compiler/codegen/compile.h"
#include "kiln/kiln.h"
#include "kiln/runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

namespace {

using namespace kiln;
using namespace std::chrono_literals;

struct Config {
  MemoryMode Mode;
  unsigned OptLevel;
};

std::string configName(const testing::TestParamInfo<Config> &I) {
  return std::string(I.param.Mode == MemoryMode::Guard ? "guard" : "bounds") +
         "_O" + std::to_string(I.param.OptLevel);
}

std::vector<uint8_t> runawaysWasm() {
  std::ifstream In(KILN_TEST_MODULES "/runaways.wasm", std::ios::binary);
  return {std::istreambuf_iterator<char>(In), {}};
}

std::shared_ptr<Module> compileRunaways(MemoryMode Mode, unsigned OptLevel,
                                        bool Interrupt = true) {
  std::vector<uint8_t> Wasm = runawaysWasm();
  EXPECT_FALSE(Wasm.empty());
  codegen::CompileOptions Opts;
  Opts.Mode = Mode;
  Opts.OptLevel = OptLevel;
  Opts.Interrupt = Interrupt;
  Expected<format::Artifact> A = codegen::compileWasm(Wasm, Opts);
  EXPECT_TRUE(bool(A)) << (A ? "" : A.takeError().str());
  if (!A)
    return nullptr;
  EXPECT_EQ(A->Target.Interrupt, Interrupt ? 1 : 0);
  Expected<std::shared_ptr<Module>> M =
      Module::load(format::writeArtifact(*A));
  EXPECT_TRUE(bool(M)) << (M ? "" : M.takeError().str());
  return M ? *M : nullptr;
}

/// The imports of runaways.wat, for tests that never reach them: tick
/// gives its argument back, reenter does nothing.
void defineQuietHosts(Linker &L) {
  L.defineTyped<int32_t(int32_t)>("host", "tick", [](int32_t X) { return X; });
  L.defineFunc("host", "reenter", {{}, {}},
               [](std::span<const Value>, std::span<Value>) -> Error {
                 return Error::success();
               });
}

/// Expects `R` to be the Interrupted trap, with `Why` in its message.
template <class T>
void expectInterrupted(Expected<T> R, const char *Why = "interrupted") {
  ASSERT_FALSE(bool(R)) << "the call returned";
  Error E = R.takeError();
  ASSERT_EQ(E.kind(), ErrorKind::Trap) << E.str();
  EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::Interrupted)) << E.str();
  EXPECT_NE(E.str().find(Why), std::string::npos) << E.str();
}

class InterruptTest : public testing::TestWithParam<Config> {
protected:
  void SetUp() override {
    M = compileRunaways(GetParam().Mode, GetParam().OptLevel);
    ASSERT_TRUE(M);
    L.defineTyped<int32_t(int32_t)>("host", "tick",
                                    [this](int32_t X) {
                                      Ticks.fetch_add(1);
                                      return X + 1;
                                    });
    L.defineFunc("host", "reenter", {{}, {}},
                 [this](std::span<const Value>, std::span<Value>) -> Error {
                   // No deadline of its own: the outer call's bounds it.
                   Expected<std::vector<Value>> R = Inst->call("spin", {});
                   return R ? Error::success() : R.takeError();
                 });
    Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
    ASSERT_TRUE(bool(I)) << (I ? "" : I.takeError().str());
    Inst = std::move(*I);
    writeWords();
  }

  /// Data for the vectorized sum: word i holds i (the fills overwrite it).
  void writeWords() {
    std::optional<Extern> Mem = Inst->exportOf("memory");
    ASSERT_TRUE(Mem && Mem->M);
    auto *Words = reinterpret_cast<uint32_t *>(memoryData(*Mem->M));
    for (uint32_t K = 0; K < 65536; ++K)
      Words[K] = K;
  }

  /// The instance still works, and the polls changed no result.
  void expectUsable() {
    writeWords();
    Expected<std::vector<Value>> R = Inst->call("short", {});
    ASSERT_TRUE(bool(R)) << R.takeError().str();
    EXPECT_EQ((*R)[0].i32(), 120u);
    R = Inst->call("sum", {Value::i32(1000)});
    ASSERT_TRUE(bool(R)) << R.takeError().str();
    EXPECT_EQ((*R)[0].i32(), 499500u);
    R = Inst->call("fib", {Value::i32(20)}, Deadline::after(10s));
    ASSERT_TRUE(bool(R)) << R.takeError().str();
    EXPECT_EQ((*R)[0].i32(), 6765u);
  }

  std::shared_ptr<Module> M;
  Linker L;
  std::unique_ptr<Instance> Inst;
  std::atomic<uint64_t> Ticks{0};
};

TEST_P(InterruptTest, DeadlineStopsEveryRunaway) {
  struct Case {
    const char *Export;
    std::vector<Value> Args;
  };
  const Case Cases[] = {
      {"spin", {}},           {"fib", {Value::i32(60)}},
      {"fill_forever", {}},   {"host_loop", {}},
      {"sum_forever", {}},    {"spin_indirect", {}},
      {"nested", {}},
  };
  for (const Case &C : Cases) {
    SCOPED_TRACE(C.Export);
    expectInterrupted(Inst->call(C.Export, C.Args, Deadline::after(20ms)),
                      "deadline exceeded");
    expectUsable();
  }
  EXPECT_GT(Ticks.load(), 0u);
}

TEST_P(InterruptTest, TrapNamesTheStoppedFunction) {
  Expected<std::vector<Value>> R =
      Inst->call("spin", {}, Deadline::after(5ms));
  ASSERT_FALSE(bool(R));
  Error E = R.takeError();
  EXPECT_EQ(E.funcIndex(), 2u) << E.str(); // after the two imports
  EXPECT_FALSE(E.backtrace().empty());
}

TEST_P(InterruptTest, HugeFillStopsInsideTheBuiltin) {
  // One memory.fill of 16 MiB, whose function has no poll of its own (no
  // loop, no call): a deadline already passed when it starts stops it
  // inside the builtin, which polls between 64 KiB chunks.
  for (int K = 0; K < 20; ++K)
    expectInterrupted(
        Inst->call("fill_once", {Value::i32(1)}, Deadline::after(0ns)),
        "deadline exceeded");
  expectUsable();
}

TEST_P(InterruptTest, DeadlineNotReachedChangesNothing) {
  Expected<std::vector<Value>> R =
      Inst->call("sum", {Value::i32(65536)}, Deadline::after(10s));
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_EQ((*R)[0].i32(), uint32_t(uint64_t(65535) * 65536 / 2));
}

TEST_P(InterruptTest, InterruptFromAnotherThread) {
  for (const char *Export : {"spin", "sum_forever", "host_loop"}) {
    SCOPED_TRACE(Export);
    std::atomic<bool> Done{false};
    std::thread Stopper([&] {
      std::this_thread::sleep_for(10ms);
      while (!Done.load()) {
        Inst->interrupt();
        std::this_thread::sleep_for(1ms);
      }
    });
    expectInterrupted(Inst->call(Export, {}), "interrupt() was called");
    Done = true;
    Stopper.join();
    // A request that came after the stop is still pending: the next
    // polling call takes it, the one after runs free.
    Inst->call("spin_indirect", {}, Deadline::after(5ms))
        .takeError()
        .consume(); // stopped or not: either is right here
    expectUsable();
  }
}

TEST_P(InterruptTest, InterruptBeforeTheCallStopsTheNextOne) {
  Inst->interrupt();
  expectInterrupted(Inst->call("spin", {}), "interrupt() was called");
  // Consumed: a bounded call now ends by its deadline, not the request.
  expectInterrupted(Inst->call("spin", {}, Deadline::after(5ms)),
                    "deadline exceeded");
}

TEST_P(InterruptTest, EpochDeadline) {
  std::atomic<bool> Done{false};
  std::thread Ticker([&] {
    while (!Done.load()) {
      incrementEpoch();
      std::this_thread::sleep_for(1ms);
    }
  });
  expectInterrupted(Inst->call("spin", {}, Deadline::afterEpochs(5)),
                    "epoch deadline reached");
  expectInterrupted(Inst->call("fib", {Value::i32(60)},
                               Deadline::afterEpochs(3)),
                    "epoch deadline reached");
  Done = true;
  Ticker.join();
  expectUsable();
}

TEST_P(InterruptTest, EpochTickerThread) {
  EpochTicker Ticker(1ms);
  expectInterrupted(Inst->call("sum_forever", {}, Deadline::afterEpochs(10)),
                    "epoch deadline reached");
}

TEST_P(InterruptTest, DefaultDeadlineAndTypedCalls) {
  ASSERT_FALSE(Inst->setDefaultDeadline(Deadline::after(10ms)));
  expectInterrupted(Inst->call("spin", {}), "deadline exceeded");
  Expected<TypedFunc<uint32_t(uint32_t)>> Fib =
      TypedFunc<uint32_t(uint32_t)>::wrap(*Inst, "fib");
  ASSERT_TRUE(bool(Fib));
  expectInterrupted((*Fib)(60), "deadline exceeded");
  // A deadline given to the call replaces the default.
  Expected<uint32_t> R = Fib->call(Deadline::after(10s), 20);
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_EQ(*R, 6765u);
  expectInterrupted(Fib->call(Deadline::after(1ms), 60), "deadline exceeded");
  ASSERT_FALSE(Inst->setDefaultDeadline(Deadline::none()));
  expectUsable();
}

TEST_P(InterruptTest, DeadlineAlreadyPassed) {
  expectInterrupted(Inst->call("spin", {}, Deadline::after(0ns)),
                    "deadline exceeded");
  expectInterrupted(
      Inst->call("spin", {},
                 Deadline::at(std::chrono::steady_clock::now() - 1s)),
      "deadline exceeded");
}

TEST_P(InterruptTest, CApi) {
  char Err[256];
  kiln_trap Trap;
  kiln_val Arg = {KILN_I32, {.i32 = 60}}, Res;
  // The C API wraps its own instance; build one through it.
  std::vector<uint8_t> Wasm = runawaysWasm();
  codegen::CompileOptions Opts;
  Opts.Mode = GetParam().Mode;
  Opts.OptLevel = GetParam().OptLevel;
  Expected<format::Artifact> A = codegen::compileWasm(Wasm, Opts);
  ASSERT_TRUE(bool(A));
  std::vector<uint8_t> Bytes = format::writeArtifact(*A);
  kiln_module *Mod = kiln_module_load(Bytes.data(), Bytes.size(), Err,
                                      sizeof Err);
  ASSERT_NE(Mod, nullptr) << Err;
  kiln_linker *Lk = kiln_linker_new();
  uint8_t I32 = KILN_I32;
  kiln_linker_define_func(
      Lk, "host", "tick", &I32, 1, &I32, 1,
      [](void *, const kiln_val *In, kiln_val *Out) {
        Out[0] = In[0];
        return 0;
      },
      nullptr);
  kiln_linker_define_func(
      Lk, "host", "reenter", nullptr, 0, nullptr, 0,
      [](void *, const kiln_val *, kiln_val *) { return 0; }, nullptr);
  kiln_instance *I = kiln_linker_instantiate(Lk, Mod, Err, sizeof Err);
  ASSERT_NE(I, nullptr) << Err;
  EXPECT_EQ(kiln_call_with_deadline(I, "fib", &Arg, 1, &Res, 1, 5'000'000,
                                    &Trap, Err, sizeof Err),
            KILN_TRAPPED);
  EXPECT_EQ(Trap.code, uint32_t(TrapCode::Interrupted)) << Err;
  EXPECT_EQ(kiln_instance_set_deadline(I, 5'000'000, Err, sizeof Err), KILN_OK);
  EXPECT_EQ(kiln_call(I, "spin", nullptr, 0, nullptr, 0, &Trap, Err, sizeof Err),
            KILN_TRAPPED);
  EXPECT_EQ(Trap.code, uint32_t(TrapCode::Interrupted)) << Err;
  kiln_instance_interrupt(I);
  kiln_epoch_increment();
  EXPECT_EQ(kiln_instance_set_deadline(I, 0, Err, sizeof Err), KILN_OK);
  kiln_instance_free(I);
  kiln_linker_free(Lk);
  kiln_module_free(Mod);
}

INSTANTIATE_TEST_SUITE_P(Modes, InterruptTest,
                         testing::Values(Config{MemoryMode::Guard, 2},
                                         Config{MemoryMode::BoundsChecked, 2},
                                         Config{MemoryMode::Guard, 0},
                                         Config{MemoryMode::BoundsChecked, 0}),
                         configName);

TEST(NoInterrupt, DeadlineIsRefusedNotIgnored) {
  std::shared_ptr<Module> M = compileRunaways(MemoryMode::Guard, 2, false);
  ASSERT_TRUE(M);
  Linker L;
  defineQuietHosts(L);
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  ASSERT_TRUE(bool(I)) << I.takeError().str();
  EXPECT_FALSE((*I)->interruptible());
  Error E = (*I)->setDefaultDeadline(Deadline::after(1s));
  ASSERT_TRUE(bool(E));
  EXPECT_NE(E.str().find("--no-interrupt"), std::string::npos) << E.str();
  Expected<std::vector<Value>> R =
      (*I)->call("short", {}, Deadline::after(1s));
  ASSERT_FALSE(bool(R));
  Error RE = R.takeError();
  EXPECT_EQ(RE.kind(), ErrorKind::Usage);
  EXPECT_NE(RE.str().find("--no-interrupt"), std::string::npos) << RE.str();
  // Unbounded calls run, with the same results.
  R = (*I)->call("fib", {Value::i32(20)});
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_EQ((*R)[0].i32(), 6765u);
}

TEST(NoInterrupt, ImportingPollFreeCodeMakesAnInstanceUninterruptible) {
  // An instance whose calls can run another instance's code without polls
  // cannot be bounded either: the poll-free code would never stop.
  std::shared_ptr<Module> Free = compileRunaways(MemoryMode::Guard, 2, false);
  ASSERT_TRUE(Free);
  Linker L;
  defineQuietHosts(L);
  Expected<std::unique_ptr<Instance>> A = L.instantiate(*Free);
  ASSERT_TRUE(bool(A));
  // The importer: (import "free" "spin") exported again as "go".
  static const uint8_t Importer[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,             // type () -> ()
      0x02, 0x0d, 0x01, 0x04, 'f',  'r',  'e',  'e',  0x04, 's', 'p', 'i', 'n',
      0x00, 0x00,                                     // import func 0
      0x03, 0x02, 0x01, 0x00,                         // func 1: type 0
      0x07, 0x06, 0x01, 0x02, 'g',  'o',  0x00, 0x01, // export "go"
      0x0a, 0x06, 0x01, 0x04, 0x00, 0x10, 0x00, 0x0b, // body: call 0
  };
  Expected<format::Artifact> Art = codegen::compileWasm(
      std::span<const uint8_t>(Importer, sizeof Importer), {});
  ASSERT_TRUE(bool(Art)) << Art.takeError().str();
  Expected<std::shared_ptr<Module>> M2 =
      Module::load(format::writeArtifact(*Art));
  ASSERT_TRUE(bool(M2));
  Linker L2;
  L2.defineInstance("free", **A);
  Expected<std::unique_ptr<Instance>> B = L2.instantiate(**M2);
  ASSERT_TRUE(bool(B)) << B.takeError().str();
  EXPECT_FALSE((*B)->interruptible());
  Error Refused = (*B)->setDefaultDeadline(Deadline::after(1s));
  ASSERT_TRUE(bool(Refused));
  EXPECT_NE(Refused.str().find("--no-interrupt"), std::string::npos)
      << Refused.str();
}

} // namespace

namespace {

TEST(Realtime, MemoryAndStackLockInRam) {
  std::shared_ptr<Module> M = compileRunaways(MemoryMode::Guard, 2);
  ASSERT_TRUE(M);
  Linker L;
  defineQuietHosts(L);
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  ASSERT_TRUE(bool(I));
  // Locking needs RLIMIT_MEMLOCK or CAP_IPC_LOCK; without them the refusal
  // must say how to get them.
  if (Error E = (*I)->lockMemoryInRam()) {
    EXPECT_NE(E.str().find("RLIMIT_MEMLOCK"), std::string::npos) << E.str();
    GTEST_SKIP() << "not permitted here: " << E.str();
  }
  ASSERT_FALSE(lockStackInRam(256 * 1024));
  // Still the same instance: calls run and fill the locked memory.
  expectInterrupted((*I)->call("fill_forever", {}, Deadline::after(5ms)),
                    "deadline exceeded");
  // More stack than the thread has is refused, not a crash.
  Error Big = lockStackInRam(size_t(1) << 40);
  ASSERT_TRUE(bool(Big));
  EXPECT_NE(Big.str().find("stack"), std::string::npos) << Big.str();
}

} // namespace

namespace {

/// Fuel (--fuel): a budget of Wasm instructions.
class FuelTest : public testing::TestWithParam<Config> {
protected:
  void SetUp() override {
    std::vector<uint8_t> Wasm = runawaysWasm();
    codegen::CompileOptions Opts;
    Opts.Mode = GetParam().Mode;
    Opts.OptLevel = GetParam().OptLevel;
    Opts.Fuel = true;
    Expected<format::Artifact> A = codegen::compileWasm(Wasm, Opts);
    ASSERT_TRUE(bool(A)) << A.takeError().str();
    EXPECT_EQ(A->Target.Interrupt,
              uint8_t(format::InterruptKind::PollsAndFuel));
    Expected<std::shared_ptr<Module>> M =
        Module::load(format::writeArtifact(*A));
    ASSERT_TRUE(bool(M)) << M.takeError().str();
    L.defineTyped<int32_t(int32_t)>("host", "tick",
                                    [](int32_t X) { return X + 1; });
    L.defineFunc("host", "reenter", {{}, {}},
                 [this](std::span<const Value>, std::span<Value>) -> Error {
                   Expected<std::vector<Value>> R = Inst->call("spin", {});
                   return R ? Error::success() : R.takeError();
                 });
    Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
    ASSERT_TRUE(bool(I)) << I.takeError().str();
    Inst = std::move(*I);
  }

  /// Whether fib(20) completes with `Fuel`.
  bool fibRuns(uint64_t Fuel) {
    Expected<std::vector<Value>> R =
        Inst->call("fib", {Value::i32(20)}, Deadline::fuel(Fuel));
    if (R) {
      EXPECT_EQ((*R)[0].i32(), 6765u);
      return true;
    }
    Error E = R.takeError();
    EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::OutOfFuel)) << E.str();
    return false;
  }

  Linker L;
  std::unique_ptr<Instance> Inst;
};

TEST_P(FuelTest, RunawaysRunOutOfFuel) {
  for (const char *Export : {"spin", "host_loop", "sum_forever", "nested"}) {
    SCOPED_TRACE(Export);
    Expected<std::vector<Value>> R =
        Inst->call(Export, {}, Deadline::fuel(100000));
    ASSERT_FALSE(bool(R));
    Error E = R.takeError();
    EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::OutOfFuel)) << E.str();
    EXPECT_NE(E.str().find("all fuel consumed"), std::string::npos);
  }
  // With a time bound too, whichever comes first.
  Expected<std::vector<Value>> R = Inst->call(
      "spin", {}, Deadline::after(std::chrono::hours(1)).withFuel(1000));
  ASSERT_FALSE(bool(R));
  EXPECT_EQ(R.takeError().trapCode(), uint32_t(TrapCode::OutOfFuel));
  R = Inst->call("spin", {}, Deadline::after(5ms).withFuel(uint64_t(1) << 62));
  ASSERT_FALSE(bool(R));
  EXPECT_EQ(R.takeError().trapCode(), uint32_t(TrapCode::Interrupted));
}

/// Whether fib(20) completes on `I` with `Fuel`.
bool fibRunsWith(Instance &I, uint64_t Fuel) {
  Expected<std::vector<Value>> R =
      I.call("fib", {Value::i32(20)}, Deadline::fuel(Fuel));
  if (R) {
    EXPECT_EQ((*R)[0].i32(), 6765u);
    return true;
  }
  Error E = R.takeError();
  EXPECT_EQ(E.trapCode(), uint32_t(TrapCode::OutOfFuel)) << E.str();
  return false;
}

TEST_P(FuelTest, BudgetIsRepeatable) {
  uint64_t Lo = 0, Hi = 10'000'000;
  ASSERT_TRUE(fibRuns(Hi));
  ASSERT_FALSE(fibRuns(Lo));
  while (Hi - Lo > 1) {
    uint64_t Mid = (Lo + Hi) / 2;
    (fibRuns(Mid) ? Hi : Lo) = Mid;
  }
  for (int K = 0; K < 3; ++K) {
    EXPECT_TRUE(fibRuns(Hi));
    EXPECT_FALSE(fibRuns(Hi - 1));
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, FuelTest,
                         testing::Values(Config{MemoryMode::Guard, 2},
                                         Config{MemoryMode::BoundsChecked, 2},
                                         Config{MemoryMode::Guard, 0},
                                         Config{MemoryMode::BoundsChecked, 0},
                                         Config{MemoryMode::Guard, 3}),
                         configName);

/// The least budget fib(20) needs is the same in both memory modes and at
/// -O0, -O2 and -O3, because fuel is charged and checked at Wasm-level
/// points (one process: every configuration side by side).
TEST(Fuel, BudgetIsTheSameInEveryModeAndLevel) {
  std::vector<uint8_t> Wasm = runawaysWasm();
  std::vector<uint64_t> Least;
  for (Config Cfg : {Config{MemoryMode::Guard, 2}, Config{MemoryMode::Guard, 0},
                     Config{MemoryMode::Guard, 3},
                     Config{MemoryMode::BoundsChecked, 2},
                     Config{MemoryMode::BoundsChecked, 0}}) {
    codegen::CompileOptions Opts;
    Opts.Mode = Cfg.Mode;
    Opts.OptLevel = Cfg.OptLevel;
    Opts.Fuel = true;
    Expected<format::Artifact> A = codegen::compileWasm(Wasm, Opts);
    ASSERT_TRUE(bool(A));
    Expected<std::shared_ptr<Module>> M =
        Module::load(format::writeArtifact(*A));
    ASSERT_TRUE(bool(M));
    Linker L;
    defineQuietHosts(L);
    Expected<std::unique_ptr<Instance>> I = L.instantiate(**M);
    ASSERT_TRUE(bool(I));
    uint64_t Lo = 0, Hi = 10'000'000;
    ASSERT_TRUE(fibRunsWith(**I, Hi));
    while (Hi - Lo > 1) {
      uint64_t Mid = (Lo + Hi) / 2;
      (fibRunsWith(**I, Mid) ? Hi : Lo) = Mid;
    }
    Least.push_back(Hi);
  }
  for (uint64_t F : Least)
    EXPECT_EQ(F, Least[0]) << "fib(20) needs different fuel in another "
                              "mode or at another optimization level";
  std::printf("fib(20) needs %llu fuel in every mode and level\n",
              (unsigned long long)Least[0]);
}

TEST(Fuel, RefusedOnCodeWithoutFuel) {
  std::shared_ptr<Module> M = compileRunaways(MemoryMode::Guard, 2);
  ASSERT_TRUE(M);
  Linker L;
  defineQuietHosts(L);
  Expected<std::unique_ptr<Instance>> I = L.instantiate(*M);
  ASSERT_TRUE(bool(I));
  Expected<std::vector<Value>> R =
      (*I)->call("short", {}, Deadline::fuel(1000));
  ASSERT_FALSE(bool(R));
  Error E = R.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Usage);
  EXPECT_NE(E.str().find("--fuel"), std::string::npos) << E.str();
  Error Default = (*I)->setDefaultDeadline(Deadline::fuel(1000));
  ASSERT_TRUE(bool(Default));
  EXPECT_NE(Default.str().find("--fuel"), std::string::npos) << Default.str();
}

} // namespace
