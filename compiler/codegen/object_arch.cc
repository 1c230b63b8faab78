//===- compiler/codegen/object_arch.cc - Relocator by architecture --------===//

#include "compiler/codegen/object_arch.h"

namespace kiln::codegen {

const ArchRelocator &x86_64Relocator();

const ArchRelocator *archRelocator(Arch A) {
  switch (A) {
  case Arch::X86_64:
    return &x86_64Relocator();
  case Arch::AArch64:
  case Arch::Arm:
  case Arch::RiscV64:
    return nullptr; // not yet: the cross-compilation issue adds them
  }
  return nullptr;
}

} // namespace kiln::codegen
