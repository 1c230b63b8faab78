//===- kiln/abi.h - The native ABI between generated code and runtime -*- C++ -*-===//
//
// Defined once, for every target pointer size. The compiler computes field
// offsets with these functions for the *target's* pointer size (a 64-bit
// build machine compiling for ARMv7 must not use its own offsetof); the
// runtime declares the real structs in runtime/src/vmcontext.h and checks
// them against these offsets with static_asserts on every architecture.
//
// Calling convention of compiled functions (C calling convention):
//   Wasm function:   Ret  f(VMContext *Callee, Params...)
//     Multi-value results are returned as an LLVM struct; only generated code
//     calls Wasm functions directly, so this never crosses into C++.
//   Wasm function of a large signature (passesInSlots() below):
//                    void f(VMContext *Callee, ValSlot *Slots)
//     Parameters in Slots[0..n), results written to Slots[0..m), as the
//     entry trampoline's, whose call is then a plain jump. LLVM's optimizer
//     and instruction scheduler are superlinear in the values one call or
//     return carries (a type may have 1,000 parameters or results), and the
//     slots cost nothing per value that the code does not use.
//   Entry trampoline (one per function type, called by the runtime):
//                    void entry_T(void *Code, VMContext *Callee, ValSlot *Args)
//     Loads the parameters from Args[0..n), calls Code, stores the results to
//     Args[0..m). Slots are 16 bytes, so v128 fits.
//   Exit trampoline (one per function type, the code pointer of imported
//   host functions):  Ret exit_T(VMContext *HostCtx, Params...)
//     Stores the parameters to slots on its stack and calls
//     Builtins[HostCall](HostCtx, Slots); reads the results back.
//
// Stack exhaustion: every function's prologue compares its frame address
// with VMContext::StackLimit and traps (StackOverflow) below it.
//
// Interruption (unless compiled with --no-interrupt, which the artifact
// records): every function entry and every loop header of the optimized
// code loads VMContext::Interrupt and, when it is nonzero, calls
// Builtins[InterruptCheck]. The runtime sets the word of every live context
// when something may have to stop (a deadline passed, interrupt(), an epoch
// tick); the check clears its own context's word, then either traps with
// Interrupted or returns, so a word set for another thread's call costs one
// spurious check and nothing else.
//
// Fuel (kiln compile --fuel): every straight-line run of Wasm instructions
// subtracts its instruction count from *VMContext::Fuel before the control
// instruction that ends it (branches, block ends, calls, returns), and
// every loop header and function entry calls InterruptCheck when the
// count is below zero. The checks sit at Wasm-level points, so a budget
// runs out at the same instruction on every target and optimization level.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_ABI_H
#define KILN_ABI_H

#include <cstdint>

namespace kiln::abi {

/// Fields of VMContext, in layout order. MemoryBase is a pointer padded to 8
/// bytes, MemorySize a u64 at offset 8; every later field is pointer-sized.
enum class VMField : uint32_t {
  MemoryBase,    // uint8_t *: memory 0's base (null if none)
  MemorySize,    // uint64_t: memory 0's current size in bytes
  StackLimit,    // uintptr_t: lowest frame address allowed
  Builtins,      // void *const *: builtins.def table
  ImportedFuncs, // ImportedFunc *: one per imported function
  FuncRefs,      // FuncRefEntry **: one per function index (imports first)
  Globals,       // GlobalCell **: one per global index (imports first)
  Tables,        // TableDesc **: one per table index (imports first)
  SigIds,        // const uint32_t *: canonical signature id per type index
  Instance,      // opaque runtime pointer (the instance, or a host function)
  Interrupt,     // uintptr_t: nonzero asks polling code to call InterruptCheck
  Fuel,          // int64_t *: fuel left for the running call (--fuel code)
};

constexpr uint32_t vmOffset(VMField F, unsigned PtrBytes) {
  switch (F) {
  case VMField::MemoryBase:
    return 0;
  case VMField::MemorySize:
    return 8;
  default:
    return 16 + (uint32_t(F) - uint32_t(VMField::StackLimit)) * PtrBytes;
  }
}
/// Padded to 8 bytes, the alignment of MemorySize.
constexpr uint32_t vmContextSize(unsigned PtrBytes) {
  return (vmOffset(VMField::Fuel, PtrBytes) + PtrBytes + 7) & ~7u;
}

/// ImportedFunc { void *Code; VMContext *Ctx; }: the callee's code and the
/// context to pass it (another instance's, or a host function's).
constexpr uint32_t importedFuncCode(unsigned) { return 0; }
constexpr uint32_t importedFuncCtx(unsigned P) { return P; }
constexpr uint32_t importedFuncSize(unsigned P) { return 2 * P; }

/// FuncRefEntry { void *Code; VMContext *Ctx; uint32_t SigId; }: what a
/// funcref points at. Null funcref is a null pointer.
constexpr uint32_t funcRefCode(unsigned) { return 0; }
constexpr uint32_t funcRefCtx(unsigned P) { return P; }
constexpr uint32_t funcRefSigId(unsigned P) { return 2 * P; }

/// TableDesc { void **Elems; uint32_t Size; }: elements are FuncRefEntry*
/// (funcref) or opaque host pointers (externref); null is 0.
constexpr uint32_t tableElems(unsigned) { return 0; }
constexpr uint32_t tableSize(unsigned P) { return P; }

/// GlobalCell: 16 bytes, little-endian value (v128, or a pointer for refs).
constexpr uint32_t GlobalCellBytes = 16;

/// Slots of the entry/exit trampolines' argument array.
constexpr uint32_t ValSlotBytes = 16;

/// Signatures with more parameters or results than these pass them in
/// slots. Far above what compilers emit (clang's multi-value ABI returns at
/// most a few), so ordinary code keeps register arguments.
constexpr uint32_t MaxRegisterParams = 32;
constexpr uint32_t MaxRegisterResults = 8;
constexpr bool passesInSlots(uint64_t Params, uint64_t Results) {
  return Params > MaxRegisterParams || Results > MaxRegisterResults;
}

/// Guard mode reserves this much address space per memory: 4 GiB of index
/// space plus 4 GiB for the largest static offset, so base + u32 index +
/// u32 offset can never leave the reservation.
constexpr uint64_t GuardReservationBytes = uint64_t(8) << 30;
/// ... and keeps this much unmapped just below the base, where an address
/// that the compiler rebased below an earlier access (address_no_wrap.h)
/// lands when Wasm's would have wrapped past 4 GiB: both trap.
constexpr uint64_t GuardBytesBelowBase = 65536;

/// The most pages a Kiln linear memory ever holds: 65535, 64 KiB short of
/// the 4 GiB a 32-bit index can reach. A module may declare up to 65536
/// (the spec's limit), but memory.grow past 65535 fails, as the spec lets
/// an implementation's grow fail, and a memory whose minimum is 65536 pages
/// cannot be created. The compiler relies on it: an access at index i that
/// did not trap proves i < 2^32 - 65536, so i + d cannot wrap for any
/// 0 < d <= 65536 (compiler/codegen/address_no_wrap.h).
constexpr uint32_t MaxMemoryPages = 65535;
constexpr uint32_t NoWrapReachAfterAccess = 65536;
static_assert(uint64_t(MaxMemoryPages) * 65536 + NoWrapReachAfterAccess <=
                  uint64_t(1) << 32,
              "an accessed index plus the reach must stay below 2^32");
static_assert(GuardBytesBelowBase >= NoWrapReachAfterAccess,
              "an index rebased below an access must land in the guard");

/// Names of the symbols the compiler gives generated functions. The runtime
/// never looks symbols up (the artifact's function table holds offsets); the
/// names exist for disassembly and profiling.
inline constexpr const char *FuncSymbolPrefix = "kiln_f";
inline constexpr const char *EntrySymbolPrefix = "kiln_entry_t";
inline constexpr const char *ExitSymbolPrefix = "kiln_exit_t";

} // namespace kiln::abi

#endif // KILN_ABI_H
