//===- hostlib/src/scratch.h - Per-thread scratch for kernels ---*- C++ -*-===//
//
// Kernels need temporary space (an extended delay line, split complex
// arrays, im2col patches). It comes from a per-thread arena that grows to
// the largest request and is freed when the thread exits, so a call never
// allocates in the steady state and nothing is shared between threads.
// Slots let a kernel that calls another (power spectrum -> rfft) keep its
// own space.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_HOSTLIB_SCRATCH_H
#define KILN_HOSTLIB_SCRATCH_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kiln::hostlib {

enum ScratchSlot : unsigned { SlotFft = 0, SlotKernel = 1, SlotAux = 2 };

/// At least `Bytes` bytes, 64-byte aligned, valid until the next request
/// for the same slot on this thread.
inline void *scratchBytes(ScratchSlot Slot, size_t Bytes) {
  struct alignas(64) Block {
    unsigned char B[64];
  };
  thread_local std::vector<Block> Arena[3];
  std::vector<Block> &A = Arena[Slot];
  size_t Blocks = (Bytes + 63) / 64 + 1;
  if (A.size() < Blocks)
    A.resize(Blocks);
  return A.data();
}

template <typename T> T *scratch(ScratchSlot Slot, size_t Count) {
  return static_cast<T *>(scratchBytes(Slot, Count * sizeof(T)));
}

} // namespace kiln::hostlib

#endif // KILN_HOSTLIB_SCRATCH_H
