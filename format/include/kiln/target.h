//===- kiln/target.h - Architectures and memory-safety modes ----*- C++ -*-===//
//
// Part of the artifact contract: the architecture an artifact's code is for
// and how it keeps linear-memory accesses in bounds. The compiler writes
// these values, the loader compares them with what it was built for.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_TARGET_H
#define KILN_TARGET_H

#include <cstdint>

namespace kiln {

enum class Arch : uint8_t {
  X86_64 = 1,
  AArch64 = 2,
  Arm = 3, // ARMv7-A, hard float
  RiscV64 = 4,
};

inline const char *archName(Arch A) {
  switch (A) {
  case Arch::X86_64:
    return "x86_64";
  case Arch::AArch64:
    return "aarch64";
  case Arch::Arm:
    return "armv7";
  case Arch::RiscV64:
    return "riscv64";
  }
  return "unknown";
}

/// The target triple an artifact for `A` names (TargetRec::Triple), also
/// the name `kiln compile --target` takes. The ARMv7 one is hard-float.
inline const char *archTriple(Arch A) {
  switch (A) {
  case Arch::X86_64:
    return "x86_64-linux-gnu";
  case Arch::AArch64:
    return "aarch64-linux-gnu";
  case Arch::Arm:
    return "armv7-linux-gnueabihf";
  case Arch::RiscV64:
    return "riscv64-linux-gnu";
  }
  return "unknown";
}

inline unsigned archPointerBytes(Arch A) { return A == Arch::Arm ? 4 : 8; }

/// The architecture this translation unit is compiled for (the device, when
/// the runtime is cross-built).
constexpr Arch hostArch() {
#if defined(__x86_64__)
  return Arch::X86_64;
#elif defined(__aarch64__)
  return Arch::AArch64;
#elif defined(__arm__)
  return Arch::Arm;
#elif defined(__riscv) && __riscv_xlen == 64
  return Arch::RiscV64;
#else
#error "Kiln does not support this host architecture"
#endif
}

/// How generated code keeps memory accesses inside linear memory.
enum class MemoryMode : uint8_t {
  /// 64-bit targets with an MMU: the whole 32-bit index space (plus offset)
  /// is reserved and unmapped beyond the memory's size, so code carries no
  /// checks and a stray access faults into a trap.
  Guard = 1,
  /// Explicit comparisons before each access (32-bit and MMU-less targets).
  BoundsChecked = 2,
};

inline bool isKnownArch(uint8_t A) {
  switch (Arch(A)) {
  case Arch::X86_64:
  case Arch::AArch64:
  case Arch::Arm:
  case Arch::RiscV64:
    return true;
  }
  return false;
}

inline bool isKnownMemoryMode(uint8_t M) {
  switch (MemoryMode(M)) {
  case MemoryMode::Guard:
  case MemoryMode::BoundsChecked:
    return true;
  }
  return false;
}

/// Guard mode reserves the 32-bit index space beyond each memory; a 32-bit
/// address space has no room for that. The compiler refuses to emit such an
/// artifact and the loader refuses to load one, with this one rule.
inline bool archSupportsMemoryMode(Arch A, MemoryMode M) {
  return M != MemoryMode::Guard || archPointerBytes(A) == 8;
}

inline const char *memoryModeName(MemoryMode M) {
  switch (M) {
  case MemoryMode::Guard:
    return "guard";
  case MemoryMode::BoundsChecked:
    return "bounds-checked";
  }
  return "unknown";
}

} // namespace kiln

#endif // KILN_TARGET_H
