//===- tools/kiln/host_modules.cc - Host modules the CLI links ------------===//

#include "tools/kiln/host_modules.h"

namespace kiln::cli {

void linkHostModules(Linker &) {
  // hostlib registers kiln:dsp and kiln:nn here once it exists.
}

} // namespace kiln::cli
