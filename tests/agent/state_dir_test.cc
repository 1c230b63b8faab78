//===- tests/agent/state_dir_test.cc - What the agent keeps on disk -------===//
//
// The state directory's contract without killing anything (the power-cut
// test, tests/agent/power_cut_test.sh, kills a real agent at every step):
// installs keep the previous manifest, artifacts are content-addressed and
// collected when no manifest names them, leftovers of a cut are removed, and
// an unusable current manifest falls back to the previous one.
//
//===----------------------------------------------------------------------===//

#include "kiln/agent/state_dir.h"

#include "kiln/sha256.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <dirent.h>
#include <fstream>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using namespace kiln;
using namespace kiln::agent;

/// A fresh directory under the test's temporary one.
std::string freshDir(const char *Name) {
  std::string D = testing::TempDir() + "/kiln-state-" + Name + "-" +
                  std::to_string(::getpid());
  std::system(("rm -rf " + D).c_str());
  return D;
}

std::vector<std::string> listDir(const std::string &D) {
  std::vector<std::string> Out;
  if (DIR *Dir = ::opendir(D.c_str())) {
    while (dirent *E = ::readdir(Dir))
      if (E->d_name[0] != '.')
        Out.push_back(E->d_name);
    ::closedir(Dir);
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

/// An application of one module whose "artifact" is `Bytes` (the state
/// directory does not read artifacts; it copies and digests them).
struct App {
  Manifest M;
  ArtifactSet Arts;
};
App app(std::vector<uint8_t> Bytes, const std::string &Version) {
  App A;
  A.M.Name = "app";
  A.M.Path = "/src/app.toml";
  A.M.Dir = "/src";
  ModuleSpec S;
  S.Name = "m";
  S.Artifact = "m.kiln";
  S.Sha256 = sha256Hex(Bytes);
  S.Version = Version;
  A.M.Modules.push_back(S);
  VerifiedArtifact V;
  V.Path = "/src/m.kiln";
  V.Bytes = std::move(Bytes);
  A.Arts["m"] = std::move(V);
  return A;
}

TEST(StateDir, InstallKeepsThePreviousVersion) {
  std::string D = freshDir("install");
  Expected<StateDir> S = StateDir::open(D);
  ASSERT_TRUE(bool(S)) << S.takeError().str();
  EXPECT_FALSE(S->hasApplication());

  App V1 = app({1, 1, 1}, "1"), V2 = app({2, 2, 2}, "2");
  ASSERT_TRUE(bool(S->install(V1.M, V1.Arts)));
  Expected<Manifest> Installed = S->install(V2.M, V2.Arts);
  ASSERT_TRUE(bool(Installed));
  EXPECT_EQ(Installed->Modules[0].Artifact,
            "artifacts/" + V2.M.Modules[0].Sha256 + ".kiln");

  bool UsedPrevious = true;
  Expected<Manifest> Now = S->load(UsedPrevious);
  ASSERT_TRUE(bool(Now)) << Now.takeError().str();
  EXPECT_FALSE(UsedPrevious);
  EXPECT_EQ(Now->Modules[0].Version, "2");
  Expected<Manifest> Prev = readManifest(D + "/manifest.prev.toml");
  ASSERT_TRUE(bool(Prev));
  EXPECT_EQ(Prev->Modules[0].Version, "1");
  EXPECT_EQ(listDir(D + "/artifacts").size(), 2u);

  // A third install drops version 1's artifact: no manifest names it.
  App V3 = app({3, 3, 3}, "3");
  ASSERT_TRUE(bool(S->install(V3.M, V3.Arts)));
  std::vector<std::string> Want = {V2.M.Modules[0].Sha256 + ".kiln",
                                   V3.M.Modules[0].Sha256 + ".kiln"};
  std::sort(Want.begin(), Want.end());
  EXPECT_EQ(listDir(D + "/artifacts"), Want);
  for (const std::string &F : listDir(D + "/artifacts"))
    EXPECT_NE(F, V1.M.Modules[0].Sha256 + ".kiln");
}

TEST(StateDir, CommitModuleChangesOneModule) {
  std::string D = freshDir("commit");
  Expected<StateDir> S = StateDir::open(D);
  ASSERT_TRUE(bool(S));
  App V1 = app({1, 2, 3}, "1");
  Expected<Manifest> M = S->install(V1.M, V1.Arts);
  ASSERT_TRUE(bool(M));
  VerifiedArtifact New;
  New.Bytes = {4, 5, 6};
  ASSERT_FALSE(bool(S->stage(New)));
  M->Modules[0].Version = "2";
  Expected<Manifest> After = S->commitModule(*M, "m", New);
  ASSERT_TRUE(bool(After));
  EXPECT_EQ(After->Modules[0].Sha256, sha256Hex(New.Bytes));
  bool UsedPrevious;
  Expected<Manifest> Now = S->load(UsedPrevious);
  ASSERT_TRUE(bool(Now));
  EXPECT_EQ(Now->Modules[0].Version, "2");
  Expected<Manifest> Nobody = S->commitModule(*M, "nobody", New);
  ASSERT_FALSE(bool(Nobody));
  EXPECT_NE(Nobody.takeError().message().find("no module named 'nobody'"),
            std::string::npos);
}

TEST(StateDir, RemovesWhatACutLeftBehind) {
  std::string D = freshDir("leftovers");
  {
    Expected<StateDir> S = StateDir::open(D);
    ASSERT_TRUE(bool(S));
    App V1 = app({7}, "1");
    ASSERT_TRUE(bool(S->install(V1.M, V1.Arts)));
  }
  // Half-written files, and an artifact staged for an update that never
  // committed.
  std::ofstream(D + "/manifest.toml.tmp") << "half";
  std::ofstream(D + "/artifacts/abc.kiln.tmp") << "half";
  std::ofstream(D + "/artifacts/" + std::string(64, 'e') + ".kiln") << "x";
  Expected<StateDir> S = StateDir::open(D);
  ASSERT_TRUE(bool(S));
  EXPECT_EQ(listDir(D), (std::vector<std::string>{"artifacts", "lock",
                                                  "manifest.toml"}));
  EXPECT_EQ(listDir(D + "/artifacts").size(), 1u);
}

TEST(StateDir, FallsBackToThePreviousManifest) {
  std::string D = freshDir("fallback");
  Expected<StateDir> S = StateDir::open(D);
  ASSERT_TRUE(bool(S));
  App V1 = app({1}, "1"), V2 = app({2}, "2");
  ASSERT_TRUE(bool(S->install(V1.M, V1.Arts)));
  ASSERT_TRUE(bool(S->install(V2.M, V2.Arts)));
  // A disk error changed the current artifact: its digest no longer holds.
  std::ofstream(D + "/artifacts/" + V2.M.Modules[0].Sha256 + ".kiln") << "rot";
  bool UsedPrevious = false;
  Expected<Manifest> M = S->load(UsedPrevious);
  ASSERT_TRUE(bool(M)) << M.takeError().str();
  EXPECT_TRUE(UsedPrevious);
  EXPECT_EQ(M->Modules[0].Version, "1");

  // Nothing usable at all: the current manifest's problem is reported.
  std::ofstream(D + "/manifest.prev.toml") << "not toml [";
  Expected<Manifest> None = S->load(UsedPrevious);
  ASSERT_FALSE(bool(None));
  EXPECT_NE(None.takeError().message().find("digest mismatch"),
            std::string::npos);
}

TEST(StateDir, OneAgentPerDirectory) {
  std::string D = freshDir("lock");
  std::optional<Expected<StateDir>> First(StateDir::open(D));
  ASSERT_TRUE(bool(*First));
  Expected<StateDir> Second = StateDir::open(D);
  ASSERT_FALSE(bool(Second));
  EXPECT_NE(Second.takeError().message().find("another agent is running"),
            std::string::npos);
  First.reset(); // the first agent is gone: the directory is free again
  EXPECT_TRUE(bool(StateDir::open(D)));
}

TEST(StateDir, RefusesAFileAsDirectory) {
  std::string D = freshDir("notdir");
  std::ofstream(D) << "x";
  Expected<StateDir> S = StateDir::open(D);
  ASSERT_FALSE(bool(S));
  EXPECT_EQ(S.takeError().kind(), ErrorKind::Io);
  std::remove(D.c_str());
}

} // namespace
