//===- tests/hostlib/main.cc - Guest artifacts from the command line ------===//
//
// kiln-hostlib-tests [gtest flags] [--guest-guard=PATH] [--guest-bounds=PATH]
//                    [--no-guest-guard=REASON] [--no-guest-bounds=REASON]
//
// The wasm guest is compiled on the build machine, for the target the tests
// run on (under qemu-user for the cross targets), so its paths are given at
// run time. --no-guest-<mode> declares a mode the target does not have: the
// tests that need it are skipped with REASON, never passed. Without flags,
// the full build's own x86-64 artifacts are used.
//
//===----------------------------------------------------------------------===//

#include "guest.h"

#include <cstdio>
#include <string_view>

using namespace kiln::hostlib::test;

static bool takeFlag(std::string_view Arg, std::string_view Name,
                     std::string &Out) {
  if (!Arg.starts_with(Name) || Arg.size() <= Name.size() ||
      Arg[Name.size()] != '=')
    return false;
  Out = std::string(Arg.substr(Name.size() + 1));
  return true;
}

int main(int Argc, char **Argv) {
  ::testing::InitGoogleTest(&Argc, Argv); // removes the --gtest_* flags
  for (int K = 1; K < Argc; ++K) {
    std::string_view Arg = Argv[K];
    GuestArtifact &G = guestArtifact(GuestMode::Guard);
    GuestArtifact &B = guestArtifact(GuestMode::Bounds);
    std::string V;
    if (takeFlag(Arg, "--guest-guard", V)) {
      G = {V, ""};
    } else if (takeFlag(Arg, "--guest-bounds", V)) {
      B = {V, ""};
    } else if (takeFlag(Arg, "--no-guest-guard", V)) {
      G = {"", V.empty() ? "not built for this target" : V};
    } else if (takeFlag(Arg, "--no-guest-bounds", V)) {
      B = {"", V.empty() ? "not built for this target" : V};
    } else {
      std::fprintf(stderr, "kiln-hostlib-tests: unknown argument '%s'\n",
                   Argv[K]);
      return 2;
    }
  }
  // Say which artifacts this run uses: a cross run's log then shows what
  // was tested where.
  for (GuestMode M : {GuestMode::Guard, GuestMode::Bounds}) {
    const GuestArtifact &A = guestArtifact(M);
    std::printf("wasm guest, %s mode: %s%s\n", modeName(M),
                A.Unavailable.empty() ? "" : "not available: ",
                A.Unavailable.empty() ? A.Path.c_str() : A.Unavailable.c_str());
  }
  std::printf("value tests run the guest in %s mode\n",
              modeName(primaryMode()));
  return RUN_ALL_TESTS();
}
