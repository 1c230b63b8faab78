//===- compiler/codegen/target.cc - Target selection ----------------------===//

#include "compiler/codegen/target.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace kiln::codegen {

static const TargetDesc Targets[] = {
    {Arch::X86_64, "x86_64-linux-gnu", "x86_64-unknown-linux-gnu", "x86-64-v2",
     MemoryMode::Guard, "x86-64 Linux (SSE4.2 baseline; AVX2 with --cpu)"},
    {Arch::AArch64, "aarch64-linux-gnu", "aarch64-unknown-linux-gnu",
     "cortex-a53", MemoryMode::Guard, "64-bit ARM Linux (NEON)"},
    {Arch::Arm, "armv7-linux-gnueabihf", "armv7-unknown-linux-gnueabihf",
     "cortex-a7", MemoryMode::BoundsChecked,
     "32-bit ARMv7-A Linux, hard float (NEON); bounds-checked memory"},
    {Arch::RiscV64, "riscv64-linux-gnu", "riscv64-unknown-linux-gnu",
     "generic-rv64", MemoryMode::Guard,
     "64-bit RISC-V Linux (RV64GC; vectors with --features +v)"},
};

std::span<const TargetDesc> supportedTargets() { return Targets; }

const char *llvmVersion() { return LLVM_VERSION_STRING; }

static void initializeLlvmTargets() {
  static bool Done = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)Done;
}

static const TargetDesc *findTarget(std::string_view Triple) {
  llvm::Triple T{llvm::Triple::normalize(std::string(Triple))};
  for (const TargetDesc &D : Targets) {
    llvm::Triple Want(D.LlvmTriple);
    bool SameArch = T.getArch() == Want.getArch() &&
                    (T.getArch() != llvm::Triple::arm ||
                     T.getSubArch() == llvm::Triple::ARMSubArch_v7 ||
                     T.getSubArch() == llvm::Triple::NoSubArch);
    if (SameArch && (T.getOS() == llvm::Triple::Linux ||
                     T.getOS() == llvm::Triple::UnknownOS))
      return &D;
  }
  return nullptr;
}

Expected<TargetSelection> selectTarget(std::string_view Triple,
                                       std::string_view Cpu,
                                       std::string_view Features) {
  initializeLlvmTargets();
  std::string Requested =
      Triple.empty() ? llvm::sys::getDefaultTargetTriple() : std::string(Triple);
  TargetSelection S;
  S.Desc = findTarget(Requested);
  if (!S.Desc) {
    std::string Known;
    for (const TargetDesc &D : Targets)
      Known += std::string(Known.empty() ? "" : ", ") + D.Name;
    return Error::make(ErrorKind::Unsupported,
                       "unsupported target '" + Requested +
                           "' (supported: " + Known + ")");
  }
  std::string LookupError;
  const llvm::Target *T =
      llvm::TargetRegistry::lookupTarget(S.Desc->LlvmTriple, LookupError);
  if (!T)
    return Error::make(ErrorKind::Unsupported,
                       "LLVM " LLVM_VERSION_STRING " cannot generate code for " +
                           std::string(S.Desc->Name) + ": " + LookupError);
  S.Cpu = Cpu.empty() ? S.Desc->DefaultCpu : std::string(Cpu);
  if (S.Cpu == "native") {
    if (!Triple.empty() && findTarget(llvm::sys::getDefaultTargetTriple()) != S.Desc)
      return Error::make(ErrorKind::Usage,
                         "--cpu native is only meaningful for the host target");
    S.Cpu = llvm::sys::getHostCPUName().str();
  }
  S.Features = std::string(Features);
  return S;
}

} // namespace kiln::codegen
