//===- tools/kiln/host_modules.cc - Host modules the CLI links ------------===//

#include "tools/kiln/host_modules.h"

// The full build links kiln_hostlib (whose headers then resolve); the
// runtime-only build has no Eigen and no hostlib.
#if __has_include("kiln/hostlib.h")
#define KILN_WITH_HOSTLIB 1
#include "kiln/hostlib.h"
#include <cstdio>
#endif

namespace kiln::cli {

void linkHostModules([[maybe_unused]] Linker &L) {
#if KILN_WITH_HOSTLIB
  // kiln:dsp and kiln:nn (hostlib, Eigen): any module may import them.
  if (Error E = defineHostlib(L))
    std::fprintf(stderr, "kiln: hostlib: %s\n", E.str().c_str());
#endif
}

} // namespace kiln::cli
