//===- compiler/codegen/compile.cc - .wasm to .kiln -----------------------===//

#include "compiler/codegen/compile.h"

#include "compiler/codegen/address_no_wrap.h"
#include "compiler/codegen/address_phis.h"
#include "compiler/codegen/bounds_check_versioning.h"
#include "compiler/codegen/byte_gather.h"
#include "compiler/codegen/code_map.h"
#include "compiler/codegen/dot_reduction.h"
#include "compiler/codegen/function_lowering.h"
#include "compiler/codegen/guard_traps.h"
#include "compiler/codegen/interrupt_polls.h"
#include "compiler/codegen/lane_induction_unroll.h"
#include "compiler/codegen/module_info.h"
#include "compiler/codegen/object_arch.h"
#include "compiler/codegen/object_layout.h"
#include "compiler/codegen/shift_register_unroll.h"
#include "compiler/codegen/signed_indices.h"
#include "compiler/codegen/source_map.h"
#include "compiler/codegen/target.h"
#include "compiler/codegen/trampolines.h"
#include "compiler/codegen/wasm_locations.h"
#include "compiler/wasm/names.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "kiln/sha256.h"

#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/Transforms/Utils/Cloning.h"

#include <memory>

namespace kiln::codegen {

static llvm::OptimizationLevel optLevel(unsigned L) {
  switch (L) {
  case 0:
    return llvm::OptimizationLevel::O0;
  case 1:
    return llvm::OptimizationLevel::O1;
  case 2:
    return llvm::OptimizationLevel::O2;
  default:
    return llvm::OptimizationLevel::O3;
  }
}

static llvm::CodeGenOptLevel codegenLevel(unsigned L) {
  switch (L) {
  case 0:
    return llvm::CodeGenOptLevel::None;
  case 1:
    return llvm::CodeGenOptLevel::Less;
  case 2:
    return llvm::CodeGenOptLevel::Default;
  default:
    return llvm::CodeGenOptLevel::Aggressive;
  }
}

static void optimize(llvm::Module &LM, llvm::TargetMachine &TM, unsigned L,
                     MemoryMode Mode, bool Interrupt) {
  llvm::LoopAnalysisManager LAM;
  llvm::FunctionAnalysisManager FAM;
  llvm::CGSCCAnalysisManager CGAM;
  llvm::ModuleAnalysisManager MAM;
  llvm::PassBuilder PB(&TM);
  // Last, on the fully simplified IR: clang's wasm SIMD spells an int8 dot
  // product as 4-lane extmul groups; see dot_reduction.h.
  // x86-64: loop-carried i32 addresses get 64-bit twins; see address_phis.h.
  bool IsX86_64 = TM.getTargetTriple().getArch() == llvm::Triple::x86_64;
  // After each early InstCombine, before the loop passes: indices that count
  // up from a negative number become sext + offset (see signed_indices.h),
  // and addresses that a successful access shows cannot wrap are computed
  // in 64 bits (see address_no_wrap.h).
  PB.registerPeepholeEPCallback(
      [Mode](llvm::FunctionPassManager &FPM, llvm::OptimizationLevel) {
        FPM.addPass(SignedIndexPass());
        FPM.addPass(AddressNoWrapPass(Mode));
      });
  // Before the vectorizer and the unroller: loops that shift state along a
  // chain of variables ask to be unrolled by its length (see
  // shift_register_unroll.h); in bounds-checked mode, loops whose checks
  // one test can prove get a copy without them, which the vectorizer can
  // then work on (see bounds_check_versioning.h); short loops that address
  // memory through vector lanes ask to be unrolled fully, the check-free
  // copy small enough for it (see lane_induction_unroll.h).
  PB.registerVectorizerStartEPCallback(
      [Mode](llvm::FunctionPassManager &FPM, llvm::OptimizationLevel Level) {
        FPM.addPass(ShiftRegisterUnrollPass());
        // It copies loops: -O1 keeps the code small instead.
        if (Mode == MemoryMode::BoundsChecked && Level.getSpeedupLevel() >= 2)
          FPM.addPass(BoundsCheckVersioningPass());
        FPM.addPass(LaneInductionUnrollPass());
      });
  PB.registerOptimizerLastEPCallback(
      [IsX86_64, Mode, Interrupt](llvm::ModulePassManager &MPM,
                                  llvm::OptimizationLevel) {
        llvm::FunctionPassManager FPM;
        FPM.addPass(IntegerDotReductionPass());
        // After the unroller: see byte_gather.h.
        FPM.addPass(ByteGatherPass());
        if (IsX86_64)
          FPM.addPass(WidenAddressPhisPass());
        // Last: the loads that must stay to fault (see guard_traps.h). The
        // -O0 pipeline runs this callback too, and must: instruction
        // selection narrows and drops loads there as well.
        if (Mode == MemoryMode::Guard)
          FPM.addPass(GuardTrapsPass());
        MPM.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(FPM)));
        // On the final loops, out of the optimizer's way: see
        // interrupt_polls.h.
        if (Interrupt)
          MPM.addPass(InterruptPollsPass());
      });
  PB.registerModuleAnalyses(MAM);
  PB.registerCGSCCAnalyses(CGAM);
  PB.registerFunctionAnalyses(FAM);
  PB.registerLoopAnalyses(LAM);
  PB.crossRegisterProxies(LAM, FAM, CGAM, MAM);
  llvm::ModulePassManager MPM =
      L == 0 ? PB.buildO0DefaultPipeline(llvm::OptimizationLevel::O0)
             : PB.buildPerModuleDefaultPipeline(optLevel(L));
  MPM.run(LM, MAM);
}

static Expected<llvm::SmallVector<char, 0>>
emitFile(llvm::Module &LM, llvm::TargetMachine &TM, llvm::CodeGenFileType Kind) {
  llvm::SmallVector<char, 0> Buf;
  llvm::raw_svector_ostream OS(Buf);
  llvm::legacy::PassManager PM;
  if (TM.addPassesToEmitFile(PM, OS, nullptr, Kind))
    return Error::make(ErrorKind::Unsupported,
                       "the target cannot emit object files");
  PM.run(LM);
  return Buf;
}

bool canEmitArtifacts(Arch A) { return archRelocator(A) != nullptr; }

Expected<format::Artifact> compileWasm(std::span<const uint8_t> Wasm,
                                       const CompileOptions &Opts) {
  Expected<TargetSelection> Target =
      selectTarget(Opts.Triple, Opts.Cpu, Opts.Features);
  if (!Target)
    return Target.takeError();
  MemoryMode Mode = Opts.Mode.value_or(Target->Desc->DefaultMode);
  Arch A = Target->Desc->A;
  if (!archSupportsMemoryMode(A, Mode))
    return Error::make(ErrorKind::Usage,
                       std::string("guard-page memory needs a 64-bit target; ") +
                           Target->Desc->Name + " must use --bounds-checks");

  Expected<wasm::Module> M = wasm::decodeModule(Wasm, Opts.WasmFeatures);
  if (!M)
    return M.takeError();
  wasm::ModuleContext Ctx(*M);
  KILN_CHECK(wasm::validateModuleFields(Ctx));

  std::string LookupError;
  const llvm::Target *T =
      llvm::TargetRegistry::lookupTarget(Target->Desc->LlvmTriple, LookupError);
  // Every target is compiled PIC with its small/medium code model: all
  // Kiln symbols are hidden and dso_local, so references between them are
  // PC-relative and resolved by the layout, and the loader only patches
  // pointers in read-only data (object_<arch>.cc lists what each emits).
  llvm::TargetOptions TO;
  TO.MCOptions.ABIName = Target->Desc->AbiName;
  if (A == Arch::Arm)
    TO.ExceptionModel = llvm::ExceptionHandling::None;
  std::string LlvmFeatures = Target->llvmFeatures();
  std::optional<llvm::CodeModel::Model> CM = llvm::CodeModel::Small;
  if (A == Arch::RiscV64)
    CM = llvm::CodeModel::Medium; // medany: PC-relative within +-2 GiB
  std::unique_ptr<llvm::TargetMachine> TM(T->createTargetMachine(
      Target->Desc->LlvmTriple, Target->Cpu, LlvmFeatures, TO,
      llvm::Reloc::PIC_, CM, codegenLevel(Opts.OptLevel)));
  if (!TM)
    return Error::make(ErrorKind::Unsupported,
                       "LLVM cannot create a target machine for " +
                           std::string(Target->Desc->Name) + " / " +
                           Target->Cpu);

  llvm::LLVMContext LC;
  llvm::Module LM("wasm", LC);
  LM.setTargetTriple(Target->Desc->LlvmTriple);
  LM.setDataLayout(TM->createDataLayout());
  LoweringOptions LO;
  LO.Mode = Mode;
  LO.PtrBytes = archPointerBytes(A);
  LO.Fuel = Opts.Fuel;
  LO.X86Simd = A == Arch::X86_64 &&
               TM->getMCSubtargetInfo()->checkFeatures("+ssse3,+sse4.1");
  ModuleLowering ML(*M, LC, LM, LO);
  std::optional<WasmLocations> Locations;
  if (Opts.CodeMap) {
    Locations.emplace(*M, LM, ML.functions());
    ML.setLocations(&*Locations);
  }
  for (uint32_t I = M->NumImportedFuncs; I < M->Funcs.size(); ++I)
    KILN_CHECK(FunctionLowering(ML, Ctx, Opts.WasmFeatures, I).run());
  emitTrampolines(ML);
  if (Locations)
    Locations->finalize();

  for (llvm::Function &F : LM) {
    if (F.isDeclaration())
      continue;
    F.addFnAttr(llvm::Attribute::NoUnwind);
    F.addFnAttr("target-cpu", Target->Cpu);
    if (!LlvmFeatures.empty())
      F.addFnAttr("target-features", LlvmFeatures);
  }
  std::string VerifyMsg;
  llvm::raw_string_ostream VOS(VerifyMsg);
  if (llvm::verifyModule(LM, &VOS))
    return Error::make(ErrorKind::Unsupported,
                       "internal compiler error: invalid IR: " + VOS.str());
  optimize(LM, *TM, Opts.OptLevel, Mode, Opts.Interrupt || Opts.Fuel);
  if (Opts.DumpIr)
    LM.print(llvm::errs(), nullptr);

  if (Opts.AssemblyOut) {
    // Code generation rewrites the IR it runs on, so the listing comes from
    // a copy; the object below is generated from the module itself.
    // Without the debug info, so that the listing shows code, not the
    // code map's directives.
    std::unique_ptr<llvm::Module> Copy = llvm::CloneModule(LM);
    llvm::StripDebugInfo(*Copy);
    Expected<llvm::SmallVector<char, 0>> Asm =
        emitFile(*Copy, *TM, llvm::CodeGenFileType::AssemblyFile);
    if (!Asm)
      return Asm.takeError();
    Opts.AssemblyOut->assign(Asm->data(), Asm->size());
  }
  Expected<llvm::SmallVector<char, 0>> Obj =
      emitFile(LM, *TM, llvm::CodeGenFileType::ObjectFile);
  if (!Obj)
    return Obj.takeError();
  llvm::MemoryBufferRef ObjBuf(llvm::StringRef(Obj->data(), Obj->size()),
                               "wasm.o");
  Expected<LaidOutImage> Image = layOutObject(ObjBuf, A, 4096);
  if (!Image)
    return Image.takeError();

  format::Artifact Art;
  Art.TargetArch = A;
  Art.Mode = Mode;
  Art.PointerBytes = uint8_t(archPointerBytes(A));
  Art.Target.Triple = Target->Desc->Name;
  Art.Target.Cpu = Target->Cpu;
  Art.Target.Features = requiredCpuFeatures(A, *TM->getMCSubtargetInfo());
  Art.Target.CompilerVersion =
      std::string("kiln " KILN_VERSION " (LLVM ") + llvmVersion() + ")";
  Art.Target.WasmSha256 = sha256(Wasm);
  Art.Target.OptLevel = uint8_t(Opts.OptLevel);
  Art.Target.Interrupt = uint8_t(
      Opts.Fuel        ? format::InterruptKind::PollsAndFuel
      : Opts.Interrupt ? format::InterruptKind::Polls
                       : format::InterruptKind::None);
  KILN_CHECK(describeModule(*M, *Image, Art));
  if (Opts.Names)
    for (auto &[Index, Name] : wasm::functionNames(*M))
      if (Index < M->Funcs.size())
        Art.Debug.FuncNames.push_back({Index, std::move(Name)});
  if (Opts.CodeMap) {
    KILN_CHECK(buildCodeMap(ObjBuf, *Image, Art.Debug));
    buildSourceMap(*M, Art.Debug);
  }
  return Art;
}

} // namespace kiln::codegen
