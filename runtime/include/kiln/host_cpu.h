//===- kiln/host_cpu.h - What the running CPU can execute -------*- C++ -*-===//
//
// The features of kiln/cpu_features.def, asked of the CPU this process runs
// on: cpuid (and the OS's saved-state mask) on x86-64, the kernel's hwcaps
// on AArch64 and ARM, hwcaps and a guarded probe of one instruction per
// extension on RISC-V (the kernel's hwcaps name single letters only, and
// qemu-user's omit V). The loader checks an artifact's features against
// these before it maps any code.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_HOST_CPU_H
#define KILN_HOST_CPU_H

#include "kiln/target.h"

#include <optional>
#include <string>
#include <string_view>

namespace kiln {

/// The description of feature `Name` of `A` in cpu_features.def, or null
/// if it has no row there.
const char *cpuFeatureDescription(Arch A, std::string_view Name);

/// Every cpu_features.def feature of `A`, as "+a,+b": a CPU that has them
/// all (to verify an artifact apart from the machine it is to run on).
std::string allCpuFeatures(Arch A);

/// Whether the running CPU has feature `Name` (a row of cpu_features.def
/// for hostArch()); nullopt if the row has no detection rule here.
std::optional<bool> hostHasCpuFeature(std::string_view Name);

/// Every cpu_features.def feature of hostArch() the running CPU has, as an
/// LLVM feature string ("+sse3,+ssse3,..."). Computed once.
const std::string &hostCpuFeatures();

} // namespace kiln

#endif // KILN_HOST_CPU_H
