//===- tests/fuzz/fuzz_app.cc - Fuzz target: manifests and bundles --------===//
//
// What a device's agent reads from a USB stick or a control request before
// any signature can vouch for it: an application's manifest (TOML, through
// toml++ and Kiln's schema checks) and a bundle (a ustar archive). Every
// input is given to both. Neither may crash, leak or trip a sanitizer; and
// what they accept must survive a round trip: a manifest written back out
// (writeManifest) reads back to the same text, a bundle's files written
// back (writeBundle) read back to the same files. A violation aborts, so
// libFuzzer keeps the input.
//
// Seeds: tests/fuzz/corpus/app/ (the example application's manifest, the
// manifests of the agent's tests, small bundles).
//
//===----------------------------------------------------------------------===//

#include "kiln/agent/bundle.h"
#include "kiln/agent/manifest.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  using namespace kiln;
  using namespace kiln::agent;
  std::string_view Text(reinterpret_cast<const char *>(Data), Size);
  if (Expected<Manifest> M = parseManifest(Text, "fuzz.toml")) {
    std::string Written = writeManifest(*M);
    Expected<Manifest> Back = parseManifest(Written, "fuzz.toml");
    if (!Back) {
      std::fprintf(stderr, "a written manifest does not read back: %s\n%s\n",
                   Back.takeError().str().c_str(), Written.c_str());
      std::abort();
    }
    if (writeManifest(*Back) != Written) {
      std::fprintf(stderr, "a manifest changed on its round trip:\n%s\n",
                   Written.c_str());
      std::abort();
    }
  } else {
    M.takeError().consume();
  }

  if (Expected<BundleFiles> B = readBundle({Data, Size})) {
    Expected<BundleFiles> Back = readBundle(writeBundle(*B));
    if (!Back || *Back != *B) {
      std::fprintf(stderr, "a bundle changed on its round trip\n");
      std::abort();
    }
  } else {
    B.takeError().consume();
  }
  return 0;
}
