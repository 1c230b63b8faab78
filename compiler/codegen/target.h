//===- compiler/codegen/target.h - Target selection -------------*- C++ -*-===//
//
// The targets `kiln compile --target` accepts, and the resolution of a
// (triple, CPU, features) request against LLVM's target registry.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_TARGET_H
#define KILN_CODEGEN_TARGET_H

#include "kiln/error.h"
#include "kiln/target.h"

#include <span>
#include <string>
#include <string_view>

namespace llvm {
class MCSubtargetInfo;
}

namespace kiln::codegen {

struct TargetDesc {
  Arch A;
  const char *Name;        // what users type: "aarch64-linux-gnu"
  const char *LlvmTriple;  // what LLVM gets
  const char *DefaultCpu;  // a conservative baseline for that family
  MemoryMode DefaultMode;  // guard where an MMU and a 64-bit space allow
  const char *Summary;
  // Always passed to LLVM before the user's --features: what the Debian
  // toolchain for that triple assumes (RV64GC) and what the layout needs
  // (no RISC-V linker relaxation, ARM state rather than Thumb).
  const char *BaseFeatures;
  const char *AbiName; // LLVM's TargetOptions ABI name ("lp64d"), or ""
};

std::span<const TargetDesc> supportedTargets();

/// A resolved target: what code generation is asked for.
struct TargetSelection {
  const TargetDesc *Desc = nullptr;
  std::string Cpu;
  std::string Features; // as requested, "+v,-foo" (with --cpu native, the
                        // host's first)
  /// What LLVM gets: BaseFeatures then Features.
  std::string llvmFeatures() const;
};

/// Resolves `Triple` (empty: the host) and checks CPU and features with
/// LLVM, with an error that lists the choices when something is unknown.
Expected<TargetSelection> selectTarget(std::string_view Triple,
                                       std::string_view Cpu,
                                       std::string_view Features);

/// The features of kiln/cpu_features.def for `A` that `STI` enables, as
/// "+a,+b": what the code may need of the CPU it runs on. Artifacts record
/// it (TargetRec::Features) and the loader checks it.
std::string requiredCpuFeatures(Arch A, const llvm::MCSubtargetInfo &STI);

/// "19.1.7": the LLVM this compiler was built with.
const char *llvmVersion();

} // namespace kiln::codegen

#endif // KILN_CODEGEN_TARGET_H
