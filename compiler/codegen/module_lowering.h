//===- compiler/codegen/module_lowering.h - Module-wide IR state -*- C++ -*-===//
//
// Everything function lowering shares: the LLVM module being built, the
// declared Wasm functions, the LLVM types of Wasm types, the TBAA tags that
// tell LLVM linear memory never aliases the VMContext, and typed access to
// VMContext fields at the *target's* offsets (kiln/abi.h).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_CODEGEN_MODULE_LOWERING_H
#define KILN_CODEGEN_MODULE_LOWERING_H

#include "compiler/wasm/module.h"
#include "kiln/abi.h"
#include "kiln/error.h"
#include "kiln/target.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"

#include <vector>

namespace kiln::codegen {

class WasmLocations;

enum class BuiltinId : uint32_t {
#define KILN_BUILTIN(Name, Index, Ret, ...) Name = Index,
#include "kiln/builtins.def"
};

struct LoweringOptions {
  MemoryMode Mode = MemoryMode::Guard;
  unsigned PtrBytes = 8;
  /// x86-64 with SSSE3 and SSE4.1: SIMD may use x86 intrinsics (pshufb,
  /// blendv, ...) and relaxed SIMD takes the x86 results.
  bool X86Simd = false;
  /// Count fuel (kiln/abi.h).
  bool Fuel = false;
};

class ModuleLowering {
public:
  ModuleLowering(const wasm::Module &M, llvm::LLVMContext &Ctx,
                 llvm::Module &LM, const LoweringOptions &Opts);

  const wasm::Module &wasm() const { return M; }
  llvm::LLVMContext &context() const { return Ctx; }
  llvm::Module &module() const { return LM; }
  const LoweringOptions &options() const { return Opts; }

  // --- Types --------------------------------------------------------------
  llvm::Type *type(wasm::ValType T) const;
  llvm::Type *ptrTy() const { return llvm::PointerType::get(Ctx, 0); }
  llvm::IntegerType *intPtrTy() const { return IntPtrTy; }
  llvm::Type *v128Ty() const { return V128Ty; }
  /// Return type of a Wasm function type: void, the single type, or a
  /// struct of the results (multi-value).
  llvm::Type *returnType(const wasm::FuncType &T) const;
  /// Native signature: (VMContext*, params...) -> returnType, or
  /// void (VMContext*, ValSlot*) when the type passes its values in slots.
  llvm::FunctionType *functionType(const wasm::FuncType &T) const;
  /// Whether functions of type T take and return their values in slots
  /// (kiln/abi.h: abi::passesInSlots).
  static bool usesSlots(const wasm::FuncType &T) {
    return abi::passesInSlots(T.Params.size(), T.Results.size());
  }
  /// The address of slot `Index` of a ValSlot array.
  static llvm::Value *slotAddr(llvm::IRBuilder<> &B, llvm::Value *Slots,
                               unsigned Index) {
    return B.CreateConstInBoundsGEP1_32(B.getInt8Ty(), Slots,
                                        Index * abi::ValSlotBytes);
  }
  llvm::FunctionType *builtinType(BuiltinId Id) const;

  /// The LLVM functions of the defined functions, in index order.
  const std::vector<llvm::Function *> &functions() const { return Funcs; }
  /// Where lowered instructions get their debug locations (null: none).
  void setLocations(const WasmLocations *L) { Locations = L; }
  const WasmLocations *locations() const { return Locations; }

  /// The LLVM function of defined function `FuncIndex`.
  llvm::Function *function(uint32_t FuncIndex) const {
    return Funcs[FuncIndex - M.NumImportedFuncs];
  }

  // --- VMContext access -----------------------------------------------------
  /// Address of a VMContext field.
  llvm::Value *fieldAddr(llvm::IRBuilder<> &B, llvm::Value *Vmctx,
                         abi::VMField F) const;
  /// Loads a pointer-sized field that never changes for the instance's
  /// lifetime (marked invariant so LLVM may hoist and share it).
  llvm::Value *loadInvariantPtr(llvm::IRBuilder<> &B, llvm::Value *Addr) const;
  /// Element `Index` of the pointer array that field `F` points at.
  llvm::Value *loadTableEntry(llvm::IRBuilder<> &B, llvm::Value *Vmctx,
                              abi::VMField F, llvm::Value *Index) const;
  llvm::Value *loadTableEntry(llvm::IRBuilder<> &B, llvm::Value *Vmctx,
                              abi::VMField F, uint32_t Index) const;
  /// Builtin function pointer (invariant).
  llvm::Value *builtin(llvm::IRBuilder<> &B, llvm::Value *Vmctx,
                       BuiltinId Id) const;

  // --- Alias analysis -------------------------------------------------------
  void tagMemory(llvm::Instruction *I) const { tag(I, TbaaMemory); }
  void tagVmctx(llvm::Instruction *I) const { tag(I, TbaaVmctx); }
  void tagGlobal(llvm::Instruction *I) const { tag(I, TbaaGlobal); }
  void tagTable(llvm::Instruction *I) const { tag(I, TbaaTable); }
  llvm::MDNode *coldWeights() const { return ColdWeights; }

private:
  void tag(llvm::Instruction *I, llvm::MDNode *Tag) const {
    I->setMetadata(llvm::LLVMContext::MD_tbaa, Tag);
  }

  const wasm::Module &M;
  llvm::LLVMContext &Ctx;
  llvm::Module &LM;
  LoweringOptions Opts;
  llvm::IntegerType *IntPtrTy;
  llvm::Type *V128Ty;
  std::vector<llvm::Function *> Funcs;
  llvm::MDNode *TbaaMemory, *TbaaVmctx, *TbaaGlobal, *TbaaTable;
  llvm::MDNode *ColdWeights;
  llvm::MDNode *EmptyMD;
  const WasmLocations *Locations = nullptr;
};

/// "kiln_f12": stable symbol names for disassembly and profiles.
std::string funcSymbol(uint32_t FuncIndex);

} // namespace kiln::codegen

#endif // KILN_CODEGEN_MODULE_LOWERING_H
