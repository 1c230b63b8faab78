//===- runtime/src/code_registry.cc - Where generated code lives ----------===//
//
// A fixed array of slots, so that the signal handler only reads atomics:
// no lock, no allocation, no pointer chasing into structures that another
// thread may be freeing. Writers (Module load/unload) serialize on a mutex.
// A slot is live while its Begin is non-zero; End is written before Begin
// is published and Begin is cleared before the slot is reused.
//
//===----------------------------------------------------------------------===//

#include "src/code_registry.h"

#include <atomic>
#include <mutex>

namespace kiln::rt {

// Enough for any realistic number of simultaneously loaded modules; a load
// beyond it fails with a Limit error instead of silently losing traps.
static constexpr uint32_t MaxRanges = 4096;

namespace {
struct Slot {
  std::atomic<uintptr_t> Begin{0};
  std::atomic<uintptr_t> End{0};
  std::atomic<const void *> Owner{nullptr};
};
} // namespace

// Constant-initialized (atomics have constexpr constructors): no static
// constructor runs for these.
static Slot Slots[MaxRanges];
static std::atomic<uint32_t> HighWater{0}; // slots [0, HighWater) may be live
static std::mutex WriteLock;

CodeRange &CodeRange::operator=(CodeRange &&O) noexcept {
  if (this != &O) {
    reset();
    Slot = O.Slot;
    O.Slot = NoSlot;
  }
  return *this;
}

Expected<CodeRange> CodeRange::add(uintptr_t Begin, uintptr_t End,
                                   const void *Owner) {
  if (Begin == 0 || End <= Begin)
    return Error::make(ErrorKind::Usage, "empty or null code range");
  std::lock_guard<std::mutex> Guard(WriteLock);
  uint32_t N = HighWater.load(std::memory_order_relaxed);
  uint32_t Free = NoSlot;
  for (uint32_t I = 0; I < N && Free == NoSlot; ++I)
    if (Slots[I].Begin.load(std::memory_order_relaxed) == 0)
      Free = I;
  if (Free == NoSlot) {
    if (N == MaxRanges)
      return Error::make(ErrorKind::Limit,
                         formatString("more than %u modules loaded at once",
                                      MaxRanges));
    Free = N;
  }
  Slots[Free].End.store(End, std::memory_order_relaxed);
  Slots[Free].Owner.store(Owner, std::memory_order_relaxed);
  Slots[Free].Begin.store(Begin, std::memory_order_release);
  if (Free == N)
    HighWater.store(N + 1, std::memory_order_release);
  return CodeRange(Free);
}

void CodeRange::reset() {
  if (Slot == NoSlot)
    return;
  std::lock_guard<std::mutex> Guard(WriteLock);
  Slots[Slot].Begin.store(0, std::memory_order_release);
  Slots[Slot].End.store(0, std::memory_order_relaxed);
  Slots[Slot].Owner.store(nullptr, std::memory_order_relaxed);
  Slot = NoSlot;
}

static int findSlot(uintptr_t Pc) {
  uint32_t N = HighWater.load(std::memory_order_acquire);
  for (uint32_t I = 0; I < N; ++I) {
    uintptr_t B = Slots[I].Begin.load(std::memory_order_acquire);
    if (B == 0 || Pc < B)
      continue;
    if (Pc < Slots[I].End.load(std::memory_order_relaxed))
      return int(I);
  }
  return -1;
}

bool codeRangeContains(uintptr_t Pc) { return findSlot(Pc) >= 0; }

const void *codeRangeOwner(uintptr_t Pc) {
  int I = findSlot(Pc);
  return I < 0 ? nullptr : Slots[I].Owner.load(std::memory_order_relaxed);
}

} // namespace kiln::rt
