//===- runtime/src/stable_pool.h - Slots that are never freed ---*- C++ -*-===//
//
// A pool of T whose memory is never returned: acquire() and release() take
// a lock (they run when instances and threads come and go), while forEach()
// takes none and may run anywhere, a signal handler or a timer interrupt
// included. An entry may be released and reused while forEach() looks at it,
// so what forEach() does to an entry must be harmless for any user of it
// (setting an interrupt word is: the next owner sees one spurious check).
//
//===----------------------------------------------------------------------===//
#ifndef KILN_RUNTIME_STABLE_POOL_H
#define KILN_RUNTIME_STABLE_POOL_H

#include <atomic>
#include <cstddef>
#include <mutex>

namespace kiln::rt {

template <class T, size_t BlockSize> class StablePool {
public:
  /// A value-initialized free entry (T is reset by the caller as needed).
  T &acquire() {
    std::lock_guard<std::mutex> Lock(M);
    for (Block *B = Head.load(std::memory_order_acquire); B; B = B->Next)
      for (Entry &E : B->Entries)
        if (!E.Used) {
          E.Used = true;
          return E.Value;
        }
    // Linked in only once complete: forEach() sees it whole or not at all.
    Block *B = new Block();
    B->Next = Head.load(std::memory_order_relaxed);
    B->Entries[0].Used = true;
    Head.store(B, std::memory_order_release);
    return B->Entries[0].Value;
  }

  void release(T &V) {
    std::lock_guard<std::mutex> Lock(M);
    entryOf(V).Used = false;
  }

  /// Visits every entry, used or not. Lock-free.
  template <class Fn> void forEach(Fn &&F) {
    for (Block *B = Head.load(std::memory_order_acquire); B; B = B->Next)
      for (Entry &E : B->Entries)
        F(E.Value);
  }

private:
  struct Entry {
    T Value{}; // first: an entry's address is its value's
    bool Used = false;
  };
  struct Block {
    Entry Entries[BlockSize];
    Block *Next = nullptr;
  };
  static Entry &entryOf(T &V) { return *reinterpret_cast<Entry *>(&V); }

  std::mutex M;
  std::atomic<Block *> Head{nullptr};
};

} // namespace kiln::rt

#endif // KILN_RUNTIME_STABLE_POOL_H
