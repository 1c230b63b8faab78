//===- tests/agent/supervisor_test.cc - Running an application ------------===//
//
// Two real modules (tests/agent/modules: a counter that keeps a total in
// its memory and hands it over on update, and a driver whose periodic task
// adds to it through the wiring), compiled by Kiln and run by the
// Supervisor: imports reach the current version, updates carry the state,
// bad versions (a trapping health check, a deadline that is always missed,
// a state layout they refuse) never stay, failed modules restart by their
// policy. Nothing asserts a timing: the tests wait for outcomes.
//
//===----------------------------------------------------------------------===//

#include "kiln/agent/supervisor.h"

#include "compiler/codegen/compile.h"
#include "kiln/format_writer.h"
#include "kiln/sha256.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>

namespace {

using namespace kiln;
using namespace kiln::agent;
using namespace std::chrono_literals;

VerifiedArtifact compiled(const std::string &Name) {
  std::ifstream In(std::string(KILN_AGENT_TEST_MODULES) + "/" + Name + ".wasm",
                   std::ios::binary);
  std::vector<uint8_t> Wasm((std::istreambuf_iterator<char>(In)), {});
  EXPECT_FALSE(Wasm.empty()) << Name;
  Expected<format::Artifact> A = codegen::compileWasm(Wasm, {});
  EXPECT_TRUE(bool(A)) << (A ? "" : A.takeError().str());
  VerifiedArtifact V;
  V.Path = Name + ".kiln";
  if (!A)
    return V;
  V.Bytes = format::writeArtifact(*A);
  Expected<format::Artifact> R = Module::verify(V.Bytes);
  EXPECT_TRUE(bool(R));
  if (R)
    V.Record = std::move(*R);
  return V;
}

struct TestApp {
  Manifest M;
  ArtifactSet Arts;
};

/// counter (v1) <- driver; driver.tick every 2 ms; on-demand tasks to read
/// the total, the counter's version, and to crash the driver.
TestApp counting(RestartPolicy DriverRestart = RestartPolicy::OnFailure) {
  TestApp A;
  A.M.Name = "counting";
  A.M.Path = "app.toml";
  A.M.Dir = ".";
  ModuleSpec Counter;
  Counter.Name = "counter";
  Counter.Version = "1";
  Counter.Health = "health";
  Counter.Backoff = 10ms;
  ModuleSpec Driver;
  Driver.Name = "driver";
  Driver.Version = "1";
  Driver.Restart = DriverRestart;
  Driver.Backoff = 10ms;
  Binding B;
  B.ImportModule = "counter";
  B.Target = "counter";
  Driver.Imports.push_back(B);
  A.Arts["counter"] = compiled("counter_v1");
  A.Arts["driver"] = compiled("driver");
  Counter.Sha256 = sha256Hex(A.Arts["counter"].Bytes);
  Driver.Sha256 = sha256Hex(A.Arts["driver"].Bytes);
  A.M.Modules = {Counter, Driver};
  auto Task = [](const char *Name, const char *Module, const char *Export,
                 TaskKind K) {
    TaskSpec T;
    T.Name = Name;
    T.Module = Module;
    T.Export = Export;
    T.Kind = K;
    if (K == TaskKind::Periodic) {
      T.Period = 2ms;
      T.Deadline = 2ms;
    }
    return T;
  };
  A.M.Tasks = {Task("tick", "driver", "tick", TaskKind::Periodic),
               Task("read", "driver", "read", TaskKind::OnDemand),
               Task("version", "counter", "version", TaskKind::OnDemand),
               Task("crash", "driver", "crash", TaskKind::OnDemand)};
  return A;
}

std::unique_ptr<Supervisor> start(TestApp A) {
  SupervisorOptions O;
  O.RealTime = false;
  O.Probation = 300ms;
  Expected<std::unique_ptr<Supervisor>> S =
      Supervisor::start(std::move(A.M), std::move(A.Arts), O);
  EXPECT_TRUE(bool(S)) << (S ? "" : S.takeError().str());
  return S ? std::move(*S) : nullptr;
}

int64_t run(Supervisor &S, const char *Task) {
  Expected<int64_t> R = S.runTask(Task);
  EXPECT_TRUE(bool(R)) << Task << ": " << (R ? "" : R.takeError().str());
  return R ? *R : -1;
}

/// Waits (up to 20 s: a loaded CI machine) until `Cond` holds.
template <class F> bool eventually(F Cond) {
  for (int I = 0; I < 2000; ++I) {
    if (Cond())
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return Cond();
}

const ModuleStatus &moduleOf(const AppStatus &S, const std::string &Name) {
  for (const ModuleStatus &M : S.Modules)
    if (M.Name == Name)
      return M;
  static ModuleStatus None;
  return None;
}

TEST(Supervisor, TaskReachesTheExporterThroughTheWiring) {
  std::unique_ptr<Supervisor> S = start(counting());
  ASSERT_TRUE(S);
  EXPECT_TRUE(eventually([&] { return run(*S, "read") >= 20; }));
  AppStatus St = S->status();
  ASSERT_EQ(St.Tasks.size(), 4u);
  EXPECT_GE(St.Tasks[0].Runs, 20u);
  EXPECT_EQ(St.Tasks[0].Traps, 0u);
  EXPECT_GT(St.Tasks[0].MaxNs, 0u);
}

TEST(Supervisor, UpdateCarriesStateAndImportersCallTheNewVersion) {
  std::unique_ptr<Supervisor> S = start(counting());
  ASSERT_TRUE(S);
  ASSERT_TRUE(eventually([&] { return run(*S, "read") >= 10; }));
  Expected<UpdateReport> R = S->update("counter", compiled("counter_v2"), "2");
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_TRUE(R->Committed) << R->Reason;
  EXPECT_TRUE(R->StateCarried);
  EXPECT_GT(R->SwitchNs, 0u);
  EXPECT_EQ(run(*S, "version"), 2);
  // The total went on from where version 1 left it: read before the update
  // is at most what version 2 holds now, and the driver keeps adding.
  int64_t After = run(*S, "read");
  EXPECT_GE(After, 10);
  EXPECT_TRUE(eventually([&] { return run(*S, "read") > After; }));
  AppStatus St = S->status();
  EXPECT_EQ(moduleOf(St, "counter").Version, "2");
  EXPECT_EQ(moduleOf(St, "counter").PreviousVersion, "1");
  EXPECT_EQ(moduleOf(St, "counter").Updates, 1u);
  EXPECT_EQ(moduleOf(St, "driver").Restarts, 0u); // never restarted
  EXPECT_EQ(S->manifest().Modules[0].Version, "2");

  // And back, by request: again with the state.
  int64_t Before = run(*S, "read");
  Expected<UpdateReport> Back = S->rollback("counter");
  ASSERT_TRUE(bool(Back)) << Back.takeError().str();
  EXPECT_TRUE(Back->Committed);
  EXPECT_EQ(run(*S, "version"), 1);
  EXPECT_GE(run(*S, "read"), Before);
}

TEST(Supervisor, HealthCheckTrapRollsBack) {
  std::unique_ptr<Supervisor> S = start(counting());
  ASSERT_TRUE(S);
  Expected<UpdateReport> R =
      S->update("counter", compiled("counter_bad_health"), "3");
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_FALSE(R->Committed);
  EXPECT_NE(R->Reason.find("health check 'health' failed"), std::string::npos)
      << R->Reason;
  EXPECT_NE(R->Reason.find("unreachable"), std::string::npos) << R->Reason;
  EXPECT_EQ(run(*S, "version"), 1);
  AppStatus St = S->status();
  EXPECT_EQ(moduleOf(St, "counter").Rollbacks, 1u);
  EXPECT_EQ(moduleOf(St, "counter").State, ModuleState::Running);
  // The application went on: the driver still adds.
  int64_t Now = run(*S, "read");
  EXPECT_TRUE(eventually([&] { return run(*S, "read") > Now; }));
}

TEST(Supervisor, MissedDeadlineRollsBack) {
  std::unique_ptr<Supervisor> S = start(counting());
  ASSERT_TRUE(S);
  Expected<UpdateReport> R = S->update("counter", compiled("counter_slow"), "4");
  ASSERT_TRUE(bool(R)) << R.takeError().str();
  EXPECT_FALSE(R->Committed);
  EXPECT_NE(R->Reason.find("stopped at their deadline"), std::string::npos)
      << R->Reason;
  EXPECT_EQ(run(*S, "version"), 1);
  AppStatus St = S->status();
  EXPECT_GE(St.Tasks[0].Interruptions, 1u);
  EXPECT_EQ(St.Tasks[0].Traps, 0u); // a stop is not a fault of the driver
  EXPECT_EQ(moduleOf(St, "driver").Restarts, 0u);
}

TEST(Supervisor, RefusedStateChangesNothing) {
  std::unique_ptr<Supervisor> S = start(counting());
  ASSERT_TRUE(S);
  Expected<UpdateReport> R =
      S->update("counter", compiled("counter_new_layout"), "5");
  ASSERT_FALSE(bool(R));
  Error E = R.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Refused);
  EXPECT_NE(E.message().find("kiln_state_restore returned 1"),
            std::string::npos)
      << E.message();
  EXPECT_EQ(run(*S, "version"), 1);
}

TEST(Supervisor, UpdateThatBreaksTheWiringIsRefused) {
  std::unique_ptr<Supervisor> S = start(counting());
  ASSERT_TRUE(S);
  // The driver as the new counter: it exports no add/total, and imports.
  Expected<UpdateReport> R = S->update("counter", compiled("driver"), "x");
  ASSERT_FALSE(bool(R));
  std::string Msg = R.takeError().message();
  EXPECT_NE(Msg.find("exports no 'add'"), std::string::npos) << Msg;
  EXPECT_EQ(run(*S, "version"), 1);
}

TEST(Supervisor, FailedModuleRestartsByPolicy) {
  std::unique_ptr<Supervisor> S = start(counting());
  ASSERT_TRUE(S);
  Expected<int64_t> Crash = S->runTask("crash");
  ASSERT_FALSE(bool(Crash));
  EXPECT_NE(Crash.takeError().message().find("unreachable"),
            std::string::npos);
  EXPECT_TRUE(eventually([&] {
    AppStatus St = S->status();
    return moduleOf(St, "driver").Restarts == 1 &&
           moduleOf(St, "driver").State == ModuleState::Running;
  }));
  EXPECT_NE(moduleOf(S->status(), "driver").LastError.find("task 'crash'"),
            std::string::npos);
  // The counter, which did nothing wrong, was not touched.
  EXPECT_EQ(moduleOf(S->status(), "counter").Restarts, 0u);
}

TEST(Supervisor, NeverPolicyLeavesItDown) {
  std::unique_ptr<Supervisor> S = start(counting(RestartPolicy::Never));
  ASSERT_TRUE(S);
  Expected<int64_t> Crash = S->runTask("crash");
  ASSERT_FALSE(bool(Crash));
  EXPECT_NE(Crash.takeError().message().find("unreachable"), std::string::npos);
  std::this_thread::sleep_for(100ms);
  AppStatus St = S->status();
  EXPECT_EQ(moduleOf(St, "driver").State, ModuleState::Failed);
  EXPECT_EQ(moduleOf(St, "driver").Restarts, 0u);
  // Its tasks are skipped, not run against a broken instance.
  uint64_t Skipped = St.Tasks[0].Skipped;
  EXPECT_TRUE(eventually(
      [&] { return S->status().Tasks[0].Skipped > Skipped; }));
  // Started again by request, it runs.
  ASSERT_FALSE(bool(S->startModule("driver")));
  EXPECT_EQ(moduleOf(S->status(), "driver").State, ModuleState::Running);
}

TEST(Supervisor, StoppedExporterIsNotBlamedOnItsImporter) {
  std::unique_ptr<Supervisor> S = start(counting());
  ASSERT_TRUE(S);
  ASSERT_FALSE(bool(S->stopModule("counter")));
  uint64_t Traps = S->status().Tasks[0].Traps;
  EXPECT_TRUE(eventually([&] { return S->status().Tasks[0].Traps > Traps; }));
  AppStatus St = S->status();
  EXPECT_EQ(moduleOf(St, "counter").State, ModuleState::Stopped);
  EXPECT_EQ(moduleOf(St, "driver").State, ModuleState::Running);
  EXPECT_EQ(moduleOf(St, "driver").Restarts, 0u);
  // Started again: a fresh instance, so the total starts over.
  ASSERT_FALSE(bool(S->startModule("counter")));
  EXPECT_TRUE(eventually([&] { return run(*S, "read") > 0; }));
}

TEST(Supervisor, WasiModuleGetsItsConfiguration) {
  TestApp A;
  A.M.Name = "wasi";
  ModuleSpec S;
  S.Name = "env";
  S.Version = "1";
  Binding B;
  B.ImportModule = "wasi_snapshot_preview1";
  B.Kind = Binding::Provider::Host;
  S.Imports.push_back(B);
  S.Wasi.emplace();
  S.Wasi->Env = {"A=1", "B=2", "C=3"};
  A.Arts["env"] = compiled("wasi_env");
  A.M.Modules = {S};
  TaskSpec T;
  T.Name = "count";
  T.Module = "env";
  T.Export = "count";
  T.Kind = TaskKind::OnDemand;
  A.M.Tasks = {T};
  std::unique_ptr<Supervisor> Sup = start(std::move(A));
  ASSERT_TRUE(Sup);
  EXPECT_EQ(run(*Sup, "count"), 3);
}

TEST(Supervisor, RefusesAnApplicationThatDoesNotFit) {
  TestApp A = counting();
  A.M.Modules[1].Imports.clear(); // the driver's imports are left unwired
  Expected<std::unique_ptr<Supervisor>> S =
      Supervisor::start(std::move(A.M), std::move(A.Arts), {});
  ASSERT_FALSE(bool(S));
  EXPECT_NE(S.takeError().message().find("import 'counter'.'add' is not wired"),
            std::string::npos);
}

} // namespace
