//===- compiler/codegen/memory.cc - Linear memory access ------------------===//
//
//  *** Subtle and critical to the sandbox. ***
//  This is the only place that computes linear-memory addresses. A mistake
//  here lets a module read or write host memory. Changes need two reviews
//  and the spec suite in both memory modes.
//
// Guard mode (64-bit targets with an MMU): the runtime reserves 8 GiB per
// memory (kiln/abi.h), so base + zext(u32 index) + u32 offset + access size
// stays inside the reservation, and everything past the memory's current
// size is unmapped: no check in code, a stray access faults and the signal
// handler turns the fault into a trap. The base never moves, so its load is
// invariant and LLVM keeps it in a register.
//
// Bounds-checked mode: index + offset + size is computed in 64 bits (it
// cannot wrap) and compared with the current size before the access. The
// size is reloaded after anything that may grow memory (calls); TBAA tells
// LLVM that stores to linear memory do not change it, so it stays in a
// register across plain loads and stores.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/function_lowering.h"
#include "compiler/codegen/guard_traps.h"

namespace kiln::codegen {

using wasm::Op;

llvm::Value *FunctionLowering::memoryBase() {
  llvm::Value *Addr = ML.fieldAddr(B, Vmctx, abi::VMField::MemoryBase);
  if (ML.options().Mode == MemoryMode::Guard)
    return ML.loadInvariantPtr(B, Addr);
  llvm::LoadInst *Base =
      B.CreateAlignedLoad(ML.ptrTy(), Addr, llvm::Align(ML.options().PtrBytes));
  ML.tagVmctx(Base);
  return Base;
}

llvm::Value *FunctionLowering::memoryAddress(llvm::Value *Index,
                                             uint64_t Offset, unsigned Bytes) {
  llvm::Value *Index64 = B.CreateZExt(Index, B.getInt64Ty());
  if (ML.options().Mode == MemoryMode::BoundsChecked) {
    llvm::LoadInst *Size = B.CreateAlignedLoad(
        B.getInt64Ty(), ML.fieldAddr(B, Vmctx, abi::VMField::MemorySize),
        llvm::Align(8));
    ML.tagVmctx(Size);
    llvm::Value *End = B.CreateAdd(Index64, B.getInt64(Offset + Bytes), "",
                                   /*HasNUW=*/true);
    trapIf(B.CreateICmpUGT(End, Size), TrapCode::MemoryOutOfBounds);
  }
  llvm::Value *Effective =
      B.CreateAdd(Index64, B.getInt64(Offset), "", /*HasNUW=*/true);
  if (ML.options().PtrBytes == 4)
    Effective = B.CreateTrunc(Effective, B.getInt32Ty());
  return B.CreateGEP(B.getInt8Ty(), memoryBase(), Effective);
}

/// A load of linear memory at Addr. Wasm alignment is only a hint, so every
/// access is declared unaligned. In guard mode the load is also the bounds
/// check, and a trap keeper stops LLVM deleting or narrowing it away (see
/// guard_traps.h).
llvm::LoadInst *FunctionLowering::loadMemory(llvm::Type *T, llvm::Value *Addr) {
  llvm::LoadInst *L = B.CreateAlignedLoad(T, Addr, llvm::Align(1));
  ML.tagMemory(L);
  if (ML.options().Mode == MemoryMode::Guard)
    addTrapKeeper(B, L);
  return L;
}

namespace {
struct AccessShape {
  llvm::Type *Mem;   // type in memory
  bool SignExtend;   // extending loads
};
} // namespace

static AccessShape accessShape(llvm::IRBuilder<> &B, Op O,
                               llvm::Type *ValueTy, unsigned Width) {
  llvm::Type *Mem = ValueTy->isIntegerTy() ? B.getIntNTy(Width * 8) : ValueTy;
  switch (O) {
  case Op::I32Load8S:
  case Op::I32Load16S:
  case Op::I64Load8S:
  case Op::I64Load16S:
  case Op::I64Load32S:
    return {Mem, true};
  default:
    return {Mem, false};
  }
}

void FunctionLowering::lowerLoad(const wasm::Instr &I) {
  const wasm::OpInfo &Info = wasm::opInfo(I.Opcode);
  llvm::Type *ValueTy = Info.Result == wasm::OpType::I32   ? B.getInt32Ty()
                        : Info.Result == wasm::OpType::I64 ? B.getInt64Ty()
                        : Info.Result == wasm::OpType::F32 ? B.getFloatTy()
                                                           : B.getDoubleTy();
  AccessShape S = accessShape(B, I.Opcode, ValueTy, Info.Width);
  llvm::Value *Addr = memoryAddress(pop(), I.Mem.Offset, Info.Width);
  llvm::LoadInst *L = loadMemory(S.Mem, Addr);
  llvm::Value *V = L;
  if (S.Mem != ValueTy)
    V = S.SignExtend ? B.CreateSExt(L, ValueTy) : B.CreateZExt(L, ValueTy);
  push(V);
}

void FunctionLowering::lowerStore(const wasm::Instr &I) {
  const wasm::OpInfo &Info = wasm::opInfo(I.Opcode);
  llvm::Value *V = pop();
  llvm::Value *Index = pop();
  if (V->getType()->isIntegerTy() &&
      V->getType()->getIntegerBitWidth() != Info.Width * 8)
    V = B.CreateTrunc(V, B.getIntNTy(Info.Width * 8));
  llvm::Value *Addr = memoryAddress(Index, I.Mem.Offset, Info.Width);
  ML.tagMemory(B.CreateAlignedStore(V, Addr, llvm::Align(1)));
}

// --- v128 ---------------------------------------------------------------
// Every v128 access goes through memoryAddress() like the scalar ones, with
// the number of bytes it really touches (8 for load8x8_s, 4 for load32_zero,
// the lane's size for lane forms), so guard and bounds-checked modes hold.

namespace {
/// The lane vector type of N-byte lanes in a v128 (<16 x i8> ... <2 x i64>).
llvm::FixedVectorType *laneVector(llvm::IRBuilder<> &B, unsigned LaneBytes) {
  return llvm::FixedVectorType::get(B.getIntNTy(LaneBytes * 8),
                                    16 / LaneBytes);
}
} // namespace

void FunctionLowering::lowerSimdLoad(const wasm::Instr &I) {
  const wasm::OpInfo &Info = wasm::opInfo(I.Opcode);
  llvm::Value *Addr = memoryAddress(pop(), I.Mem.Offset, Info.Width);
  auto Load = [&](llvm::Type *T) { return loadMemory(T, Addr); };
  llvm::Value *V = nullptr;
  switch (I.Opcode) {
  case Op::V128Load:
    V = Load(ML.v128Ty());
    break;
  case Op::V128Load8x8S:
  case Op::V128Load8x8U:
  case Op::V128Load16x4S:
  case Op::V128Load16x4U:
  case Op::V128Load32x2S:
  case Op::V128Load32x2U: {
    // 8 bytes of N-bit lanes, each widened to 2N bits.
    unsigned LaneBits = I.Opcode <= Op::V128Load8x8U    ? 8
                        : I.Opcode <= Op::V128Load16x4U ? 16
                                                        : 32;
    bool Signed = I.Opcode == Op::V128Load8x8S ||
                  I.Opcode == Op::V128Load16x4S ||
                  I.Opcode == Op::V128Load32x2S;
    unsigned Lanes = 64 / LaneBits;
    llvm::Value *Narrow =
        Load(llvm::FixedVectorType::get(B.getIntNTy(LaneBits), Lanes));
    llvm::Type *Wide =
        llvm::FixedVectorType::get(B.getIntNTy(LaneBits * 2), Lanes);
    V = Signed ? B.CreateSExt(Narrow, Wide) : B.CreateZExt(Narrow, Wide);
    break;
  }
  case Op::V128Load8Splat:
  case Op::V128Load16Splat:
  case Op::V128Load32Splat:
  case Op::V128Load64Splat:
    V = B.CreateVectorSplat(16 / Info.Width,
                            Load(B.getIntNTy(Info.Width * 8)));
    break;
  case Op::V128Load32Zero:
  case Op::V128Load64Zero:
    V = B.CreateInsertElement(
        llvm::Constant::getNullValue(laneVector(B, Info.Width)),
        Load(B.getIntNTy(Info.Width * 8)), uint64_t(0));
    break;
  default:
    KILN_UNREACHABLE("v128 load without lowering");
  }
  push(B.CreateBitCast(V, ML.v128Ty()));
}

void FunctionLowering::lowerSimdStore(const wasm::Instr &I) {
  llvm::Value *V = pop();
  llvm::Value *Addr = memoryAddress(pop(), I.Mem.Offset, 16);
  ML.tagMemory(B.CreateAlignedStore(V, Addr, llvm::Align(1)));
}

void FunctionLowering::lowerSimdLane(const wasm::Instr &I) {
  const wasm::OpInfo &Info = wasm::opInfo(I.Opcode);
  llvm::Value *Vec = B.CreateBitCast(pop(), laneVector(B, Info.Width));
  llvm::Value *Addr = memoryAddress(pop(), I.Mem.Offset, Info.Width);
  llvm::Type *LaneTy = B.getIntNTy(Info.Width * 8);
  if (Info.Category == wasm::OpCategory::SimdStoreLane) {
    ML.tagMemory(B.CreateAlignedStore(
        B.CreateExtractElement(Vec, uint64_t(I.Lane)), Addr, llvm::Align(1)));
    return;
  }
  llvm::LoadInst *L = loadMemory(LaneTy, Addr);
  push(B.CreateBitCast(B.CreateInsertElement(Vec, L, uint64_t(I.Lane)),
                       ML.v128Ty()));
}

void FunctionLowering::lowerMemoryOp(const wasm::Instr &I) {
  switch (I.Opcode) {
  case Op::MemorySize: {
    llvm::LoadInst *Size = B.CreateAlignedLoad(
        B.getInt64Ty(), ML.fieldAddr(B, Vmctx, abi::VMField::MemorySize),
        llvm::Align(8));
    ML.tagVmctx(Size);
    push(B.CreateTrunc(B.CreateLShr(Size, 16), B.getInt32Ty()));
    return;
  }
  case Op::MemoryGrow:
    push(callBuiltin(BuiltinId::MemoryGrow, {pop()}));
    return;
  case Op::MemoryFill: {
    std::vector<llvm::Value *> A = popN(3); // dst, value, len
    callBuiltin(BuiltinId::MemoryFill, {A[0], A[1], A[2]});
    return;
  }
  case Op::MemoryCopy: {
    std::vector<llvm::Value *> A = popN(3); // dst, src, len
    callBuiltin(BuiltinId::MemoryCopy, {A[0], A[1], A[2]});
    return;
  }
  case Op::MemoryInit: {
    std::vector<llvm::Value *> A = popN(3); // dst, src, len
    callBuiltin(BuiltinId::MemoryInit, {B.getInt32(I.Index), A[0], A[1], A[2]});
    return;
  }
  case Op::DataDrop:
    callBuiltin(BuiltinId::DataDrop, {B.getInt32(I.Index)});
    return;
  default:
    break;
  }
  KILN_UNREACHABLE("memory opcode without lowering");
}

} // namespace kiln::codegen
