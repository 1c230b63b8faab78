//===- compiler/codegen/target.cc - Target selection ----------------------===//

#include "compiler/codegen/target.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <memory>

namespace kiln::codegen {

static const TargetDesc Targets[] = {
    {Arch::X86_64, archTriple(Arch::X86_64), "x86_64-unknown-linux-gnu", "x86-64-v2",
     MemoryMode::Guard, "x86-64 Linux (SSE4.2 baseline; AVX2 with --cpu)", "",
     ""},
    {Arch::AArch64, archTriple(Arch::AArch64), "aarch64-unknown-linux-gnu",
     "cortex-a53", MemoryMode::Guard, "64-bit ARM Linux (NEON)", "", ""},
    {Arch::Arm, archTriple(Arch::Arm), "armv7-unknown-linux-gnueabihf",
     "cortex-a7", MemoryMode::BoundsChecked,
     "32-bit ARMv7-A Linux, hard float (VFPv4; NEON with --features +neon); bounds-checked memory only",
     "-thumb-mode", ""},
    {Arch::RiscV64, archTriple(Arch::RiscV64), "riscv64-unknown-linux-gnu",
     "generic-rv64", MemoryMode::Guard,
     "64-bit RISC-V Linux (RV64GC; vectors with --features +v)",
     "+m,+a,+f,+d,+c,+zicsr,+zifencei,-relax", "lp64d"},
};

std::span<const TargetDesc> supportedTargets() { return Targets; }

std::string TargetSelection::llvmFeatures() const {
  std::string F = Desc ? Desc->BaseFeatures : "";
  if (!Features.empty())
    F += (F.empty() ? "" : ",") + Features;
  return F;
}

const char *llvmVersion() { return LLVM_VERSION_STRING; }

std::string requiredCpuFeatures(Arch A, const llvm::MCSubtargetInfo &STI) {
  struct Row {
    Arch A;
    const char *Name;
  };
  static constexpr Row Rows[] = {
#define KILN_CPU_FEATURE(A, Name, Description) {Arch::A, Name},
#include "kiln/cpu_features.def"
  };
  std::string List;
  for (const Row &R : Rows) {
    if (R.A != A)
      continue;
    for (const llvm::SubtargetFeatureKV &K : STI.getAllProcessorFeatures())
      if (R.Name == llvm::StringRef(K.Key) && STI.getFeatureBits().test(K.Value))
        List += std::string(List.empty() ? "+" : ",+") + R.Name;
  }
  return List;
}

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
    // The CPU name alone can claim more than this CPU has (a virtual
    // machine that hides LZCNT or AVX-512 still reports its model), so
    // take the features LLVM detects too, the user's after them.
    for (const auto &F : llvm::sys::getHostCPUFeatures()) {
      if (F.first() == "relax") // refused below; the layout needs it off
        continue;
      S.Features += (S.Features.empty() ? "" : ",") +
                    std::string(F.second ? "+" : "-") + F.first().str();
    }
  }
  if (!Features.empty())
    S.Features += (S.Features.empty() ? "" : ",") + std::string(Features);

  // Check the CPU and each feature against LLVM's tables for the target.
  std::unique_ptr<llvm::MCSubtargetInfo> STI(
      T->createMCSubtargetInfo(S.Desc->LlvmTriple, "", ""));
  if (!STI)
    return Error::make(ErrorKind::Unsupported,
                       std::string("LLVM has no subtarget info for ") +
                           S.Desc->Name);
  if (!STI->isCPUStringValid(S.Cpu)) {
    std::string Some;
    unsigned N = 0;
    for (const llvm::SubtargetSubTypeKV &C : STI->getAllProcessorDescriptions())
      if (N++ < 12)
        Some += std::string(Some.empty() ? "" : ", ") + C.Key;
    return Error::make(ErrorKind::Unsupported,
                       "unknown CPU '" + S.Cpu + "' for " + S.Desc->Name +
                           " (for example: " + Some + ", ...)");
  }
  llvm::ArrayRef<llvm::SubtargetFeatureKV> Known =
      STI->getAllProcessorFeatures();
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  llvm::StringRef(S.Features).split(Parts, ',', -1, false);
  for (llvm::StringRef P : Parts) {
    P = P.trim();
    if (P.size() < 2 || (P[0] != '+' && P[0] != '-'))
      return Error::make(ErrorKind::Usage,
                         "feature '" + P.str() +
                             "' must start with '+' or '-' (e.g. +v)");
    llvm::StringRef Name = P.drop_front();
    bool Found = false;
    for (const llvm::SubtargetFeatureKV &K : Known)
      Found = Found || Name == K.Key;
    if (!Found)
      return Error::make(ErrorKind::Unsupported,
                         "unknown feature '" + Name.str() + "' for " +
                             S.Desc->Name);
    if (S.Desc->A == Arch::RiscV64 && Name == "relax" && P[0] == '+')
      return Error::make(ErrorKind::Unsupported,
                         "riscv64: +relax is not supported (artifacts are "
                         "laid out without linker relaxation)");
    if (S.Desc->A == Arch::Arm && Name == "thumb-mode" && P[0] == '+')
      return Error::make(ErrorKind::Unsupported,
                         "armv7: +thumb-mode is not supported (Kiln "
                         "generates ARM-state code)");
  }
  return S;
}

} // namespace kiln::codegen
