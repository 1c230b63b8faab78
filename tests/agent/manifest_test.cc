//===- tests/agent/manifest_test.cc - The application manifest ------------===//
//
// What the parser accepts, what it refuses and how it says so: every
// refusal names the file, the line and the key, and all problems of a file
// are reported together. The writer's output reads back to the same
// manifest.
//
//===----------------------------------------------------------------------===//

#include "kiln/agent/manifest.h"

#include <gtest/gtest.h>

namespace {

using namespace kiln;
using namespace kiln::agent;
using namespace std::chrono_literals;

const char *Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string valid() {
  return std::string("manifest-version = 1\n"
                     "name = \"line-3\"\n"
                     "\n"
                     "[modules.sensor]\n"
                     "artifact = \"sensor.kiln\"\n"
                     "sha256 = \"") +
         Sha +
         "\"\n"
         "version = \"1.0.0\"\n"
         "imports = { filter = \"filter\" }\n"
         "health = \"health\"\n"
         "restart = \"always\"\n"
         "backoff = \"50ms\"\n"
         "\n"
         "[modules.sensor.limits]\n"
         "memory-pages = 4\n"
         "stack-bytes = 65536\n"
         "deadline = \"2ms\"\n"
         "\n"
         "[modules.filter]\n"
         "artifact = \"/opt/app/filter.kiln\"\n"
         "sha256 = \"" +
         Sha +
         "\"\n"
         "version = \"2\"\n"
         "imports = { \"kiln:dsp\" = \"host\" }\n"
         "\n"
         "[modules.filter.wasi]\n"
         "args = [\"filter\", \"-v\"]\n"
         "env = [\"MODE=fast\"]\n"
         "dirs = [{ host = \"/var/data\", guest = \"/data\", read-only = "
         "true }]\n"
         "\n"
         "[tasks.sample]\n"
         "module = \"sensor\"\n"
         "export = \"tick\"\n"
         "kind = \"periodic\"\n"
         "period = \"1ms\"\n"
         "deadline = \"200us\"\n"
         "priority = 80\n"
         "\n"
         "[tasks.boot]\n"
         "module = \"filter\"\n"
         "export = \"init\"\n"
         "kind = \"on-start\"\n";
}

/// The parse error's text (empty if it parsed).
std::string errorOf(const std::string &Text) {
  Expected<Manifest> M = parseManifest(Text, "app.toml");
  if (M)
    return "";
  return M.takeError().message();
}

TEST(Manifest, ReadsEveryField) {
  Expected<Manifest> M = parseManifest(valid(), "/srv/app/app.toml");
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  EXPECT_EQ(M->Name, "line-3");
  EXPECT_EQ(M->Dir, "/srv/app");
  ASSERT_EQ(M->Modules.size(), 2u);
  // The file's order, not toml++'s sorted one.
  const ModuleSpec &S = M->Modules[0];
  EXPECT_EQ(S.Name, "sensor");
  EXPECT_EQ(S.Version, "1.0.0");
  ASSERT_EQ(S.Imports.size(), 1u);
  EXPECT_EQ(S.Imports[0].ImportModule, "filter");
  EXPECT_EQ(S.Imports[0].Kind, Binding::Provider::AppModule);
  EXPECT_EQ(S.Imports[0].Target, "filter");
  EXPECT_EQ(S.Health, "health");
  EXPECT_EQ(S.Restart, RestartPolicy::Always);
  EXPECT_EQ(S.Backoff, 50ms);
  EXPECT_EQ(S.Limits.MemoryPages, 4u);
  EXPECT_EQ(S.Limits.StackBytes, 65536u);
  EXPECT_EQ(S.Limits.Deadline, 2ms);
  EXPECT_EQ(S.Pos.Line, 4u);
  EXPECT_EQ(artifactPath(*M, S), "/srv/app/sensor.kiln");

  const ModuleSpec &F = M->Modules[1];
  EXPECT_EQ(artifactPath(*M, F), "/opt/app/filter.kiln");
  EXPECT_EQ(F.Imports[0].Kind, Binding::Provider::Host);
  EXPECT_EQ(F.Restart, RestartPolicy::OnFailure); // the default
  ASSERT_TRUE(F.Wasi.has_value());
  EXPECT_EQ(F.Wasi->Args, (std::vector<std::string>{"filter", "-v"}));
  ASSERT_EQ(F.Wasi->Preopens.size(), 1u);
  EXPECT_TRUE(F.Wasi->Preopens[0].ReadOnly);
  EXPECT_EQ(F.Wasi->Preopens[0].GuestPath, "/data");

  ASSERT_EQ(M->Tasks.size(), 2u);
  EXPECT_EQ(M->Tasks[0].Name, "sample");
  EXPECT_EQ(M->Tasks[0].Period, 1ms);
  EXPECT_EQ(M->Tasks[0].Deadline, 200us);
  EXPECT_EQ(M->Tasks[0].Priority, 80);
  EXPECT_EQ(M->Tasks[1].Kind, TaskKind::OnStart);

  // Exporters come before their importers.
  std::vector<const ModuleSpec *> Order = M->instantiationOrder();
  ASSERT_EQ(Order.size(), 2u);
  EXPECT_EQ(Order[0]->Name, "filter");
  EXPECT_EQ(Order[1]->Name, "sensor");
}

TEST(Manifest, WrittenTextReadsBackTheSame) {
  Expected<Manifest> M = parseManifest(valid(), "app.toml");
  ASSERT_TRUE(bool(M));
  std::string Text = writeManifest(*M);
  Expected<Manifest> Back = parseManifest(Text, "app.toml");
  ASSERT_TRUE(bool(Back)) << Back.takeError().str() << "\n" << Text;
  EXPECT_EQ(writeManifest(*Back), Text);
  EXPECT_EQ(Back->Modules[1].Wasi->Env, M->Modules[1].Wasi->Env);
  EXPECT_EQ(Back->Tasks[0].Deadline, M->Tasks[0].Deadline);
}

TEST(Manifest, PeriodicDeadlineDefaultsToThePeriod) {
  std::string T = valid();
  T.replace(T.find("deadline = \"200us\"\n"), 19, "");
  Expected<Manifest> M = parseManifest(T, "app.toml");
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  EXPECT_EQ(M->Tasks[0].Deadline, 1ms);
}

TEST(Manifest, UnknownKeyNamesFileLineAndKey) {
  std::string T = valid();
  T.replace(T.find("artifact = \"sensor.kiln\""), 8, "artfact");
  std::string E = errorOf(T);
  EXPECT_NE(E.find("app.toml:5:1: key 'modules.sensor.artfact': unknown key"),
            std::string::npos)
      << E;
  // The required key it replaced is missing too, and said so.
  EXPECT_NE(E.find("key 'modules.sensor.artifact': missing"),
            std::string::npos)
      << E;
}

TEST(Manifest, ReportsEveryProblemAtOnce) {
  std::string T = valid();
  T.replace(T.find("period = \"1ms\""), 14, "period = \"1 fortnight\"");
  T.replace(T.find("priority = 80"), 13, "priority = 180");
  T.replace(T.find("restart = \"always\""), 18, "restart = \"sometimes\"");
  std::string E = errorOf(T);
  EXPECT_NE(E.find("key 'tasks.sample.period': must be a positive duration"),
            std::string::npos)
      << E;
  EXPECT_NE(E.find("key 'tasks.sample.priority': must be an integer from 0 "
                   "to 99"),
            std::string::npos)
      << E;
  EXPECT_NE(E.find("key 'modules.sensor.restart': must be \"never\""),
            std::string::npos)
      << E;
  EXPECT_EQ(std::count(E.begin(), E.end(), '\n'), 2) << E;
}

TEST(Manifest, RefusesACycle) {
  std::string T = valid();
  T.replace(T.find("imports = { \"kiln:dsp\" = \"host\" }"), 34,
            "imports = { \"kiln:dsp\" = \"host\", up = \"sensor\" }");
  std::string E = errorOf(T);
  EXPECT_NE(E.find("the wiring has a cycle: "), std::string::npos) << E;
  EXPECT_NE(E.find("sensor -> filter -> sensor"), std::string::npos) << E;
  EXPECT_NE(E.find("app.toml:"), std::string::npos) << E;
}

TEST(Manifest, RefusesBadReferences) {
  std::string T = valid();
  T.replace(T.find("imports = { filter = \"filter\" }"), 31,
            "imports = { filter = \"filtre\", me = \"sensor\" }");
  T.replace(T.find("module = \"filter\""), 17, "module = \"nobody\"");
  std::string E = errorOf(T);
  EXPECT_NE(E.find("key 'modules.sensor.imports.\"filter\"': no module named "
                   "'filtre'"),
            std::string::npos)
      << E;
  EXPECT_NE(E.find("key 'modules.sensor.imports.\"me\"': a module cannot "
                   "import from itself"),
            std::string::npos)
      << E;
  EXPECT_NE(E.find("key 'tasks.boot.module': no module named 'nobody'"),
            std::string::npos)
      << E;
}

TEST(Manifest, RefusesValuesThatCannotBe) {
  std::string T = valid();
  T.replace(T.find(Sha), 64, "not-a-digest");
  EXPECT_NE(errorOf(T).find("must be 64 lower-case hex digits"),
            std::string::npos);

  T = valid();
  T.replace(T.find("deadline = \"200us\""), 18, "deadline = \"5ms\"");
  EXPECT_NE(errorOf(T).find("is longer than the period"), std::string::npos);

  T = valid();
  T.replace(T.find("kind = \"on-start\""), 17,
            "kind = \"on-start\"\nperiod = \"1s\"");
  EXPECT_NE(errorOf(T).find("only a periodic task has a period"),
            std::string::npos);

  T = valid();
  T.replace(T.find("[modules.filter]"), 16, "[modules.\"fil ter\"]");
  EXPECT_NE(errorOf(T).find("a module name is 1 to 64 letters"),
            std::string::npos);

  T = valid();
  T.replace(T.find("env = [\"MODE=fast\"]"), 19, "env = [\"MODE\"]");
  EXPECT_NE(errorOf(T).find("\"MODE\" is not NAME=VALUE"), std::string::npos);

  T = valid();
  T.replace(T.find("memory-pages = 4"), 16, "memory-pages = \"4\"");
  EXPECT_NE(errorOf(T).find("key 'modules.sensor.limits.memory-pages': must "
                            "be an integer"),
            std::string::npos);
}

TEST(Manifest, RefusesOtherVersionsAndBrokenSyntax) {
  std::string T = valid();
  T.replace(0, 20, "manifest-version = 2");
  EXPECT_NE(errorOf(T).find("this agent reads manifest version 1, the file is "
                            "version 2"),
            std::string::npos);

  Expected<Manifest> M = parseManifest("name = \"x\"\n[modules\n", "bad.toml");
  ASSERT_FALSE(bool(M));
  Error E = M.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Malformed);
  EXPECT_EQ(E.message().rfind("bad.toml:2:", 0), 0u) << E.message();

  EXPECT_NE(errorOf("").find("key 'manifest-version': missing"),
            std::string::npos);
  EXPECT_NE(errorOf("manifest-version = 1\nname = \"x\"\n[modules]\n")
                .find("an application has at least one module"),
            std::string::npos);
}

TEST(Manifest, RefusesNonAsciiText) {
  // toml++ 3.3 reaches __builtin_unreachable on most non-ASCII characters
  // (found by fuzzing): they never get to it.
  std::string T = valid();
  T.replace(T.find("\"line-3\""), 8, "\"caf\xc3\xa9\"");
  Expected<Manifest> M = parseManifest(T, "app.toml");
  ASSERT_FALSE(bool(M));
  Error E = M.takeError();
  EXPECT_EQ(E.kind(), ErrorKind::Malformed);
  EXPECT_EQ(E.message(),
            "app.toml:2:12: byte 0xc3 is not ASCII: a manifest is ASCII text");
}

TEST(Manifest, ReadManifestRefusesWhatIsNotAFile) {
  Expected<Manifest> M = readManifest("/");
  ASSERT_FALSE(bool(M));
  EXPECT_NE(M.takeError().message().find("not a regular file"),
            std::string::npos);
  M = readManifest("/nonexistent/app.toml");
  ASSERT_FALSE(bool(M));
  EXPECT_EQ(M.takeError().kind(), ErrorKind::Io);
}

} // namespace
